#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Log losses.  The part of the log in use comes from the log records; the
# oracle is xfsprogs' xfs_logprint (head, tail, clean or dirty).  A hit on
# unreplayed changes of a dirty log is fatal; any other log hit only needs
# the log reformatted.  An internal log is found through the rmapbt.
. "$PMF_SRC/tests/lib.sh"
pmf_require_root
XFS_LOGPRINT="$XFSPROGS_DIR/logprint/xfs_logprint"

# sim ARGS... : run simulate --json --bytes, keep the exit code in $simrc.
sim() {
	"$XFS_PMEM" simulate "$@" --json --bytes -o dev,start,length,owner,flags,effect > "$TMP/sim.json"
	simrc=$?
	[ $((simrc & ~7)) = 0 ] || pmf_fail "simulate $* exited $simrc"
}

# expect_log START LENGTH FLAGS EFFECT: the single record simulate printed.
expect_log() {
	"$PYTHON" - "$TMP/sim.json" "$@" <<'PY' || pmf_fail "unexpected log record: $(cat "$TMP/sim.json")"
import json, sys
imps = json.load(open(sys.argv[1]))["impacts"]
start, length, flags, effect = sys.argv[2:6]
assert len(imps) == 1, imps
i = imps[0]
got = (i["dev"], i["owner"], i["start"], i["length"], i["flags"] or "", i["effect"])
want = ("log", "log", int(start), int(length), flags, effect)
assert got == want, (got, want)
PY
}

# logprint IMG LOG: sets head, tail (log sectors) and state.
logstate() {
	local line
	line=$("$XFS_LOGPRINT" -t -l "$2" "$1" 2>&1 | grep 'log tail:') ||
		pmf_fail "xfs_logprint failed"
	tail=$(echo "$line" | sed -n 's/.*log tail: \([0-9]*\).*/\1/p')
	head=$(echo "$line" | sed -n 's/.*head: \([0-9]*\).*/\1/p')
	state=$(echo "$line" | sed -n 's/.*state: <\([A-Z]*\)>.*/\1/p')
	echo "logprint: tail $tail head $head state $state"
}

img="$TMP/fs.img" log="$TMP/fs.log"
pmf_mkfs "$img" 1G "$log" 80M -- -m rmapbt=1,reflink=1 -l size=64m
logbytes=$((64 << 20))

# 1. A clean log: nothing in it is lost, but its last record is in use.
pmf_mount "$img" "$TMP/mnt" "$log"
"$PYTHON" "$PMF_SRC/tests/populate.py" "$TMP/mnt" 1 > /dev/null
pmf_umount "$TMP/mnt"
logstate "$img" "$log"
[ "$state" = CLEAN ] || pmf_fail "log not clean after umount"
[ "$head" -gt 64 ] || pmf_fail "log head $head too close to the start for this test"

sim "$img" -l "$log" --device log --whole
expect_log 0 $logbytes live-log rebuildable
[ $simrc = 2 ] || pmf_fail "clean whole-log loss exited $simrc, expected 2"

sim "$img" -l "$log" --device log --offset $(((head + 4096) * 512)) --length 64k
expect_log $(((head + 4096) * 512)) 65536 "" rebuildable

sim "$img" -l "$log" --device log --offset $(((head - 1) * 512)) --length 512
expect_log $(((head - 1) * 512)) 512 live-log rebuildable

# The unused tail of the log device is nothing at all.
pmf_expect_exit 0 "$XFS_PMEM" simulate "$img" -l "$log" --device log --offset 70m --length 1m

# 2. A dirty log: shut down with changes only in the log.
pmf_mount "$img" "$TMP/mnt" "$log"
mkdir "$TMP/mnt/dirty"
for i in $(seq 1 200); do echo "$i" > "$TMP/mnt/dirty/f$i"; done
sync
"$XFS_IO" -x -c "shutdown -f" "$TMP/mnt" || pmf_fail "shutdown failed"
pmf_umount "$TMP/mnt"
logstate "$img" "$log"
[ "$state" = DIRTY ] || pmf_fail "log not dirty after shutdown"
[ "$tail" -lt "$head" ] || pmf_fail "log wrapped; tail $tail head $head"

sim "$img" -l "$log" --device log --offset $((tail * 512)) --length $(((head - tail) * 512))
expect_log $((tail * 512)) $(((head - tail) * 512)) live-log,dirty-log fatal
[ $simrc = 4 ] || pmf_fail "dirty live log loss exited $simrc, expected 4"
grep -q '"next_step": "xfs_repair -L' "$TMP/sim.json" ||
	pmf_fail "next step does not name xfs_repair -L"

sim "$img" -l "$log" --device log --offset $(((head + 8192) * 512)) --length 4k
expect_log $(((head + 8192) * 512)) 4096 dirty-log rebuildable
# Its changes are intact: replay them before reformatting the log.
grep -q '"next_step": "mount once so that the log replays' "$TMP/sim.json" ||
	pmf_fail "next step for an intact dirty log: $(grep next_step "$TMP/sim.json")"

# 3. An internal log: --device log offsets are log offsets, and the record
#    comes from the rmapbt on the data device.
pmf_mkfs "$TMP/int.img" 1G -- -m rmapbt=1
logstart=$("$XFS_DB" -r -c 'sb 0' -c 'print logstart' "$TMP/int.img" | sed 's/.* = //')
"$XFS_PMEM" simulate "$TMP/int.img" --device log --offset 8k --length 4k --json --bytes \
	-o dev,start,length,owner > "$TMP/int.json" || true
"$PYTHON" - "$TMP/int.json" $((logstart * 4096 + 8192)) <<'PY' || pmf_fail "internal log record wrong: $(cat "$TMP/int.json")"
import json, sys
imps = json.load(open(sys.argv[1]))["impacts"]
assert [(i["dev"], i["owner"], i["start"], i["length"]) for i in imps] == \
    [("data", "log", int(sys.argv[2]), 4096)], imps
PY
echo "log tests ok"
