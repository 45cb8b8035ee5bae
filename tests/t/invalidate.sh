#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# xfs_pmem invalidate on a loop-mounted XFS (no DAX): processes mapping
# overlapping and non-overlapping windows of the same file and of another
# file, and one with the file open but not mapped.  Exactly the mappers of
# the lost range are reported, and with --kill die of SIGBUS; the lost
# range leaves the page cache, so a re-read sees the device
# (tests/invalidate-check.py).
. "$PMF_SRC/tests/lib.sh"
pmf_require_root

pmf_mkfs "$TMP/fs.img" 600M -- -m rmapbt=1,reflink=1
pmf_mount "$TMP/fs.img" "$TMP/mnt"
"$PYTHON" "$PMF_SRC/tests/invalidate-check.py" --xfs-pmem "$XFS_PMEM" \
	--xfs-io "$XFS_IO" "$TMP/mnt" "$PMF_DATADEV" || pmf_fail "invalidate"
pmf_umount "$TMP/mnt"
