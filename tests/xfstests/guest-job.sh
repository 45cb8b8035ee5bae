# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# The guest half of tests/xfstests/run --guest (busybox sh, run by the rig's
# /init from /job).  Disks: vda the root image (tests/guest/rootfs-build:
# the host's userland, fstests, xfs_pmem), vdb TEST_DEV, vdc SCRATCH_LOGDEV,
# vdd SCRATCH_RTDEV; SCRATCH_DEV is /dev/pmem0.  Mounts the root image,
# chroots into it and runs guest-check there, which writes check's logs and
# results to /out (bound into the chroot).
#
# After a kernel hang in the unbind test nothing can be unmounted and the rig
# cannot power off: this job then writes /out onto the results disk itself,
# as /init would, and resets the machine.

say() { echo "pmf-check: $*"; }
R=/mnt/root
mkdir -p $R
mount -t ext4 /dev/vda $R || { say "cannot mount the root image /dev/vda"; exit 1; }
mount -t proc proc $R/proc
mount -t sysfs sysfs $R/sys
mount -t devtmpfs devtmpfs $R/dev
mkdir -p $R/dev/pts $R/dev/shm $R/out $R/pmemfail-job
mount -t devpts devpts $R/dev/pts
# devtmpfs has no /dev/fd (bash's process substitution needs it)
ln -sfn /proc/self/fd $R/dev/fd
ln -sfn /proc/self/fd/0 $R/dev/stdin
ln -sfn /proc/self/fd/1 $R/dev/stdout
ln -sfn /proc/self/fd/2 $R/dev/stderr
mount -t tmpfs tmpfs $R/dev/shm
mount -t tmpfs tmpfs $R/run
mount -t debugfs debugfs $R/sys/kernel/debug 2>/dev/null
mount -o bind /out $R/out
cp /job/local.config /job/settings /job/guest-check $R/pmemfail-job/
say "SCRATCH_DEV /dev/pmem0: $(readlink /sys/block/pmem0/device 2>/dev/null || echo missing)"

chroot $R /bin/bash /pmemfail-job/guest-check
rc=$?
if [ -e /out/unbind-hung ]; then
	say "writing the results and resetting the guest"
	echo 1 > /out/rc
	tar -cf - -C /out . | dd of="$RIG_RESULTS" bs=64k conv=fsync 2>/dev/null
	echo b > /proc/sysrq-trigger
	sleep 30
fi
for m in out sys/kernel/debug run dev/shm dev/pts dev sys proc; do
	umount $R/$m 2>/dev/null
done
umount $R || say "cannot unmount the root image"
exit $rc
