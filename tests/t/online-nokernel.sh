#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# repair --online and watch on a kernel that lacks what they need, and on
# bad input.  Whether the host kernel has online scrub and the health
# monitor is asked of the kernel itself, not of our code: xfsprogs' xfs_io
# 'scrub probe', and the XFS_IOC_HEALTH_MONITOR ioctl issued from Python.
# Where the kernel lacks one, the command must say so in one line that
# names the offline way (repair) or the missing monitor (watch), and exit
# 8; bad command lines exit 16, a path that is no XFS mount point 8.
# (The guest tests online-repair-guest and watch-guest cover the kernels
# that have them.)
. "$PMF_SRC/tests/lib.sh"
pmf_require_root

img=$TMP/fs.img
TEST_DIR=$TMP TEST_DEV=$img QA_CHECK_FS=1 \
	pmf_mkfs "$img" 96m -- -m rmapbt=1,reflink=1 -n parent=1
pmf_mount "$img" "$TMP/mnt"
mkdir "$TMP/mnt/sub"
mnt=$TMP/mnt
range=(--device data --offset 0 --length 64k)

lines() { [ "$(wc -l < "$TMP/err")" = 1 ] || pmf_fail "not one stderr line: $(cat "$TMP/err")"; }

scrub=$("$XFS_IO" -c 'scrub probe' "$mnt" 2>&1)
if [[ $scrub == *"Inappropriate ioctl"* ]]; then
	pmf_expect_exit 8 "$XFS_PMEM" repair --online "$mnt" "${range[@]}"
	lines
	grep -q "no online scrub.*offline 'xfs_pmem repair" "$TMP/err" ||
		pmf_fail "repair --online: no word of the offline repair: $(cat "$TMP/err")"
	pmf_expect_exit 8 "$XFS_PMEM" repair --online "$mnt" "${range[@]}" --check
	echo "no online scrub here: repair --online says so, exit 8"
else
	echo "this kernel has online scrub ($scrub): the guest test covers it"
fi

# XFS_IOC_HEALTH_MONITOR = _IOW('X', 68, struct xfs_health_monitor (32 bytes))
hm=$("$PYTHON" - "$mnt" <<'PY'
import errno, fcntl, os, sys
fd = os.open(sys.argv[1], os.O_RDONLY)
try:
    # A NULL argument: a kernel with the ioctl answers EFAULT, one without ENOTTY.
    fcntl.ioctl(fd, 0x40205844, 0)
    print("yes")
except OSError as e:
    print(errno.errorcode.get(e.errno, e.errno))
PY
)
if [ "$hm" = ENOTTY ]; then
	pmf_expect_exit 8 "$XFS_PMEM" watch "$mnt"
	lines
	grep -q "no XFS health monitor" "$TMP/err" ||
		pmf_fail "watch: no word of the missing monitor: $(cat "$TMP/err")"
	[ -s "$TMP/out" ] && pmf_fail "watch wrote to stdout without a monitor: $(cat "$TMP/out")"
	echo "no health monitor here: watch says so, exit 8"
else
	echo "this kernel answers XFS_IOC_HEALTH_MONITOR with $hm: the guest test covers it"
fi

# Bad input, whatever the kernel.
for args in "repair --online $mnt" \
	    "repair --online $mnt --device data" \
	    "repair --online $mnt --device log --offset 0 --length 4k" \
	    "repair --online $mnt --device bogus --offset 0 --length 4k" \
	    "repair --online $mnt --device data --offset 0 --length 4k --whole" \
	    "repair --online --device data --offset 0 --length 4k" \
	    "repair --online $mnt --device data --offset 0 --length 4k --bogus" \
	    "watch" "watch $mnt $mnt" "watch $mnt --count x" "watch $mnt --timeout -1" \
	    "watch $mnt --kill $mnt" "watch $mnt --bogus" "watch $mnt --repair --count 0x1"; do
	# shellcheck disable=SC2086
	pmf_expect_exit 16 "$XFS_PMEM" $args
	lines
done
for target in "$img" "$TMP/nonexistent" "$mnt/sub" "$TMP"; do
	pmf_expect_exit 8 "$XFS_PMEM" repair --online "$target" "${range[@]}"
	lines
	pmf_expect_exit 8 "$XFS_PMEM" watch "$target"
	lines
done
echo "bad input: one line, exit 16; no XFS mount point: one line, exit 8"
pmf_umount "$mnt"
