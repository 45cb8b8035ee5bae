#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Filesystems that sid's mkfs.xfs 7.2 makes and an older libxfs cannot
# mount (tests/guest/xfsprogs-sid-fetch): realtime rmap, realtime rmap with
# reflink, and a zoned realtime section.  A build whose libxfs lacks what
# the filesystem needs (configure's feature checks; the CI build is 6.13)
# must say so in one line of its own, naming the xfsprogs needed, exit 8
# and print none of libxfs's messages -- for every command that opens the
# filesystem offline.  A build that has it must open the rtrmap ones
# without a word on stderr.  Nothing may write to the images.
. "$PMF_SRC/tests/lib.sh"

sid=$("$PMF_SRC/tests/guest/xfsprogs-sid-fetch") ||
	pmf_fail "tests/guest/xfsprogs-sid-fetch failed"
cd "$TMP"
truncate -s 512M rm.data rl.data
truncate -s 256M rm.rt rl.rt
truncate -s 2G zoned.data
"$sid/mkfs.xfs" -q -m rmapbt=1,reflink=0 -r rtdev=rm.rt,rgcount=2 rm.data ||
	pmf_fail "mkfs 7.2 rtrmap"
"$sid/mkfs.xfs" -q -m rmapbt=1,reflink=1 -r rtdev=rl.rt rl.data ||
	pmf_fail "mkfs 7.2 rtrmap + reflink"
"$sid/mkfs.xfs" -q -r zoned=1 zoned.data || pmf_fail "mkfs 7.2 zoned"
before=$(pmf_sha rm.data rm.rt rl.data rl.rt zoned.data)

# Every command that opens offline, on the devices of one filesystem.
each_command() {
	local code=$1 pattern=$2
	shift 2
	pmf_bad "$code" "$pattern" "$XFS_PMEM" info "$@"
	pmf_bad "$code" "$pattern" "$XFS_PMEM" simulate "$@" --device data --whole
	pmf_bad "$code" "$pattern" "$XFS_PMEM" verify "$@" --device data --whole
	pmf_bad "$code" "$pattern" "$XFS_PMEM" repair "$@" --device data \
		--offset 0 --length 4096
}

if grep -q '^#define HAVE_LIBXFS_RTRMAP 1' "$PMF_BUILD/config.h"; then
	echo "this build's libxfs has realtime rmap"
	for fs in "rm.data -r rm.rt" "rl.data -r rl.rt"; do
		# shellcheck disable=SC2086
		pmf_expect_exit 0 "$XFS_PMEM" info $fs
		[ -s "$TMP/err" ] && pmf_fail "info $fs printed: $(cat "$TMP/err")"
		echo "ok: info $fs opens quietly"
	done
	each_command 8 "zoned.data: has a zoned realtime device, which pmemfail does not analyse yet" \
		zoned.data
else
	echo "this build's libxfs predates realtime rmap"
	each_command 8 "rm.data: needs xfsprogs >= 6.14 (realtime rmap); this build's libxfs is xfsprogs [0-9.]*$" \
		rm.data -r rm.rt
	# The realtime device need not be named for the answer.
	each_command 8 "rl.data: needs xfsprogs >= 6.14 (realtime rmap)" rl.data
	each_command 8 "zoned.data: needs xfsprogs >= 6.15 (zoned realtime)" zoned.data
fi

[ "$before" = "$(pmf_sha rm.data rm.rt rl.data rl.rt zoned.data)" ] ||
	pmf_fail "the images changed"
echo "images unchanged"
