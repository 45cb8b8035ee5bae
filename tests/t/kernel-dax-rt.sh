#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Our ->notify_failure() against the guest kernel's own on a realtime device
# with DAX: emulated pmem as the realtime device of a filesystem (rtgroups,
# realtime rmap btrees; made by sid's mkfs.xfs 7.2, tests/guest/
# xfsprogs-sid-fetch) whose data device is a virtio disk.  The job
# (tests/kernel/dax-rt-job.sh) poisons one DAX page of a realtime file and
# the realtime superblock, then unbinds the pmem under processes mapping
# realtime files in both rtgroups, a file of the data device, a realtime
# file only open, and tmpfs.  Ours must:
#   - return from the unbind (stock 7.2 hangs: the same 32-bit slice of
#     every group but the last as on the data device, doc/kernel.md);
#   - SIGBUS exactly the mappers of the poisoned page and of the realtime
#     files, sparing the others, including the data device's mapper;
#   - log the lost file range, and the removal and loss of each realtime
#     file (the realtime section goes offline: tests/t/kernel-rt-offline.sh);
#   - mark the realtime superblock's rtgroup sick and stay up (it is a copy
#     of the primary superblock);
#   - unmount afterwards and log no kernel warning;
#   - on a lost page of an external log (a second pmem) shut down, saying
#     where, sparing the mapper of a data device file.
. "$PMF_SRC/tests/lib.sh"
pmf_require_root
pmf_require_guest

. "$PMF_SRC/tests/kernel/kdax-host.sh"
kdax_setup "$PMF_SRC/tests/kernel/dax-rt-job.sh"
sid=$("$kdax_guest/xfsprogs-sid-fetch") || pmf_fail "tests/guest/xfsprogs-sid-fetch failed"
cp -a "$sid" "$TMP/job/sid"

boot() {
	rm -f "$TMP/data.img"
	truncate -s 512m "$TMP/data.img"
	kdax_boot kernel-dax-rt "$1" --pmem 512 --pmem 64 --module hwpoison_inject \
		--disk "$TMP/data.img" "${@:2}"
}
boot stock
boot ours --xfs-ko "$kdax_ko"

checks="poison-kill poison-spare poison-no-shutdown log-lost rtsb-sick
unbind-returns unbind-kill unbind-spare remove-logged umount log-shutdown
log-logged log-spare no-warning"
# kdax_check NAME CHECK: ok=1 if CHECK holds in boot NAME.
kdax_check() {
	local n=$1 c=$2 t f
	case $c in
	poison-kill)
		k "$n" '^proc p_f0 exit 42$' > /dev/null &&
			k "$n" '^daxmap p_f0 pid [0-9]+: SIGBUS BUS_MCEERR_A[OR] page 5([^0-9]|$)' > /dev/null &&
			ok=1 ;;
	poison-spare)
		[ "$(proc "$n" p_f1)" = alive ] && [ "$(proc "$n" p_data)" = alive ] && ok=1 ;;
	poison-no-shutdown)
		k "$n" '^write-after poison-rt-data 0$' > /dev/null && ok=1 ;;
	log-lost)
		step_dmesg "$n" poison-rt-data |
			grep -q "data lost: ino $(hexino "$n" /mnt/r/rt/f0) offset 20480 length 4096$" &&
			ok=1 ;;
	rtsb-sick)
		k "$n" '^write-after poison-rtsb 0$' > /dev/null &&
			step_dmesg "$n" poison-rtsb |
			grep -q 'of rtgroup 0 lost at daddr 0x0, 8 sectors, marked sick' && ok=1 ;;
	unbind-returns)
		kdax_unbind_time "$n" ;;
	unbind-kill)
		ok=1
		for f in f1 f2 f3; do
			kdax_sigbused "$n" "u_$f" || ok=0
		done ;;
	unbind-spare)
		[ "$(proc "$n" u_data)" = alive ] && [ "$(proc "$n" u_open)" = alive ] &&
			[ "$(proc "$n" u_tmpfs)" = alive ] && ok=1 ;;
	remove-logged)
		# Each mapped realtime file's removal and loss: the realtime
		# section goes offline (tests/t/kernel-rt-offline.sh).
		ok=1
		for f in f1 f2 f3; do
			step_dmesg "$n" unbind |
				grep -q "device removal: ino $(hexino "$n" /mnt/r/rt/$f) offset 0 length 1048576: mappings revoked" ||
				ok=0
			step_dmesg "$n" unbind |
				grep -q "device lost: data lost: ino $(hexino "$n" /mnt/r/rt/$f) offset 0 length 1048576$" ||
				ok=0
		done ;;
	umount)
		k "$n" '^umount /mnt/r 0$' > /dev/null && ok=1 ;;
	log-shutdown)
		! k "$n" '^write-after poison-log 0$' > /dev/null &&
			k "$n" '^write-after poison-log ' > /dev/null &&
			step_dmesg "$n" poison-log | grep -qi 'shut.*down' && ok=1 ;;
	log-logged)
		step_dmesg "$n" poison-log |
			grep -q 'log lost at daddr 0x8 of the log device, 8 sectors: cannot go on' &&
			ok=1 ;;
	log-spare)
		[ "$(proc "$n" l_data)" = alive ] && k "$n" '^umount /mnt/l 0$' > /dev/null &&
			ok=1 ;;
	no-warning)
		kdax_complained "$n" || ok=1 ;;
	esac
}
# shellcheck disable=SC2086
kdax_verdicts stock $checks
# shellcheck disable=SC2086
kdax_verdicts ours $checks

# The setup must be what the test claims, or it proves nothing.
kdax_rt_setup 'f[123]' f0

# shellcheck disable=SC2086
kdax_finish kernel-dax-rt $checks
echo "ok"
