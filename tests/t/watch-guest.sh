#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# xfs_pmem watch on a kernel with the XFS health monitor (the 7.2 guest;
# the host kernel has none).  One guest boot puts device-mapper "error"
# targets over two ranges of a real XFS image -- a file's data extent
# (found by the kernel's bmap on the host mount) and the inode btree root
# of AG 1 (found by xfsprogs' xfs_db) -- mounts it, starts `watch --repair
# --invalidate`, and has the kernel read the data device around both with
# XFS_IOC_VERIFY_MEDIA (tests/online/verifymedia.c, what xfs_io 7.2's
# verifymedia does), which turns every failed read into a media error
# event.  watch must write, for each, a JSON line whose range lies in a
# bad range and whose impact records name the victim file's inode and
# path at the right file offset (with the invalidate report: that file
# range dropped from the page cache, no process mapping it) or the inobt
# of AG 1 (with the targeted repair's result: corrupt, repaired, ok).
# The data events must cover the bad extent exactly (the kernel merges
# adjacent events that queue up); the unmount at the end must stop watch
# with exit 0, and a second watch while it runs must exit 8 (a mount has
# one health monitor).
. "$PMF_SRC/tests/lib.sh"
pmf_require_root
pmf_require_guest
command -v dmsetup > /dev/null || pmf_fail "dmsetup is not installed (scripts/deps installs it)"

img=$TMP/fs.img
TEST_DIR=$TMP TEST_DEV=$img QA_CHECK_FS=1 \
	pmf_mkfs "$img" 96m -- -d agcount=4 -m rmapbt=1,reflink=1 -n parent=1
pmf_mount "$img" "$TMP/mnt"
"$XFS_IO" -f -c 'pwrite -S 0x61 0 256k' -c fsync "$TMP/mnt/victim" > /dev/null
"$XFS_IO" -f -c 'pwrite -S 0x62 0 64k' -c fsync "$TMP/mnt/bystander" > /dev/null
vino=$(stat -c %i "$TMP/mnt/victim")
pmf_first_extent "$TMP/mnt/victim" dstart dlen
pmf_umount "$TMP/mnt"
bs=$("$XFS_DB" -r -c 'sb 0' -c 'print blocksize' "$img" | awk '{print $3}')
agblocks=$("$XFS_DB" -r -c 'sb 0' -c 'print agblocks' "$img" | awk '{print $3}')
root=$("$XFS_DB" -r -c 'agi 1' -c 'print root' "$img" | awk '{print $3}')
istart=$(( (agblocks + root) * bs / 512 )) ilen=$((bs / 512))
echo "victim (inode $vino) at sectors $dstart+$dlen; AG 1 inobt root at sector $istart"
[ "$dstart" -lt "$istart" ] || pmf_fail "expected the file data before AG 1's inobt root"

job=$TMP/job
mkdir -p "$job"
gcc -static -O2 -Wall -Wextra -Werror -isystem "$XFSPROGS_DIR/include" \
	-I"$PMF_BUILD" -I"$PMF_SRC/xfs_pmem" -o "$job/verifymedia" \
	"$PMF_SRC/tests/online/verifymedia.c" ||
	pmf_fail "cannot build tests/online/verifymedia.c statically"
# The daemon runs once (a mount has one health monitor): in the sanitizer
# lane, the sanitizer build, for its pipes, child and JSON writing.
pmf_guest_dm_job "$job" "$(command -v dmsetup)" "$XFS_PMEM"
size=$(( $(stat -c %s "$img") / 512 ))
pmf_dm_error_table "$size" "$dstart" "$dlen" "$istart" "$ilen" > "$job/table"
cat > "$job/job.sh" <<EOF
insmod ./dm-mod.ko || exit 3
export LD_LIBRARY_PATH=/job/lib DM_DISABLE_UDEV=1
./dmsetup create bad table || exit 4
mkdir -p /mnt
mount -t xfs /dev/mapper/bad /mnt || exit 5
./xfs_pmem watch /mnt --repair --invalidate --timeout 300 > \$OUT/watch.jsonl 2> \$OUT/watch.err &
pid=\$!
# Wait (60 s at most) until it listens.
i=0
until grep -q '"watching"' \$OUT/watch.jsonl 2>/dev/null || [ \$i -ge 300 ]; do
	sleep 0.2; i=\$((i + 1))
done
# A mount has one monitor: a second watch must say so and exit 8.
./xfs_pmem watch /mnt --timeout 2 > \$OUT/second.out 2> \$OUT/second.err
echo \$? > \$OUT/second.rc
# Two windows, 16 good sectors either side of each bad range.
{ ./verifymedia /mnt $((dstart - 16)) $((dstart + dlen + 16)) &&
  ./verifymedia /mnt $((istart - 16)) $((istart + ilen + 16)); } > \$OUT/verifymedia.txt 2>&1
