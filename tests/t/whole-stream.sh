#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A whole device's report is streamed: records go out batch by batch as
# the walk goes (PMF_QUERY_BATCH makes the batches tiny here, so that a
# small filesystem crosses as many batch boundaries as a big one).  The
# streamed --whole report must be the concatenation of the per-AG range
# queries, in every format, with and without parent pointers (without
# them a range bigger than a batch is walked twice, first for its inodes);
# every path must be one that find(1) shows on the mounted filesystem;
# --summary must give the same summary; and an error before the report
# is complete must leave nothing on standard output.  The whole-device
# reports format their records on a second thread (--threads), the per-AG
# ones on the walk's: the order must not change.
. "$PMF_SRC/tests/lib.sh"
pmf_require_root

check_fs() {
	local parent=$1 img="$TMP/p$1.img" mnt="$TMP/mnt"

	pmf_mkfs "$img" 600M -- -m rmapbt=1,reflink=1 -n parent="$parent" -d agcount=4
	pmf_mount "$img" "$mnt"
	# Files in every AG (XFS spreads directories over the AGs), hard
	# links across directories, a name that needs JSON escaping.
	for d in 0 1 2 3 4 5 6 7; do
		mkdir -p "$mnt/d$d/sub"
		for f in $(seq 1 40); do
			head -c $(( (f % 5 + 1) * 4096 )) /dev/urandom > "$mnt/d$d/f$f"
		done
		head -c 300K /dev/urandom > "$mnt/d$d/sub/big"
	done
	ln "$mnt/d0/f1" "$mnt/d3/sub/link-of-d0-f1"
	ln "$mnt/d5/f2" "$mnt/d6/link-of-d5-f2"
	: > "$mnt/d1/we\"ird\\name"
	head -c 8K /dev/urandom > "$mnt/d1/we\"ird\\name"
	cp --reflink=always "$mnt/d2/f3" "$mnt/d7/clone-of-d2-f3"
	# The independent answer: every path of every inode.
	(cd "$mnt" && find . -xdev -printf '%i /%P\n') | sed 's| /$| /|' > "$TMP/find.txt"
	pmf_umount "$mnt"

	# Each AG as a byte range; the last one ends with the device.
	local agranges
	agranges=$(pmf_geometry "$img" | "$PYTHON" -c '
import json, os, sys
g = json.load(sys.stdin)
ag = g["agblocks"] * g["blocksize"]
size = os.path.getsize(sys.argv[1])
for i in range(g["agcount"]):
    print("%d:%d" % (i * ag, min(ag, size - i * ag)))' "$img")
	[ -n "$agranges" ] || pmf_fail "no geometry"
	local sum
	sum=$(pmf_sha "$img")

	for batch in 5 1000000; do
		export PMF_QUERY_BATCH=$batch
		"$XFS_PMEM" simulate "$img" --device data --whole --json -b \
			--threads 2 -o +ag,agbno,blocks,metafile > "$TMP/whole.json"
		local rc=$?
		[ $rc -lt 8 ] || pmf_fail "parent=$parent batch=$batch: whole exited $rc"
		: > "$TMP/ags.list"
		for r in $agranges; do
			"$XFS_PMEM" simulate "$img" --device data --threads 1 \
				--offset "${r%:*}" --length "${r#*:}" --json -b \
				-o +ag,agbno,blocks,metafile > "$TMP/ag${r%:*}.json"
			[ $? -lt 8 ] || pmf_fail "parent=$parent: AG at ${r%:*} failed"
			echo "$TMP/ag${r%:*}.json" >> "$TMP/ags.list"
		done
		"$XFS_PMEM" simulate "$img" --device data --whole --summary --json -b \
			> "$TMP/summary.json" || [ $? -lt 8 ] ||
			pmf_fail "parent=$parent: --summary failed"
		"$PYTHON" - "$TMP/whole.json" "$TMP/ags.list" "$TMP/find.txt" \
			"$TMP/summary.json" <<'PY' || pmf_fail "parent=$parent batch=$batch: streamed --whole differs"
import json, sys
whole = json.load(open(sys.argv[1]))
parts = []
for f in open(sys.argv[2]).read().split():
    parts += json.load(open(f))["impacts"]
w = whole["impacts"]
assert len(w) > 300, len(w)
if w != parts:
    for i, (a, b) in enumerate(zip(w, parts)):
        if a != b:
            sys.exit("record %d: whole %r, per-AG %r" % (i, a, b))
    sys.exit("whole has %d records, the AGs %d" % (len(w), len(parts)))
# Paths: exactly the names find(1) saw for each inode.
names = {}
for line in open(sys.argv[3]):
    ino, path = line.rstrip("\n").split(" ", 1)
    names.setdefault(int(ino), set()).add(path)
rows = w + [c for r in w for c in r.get("children", [])]
checked = 0
for r in rows:
    if r["inode"] is None or r["metafile"]:
        continue
    got = set(p for p in r["path"] if p)
    want = names.get(r["inode"], set())
    assert got == want, (r, want)
    checked += 1
assert checked > 300, checked
# The summary counts the files that lost data once each.
files = {r["inode"] for r in w if r["owner"] in ("data", "attr", "bmbt", "attr-bmbt") and r["effect"] == "data-lost"}
s = whole["summary"][0]
assert s["files"] == len(files), (s["files"], len(files))
assert json.load(open(sys.argv[4])) == {"summary": whole["summary"]}
assert "impacts" not in json.load(open(sys.argv[4]))
PY
		# Text and raw: the rows after the first page are the AGs' rows.
		"$XFS_PMEM" simulate "$img" --device data --whole -R -n \
			--threads 3 > "$TMP/whole.txt"
		: > "$TMP/ags.txt"
		for r in $agranges; do
			"$XFS_PMEM" simulate "$img" --device data --threads 1 \
				--offset "${r%:*}" --length "${r#*:}" -R -n |
				sed '/^$/,$d' >> "$TMP/ags.txt"
		done
		sed '1,/^Every record:$/d' "$TMP/whole.txt" > "$TMP/whole.rows"
		cmp -s "$TMP/whole.rows" "$TMP/ags.txt" ||
			pmf_fail "parent=$parent batch=$batch: raw rows differ: $(diff "$TMP/ags.txt" "$TMP/whole.rows" | head -5)"
		grep -q '^Verdict ' "$TMP/whole.txt" ||
			pmf_fail "parent=$parent: no first page"
	done
	unset PMF_QUERY_BATCH
	[ "$(pmf_sha "$img")" = "$sum" ] || pmf_fail "parent=$parent: the image changed"
	rm -f "$img"
}

check_fs 1
check_fs 0

# An error exit prints nothing on standard output: a range past the end.
out=$("$XFS_PMEM" simulate "$TMP/../nonexistent" --device data --whole --json 2>/dev/null)
[ -z "$out" ] || pmf_fail "an error exit printed on stdout: $out"
echo "streamed whole-device reports match the per-AG queries and find(1)"
