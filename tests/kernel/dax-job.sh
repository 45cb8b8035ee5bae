# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# The guest half of tests/t/kernel-dax.sh (busybox sh, run by the rig's
# /init from /job).  Two emulated pmem devices with DAX: pmem1 takes the
# partial failures (madvise(MADV_HWPOISON) on a file's DAX page, and
# memory_failure() on metadata and unmapped file pages through hwpoison's
# debugfs corrupt-pfn), pmem0, never poisoned, the unbind.
#
# Everything measured goes to the console as "kdax: KEY VALUE..." lines,
# kernel messages as "kdax: dmesg ...": the host decides what passed.  The
# console comes back even when the guest must be powered off: after a hung
# unbind nothing else is to be trusted.

. ./kdax-guest.sh
# The AG of a file's first extent.
ag_of() { xfs_io -c 'bmap -v' "$1" | awk '$1 == "0:" { print $4; exit }'; }

# mkfs_mount DEV MNT: a fresh 4-AG filesystem with rmapbt, mounted with DAX.
mkfs_mount() {
	mkfs.xfs -q -f -m rmapbt=1,reflink=0 -d agcount=4 "/dev/$1" || say "mkfs-failed $1"
	mkdir -p "$2"
	mount -t xfs -o dax=always "/dev/$1" "$2" || say "mount-failed $1"
}

# spread DIR N: make files DIR/dK/f (1 MiB each, K < N) whose data lands in
# different AGs (a new directory goes to the next AG), print "ag FILE AG".
spread() {
	k=0
	while [ $k -lt "$2" ]; do
		mkdir "$1/d$k"
		xfs_io -f -c 'pwrite -q -S 0x5a 0 1m' -c fsync "$1/d$k/f"
		say "file $1/d$k/f ino $(ino_of "$1/d$k/f") ag $(ag_of "$1/d$k/f")"
		k=$((k + 1))
	done
}

mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
echo 4 > /proc/sys/kernel/printk
# Signal every task mapping a poisoned page at once, not only the one that
# touches it (a DAX page stays readable here: the media is only emulated).
echo 1 > /proc/sys/vm/memory_failure_early_kill
say "kernel $(uname -r) xfs $(cat /sys/module/xfs/taint 2>/dev/null)"
for d in pmem0 pmem1; do
	[ -b "/dev/$d" ] || { say "no-device $d"; exit 1; }
	say "device $d $(basename "$(readlink "/sys/block/$d/device")") dax $(cat "/sys/block/$d/queue/dax")"
done
dmesg -c > /dev/null

# --- partial failures on pmem1 -------------------------------------------
P=/mnt/p
mkfs_mount pmem1 $P
spread $P 3
a=$P/d0/f b=$P/d1/f c=$P/d2/f
say "dax $(./daxmap dax $a)"
xfs_io -f -c 'pwrite -q -S 0x5a 0 1m' /tmp/t
./daxmap map a_all $a & pa=$!
./daxmap map a_tail $a 128 128 & pt=$!
./daxmap map b_all $b & pb=$!
./daxmap open a_open $a & po=$!
./daxmap map tmpfs /tmp/t & pm=$!
sleep 2
# c is closed and its inode evicted: its loss must still be reported.
echo 2 > /proc/sys/vm/drop_caches
dmesg -c > /dev/null
say "step poison-data"
./daxmap poison poisoner $a 5
say "poisoner-exit $?"
sleep 2
proc_state a_all $pa
proc_state a_tail $pt
proc_state b_all $pb
proc_state a_open $po
proc_state tmpfs $pm
xfs_io -f -c 'pwrite -q 0 4k' -c fsync $P/after-data > /dev/null 2>&1
say "write-after poison-data $?"
dmesg_since
kill $pa $pt $pb $po $pm 2>/dev/null
wait $pa $pt $pb $po $pm 2>/dev/null

# A data block of a file nobody has in memory.
say "step poison-unmapped"
cdaddr=$(daddr_of $c)
xfs_io -x -c 'freeze' -c 'thaw' $P
echo 2 > /proc/sys/vm/drop_caches
poison_daddr pmem1 "$cdaddr"
sleep 1
xfs_io -f -c 'pwrite -q 0 4k' -c fsync $P/after-unmapped > /dev/null 2>&1
say "write-after poison-unmapped $?"
dmesg_since

