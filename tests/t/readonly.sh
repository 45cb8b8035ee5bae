#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Analysis never writes.  The images are made read-only (mode 0444) and
# immutable (chattr +i: even root cannot open them for writing), every
# analysis command (info, simulate, verify, repair without --apply, our
# xfs_db's commands) still works, strace shows no open for writing, and the
# images are byte-identical afterwards.
. "$PMF_SRC/tests/lib.sh"
pmf_require_root
command -v strace > /dev/null || pmf_skip "strace is not installed"

img="$TMP/fs.img" log="$TMP/fs.log"
pmf_mkfs "$img" 700M "$log" 80M -- -m rmapbt=1,reflink=1 -n parent=1
pmf_mount "$img" "$TMP/mnt" "$log"
"$PYTHON" "$PMF_SRC/tests/populate.py" "$TMP/mnt" 7 > /dev/null || pmf_fail "populate failed"
pmf_umount "$TMP/mnt"

before=$(pmf_sha "$img" "$log")
chmod 0444 "$img" "$log"
chattr +i "$img" "$log" 2>/dev/null || pmf_skip "chattr +i not supported on $TMP"
# Whatever happens, leave the files removable.
trap 'chattr -i "$img" "$log" 2>/dev/null; pmf_cleanup' EXIT

run() {
	strace -f -qq -e trace=open,openat,openat2 -o "$TMP/strace" "$@" > /dev/null 2> "$TMP/err"
	local rc=$?
	[ $((rc & ~7)) = 0 ] || pmf_fail "'$*' exited $rc: $(head -c 300 "$TMP/err")"
	if grep -E "(fs\.img|fs\.log)\"" "$TMP/strace" | grep -qE "O_RDWR|O_WRONLY|O_CREAT|O_TRUNC"; then
		pmf_fail "'$*' opened an image for writing: $(grep -E 'fs\.(img|log)' "$TMP/strace" | head -3)"
	fi
	echo "ok: $*"
}

run "$XFS_PMEM" info "$img" -l "$log" --json
run "$XFS_PMEM" simulate "$img" -l "$log" --device data --whole --json
run "$XFS_PMEM" simulate "$img" -l "$log" --device data --offset 0 --length 64m --scan
run "$XFS_PMEM" simulate "$img" -l "$log" --device log --whole
# verify reads back every block the prediction names and sweeps the AGs:
# still read-only.  So is repair's plan (no --apply).
run "$XFS_PMEM" verify "$img" -l "$log" --device data --whole --json
run "$XFS_PMEM" verify "$img" -l "$log" --device data --offset 0 --length 64m --scan
run "$XFS_PMEM" verify "$img" -l "$log" --device log --whole
run "$XFS_PMEM" repair "$img" -l "$log" --device data --offset 0 --length 64m
run "$PMF_XFS_DB" -r -l "$log" -c pmfinfo -c 'failmap -d 0 131072' -c 'failmap -l 0 1024' "$img"

after=$(pmf_sha "$img" "$log")
[ "$before" = "$after" ] || pmf_fail "images changed: $before -> $after"
echo "images unchanged"
