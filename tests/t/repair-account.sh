#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Issue #22's scenario: a loss that takes an AG's metadata with it, and a
# repair that accounts for every path.  2 GiB, 24 AGs, sparse inodes, no
# parent pointers, PMF_ACCOUNT_FILES (default 11,000) files in nested
# directories with hard links across directories.  4 MiB fail at the start
# of one AG: its headers, btree roots and inode chunks, which hold
#   - a top directory /dirT, whose subdirectories live in other AGs: after
#     xfs_repair they are in lost+found (orphaned), and so is all below;
#   - files created in /dirT and then renamed into other directories: the
#     inode is lost, its paths are known (inode-lost);
#   - files that stayed in /dirT with a hard link elsewhere (inode-lost,
#     the name in /dirT known by its directory only);
# and /dirT names files of other AGs that have names elsewhere: they live
# and lose that name (name-lost).  After inject and repair --apply, every
# path of the snapshot taken by mounting the image before the event is
# intact (every byte) or in the manifest's account with a category true of
# the repaired filesystem, and none is unaccounted.  Last, a file whose
# extended attributes had a block of their own loses only that: attr-lost.
. "$PMF_SRC/tests/lib.sh"
pmf_require_root

nfiles=${PMF_ACCOUNT_FILES:-11000}
seed=${PMF_SEED:-$(( (RANDOM << 15) | RANDOM ))}
echo "seed $seed, $nfiles files"
CHECK="$PMF_SRC/tests/repair-check.py"
img=$TMP/fs.img

pmf_mkfs "$img" 2g -- -m rmapbt=1 -n parent=0 -i sparse=1 -d agcount=24
pmf_geometry "$img" > "$TMP/geo.json"
logag=$(( $("$XFS_DB" -r -c 'sb 0' -c 'print logstart' "$img" | awk '{print $3}') /
	$("$XFS_DB" -r -c 'sb 0' -c 'print agblocks' "$img" | awk '{print $3}') ))
