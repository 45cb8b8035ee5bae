#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The online API from a consumer program (tests/lib-online.c): two online
# handles on one mount point, a query that finds a file by its first
# block, pmf_open_inode, the offline-only calls refused, and then still
# one offline open of another filesystem (online does not use up libxfs).
. "$PMF_SRC/tests/lib.sh"
pmf_require_root

lib="$PMF_BUILD/libpmemfail/.libs/libpmemfail.so"
cflags="$(sed -n 's/^CFLAGS = //p' "$PMF_BUILD/Makefile") $(sed -n 's/^PMF_SAN_FLAGS = //p' "$PMF_BUILD/Makefile")"
# shellcheck disable=SC2086
cc $cflags -Wall -Wextra -Werror -I"$PMF_SRC/include" "$PMF_SRC/tests/lib-online.c" \
	-L"$(dirname "$lib")" -lpmemfail -Wl,-rpath,"$(dirname "$lib")" \
	-o "$TMP/lib-online" || pmf_fail "cannot build against libpmemfail"

pmf_mkfs "$TMP/a.img" 600M -- -m rmapbt=1,reflink=1 -n parent=1
pmf_mkfs "$TMP/b.img" 600M -- -m rmapbt=1
pmf_mount "$TMP/a.img" "$TMP/mnt"
mkdir -p "$TMP/mnt/dir/sub"
"$XFS_IO" -f -c "pwrite -q 0 64k" -c fsync "$TMP/mnt/dir/sub/file" ||
	pmf_fail "cannot write a file"
phys=$("$XFS_IO" -r -c bmap "$TMP/mnt/dir/sub/file" |
	sed -n 's/^[[:space:]]*0: \[0\.\.[0-9]*\]: \([0-9]*\)\.\..*/\1/p')
[ -n "$phys" ] || pmf_fail "no extent"
"$TMP/lib-online" "$TMP/mnt" "$TMP/mnt/dir/sub/file" "$TMP/b.img" $((phys * 512)) ||
	pmf_fail "lib-online failed"
pmf_umount "$TMP/mnt"
