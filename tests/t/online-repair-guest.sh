#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# repair --online in a kernel that has online repair (the 7.2 guest; the
# host kernel has no online scrub).  On the host, a populated filesystem
# (rmapbt, reflink, parent pointers) gets five rebuildable structures
# damaged by xfs_pmem inject --mode flip, each at the block xfsprogs'
# xfs_db (or the kernel's bmap) names: the bnobt root of AG 0, the inobt
# root of AG 1, the refcountbt root of AG 2, the rmapbt root of AG 3
# (which the query itself reads: it must be rebuilt first), the one block
# of a directory of 50 entries.  In one guest boot, with the filesystem mounted:
#   - xfsprogs' own xfs_io 'scrub' (the oracle, not our code) must call all
#     all five corrupt;
#   - repair --online over the bnobt block's range must report that bnobt
#     corrupt before, repaired, ok after, and must leave the other two
#     alone (xfs_io still calls them corrupt: the repair is targeted);
#   - repair --online over the other ranges repairs them (the directory
#     by inode number and generation, rebuilt from parent pointers);
#   - xfs_io then calls all five clean, a second repair --online over the
#     three ranges exits 0 (nothing to repair: the rebuilt btrees live
#     elsewhere), --check over block 0 names the AG headers, and every
#     file reads back with the checksum it had before the damage.
# Back on the host, xfs_repair -n must find the filesystem clean.
. "$PMF_SRC/tests/lib.sh"
pmf_require_root
pmf_require_guest

seed=${PMF_SEED:-$(( (RANDOM << 15) | RANDOM ))}
echo "seed $seed"
img=$TMP/fs.img
TEST_DIR=$TMP TEST_DEV=$img QA_CHECK_FS=1 \
	pmf_mkfs "$img" 320m -- -d agcount=4 -m rmapbt=1,reflink=1 -n parent=1
pmf_mount "$img" "$TMP/mnt"
"$PYTHON" "$PMF_SRC/tests/populate.py" "$TMP/mnt" "$seed" > /dev/null ||
	pmf_fail "populate failed"
(cd "$TMP/mnt" && find . -type f -exec md5sum {} + | sort -k2) > "$TMP/sums.host"
# A directory of 50 entries in one block, which the kernel can rebuild
# from the parent pointers of its children.
dir=small/d00
dino=$(stat -c %i "$TMP/mnt/$dir")
dext=$("$XFS_IO" -r -c bmap "$TMP/mnt/$dir" | sed -n 's/^[[:space:]]*0: \[0\.\.7\]: \([0-9]*\)\.\.[0-9]*$/\1/p')
[ -n "$dext" ] || pmf_fail "$dir is not one block: $("$XFS_IO" -r -c bmap "$TMP/mnt/$dir")"
pmf_umount "$TMP/mnt"

db() { "$XFS_DB" -r -c "$1" -c "print $2" "$img" | awk '{print $3}'; }
bs=$(db 'sb 0' blocksize)
agblocks=$(db 'sb 0' agblocks)
bno=$(db 'agf 0' bnoroot)
ino=$(db 'agi 1' root)
refc=$(db 'agf 2' refcntroot)
rmap=$(db 'agf 3' rmaproot)
for v in "$bs" "$agblocks" "$bno" "$ino" "$refc" "$rmap"; do
	[ -n "$v" ] && [ "$v" -gt 0 ] || pmf_fail "xfs_db gave no block: bs=$bs agblocks=$agblocks bnobt=$bno inobt=$ino refcountbt=$refc rmapbt=$rmap"
done
off_bno=$(( bno * bs ))
off_ino=$(( (agblocks + ino) * bs ))
off_refc=$(( (2 * agblocks + refc) * bs ))
off_dir=$(( dext * 512 ))
off_rmap=$(( (3 * agblocks + rmap) * bs ))
echo "bnobt root AG 0 at byte $off_bno; inobt root AG 1 at $off_ino; refcountbt root AG 2 at $off_refc; rmapbt root AG 3 at $off_rmap; $dir (inode $dino) at $off_dir"
for o in $off_bno $off_ino $off_refc $off_rmap $off_dir; do
	"$XFS_PMEM" inject "$img" --device data --offset "$o" --length "$bs" \
		--mode flip --seed "$seed" --yes > /dev/null ||
		pmf_fail "inject at $o failed"
