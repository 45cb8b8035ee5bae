#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Offline simulate against the kernel's GETFSMAP, record for record, on
# five filesystem shapes: random ranges (seeded, printed) plus AG edges,
# first and last sectors and the whole device; every fifth range also
# through the inode scan (--scan), which must agree.  The images must be
# byte-identical afterwards: simulate never writes.
. "$PMF_SRC/tests/lib.sh"
pmf_require_root

seed=${PMF_SEED:-$RANDOM}
count=${PMF_ORACLE_COUNT:-250}
echo "seed $seed, $count random ranges per shape"

# shape NAME SIZE LOGSIZE(or -) MKFS-OPTIONS...
shape() {
	local name=$1 size=$2 logsize=$3
	shift 3
	local img="$TMP/$name.img" log="" mnt="$TMP/mnt"

	if [ "$logsize" = - ]; then
		pmf_mkfs "$img" "$size" -- "$@"
	else
		log="$TMP/$name.log"
		pmf_mkfs "$img" "$size" "$log" "$logsize" -- "$@"
	fi
	pmf_mount "$img" "$mnt" "$log"
	"$PYTHON" "$PMF_SRC/tests/populate.py" "$mnt" "$seed" ||
		pmf_fail "$name: populate failed"
	"$PYTHON" "$PMF_SRC/tests/oracle.py" capture "$mnt" "$PMF_DATADEV" \
		$PMF_LOGDEV > "$TMP/$name.state" || pmf_fail "$name: GETFSMAP capture failed"
	pmf_umount "$mnt"
	pmf_geometry "$img" "$log" > "$TMP/$name.geo" || pmf_fail "$name: xfs_db failed"

	local before after
	before=$(pmf_sha "$img" ${log:+"$log"})
	"$PYTHON" "$PMF_SRC/tests/oracle.py" check "$TMP/$name.state" \
		--geometry "$TMP/$name.geo" --xfs-pmem "$XFS_PMEM" \
		--data "$img" ${log:+--log "$log"} --seed "$seed" \
		--count "$count" --edges --edge-ags "${PMF_ORACLE_EDGE_AGS:-0}" \
		--scan-every 5 || pmf_fail "$name: offline answers differ from GETFSMAP"
	after=$(pmf_sha "$img" ${log:+"$log"})
	[ "$before" = "$after" ] || pmf_fail "$name: simulate modified the images ($before -> $after)"
	echo "$name: ok"
}

shape parent-extlog 1G 80M -m rmapbt=1,reflink=1 -n parent=1
shape noparent 1100M - -m rmapbt=1,reflink=1 -n parent=0 -d agcount=7
shape 1k-blocks 600M - -b size=1024 -m rmapbt=1,reflink=0
shape 4k-sectors 2G - -s size=4096 -m rmapbt=1,reflink=1 -i sparse=0,size=1024 -d agcount=16 -l size=64m
# 8 TiB (sparse): sector addresses past 2^32 and AGs of 2^27.8 blocks, where
# 32-bit group arithmetic wraps (the 7.2 notify_failure hang).
shape 8t-sparse 8T - -m rmapbt=1,reflink=1 -n parent=1 -d agcount=9 -l size=64m
