#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The repair scenario sweep on the realtime device (set B has realtime
# rmap on a build whose libxfs reads it; PMF_RT_REPAIR_SET=b runs every
# scenario there):
# seeded random rt range losses, each damaged with inject, then verify and
# repair --apply.  The host kernel has no realtime XFS, so the QEMU guest
# (tests/guest) boots twice:
#   1. it fills two image sets made here by mkfs 6.13 and dumps, as its
#      kernel reads them back after a remount, every file's paths, extent
#      map and a hash of each 4 KiB block (tests/rt/rtsweep.c):
#        A  data + external log + rt, legacy rt, rt extent 16k (4 blocks);
#        B  metadir with 4 rtgroups of 6144 blocks (rt block numbers are
#           not device blocks past the first), rt extent 8k, internal log;
#        C  legacy rt, rt extent 4k (one block: nothing is left unwritten),
#           internal log;
#   2. after the scenarios ran on the host, it mounts every repaired image
#      set and dumps it again.
# On the host, each scenario works on reflinked copies in an XFS holder
# image (loop-mounted here, a disk of the second boot): simulate (the
# prediction), inject, verify, repair --apply; xfs_repair -n must find it
# clean, and undo must give back the damaged images byte for byte (cmp).
# Every fifth repair is first killed after a random number of writes and
# undone.  Then tests/rt/rt-repair-check.py holds the second dump against
# the first: the filesystem mounts; every file the prediction did not name
# has every original byte; every named file reads zeros in exactly its
# lost blocks and keeps the others, and lists them in trusted.pmemfail.lost;
# the manifest names exactly the predicted ranges; what the kernel still
# maps of a lost range is unwritten and is exactly the manifest's
# "unwritten" list (partial rt extents); no rt block of the failed range is
# left free, the free ones being mapped by /pmemfail-quarantine-rt at their
# own rt block numbers, as the manifest lists them.
#
# PMF_RT_REPAIR_COUNT (default 32) scenarios run with the -Werror build
# (PMF_GUEST_PLAIN_BUILD in the sanitizer lane, where scripts/test runs
# guest tests), PMF_RT_REPAIR_ASAN_COUNT (default 4) more with the
# sanitizer build (PMF_ASAN_BUILD).  Prints the seed of every scenario.
. "$PMF_SRC/tests/lib.sh"
pmf_require_root
pmf_require_guest

seed=${PMF_SEED:-$(( (RANDOM << 15) | RANDOM ))}
count=${PMF_RT_REPAIR_COUNT:-32}
acount=0
[ -n "${PMF_ASAN_BUILD:-}" ] && acount=${PMF_RT_REPAIR_ASAN_COUNT:-4}
echo "seed $seed, $count scenarios with $GUEST_PMEM, $acount with the sanitizer build"
CHECK="$PMF_SRC/tests/rt/rt-repair-check.py"
start=$(date +%s)

# The guest's helper is static (the guest has no libc), and loop devices
# for the second boot come from the guest kernel's own module.
job=$TMP/job
mkdir -p "$job"
gcc -static -O2 -Wall -Wextra -Werror -isystem "$XFSPROGS_DIR/include" \
	-o "$job/rtsweep" "$PMF_SRC/tests/rt/rtsweep.c" ||
	pmf_fail "cannot build tests/rt/rtsweep.c statically"
kdir=$("$PMF_SRC/tests/guest/kernel-fetch") || pmf_fail "no guest kernel"
kver=$(ls "$kdir/lib/modules")
loop=$(modprobe -d "$kdir" -S "$kver" --show-depends loop | awk '$1 == "insmod" { print $2 }')
case $loop in
*.xz) xz -dc "$loop" > "$job/loop.ko" ;;
*.zst) zstd -qdc "$loop" > "$job/loop.ko" ;;
"") pmf_fail "the guest kernel has no loop module" ;;
*) cp "$loop" "$job/loop.ko" ;;
esac

