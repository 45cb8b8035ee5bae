#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# xfs_pmem verify after real damage.  The damaged blocks are located by
# xfsprogs' xfs_db (the inobt root from the AGI, the AGF at its fixed
# sector), damaged with xfs_pmem inject, and xfsprogs' xfs_repair -n must
# agree that they are damaged.  Then verify must:
#   - call both intact before the damage (exit 0), and the data it read
#     "readable";
#   - call a spare AGFL block that holds a stale btree block a spare, not
#     corrupt;
#   - flag the flipped inobt block "corrupt" in the row the prediction
#     (simulate) lists as an inobt hit, exit bit 2;
#   - flag the zeroed AGF of AG 1 "corrupt", exit bit 4, even though the
#     prediction for that AG cannot be made without it;
#   - report the corrupt inobt block as damage the prediction does not
#     show when asked about a range elsewhere in AG 0;
#   - never write: the image is byte-identical after every verify.
. "$PMF_SRC/tests/lib.sh"
pmf_require_root

img=$TMP/fs.img
pmf_mkfs "$img" 512m -- -m rmapbt=1,reflink=1 -n parent=1
pmf_mount "$img" "$TMP/mnt"
mkdir "$TMP/mnt/dir"
for i in $(seq 1 200); do
	echo "file $i" > "$TMP/mnt/dir/f$i"
done
"$XFS_IO" -f -c 'pwrite -S 0x5a 0 1m' -c fsync "$TMP/mnt/big" > /dev/null
pmf_umount "$TMP/mnt"

bs=$("$XFS_DB" -r -c 'sb 0' -c 'print blocksize' "$img" | awk '{print $3}')
agblocks=$("$XFS_DB" -r -c 'sb 0' -c 'print agblocks' "$img" | awk '{print $3}')
inoroot=$("$XFS_DB" -r -c 'agi 0' -c 'print root' "$img" | awk '{print $3}')
[ -n "$inoroot" ] && [ "$inoroot" -gt 0 ] || pmf_fail "xfs_db gave no inobt root"
inobt_off=$((inoroot * bs))
ag1=$((agblocks * bs))
echo "inobt root of AG 0 at block $inoroot; AG 1 at byte $ag1"

# vrun EXPECTED_EXITS ARGS...: verify as JSON into $TMP/v.json, image
# unchanged; EXPECTED_EXITS is one code or several joined by |.
vrun() {
	local want=$1 before after rc
	shift
	before=$(pmf_sha "$img")
	"$XFS_PMEM" verify "$img" --device data "$@" --json -b \
		-o dev,start,length,owner,check,detail > "$TMP/v.json" 2> "$TMP/v.err"
	rc=$?
	after=$(pmf_sha "$img")
	[ "$before" = "$after" ] || pmf_fail "verify $* changed the image"
	[[ "|$want|" == *"|$rc|"* ]] ||
		pmf_fail "verify $* exited $rc, want $want: $(cat "$TMP/v.json" "$TMP/v.err")"
}

# row OWNER CHECK [START]: one impact row with that owner has that check.
row() {
	"$PYTHON" - "$TMP/v.json" "$@" <<'PY' || pmf_fail "no $1 row checked $2: $(cat "$TMP/v.json")"
import json, sys
rows, owner, check = json.load(open(sys.argv[1]))["impacts"], sys.argv[2], sys.argv[3]
start = int(sys.argv[4]) if len(sys.argv) > 4 else None
assert any(r["owner"] == owner and r["check"] == check and
           (start is None or r["start"] <= start < r["start"] + r["length"])
           for r in rows), rows
PY
}

# Before any damage: intact metadata, readable data, nothing missed.
vrun 0 --offset "$inobt_off" --length "$bs"
row inobt intact "$inobt_off"
vrun 0 --offset "$ag1" --length 4k
row ag-headers intact
"$XFS_REPAIR" -n "$img" > /dev/null 2>&1 || pmf_fail "xfs_repair -n: the fresh image is not clean"

# A spare block on AG 1's AGFL that still holds a btree block of AG 0, as
# one of an older filesystem on the device may (mkfs does not zero the
# spares): it fails the structure checks, but nothing lives there.
spare=$("$XFS_DB" -r -c 'agfl 1' -c 'print bno' "$img" | tr ' ' '\n' |
	sed -n 's/^[0-9]*:\([0-9][0-9]*\)$/\1/p' | head -n 1)
rmaproot=$("$XFS_DB" -r -c 'agf 0' -c 'print rmaproot' "$img" | awk '{print $3}')
[ -n "$spare" ] && [ -n "$rmaproot" ] || pmf_fail "xfs_db gave no AGFL spare or rmapbt root"
dd if="$img" of="$img" bs="$bs" skip="$rmaproot" seek=$((agblocks + spare)) count=1 \
	conv=notrunc status=none || pmf_fail "cannot copy the rmapbt root onto the spare"
"$XFS_REPAIR" -n "$img" > /dev/null 2>&1 || pmf_fail "xfs_repair -n: a stale AGFL spare is damage"
vrun 0 --offset $((ag1 + spare * bs)) --length "$bs"
row ag-btree none $((ag1 + spare * bs))
grep -q 'spare block on the AGFL' "$TMP/v.json" ||
	pmf_fail "verify does not call the stale block a spare: $(cat "$TMP/v.json")"

# The prediction names the inobt block, before and after the damage.
"$XFS_PMEM" simulate "$img" --device data --offset "$inobt_off" --length "$bs" \
	--json -b -o owner > "$TMP/sim.json"
grep -q '"owner": "inobt"' "$TMP/sim.json" || pmf_fail "simulate does not name the inobt block"

"$XFS_PMEM" inject "$img" --device data --offset "$inobt_off" --length "$bs" \
	--mode flip --seed 7 --yes > /dev/null || pmf_fail "inject into the inobt failed"
"$XFS_REPAIR" -n "$img" > "$TMP/repair.log" 2>&1 &&
	pmf_fail "xfs_repair -n finds nothing wrong after the inobt damage"
vrun 2 --offset "$inobt_off" --length "$bs"
row inobt corrupt "$inobt_off"
grep -q 'CRC mismatch' "$TMP/v.json" || pmf_fail "verify does not say why: $(cat "$TMP/v.json")"

# Elsewhere in AG 0 (file data or not): the damaged inobt block is what the
# prediction missed.
vrun "2|3" --offset $((inobt_off + 64 * bs)) --length "$bs"
"$PYTHON" - "$TMP/v.json" "$inobt_off" <<'PY' || pmf_fail "the corrupt inobt block is not reported as missed: $(cat "$TMP/v.json")"
import json, sys
missed, off = json.load(open(sys.argv[1]))["missed"], int(sys.argv[2])
assert any(m["owner"] == "inobt" and m["check"] == "corrupt" and
           m["start"] <= off < m["start"] + m["length"] for m in missed), missed
PY

# A zeroed AGF: no prediction for AG 1 without it, but verify says why.
"$XFS_PMEM" inject "$img" --device data --offset $((ag1 + 512)) --length 512 \
	--yes > /dev/null || pmf_fail "inject into the AGF failed"
vrun 4 --offset "$ag1" --length 4k
"$PYTHON" - "$TMP/v.json" <<'PY' || pmf_fail "the zeroed AGF is not flagged: $(cat "$TMP/v.json")"
import json, sys
rows = json.load(open(sys.argv[1]))["impacts"]
assert any(r["check"] == "corrupt" and "agf" in r["detail"] for r in rows), rows
PY
echo "verify flags the flipped inobt block and the zeroed AGF; image unchanged"
