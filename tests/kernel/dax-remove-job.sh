# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# The guest half of tests/t/kernel-dax-remove.sh (busybox sh): device
# removal (unbind of a pmem namespace, MF_MEM_PRE_REMOVE) in the states the
# rmap walk cannot cover.  Two emulated pmem devices with DAX.  The
# scenarios to run are KDAX_SCEN (comma-separated, from the kernel command
# line), each between "scen NAME begin" and "scen NAME end":
#   hang      files in all four AGs mapped: the unbind must return;
#   shutdown  the same after "xfs_io -x -c shutdown": every mapper SIGBUS;
#   cold      two processes open, map and fault cold files (drop_caches
#             running) during the unbind; then each is asked to read its
#             mappings: none may survive;
#   reflink   reflink=1, three files sharing one extent and a fourth file,
#             each mapped: every sharer SIGBUS;
#   logdev    external log on pmem1, data on pmem0: unbind the log's
#             namespace (doc/kernel.md says what must happen);
#   zoned     sid's mkfs.xfs 7.2 (./sid, from the host) makes a zoned
#             internal realtime section (sb_rtstart) on pmem0; files of
#             the data section, DAX, mapped: the walk is refused, every
#             mapper SIGBUS (doc/kernel.md);
#   rounds    "hang" KDAX_ROUNDS more times (default 20), each on a rebound
#             namespace and a fresh filesystem.
# A hung unbind powers the guest off (kdax-guest.sh): the host boots again
# for the scenarios left.

. ./kdax-guest.sh
U=/mnt/u

mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
echo 4 > /proc/sys/kernel/printk
say "kernel $(uname -r) xfs $(cat /sys/module/xfs/taint 2>/dev/null)"
for d in pmem0 pmem1; do
	[ -b "/dev/$d" ] || { say "no-device $d"; exit 1; }
done
ns0=$(basename "$(readlink /sys/block/pmem0/device)")
ns1=$(basename "$(readlink /sys/block/pmem1/device)")
xfs_io -f -c 'pwrite -q -S 0x5a 0 1m' /tmp/t

# mkfs_mount OPTS...: a fresh 4-AG rmapbt filesystem on pmem0 at $U, DAX.
mkfs_mount() {
	mkfs.xfs -q -f -m rmapbt=1 -d agcount=4 "$@" /dev/pmem0 || say "${pre}mkfs-failed"
	mkdir -p $U
	mount -t xfs -o dax=always /dev/pmem0 $U || say "${pre}mount-failed"
}

# files N: U/dK/f, 1 MiB each, K < N, in different AGs.
files() {
	k=0
	while [ $k -lt "$1" ]; do
		mkdir $U/d$k
		xfs_io -f -c 'pwrite -q -S 0x5a 0 1m' -c fsync $U/d$k/f
		k=$((k + 1))
	done
}

# rebind NS DEV: give NS back to nd_pmem, wait for /dev/DEV.
rebind() {
	echo "$1" > /sys/bus/nd/drivers/nd_pmem/bind
	i=0
	while [ ! -b "/dev/$2" ] && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	[ -b "/dev/$2" ] || say "${pre}rebind-failed $1"
}

# finish: unmount, say how it went, and the kernel messages.
finish() {
	umount $U
	say "${pre}umount $?"
	dmesg_since
}

# mappers N: processes mapping U/dK/f (K < N) as LABEL mK; pids in $pids.
mappers() {
	pids=""
	k=0
	while [ $k -lt "$1" ]; do
		./daxmap map "${lp}m$k" $U/d$k/f &
		eval "m$k=\$!"
		pids="$pids $!"
		k=$((k + 1))
	done
}

# states N: proc_state of the N mappers.
states() {
	k=0
	while [ $k -lt "$1" ]; do
		eval "proc_state m$k \$m$k"
		k=$((k + 1))
	done
}

scen_hang() {
	mkfs_mount -m reflink=0
	files 4
	mappers 4
	./daxmap open "${lp}open" $U/d0/f & po=$!
	./daxmap map "${lp}tmpfs" /tmp/t & pt=$!
	await_mapped $pids $po $pt
	unbind_step pmem0
	[ "$hung" = 0 ] && await_exit $pids
	sleep 1
	states 4
	proc_state open $po
	proc_state tmpfs $pt
	[ "$hung" = 0 ] || power_off_hung
	kill $po $pt 2>/dev/null
	wait $po $pt 2>/dev/null
	finish
	rebind "$ns0" pmem0
}

scen_shutdown() {
	mkfs_mount -m reflink=0
	files 4
	mappers 4
	await_mapped $pids
	xfs_io -x -c shutdown $U
	say "shutdown $?"
	sleep 1
	unbind_step pmem0
	[ "$hung" = 0 ] && await_exit $pids
	states 4
	[ "$hung" = 0 ] || power_off_hung
	kill $pids 2>/dev/null
	wait $pids 2>/dev/null
	finish
	rebind "$ns0" pmem0
}