# bmbt: a leaf of the data fork's extent btree of two files with 512
# extents each, one kept open (its inode in memory: the inode is marked
# sick) and one nobody has in memory (its AG is marked as having a bad
# inode).  Inode numbers and AGs are read before the caches are dropped:
# looking at a file would bring its inode back.
frag() {
	mkdir -p "$P/$1"
	awk 'BEGIN { for (i = 0; i < 1024; i += 2) printf "pwrite -q %d 4096\n", i * 4096; print "fsync" }' |
		xfs_io -f "$P/$1/f" > /dev/null
}
# bmbt_daddr INO: daddr of the first leaf of INO's data fork btree.
bmbt_daddr() {
	fsb=$(xfs_db -r -c "inode $1" -c 'p u3.bmbt.ptrs' /dev/pmem1 |
		awk '{ split($3, a, ":"); print a[2] }')
	xfs_db -r -c "convert fsb $fsb daddr" /dev/pmem1 | awk '{ print $2 }' | tr -d '()'
}
frag bo
frag bc
bo_ino=$(ino_of $P/bo/f)
bc_ino=$(ino_of $P/bc/f)
./daxmap open bo_open $P/bo/f & pbo=$!
xfs_io -x -c 'freeze' -c 'thaw' $P
bc_ag=$(xfs_db -r -c "convert ino $bc_ino agno" /dev/pmem1 | awk '{ print $2 }' | tr -d '()')
say "file $P/bo/f ino $bo_ino format $(xfs_db -r -c "inode $bo_ino" -c 'p core.format' /dev/pmem1 | awk '{ print $3 }')"
say "file $P/bc/f ino $bc_ino inode-ag $bc_ag"
for w in bo bc; do
	eval "ino=\$${w}_ino"
	d=$(bmbt_daddr "$ino")
	echo 2 > /proc/sys/vm/drop_caches
	say "step poison-bmbt-$w ino $ino daddr $d"
	poison_daddr pmem1 "$d"
	sleep 1
	xfs_io -f -c 'pwrite -q 0 4k' -c fsync "$P/after-bmbt-$w" > /dev/null 2>&1
	say "write-after poison-bmbt-$w $?"
	dmesg_since
done
say "bs-sick bo $(xfs_io -c "bulkstat_single $bo_ino" $P | awk '$1 == "bs_sick" { print $3 }')"
say "sick inodes-ag $bc_ag $(xfs_io -c "aginfo -a $bc_ag" $P 2>/dev/null | awk '$1 == "Sick:" { print $2 }')"
kill $pbo 2>/dev/null
wait $pbo 2>/dev/null

# Metadata: the roots of rebuildable btrees, then of the rmapbt.  The
# freeze writes the log back so that xfs_db reads what is current.
agblocks=$(xfs_db -r -c 'sb 0' -c 'p agblocks' /dev/pmem1 | awk '{ print $3 }')
meta() {
	xfs_io -x -c 'freeze' -c 'thaw' $P
	root=$(xfs_db -r -c "$2 $3" -c "p $4" /dev/pmem1 | awk '{ print $3 }')
	say "step poison-$1 ag $3 agbno $root"
	poison_daddr pmem1 $(( (agblocks * $3 + root) * 8 ))
	sleep 1
	xfs_io -f -c 'pwrite -q 0 4k' -c fsync "$P/after-$1" > /dev/null 2>&1
	say "write-after poison-$1 $?"
	say "sick $1 $(xfs_io -c "aginfo -a $3" $P 2>/dev/null | awk '$1 == "Sick:" { print $2 }')"
	dmesg_since
}
meta bnobt agf 1 bnoroot
meta cntbt agf 2 cntroot
meta inobt agi 3 root
meta rmapbt agf 1 rmaproot
umount $P
say "umount $P $?"

# --- unbind of pmem0 ------------------------------------------------------
# unbind_round: a fresh filesystem on pmem0, processes mapping files in all
# four AGs, one with a file open but not mapped, one mapping tmpfs; unbind
# pmem0's namespace under them; report; unmount.  Lines start with $pre,
# process labels with $lp ("rN_" in round N > 1).  Returns 1 if the unbind
# never returned.
U=/mnt/u
lp=""
unbind_round() {
	# Re-arm the WARN_ON_ONCE()s, so that every round can show one.
	echo 1 > /sys/kernel/debug/clear_warn_once 2>/dev/null
	mkfs_mount pmem0 $U
	if [ -z "$pre" ]; then
		spread $U 4
	else
		spread $U 4 > /dev/null
	fi
	./daxmap map "${lp}u0" $U/d0/f & u0=$!
	./daxmap map "${lp}u1" $U/d1/f & u1=$!
	./daxmap map "${lp}u2" $U/d2/f & u2=$!
	./daxmap map "${lp}u3" $U/d3/f & u3=$!
	./daxmap open "${lp}uopen" $U/d0/f & uo=$!
	./daxmap map "${lp}utmpfs" /tmp/t & ut=$!
	sleep 2
	unbind_step pmem0
	sleep 1
	proc_state u0 $u0
	proc_state u1 $u1
	proc_state u2 $u2
	proc_state u3 $u3
	proc_state uopen $uo
	proc_state utmpfs $ut
	dmesg_since
	[ $hung = 0 ] || return 1
	kill $uo $ut 2>/dev/null
	wait $uo $ut 2>/dev/null
	umount $U
	say "${pre}umount $U $?"
	dmesg_since
}

# rebind NS: give the namespace back to nd_pmem and wait for /dev/pmem0.
rebind() {
	echo "$1" > /sys/bus/nd/drivers/nd_pmem/bind
	i=0
	while [ ! -b /dev/pmem0 ] && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	[ -b /dev/pmem0 ]
}

unbind_round || power_off_hung
# More rounds (KDAX_UNBIND_ROUNDS=N on the kernel command line) give races
# between the removal and the exit of the tasks it kills more chances to
# show; each starts from a rebound namespace and a fresh filesystem.
r=2
while [ $r -le "${KDAX_UNBIND_ROUNDS:-1}" ]; do
	pre="round $r " lp="r${r}_"
	rebind "$ns" || { say "${pre}rebind-failed $ns"; break; }
	unbind_round || power_off_hung
	r=$((r + 1))
done
pre=""
say "rounds $((r - 1))"
say "done"
