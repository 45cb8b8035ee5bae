#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The three findings of the whole-image fuzz campaign (issue 21), each on a
# populated image (tests/fuzz/sweep-mkimg) damaged by xfs_db's own fuzz
# command exactly as it was found:
#  1. an inode btree root that fails its verifier (numrecs all ones): verify
#     went on, and the next inode chunk of the AG walked the cached, unverified
#     block's 65535 keys (SEGV).  Now every chunk of that AG is unresolved.
#  2. a superblock UUID that is not the log's: libxlog printed on stdout and
#     copied the log's UUID into the superblock.  Now a clear refusal.
#  3. a superblock whose log does not fit (logstart all ones, logblocks at
#     random) or whose CRC is bad: taken, and "nothing lost" answered for the
#     log.  Now refused, except by verify for the CRC (it reports it).
#  4. (found by the field sweep) a superblock field libxfs's verifier bounds
#     (dirblklog): verify read past its buffer.  Now refused.
#  5. (found by the whole sweep, seed 20261206) dirblklog one more, which
#     libxfs's verifier allows: directory blocks of two filesystem blocks
#     over directories of one.  verify read the second block past its
#     buffer (SEGV; repair's query child too).  Now each directory's row is
#     corrupt: its block is not mapped whole.
. "$PMF_SRC/tests/lib.sh"
pmf_require_root

"$PMF_SRC/tests/fuzz/sweep-mkimg" "$XFSPROGS_DIR" a "$TMP/a.img" > "$TMP/mkimg.log" 2>&1 ||
	pmf_fail "sweep-mkimg failed: $(tail -3 "$TMP/mkimg.log")"
sbval() { "$XFS_DB" -r -c 'sb 0' -c "print $2" "$1" | sed 's/.* = //'; }
bs=$(sbval "$TMP/a.img" blocksize)
agbytes=$(( $(sbval "$TMP/a.img" agblocks) * bs ))

# fuzzed NAME XFS_DB-COMMANDS...: a copy of the image, damaged.
fuzzed() {
	local img=$TMP/$1.img c
	shift
	cp --sparse=always "$TMP/a.img" "$img"
	for c in "$@"; do set -- "$@" -c "$c"; shift; done
	"$XFS_DB" -x "$@" "$img" > /dev/null 2>&1 || pmf_fail "xfs_db $* failed"
	echo "$img"
}

# refused CODE PATTERN CMD...: pmf_bad, and nothing at all on stdout.
refused() {
	pmf_bad "$@"
	[ -s "$TMP/out" ] && pmf_fail "'${*:3}' printed on stdout: $(head -c 200 "$TMP/out")"
	return 0
}

# 1. The inode btree root of AG 3 fails its verifier.
img=$(fuzzed agi 'agi 3' 'addr root' 'fuzz -d numrecs ones')
sum=$(pmf_sha "$img")
"$XFS_PMEM" verify "$img" --device data --offset $((3 * agbytes)) --length "$agbytes" \
	--json > "$TMP/v.json" 2> "$TMP/v.err"
rc=$?
echo "verify over AG 3 with a corrupt inobt root: exit $rc"
[ $rc -lt 8 ] || pmf_fail "verify exited $rc: $(tail -3 "$TMP/v.err")"
"$PYTHON" - "$TMP/v.json" <<'PY' || pmf_fail "verify's answer: $(head -c 600 "$TMP/v.json")"
import json, sys
rows = json.load(open(sys.argv[1]))["impacts"]
chunks = [r for r in rows if r["owner"] == "inodes"]
bad = [r for r in chunks if "cannot walk the inode btree" in (r.get("detail") or "")]
print("inode chunk rows %d, unresolved for the inobt %d" % (len(chunks), len(bad)))
# Every chunk of the AG needs the inobt to list its inodes: none may be
# answered as if it had been read.
assert len(chunks) >= 2 and len(bad) == len(chunks), rows
PY
pmf_expect_exit 8 "$XFS_PMEM" simulate "$img" --device data --offset $((3 * agbytes)) --length "$agbytes" --json
[ -s "$TMP/out" ] && pmf_fail "simulate's error exit printed on stdout"
[ "$(pmf_sha "$img")" = "$sum" ] || pmf_fail "the image changed"

