#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The repair scenario sweep: PMF_REPAIR_COUNT (default 100) seeded random
# losses on a populated filesystem -- data device ranges, whole AGs, the
# external log -- each damaged with xfs_pmem inject (random bytes), then
# verify and repair --apply.  After each:
#   - xfsprogs' xfs_repair -n finds the filesystem clean, and it mounts;
#   - every file the prediction (simulate before the damage) did not name
#     has every original byte; every file the manifest names reads zeros in
#     exactly its lost blocks, keeps its other bytes, and lists the ranges
#     in trusted.pmemfail.lost; the manifest names exactly the predicted
#     file ranges of the files that live on; every path of the snapshot is
#     intact or in the manifest's account with a category that is true
#     (inode-lost, name-lost, orphaned with its lost+found path); a file
#     named nowhere after the event must be in the count the manifest
#     declares unaccounted (these are counted);
#   - the kernel's GETFSMAP shows no free space left in the failed range:
#     what was free is quarantined in /pmemfail-quarantine;
#   - xfs_pmem undo puts the damaged image back byte for byte (checked
#     before the mount, which writes the log, on a copy).
# Every fifth scenario is first interrupted: the repair is killed after a
# random number of writes, and undo must restore the damaged image.
# Prints the seed of every scenario, then the totals.
. "$PMF_SRC/tests/lib.sh"
pmf_require_root

count=${PMF_REPAIR_COUNT:-100}
seed=${PMF_SEED:-$(( (RANDOM << 15) | RANDOM ))}
echo "seed $seed, $count scenarios"
CHECK="$PMF_SRC/tests/repair-check.py"

base=$TMP/base.img
# Small, so that a hundred scenarios stay quick: mkfs refuses filesystems
# under 300MB unless it is told, as fstests tells it, that this is a test.
baselog=$TMP/base.log
TEST_DIR=$TMP TEST_DEV=$base QA_CHECK_FS=1 \
	pmf_mkfs "$base" 96m "$baselog" 16m -- -m rmapbt=1,reflink=1 \
	-n parent=1 -d agcount=4
pmf_mount "$base" "$TMP/mnt" "$baselog"
"$PYTHON" - "$TMP/mnt" "$seed" <<'PY' || pmf_fail "cannot populate"
import fcntl, os, random, sys
root, rng = sys.argv[1], random.Random(int(sys.argv[2]))
FICLONE = 0x40049409
for d in range(8):
    dp = os.path.join(root, "d%02d" % d)
    os.makedirs(dp)
    for f in range(30):
        size = rng.choice([100, 4096, 9000, 70000, 300000])
        with open(os.path.join(dp, "f%02d" % f), "wb") as fh:
            fh.write(rng.randbytes(size))
    # Reflinked copies: their extents have two owners.
    src = os.path.join(dp, "f00")
    with open(src, "rb") as s, open(os.path.join(dp, "clone"), "wb") as c:
        fcntl.ioctl(c, FICLONE, s.fileno())
    # Sparse files.
    with open(os.path.join(dp, "sparse"), "wb") as fh:
        for i in range(4):
            fh.seek(rng.randrange(0, 1 << 20))
            fh.write(rng.randbytes(rng.randrange(1, 50000)))
PY
"$PYTHON" "$CHECK" snap "$TMP/mnt" > "$TMP/snap.json" || pmf_fail "snapshot failed"
pmf_umount "$TMP/mnt"

agblocks=$("$XFS_DB" -r -l "$baselog" -c 'sb 0' -c 'print agblocks' "$base" | awk '{print $3}')
bs=$("$XFS_DB" -r -l "$baselog" -c 'sb 0' -c 'print blocksize' "$base" | awk '{print $3}')
logblocks=$("$XFS_DB" -r -l "$baselog" -c 'sb 0' -c 'print logblocks' "$base" | awk '{print $3}')
agbytes=$((agblocks * bs))
agshift=$(( $("$XFS_DB" -r -l "$baselog" -c 'sb 0' -c 'print agblklog' "$base" | awk '{print $3}') +
	$("$XFS_DB" -r -l "$baselog" -c 'sb 0' -c 'print inopblog' "$base" | awk '{print $3}') ))

