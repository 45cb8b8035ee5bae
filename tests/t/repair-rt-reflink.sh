#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# repair --apply on realtime reflink: rtgroups + rtrmap + rt refcount btree,
# made by sid's mkfs.xfs 7.2, shared rt extents everywhere.  Userspace libxfs
# finishes its deferred rt refcount updates through the data device's code
# (libpmemfail/pmf_repair_rt.c, pmf_rt_defer_fix()): unmapping any
# reflinked rt file crashed the data step.  The guest fills the filesystem
# (tests/rt/rtsweep fill, whole-file and partial clones) and adds
# /stripe, one rt extent with every other block cloned into other files,
# so that one refcount decrease over it changes more records than one
# transaction may log: libxfs continues it in a second transaction, which
# joined the refcount btree inode twice.  On the host, on copies:
#   1  the rt device from its second block to its end (the crash);
#   2  the rt device from its start to its end (the rt superblock too);
#   3  /stripe's extent (the second transaction);
#   4  a seeded random range from a clone's extent, and, with PMF_ASAN_BUILD,
#      scenario 1 again through the sanitizer build;
# each: simulate (the prediction), repair --apply, xfs_repair -n clean.
# A second boot mounts every repaired copy and dumps it; then
# tests/rt/rt-repair-check.py holds each against the first dump (every byte
# outside the loss intact, lost blocks read zeros, manifest = prediction,
# no failed rt block left free).
#
# Needs a build on a libxfs with the realtime refcount btree (xfsprogs 6.14
# or later, configure --with-xfsprogs=DIR); the CI build (6.13) skips it.
. "$PMF_SRC/tests/lib.sh"
pmf_require_libxfs HAVE_LIBXFS_RTREFCOUNT "realtime reflink"
pmf_require_root
pmf_require_guest

seed=${PMF_SEED:-$(( (RANDOM << 15) | RANDOM ))}
echo "seed $seed"
start=$(date +%s)
CHECK="$PMF_SRC/tests/rt/rt-repair-check.py"
sid=$("$PMF_SRC/tests/guest/xfsprogs-sid-fetch") ||
	pmf_fail "tests/guest/xfsprogs-sid-fetch failed"
job=$TMP/job
mkdir -p "$job"
gcc -static -O2 -Wall -Wextra -Werror -isystem "$XFSPROGS_DIR/include" \
	-o "$job/rtsweep" "$PMF_SRC/tests/rt/rtsweep.c" ||
	pmf_fail "cannot build tests/rt/rtsweep.c statically"

cd "$TMP" || pmf_fail "no $TMP"
truncate -s 96M d.data
truncate -s 192M d.rt
TEST_DIR=$TMP TEST_DEV=d.data QA_CHECK_FS=1 "$sid/mkfs.xfs" -q \
	-m rmapbt=1,reflink=1 -r rtdev=d.rt,rgcount=2 d.data || pmf_fail "mkfs"
sbval() {
	"$XFS_DB" -r d.data -c 'sb 0' -c "print $1" | awk '{ print $3 }'
}
bs=$(sbval blocksize)
size=$(( $(sbval rblocks) * bs ))
gblocks=$(( $(sbval rgextents) * $(sbval rextsize) ))
glog=$(sbval rgblklog)
# A refcount update stops when its records would overflow the log
# reservation of the unmap's transaction (itruncate), 32 bytes a record
# (xfs_refcount_still_have_space()); every block of the stripe is a record
# or a gap between two, so it must have more blocks than that.
logres=$("$XFS_DB" -r d.data -c logres | awk '$2 == 1 { print $4 }')
stripe=22528
[ -n "$logres" ] && [ $stripe -gt $((logres / 32)) ] ||
	pmf_fail "the stripe ($stripe blocks) fits in one transaction (itruncate log reservation ${logres:-unknown})"