scen_cold() {
	mkfs_mount -m reflink=0
	mkdir $U/cold
	k=0
	while [ $k -lt 64 ]; do
		xfs_io -f -c 'pwrite -q -S 0x5a 0 64k' $U/cold/c$k
		k=$((k + 1))
	done
	sync
	echo 2 > /proc/sys/vm/drop_caches
	./daxmap cold c0 $U/cold 64 & c0=$!
	./daxmap cold c1 $U/cold 64 & c1=$!
	(while :; do echo 2 > /proc/sys/vm/drop_caches; sleep 0.1; done) & dc=$!
	await_mapped $c0 $c1
	sleep 2
	unbind_step pmem0
	kill $dc
	wait $dc 2>/dev/null
	sleep 1
	[ "$hung" = 0 ] || power_off_hung
	# Ask whoever lives to read what it still maps.
	kill -USR1 $c0 $c1 2>/dev/null
	sleep 1
	proc_state c0 $c0
	proc_state c1 $c1
	finish
	rebind "$ns0" pmem0
}

scen_reflink() {
	mkfs_mount -m reflink=1
	files 2
	xfs_io -f -c "reflink $U/d0/f" $U/d1/s1 > /dev/null
	xfs_io -f -c "reflink $U/d0/f" $U/d1/s2 > /dev/null
	say "shared $(xfs_io -c 'fiemap -v' $U/d1/s2 | awk 'NR == 3 { print $NF }')"
	./daxmap map "${lp}m0" $U/d0/f & m0=$!
	./daxmap map "${lp}m1" $U/d1/f & m1=$!
	./daxmap map "${lp}s1" $U/d1/s1 & s1=$!
	./daxmap map "${lp}s2" $U/d1/s2 & s2=$!
	await_mapped $m0 $m1 $s1 $s2
	unbind_step pmem0
	[ "$hung" = 0 ] && await_exit $m0 $m1 $s1 $s2
	proc_state m0 $m0
	proc_state m1 $m1
	proc_state s1 $s1
	proc_state s2 $s2
	[ "$hung" = 0 ] || power_off_hung
	finish
	rebind "$ns0" pmem0
}

scen_logdev() {
	mkfs.xfs -q -f -m rmapbt=1,reflink=0 -d agcount=4 -l logdev=/dev/pmem1,size=64m \
		/dev/pmem0 || say "mkfs-failed"
	mkdir -p $U
	mount -t xfs -o dax=always,logdev=/dev/pmem1 /dev/pmem0 $U || say "mount-failed"
	files 2
	mappers 2
	await_mapped $pids
	unbind_step pmem1
	sleep 1
	states 2
	[ "$hung" = 0 ] || power_off_hung
	# No fsync: down at once means a create fails before any log I/O.
	xfs_io -f -c 'pwrite -q 0 4k' $U/after > /dev/null 2>&1
	say "write-after $?"
	kill $pids 2>/dev/null
	wait $pids 2>/dev/null
	finish
	rebind "$ns1" pmem1
}

scen_zoned() {
	# The smallest zoned geometry mkfs takes on 512 MiB: 12 rtgroups of
	# 16 MiB after a 320 MiB data section, on the same device.
	./sid/mkfs.xfs -q -f -m rmapbt=1 -d agcount=4,size=320m -r zoned=1,rgsize=16m \
		/dev/pmem0 || say "mkfs-failed"
	mkdir -p $U
	# DAX only where it is asked for: a DAX write to a zoned realtime file
	# is not what this scenario is about.
	mount -t xfs -o dax=inode /dev/pmem0 $U || say "mount-failed"
	mkdir $U/d
	xfs_io -c 'chattr -t' -c 'chattr +x' $U/d
	xfs_io -f -c 'pwrite -q -S 0x5a 0 1m' -c fsync $U/rt
	say "xflags rt $(xfs_io -c 'lsattr' $U/rt | awk '{ print $1 }')"
	k=0
	while [ $k -lt 2 ]; do
		xfs_io -f -c 'pwrite -q -S 0x5a 0 1m' -c fsync $U/d/f$k
		say "xflags f$k $(xfs_io -c 'lsattr' $U/d/f$k | awk '{ print $1 }')"
		./daxmap map "m$k" $U/d/f$k &
		eval "m$k=\$!"
		k=$((k + 1))
	done
	await_mapped $m0 $m1
	unbind_step pmem0
	[ "$hung" = 0 ] && await_exit $m0 $m1
	states 2
	[ "$hung" = 0 ] || power_off_hung
	kill $m0 $m1 2>/dev/null
	wait $m0 $m1 2>/dev/null
	finish
	rebind "$ns0" pmem0
}

scen_rounds() {
	r=1
	while [ $r -le "${KDAX_ROUNDS:-20}" ]; do
		pre="round $r " lp="r${r}_"
		echo 1 > /sys/kernel/debug/clear_warn_once 2>/dev/null
		scen_hang
		r=$((r + 1))
	done
	pre="" lp=""
	say "rounds $((r - 1))"
}

dmesg -c > /dev/null
for s in $(echo "${KDAX_SCEN:-hang}" | tr ',' ' '); do
	say "scen $s begin"
	"scen_$s"
	say "scen $s end"
done
say "done"