# Small images, so that the scenarios stay quick: mkfs makes them only in
# fstests mode (TEST_DIR, TEST_DEV, QA_CHECK_FS).
cd "$TMP"
truncate -s 96M a.data b.data c.data a.rt b.rt c.rt
truncate -s 16M a.log
TEST_DIR=$TMP TEST_DEV=a.data QA_CHECK_FS=1 "$MKFS" -q -m rmapbt=0,reflink=0 \
	-l logdev=a.log,size=16m -r rtdev=a.rt,extsize=16k a.data || pmf_fail "mkfs A"
# On a build whose libxfs reads realtime rmap, B has it: sid's mkfs.xfs 7.2
# makes the same geometry with rtrmap btrees (tests/guest/xfsprogs-sid-fetch).
# Its rt extents are of two blocks there too, so that a repair both frees
# whole rt extents and turns the lost part of a partial one unwritten, each
# a deferred rtrmap update (PMF_RT_REPAIR_B_EXTSIZE changes it).
b_mkfs=$MKFS b_opts=metadir=1,rmapbt=0,reflink=0 b_ext=${PMF_RT_REPAIR_B_EXTSIZE:-8k}
if grep -q '^#define HAVE_LIBXFS_RTRMAP 1' "$PMF_BUILD/config.h"; then
	b_mkfs=$("$PMF_SRC/tests/guest/xfsprogs-sid-fetch")/mkfs.xfs ||
		pmf_fail "tests/guest/xfsprogs-sid-fetch failed"
	b_opts=rmapbt=1,reflink=0
	echo "set B has realtime rmap, rt extent $b_ext"
fi
TEST_DIR=$TMP TEST_DEV=b.data QA_CHECK_FS=1 "$b_mkfs" -q -m $b_opts \
	-r rtdev=b.rt,extsize=$b_ext,rgcount=4 b.data || pmf_fail "mkfs B"
TEST_DIR=$TMP TEST_DEV=c.data QA_CHECK_FS=1 "$MKFS" -q -m rmapbt=0,reflink=0 \
	-r rtdev=c.rt c.data || pmf_fail "mkfs C"

cat > "$job/job.sh" <<EOF
set -e
mkdir -p /mnt/a /mnt/b /mnt/c
mount -t xfs -o logdev=/dev/vdb,rtdev=/dev/vdc /dev/vda /mnt/a
./rtsweep fill /mnt/a $seed ${PMF_RT_REPAIR_FILES:-400}
umount /mnt/a
mount -t xfs -o logdev=/dev/vdb,rtdev=/dev/vdc /dev/vda /mnt/a
./rtsweep dump /mnt/a \$OUT/a.dump
umount /mnt/a
mount -t xfs -o rtdev=/dev/vde /dev/vdd /mnt/b
./rtsweep fill /mnt/b $((seed + 1)) ${PMF_RT_REPAIR_FILES:-400}
umount /mnt/b
mount -t xfs -o rtdev=/dev/vde /dev/vdd /mnt/b
./rtsweep dump /mnt/b \$OUT/b.dump
umount /mnt/b
mount -t xfs -o rtdev=/dev/vdg /dev/vdf /mnt/c
./rtsweep fill /mnt/c $((seed + 2)) ${PMF_RT_REPAIR_FILES:-400}
umount /mnt/c
mount -t xfs -o rtdev=/dev/vdg /dev/vdf /mnt/c
./rtsweep dump /mnt/c \$OUT/c.dump
umount /mnt/c
EOF
"$PMF_SRC/tests/guest/run" --timeout "${PMF_GUEST_TIMEOUT:-600}" \
	--xfsprogs "$XFSPROGS_DIR" --job "$job" --out "$TMP/fill" \
	--disk a.data --disk a.log --disk a.rt --disk b.data --disk b.rt \
	--disk c.data --disk c.rt ||
	pmf_fail "guest fill failed (exit $?): $(tail -5 "$TMP/fill/console.log" 2>/dev/null)"