files=0 intact=0 interrupted=0 unnamed=0 cat_inode=0 cat_name=0 cat_orphaned=0
img=$TMP/w.img
log=$TMP/w.log
for i in $(seq "${PMF_REPAIR_FIRST:-1}" "$count"); do
	s=$((seed + i))
	RANDOM=$s
	kind=$((RANDOM % 10))
	dev=data
	if [ $kind -lt 7 ]; then
		# Anywhere past the first MiB of AG 0 (the root directory's
		# inode chunk: losing it is xfs_repair's hardest case).
		off=$(( (1048576 + (RANDOM * 32768 + RANDOM) % (4 * agbytes - 1048576 - 4096 * 1024)) / 4096 * 4096 ))
		len=$(( (1 + RANDOM % 1024) * 4096 ))
		what="data range"
	elif [ $kind -lt 9 ]; then
		ag=$((1 + RANDOM % 3))
		off=$((ag * agbytes)) len=$agbytes
		what="whole AG $ag"
	else
		dev=log
		off=$(( (RANDOM % (logblocks / 2)) * 4096 ))
		len=$(( (1 + RANDOM % 512) * 4096 ))
		[ $((RANDOM % 4)) = 0 ] && off=0 len=$((logblocks * bs))
		what="external log"
	fi
	echo "scenario $i seed $s: $what, $off+$len"
	cp --sparse=always "$base" "$img"
	cp --sparse=always "$baselog" "$log"
	rm -f "$TMP/undo" "$TMP/undo2" "$TMP/man.json" "$TMP/man2.json"

	"$XFS_PMEM" simulate "$img" -l "$log" --device "$dev" --offset "$off" --length "$len" \
		--json -b -o +ag > "$TMP/pred.json"
	rc=$?
	[ $((rc & ~7)) = 0 ] || pmf_fail "scenario $i: simulate exited $rc"
	"$XFS_PMEM" inject "$img" -l "$log" --device "$dev" --offset "$off" --length "$len" \
		--mode random --seed "$s" --yes > /dev/null ||
		pmf_fail "scenario $i: inject failed"
	cp --sparse=always "$img" "$TMP/damaged.img"
	cp --sparse=always "$log" "$TMP/damaged.log"
	"$XFS_PMEM" verify "$img" -l "$log" --device "$dev" --offset "$off" --length "$len" \
		--json -b > "$TMP/verify.json" 2> "$TMP/verify.err"
	rc=$?
	[ $((rc & ~7)) = 0 ] || pmf_fail "scenario $i: verify exited $rc: $(head -3 "$TMP/verify.err")"

	if [ $((i % 5)) = 0 ]; then
		kill_after=$((RANDOM % 40))
		PMF_UNDO_KILL_AFTER=$kill_after "$XFS_PMEM" repair "$img" -l "$log" --device "$dev" \
			--offset "$off" --length "$len" --apply --zap-log \
			--undo "$TMP/undo2" --manifest "$TMP/man2.json" > /dev/null 2>&1
		"$XFS_PMEM" undo "$TMP/undo2" --yes > /dev/null ||
			pmf_fail "scenario $i: undo of the interrupted repair failed"
		cmp -s "$img" "$TMP/damaged.img" && cmp -s "$log" "$TMP/damaged.log" ||
			pmf_fail "scenario $i: undo after a kill at write $kill_after did not restore the images"
		interrupted=$((interrupted + 1))
	fi

	"$XFS_PMEM" repair "$img" -l "$log" --device "$dev" --offset "$off" --length "$len" \
		--apply --zap-log --undo "$TMP/undo" --manifest "$TMP/man.json" \
		> "$TMP/repair.out" 2>&1
	rc=$?
	[ $rc = 0 ] || [ $rc = 1 ] ||
		pmf_fail "scenario $i: repair exited $rc: $(tail -3 "$TMP/repair.out")"
	"$XFS_REPAIR" -n -l "$log" "$img" > "$TMP/repair-n.log" 2>&1 ||
		pmf_fail "scenario $i: xfs_repair -n is not clean: $(grep -v '^ ' "$TMP/repair-n.log" | head -5)"
	# Mounting writes the log: check a copy, and undo the original first.
	cp --sparse=always "$img" "$TMP/chk.img"
	cp --sparse=always "$log" "$TMP/chk.log"
	"$XFS_PMEM" undo "$TMP/undo" --yes > /dev/null ||
		pmf_fail "scenario $i: undo failed"
	cmp -s "$img" "$TMP/damaged.img" && cmp -s "$log" "$TMP/damaged.log" ||
		pmf_fail "scenario $i: undo did not restore the damaged images"
	pmf_mount "$TMP/chk.img" "$TMP/mnt" "$TMP/chk.log"
	out=$("$PYTHON" "$CHECK" check "$TMP/mnt" "$TMP/snap.json" "$TMP/man.json" \
		"$TMP/pred.json" 2>&1) || pmf_fail "scenario $i: $out"
	# The kernel's GETFSMAP: no free space is left in the failed range.
	"$XFS_IO" -c "fsmap -d -m" "$TMP/mnt" > "$TMP/fsmap.csv" ||
		pmf_fail "scenario $i: GETFSMAP failed"
	left=""
	[ "$dev" = data ] && left=$(awk -F, -v s=$((off / 512)) \
		-v e=$(( (off + len) / 512 - 1 )) \
		'$6 == "special_0:1" && $4 <= e && $5 >= s' "$TMP/fsmap.csv")
	[ -z "$left" ] ||
		pmf_fail "scenario $i: free space left in the failed range: $(echo "$left" | head -3)"
	pmf_umount "$TMP/mnt"
	echo "  $out"
	files=$((files + $(echo "$out" | sed -n 's/files checked \([0-9]*\).*/\1/p')))
	intact=$((intact + $(echo "$out" | sed -n 's/.*bytes verified intact \([0-9]*\).*/\1/p')))
	unnamed=$((unnamed + $(echo "$out" | sed -n 's/.*declared unaccounted files \([0-9]*\)$/\1/p')))
	for c in inode-lost name-lost orphaned; do
		n=$(echo "$out" | sed -n "s/.*$c=\([0-9]*\).*/\1/p")
		eval "cat_${c%%-*}=\$((cat_${c%%-*} + ${n:-0}))"
	done
done
echo "$count scenarios (seed $seed), $interrupted interrupted and undone; files checked $files, bytes verified intact $intact; paths inode-lost $cat_inode, name-lost $cat_name, orphaned $cat_orphaned; declared unaccounted files $unnamed"
