#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# xfs_pmem badblocks on real emulated pmem (the 7.2 guest; the host's loop
# devices keep no bad-block list).  The host makes a filesystem and picks
# four ranges from the kernel's own maps: part of file A's data (bmap),
# the start of file B, the first block of an inode chunk that is not the
# root's (GETFSMAP), and free space (GETFSMAP).  In the guest the image is
# copied onto /dev/pmem0, the ranges are written into
# /sys/block/pmem0/badblocks (reads of them then fail), and
# `xfs_pmem badblocks` runs on the mount point (online) and on the device
# after the unmount (offline), and with --all.  Both must name exactly: A and B with the
# lost file offsets, the inodes of the bad block that exist (inode numbers
# worked out here from the geometry, paths from the host's own walk), and
# the free range.  Then, still in the guest and on that device, one
# `repair --badblocks /sys/block/pmem0/badblocks --apply` repairs them all:
# the manifest names the lost file ranges, every other file keeps its
# checksum, and xfs_repair -n is clean.
. "$PMF_SRC/tests/lib.sh"
pmf_require_root
pmf_require_guest

img=$TMP/fs.img
TEST_DIR=$TMP TEST_DEV=$img QA_CHECK_FS=1 \
	pmf_mkfs "$img" 160m -- -d agcount=4 -m rmapbt=1,reflink=1 -i sparse=0 -n parent=1
pmf_mount "$img" "$TMP/mnt"
mnt=$TMP/mnt
"$XFS_IO" -f -c 'pwrite -S 0x61 0 256k' -c fsync "$mnt/a" > /dev/null
"$XFS_IO" -f -c 'pwrite -S 0x62 0 64k' -c fsync "$mnt/b" > /dev/null
mkdir "$mnt/many"
for i in $(seq 1 150); do echo "$i" > "$mnt/many/f$i"; done
ln "$mnt/many/f100" "$mnt/many/link100"
sync
pmf_first_extent "$mnt/a" astart alen
pmf_first_extent "$mnt/b" bstart blen
"$XFS_IO" -c 'fsmap -d' "$mnt" > "$TMP/fsmap"
# Every inode's number and paths, from the host's own walk.
(cd "$mnt" && find . -xdev -printf '%i /%P\n' | sed 's| /$| /|') > "$TMP/inodes"
(cd "$mnt" && find . -type f -printf '%P\n' | sort | xargs sha256sum) > "$TMP/sums"
pmf_umount "$mnt"
bs=$("$XFS_DB" -r -c 'sb 0' -c 'print blocksize' "$img" | awk '{print $3}')
isz=$("$XFS_DB" -r -c 'sb 0' -c 'print inodesize' "$img" | awk '{print $3}')
agblocks=$("$XFS_DB" -r -c 'sb 0' -c 'print agblocks' "$img" | awk '{print $3}')
aglog=$("$XFS_DB" -r -c 'sb 0' -c 'print agblklog' "$img" | awk '{print $3}')
inopblog=$("$XFS_DB" -r -c 'sb 0' -c 'print inopblog' "$img" | awk '{print $3}')

# The ranges (sectors) and what each must name, worked out here.
"$PYTHON" - "$TMP" "$astart" "$alen" "$bstart" "$bs" "$isz" "$agblocks" \
	"$aglog" "$inopblog" <<'PY' || pmf_fail "cannot pick the targets"
import json, re, sys
tmp = sys.argv[1]
astart, alen, bstart, bs, isz, agblocks, aglog, inopblog = map(int, sys.argv[2:])
spb = bs // 512
inodes = [l.rstrip("\n").split(" ", 1) for l in open(tmp + "/inodes")]
paths = {}
for ino, p in inodes:
    paths.setdefault(int(ino), []).append(p)
chunks, free = [], []
for l in open(tmp + "/fsmap"):
    m = re.match(r"\s*\d+: \S+ \[(\d+)\.\.(\d+)\]: (.*?)\s+\d+$", l)
    if not m:
        continue
    s, e, owner = int(m.group(1)), int(m.group(2)), m.group(3)
    if owner == "inodes":
        chunks.append(s)
    elif owner == "free space" and e - s + 1 >= 64:
        free.append(s)