echo "guest boot 1 (fill and dump): $(( $(date +%s) - start ))s;" \
	"A: $(grep -c '^H' fill/a.dump) files, B: $(grep -c '^H' fill/b.dump)," \
	"C: $(grep -c '^H' fill/c.dump)"
"$XFS_REPAIR" -n -l a.log -r a.rt a.data > repair-a.log 2>&1 ||
	pmf_fail "xfs_repair -n A: $(tail -n 5 repair-a.log)"
"$XFS_REPAIR" -n -r b.rt b.data > repair-b.log 2>&1 ||
	pmf_fail "xfs_repair -n B: $(tail -n 5 repair-b.log)"
"$XFS_REPAIR" -n -r c.rt c.data > repair-c.log 2>&1 ||
	pmf_fail "xfs_repair -n C: $(tail -n 5 repair-c.log)"

sbval() {
	"$XFS_DB" -r "${@:2}" -c 'sb 0' -c "print $1" | awk '{ print $3 }'
}
bs=$(sbval blocksize a.data -l a.log)
a_rtx=$(( $(sbval rextsize a.data -l a.log) * bs ))
a_size=$(( $(sbval rblocks a.data -l a.log) * bs ))
b_rtx=$(( $(sbval rextsize b.data) * bs ))
b_size=$(( $(sbval rblocks b.data) * bs ))
b_gblocks=$(( $(sbval rgextents b.data) * $(sbval rextsize b.data) ))
b_glog=$(sbval rgblklog b.data)
c_rtx=$(( $(sbval rextsize c.data) * bs ))
c_size=$(( $(sbval rblocks c.data) * bs ))

# The holder: an XFS with reflink, so that a scenario's copies cost only
# the blocks it changes.
truncate -s 8G holder.img
"$MKFS" -q -m reflink=1 holder.img || pmf_fail "mkfs holder"
pmf_mount holder.img "$TMP/h"
H=$TMP/h
for f in a.data a.log a.rt b.data b.rt c.data c.rt; do
	cp --sparse=always "$f" "$H/$f" || pmf_fail "cannot copy $f to the holder"
done
mkdir -p "$TMP/res"

