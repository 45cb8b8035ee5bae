#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# verify on media that returns errors.  The host kernel has no
# device-mapper (no dm_mod, and modules cannot be loaded), so one QEMU
# guest boot (tests/guest) puts a device-mapper "error" target over two
# ranges of a real XFS image -- one file's data extent (found by the
# kernel's bmap on the host mount) and the inode btree root of AG 0 (found
# by xfsprogs' xfs_db) -- and runs xfs_pmem verify there.  Both must be
# "unreadable", with exit bit 1 for the data and 2 for the inobt.
. "$PMF_SRC/tests/lib.sh"
pmf_require_root
pmf_require_guest
command -v dmsetup > /dev/null || pmf_fail "dmsetup is not installed (scripts/deps installs it)"

img=$TMP/fs.img
TEST_DIR=$TMP TEST_DEV=$img QA_CHECK_FS=1 \
	pmf_mkfs "$img" 96m -- -m rmapbt=1,reflink=1 -n parent=1
pmf_mount "$img" "$TMP/mnt"
"$XFS_IO" -f -c 'pwrite -S 0x61 0 256k' -c fsync "$TMP/mnt/victim" > /dev/null
"$XFS_IO" -f -c 'pwrite -S 0x62 0 64k' -c fsync "$TMP/mnt/bystander" > /dev/null
pmf_first_extent "$TMP/mnt/victim" dstart dlen
pmf_umount "$TMP/mnt"
bs=$("$XFS_DB" -r -c 'sb 0' -c 'print blocksize' "$img" | awk '{print $3}')
root=$("$XFS_DB" -r -c 'agi 0' -c 'print root' "$img" | awk '{print $3}')
istart=$((root * bs / 512)) ilen=$((bs / 512))
echo "victim's data at sectors $dstart+$dlen; inobt root at sector $istart"
[ "$istart" -lt "$dstart" ] || pmf_fail "expected the inobt root before the file data"

# The job: dm-mod from the guest kernel, dmsetup and xfs_pmem with their libraries.
job=$TMP/job
pmf_guest_dm_job "$job" "$(command -v dmsetup)" "$GUEST_PMEM"
size=$(( $(stat -c %s "$img") / 512 ))
# Two error ranges over /dev/vda: the inobt root and the victim's extent.
pmf_dm_error_table "$size" "$istart" "$ilen" "$dstart" "$dlen" > "$job/table"
cat > "$job/job.sh" <<EOF
insmod ./dm-mod.ko || exit 3
export LD_LIBRARY_PATH=/job/lib DM_DISABLE_UDEV=1
./dmsetup create bad table || exit 4
./xfs_pmem verify /dev/mapper/bad --device data --offset $((dstart * 512)) \\
	--length $((dlen * 512)) --json -b > \$OUT/data.json 2> \$OUT/data.err
echo \$? > \$OUT/data.rc
./xfs_pmem verify /dev/mapper/bad --device data --offset $((istart * 512)) \\
	--length $((ilen * 512)) --json -b > \$OUT/inobt.json 2> \$OUT/inobt.err
echo \$? > \$OUT/inobt.rc
./dmsetup remove bad
EOF

"$PMF_SRC/tests/guest/run" --timeout "${PMF_GUEST_TIMEOUT:-600}" \
	--xfsprogs "$XFSPROGS_DIR" --job "$job" --out "$TMP/out" --disk "$img" ||
	pmf_fail "guest job failed (exit $?): $(tail -5 "$TMP/out/console.log" 2>/dev/null)"

check() {
	local what=$1 owner=$2 bit=$3 rc
	rc=$(cat "$TMP/out/$what.rc")
	[ $((rc & 8)) = 0 ] && [ $((rc & bit)) = "$bit" ] ||
		pmf_fail "verify of the $what range exited $rc: $(cat "$TMP/out/$what.err")"
	"$PYTHON" - "$TMP/out/$what.json" "$owner" <<'PY' || pmf_fail "$what: no unreadable $owner row: $(cat "$TMP/out/$what.json")"
import json, sys
rows = json.load(open(sys.argv[1]))["impacts"]
assert any(r["owner"] == sys.argv[2] and r["check"] == "unreadable" for r in rows), rows
PY
	echo "$what: $owner unreadable, exit $rc"
}
check data data 1
check inobt inobt 2
