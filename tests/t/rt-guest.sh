#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Realtime device losses, checked against a kernel that has realtime XFS.
# The host kernel has none, so one QEMU guest boot (tests/guest) fills two
# image sets made here by mkfs 6.13 (no realtime rmap: mkfs 6.13 refuses
# rmapbt with a realtime device):
#   A  data + external log + rt, rt extent 4k, PMF_RT_FILES (12500) made, some deleted: over 10000 rt files;
#   B  metadir with 4 rtgroups, internal log, rt extent 16k, 1500 files.
# The guest writes each file's extent map (XFS_IOC_GETBMAPX, what `xfs_io
# -c 'bmap -v'` shows) and GETFSMAP of the rt and log devices.  Then, on the
# host, `xfs_pmem simulate --device rt` must match them record for record on
# seeded random ranges and on the whole device, whole-log loss must match
# GETFSMAP's log record, xfs_repair -n must find the images clean, and the
# images must be byte-identical after all the analysis.
#
# Guest kernel 7.2.13 reports the whole last rtgroup of B as "unknown" in
# GETFSMAP, free space included, although the rt bitmap (checked by
# xfs_repair -n against every file's extents) says it is free: there the
# oracle takes free space to be what no file maps.
#
# The test boots the guest once.  scripts/test runs it in the sanitizer
# lane with PMF_GUEST_PLAIN_BUILD (the -Werror build, used for the full
# range set) and PMF_ASAN_BUILD (checked on fewer ranges) set; with
# PMF_SKIP_GUEST=1 it is skipped (the other lane).
. "$PMF_SRC/tests/lib.sh"
pmf_require_root
pmf_require_guest

seed=${PMF_SEED:-$(( (RANDOM << 15) | RANDOM ))}
echo "seed $seed"
nfiles=${PMF_RT_FILES:-12500}
count=${PMF_RT_COUNT:-150}

# The guest's helper is static: the guest has no libc of its own.
mkdir -p "$TMP/job"
gcc -static -O2 -Wall -Wextra -Werror -isystem "$XFSPROGS_DIR/include" \
	-o "$TMP/job/rtfill" "$PMF_SRC/tests/rt/rtfill.c" ||
	pmf_fail "cannot build tests/rt/rtfill.c statically"
cat > "$TMP/job/job.sh" <<EOF
set -e
mkdir -p /mnt/a /mnt/b
mount -t xfs -o logdev=/dev/vdb,rtdev=/dev/vdc /dev/vda /mnt/a
./rtfill /mnt/a $seed $nfiles \$OUT/a-bmap.txt
xfs_io -c 'fsmap -r -m' /mnt/a > \$OUT/a-fsmap-r.csv
xfs_io -c 'fsmap -l -m' /mnt/a > \$OUT/a-fsmap-l.csv
umount /mnt/a
mount -t xfs -o rtdev=/dev/vde /dev/vdd /mnt/b
./rtfill /mnt/b $((seed + 1)) 1500 \$OUT/b-bmap.txt
xfs_io -c 'fsmap -r -m' /mnt/b > \$OUT/b-fsmap-r.csv
umount /mnt/b
EOF

cd "$TMP"
truncate -s 512M a.data b.data
truncate -s 64M a.log
truncate -s 2G a.rt
truncate -s 1G b.rt
"$MKFS" -q -m rmapbt=0,reflink=0 -l logdev=a.log,size=64m \
	-r rtdev=a.rt,extsize=4k a.data || pmf_fail "mkfs A"
"$MKFS" -q -m metadir=1,rmapbt=0,reflink=0 -r rtdev=b.rt,extsize=16k,rgcount=4 \
	b.data || pmf_fail "mkfs B"

start=$(date +%s)
"$PMF_SRC/tests/guest/run" --timeout "${PMF_GUEST_TIMEOUT:-900}" \
	--xfsprogs "$XFSPROGS_DIR" --job "$TMP/job" --out "$TMP/out" \
	--disk a.data --disk a.log --disk a.rt --disk b.data --disk b.rt ||
	pmf_fail "guest job failed (exit $?); console: $TMP/out/console.log"
