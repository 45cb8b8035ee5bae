#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# verify when the range took an AG's own indexes (issue #22): 4 MiB at the
# start of an AG hold its headers, the roots of its rmapbt and inobt, an
# inode chunk and file data.  The rmapbt cannot say what the range held,
# so verify falls back to what the directory tree and the inodes say:
#   - every inode the test finds in the range on the mounted pristine
#     image (from its inode number) and named by a directory outside the
#     AG is in the children of an "inodes" row, with its path;
#   - every file whose inode lies outside the range and whose extents
#     (GETFSMAP, xfs_io fsmap -v) go into the range has a "data" row
#     there: here reflinked clones, in another AG, of files of the AG;
#   - what nothing vouches for is "unknown", flagged unresolved, never the
#     whole range in one row;
#   - verify writes nothing: the image is byte-identical.
# Then the inode btree alone (its root block, and the inode blocks of those
# inodes, as a bad-block list): the rmapbt names the chunk, the tree its
# inodes; the row stays unresolved.
# Without parent pointers (no other index names the inodes) and with them.
. "$PMF_SRC/tests/lib.sh"
pmf_require_root

seed=${PMF_SEED:-$(( (RANDOM << 15) | RANDOM ))}
echo "seed $seed"

# vrun IMG RANGE...: verify as JSON with the flags into $TMP/v.json; it
# must find damage (exit 1-7) and leave IMG byte-identical.
vrun() {
	local img=$1 before rc
	shift
	before=$(pmf_sha "$img")
	"$XFS_PMEM" verify "$img" --device data "$@" -o +flags -J > "$TMP/v.json" 2> "$TMP/v.err"
	rc=$?
	[ $((rc & ~7)) = 0 ] && [ $rc != 0 ] ||
		pmf_fail "pptr=$pptr: verify $* exited $rc: $(tail -2 "$TMP/v.err")"
	[ "$(pmf_sha "$img")" = "$before" ] || pmf_fail "pptr=$pptr: verify $* changed the image"
}

for pptr in 0 1; do
	img=$TMP/fs$pptr.img
	pmf_mkfs "$img" 512m -- -m rmapbt=1,reflink=1 -n parent=$pptr -i sparse=1 -d agcount=4
	pmf_geometry "$img" > "$TMP/geo.json"
	logag=$(( $("$XFS_DB" -r -c 'sb 0' -c 'print logstart' "$img" | awk '{print $3}') /
		$("$XFS_DB" -r -c 'sb 0' -c 'print agblocks' "$img" | awk '{print $3}') ))
	pmf_mount "$img" "$TMP/mnt"
	# /dT is the first top directory outside AG 0 and the log's AG; its
	# first files are renamed into /d0 (their inodes stay in AG T) or
	# cloned there (the clone's inode is in AG 0, its data in AG T).
	ag=$("$PYTHON" - "$TMP/mnt" "$TMP/geo.json" "$seed" "$logag" <<'PY'
import json, os, random, subprocess, sys
root, g, rng = sys.argv[1], json.load(open(sys.argv[2])), random.Random(int(sys.argv[3]))
logag = int(sys.argv[4])
shift = g["agblklog"] + g["inopblog"]
ag = lambda p: os.lstat(p).st_ino >> shift
tops = []
for d in range(4):
    tops.append(os.path.join(root, "d%d" % d))
    os.mkdir(tops[-1])
    for i in range(40):
        with open(os.path.join(tops[-1], "f%03d" % i), "wb") as fh:
            fh.write(rng.randbytes(rng.choice([100, 5000, 20000])))
d0 = next(t for t in tops if ag(t) == 0)
top = next(t for t in tops if ag(t) not in (0, logag))
for i in range(10):
    os.rename(os.path.join(top, "f%03d" % i), os.path.join(d0, "moved%d" % i))
for i in range(10, 20):
    subprocess.check_call(["cp", "--reflink=always", os.path.join(top, "f%03d" % i),
                           os.path.join(d0, "clone%d" % i)])
print(ag(top))
PY
) || pmf_fail "cannot populate"
	off=$(( ag * $("$PYTHON" -c 'import json,sys; g=json.load(open(sys.argv[1])); print(g["agblocks"] * g["blocksize"])' "$TMP/geo.json") ))
	len=$((4 << 20))
	echo "pptr=$pptr: AG $ag, loss $off+$len"
	# What the range holds, before the loss: inodes from their numbers,
	# file extents from the kernel's GETFSMAP.
	"$XFS_IO" -r -c 'fsmap -v' "$TMP/mnt" > "$TMP/fsmap"
	"$PYTHON" - "$TMP/mnt" "$TMP/geo.json" "$off" "$len" "$TMP/fsmap" > "$TMP/want.json" <<'PY' ||
import json, os, re, sys
mnt, g = sys.argv[1], json.load(open(sys.argv[2]))
off, ln = int(sys.argv[3]), int(sys.argv[4])
shift = g["agblklog"] + g["inopblog"]
agbytes = g["agblocks"] * g["blocksize"]
def where(ino):
    agino = ino & ((1 << shift) - 1)
    return (ino >> shift) * agbytes + (agino >> g["inopblog"]) * g["blocksize"] + \
        (agino & ((1 << g["inopblog"]) - 1)) * g["inodesize"]
inrange = lambda b: off <= b < off + ln
paths, kind = {}, {}
for d, ds, fs in os.walk(mnt):
    for n in ds + fs:
        p = os.path.join(d, n)
        paths.setdefault(os.lstat(p).st_ino, []).append(("/" + os.path.relpath(p, mnt), os.lstat(d).st_ino))
