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
#   - unmount, with no kernel warning;
#   - on a second filesystem whose realtime device (a second pmem) has no
#     rtgroups, hence no realtime rmap btree, shut down at that unbind.
# Then (a build on libxfs >= 6.14 only) xfs_pmem repair --device rt --whole
# with a blank replacement: xfs_repair -n clean, the realtime files in the
# manifest and trusted.pmemfail.lost, and a third boot mounts it: the data
# files unchanged, the realtime files holes, a new realtime file written.
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
	rm -f "$TMP/data-$1.img" "$TMP/nogroups-$1.img"
	truncate -s 512m "$TMP/data-$1.img"
	truncate -s 512m "$TMP/nogroups-$1.img"
	kdax_boot kernel-rt-offline "$1" --pmem 512 --pmem 64 --disk "$TMP/data-$1.img" \
		--disk "$TMP/nogroups-$1.img" "${@:2}"
}
boot stock
boot ours --xfs-ko "$kdax_ko"

checks="unbind-returns rt-sigbus data-live data-read data-write rt-read-eio
rt-write-eio rt-alloc-enospc no-shutdown lost-logged offline-logged rt-unlink
create umount nogroups-shutdown no-warning"
kdax_check() {
	local n=$1 c=$2 f
	case $c in
	unbind-returns)
		kdax_unbind_time "$n" ;;
	rt-sigbus)
		ok=1
		for f in f1 f2; do
			kdax_sigbused "$n" "u_$f" || ok=0
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
		# Up to the filesystem without rtgroups, which must go down.
		k "$n" '^statfs 0 [1-9][0-9]* [1-9]' > /dev/null &&
			k "$n" '^done$' > /dev/null &&
			! sed '/^step nogroups/,$d' "$TMP/$n.kdax" |
				grep -qE '^dmesg .*(Shutting down|shut down)' && ok=1 ;;
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
		# The sick rtgroups are what unmount reports.
		k "$n" '^umount /mnt/r 0$' > /dev/null &&
			k "$n" '^dmesg .*Uncorrected metadata errors detected' > /dev/null &&
			ok=1 ;;
	nogroups-shutdown)
		# No rtgroups: nothing names the lost files, so it goes down
		# (doc/kernel.md), and the mapper is still revoked.
		step_dmesg "$n" nogroups | grep -q 'Shutting down' &&
			k "$n" '^nogroups-write .*Input/output error' > /dev/null &&
			kdax_sigbused "$n" n_g1 &&
			k "$n" '^umount /mnt/n 0$' > /dev/null && ok=1 ;;
	no-warning)
		kdax_complained "$n" || ok=1 ;;
	esac
}
# shellcheck disable=SC2086
kdax_verdicts stock $checks
# shellcheck disable=SC2086
kdax_verdicts ours $checks

# The setup must be what the test claims, or it proves nothing.
kdax_rt_setup 'f[1-4]' f1
# What stock did at the unbind, for the record.
if [ "$t_stock" = hung ]; then
	echo "stock: the unbind hung (no return in ${KDAX_UNBIND_WAIT:-30} s), the guest was reset"
else
	echo "stock: the unbind returned; shutdown lines: $(k stock '^dmesg .*Shutting down' | wc -l)"
fi

# shellcheck disable=SC2086
kdax_finish kernel-rt-offline $checks

# --- the repair half: a blank replacement realtime device -------------------
# xfs_pmem repair --device rt --whole with it, xfs_repair -n, then a third
# boot mounts the repaired filesystem.  libxfs before 6.14 cannot open a
# filesystem with realtime rmap btrees: the CI build (6.13) stops here.
if ! grep -q '^#define HAVE_LIBXFS_RTRMAP 1' "$PMF_BUILD/config.h"; then
	echo "repair half: not run: needs a build on a libxfs with realtime rmap btrees (xfsprogs >= 6.14; configure --with-xfsprogs=DIR); this one is $(sed -n 's/^#define XFSPROGS_VERSION "\(.*\)"/\1/p' "$PMF_BUILD/config.h")"
	echo "ok"
	exit 0
