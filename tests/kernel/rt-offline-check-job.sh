# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# The third boot of tests/t/kernel-rt-offline.sh: the data device of the
# first (/dev/vda), after xfs_pmem repair --device rt --whole with a blank
# replacement realtime device (/dev/vdb), mounted again.  Checksums of
# every file, and a new realtime file, as "kdax: " lines.

. ./kdax-guest.sh

echo 4 > /proc/sys/kernel/printk
dmesg -c > /dev/null
R=/mnt/r
mkdir -p $R
mount -t xfs -o rtdev=/dev/vdb /dev/vda $R
say "mount $?"
for f in d1 d2 new; do
	say "sum $f $(md5sum < $R/$f | cut -d' ' -f1)"
done
for f in f1 f2 f3; do
	say "rtsum $f $(md5sum < $R/rt/$f 2>&1 | cut -d' ' -f1)"
done
xfs_io -f -c 'pwrite -q -S 0x99 0 65536' -c fsync $R/rt/later > /dev/null 2>&1
say "rt-write $? $(xfs_io -c 'lsattr' $R/rt/later | awk '{ print $1 }')"
say "rtsum later $(md5sum < $R/rt/later | cut -d' ' -f1)"
dmesg_since
umount $R
say "umount $R $?"
say "done"