# scenario N SEED BINARY: one loss on set A or B, repaired, undone, kept.
scenario() {
	local n=$1 s=$2 bin=$3 set dev size rtx kind off len what d l r rc pick
	local -a devs logopt
	RANDOM=$s
	pick=$((RANDOM % 5))
	# PMF_RT_REPAIR_SET=b puts every scenario on set B (rtrmap, above).
	case ${PMF_RT_REPAIR_SET:-$pick} in
	0|1|a) set=a size=$a_size rtx=$a_rtx ;;
	2|3|b) set=b size=$b_size rtx=$b_rtx ;;
	*) set=c size=$c_size rtx=$c_rtx ;;
	esac
	kind=$((RANDOM % 10))
	# The first two always hit B's rt superblock, and all of B.
	[ "$n" -le 2 ] && set=b size=$b_size rtx=$b_rtx kind=$((7 + n))
	if [ $kind -lt 6 ]; then
		off=$(( (RANDOM * 32768 + RANDOM) % (size / 4096) * 4096 ))
		len=$(( (1 + RANDOM % 64) * 4096 ))
		what="small rt range"
	elif [ $kind -lt 8 ]; then
		off=$(( (RANDOM * 32768 + RANDOM) % (size / 4096) * 4096 ))
		len=$(( (64 + RANDOM % 2048) * 4096 ))
		what="large rt range"
	elif [ $kind = 8 ]; then
		off=0 len=$(( (1 + RANDOM % 16) * 4096 ))
		what="start of the rt device"
	else
		off=$(( (RANDOM * 32768 + RANDOM) % (size / 4096) * 4096 ))
		[ $((RANDOM % 3)) = 0 ] || [ "$n" = 2 ] && off=0
		len=$((size - off))
		what="rt device to its end"
	fi
	[ $((off + len)) -le "$size" ] || len=$((size - off))
	echo "scenario $n seed $s: set $set, $what, $off+$len ($(basename "$(dirname "$(dirname "$bin")")"))"
	d=$H/w.data r=$H/w.rt l=$H/w.log
	devs=(-r "$r")
	[ $set = a ] && devs+=(-l "$l")
	cp --reflink=always "$H/$set.data" "$d" && cp --reflink=always "$H/$set.rt" "$r" &&
		{ [ $set = b ] || cp --reflink=always "$H/a.log" "$l"; } ||
		pmf_fail "scenario $n: cannot copy the images"
	rm -f "$TMP/undo" "$TMP/undo2"
	"$bin" simulate "$d" "${devs[@]}" --device rt --offset "$off" --length "$len" \
		--json -b > "$TMP/res/$n.pred.json"
	rc=$?
	[ $((rc & ~7)) = 0 ] || pmf_fail "scenario $n: simulate exited $rc"
	"$bin" inject "$d" "${devs[@]}" --device rt --offset "$off" --length "$len" \
		--mode random --seed "$s" --yes > /dev/null || pmf_fail "scenario $n: inject failed"
	for f in data rt log; do
		[ -f "$H/w.$f" ] && { cp --reflink=always "$H/w.$f" "$H/dmg.$f" ||
			pmf_fail "scenario $n: cannot copy the damaged images"; }
	done
	"$bin" verify "$d" "${devs[@]}" --device rt --offset "$off" --length "$len" \
		--json -b > "$TMP/verify.json" 2> "$TMP/verify.err"
	rc=$?
	[ $((rc & ~7)) = 0 ] || pmf_fail "scenario $n: verify exited $rc: $(head -3 "$TMP/verify.err")"
	if [ $((n % 5)) = 0 ]; then
		local kill_after=$((RANDOM % 40))
		PMF_UNDO_KILL_AFTER=$kill_after "$bin" repair "$d" "${devs[@]}" --device rt \
			--offset "$off" --length "$len" --apply --undo "$TMP/undo2" \
			--manifest "$TMP/man2.json" > /dev/null 2>&1
		"$bin" undo "$TMP/undo2" --yes > /dev/null ||
			pmf_fail "scenario $n: undo of the interrupted repair failed"
		for f in data rt log; do
			[ -f "$H/w.$f" ] && { cmp -s "$H/w.$f" "$H/dmg.$f" ||
				pmf_fail "scenario $n: undo after a kill at write $kill_after did not restore $f"; }
		done
		interrupted=$((interrupted + 1))
	fi
	"$bin" repair "$d" "${devs[@]}" --device rt --offset "$off" --length "$len" \
		--apply --undo "$TMP/undo" --manifest "$TMP/res/$n.man.json" \
		> "$TMP/repair.out" 2>&1
	rc=$?
	[ $rc = 0 ] || [ $rc = 1 ] ||
		pmf_fail "scenario $n: repair exited $rc: $(tail -3 "$TMP/repair.out")"
	"$XFS_REPAIR" -n "${devs[@]}" "$d" > "$TMP/repair-n.log" 2>&1 ||
		pmf_fail "scenario $n: xfs_repair -n is not clean: $(grep -v '^ ' "$TMP/repair-n.log" | tail -5)"
	# The guest mounts a copy (mounting writes the log); the original is undone.
	for f in data rt log; do
		[ -f "$H/w.$f" ] && cp --reflink=always "$H/w.$f" "$H/s$n.$f"
	done
	"$bin" undo "$TMP/undo" --yes > /dev/null || pmf_fail "scenario $n: undo failed"
	for f in data rt log; do
		[ -f "$H/w.$f" ] && { cmp -s "$H/w.$f" "$H/dmg.$f" ||
			pmf_fail "scenario $n: undo did not restore the damaged $f"; }
	done
	rm -f "$H"/w.* "$H"/dmg.*
	echo "$n $set $off $len" >> "$TMP/res/list"
	if [ $set = a ]; then
		echo "m $n a /dev/loop0 -o logdev=/dev/loop2,rtdev=/dev/loop1" >> "$job/list"
	else
		echo "m $n $set /dev/loop0 -o rtdev=/dev/loop1" >> "$job/list"
	fi
	grep -o '[0-9]* file range(s) unmapped.*' "$TMP/repair.out" | sed 's/^/  /'
}

