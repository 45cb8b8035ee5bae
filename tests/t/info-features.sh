#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# xfs_pmem info --json against xfsprogs' own xfs_db (-c info and sb 0) on
# several real filesystems, and our xfs_db's pmfinfo against both.
. "$PMF_SRC/tests/lib.sh"

# compare IMG LOG RT -- mkfs options
compare() {
	local img=$1 log=$2 rt=$3
	local dbargs=(-r) pargs=()
	[ -n "$log" ] && dbargs+=(-l "$log") pargs+=(-l "$log")
	[ -n "$rt" ] && dbargs+=(-R "$rt") pargs+=(-r "$rt")

	"$XFS_PMEM" info "$img" "${pargs[@]}" --json --bytes > "$TMP/info.json" ||
		pmf_fail "info failed on $img"
	"$XFS_DB" "${dbargs[@]}" -c info -c 'sb 0' -c 'print uuid blocksize sectsize inodesize agcount agblocks dblocks logblocks logstart rblocks rextsize' "$img" > "$TMP/db.txt" ||
		pmf_fail "xfs_db failed on $img"
	"$PMF_XFS_DB" "${dbargs[@]}" -c pmfinfo "$img" > "$TMP/pmfinfo.txt" ||
		pmf_fail "our xfs_db pmfinfo failed on $img"

	"$PYTHON" - "$TMP/info.json" "$TMP/db.txt" "$TMP/pmfinfo.txt" "$img" "$log" "$rt" <<'PY' || pmf_fail "info differs from xfs_db for $img"
import json, os, re, sys
info = json.load(open(sys.argv[1]))["filesystems"][0]
db = open(sys.argv[2]).read()
pmf = dict(l.split(" = ", 1) for l in open(sys.argv[3]).read().splitlines() if " = " in l)
img, log, rt = sys.argv[4:7]
sb = dict(re.findall(r"^(\w+) = (\S+)$", db, re.M))
feats = dict(re.findall(r"\b([a-z0-9_]+)=(\d+)\b", db))
bad = []
def eq(name, got, want):
    if str(got) != str(want):
        bad.append("%s: xfs_pmem %r, xfs_db %r" % (name, got, want))
for k in ("blocksize", "sectsize", "inodesize", "agcount", "agblocks", "dblocks",
          "logblocks", "logstart", "rblocks", "rextsize"):
    eq(k, info[k], int(sb[k]))
    eq("pmfinfo " + k, pmf[k], int(sb[k]))
eq("uuid", info["uuid"], sb["uuid"])
eq("pmfinfo uuid", pmf["uuid"], sb["uuid"])
for k in ("crc", "finobt", "sparse", "rmapbt", "reflink", "metadir"):
    eq(k, info[k], feats[k] == "1")
    eq("pmfinfo " + k, pmf[k] == "1", feats[k] == "1")
eq("parent", info["parent"], feats.get("parent", "0") == "1")
eq("extlog", info["extlog"], bool(re.search(r"^log\s+=(?!internal)", db, re.M)))
eq("realtime", info["realtime"], int(sb["rblocks"]) > 0)
eq("datasize", info["datasize"], os.path.getsize(img))
if log:
    eq("logsize", info["logsize"], os.path.getsize(log))
if rt:
    eq("rtsize", info["rtsize"], os.path.getsize(rt))
eq("clean", info["clean"], True)
eq("rtrmap", info["rtrmap"], False)
for b in bad:
    print(b)
sys.exit(1 if bad else 0)
PY
	echo "ok: $img $*"
}

pmf_mkfs "$TMP/a.img" 1G "$TMP/a.log" 80M -- -m rmapbt=1,reflink=1
compare "$TMP/a.img" "$TMP/a.log" ""

pmf_mkfs "$TMP/b.img" 700M -- -m rmapbt=0,reflink=0
compare "$TMP/b.img" "" ""

pmf_mkfs "$TMP/c.img" 1G -- -m rmapbt=1 -n parent=1 -b size=2048
compare "$TMP/c.img" "" ""

truncate -s 256M "$TMP/d.rt"
pmf_mkfs "$TMP/d.img" 600M -- -m rmapbt=0,reflink=0 -r rtdev="$TMP/d.rt",extsize=16k
compare "$TMP/d.img" "" "$TMP/d.rt"

# JSON must be JSON, the table must have every field.
"$XFS_PMEM" info "$TMP/c.img" --json | "$PYTHON" -m json.tool > /dev/null ||
	pmf_fail "info --json is not valid JSON"
"$XFS_PMEM" info "$TMP/c.img" | grep -q '^PARENT *yes$' ||
	pmf_fail "info table does not show PARENT yes"
