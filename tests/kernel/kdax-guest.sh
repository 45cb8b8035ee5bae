# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# Helpers of the guest jobs of the kernel DAX tests (tests/kernel/dax*-job.sh,
# busybox sh), sourced from /job.  Everything measured is said as "kdax: KEY
# VALUE..." on the console and, without the prefix, in /out/kdax.log, which
# the host reads when the guest comes back (the console mixes kernel
# messages into lines); daxmap's lines go there too.  The console is what
# is left when the guest must be powered off.

export DAXMAP_LOG=/out/kdax.log
# Lines of a later unbind round start with $pre ("round N ").
pre=""

say() { echo "kdax: $*"; echo "$*" >> /out/kdax.log; }
now() { cut -d' ' -f1 /proc/uptime; }
# A file's ino.
ino_of() { xfs_io -c 'stat' "$1" | awk '$1 == "stat.ino" { print $3 }'; }
# daddr of a file's first block (bmap -v shows 512-byte units).
daddr_of() {
	xfs_io -c 'bmap -v' "$1" | awk '$1 == "0:" { split($3, a, "[.:]"); print a[1]; exit }'
}
# The kernel messages since the last call, as "dmesg ..." lines.
dmesg_since() {
	dmesg -c | sed 's/^/dmesg /' | tee -a /out/kdax.log | sed 's/^/kdax: /'
}

# poison_daddr DEV DADDR: memory_failure() on the page of DEV holding DADDR.
poison_daddr() {
	res=$(cat "/sys/block/$1/device/resource")
	pfn=$(( (res + $2 * 512) / 4096 ))
	echo "$pfn" > /sys/kernel/debug/hwpoison/corrupt-pfn
	say "poison-rc $1 $2 $?"
}

# proc_state LABEL PID: report whether a test process is still running, or
# how it ended.
proc_state() {
	if kill -0 "$2" 2>/dev/null; then
		say "${pre}proc $1 alive"
	else
		wait "$2"
		say "${pre}proc $1 exit $?"
	fi
}

# await_mapped PID...: wait until each daxmap has said it mapped and read
# its file, for at most 30 s.  A fixed sleep was not enough: on a loaded
# host the TCG guest starts them late, and a process that maps only after
# the unbind gets an error, not the SIGBUS being tested.
await_mapped() {
	for p in "$@"; do
		i=0
		while ! grep -q "pid $p: \(mapped\|opened\|cycling\) " /out/kdax.log &&
			[ $i -lt 300 ]; do
			sleep 0.1
			i=$((i + 1))
		done
	done
}

# await_exit PID...: wait until each process has ended (or is a zombie),
# for at most 15 s: a SIGBUS sent by the unbind is delivered when the
# process next runs, which on a loaded host can be later than a second.
await_exit() {
	i=0
	while [ $i -lt 150 ]; do
		left=0
		for p in "$@"; do
			if kill -0 "$p" 2>/dev/null &&
			   ! grep -q '^State:.*Z' "/proc/$p/status" 2>/dev/null; then
				left=1
			fi
		done
		[ $left = 0 ] && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# unbind NS: unbind the pmem namespace NS from nd_pmem and say how long it
# took; give up waiting after KDAX_UNBIND_WAIT seconds (default 30: the
# stock 7.2 module never returns), show the stuck writer's stack and
# return 1.
unbind() {
	rm -f /tmp/unbound
	t0=$(now)
	(echo "$1" > /sys/bus/nd/drivers/nd_pmem/unbind; touch /tmp/unbound) &
	ub=$!
	i=0
	while [ ! -e /tmp/unbound ] && [ $i -lt "${KDAX_UNBIND_WAIT:-30}0" ]; do
		sleep 0.1
		i=$((i + 1))
	done
	if [ -e /tmp/unbound ]; then
		say "${pre}unbind returned $(awk -v a="$t0" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }')"
		return 0
	fi
	say "${pre}unbind hung after ${KDAX_UNBIND_WAIT:-30}s"
	for t in 1 2; do
		sed "s/^/kdax: ${pre}stack /" "/proc/$ub/stack" 2>/dev/null
		sleep 1
	done
	return 1
}

# unbind_step DEV: the "unbind" step: unbind the namespace under /dev/DEV
# (sets ns to its name, hung to 1 if it never returned).
unbind_step() {
	ns=$(basename "$(readlink "/sys/block/$1/device")")
	dmesg -c > /dev/null
	say "${pre}step unbind $ns"
	unbind "$ns"
	hung=$?
}

# After a hung unbind nothing else is to be trusted.
power_off_hung() {
	say "done (powering off: the unbind never returned)"
	echo b > /proc/sysrq-trigger
	sleep 30
}