echo "guest boot and fill: $(( $(date +%s) - start ))s"
# What the guest saw stays with the test log, for a failure's post-mortem.
rm -rf "$PMF_BUILD/test-logs/rt-guest.out"
cp -r out "$PMF_BUILD/test-logs/rt-guest.out"
grep -c '^F' out/a-bmap.txt | sed 's/^/A: paths in the dump: /'

# The guest unmounted cleanly: repair must agree with what it left.
"$XFS_REPAIR" -n -l a.log -r a.rt a.data > repair-a.log 2>&1 ||
	pmf_fail "xfs_repair -n A: $(tail -n 5 repair-a.log)"
"$XFS_REPAIR" -n -r b.rt b.data > repair-b.log 2>&1 ||
	pmf_fail "xfs_repair -n B: $(tail -n 5 repair-b.log)"

before=$("$PYTHON" "$PMF_SRC/tests/imghash.py" a.data a.log a.rt b.data b.rt)

rtbytes() {
	"$XFS_PMEM" info "$@" --json | "$PYTHON" -c '
import json, sys
g = json.load(sys.stdin)["filesystems"][0]
print(int(g["rblocks"]) * int(g["blocksize"]))'
}
asize=$(rtbytes a.data -l a.log -r a.rt) || pmf_fail "info A"
bsize=$(rtbytes b.data -r b.rt) || pmf_fail "info B"

oracle() {
	local bin=$1 n=$2 s=$3
	"$PYTHON" "$PMF_SRC/tests/rt/rt-oracle.py" --xfs-pmem "$bin" \
		--data a.data --log a.log --rt a.rt --rt-size "$asize" \
		--dump out/a-bmap.txt --fsmap out/a-fsmap-r.csv --mnt /mnt/a \
		--min-rt-files "${PMF_RT_MIN_FILES:-10000}" \
		--seed "$s" --count "$n" || pmf_fail "A: rt ranges differ from the guest kernel"
	"$PYTHON" "$PMF_SRC/tests/rt/rt-oracle.py" --xfs-pmem "$bin" \
		--data b.data --rt b.rt --rt-size "$bsize" \
		--fsmap-trust-below "$((bsize / 4 * 3))" --rtsb-bytes 16384 \
		--dump out/b-bmap.txt --fsmap out/b-fsmap-r.csv --mnt /mnt/b \
		--seed "$((s + 1))" --count "$((n / 2))" || pmf_fail "B: rt ranges differ from the guest kernel"
}
oracle "$GUEST_PMEM" "$count" "$seed"
if [ -n "${PMF_ASAN_BUILD:-}" ]; then
	echo "the same through the sanitizer build:"
	oracle "$PMF_ASAN_BUILD/xfs_pmem/xfs_pmem" "${PMF_RT_ASAN_COUNT:-6}" "$((seed + 7))"
fi

# Whole external log: one record, the size GETFSMAP gives for the log.
"$PYTHON" - out/a-fsmap-l.csv "$XFS_PMEM" <<'PY' || pmf_fail "whole-log loss differs from GETFSMAP"
import json, subprocess, sys
rows = [l.split(",") for l in open(sys.argv[1]) if l[:1].isdigit()]
assert len(rows) == 1, rows
want = int(rows[0][8]) * 512
p = subprocess.run([sys.argv[2], "simulate", "a.data", "-l", "a.log", "-r", "a.rt",
                    "--device", "log", "--offset", "0", "--length", str(64 << 20),
                    "--json", "--bytes"], capture_output=True, text=True)
assert not p.stderr, p.stderr
imps = json.loads(p.stdout)["impacts"]
assert [(i["owner"], i["start"], i["length"]) for i in imps] == [("log", 0, want)], imps
print("whole log: one log record of %d bytes, as GETFSMAP says" % want)
PY

after=$("$PYTHON" "$PMF_SRC/tests/imghash.py" a.data a.log a.rt b.data b.rt)
[ "$before" = "$after" ] || pmf_fail "analysis changed the images"
echo "images unchanged"