done

job=$TMP/job
mkdir -p "$job/lib"
cp "$GUEST_PMEM" "$job/xfs_pmem"
# The sanitizer lane's own build runs the --check pass (its libasan and
# libubsan come along with the other libraries).
cp "$XFS_PMEM" "$job/xfs_pmem-check"
# xfs_pmem links libxfs statically but some system libraries dynamically.
for l in $(ldd "$GUEST_PMEM" "$XFS_PMEM" | grep -o '/[^ ]*' | grep -v ':$'); do
	cp -L "$l" "$job/lib/"
done
cp "$TMP/sums.host" "$job/sums.host"
cat > "$job/job.sh" <<EOF
export LD_LIBRARY_PATH=/job/lib
mkdir -p /mnt
mount -t xfs /dev/vda /mnt || exit 3
# scrub3 NAME: xfsprogs' verdict on the four structures.
scrub3() {
	for s in "bnobt 0" "inobt 1" "refcountbt 2" "rmapbt 3"; do
		echo "\$s: \$(xfs_io -c "scrub \$s" /mnt 2>&1 | tr '\n' ' ')"
	done > \$OUT/scrub-\$1.txt
	echo "directory: \$(xfs_io -c "scrub directory" /mnt/$dir 2>&1 | tr '\n' ' ')" >> \$OUT/scrub-\$1.txt
}
rep() {
	./xfs_pmem repair --online /mnt --device data --offset \$2 --length $bs \\
		--json > \$OUT/\$1.json 2> \$OUT/\$1.err
	echo \$? > \$OUT/\$1.rc
}
scrub3 before
./xfs_pmem-check repair --online /mnt --device data --offset $off_bno --length $bs \
	--check > \$OUT/check-bnobt.txt 2>&1
echo \$? > \$OUT/check-bnobt.rc
rep bnobt $off_bno
scrub3 mid
rep inobt $off_ino
rep refc $off_refc
rep rmap $off_rmap
rep dir $off_dir
scrub3 after
rep again-bnobt $off_bno
rep again-inobt $off_ino
rep again-refc $off_refc
rep again-rmap $off_rmap
(cd /mnt && find . -type f -exec md5sum {} + | sort -k2) > \$OUT/sums.guest
./xfs_pmem repair --online /mnt --device data --offset 0 --length 4k --check \\
	> \$OUT/check.txt 2>&1
echo \$? > \$OUT/check.rc
umount /mnt
EOF

"$PMF_SRC/tests/guest/run" --timeout "${PMF_GUEST_TIMEOUT:-600}" \
	--xfsprogs "$XFSPROGS_DIR" --job "$job" --out "$TMP/out" --disk "$img" ||
	pmf_fail "guest job failed (exit $?): $(tail -5 "$TMP/out/console.log" 2>/dev/null)"
out=$TMP/out

# The oracle first: the damage is real, and each repair touched only its own.
verdict() { grep "^$2:" "$out/scrub-$1.txt"; }
for s in "bnobt 0" "inobt 1" "refcountbt 2" "rmapbt 3" directory; do
	verdict before "$s" | grep -q "Corruption detected" ||
		pmf_fail "xfs_io scrub before: $s not corrupt: $(verdict before "$s")"
	verdict after "$s" | grep -q "Corruption\|Cross-referencing failed\|not complete" &&
		pmf_fail "xfs_io scrub after the repairs: $s: $(verdict after "$s")"
done
verdict mid "bnobt 0" | grep -q "Corruption" &&
	pmf_fail "the bnobt is still corrupt after its repair: $(verdict mid "bnobt 0")"
for s in "inobt 1" "refcountbt 2" "rmapbt 3" directory; do
	verdict mid "$s" | grep -q "Corruption detected" ||
		pmf_fail "repair of the bnobt range touched $s: $(verdict mid "$s")"
done
cat "$out/scrub-before.txt" "$out/scrub-mid.txt" "$out/scrub-after.txt"

# --check names the damage, repairs nothing (the scrub after it, "mid",
# is after the bnobt's repair: the first run is what proves it).
rc=$(cat "$out/check-bnobt.rc")
cat "$out/check-bnobt.txt"
[ "$rc" = 4 ] || pmf_fail "repair --online --check of the bnobt range exited $rc (expected 4): $(cat "$out/check-bnobt.txt")"
grep -q "^bnobt  *0  *corrupt  *checked  *corrupt" "$out/check-bnobt.txt" ||
	pmf_fail "--check shows no corrupt bnobt: $(cat "$out/check-bnobt.txt")"