# 2. The superblock's UUID is not the log's.
img=$(fuzzed uuid 'sb 0' 'fuzz -d uuid ones')
refused 8 "corrupt superblock (uuid ffffffff-ffff-ffff-ffff-ffffffffffff is not its log's" \
	"$XFS_PMEM" info "$img" --json
refused 8 "uuid .* is not its log's" "$XFS_PMEM" simulate "$img" --device data --whole --json
refused 8 "uuid .* is not its log's" "$XFS_PMEM" verify "$img" --device data --offset 0 --length 64k --json

# 3. A log that does not fit the device, and a bad superblock CRC.
img=$(fuzzed logstart 'sb 0' 'fuzz -d logstart ones')
for cmd in info "simulate --device log --offset 0 --length 4k" \
	   "verify --device data --offset 0 --length 4k"; do
	# shellcheck disable=SC2086
	refused 8 "corrupt superblock (internal log at block 18446744073709551615+[0-9]* is outside" \
		"$XFS_PMEM" $cmd "$img"
done
img=$(fuzzed logblocks 'sb 0' 'fuzz -d logblocks random')
echo "random logblocks: $(sbval "$img" logblocks)"
for cmd in info "simulate --device log --offset 0 --length 4k"; do
	# shellcheck disable=SC2086
	refused 8 "corrupt superblock (.*log" "$XFS_PMEM" $cmd "$img"
done
# 4. A field libxfs's superblock verifier bounds and the mount does not check
# (the field sweep, seed 2151: dirblklog 8 more, directory blocks of 2^149
# bytes): verify's leaf check read far past its buffer (SEGV).
img=$(fuzzed dirblklog 'sb 0' 'write -d dirblklog 137')
for cmd in info "simulate --device data --offset 0 --length 16m" \
	   "verify --device data --offset 0 --length 16m"; do
	# shellcheck disable=SC2086
	refused 8 "corrupt superblock (libxfs's superblock verifier refuses it)" \
		"$XFS_PMEM" $cmd "$img" --json
done

img=$(fuzzed crc 'sb 0' 'fuzz -c crc ones')
for cmd in info "simulate --device log --offset 0 --length 4k"; do
	# shellcheck disable=SC2086
	refused 8 "corrupt superblock (CRC mismatch)" "$XFS_PMEM" $cmd "$img"
done
# verify takes it: the superblock is what it reports.
pmf_expect_exit 4 "$XFS_PMEM" verify "$img" --device data --offset 0 --length 4k --json
grep -q 'superblock of AG 0: CRC mismatch' "$TMP/out" || pmf_fail "verify does not report the CRC: $(cat "$TMP/out")"
echo "ok: verify reports the superblock's bad CRC"

# 5. A directory block size the verifier allows, but not the directories'.
img=$(fuzzed dirblklog1 'sb 0' 'fuzz -d dirblklog lastbit')
echo "dirblklog lastbit: $(sbval "$img" dirblklog)"
sum=$(pmf_sha "$img")
"$XFS_PMEM" verify "$img" --device data --offset 0 --length "$agbytes" --json \
	> "$TMP/v.json" 2> "$TMP/v.err"
rc=$?
echo "verify over AG 0: exit $rc"
[ $rc -lt 8 ] || pmf_fail "verify exited $rc: $(tail -3 "$TMP/v.err")"
"$PYTHON" - "$TMP/v.json" <<'PY' || pmf_fail "verify's answer: $(head -c 600 "$TMP/v.json")"
import json, sys
rows = json.load(open(sys.argv[1]))["impacts"]
root = [r for r in rows if r["owner"] == "data" and r.get("path") == ["/"]]
print("root directory rows:", [(r["check"], r["detail"]) for r in root])
assert root and all(r["check"] == "corrupt" and "not mapped whole" in r["detail"]
                    for r in root), root
PY
"$XFS_PMEM" repair "$img" --device data --offset 0 --length "$agbytes" \
	> "$TMP/r.out" 2> "$TMP/r.err"
rc=$?
echo "repair without --apply: exit $rc"
grep -q "killed by signal" "$TMP/r.err" && pmf_fail "repair: $(cat "$TMP/r.err")"
[ $rc -lt 128 ] || pmf_fail "repair exited $rc"
[ "$(pmf_sha "$img")" = "$sum" ] || pmf_fail "the image changed"