interrupted=0
rm -f "$job/list" "$TMP/res/list"
for i in $(seq 1 "$count"); do
	scenario "$i" $((seed + i)) "$GUEST_PMEM"
done
for i in $(seq $((count + 1)) $((count + acount))); do
	scenario "$i" $((seed + i)) "$PMF_ASAN_BUILD/xfs_pmem/xfs_pmem"
done
echo "host side of $((count + acount)) scenarios: $(( $(date +%s) - start ))s"
pmf_umount "$H"

# The second boot: every repaired set, mounted by a realtime-capable kernel.
cat > "$job/job.sh" <<'EOF'
insmod ./loop.ko || exit 3
mkdir -p /h /mnt/a /mnt/b /mnt/c
mount -t xfs /dev/vda /h || exit 4
while read -r _ n set dev opts; do
	losetup /dev/loop0 /h/s$n.data && losetup /dev/loop1 /h/s$n.rt || exit 5
	[ $set = a ] && { losetup /dev/loop2 /h/s$n.log || exit 5; }
	if mount -t xfs $opts /dev/loop0 /mnt/$set; then
		./rtsweep dump /mnt/$set $OUT/$n.dump
		echo $? > $OUT/$n.rc
		umount /mnt/$set || echo umount > $OUT/$n.rc
	else
		echo mount > $OUT/$n.rc
	fi
	losetup -d /dev/loop0; losetup -d /dev/loop1
	[ $set = a ] && losetup -d /dev/loop2
done < list
umount /h
EOF
"$PMF_SRC/tests/guest/run" --timeout "${PMF_GUEST_TIMEOUT:-600}" --results-mb 256 \
	--xfsprogs "$XFSPROGS_DIR" --job "$job" --out "$TMP/chk" --disk holder.img ||
	pmf_fail "guest check failed (exit $?): $(tail -5 "$TMP/chk/console.log" 2>/dev/null)"
echo "guest boot 2 (mount and dump every repaired set): $(( $(date +%s) - start ))s"

files=0 intact=0 unwritten=0 quarantined=0
while read -r n set off len; do
	rc=$(cat "chk/$n.rc" 2>/dev/null)
	[ "$rc" = 0 ] || pmf_fail "scenario $n: the guest could not mount or read it (${rc:-no result})"
	rtx=$a_rtx grp=()
	[ $set = b ] && rtx=$b_rtx grp=(--group-blocks "$b_gblocks" --group-log "$b_glog" --rtsb)
	[ $set = c ] && rtx=$c_rtx
	out=$("$PYTHON" "$CHECK" --before "fill/$set.dump" --after "chk/$n.dump" \
		--prediction "res/$n.pred.json" --manifest "res/$n.man.json" \
		--offset "$off" --length "$len" --rtx-bytes "$rtx" "${grp[@]}") ||
		pmf_fail "scenario $n: $out"
	echo "scenario $n: $out"
	files=$((files + $(echo "$out" | sed -n 's/files checked \([0-9]*\).*/\1/p')))
	intact=$((intact + $(echo "$out" | sed -n 's/.*bytes verified intact \([0-9]*\).*/\1/p')))
	unwritten=$((unwritten + $(echo "$out" | sed -n 's/.*unwritten bytes \([0-9]*\).*/\1/p')))
	quarantined=$((quarantined + $(echo "$out" | sed -n 's/.*quarantined bytes \([0-9]*\)$/\1/p')))
done < res/list
echo "$((count + acount)) rt scenarios (seed $seed), $interrupted interrupted and undone;" \
	"files checked $files, bytes verified intact $intact, lost bytes left unwritten" \
	"in partial rt extents $unwritten, bytes quarantined $quarantined; $(( $(date +%s) - start ))s"