cat > "$job/job.sh" <<JOB
set -e
mkdir -p /mnt/d
mount -t xfs -o rtdev=/dev/vdb /dev/vda /mnt/d
# The stripe first, on an empty rt device, so that it is one extent.
xfs_io -f -c "chattr +r" -c "pwrite -q -S 0x5a -b 1m 0 $((stripe * bs))" \
	-c fsync /mnt/d/stripe
# Every other block of it into one of several files, 500 a file, so that
# each file's record of its lost ranges stays small.
b=1 k=0
while [ \$b -lt $stripe ]; do
	set --
	j=0
	while [ \$j -lt 500 ] && [ \$b -lt $stripe ]; do
		set -- "\$@" -c "reflink /mnt/d/stripe \$((b * $bs)) \$((j * $bs)) $bs"
		b=\$((b + 2)); j=\$((j + 1))
	done
	xfs_io -f -c "chattr +r" "\$@" /mnt/d/s\$k > /dev/null
	k=\$((k + 1))
done
./rtsweep fill /mnt/d $seed ${PMF_RT_REFLINK_FILES:-300}
i=0
for f in /mnt/d/rt/d0/f* /mnt/d/rt/d1/f*; do
	i=\$((i + 1))
	[ \$i -gt 120 ] && break
	if [ \$((i % 3)) = 0 ]; then
		xfs_io -f -c "reflink \$f 8192 0 40960" /mnt/d/rt/part\$i > /dev/null 2>&1 || true
	else
		xfs_io -f -c "reflink \$f" /mnt/d/rt/clone\$i > /dev/null
	fi
done
umount /mnt/d
mount -t xfs -o rtdev=/dev/vdb /dev/vda /mnt/d
./rtsweep dump /mnt/d \$OUT/d.dump
umount /mnt/d
JOB
"$PMF_SRC/tests/guest/run" --timeout "${PMF_GUEST_TIMEOUT:-900}" --results-mb 128 \
	--xfsprogs "$XFSPROGS_DIR" --job "$job" --out "$TMP/fill" \
	--disk d.data --disk d.rt ||
	pmf_fail "guest fill failed (exit $?): $(tail -5 "$TMP/fill/console.log" 2>/dev/null)"
echo "guest boot 1 (fill and dump): $(( $(date +%s) - start ))s, $(grep -c '^H' fill/d.dump) files"
"$XFS_REPAIR" -n -r d.rt d.data > repair-d.log 2>&1 ||
	pmf_fail "xfs_repair -n: $(tail -n 5 repair-d.log)"