fi
img=$TMP/data-ours.img
newrt=$TMP/newrt.img
truncate -s 512m "$newrt"
"$XFS_PMEM" repair "$img" -r "$newrt" --device rt --whole --apply \
	--undo "$TMP/undo" --manifest "$TMP/manifest.json" > "$TMP/repair.out" 2>&1
rc=$?
cat "$TMP/repair.out"
[ $rc = 1 ] || pmf_fail "repair --device rt --whole --apply: exit $rc, not 1"
"$XFS_REPAIR" -n -r "$newrt" "$img" > "$TMP/repair-n.out" 2>&1 ||
	pmf_fail "xfs_repair -n is not clean after the repair: $(tail -n 5 "$TMP/repair-n.out")"
echo "xfs_repair -n: clean"
# The manifest lists each surviving realtime file (f4 was unlinked) whole,
# and trusted.pmemfail.lost of each says the same.
want=()
for f in f1 f2 f3; do
	want+=("$(k ours "^file /mnt/r/rt/$f ino " | awk '{ print $4 }')")
done
"$PYTHON" - "$TMP/manifest.json" "${want[@]}" <<'PY' || pmf_fail "the manifest does not list the realtime files"
import json, sys
man = json.load(open(sys.argv[1]))
want = {(int(i), 0, 1048576) for i in sys.argv[2:]}
got = {(f["inode"], f["foffset"], f["length"]) for f in man["files"]}
if got != want:
    sys.exit("FAIL: manifest files %s, want %s" % (sorted(got), sorted(want)))
if man["repair"][0]["bytes_quarantined"] != 0:
    sys.exit("FAIL: %d bytes quarantined" % man["repair"][0]["bytes_quarantined"])
print("manifest: %d realtime files lost whole, nothing quarantined" % len(got))
PY
for f in f1 f2 f3; do
	"$XFS_DB" -x -r "$img" -c "path /rt/$f" -c 'attr_get -r pmemfail.lost' \
		> "$TMP/attr.$f" 2>&1
	[ "$(cat "$TMP/attr.$f")" = "0 1048576" ] ||
		pmf_fail "trusted.pmemfail.lost of /rt/$f: $(head -n 3 "$TMP/attr.$f")"
done
echo "trusted.pmemfail.lost: 0 1048576 on f1, f2, f3"

cp "$PMF_SRC/tests/kernel/rt-offline-check-job.sh" "$TMP/job/job.sh"
kdax_boot kernel-rt-offline check --xfs-ko "$kdax_ko" --disk "$img" --disk "$newrt"
# shellcheck disable=SC2154 # kdax_boot sets rc_NAME
[ "$rc_check" = 0 ] || pmf_fail "the check boot did not finish (exit $rc_check)"
k check '^mount 0$' > /dev/null || pmf_fail "the repaired filesystem does not mount with the new rt device"
for f in d1 d2; do
	[ "$(k check "^sum $f " | awk '{ print $3 }')" = "$(k ours "^sum $f " | awk '{ print $3 }')" ] ||
		pmf_fail "data file $f changed"
done
[ "$(k check '^sum new ' | awk '{ print $3 }')" = "$(k ours '^newsum new ' | awk '{ print $3 }')" ] ||
	pmf_fail "the file written after the unbind changed"
zero=$(head -c 1048576 /dev/zero | md5sum | cut -d' ' -f1)
for f in f1 f2 f3; do
	[ "$(k check "^rtsum $f " | awk '{ print $3 }')" = "$zero" ] ||
		pmf_fail "realtime file $f does not read as a hole: $(k check "^rtsum $f ")"
done
k check '^rt-write 0 .*r' > /dev/null || pmf_fail "a new realtime file cannot be written on the replacement"
k check '^umount /mnt/r 0$' > /dev/null || pmf_fail "umount after the repair failed"
echo "repair: data files d1, d2, new unchanged; f1, f2, f3 read as holes; a new rt file written; umount"
echo "ok"
