#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The bad inputs that need root (doc/bad-input.md): a filesystem mounted
# read-write while offline analysis is asked for, a read-only mount, an
# image that cannot be written when repair --apply is asked for, and a
# repair killed halfway (what is left, and how undo puts it back).  One
# line on stderr and the documented exit code; nothing written.
. "$PMF_SRC/tests/lib.sh"
pmf_require_root

img="$TMP/fs.img" log="$TMP/fs.log"
pmf_mkfs "$img" 600M "$log" 80M -- -m rmapbt=1,reflink=1
pmf_mount "$img" "$TMP/mnt" "$log"
"$PYTHON" "$PMF_SRC/tests/fuzz/populate.py" "$TMP/mnt" > /dev/null || pmf_fail "populate failed"
sync

# Mounted read-write: info and simulate answer through the mount point
# (the online engine); every command that must read the devices refuses,
# by image or device.
rw="is mounted read-write on $TMP/mnt; unmount it or query the mount point"
for dev in "$img" "$PMF_DATADEV"; do
	pmf_expect_exit 0 "$XFS_PMEM" info "$dev" -l "$log"
	pmf_expect_exit 0 "$XFS_PMEM" simulate "$dev" -l "$log" --device data --offset 310m --length 4k
	pmf_bad 8 "$dev $rw" "$XFS_PMEM" verify "$dev" -l "$log" --device data --offset 0 --length 1m
	pmf_bad 8 "$dev $rw" "$XFS_PMEM" repair "$dev" -l "$log" --device data --offset 0 --length 1m
	pmf_bad 8 "$dev is mounted on $TMP/mnt; unmount it first" \
		"$XFS_PMEM" inject "$dev" -l "$log" --device data --offset 310m --length 4k --yes
done
pmf_umount "$TMP/mnt"

# Mounted read-only: analysis works; what writes refuses, before its plan.
mkdir -p "$TMP/ro"
pmf_loop "$img"; d=$PMF_LOOP
pmf_loop "$log"; l=$PMF_LOOP
mount -o ro,logdev="$l" "$d" "$TMP/ro" || pmf_fail "read-only mount failed"
_pmf_mounts+=("$TMP/ro")
pmf_expect_exit 0 "$XFS_PMEM" simulate "$img" -l "$log" --device data --offset 310m --length 4k
echo "ok: simulate on a read-only mount"
pmf_bad 8 "fs.img is mounted on $TMP/ro; unmount it first" \
	"$XFS_PMEM" repair "$img" -l "$log" --device data --offset 310m --length 4k --apply
pmf_bad 8 "fs.img is mounted on $TMP/ro; unmount it first" \
	"$XFS_PMEM" inject "$img" -l "$log" --device data --offset 310m --length 4k --yes
[ ! -s "$TMP/out" ] || pmf_fail "repair printed a plan for a mounted filesystem"
pmf_umount "$TMP/ro"

# Not writable (immutable: even root cannot open it for writing): repair
# --apply refuses before its plan and makes no undo file.
before=$(pmf_sha "$img" "$log")
trap 'chattr -i "$img" "$log" 2>/dev/null; pmf_cleanup' EXIT
chattr +i "$img" 2>/dev/null || pmf_skip "chattr +i not supported on $TMP"
pmf_bad 8 "data device $img is not writable: Operation not permitted" \
	"$XFS_PMEM" repair "$img" -l "$log" --device data --offset 310m --length 4k --apply \
	--undo "$TMP/u1" --manifest "$TMP/m1.json"
chattr -i "$img"
chattr +i "$log"
pmf_bad 8 "log device $log is not writable: Operation not permitted" \
	"$XFS_PMEM" repair "$img" -l "$log" --device data --offset 310m --length 4k --apply \
	--undo "$TMP/u1" --manifest "$TMP/m1.json"
chattr -i "$log"
[ ! -e "$TMP/u1" ] || pmf_fail "a refused repair made an undo file"
[ "$(pmf_sha "$img" "$log")" = "$before" ] || pmf_fail "a refused repair changed the images"
# Without --apply nothing is written, so an immutable image is fine.
chattr +i "$img" "$log"
pmf_expect_exit 0 "$XFS_PMEM" repair "$img" -l "$log" --device data --offset 0 --length 64k
echo "ok: repair without --apply on an immutable image: the plan, exit 0"
chattr -i "$img" "$log"

# Interrupted: the repair is killed (SIGKILL) after its third write.  It
# says so, exit 12, and names the undo; undo gives back every byte.
"$XFS_PMEM" inject "$img" -l "$log" --device data --offset 16k --length 32k \
	--mode random --seed 9 --yes > /dev/null || pmf_fail "inject failed"
damaged=$(pmf_sha "$img" "$log")
PMF_UNDO_KILL_AFTER=3 "$XFS_PMEM" repair "$img" -l "$log" --device data --offset 16k \
	--length 32k --apply --zap-log --undo "$TMP/u2" --manifest "$TMP/m2.json" \
	> "$TMP/out" 2> "$TMP/err"
rc=$?
[ $rc = 12 ] || pmf_fail "killed repair exited $rc, expected 12: $(tail -3 "$TMP/err")"
# Killed in xfs_repair (its exit status, 128 + 9) or in our own data step.
grep -qE "^xfs_pmem: repair: (a repair step was killed by signal 9|.*xfs_repair failed \(exit 137)" "$TMP/err" ||
	pmf_fail "killed repair: no line saying it was killed: $(cat "$TMP/err")"
grep -q "undo with: xfs_pmem undo $TMP/u2 --yes" "$TMP/err" ||
	pmf_fail "killed repair does not name its undo file: $(cat "$TMP/err")"
echo "ok: killed repair -> exit 12: $(grep -v '^ ' "$TMP/err" | grep '^xfs_pmem' | tr '\n' ' ')"
[ "$(pmf_sha "$img" "$log")" != "$damaged" ] || pmf_fail "the killed repair wrote nothing"
"$XFS_PMEM" undo "$TMP/u2" --dry-run > "$TMP/dry" || pmf_fail "undo --dry-run failed"
"$XFS_PMEM" undo "$TMP/u2" --yes > "$TMP/undo.out" || pmf_fail "undo failed"
[ "$(pmf_sha "$img" "$log")" = "$damaged" ] ||
	pmf_fail "undo of the killed repair did not give back the damaged images"
echo "ok: undo put back every byte: $(cat "$TMP/undo.out")"
