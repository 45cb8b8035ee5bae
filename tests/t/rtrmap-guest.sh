#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Realtime losses on filesystems with realtime rmap, checked record for
# record against the guest kernel's GETFSMAP, which reads the rtrmapbt and
# so is exact.  Two shapes, made by sid's mkfs.xfs 7.2
# (tests/guest/xfsprogs-sid-fetch):
#   A  rtgroups + rtrmap, 4 rtgroups;
#   B  rtgroups + rtrmap + rt reflink, 3 rtgroups, with files cloned whole
#      and in part so that realtime extents are shared.
# One guest boot fills both (tests/rt/rtfill) and writes every GETFSMAP
# record and every path (tests/rt/rtfsmap).  On the host `xfs_pmem simulate
# --device rt` must match on seeded random ranges, the edges and the whole
# device (tests/rt/rtrmap-oracle.py), and so must the data device, with the
# metadata directory tree's inodes (each rtgroup's bitmap, summary, rmap
# and refcount, the /rtgroups directory) named as metafiles; xfs_repair -n
# must find the images clean, and the analysis must leave them
# byte-identical.
#
# Needs a build on a libxfs with realtime rmap (xfsprogs 6.14 or later,
# configure --with-xfsprogs=DIR); the CI build (6.13) skips it.
. "$PMF_SRC/tests/lib.sh"
pmf_require_libxfs HAVE_LIBXFS_RTRMAP "realtime rmap"
pmf_require_root
pmf_require_guest

seed=${PMF_SEED:-$(( (RANDOM << 15) | RANDOM ))}
echo "seed $seed"
nfiles=${PMF_RTRMAP_FILES:-1500}
count=${PMF_RTRMAP_COUNT:-1000}
sid=$("$PMF_SRC/tests/guest/xfsprogs-sid-fetch") ||
	pmf_fail "tests/guest/xfsprogs-sid-fetch failed"

mkdir -p "$TMP/job"
gcc -static -O2 -Wall -Wextra -Werror -isystem "$XFSPROGS_DIR/include" \
	-o "$TMP/job/rtfill" "$PMF_SRC/tests/rt/rtfill.c" ||
	pmf_fail "cannot build tests/rt/rtfill.c statically"
gcc -static -O2 -Wall -Wextra -Werror -o "$TMP/job/rtfsmap" \
	"$PMF_SRC/tests/rt/rtfsmap.c" ||
	pmf_fail "cannot build tests/rt/rtfsmap.c statically"
cat > "$TMP/job/job.sh" <<JOB
set -e
mkdir -p /mnt/a /mnt/b
mount -t xfs -o rtdev=/dev/vdb /dev/vda /mnt/a
./rtfill /mnt/a $seed $nfiles \$OUT/a-bmap.txt
./rtfsmap /mnt/a \$OUT/a-fsmap.txt /dev/vdb
umount /mnt/a
mount -t xfs -o rtdev=/dev/vdd /dev/vdc /mnt/b
./rtfill /mnt/b $((seed + 1)) $nfiles \$OUT/b-bmap.txt
# Shared realtime extents: whole-file clones, and clones of a file's middle.
i=0
for f in /mnt/b/rt/d0/f* /mnt/b/rt/d1/f*; do
	i=\$((i + 1))
	[ \$i -gt 200 ] && break
	if [ \$((i % 3)) = 0 ]; then
		xfs_io -f -c "reflink \$f 8192 0 40960" /mnt/b/rt/part\$i || true
	else
		xfs_io -f -c "reflink \$f" /mnt/b/rt/clone\$i
	fi
done
./rtfsmap /mnt/b \$OUT/b-fsmap.txt /dev/vdd
umount /mnt/b
JOB

cd "$TMP" || pmf_fail "no $TMP"
truncate -s 512M a.data b.data
truncate -s 1G a.rt b.rt
"$sid/mkfs.xfs" -q -m rmapbt=1,reflink=0 -r rtdev=a.rt,rgcount=4 a.data ||
	pmf_fail "mkfs A"
"$sid/mkfs.xfs" -q -m rmapbt=1,reflink=1 -r rtdev=b.rt,rgcount=3 b.data ||
	pmf_fail "mkfs B"

start=$(date +%s)
"$PMF_SRC/tests/guest/run" --timeout "${PMF_GUEST_TIMEOUT:-900}" \
	--xfsprogs "$XFSPROGS_DIR" --job "$TMP/job" --out "$TMP/out" \
	--disk a.data --disk a.rt --disk b.data --disk b.rt ||
	pmf_fail "guest job failed (exit $?); console: $TMP/out/console.log"
echo "guest boot and fill: $(( $(date +%s) - start ))s"
rm -rf "$PMF_BUILD/test-logs/rtrmap-guest.out"
cp -r out "$PMF_BUILD/test-logs/rtrmap-guest.out"

"$XFS_REPAIR" -n -r a.rt a.data > repair-a.log 2>&1 ||
	pmf_fail "xfs_repair -n A: $(tail -n 5 repair-a.log)"
"$XFS_REPAIR" -n -r b.rt b.data > repair-b.log 2>&1 ||
	pmf_fail "xfs_repair -n B: $(tail -n 5 repair-b.log)"
before=$(pmf_sha a.data a.rt b.data b.rt)

oracle() {
	local bin=$1 n=$2 s=$3
	"$PYTHON" "$PMF_SRC/tests/rt/rtrmap-oracle.py" --xfs-pmem "$bin" \
		--data a.data --rt a.rt --size $((1 << 30)) \
		--fsmap out/a-fsmap.txt --mnt /mnt/a --seed "$s" --count "$n" ||
		pmf_fail "A: rt ranges differ from the guest kernel's GETFSMAP"
	"$PYTHON" "$PMF_SRC/tests/rt/rtrmap-oracle.py" --xfs-pmem "$bin" \
		--data b.data --rt b.rt --size $((1 << 30)) --min-shared 50 \
		--fsmap out/b-fsmap.txt --mnt /mnt/b --seed "$((s + 1))" --count "$n" ||
		pmf_fail "B: rt ranges differ from the guest kernel's GETFSMAP"
	# The data devices of the same filesystems: the metadata directory
	# tree's inodes must be named as metafiles.
	"$PYTHON" "$PMF_SRC/tests/rt/rtrmap-oracle.py" --xfs-pmem "$bin" \
		--device data --data a.data --rt a.rt --size $((512 << 20)) \
		--rgcount 4 --fsmap out/a-fsmap.txt --mnt /mnt/a \
		--seed "$((s + 2))" --count "$((n / 4))" ||
		pmf_fail "A: data ranges differ from the guest kernel's GETFSMAP"
	"$PYTHON" "$PMF_SRC/tests/rt/rtrmap-oracle.py" --xfs-pmem "$bin" \
		--device data --data b.data --rt b.rt --size $((512 << 20)) \
		--rgcount 3 --fsmap out/b-fsmap.txt --mnt /mnt/b \
		--seed "$((s + 3))" --count "$((n / 4))" ||
		pmf_fail "B: data ranges differ from the guest kernel's GETFSMAP"
}
oracle "$GUEST_PMEM" "$count" "$seed"
if [ -n "${PMF_ASAN_BUILD:-}" ]; then
	echo "the same through the sanitizer build:"
	oracle "$PMF_ASAN_BUILD/xfs_pmem/xfs_pmem" "${PMF_RTRMAP_ASAN_COUNT:-20}" "$((seed + 7))"
fi

[ "$before" = "$(pmf_sha a.data a.rt b.data b.rt)" ] ||
	pmf_fail "analysis changed the images"
echo "images unchanged"
