# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# The guest half of tests/t/kernel-dax-rt.sh (busybox sh, run by the rig's
# /init from /job).  A realtime device with DAX: /dev/pmem0 (emulated pmem)
# is the realtime device of a filesystem whose data device is the virtio
# disk /dev/vda, made by sid's mkfs.xfs 7.2 (./sid/mkfs.xfs) with rmapbt,
# so with rtgroups and realtime rmap btrees.  Realtime files are DAX; files
# on the data device are not.
#
# Steps: madvise(MADV_HWPOISON) on one DAX page of a realtime file; a memory
# failure on the realtime superblock; then the unbind of pmem0 under
# processes mapping realtime files in both rtgroups, one mapping a file of
# the data device, one with a realtime file open but not mapped and one
# mapping tmpfs.  Last, on a new filesystem whose external log is /dev/pmem1,
# a memory failure on a page of the log.  "kdax: KEY VALUE..." lines on the console; the host
# decides what passed.

. ./kdax-guest.sh

mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
echo 4 > /proc/sys/kernel/printk
echo 1 > /proc/sys/vm/memory_failure_early_kill
say "kernel $(uname -r) xfs $(cat /sys/module/xfs/taint 2>/dev/null)"
[ -b /dev/pmem0 ] || { say "no-device pmem0"; exit 1; }
[ -b /dev/vda ] || { say "no-device vda"; exit 1; }
say "device pmem0 dax $(cat /sys/block/pmem0/queue/dax)"

./sid/mkfs.xfs -f -m rmapbt=1,reflink=0 -d agcount=2 \
	-r rtdev=/dev/pmem0,rgcount=2 /dev/vda > /tmp/mkfs.out 2>&1
say "mkfs $?"
while read -r l; do say "mkfs-out $l"; done < /tmp/mkfs.out
rgblocks=$(awk '/rgsize=/ { for (i = 1; i <= NF; i++) if ($i ~ /^rgsize=/) { sub("rgsize=", "", $i); print $i } }' /tmp/mkfs.out)
say "rgblocks $rgblocks"
R=/mnt/r
mkdir -p $R
mount -t xfs -o dax=always,rtdev=/dev/pmem0 /dev/vda $R || say "mount-failed"
mkdir $R/rt
xfs_io -c 'chattr +t' $R/rt
# Realtime files f0..f3 (new files take the rtgroups in turn) and a file on
# the data device.
k=0
while [ $k -lt 4 ]; do
	f=$R/rt/f$k
	xfs_io -f -c 'pwrite -q -S 0x5a 0 1m' -c fsync $f
	d=$(daddr_of $f)
	say "file $f ino $(ino_of $f) daddr $d rtgroup $(( d / 8 / rgblocks ))"
	k=$((k + 1))
done
xfs_io -f -c 'pwrite -q -S 0x5a 0 1m' -c fsync $R/data
say "xflags $R/rt/f0 $(xfs_io -c 'lsattr' $R/rt/f0 | awk '{ print $1 }')"
say "xflags $R/data $(xfs_io -c 'lsattr' $R/data | awk '{ print $1 }')"
say "dax rt $(./daxmap dax $R/rt/f0)"
say "dax data $(./daxmap dax $R/data)"
xfs_io -f -c 'pwrite -q -S 0x5a 0 1m' /tmp/t

# --- a poisoned page of a realtime file ------------------------------------
./daxmap map p_f0 $R/rt/f0 & pa=$!
./daxmap map p_f1 $R/rt/f1 & pb=$!
./daxmap map p_data $R/data & pd=$!
sleep 2
dmesg -c > /dev/null
say "step poison-rt-data"
./daxmap poison poisoner $R/rt/f0 5
say "poisoner-exit $?"
sleep 2
proc_state p_f0 $pa
proc_state p_f1 $pb
proc_state p_data $pd
xfs_io -f -c 'pwrite -q 0 4k' -c fsync $R/after-rt-data > /dev/null 2>&1
say "write-after poison-rt-data $?"
dmesg_since
kill $pa $pb $pd 2>/dev/null
wait $pa $pb $pd 2>/dev/null

# --- the realtime superblock (rt block 0) ------------------------------------
say "step poison-rtsb"
poison_daddr pmem0 0
sleep 1
xfs_io -f -c 'pwrite -q 0 4k' -c fsync $R/after-rtsb > /dev/null 2>&1
say "write-after poison-rtsb $?"
dmesg_since

# --- unbind of the realtime device -----------------------------------------
./daxmap map u_f1 $R/rt/f1 & u1=$!
./daxmap map u_f2 $R/rt/f2 & u2=$!
./daxmap map u_f3 $R/rt/f3 & u3=$!
./daxmap map u_data $R/data & ud=$!
./daxmap open u_open $R/rt/f1 & uo=$!
./daxmap map u_tmpfs /tmp/t & ut=$!
sleep 2
unbind_step pmem0
sleep 1
proc_state u_f1 $u1
proc_state u_f2 $u2
proc_state u_f3 $u3
proc_state u_data $ud
proc_state u_open $uo
proc_state u_tmpfs $ut
dmesg_since
[ $hung = 0 ] || power_off_hung
kill $ud $uo $ut 2>/dev/null
wait $ud $uo $ut 2>/dev/null
umount $R
say "umount $R $?"
dmesg_since

# --- a lost page of an external log on pmem1 --------------------------------
# The kernel cannot tell a live part of the log from a dead one: the
# filesystem must go down, and say where; a mapper of a data device file
# (page cache, no DAX) lives on.
L=/mnt/l
mkfs.xfs -q -f -m rmapbt=1 -l logdev=/dev/pmem1 /dev/vda || say "mkfs-failed log"
mkdir -p $L
mount -t xfs -o logdev=/dev/pmem1 /dev/vda $L || say "mount-failed log"
xfs_io -f -c 'pwrite -q -S 0x5a 0 1m' -c fsync $L/f
./daxmap map l_data $L/f & ld=$!
sleep 1
dmesg -c > /dev/null
say "step poison-log"
poison_daddr pmem1 8
sleep 1
xfs_io -f -c 'pwrite -q 0 4k' -c fsync $L/after-log > /dev/null 2>&1
say "write-after poison-log $?"
proc_state l_data $ld
dmesg_since
kill $ld 2>/dev/null
wait $ld 2>/dev/null
umount $L
say "umount $L $?"
dmesg_since
say "done"
