#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Our xfs_db's failmap prints the same records as xfs_pmem simulate, for
# random ranges (seeded, printed) of a populated filesystem, all in one
# xfs_db process.
. "$PMF_SRC/tests/lib.sh"
pmf_require_root

seed=${PMF_SEED:-$RANDOM}
echo "seed $seed"
img="$TMP/fs.img" log="$TMP/fs.log"
pmf_mkfs "$img" 1G "$log" 80M -- -m rmapbt=1,reflink=1 -n parent=1
pmf_mount "$img" "$TMP/mnt" "$log"
"$PYTHON" "$PMF_SRC/tests/populate.py" "$TMP/mnt" "$seed" || pmf_fail "populate failed"
pmf_umount "$TMP/mnt"

"$PYTHON" - "$seed" "$(stat -c %s "$img")" "${PMF_FAILMAP_COUNT:-20}" > "$TMP/ranges" <<'PY'
import random, sys
rng = random.Random(int(sys.argv[1]))
size = int(sys.argv[2]) // 512
ranges = [(0, 2048), (size - 1, 1)]
for _ in range(int(sys.argv[3])):
    start = rng.randrange(0, size - 1)
    ranges.append((start, min(size - start, int(2 ** rng.uniform(0, 15)))))
for s, n in ranges:
    print(s, n)
PY

dbargs=()
while read -r start len; do
	dbargs+=(-c "echo == $start $len" -c "failmap -d $start $len")
done < "$TMP/ranges"
"$PMF_XFS_DB" -r -l "$log" "${dbargs[@]}" "$img" > "$TMP/failmap.out" 2> "$TMP/failmap.err" ||
	pmf_fail "xfs_db failmap failed: $(head -c 300 "$TMP/failmap.err")"
[ -s "$TMP/failmap.err" ] && pmf_fail "xfs_db printed errors: $(head -c 300 "$TMP/failmap.err")"

while read -r start len; do
	echo "== $start $len "
	"$XFS_PMEM" simulate "$img" -l "$log" --device data --offset "${start}s" \
		--length "${len}s" --json --bytes \
		-o dev,start,length,owner,inode,foffset,flags,effect,path > "$TMP/sim.json"
	rc=$?
	[ $((rc & ~7)) = 0 ] || pmf_fail "simulate $start $len exited $rc"
	# The failmap line format (see failmap help), made from simulate's JSON.
	"$PYTHON" - "$TMP/sim.json" <<'PY'
import json, sys
def paths(p):
    p = [x for x in p or [] if x]
    return " " + ",".join(p) if p else " -"
for i in json.load(open(sys.argv[1]))["impacts"]:
    line = "%s %d %d %s" % (i["dev"], i["start"] // 512, i["length"] // 512, i["owner"])
    if i["inode"] is not None:
        line += " ino %d" % i["inode"]
    if i["foffset"] is not None:
        line += " off %d" % i["foffset"]
    flags = [f for f in (i["flags"] or "").split(",") if f]
    line += " flags %s %s" % (",".join(flags) or "-", i["effect"])
    if i["inode"] is not None:
        line += paths(i["path"])
    print(line)
    for c in i.get("children", []):
        print("  inode %d%s" % (c["inode"], paths(c["path"])))
PY
done < "$TMP/ranges" > "$TMP/simulate.out"

diff -u "$TMP/simulate.out" "$TMP/failmap.out" > "$TMP/diff" ||
	pmf_fail "failmap and simulate differ: $(head -n 20 "$TMP/diff")"
echo "failmap matches simulate on $(wc -l < "$TMP/ranges") ranges ($(wc -l < "$TMP/failmap.out") lines)"
