#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Losses that take AG metadata with them, and the repair's account of every
# path (issue #22): on filesystems without and with parent pointers, each
# populated once (nested directories, hard links across them, two large
# directories in leaf or node form), PMF_ACCOUNT_EACH (default 4) seeded
# scenarios of each kind:
#   head   4 MiB at the start of an AG: headers, btree roots, inode chunks;
#   chunk  the inode chunk of a directory;
#   dir    the blocks of a large directory;
#   ag     a whole AG (not the log's).
# After inject and repair --apply: xfs_repair -n is clean, and every path of
# the snapshot taken before the event is intact (every byte) or in the
# manifest's account with a category true of the repaired filesystem; a
# file named nowhere must be in the count the manifest declares
# unaccounted.  Prints a table of the categories per scenario.
. "$PMF_SRC/tests/lib.sh"
pmf_require_root

each=${PMF_ACCOUNT_EACH:-4}
seed=${PMF_SEED:-$(( (RANDOM << 15) | RANDOM ))}
echo "seed $seed, $each scenarios of each kind on each filesystem"
CHECK="$PMF_SRC/tests/repair-check.py"
table=$TMP/table

# populate MNT SEED: the tree, and the directories' inodes (dirs.json).
populate() {
	"$PYTHON" - "$1" "$2" > "$TMP/dirs.json" <<'PY'
import json, os, random, sys
root, rng = sys.argv[1], random.Random(int(sys.argv[2]))
leaves = []
for t in range(8):
    for s in range(3):
        d = os.path.join(root, "d%d" % t, "s%d" % s)
        os.makedirs(d)
        leaves.append(d)
files = []
for i in range(1500):
    p = os.path.join(rng.choice(leaves), "f%04d" % i)
    with open(p, "wb") as fh:
        fh.write(rng.randbytes(rng.choice([100, 4096, 9000, 30000])))
    files.append(p)
for i, p in enumerate(rng.sample(files, 100)):
    os.link(p, os.path.join(rng.choice(leaves), "hl%03d" % i))
# Large directories: leaf or node form, blocks of their own.
big = []
for b in range(2):
    d = os.path.join(root, "big%d" % b)
    os.mkdir(d)
    big.append(d)
    for i in range(400 + 600 * b):
        with open(os.path.join(d, "entry-with-a-long-name-%05d" % i), "wb") as fh:
            fh.write(rng.randbytes(100))
dirs = [os.lstat(os.path.join(r, n)).st_ino for r, ds, _ in os.walk(root) for n in ds]
print(json.dumps({"dirs": dirs, "big": big}))
PY
}

# range KIND N: "OFFSET LENGTH" of scenario N of KIND.
pick_range() {
	"$PYTHON" - "$TMP/geo.json" "$TMP/dirs.json" "$1" "$2" "$logag" <<'PY'
import json, random, subprocess, sys, os
g, d = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
kind, rng, logag = sys.argv[3], random.Random(int(sys.argv[4])), int(sys.argv[5])
bs, agbytes = g["blocksize"], g["agblocks"] * g["blocksize"]
shift = g["agblklog"] + g["inopblog"]
ags = [a for a in range(1, g["agcount"]) if a != logag]
def where(ino):
    agino = ino & ((1 << shift) - 1)
    return (ino >> shift) * agbytes + (agino >> g["inopblog"]) * bs + \
        (agino & ((1 << g["inopblog"]) - 1)) * g["inodesize"]
if kind == "head":
    print(rng.choice(ags) * agbytes, 4 << 20)
elif kind == "ag":
    print(rng.choice(ags) * agbytes, agbytes)
elif kind == "chunk":
    ino = rng.choice([i for i in d["dirs"] if i >> shift != logag])
    start = where(ino & ~63)
    print(start, 64 * g["inodesize"])
else:
    print(*map(int, open(os.environ["DIRBLOCKS"]).read().split()[rng.randrange(0, 2) * 2:][:2]))
PY
}

printf '%-6s %-6s %-10s %-22s %6s %6s %6s %6s %6s %6s\n' pptr kind seed range intact data inode name orphan unacc > "$table"
n=0
for pptr in 0 1; do
	base=$TMP/base$pptr.img
	pmf_mkfs "$base" 1g -- -m rmapbt=1 -n parent=$pptr -i sparse=1 -d agcount=8
	pmf_geometry "$base" > "$TMP/geo.json"
	logag=$(( $("$XFS_DB" -r -c 'sb 0' -c 'print logstart' "$base" | awk '{print $3}') /
		$("$XFS_DB" -r -c 'sb 0' -c 'print agblocks' "$base" | awk '{print $3}') ))
	pmf_mount "$base" "$TMP/mnt"
	populate "$TMP/mnt" "$seed" || pmf_fail "cannot populate"
	# The first data extent of each large directory, in bytes.
	: > "$TMP/dirblocks"
	for b in big0 big1; do
		"$XFS_IO" -r -c 'bmap' "$TMP/mnt/$b" | "$PYTHON" -c '
