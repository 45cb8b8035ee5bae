#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Losing the realtime device does not kill the filesystem (doc/kernel.md,
# "The realtime section goes offline").  The data device is a virtio disk,
# the realtime device emulated pmem with DAX; sid's mkfs.xfs 7.2 (tests/
# guest/xfsprogs-sid-fetch) makes rtgroups and realtime rmap btrees.  The
# job (tests/kernel/rt-offline-job.sh) writes realtime files in both
# rtgroups and files on the data device, maps some of each kind, and
# unbinds the pmem.  Ours must then:
#   - return from the unbind; SIGBUS the realtime files' mappers, spare the
#     data files' mappers;
#   - read the data files back unchanged, write and fsync a new one, create
#     and unlink (a realtime file: its extents go back to the rt bitmap,
#     which is on the data device);
#   - fail realtime reads and writes with EIO, realtime allocation with
#     ENOSPC;
#   - not shut down (xfs_io statfs works, no "Shutting down" logged), log
#     each realtime file's lost range and the section going offline;
#   - unmount, with no kernel warning.
# The same job on Debian's stock xfs.ko is the stock row: it hangs in the
# unbind (the 32-bit slice, doc/kernel.md) or shuts down.
. "$PMF_SRC/tests/lib.sh"
pmf_require_root
pmf_require_guest

. "$PMF_SRC/tests/kernel/kdax-host.sh"
kdax_setup "$PMF_SRC/tests/kernel/rt-offline-job.sh"
sid=$("$kdax_guest/xfsprogs-sid-fetch") || pmf_fail "tests/guest/xfsprogs-sid-fetch failed"
cp -a "$sid" "$TMP/job/sid"

boot() {
	rm -f "$TMP/data-$1.img"
	truncate -s 512m "$TMP/data-$1.img"
	kdax_boot kernel-rt-offline "$1" --pmem 512 --disk "$TMP/data-$1.img" "${@:2}"
}
boot stock
boot ours --xfs-ko "$kdax_ko"

checks="unbind-returns rt-sigbus data-live data-read data-write rt-read-eio
rt-write-eio rt-alloc-enospc no-shutdown lost-logged offline-logged rt-unlink
create umount no-warning"
kdax_check() {
	local n=$1 c=$2 f
	case $c in
	unbind-returns)
		kdax_unbind_time "$n" ;;
	rt-sigbus)
		ok=1
		for f in f1 f2; do
			k "$n" "^proc u_$f exit 42$" > /dev/null &&
				k "$n" "^daxmap u_$f pid [0-9]+: SIGBUS BUS_MCEERR_A[OR]" > /dev/null ||
				ok=0
		done ;;
	data-live)
		[ "$(proc "$n" u_d1)" = alive ] && [ "$(proc "$n" u_d2)" = alive ] && ok=1 ;;
	data-read)
		ok=1
		for f in d1 d2; do
			[ -n "$(k "$n" "^sum $f ")" ] &&
				[ "$(k "$n" "^sum $f " | awk '{ print $3 }')" = \
				  "$(k "$n" "^reread $f " | awk '{ print $3 }')" ] || ok=0
		done ;;
	data-write)
		k "$n" '^new-write 0$' > /dev/null &&
			k "$n" '^newsum new [0-9a-f]{32}$' > /dev/null && ok=1 ;;
	rt-read-eio)
		k "$n" '^rt-read .*Input/output error' > /dev/null &&
			k "$n" '^rt-cat .*(I/O|Input/output) error' > /dev/null && ok=1 ;;
	rt-write-eio)
		k "$n" '^rt-write .*Input/output error' > /dev/null && ok=1 ;;
	rt-alloc-enospc)
		k "$n" '^rt-falloc .*No space left on device' > /dev/null &&
			k "$n" '^rt-newwrite .*(Input/output error|No space left)' > /dev/null &&
			ok=1 ;;
	no-shutdown)
		k "$n" '^statfs 0 [1-9][0-9]* [1-9]' > /dev/null &&
			k "$n" '^done$' > /dev/null &&
			! k "$n" '^dmesg .*(Shutting down|shut down)' > /dev/null && ok=1 ;;
	lost-logged)
		ok=1
		for f in f1 f2 f3 f4; do
			step_dmesg "$n" unbind |
				grep -q "device lost: data lost: ino $(hexino "$n" /mnt/r/rt/$f) offset 0 length 1048576$" ||
				ok=0
		done ;;
	offline-logged)
		step_dmesg "$n" unbind |
			grep -q 'removal of the realtime device: realtime section offline, 2 rtgroups marked sick, 4 file ranges lost' &&
			step_dmesg "$n" unbind |
			grep -q 'device lost: ag-headers of rtgroup 0 lost at daddr 0x0, 8 sectors, marked sick' &&
			ok=1 ;;
	rt-unlink)
		k "$n" '^rm-rt 0$' > /dev/null && ok=1 ;;
	create)
		k "$n" '^create 0$' > /dev/null && k "$n" '^sync 0$' > /dev/null && ok=1 ;;
	umount)
		k "$n" '^umount /mnt/r 0$' > /dev/null && ok=1 ;;
	no-warning)
		kdax_complained "$n" || ok=1 ;;
	esac
}
# shellcheck disable=SC2086
kdax_verdicts stock $checks
# shellcheck disable=SC2086
kdax_verdicts ours $checks

# The setup must be what the test claims, or it proves nothing.
k ours '^mkfs 0$' > /dev/null || pmf_fail "sid's mkfs.xfs failed in the guest"
k ours '^mkfs-out .*rmapbt=1' > /dev/null || pmf_fail "the filesystem has no rmapbt"
ngroups=$(k ours '^file /mnt/r/rt/f[1-4] ' | awk '{ print $NF }' | sort -u | wc -l)
echo "realtime files in $ngroups distinct rtgroups"
[ "$ngroups" = 2 ] || pmf_fail "the realtime files sit in $ngroups rtgroups, not 2"
k ours '^xflags /mnt/r/rt/f1 r' > /dev/null || pmf_fail "f1 is not a realtime file"
k ours '^dax rt dax 1$' > /dev/null || pmf_fail "the realtime files are not DAX (statx)"
k ours '^dax data dax 0$' > /dev/null || pmf_fail "the data device's files are DAX"
# What stock did at the unbind, for the record.
if [ "$t_stock" = hung ]; then
	echo "stock: the unbind hung (no return in ${KDAX_UNBIND_WAIT:-30} s), the guest was reset"
else
	echo "stock: the unbind returned; shutdown lines: $(k stock '^dmesg .*Shutting down' | wc -l)"
fi

# shellcheck disable=SC2086
kdax_finish kernel-rt-offline $checks
echo "ok"
