#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# verify on directory blocks bigger than a filesystem block (mkfs -n
# size=16k over 4 KiB blocks: each directory block is four filesystem
# blocks, and need not be contiguous).  Before, verify checked each
# filesystem block alone: the first failed its CRC (computed over 4 KiB of
# a 16 KiB block), the others had "no metadata magic", so a healthy
# directory was called corrupt (and the checks read past the buffer).
#   - healthy: every row of the directory is intact, xfs_repair -n agrees;
#   - one byte flipped in the second filesystem block of a directory block
#     (found through the kernel's bmap of the mounted directory): xfs_repair
#     -n sees it, and verify calls that row corrupt;
#   - the image is byte-identical after every verify.
. "$PMF_SRC/tests/lib.sh"
pmf_require_root

img=$TMP/fs.img
pmf_mkfs "$img" 512m -- -b size=4096 -n size=16384 -m rmapbt=1,reflink=1
pmf_mount "$img" "$TMP/mnt"
mkdir "$TMP/mnt/big"
for i in $(seq 1 3000); do
	echo "$i" > "$TMP/mnt/big/a-file-with-a-long-name-$i"
done
ino=$(stat -c %i "$TMP/mnt/big")
# The kernel's map of the directory: "N: [FILEOFF]: START..END" in sectors.
"$XFS_IO" -r -c bmap "$TMP/mnt/big" > "$TMP/bmap"
pmf_umount "$TMP/mnt"
grep -q hole "$TMP/bmap" || true
first=$(awk '$3 != "hole" && $2 ~ /^\[0\.\./ { split($3, a, "\\.\\."); print a[1]; exit }' "$TMP/bmap")
[ -n "$first" ] || pmf_fail "no first extent of /big: $(cat "$TMP/bmap")"
echo "/big is inode $ino; its first directory block at sector $first"
"$XFS_REPAIR" -n "$img" > "$TMP/rn.out" 2>&1 || pmf_fail "xfs_repair -n on the healthy image: $(tail -5 "$TMP/rn.out")"

# vdir EXPECT: verify over every extent of /big, its rows of inode $ino.
vdir() {
	local sum start end
	sum=$(pmf_sha "$img")
	: > "$TMP/rows"
	awk '$3 != "hole" && NR > 1 { split($3, a, "\\.\\."); print a[1], a[2] }' "$TMP/bmap" |
	while read -r start end; do
		"$XFS_PMEM" verify "$img" --device data --offset $((start * 512)) \
			--length $(((end - start + 1) * 512)) --json > "$TMP/v.json" 2> "$TMP/v.err"
		[ $? -lt 8 ] || pmf_fail "verify: $(tail -3 "$TMP/v.err")"
		"$PYTHON" - "$TMP/v.json" "$ino" >> "$TMP/rows" <<'PY'
import json, sys
for r in json.load(open(sys.argv[1]))["impacts"]:
    if r.get("inode") == int(sys.argv[2]):
        print(r["start"], r["check"], r["detail"])
PY
	done
	[ "$(pmf_sha "$img")" = "$sum" ] || pmf_fail "verify changed the image"
	[ -s "$TMP/rows" ] || pmf_fail "verify gave no row of /big"
	echo "$(wc -l < "$TMP/rows") rows of /big: $(cut -d' ' -f2 "$TMP/rows" | sort | uniq -c | tr '\n' ' ')"
}

vdir
grep -v " intact " "$TMP/rows" && pmf_fail "a healthy directory block is not intact"
echo "ok: healthy multi-block directory blocks are intact"

# One byte in the second filesystem block of the first directory block.
bad=$((first * 512 + 4096 + 100))
printf '\x5a' | dd of="$img" bs=1 seek=$bad conv=notrunc status=none
"$XFS_REPAIR" -n "$img" > "$TMP/rn.out" 2>&1 && pmf_fail "xfs_repair -n does not see the flipped byte"
vdir
grep -q "^$((first * 512)) corrupt .*CRC mismatch" "$TMP/rows" ||
	pmf_fail "the damaged directory block is not corrupt: $(cat "$TMP/rows")"
[ "$(grep -c " corrupt " "$TMP/rows")" = 1 ] || pmf_fail "more than the damaged block is corrupt: $(cat "$TMP/rows")"
echo "ok: the damaged directory block is corrupt, the others intact"
