#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# One bad inode fails its whole cluster buffer: libxfs refuses every inode
# of the cluster, xfs_repair keeps the good ones.  CI's repair-sweep found
# this (seed 1053988752, scenario 8): the account called a directory
# whose inode shared a cluster with the failed block inode-lost while it
# lived on, the files below it that lost data had no data-lost row, and
# the unaccounted count was short by the two.  Here, with and without
# parent pointers: a directory /d and its files in one inode chunk; the
# last inode block of /d's cluster fails (its files are gone), and with it
# one data block of a file whose inode is in the same cluster but not in
# that block.  After repair --apply:
#   - /d is not in the account (the directory lives, at /d);
#   - that file has a data-lost row at its path;
#   - the files whose inodes were in the failed block are gone, and
#     counted: in the account or in the declared unaccounted count, which
#     is no larger than the number gone;
#   - repair-check.py: every other path is intact, every byte kept.
. "$PMF_SRC/tests/lib.sh"
pmf_require_root

seed=${PMF_SEED:-$(( (RANDOM << 15) | RANDOM ))}
echo "seed $seed"
CHECK="$PMF_SRC/tests/repair-check.py"

for pptr in 1 0; do
	img=$TMP/fs.img
	rm -f "$TMP/undo"
	pmf_mkfs "$img" 512m -- -m rmapbt=1 -n parent=$pptr -d agcount=4
	pmf_geometry "$img" > "$TMP/geo.json"
	pmf_mount "$img" "$TMP/mnt"
	"$PYTHON" - "$TMP/mnt" "$seed" "$TMP/geo.json" <<'PY' || pmf_fail "cannot populate"
import json, os, random, sys
root, rng = sys.argv[1], random.Random(int(sys.argv[2]))
g = json.load(open(sys.argv[3]))
# New directories rotate over the AGs: /d is the first outside AG 0,
# whose first cluster holds the root (a different case).
for n in ("a", "b", "c"):
    os.mkdir(os.path.join(root, n))
d = next(n for n in ("a", "b", "c") if os.stat(os.path.join(root, n)).st_ino >>
         (g["agblklog"] + g["inopblog"]))
os.rename(os.path.join(root, d), os.path.join(root, "d"))
for i in range(60):
    with open(os.path.join(root, "d", "f%02d" % i), "wb") as fh:
        fh.write(rng.randbytes(rng.choice([5000, 9000, 20000])))
        os.fsync(fh.fileno())
