# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# The guest half of tests/t/kernel-rt-offline.sh (busybox sh, run by the
# rig's /init from /job).  /dev/pmem0 (emulated pmem, DAX) is the realtime
# device of a filesystem whose data device is the virtio disk /dev/vda,
# made by sid's mkfs.xfs 7.2 (./sid/mkfs.xfs) with rtgroups and realtime
# rmap btrees.  Realtime files in both rtgroups and data device files are
# written and mapped, then pmem0 is unbound.  Last, a filesystem whose
# realtime device /dev/pmem1 has no rtgroups loses it too.  What happens next is said as
# "kdax: KEY VALUE..." lines; the host decides what passed.  The data
# device goes back to the host for the repair half.

. ./kdax-guest.sh

echo 4 > /proc/sys/kernel/printk
say "kernel $(uname -r) xfs $(cat /sys/module/xfs/taint 2>/dev/null)"
[ -b /dev/pmem0 ] || { say "no-device pmem0"; exit 1; }
[ -b /dev/vda ] || { say "no-device vda"; exit 1; }
[ -b /dev/vdb ] || { say "no-device vdb"; exit 1; }

./sid/mkfs.xfs -f -m rmapbt=1,reflink=0 -d agcount=2 \
	-r rtdev=/dev/pmem0,rgcount=2 /dev/vda > /tmp/mkfs.out 2>&1
say "mkfs $?"
while read -r l; do say "mkfs-out $l"; done < /tmp/mkfs.out
rgblocks=$(awk '/rgsize=/ { for (i = 1; i <= NF; i++) if ($i ~ /^rgsize=/) { sub("rgsize=", "", $i); print $i } }' /tmp/mkfs.out)
R=/mnt/r
mkdir -p $R
mount -t xfs -o dax=always,rtdev=/dev/pmem0 /dev/vda $R || say "mount-failed"
mkdir $R/rt
xfs_io -c 'chattr +t' $R/rt
# Realtime files f1..f4 (new files take the rtgroups in turn), files d1, d2
# on the data device; the checksums are taken before anything happens.
for f in f1 f2 f3 f4; do
	xfs_io -f -c "pwrite -q -S 0x5${f#f} 0 1m" -c fsync $R/rt/$f
	d=$(daddr_of $R/rt/$f)
	say "file $R/rt/$f ino $(ino_of $R/rt/$f) daddr $d rtgroup $(( d / 8 / rgblocks ))"
	say "rtsum $f $(md5sum < $R/rt/$f | cut -d' ' -f1)"
done
for f in d1 d2; do
	xfs_io -f -c 'pwrite -q -S 0x6b 0 1m' -c 'pwrite -q -S 0x6c 4096 4096' \
		-c fsync $R/$f
	say "file $R/$f ino $(ino_of $R/$f)"
	say "sum $f $(md5sum < $R/$f | cut -d' ' -f1)"
done
say "xflags $R/rt/f1 $(xfs_io -c 'lsattr' $R/rt/f1 | awk '{ print $1 }')"
say "dax rt $(./daxmap dax $R/rt/f1)"
say "dax data $(./daxmap dax $R/d1)"

# --- unbind of the realtime device under mappers of both kinds -------------
./daxmap map u_f1 $R/rt/f1 & u1=$!
./daxmap map u_f2 $R/rt/f2 & u2=$!
./daxmap map u_d1 $R/d1 & ud1=$!
./daxmap map u_d2 $R/d2 & ud2=$!
await_mapped $u1 $u2 $ud1 $ud2
unbind_step pmem0
await_exit $u1 $u2
proc_state u_f1 $u1
proc_state u_f2 $u2
proc_state u_d1 $ud1
proc_state u_d2 $ud2
dmesg_since
[ $hung = 0 ] || power_off_hung

# --- what still works, and what does not --------------------------------
dmesg -c > /dev/null
say "step after"
for f in d1 d2; do
	say "reread $f $(md5sum < $R/$f | cut -d' ' -f1)"
done
xfs_io -f -c 'pwrite -q -S 0x77 0 1m' -c fsync $R/new > /dev/null 2>&1
say "new-write $?"
say "newsum new $(md5sum < $R/new | cut -d' ' -f1)"
# xfs_io says a failed command's error on stderr, its status says nothing.
say "rt-read $(xfs_io -c 'pread -q 0 4096' $R/rt/f3 2>&1 | tail -n 1)"
say "rt-cat $(cat $R/rt/f4 2>&1 > /dev/null | tail -n 1)"
say "rt-write $(xfs_io -c 'pwrite -q 0 4096' $R/rt/f3 2>&1 | tail -n 1)"
say "rt-falloc $(xfs_io -f -c 'falloc 0 65536' $R/rt/g 2>&1 | tail -n 1)"
say "rt-newwrite $(xfs_io -f -c 'pwrite -q 0 65536' -c fsync $R/rt/h 2>&1 | tr '\n' ' ')"
xfs_io -c statfs $R > /tmp/statfs 2>&1
say "statfs $? $(grep -c '^geom\.' /tmp/statfs) $(grep -c 'counts\.' /tmp/statfs)"
rm $R/rt/f4
say "rm-rt $?"
mkdir $R/dir && xfs_io -f -c 'pwrite -q 0 8k' -c fsync $R/dir/x > /dev/null 2>&1
say "create $?"
sync
say "sync $?"
dmesg_since
# The data files' mappers keep the mount busy.
kill $ud1 $ud2 2>/dev/null
wait $ud1 $ud2 2>/dev/null
umount $R
say "umount $R $?"
dmesg_since

# --- a realtime device without rtgroups: the filesystem shuts down --------
# The initramfs's own mkfs.xfs (the build's xfsprogs) without metadir makes
# no rtgroups, so no realtime rmap btree: nothing could name the files that
# lost data (doc/kernel.md).  /dev/pmem1 is the realtime device, /dev/vdb
# the data device: /dev/vda goes back to the host for the repair.
N=/mnt/n
mkfs.xfs -q -f -m metadir=0 -r rtdev=/dev/pmem1 /dev/vdb 2>/dev/null ||
	mkfs.xfs -q -f -r rtdev=/dev/pmem1 /dev/vdb
say "nogroups-mkfs $?"
mkdir -p $N
mount -t xfs -o dax=always,rtdev=/dev/pmem1 /dev/vdb $N || say "mount-failed nogroups"
mkdir $N/rt
xfs_io -c 'chattr +t' $N/rt
xfs_io -f -c 'pwrite -q -S 0x5a 0 1m' -c fsync $N/rt/g1
xfs_io -f -c 'pwrite -q -S 0x5a 0 1m' -c fsync $N/e1
./daxmap map n_g1 $N/rt/g1 & n1=$!
await_mapped $n1
dmesg -c > /dev/null
say "step nogroups"
unbind "$(basename "$(readlink /sys/block/pmem1/device)")"
await_exit $n1
proc_state n_g1 $n1
say "nogroups-write $(xfs_io -f -c 'pwrite -q 0 4096' -c fsync $N/after 2>&1 | tr '\n' ' ')"
umount $N
say "umount $N $?"
dmesg_since
say "done"