assert len(chunks) >= 2 and free, (chunks, free)
# Not the root's chunk: the mount reads that one.
chunk = chunks[-1]
agsect = agblocks * spb
agno, agbno = chunk // agsect, (chunk % agsect) // spb
want_inodes = []
for i in range(bs // isz):
    ino = (agno << (aglog + inopblog)) | ((agbno << inopblog) + i)
    if ino in paths:
        want_inodes.append([ino, sorted(paths[ino])])
assert want_inodes, "no allocated inode in the chunk's first block"
fr = free[-1] + 64
targets = [
    ["a", astart + 2 * spb, spb, {"owner": "data", "path": "/a", "foffset": 2 * bs}],
    ["b", bstart, spb, {"owner": "data", "path": "/b", "foffset": 0}],
    ["chunk", chunk, spb, {"owner": "inodes", "inodes": want_inodes}],
    ["free", fr, spb, {"owner": "free"}],
]
json.dump(targets, open(tmp + "/targets.json", "w"))
with open(tmp + "/bb.sh", "w") as f:
    for name, s, n, _ in targets:
        f.write("echo '%d %d' > /sys/block/pmem0/badblocks\n" % (s, n))
for t in targets:
    print(t)
PY

job=$TMP/job
mkdir -p "$job"
pmf_guest_bins "$job" "$GUEST_PMEM" "$XFSPROGS_DIR/repair/xfs_repair"
cp "$(dirname "$(dirname "$GUEST_PMEM")")/libpmemfail/.libs/libpmemfail-undo.so" "$job/" ||
	pmf_fail "no undo interposer beside $GUEST_PMEM"
cp "$TMP/bb.sh" "$job/"
cols=range,dev,start,length,owner,inode,foffset,effect,path
cat > "$job/job.sh" <<EOF
export LD_LIBRARY_PATH=/job/lib
dd if=/dev/vda of=/dev/pmem0 bs=1M 2> \$OUT/dd.err || exit 3
sh ./bb.sh || exit 4
cat /sys/block/pmem0/badblocks > \$OUT/badblocks
mkdir -p /mnt
mount -t xfs /dev/pmem0 /mnt || exit 5
./xfs_pmem badblocks /mnt -J -b -o $cols > \$OUT/online.json 2> \$OUT/online.err
echo \$? > \$OUT/online.rc
./xfs_pmem badblocks --all > \$OUT/all.txt 2> \$OUT/all.err
echo \$? > \$OUT/all.rc
umount /mnt
./xfs_pmem badblocks /dev/pmem0 -J -b -o $cols > \$OUT/offline.json 2> \$OUT/offline.err
echo \$? > \$OUT/offline.rc
# The repair, on the poisoned device itself, of the list the kernel keeps.
# First the administrator's step, as ndctl clear-errors takes it: whole
# blocks of zeros over the listed sectors (what they held is lost), which
# clears the poison; xfs_repair stops at the first read that fails, and
# reads the first AG's headers 512 KiB at a time.
cp /sys/block/pmem0/badblocks /tmp/list
while read -r s n; do
	dd if=/dev/zero of=/dev/pmem0 bs=4096 seek=\$((s / 8)) count=\$((n / 8)) conv=notrunc 2>/dev/null
done < /tmp/list
sync
cat /sys/block/pmem0/badblocks > \$OUT/badblocks.cleared
PMF_UNDO_SHIM=/job/libpmemfail-undo.so ./xfs_pmem repair /dev/pmem0 --device data \
	--badblocks /tmp/list --apply --undo /tmp/undo --manifest \$OUT/man.json \
	--xfs-repair /job/xfs_repair > \$OUT/repair.out 2>&1
echo \$? > \$OUT/repair.rc
./xfs_repair -n /dev/pmem0 > \$OUT/xfs_repair.out 2>&1
echo \$? > \$OUT/xfs_repair.rc
mount -t xfs /dev/pmem0 /mnt || exit 6
(cd /mnt && find . -type f | sort | xargs sha256sum) > \$OUT/sums.after 2> \$OUT/sums.err
echo \$? > \$OUT/sums.rc
umount /mnt
EOF
"$PMF_SRC/tests/guest/run" --timeout "${PMF_GUEST_TIMEOUT:-600}" \
	--xfsprogs "$XFSPROGS_DIR" --job "$job" --out "$TMP/out" --disk "$img" \
	--pmem 256 ||
	pmf_fail "guest job failed (exit $?): $(tail -5 "$TMP/out/console.log" 2>/dev/null)"
out=$TMP/out
echo "the guest's list: $(tr '\n' ';' < "$out/badblocks")"
[ "$(wc -l < "$out/badblocks")" = 4 ] || pmf_fail "the guest's list is not the 4 ranges written"
for mode in online offline; do
	rc=$(cat "$out/$mode.rc")
	[ "$rc" -lt 8 ] || pmf_fail "badblocks ($mode) exited $rc: $(cat "$out/$mode.err")"
	"$PYTHON" - "$out/$mode.json" "$TMP/targets.json" "$mode" <<'PY' ||
import json, sys
doc = json.load(open(sys.argv[1]))["impacts"]
targets = json.load(open(sys.argv[2]))
mode = sys.argv[3]
if len(doc) != len(targets):
    sys.exit("%s: %d rows for %d ranges: %r" % (mode, len(doc), len(targets), doc))
for row, (name, s, n, want) in zip(sorted(doc, key=lambda r: r["start"]),
                                   sorted(targets, key=lambda t: t[1])):
    rng = "%d+%d" % (s * 512, n * 512)
    ok = row["range"] == rng and row["start"] == s * 512 and \
        row["length"] == n * 512 and row["owner"] == want["owner"]
    if want["owner"] == "data":
        ok = ok and row["path"] == [want["path"]] and row["foffset"] == want["foffset"]
    if want["owner"] == "inodes":
        got = [[c["inode"], sorted(c["path"])] for c in row.get("children", [])]
        ok = ok and got == want["inodes"]
    if not ok:
        sys.exit("%s: %s: got %r, want %s %r" % (mode, name, row, rng, want))
    print(mode, name, "ok:", row["owner"], row.get("path"),
          len(row.get("children", [])), "inodes")
PY
		pmf_fail "badblocks ($mode) does not name exactly the targets"
done

# --all (the timer's service): every mounted XFS, a line naming each.
[ "$(cat "$out/all.rc")" = 1 ] && grep -q '^/mnt (/dev/pmem0):$' "$out/all.txt" &&
	grep -q ' /a$' "$out/all.txt" && grep -q ' /b$' "$out/all.txt" ||
	pmf_fail "badblocks --all exited $(cat "$out/all.rc"): $(head -c 600 "$out/all.txt" "$out/all.err")"

# The repair in the guest, on the device whose reads of the listed
# sectors fail, of the list the kernel keeps.
[ -s "$out/badblocks.cleared" ] &&
	pmf_fail "writing the listed blocks did not clear the poison: $(cat "$out/badblocks.cleared")"
rc=$(cat "$out/repair.rc")
[ "$rc" -le 1 ] || pmf_fail "repair --badblocks in the guest exited $rc: $(tail -n 5 "$out/repair.out")"
[ "$(cat "$out/xfs_repair.rc")" = 0 ] ||
	pmf_fail "xfs_repair -n after the repair: $(tail -n 5 "$out/xfs_repair.out")"
[ "$(cat "$out/sums.rc")" = 0 ] ||
	pmf_fail "a file does not read back after the repair: $(head -n 3 "$out/sums.err")"
sectors=0
while read -r s n; do sectors=$((sectors + n)); done < "$out/badblocks"
# The manifest names both files' lost blocks, at the offsets the list hit.
"$PYTHON" - "$out/man.json" "$TMP/targets.json" <<'PY' || pmf_fail "the manifest misses a lost file range"
import json, sys
man = json.load(open(sys.argv[1]))
got = {(f["path"][0], f["foffset"]) for f in man["files"]}
want = {(t[3]["path"], t[3]["foffset"]) for t in json.load(open(sys.argv[2]))
        if t[3]["owner"] == "data"}
if not want <= got:
    sys.exit("manifest files %r, want %r" % (sorted(got), sorted(want)))
PY
# Files a and b lost a block each (holes now), the chunk's inodes are
# gone; every other file is intact.
sed 's|  \./|  |' "$out/sums.after" | grep -v '  pmemfail-quarantine' > "$TMP/sums.after"
# What the list took: a block of a and b, the inodes of the chunk's block.
"$PYTHON" - "$TMP/targets.json" > "$TMP/lost" <<'PY'
import json, sys
print("a\nb")
for name, s, n, want in json.load(open(sys.argv[1])):
    for ino, paths in want.get("inodes", []):
        for p in paths:
            print(p.lstrip("/"))
PY
keep() { awk 'NR == FNR { lost["  " $0]; next } !(substr($0, 65) in lost)' "$TMP/lost" "$1"; }
diff <(keep "$TMP/sums") <(keep "$TMP/sums.after") > "$TMP/sums.diff" ||
	pmf_fail "a file outside the lost ranges changed: $(head -n 5 "$TMP/sums.diff")"
[ "$(keep "$TMP/sums" | wc -l)" -gt 100 ] || pmf_fail "too few files kept to prove anything"
echo "one repair of $(wc -l < "$out/badblocks") listed ranges ($sectors sectors); every other file intact; xfs_repair -n clean"
echo "ok"