PY
	"$PYTHON" "$CHECK" snap "$TMP/mnt" > "$TMP/snap.json" || pmf_fail "snapshot failed"
	dino=$(stat -c %i "$TMP/mnt/d")
	pmf_umount "$TMP/mnt"

	# Where each inode is, from its number.
	read -r bad victim gone < <("$PYTHON" - "$TMP/snap.json" "$TMP/geo.json" "$dino" "$img" "$XFS_DB" <<'PY'
import json, subprocess, sys
snap, g = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
dino, img, xfs_db = int(sys.argv[3]), sys.argv[4], sys.argv[5]
shift, bs, isz = g["agblklog"] + g["inopblog"], g["blocksize"], g["inodesize"]
def where(ino):
    agino = ino & ((1 << shift) - 1)
    return (ino >> shift) * g["agblocks"] * bs + (agino >> g["inopblog"]) * bs + \
        (agino & ((1 << g["inopblog"]) - 1)) * isz
# libxfs reads inodes a cluster at a time: max(8 KiB * inodesize / 256, blocksize).
cluster = max(8192 * isz // 256, bs)
cstart = where(dino) // cluster * cluster
bad = cstart + cluster - bs
assert where(dino) < bad, "the directory is in the cluster's last block"
files = {int(i): v["paths"][0] for i, v in snap.items()}
gone = sorted(i for i in files if bad <= where(i) < bad + bs)
kept = sorted(i for i in files if cstart <= where(i) < bad)
assert gone and kept, "no files in both parts of the cluster: %s %s" % (gone, kept)
# A file kept in the cluster, with a data block of its own to lose.
victim = kept[len(kept) // 2]
out = subprocess.run([xfs_db, "-r", "-c", "inode %d" % victim, "-c", "bmap", img],
                     capture_output=True, text=True, check=True).stdout
start = int(out.split("startblock ")[1].split(" ")[0])
agno, agbno = start >> g["agblklog"], start & ((1 << g["agblklog"]) - 1)
print(bad, victim, len(gone))
print("%d %d %d %d" % ((agno * g["agblocks"] + agbno) * bs // 512, bs // 512,
                       bad // 512, bs // 512), file=open(sys.argv[1] + ".bb", "w"))
PY
) || pmf_fail "pptr=$pptr: the layout changed"
	# The bad-block list, "sector count" a line: the data block, then the
	# inode block (a list need not be sorted).
	tr ' ' '\n' < "$TMP/snap.json.bb" | paste - - > "$TMP/bb"
	vpath=$("$PYTHON" -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]]["paths"][0])' \
		"$TMP/snap.json" "$victim")
	echo "pptr=$pptr: /d is inode $dino; failed inode block at $bad ($gone files), a block of $vpath"

	"$XFS_PMEM" simulate "$img" --device data --badblocks "$TMP/bb" --json -b > "$TMP/pred.json"
	rc=$?
	[ $((rc & ~7)) = 0 ] || pmf_fail "pptr=$pptr: simulate exited $rc"
	while read -r s n; do
		"$XFS_PMEM" inject "$img" --device data --offset $((s * 512)) \
			--length $((n * 512)) --mode random --seed "$seed" --yes > /dev/null ||
			pmf_fail "pptr=$pptr: inject failed"
	done < "$TMP/bb"
	"$XFS_PMEM" repair "$img" --device data --badblocks "$TMP/bb" --apply \
		--undo "$TMP/undo" --manifest "$TMP/man.json" > "$TMP/repair.out" 2>&1
	rc=$?
	grep -v '^Metadata\|^ ' "$TMP/repair.out" | head -20
	[ $rc = 0 ] || [ $rc = 1 ] || pmf_fail "pptr=$pptr: repair exited $rc: $(tail -3 "$TMP/repair.out")"
	"$XFS_REPAIR" -n "$img" > "$TMP/repair-n.log" 2>&1 ||
		pmf_fail "pptr=$pptr: xfs_repair -n is not clean: $(grep -v '^ ' "$TMP/repair-n.log" | head -5)"
	pmf_mount "$img" "$TMP/mnt"
	[ "$(stat -c %i "$TMP/mnt/d")" = "$dino" ] || pmf_fail "pptr=$pptr: /d did not survive xfs_repair"
	out=$("$PYTHON" "$CHECK" check "$TMP/mnt" "$TMP/snap.json" "$TMP/man.json" \
		"$TMP/pred.json" 2>&1) || pmf_fail "pptr=$pptr: $out"
	echo "  $out"
	pmf_umount "$TMP/mnt"
	"$PYTHON" - "$TMP/man.json" "$dino" "$victim" "$vpath" "$gone" <<'PY' || pmf_fail "pptr=$pptr: the account is wrong"
import json, sys
m = json.load(open(sys.argv[1]))
dino, victim, vpath, gone = int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], int(sys.argv[5])
rows, acct = m["paths"], m["account"][0]
bad = []
if any(r["inode"] == dino for r in rows):
    bad.append("the directory, which lives, is in the account: %s"
               % [r for r in rows if r["inode"] == dino])
if not any(r["inode"] == victim and r["path"] == vpath and r["category"] == "data-lost"
           for r in rows):
    bad.append("%s lost a block and has no data-lost row: %s"
               % (vpath, [r for r in rows if r["inode"] == victim]))
named = len({r["inode"] for r in rows if r["category"] == "inode-lost"})
un = int(acct["unaccounted"])
if un > gone or named + un < gone:
    bad.append("%d files gone, %d inode-lost in the account, %d declared unaccounted"
               % (gone, named, un))
print("  account:", {k: v for k, v in acct.items() if k != "unread_dir_paths"})
sys.exit("\n".join(bad) or None)
PY
done
