#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The online engine (simulate MOUNTPOINT: GETFSMAP, inumbers, parent
# pointers or getdents) against the offline one (the unmounted images), on
# four filesystem shapes: seeded random ranges (the seed is printed), AG
# boundaries, first and last sectors, the whole device, the log, ranges
# past the end.  Every impact and child must be the same, record for
# record; the one difference by design (online, every log hit is live and
# dirty) is described in tests/online-compare.py.
. "$PMF_SRC/tests/lib.sh"
pmf_require_root

seed=${PMF_SEED:-$RANDOM}
count=${PMF_ONLINE_COUNT:-200}
echo "seed $seed, $count random ranges per shape"

# shape NAME SIZE LOGSIZE(or -) MKFS-OPTIONS...
shape() {
	local name=$1 size=$2 logsize=$3 reflink=0
	shift 3
	case " $* " in *reflink=1*) reflink=1 ;; esac
	local img="$TMP/$name.img" log="" mnt="$TMP/mnt"

	if [ "$logsize" = - ]; then
		pmf_mkfs "$img" "$size" -- "$@"
	else
		log="$TMP/$name.log"
		pmf_mkfs "$img" "$size" "$log" "$logsize" -- "$@"
	fi
	pmf_mount "$img" "$mnt" "$log"
	"$PYTHON" "$PMF_SRC/tests/populate.py" "$mnt" "$seed" > /dev/null ||
		pmf_fail "$name: populate failed"
	local extra=()
	if [ "$reflink" = 1 ]; then
		# One extent of which only the middle is shared: GETFSMAP
		# flags the whole record, the refcount btree only the middle.
		"$XFS_IO" -f -c "pwrite -q -S 0x5a 0 8m" -c fsync "$mnt/partial.src" &&
		"$XFS_IO" -f -c "reflink $mnt/partial.src 2m 0 1m" "$mnt/partial.dst" > /dev/null ||
			pmf_fail "$name: partial reflink failed"
		local phys
		phys=$("$XFS_IO" -r -c bmap "$mnt/partial.src" |
			sed -n 's/^[[:space:]]*0: \[0\.\.[0-9]*\]: \([0-9]*\)\.\..*/\1/p')
		[ -n "$phys" ] || pmf_fail "$name: no extent for partial.src"
		phys=$((phys * 512))
		extra=(--extra "data:$phys:1m" --extra "data:$((phys + 2 * 1048576 - 4096)):8192"
		       --extra "data:$((phys + 3 * 1048576)):1m" --extra "data:$phys:8m")
	fi
	# A fresh mount: no speculative preallocation or CoW staging left
	# over that the unmount would trim, so both see the same filesystem.
	pmf_umount "$mnt"
	pmf_mount "$img" "$mnt" "$log"
	"$PYTHON" "$PMF_SRC/tests/online-compare.py" run --xfs-pmem "$XFS_PMEM" \
		--seed "$seed" --count "$count" ${extra[@]+"${extra[@]}"} \
		"$TMP/$name.online" -- "$mnt" ||
		pmf_fail "$name: online run failed"
	# The mounted data device answers through its mount point (the same).
	local rc
	"$XFS_PMEM" simulate "$mnt" --device data --offset 0 --length 2m --json \
		> "$TMP/$name.bymnt"
	rc=$?
	[ $rc -lt 8 ] || pmf_fail "$name: simulate on the mount point: exit $rc"
	"$XFS_PMEM" simulate "$PMF_DATADEV" ${log:+-l "$PMF_LOGDEV"} --device data \
		--offset 0 --length 2m --json > "$TMP/$name.bydev"
	rc=$?
	[ $rc -lt 8 ] || pmf_fail "$name: simulate on the mounted device: exit $rc"
	cmp -s "$TMP/$name.bymnt" "$TMP/$name.bydev" ||
		pmf_fail "$name: the mounted device and its mount point answer differently"
	pmf_umount "$mnt"
	"$PYTHON" "$PMF_SRC/tests/online-compare.py" run --xfs-pmem "$XFS_PMEM" \
		--seed "$seed" --count "$count" ${extra[@]+"${extra[@]}"} \
		"$TMP/$name.offline" -- "$img" \
		${log:+-l "$log"} || pmf_fail "$name: offline run failed"
	"$PYTHON" "$PMF_SRC/tests/online-compare.py" compare "$TMP/$name.online" \
		"$TMP/$name.offline" || pmf_fail "$name: online and offline differ (seed $seed)"
	echo "$name: ok"
}

shape parent-extlog 1G 80M -m rmapbt=1,reflink=1 -n parent=1
shape noparent 1100M - -m rmapbt=1,reflink=1 -n parent=0 -d agcount=7
shape 1k-blocks 600M - -b size=1024 -m rmapbt=1,reflink=0 -n parent=1
shape 4k-sectors 2G - -s size=4096 -m rmapbt=1,reflink=1 -i sparse=0,size=1024 -d agcount=16 -l size=64m
