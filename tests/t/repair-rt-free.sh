#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# repair --device rt on the host, without the guest: losses of free
# realtime space and of the rt superblock, on empty realtime filesystems
# made by mkfs 6.13 (the host kernel cannot mount one to fill it; the
# filled case is tests/t/repair-rt-sweep.sh, in the guest):
#   L  legacy rt, rt extent 16k, external log;
#   G  metadir with 4 rtgroups of 6144 blocks, rt extent 8k.
# For seeded random ranges (not rt extent aligned), each damaged with
# inject: repair --apply must quarantine exactly the rt extents the range
# touches, and xfs_db must show /pmemfail-quarantine-rt as a realtime file
# mapping each at a file offset equal to its rt block number (on G the
# rtgroup number in the high bits); xfs_repair -n must find it clean; a
# second repair of the same range finds those blocks as the lost data of
# the quarantine file, unmaps them, records them in its
# trusted.pmemfail.lost and quarantines them again; undo of both must
# give back the damaged images byte for byte.  On G a loss of the rt
# superblock must make repair run xfs_repair, which rewrites it.  A
# /pmemfail-quarantine-rt that is a plain file is refused (exit 12).
. "$PMF_SRC/tests/lib.sh"
pmf_require_root

seed=${PMF_SEED:-$(( (RANDOM << 15) | RANDOM ))}
count=${PMF_RT_FREE_COUNT:-4}
echo "seed $seed, $count ranges per filesystem"
cd "$TMP"
truncate -s 96M l.data l.rt g.data g.rt
truncate -s 16M l.log
TEST_DIR=$TMP TEST_DEV=l.data QA_CHECK_FS=1 "$MKFS" -q -m rmapbt=0,reflink=0 \
	-l logdev=l.log,size=16m -r rtdev=l.rt,extsize=16k l.data || pmf_fail "mkfs L"
TEST_DIR=$TMP TEST_DEV=g.data QA_CHECK_FS=1 "$MKFS" -q -m metadir=1,rmapbt=0,reflink=0 \
	-r rtdev=g.rt,extsize=8k,rgcount=4 g.data || pmf_fail "mkfs G"

# sbval FIELD DATA [-l LOG]: a superblock field, through xfs_db.
sbval() {
	local v
	v=$("$XFS_DB" -r "${@:2}" -c 'sb 0' -c "print $1" | awk '{ print $3 }')
	[ -n "$v" ] || pmf_fail "xfs_db cannot print $1 of $2"
	echo "$v"
}