# Inodes in the range named by a directory whose inode is not.
inodes = {i: [p for p, _ in v] for i, v in paths.items()
          if inrange(where(i)) and any(not inrange(where(par)) and
                                       (par >> shift) != (off // agbytes) for _, par in v)}
# Files outside the range with extents in it (sectors in fsmap -v).
data = set()
for line in open(sys.argv[5]):
    m = re.match(r"\s*\d+: \S+ \[(\d+)\.\.(\d+)\]:\s+(\d+)\s+\d+\.\.\d+", line)
    if not m:
        continue
    a, b, ino = int(m.group(1)) * 512, (int(m.group(2)) + 1) * 512, int(m.group(3))
    if a < off + ln and b > off and not inrange(where(ino)):
        data.add(ino)
print("want: %d inodes named outside the AG, %d files with data in the range"
      % (len(inodes), len(data)), file=sys.stderr)
json.dump({"inodes": {str(k): v for k, v in inodes.items()}, "data": sorted(data)}, sys.stdout)
sys.exit(len(inodes) < 10 or len(data) < 1)
PY
		pmf_fail "pptr=$pptr: the layout changed: $(cat "$TMP/want.json")"
	pmf_umount "$TMP/mnt"

	cp --sparse=always "$img" "$TMP/pristine.img"
	"$XFS_PMEM" inject "$img" --device data --offset "$off" --length "$len" \
		--mode random --seed "$seed" --yes > /dev/null || pmf_fail "inject failed"
	vrun "$img" --offset "$off" --length "$len"
	"$PYTHON" - "$TMP/v.json" "$TMP/want.json" <<'PY' || pmf_fail "pptr=$pptr: verify's rows lack what the range held"
import json, sys
v, want = json.load(open(sys.argv[1]))["impacts"], json.load(open(sys.argv[2]))
got_inodes, got_data, unknown = {}, set(), []
for r in v:
    if r["owner"] == "inodes":
        for c in r.get("children") or []:
            got_inodes[c["inode"]] = [p for p in c["path"] if p]
    elif r["owner"] == "data":
        got_data.add(r["inode"])
    elif r["owner"] == "unknown":
        unknown.append(r)
print("verify: %d rows, %d inodes in chunk rows, %d files with data rows, %d unknown rows"
      % (len(v), len(got_inodes), len(got_data), len(unknown)))
bad = []
for ino, ps in want["inodes"].items():
    if int(ino) not in got_inodes:
        bad.append("inode %s %s: no row" % (ino, ps))
    elif not set(ps) & set(got_inodes[int(ino)]):
        bad.append("inode %s: paths %s, verify says %s" % (ino, ps, got_inodes[int(ino)]))
for ino in want["data"]:
    if ino not in got_data:
        bad.append("inode %d: data in the range, no data row" % ino)
for r in unknown:
    if "unresolved" not in (r.get("flags") or ""):
        bad.append("unknown row at %s not flagged unresolved" % r["start"])
if len(v) < 2:
    bad.append("one row for the whole range")
if bad:
    sys.exit("\n".join(bad[:10]))
PY

	# The inobt alone: its root block, and the inode block(s) of the
	# named inodes, from a bad-block list.  The rmapbt still names the
	# chunk; its inodes come from the tree, and the row stays unresolved.
	img=$TMP/pristine.img
	bs=$("$PYTHON" -c 'import json,sys; print(json.load(open(sys.argv[1]))["blocksize"])' "$TMP/geo.json")
	iroot=$("$XFS_DB" -r -c "agi $ag" -c 'print root' "$img" | awk '{print $3}')
	[ -n "$iroot" ] || pmf_fail "xfs_db gave no inobt root"
	read -r cstart clen < <("$PYTHON" - "$TMP/want.json" "$TMP/geo.json" <<'PY'
import json, sys
want, g = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
shift, bs = g["agblklog"] + g["inopblog"], g["blocksize"]
def where(ino):
    agino = ino & ((1 << shift) - 1)
    return (ino >> shift) * g["agblocks"] * bs + (agino >> g["inopblog"]) * bs
blocks = sorted({where(int(i)) for i in want["inodes"]})
print(blocks[0], blocks[-1] + bs - blocks[0])
PY
)
	ioff=$((off + iroot * bs))
	printf '%d %d\n%d %d\n' $((ioff / 512)) $((bs / 512)) $((cstart / 512)) $((clen / 512)) > "$TMP/bb"
	echo "pptr=$pptr: inobt root at $ioff, inode blocks $cstart+$clen"
	for r in "$ioff $bs" "$cstart $clen"; do
		set -- $r
		"$XFS_PMEM" inject "$img" --device data --offset "$1" --length "$2" \
			--mode random --seed "$seed" --yes > /dev/null || pmf_fail "inject failed"
	done
	vrun "$img" --badblocks "$TMP/bb"
	"$PYTHON" - "$TMP/v.json" "$TMP/want.json" <<'PY' || pmf_fail "pptr=$pptr: the chunk rows lack the named inodes"
import json, sys
v, want = json.load(open(sys.argv[1]))["impacts"], json.load(open(sys.argv[2]))
chunks = [r for r in v if r["owner"] == "inodes"]
got = {c["inode"]: [p for p in c["path"] if p] for r in chunks for c in r.get("children") or []}
print("inobt lost: %d chunk rows, %d inodes in them" % (len(chunks), len(got)))
bad = [i for i, ps in want["inodes"].items() if not set(ps) & set(got.get(int(i), []))]
bad += ["chunk row at %s not unresolved" % r["start"] for r in chunks
        if "unresolved" not in (r.get("flags") or "")]
sys.exit("missing: %s" % bad[:10] if bad else 0)
PY
	rm -f "$TMP/fs$pptr.img" "$TMP/pristine.img"
done
echo "verify names what the range held from the tree when the AG's indexes are gone"