grep -q "Sanitizer\|runtime error" "$out/check-bnobt.txt" &&
	pmf_fail "sanitizer report in the guest: $(cat "$out/check-bnobt.txt")"

# Our report: the damaged structure corrupt before, repaired, ok after.
for what in bnobt:bnobt:0 inobt:inobt:1 refc:refcountbt:2 rmap:rmapbt:3; do
	IFS=: read -r run st ag <<< "$what"
	rc=$(cat "$out/$run.rc")
	[ "$rc" = 1 ] || pmf_fail "repair --online of the $st range exited $rc: $(cat "$out/$run.err")"
	"$PYTHON" - "$out/$run.json" "$st" "$ag" <<'PY' || pmf_fail "$st: bad report: $(cat "$out/$run.json")"
import json, sys
rows = json.load(open(sys.argv[1]))["structures"]
st, ag = sys.argv[2], int(sys.argv[3])
hit = [r for r in rows if r["structure"] == st and r["ag"] == ag]
assert len(hit) == 1, rows
assert hit[0]["before"] == "corrupt" and hit[0]["action"] == "repaired" \
    and hit[0]["after"] == "ok", hit
# Every structure is per-AG in AG @ag, or the summary counters: targeted.
assert all(r["ag"] == ag or r["structure"] == "fscounters" for r in rows), rows
assert all(r["after"] in ("ok", "warning") for r in rows), rows
print("%s AG %d: %s" % (st, ag, ", ".join(
    "%s %s->%s" % (r["structure"], r["before"], r["after"]) for r in rows)))
PY
	# The rebuilt btree lives elsewhere: what is left there is clean.
	rc=$(cat "$out/again-$run.rc")
	[ "$rc" = 0 ] || pmf_fail "second repair --online of the $st range exited $rc (expected 0): $(cat "$out/again-$run.json" "$out/again-$run.err")"
	"$PYTHON" - "$out/again-$run.json" <<'PY' || pmf_fail "$st, second run: $(cat "$out/again-$run.json")"
import json, sys
rows = json.load(open(sys.argv[1]))["structures"]
assert all(r["before"] == "ok" and r["action"] == "none" for r in rows), rows
PY
done
# The directory: per-inode structures, by inode number and generation.
rc=$(cat "$out/dir.rc")
[ "$rc" = 1 ] || pmf_fail "repair --online of the directory's block exited $rc: $(cat "$out/dir.err")"
"$PYTHON" - "$out/dir.json" "$dino" <<'PY' || pmf_fail "directory: bad report: $(cat "$out/dir.json")"
import json, sys
rows = json.load(open(sys.argv[1]))["structures"]
ino = int(sys.argv[2])
d = [r for r in rows if r["structure"] == "directory"]
assert len(d) == 1 and d[0]["ino"] == ino, rows
assert d[0]["before"] == "corrupt" and d[0]["action"] == "repaired" \
    and d[0]["after"] == "ok", d
assert all(r["ino"] == ino or r["structure"] == "fscounters" for r in rows), rows
assert all(r["after"] in ("ok", "warning") for r in rows), rows
print("directory %d: %s" % (ino, ", ".join(
    "%s %s->%s" % (r["structure"], r["before"], r["after"]) for r in rows)))
PY
rc=$(cat "$out/check.rc")
[ "$rc" = 0 ] || pmf_fail "repair --online --check over the superblock exited $rc: $(cat "$out/check.txt")"
grep -q "^sb " "$out/check.txt" || pmf_fail "--check over block 0 names no sb: $(cat "$out/check.txt")"

# The files: every byte as before.
diff -q "$TMP/sums.host" "$out/sums.guest" > /dev/null ||
	pmf_fail "file checksums differ after the repair: $(diff "$TMP/sums.host" "$out/sums.guest" | head -5)"
echo "$(wc -l < "$TMP/sums.host") files intact"
"$XFS_REPAIR" -n "$img" > "$TMP/repair.log" 2>&1 ||
	pmf_fail "xfs_repair -n after the online repairs: $(tail -5 "$TMP/repair.log")"
echo "xfs_repair -n: clean"