# check SET RANGE_OFF RANGE_LEN MANIFEST DATA [-l LOG]: the quarantine
# file against the range and the manifest, through xfs_db.
check_quarantine() {
	local set=$1 off=$2 len=$3 man=$4
	shift 4
	local rext rblocks gblocks=0 bs
	bs=$(sbval blocksize "$@")
	rext=$(sbval rextsize "$@")
	rblocks=$(sbval rblocks "$@")
	[ "$set" = g ] && gblocks=$(( $(sbval rgextents "$@") * rext ))
	"$XFS_DB" -r "$@" -c 'path /pmemfail-quarantine-rt' -c 'print core.realtime' \
		-c bmap > qmap.txt || pmf_fail "$set: xfs_db cannot read /pmemfail-quarantine-rt"
	"$PYTHON" - qmap.txt "$man" "$off" "$len" "$bs" "$rext" "$gblocks" <<'PY' || exit 1
import json, re, sys
qmap, man, off, length, bs, rext, gblocks = sys.argv[1:2] + [sys.argv[2]] + [int(x) for x in sys.argv[3:]]
text = open(qmap).read()
if "core.realtime = 1" not in text:
    sys.exit("FAIL: /pmemfail-quarantine-rt is not a realtime file: " + text)
held, written, unwritten = set(), set(), set()
# "data offset F startblock B [(RGNO/RGBNO)] count N flag U": the rtgroup
# part only on a filesystem with rtgroups.
for m in re.finditer(r"data offset (\d+) startblock (\d+) (?:\((\d+)/(\d+)\) )?count (\d+) flag (\d)", text):
    foff, rtb, count, flag = (int(m.group(i)) for i in (1, 2, 5, 6))
    if foff != rtb:
        sys.exit("FAIL: extent at file block %d maps rt block %d" % (foff, rtb))
    if gblocks and m.group(3) is None:
        sys.exit("FAIL: no rtgroup in xfs_db's bmap: " + m.group(0))
    dev = int(m.group(3)) * gblocks + int(m.group(4)) if gblocks else rtb
    held.update(range(dev, dev + count))
    (unwritten if flag else written).update(range(foff, foff + count))
rtx = rext * bs
first, end = off // rtx * rext, (off + length + rtx - 1) // rtx * rext
want = set(range(first, end))
m = json.load(open(man))
listed = {b for q in m["quarantine"]
          for b in range(q["start"] // bs, (q["start"] + q["length"]) // bs)}
# What a repair of the quarantine file's own blocks left unwritten in it:
# an rt extent the range covers only in part (file blocks are rt blocks).
left = {b for u in m["unwritten"]
        for b in range(u["foffset"] // bs, (u["foffset"] + u["length"]) // bs)}
if held != want or not listed <= want or unwritten != left:
    sys.exit("FAIL: quarantine file holds %s (unwritten %s), manifest quarantine %s"
             " unwritten %s, the range's rt extents %d..%d"
             % (sorted(held)[:4], sorted(unwritten)[:4], sorted(listed)[:4],
                sorted(left)[:4], first, end))
if not m["unwritten"] and listed != want:
    sys.exit("FAIL: manifest quarantine %s, the range's rt extents %d..%d"
             % (sorted(listed)[:4], first, end))
print("  quarantine: %d rt blocks (%d unwritten) at their rt block numbers, as the manifest says"
      % (len(held), len(unwritten)))
PY
}

# repair_pass K WHAT (inside run()): repair --apply with undoK and mK.json;
# it must exit 1, leave xfs_repair -n clean and quarantine the range.
repair_pass() {
	local k=$1 what=$2 rc
	"$XFS_PMEM" repair w.data "${dev[@]}" --device rt --offset "$off" --length "$len" \
		--apply --undo "undo$k" --manifest "m$k.json" > "r$k.out" 2>&1
	rc=$?
	[ $rc = 1 ] || pmf_fail "$set $n: $what exited $rc: $(tail -3 "r$k.out")"
	"$XFS_REPAIR" -n "${dev[@]}" w.data > rn.log 2>&1 ||
		pmf_fail "$set $n: xfs_repair -n after the $what: $(grep -v '^ ' rn.log | tail -5)"
	check_quarantine "$set" "$off" "$len" "m$k.json" w.data "${dbdev[@]}" || exit 1
}

run() {
	local set=$1 n=$2 off=$3 len=$4
	shift 4
	local dev=("$@") dbdev=()
	[ "$set" = l ] && dbdev=(-l w.log)
	echo "$set $n: $off+$len"
	for f in data rt log; do
		[ -f "$set.$f" ] && cp --sparse=always "$set.$f" "w.$f"
	done
	rm -f undo1 undo2 m1.json m2.json
	"$XFS_PMEM" inject w.data "${dev[@]}" --device rt --offset "$off" --length "$len" \
		--mode random --seed "$n" --yes > /dev/null || pmf_fail "$set $n: inject"
	for f in data rt log; do
		[ -f "w.$f" ] && cp --sparse=always "w.$f" "dmg.$f"
	done
	repair_pass 1 repair
	# Again: the quarantined blocks are now the quarantine file's data.
	repair_pass 2 "second repair"
	"$PYTHON" - m1.json m2.json <<'PY' || pmf_fail "$set $n: second manifest"
import json, sys
m1, m2 = (json.load(open(p)) for p in sys.argv[1:])
q = sum(x["length"] for x in m1["quarantine"])
files = m2["files"]
if (not files or any(f["path"] != ["/pmemfail-quarantine-rt"] for f in files)
        or sum(f["length"] for f in files) > q):
    sys.exit("FAIL: second repair: %s" % m2)
PY
	"$XFS_DB" -x -r "${dbdev[@]}" -c 'path /pmemfail-quarantine-rt' \
		-c 'attr_get -r pmemfail.lost' w.data > attr.txt 2>&1
	"$PYTHON" - m2.json attr.txt <<'PY' || pmf_fail "$set $n: trusted.pmemfail.lost of the quarantine file: $(head -3 attr.txt)"
import json, sys
want = {(f["foffset"], f["length"]) for f in json.load(open(sys.argv[1]))["files"]}
got = {tuple(int(x) for x in l.split()) for l in open(sys.argv[2]) if l.strip()}
sys.exit(0 if got == want else "FAIL: %s, manifest %s" % (got, want))
PY
	"$XFS_PMEM" undo undo2 --yes > /dev/null && "$XFS_PMEM" undo undo1 --yes > /dev/null ||
		pmf_fail "$set $n: undo failed"
	for f in data rt log; do
		[ -f "w.$f" ] && { cmp -s "w.$f" "dmg.$f" ||
			pmf_fail "$set $n: undo did not restore the damaged $f"; }
	done
	rm -f w.* dmg.*
	echo "$set $n" >> done.list
}

RANDOM=$seed
for set in l g; do
	dev=(-r w.rt) dbdev=()
	[ $set = l ] && dev+=(-l w.log) dbdev=(-l l.log)
	rblocks=$(sbval rblocks $set.data "${dbdev[@]}")
	size=$((rblocks * $(sbval blocksize $set.data "${dbdev[@]}")))
	for n in $(seq 1 "$count"); do
		off=$(( ((RANDOM << 15 | RANDOM) % (size / 512 - 8192) + 64) * 512 ))
		len=$(( (1 + RANDOM % 4096) * 512 ))
		run $set "$n" "$off" "$len" "${dev[@]}"
	done
done
[ "$(grep -c '' done.list 2>/dev/null)" = $((2 * count)) ] ||
	pmf_fail "only $(grep -c '' done.list 2>/dev/null) of $((2 * count)) ranges ran"

# The rt superblock of G: metadata, for xfs_repair.
rm -f undo1 m1.json
cp --sparse=always g.data w.data && cp --sparse=always g.rt w.rt
"$XFS_PMEM" inject w.data -r w.rt --device rt --offset 0 --length 4096 \
	--mode random --seed "$seed" --yes > /dev/null || pmf_fail "inject rtsb"
"$XFS_REPAIR" -n -r w.rt w.data > rn.log 2>&1 && pmf_fail "xfs_repair -n does not see the damaged rt superblock"
"$XFS_PMEM" repair w.data -r w.rt --device rt --offset 0 --length 4096 --apply \
	--undo undo1 --manifest m1.json > r1.out 2>&1
rc=$?
[ $rc = 1 ] && grep -q "^running .*xfs_repair" r1.out ||
	pmf_fail "rt superblock: repair exited $rc without xfs_repair: $(tail -3 r1.out)"
"$XFS_REPAIR" -n -r w.rt w.data > rn.log 2>&1 ||
	pmf_fail "rt superblock: xfs_repair -n is not clean: $(grep -v '^ ' rn.log | tail -5)"
echo "G rt superblock: repaired by xfs_repair, clean"

# A /pmemfail-quarantine-rt that is not a realtime file: refused, undone.
echo hi > hi.txt
printf 'x\n0 0\nd--755 0 0\npmemfail-quarantine-rt ---644 0 0 %s\n$\n' "$TMP/hi.txt" > proto
truncate -s 96M q.data q.rt
TEST_DIR=$TMP TEST_DEV=q.data QA_CHECK_FS=1 "$MKFS" -q -p proto -m rmapbt=0,reflink=0 \
	-r rtdev=q.rt q.data || pmf_fail "mkfs Q"
cp --sparse=always q.data q0.data
"$XFS_PMEM" repair q.data -r q.rt --device rt --offset 1m --length 4k --apply \
	--undo undoq --manifest mq.json > rq.out 2>&1
rc=$?
[ $rc = 12 ] && grep -q "^xfs_pmem: /pmemfail-quarantine-rt exists and is not a realtime regular file$" rq.out ||
	pmf_fail "a plain /pmemfail-quarantine-rt: exit $rc: $(tail -2 rq.out)"
"$XFS_PMEM" undo undoq --yes > /dev/null && cmp -s q.data q0.data ||
	pmf_fail "a plain /pmemfail-quarantine-rt: undo did not restore the image"
echo "a plain /pmemfail-quarantine-rt: refused (exit 12), undone"