echo \$? > \$OUT/verifymedia.rc
# Then until the last bad range is reported (120 s at most).  Events come
# in order, but the kernel may merge adjacent ones that queue up.
i=0
until grep -q '"media_error".*"offset":$((istart * 512)),' \$OUT/watch.jsonl || [ \$i -ge 600 ]; do
	sleep 0.2; i=\$((i + 1))
done
umount /mnt || { sleep 5; umount /mnt; }
# The unmount event ends it; a hang is a failure, not a stuck guest.
i=0
while kill -0 \$pid 2>/dev/null && [ \$i -lt 300 ]; do
	sleep 0.2; i=\$((i + 1))
done
if kill -0 \$pid 2>/dev/null; then
	kill \$pid; echo hung > \$OUT/watch.rc
else
	wait \$pid; echo \$? > \$OUT/watch.rc
fi
./dmsetup remove bad
EOF

"$PMF_SRC/tests/guest/run" --timeout "${PMF_GUEST_TIMEOUT:-600}" \
	--xfsprogs "$XFSPROGS_DIR" --job "$job" --out "$TMP/out" --disk "$img" ||
	pmf_fail "guest job failed (exit $?): $(tail -5 "$TMP/out/console.log" 2>/dev/null)"
out=$TMP/out
rc=$(cat "$out/watch.rc")
[ "$rc" = 0 ] || pmf_fail "watch exited $rc: $(cat "$out/watch.err")"
[ -s "$out/watch.err" ] && pmf_fail "watch wrote to stderr: $(head -c 500 "$out/watch.err")"
rc=$(cat "$out/second.rc")
[ "$rc" = 8 ] && grep -q "already has a health monitor" "$out/second.err" ||
	pmf_fail "a second watch exited $rc: $(cat "$out/second.err" "$out/second.out")"
[ "$(cat "$out/verifymedia.rc")" = 0 ] ||
	pmf_fail "verifymedia failed: $(cat "$out/verifymedia.txt")"
"$PYTHON" - "$out/watch.jsonl" "$vino" $((dstart * 512)) $((dlen * 512)) \
	$((istart * 512)) $((ilen * 512)) <<'PY' || pmf_fail "watch's report: $(cat "$out/watch.jsonl")"
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
vino, d0, dl, i0, il = map(int, sys.argv[2:])
assert lines[0]["event"] == "watching", lines[0]
assert lines[-1]["event"] == "unmount", lines[-1]
media = [l for l in lines if l["event"] == "media_error"]
# simulate's impact members (doc/simulate-json.md), all of them but verify's.
members = {"dev", "start", "length", "owner", "inode", "foffset", "flags",
           "effect", "ag", "agbno", "blocks", "headers", "on-media-loss",
           "on-remove", "metafile", "path"}
for m in media:
    for i in m["impacts"]:
        assert set(i) - {"children"} == members, ("not simulate's schema", i)
data = inobt = 0
for m in media:
    assert m["dev"] == "data", m
    s, e = m["offset"], m["offset"] + m["length"]
    if d0 <= s and e <= d0 + dl:
        # The victim's data, at the file offset of this part of the extent.
        imp = [i for i in m["impacts"] if i["owner"] == "data"]
        assert len(imp) == 1 and imp[0]["inode"] == vino, m
        assert imp[0]["foffset"] == s - d0 and imp[0]["effect"] == "data-lost", m
        assert imp[0]["start"] == s and imp[0]["length"] == e - s, m
        assert imp[0]["path"] == ["/victim"], m
        assert m["repair"] == [], m
        # invalidate: the file's lost range dropped from the page cache.
        assert m["invalidate_exit"] == 0, m
        pc = m["invalidate"]["pagecache"]
        assert [(p["inode"], p["foffset"], p["length"]) for p in pc] == \
            [(vino, s - d0, e - s)], m
        assert m["invalidate"]["mappings"] == [], m
        assert s == d0 + data, ("a gap or an overlap", data, m)
        data += e - s
    elif i0 <= s and e <= i0 + il:
        imp = [i for i in m["impacts"] if i["owner"] == "inobt"]
        assert len(imp) == 1 and imp[0]["ag"] == 1, m
        rep = [r for r in m["repair"] if r["structure"] == "inobt"]
        assert len(rep) == 1 and rep[0]["ag"] == 1, m
        inobt += 1
        print("inobt repair:", rep[0])
    else:
        raise AssertionError("media error outside the bad ranges: %s" % m)
assert data == dl and inobt == 1, (data, inobt, media)
print("%d media error events (%d bytes of the file data, %d in the inobt)" %
      (len(media), data, inobt))
for m in media[:1] + [m for m in media if any(i["owner"] == "inobt" for i in m["impacts"])]:
    print(json.dumps(m)[:400])
PY