# The stripe's extent on the device, from the guest's GETBMAPX (512-byte
# units; the kernel cuts it where sharing changes).
read -r s_off s_len < <(awk '
	$1 == "F" && $5 ~ /\/stripe$/ { ino = $2 }
	$1 == "E" && $2 == ino { if (lo == "" || $5 < lo) lo = $5
				 if ($5 + $4 > hi) hi = $5 + $4; n += $4 }
	END { if (n == hi - lo) print lo * 512, n * 512 }' fill/d.dump)
[ "${s_len:-0}" = $((stripe * bs)) ] ||
	pmf_fail "/stripe is not one extent of $stripe blocks (${s_len:-no} bytes)"
# A random range that starts in a random extent of a clone: shared blocks.
read -r r_off r_len < <(awk -v seed="$seed" -v bs="$bs" -v size="$size" '
	$1 == "F" && $5 ~ /\/rt\/(clone|part)[0-9]+$/ { clone[$2] = 1 }
	$1 == "E" && ($2 in clone) { blk[n++] = $5 }
	END { srand(seed); if (!n) exit
	      off = blk[int(rand() * n)] * 512; len = (1 + int(rand() * 64)) * bs
	      if (off + len > size) len = size - off
	      print off, len }' fill/d.dump)
[ -n "$r_len" ] || pmf_fail "no extent of a clone in the dump"

# scenario N OFF LEN BINARY WHAT
mkdir -p res
scenario() {
	local n=$1 off=$2 len=$3 bin=$4 rc
	echo "scenario $n: $5, $off+$len"
	cp --sparse=always d.data "s$n.data" && cp --sparse=always d.rt "s$n.rt" ||
		pmf_fail "scenario $n: cannot copy the images"
	"$bin" simulate "s$n.data" -r "s$n.rt" --device rt --offset "$off" \
		--length "$len" --json -b > "res/$n.pred.json"
	rc=$?
	[ $((rc & ~7)) = 0 ] || pmf_fail "scenario $n: simulate exited $rc"
	# A double join loops forever: fail, do not hang.
	timeout 600 "$bin" repair "s$n.data" -r "s$n.rt" --device rt --offset "$off" \
		--length "$len" --apply --undo "res/$n.undo" \
		--manifest "res/$n.man.json" > "res/$n.out" 2>&1
	rc=$?
	[ $rc = 0 ] || [ $rc = 1 ] ||
		pmf_fail "scenario $n: repair exited $rc: $(tail -3 "res/$n.out")"
	"$XFS_REPAIR" -n -r "s$n.rt" "s$n.data" > "res/$n.repair-n" 2>&1 ||
		pmf_fail "scenario $n: xfs_repair -n is not clean: $(grep -v '^ ' "res/$n.repair-n" | tail -5)"
	rm -f "res/$n.undo"
	grep -o '[0-9]* file range(s) unmapped.*' "res/$n.out" | sed 's/^/  /'
	echo "$n $off $len" >> res/list
	disks+=(--disk "s$n.data" --disk "s$n.rt")
}
disks=()
scenario 1 "$bs" $((size - bs)) "$GUEST_PMEM" "the rt device from its second block"
scenario 2 0 "$size" "$GUEST_PMEM" "the whole rt device"
scenario 3 "$s_off" "$s_len" "$GUEST_PMEM" "/stripe, $stripe blocks"
scenario 4 "$r_off" "$r_len" "$GUEST_PMEM" "a random range from a clone's extent"
if [ -n "${PMF_ASAN_BUILD:-}" ]; then
	scenario 5 "$bs" $((size - bs)) "$PMF_ASAN_BUILD/xfs_pmem/xfs_pmem" \
		"the rt device from its second block, sanitizer build"
fi
echo "host side: $(( $(date +%s) - start ))s"

# The second boot: every repaired copy, mounted by a realtime kernel.
cat > "$job/job.sh" <<'JOB'
mkdir -p /mnt/d
set -- a b c d e f g h i j
while read -r n off len; do
	data=/dev/vd$1 rt=/dev/vd$2
	shift 2
	if mount -t xfs -o rtdev=$rt $data /mnt/d; then
		./rtsweep dump /mnt/d $OUT/$n.dump
		echo $? > $OUT/$n.rc
		umount /mnt/d || echo umount > $OUT/$n.rc
	else
		echo mount > $OUT/$n.rc
	fi
done < list
JOB
cp res/list "$job/list"
"$PMF_SRC/tests/guest/run" --timeout "${PMF_GUEST_TIMEOUT:-900}" --results-mb 256 \
	--xfsprogs "$XFSPROGS_DIR" --job "$job" --out "$TMP/chk" "${disks[@]}" ||
	pmf_fail "guest check failed (exit $?): $(tail -5 "$TMP/chk/console.log" 2>/dev/null)"
echo "guest boot 2 (mount and dump every repaired copy): $(( $(date +%s) - start ))s"

while read -r n off len; do
	rc=$(cat "chk/$n.rc" 2>/dev/null)
	[ "$rc" = 0 ] || pmf_fail "scenario $n: the guest could not mount or read it (${rc:-no result})"
	out=$("$PYTHON" "$CHECK" --before fill/d.dump --after "chk/$n.dump" \
		--prediction "res/$n.pred.json" --manifest "res/$n.man.json" \
		--offset "$off" --length "$len" --rtx-bytes "$bs" \
		--group-blocks "$gblocks" --group-log "$glog" --rtsb) ||
		pmf_fail "scenario $n: $out"
	echo "scenario $n: $out"
done < res/list
echo "all scenarios checked (seed $seed); $(( $(date +%s) - start ))s"