pmf_mount "$img" "$TMP/mnt"
ag=$("$PYTHON" - "$TMP/mnt" "$TMP/geo.json" "$seed" "$nfiles" "$logag" <<'PY'
import json, os, random, sys
root, geo, rng = sys.argv[1], json.load(open(sys.argv[2])), random.Random(int(sys.argv[3]))
nfiles, logag = int(sys.argv[4]), int(sys.argv[5])
shift = geo["agblklog"] + geo["inopblog"]
ag = lambda p: os.lstat(p).st_ino >> shift

# One top directory per AG (new directories rotate over the AGs); /dirT
# is the first one outside AG 0 (the root) and the log's AG.
tops = []
for d in range(24):
    tops.append(os.path.join(root, "dir%02d" % d))
    os.mkdir(tops[-1])
top = next(t for t in tops if ag(t) not in (0, logag))
k = ag(top)

def mkdir_elsewhere(p):
    """Every other directory outside AG k: retry, the rotor moves on."""
    while True:
        os.mkdir(p)
        if ag(p) != k:
            return p
        os.rmdir(p)

leaves = []
for t in tops:
    for s in range(3):
        sub = mkdir_elsewhere(os.path.join(t, "sub%d" % s))
        leaves.append(sub)
        for d in range(2):
            leaves.append(mkdir_elsewhere(os.path.join(sub, "deep%d" % d)))
files = []
for i in range(nfiles):
    p = os.path.join(rng.choice(leaves), "f%05d" % i)
    with open(p, "wb") as fh:
        fh.write(rng.randbytes(rng.choice([100, 3000, 4096, 9000, 20000])))
    files.append(p)
# Hard links across directories.
for i, p in enumerate(rng.sample(files, nfiles // 20)):
    os.link(p, os.path.join(rng.choice(leaves), "hl%05d" % i))
# Inodes in AG k named elsewhere: created in /dirT, then renamed out.
for i in range(120):
    p = os.path.join(top, "moved%03d" % i)
    with open(p, "wb") as fh:
        fh.write(rng.randbytes(rng.choice([100, 4096])))
    os.rename(p, os.path.join(rng.choice(leaves), "moved%03d" % i))
# ... or left in /dirT with a second name elsewhere.
for i in range(30):
    p = os.path.join(top, "kept%03d" % i)
    with open(p, "wb") as fh:
        fh.write(rng.randbytes(100))
    os.link(p, os.path.join(rng.choice(leaves), "keptlink%03d" % i))
# Files of other AGs with one name in /dirT.
for i, p in enumerate(rng.sample(files, 20)):
    os.link(p, os.path.join(top, "other%03d" % i))
print(k)
PY
) || pmf_fail "cannot populate"
"$PYTHON" "$CHECK" snap "$TMP/mnt" > "$TMP/snap.json" || pmf_fail "snapshot failed"
pmf_umount "$TMP/mnt"

agbytes=$(( $("$PYTHON" -c 'import json,sys; g=json.load(open(sys.argv[1])); print(g["agblocks"] * g["blocksize"])' "$TMP/geo.json") ))
off=$((ag * agbytes)) len=$((4 << 20))
echo "AG $ag, loss $off+$len"
# The scenario's shape: every inode of AG $ag is in the range, among them
# /dirT's.
"$PYTHON" - "$TMP/snap.json" "$TMP/geo.json" "$ag" "$off" "$len" <<'PY' || pmf_fail "the layout changed"
import json, sys
snap, g = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
k, off, ln = (int(x) for x in sys.argv[3:6])
shift = g["agblklog"] + g["inopblog"]
def where(ino):
    agino = ino & ((1 << shift) - 1)
    return (ino >> shift) * g["agblocks"] * g["blocksize"] + \
        (agino >> g["inopblog"]) * g["blocksize"] + \
        (agino & ((1 << g["inopblog"]) - 1)) * g["inodesize"]
inag = [int(i) for i in snap if int(i) >> shift == k]
out = [i for i in inag if not off <= where(i) < off + ln]
print("%d files with inodes in AG %d, %d outside the range" % (len(inag), k, len(out)))
sys.exit(len(inag) < 150 or len(out) > 0)
PY

"$XFS_PMEM" simulate "$img" --device data --offset "$off" --length "$len" \
	--json -b > "$TMP/pred.json"
rc=$?
[ $((rc & ~7)) = 0 ] || pmf_fail "simulate exited $rc"
"$XFS_PMEM" inject "$img" --device data --offset "$off" --length "$len" \
	--mode random --seed "$seed" --yes > /dev/null || pmf_fail "inject failed"
"$XFS_PMEM" repair "$img" --device data --offset "$off" --length "$len" --apply \
	--undo "$TMP/undo" --manifest "$TMP/man.json" > "$TMP/repair.out" 2>&1
rc=$?
grep -v '^Metadata\|^ ' "$TMP/repair.out" | head -30
[ $rc = 1 ] || pmf_fail "repair exited $rc: $(tail -3 "$TMP/repair.out")"
"$XFS_REPAIR" -n "$img" > "$TMP/repair-n.log" 2>&1 ||
	pmf_fail "xfs_repair -n is not clean: $(grep -v '^ ' "$TMP/repair-n.log" | head -5)"
pmf_mount "$img" "$TMP/mnt"
out=$("$PYTHON" "$CHECK" check "$TMP/mnt" "$TMP/snap.json" "$TMP/man.json" \
	"$TMP/pred.json" 1 2>&1) || pmf_fail "$out"
echo "$out"
pmf_umount "$TMP/mnt"
# Every category the scenario makes is there, and nothing is unaccounted.
"$PYTHON" - "$TMP/man.json" <<'PY' || pmf_fail "the account lacks a category"
import json, sys
a = json.load(open(sys.argv[1]))["account"][0]
print("account:", {k: v for k, v in a.items() if k != "unread_dir_paths"})
sys.exit(a["inode_lost"] < 150 or a["name_lost"] < 1 or a["orphaned"] < 1 or
         a["unaccounted"] != "0")
PY

# attr-lost: a file whose extended attributes had a block of their own,
# and only that block fails.
img=$TMP/attr.img
pmf_mkfs "$img" 512m -- -m rmapbt=1
pmf_mount "$img" "$TMP/mnt"
mkdir "$TMP/mnt/a"
echo data > "$TMP/mnt/a/f"
"$PYTHON" -c 'import os, sys; os.setxattr(sys.argv[1], "user.big", os.urandom(3000))' \
	"$TMP/mnt/a/f" || pmf_fail "setxattr failed"
ablk=$("$XFS_IO" -r -c 'bmap -a' "$TMP/mnt/a/f" | sed -n 's/.*\]: \([0-9]*\)\.\..*/\1/p' | head -1)
pmf_umount "$TMP/mnt"
[ -n "$ablk" ] || pmf_fail "the xattr has no block of its own"
"$XFS_PMEM" inject "$img" --device data --offset $((ablk * 512)) --length 4096 \
	--mode random --seed "$seed" --yes > /dev/null || pmf_fail "inject of the attr block failed"
"$XFS_PMEM" repair "$img" --device data --offset $((ablk * 512)) --length 4096 --apply \
	--undo "$TMP/undo-attr" --manifest "$TMP/man-attr.json" > "$TMP/repair-attr.out" 2>&1 ||
	[ $? = 1 ] || pmf_fail "repair of the attr block failed: $(tail -3 "$TMP/repair-attr.out")"
"$PYTHON" - "$TMP/man-attr.json" <<'PY' || pmf_fail "the account does not say /a/f lost its xattrs"
import json, sys
m = json.load(open(sys.argv[1]))
print("attr block lost:", m["paths"])
sys.exit(m["paths"] != [{"category": "attr-lost", "inode": m["paths"][0]["inode"],
                         "path": "/a/f", "now": None, "restored": None,
                         "not_restored": None}])
PY
