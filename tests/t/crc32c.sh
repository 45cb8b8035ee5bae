#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Our crc32c (libpmemfail/pmf_crc32c.c: the CPU's crc32 instruction, which
# every link of libxfs goes through) against xfsprogs' own, table-driven:
# random bytes go into the superblock sector past its fields and into the
# root inode's literal area, our xfs_db (db/xfs_db, linked as xfs_pmem is)
# recomputes the CRC, and the stock xfs_db must call it correct.  The
# superblock's CRC runs from an offset that is not 8-byte aligned after
# the CRC field, the inode's from one that is: both paths of the loop.
# Then the other way: stock xfs_db writes the CRC, ours must read the
# object without a CRC error.
. "$PMF_SRC/tests/lib.sh"
pmf_require_root

seed=${PMF_SEED:-$RANDOM}
echo "seed $seed"
img=$TMP/fs.img
pmf_mkfs "$img" 512m --
rootino=$("$XFS_DB" -r -c 'sb 0' -c 'print rootino' "$img" | awk '{print $3}')
ioff=$("$XFS_DB" -r -c "inode $rootino" -c 'stack' "$img" |
	sed -n 's/.*byte offset \([0-9]*\),.*/\1/p' | head -n 1)
[ -n "$ioff" ] || pmf_fail "xfs_db gave no offset for inode $rootino"
echo "root inode $rootino at byte $ioff"

# scribble SEED OFFSET LENGTH: random bytes into the image.
scribble() {
	"$PYTHON" - "$img" "$@" <<'PY'
import random, sys
img, seed, off, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
r = random.Random(seed)
with open(img, "r+b") as f:
    f.seek(off)
    f.write(bytes(r.randrange(256) for _ in range(n)))
PY
}

# check WHO OBJECT FIELD: WHO's xfs_db must find OBJECT's CRC correct.
check() {
	"$1" -r -c "$2" -c "print $3" "$img" > "$TMP/out" 2>&1
	grep -q "(correct)" "$TMP/out" || pmf_fail "$1 on $2: $(cat "$TMP/out")"
}

for i in 1 2 3 4 5 6 7 8; do
	n=$(( (seed + i * 37) % 150 + 1 ))
	scribble $((seed + i)) $((512 - n)) $n
	scribble $((seed + 100 + i)) $((ioff + 256 + i)) $((n % 200 + 1))
	"$XFS_DB" -r -c 'sb 0' -c 'print crc' "$img" 2>&1 | grep -q "(bad)" ||
		pmf_fail "the scribble did not break the superblock's CRC"
	"$PMF_BUILD/db/xfs_db" -x -c 'sb 0' -c 'crc -r' -c "inode $rootino" \
		-c 'crc -r' "$img" > "$TMP/ours" 2>&1 || pmf_fail "our xfs_db: $(cat "$TMP/ours")"
	check "$XFS_DB" "sb 0" crc
	check "$XFS_DB" "inode $rootino" v3.crc
	# And the other way.
	scribble $((seed + 200 + i)) $((512 - n)) $n
	"$XFS_DB" -x -c 'sb 0' -c 'crc -r' "$img" > /dev/null 2>&1
	check "$PMF_BUILD/db/xfs_db" "sb 0" crc
done
echo "ok: 8 rounds, our CRCs and xfsprogs' agree"