import re, sys
for ln in sys.stdin:
    m = re.search(r"\[\d+\.\.\d+\]: (\d+)\.\.(\d+)", ln)
    if m:
        a, b = int(m.group(1)), int(m.group(2))
        print(a * 512, (b - a + 1) * 512)
        break' >> "$TMP/dirblocks"
	done
	export DIRBLOCKS=$TMP/dirblocks
	"$PYTHON" "$CHECK" snap "$TMP/mnt" > "$TMP/snap.json" || pmf_fail "snapshot failed"
	pmf_umount "$TMP/mnt"
	for kind in head chunk dir ag; do
		for ((i = 0; i < each; i++)); do
			s=$((seed + n))
			n=$((n + 1))
			read -r off len < <(pick_range "$kind" "$s")
			[ -n "$len" ] || pmf_fail "no range for $kind"
			img=$TMP/w.img
			cp --sparse=always "$base" "$img"
			"$XFS_PMEM" simulate "$img" --device data --offset "$off" --length "$len" \
				--json -b > "$TMP/pred.json"
			rc=$?
			[ $((rc & ~7)) = 0 ] || pmf_fail "pptr=$pptr $kind seed $s: simulate exited $rc"
			"$XFS_PMEM" inject "$img" --device data --offset "$off" --length "$len" \
				--mode random --seed "$s" --yes > /dev/null ||
				pmf_fail "pptr=$pptr $kind seed $s: inject failed"
			rm -f "$TMP/man.json" "$TMP/undo"
			"$XFS_PMEM" repair "$img" --device data --offset "$off" --length "$len" \
				--apply --undo "$TMP/undo" --manifest "$TMP/man.json" > "$TMP/repair.out" 2>&1
			rc=$?
			[ $rc = 0 ] || [ $rc = 1 ] ||
				pmf_fail "pptr=$pptr $kind seed $s: repair exited $rc: $(tail -3 "$TMP/repair.out")"
			if ! "$XFS_REPAIR" -n "$img" > "$TMP/repair-n.log" 2>&1; then
				# xfs_repair 6.13 is not idempotent on every lost
				# directory block: what a plain xfs_repair leaves
				# behind as well is not ours.
				cp --sparse=always "$base" "$TMP/plain.img"
				"$XFS_PMEM" inject "$TMP/plain.img" --device data --offset "$off" \
					--length "$len" --mode random --seed "$s" --yes > /dev/null
				"$XFS_REPAIR" "$TMP/plain.img" > /dev/null 2>&1
				"$XFS_REPAIR" -n "$TMP/plain.img" 2>&1 | grep '^would' > "$TMP/plain-n"
				grep '^would' "$TMP/repair-n.log" | cmp -s - "$TMP/plain-n" ||
					pmf_fail "pptr=$pptr $kind seed $s: xfs_repair -n is not clean: $(grep -v '^ ' "$TMP/repair-n.log" | tail -4)"
				echo "pptr=$pptr $kind seed $s: xfs_repair -n finds what it finds after a plain xfs_repair: $(cat "$TMP/plain-n")"
			fi
			pmf_mount "$img" "$TMP/mnt"
			out=$("$PYTHON" "$CHECK" check "$TMP/mnt" "$TMP/snap.json" "$TMP/man.json" \
				"$TMP/pred.json" 2>&1) ||
				pmf_fail "pptr=$pptr $kind seed $s, $off+$len: $out"
			pmf_umount "$TMP/mnt"
			"$PYTHON" - "$TMP/man.json" "$pptr" "$kind" "$s" "$off+$len" >> "$table" <<'PY' ||
import json, sys
a = json.load(open(sys.argv[1]))["account"][0]
print("%-6s %-6s %-10s %-22s %6d %6d %6d %6d %6d %6s" % (tuple(sys.argv[2:6]) + (
    a["intact"], a["data_lost"], a["inode_lost"], a["name_lost"], a["orphaned"],
    a["unaccounted"])))
PY
				pmf_fail "pptr=$pptr $kind seed $s: no account in the manifest"
		done
	done
done
cat "$table"
echo "$n scenarios (seed $seed): every path intact or accounted for"
