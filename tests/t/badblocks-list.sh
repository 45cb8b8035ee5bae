#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The damage as the kernel's bad-block list (simulate/verify --badblocks)
# and as ndctl gives it (--ndctl-json):
# a random list (seed printed) with duplicates, overlaps, adjacent entries,
# blank lines and sectors past the filesystem, over files, an inode chunk,
# btree blocks and free space.  The one report must be, row for row, the
# concatenation of single-range runs over the ranges the list merges to
# (merged here, in the test, not by the code), each row naming its range;
# its summary must count each file once.  A malformed line is refused with
# its line number, exit 16.
. "$PMF_SRC/tests/lib.sh"

seed=${PMF_SEED:-$RANDOM}
echo "seed $seed"
img=$TMP/fs.img
pmf_mkfs "$img" 512M -- -m rmapbt=1,reflink=1 -d agcount=4
pmf_mount "$img" "$TMP/mnt"
mkdir "$TMP/mnt/d"
for i in $(seq 1 40); do
	dd if=/dev/urandom of="$TMP/mnt/d/f$i" bs=4k count=$((i % 7 + 1)) status=none
done
touch "$TMP/mnt/d/e"{1..100}
pmf_first_extent "$TMP/mnt/d/f6" fstart flen
pmf_umount "$TMP/mnt"
sectors=$(( $(stat -c %s "$img") / 512 ))

"$PYTHON" - "$seed" "$sectors" "$TMP/bb" "$TMP/want" "$fstart" <<'PY'
import random, sys
seed, sectors, fstart = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[5])
rnd = random.Random(seed)
# Mostly the first 4 MiB of each AG (headers, btrees, inodes, the files).
ag = sectors // 4
ents = []
for _ in range(60):
    base = rnd.randrange(4) * ag
    s = base + rnd.randrange(8192)
    ents.append((s, rnd.choice([1, 1, 8, 8, 16, 64])))
# AG 0 and AG 1 headers, AG 0's btree roots and first inode chunk, and
# the first block of a file.
ents += [(0, 8), (16, 8), (128, 8), (ag, 8), (ag + 24, 8), (fstart, 8)]
ents.append(ents[0])                                     # a duplicate
ents.append((ents[1][0] + ents[1][1], 8))                # adjacent
ents.append((ents[2][0] + max(ents[2][1] // 2, 0), 16))  # overlapping
ents.append((sectors + 100, 8))                          # past the end
with open(sys.argv[3], "w") as f:
    for i, (s, n) in enumerate(ents):
        f.write("%d %d\n" % (s, n))
        if i == 10:
            f.write("\n")
inside = sorted((s, n) for s, n in ents if s < sectors)
merged = []
for s, n in inside:
    if merged and s <= merged[-1][0] + merged[-1][1]:
        end = max(merged[-1][0] + merged[-1][1], s + n)
        merged[-1][1] = end - merged[-1][0]
    else:
        merged.append([s, n])
with open(sys.argv[4], "w") as f:
    for s, n in merged:
        f.write("%d %d\n" % (s * 512, n * 512))
PY
echo "list: $(wc -l < "$TMP/bb") lines, $(wc -l < "$TMP/want") ranges once merged"

cols=range,dev,start,length,owner,inode,foffset,flags,effect,ag,agbno,blocks,headers,on-media-loss,on-remove,metafile,path
"$XFS_PMEM" simulate "$img" --device data --badblocks "$TMP/bb" --json -b -o "$cols" \
	> "$TMP/list.json" 2> "$TMP/list.err"
rc=$?
[ $rc -lt 8 ] || pmf_fail "simulate --badblocks exited $rc: $(cat "$TMP/list.err")"
grep -q "bytes of the list lie past the .* data device: not its" "$TMP/list.err" ||
	pmf_fail "no word of the entry past the filesystem: $(cat "$TMP/list.err")"
i=0
while read -r off len; do
	"$XFS_PMEM" simulate "$img" --device data --offset "$off" --length "$len" \
		--json -b -o "${cols#range,}" > "$TMP/one.$i.json" 2> "$TMP/one.err" ||
		[ $? -lt 8 ] || pmf_fail "simulate of $off+$len failed: $(cat "$TMP/one.err")"
	i=$((i + 1))
done < "$TMP/want"

"$PYTHON" - "$TMP/list.json" "$TMP/want" "$TMP" <<'PY' || pmf_fail "the list's report differs from the single runs"
import json, sys
doc = json.load(open(sys.argv[1]))
want = [tuple(map(int, l.split())) for l in open(sys.argv[2])]
rows, files = [], set()
for i, (off, ln) in enumerate(want):
    one = json.load(open("%s/one.%d.json" % (sys.argv[3], i)))
    for r in one["impacts"]:
        rng = "%d+%d" % (off, ln)
        r = dict(r, range=rng)
        if "children" in r:
            r["children"] = [dict(c, range=rng) for c in r["children"]]
        rows.append(r)
        if r["effect"] == "data-lost" and r["owner"] in ("data", "attr"):
            files.add(r["inode"])
got = doc["impacts"]
if got != rows:
    for k, (g, w) in enumerate(zip(got, rows)):
        if g != w:
            sys.exit(("row %d: list %r, single %r" % (k, g, w))[:600])
    sys.exit("list has %d rows, the single runs %d" % (len(got), len(rows)))
owners = sorted({r["owner"] for r in rows})
if not {"ag-headers", "inodes", "data", "free"} <= set(owners):
    sys.exit("the list missed what it aims at: owners %s" % owners)
if doc["summary"][0]["files"] != len(files):
    sys.exit("summary files %r, the rows name %d" % (doc["summary"][0]["files"], len(files)))
print("%d rows over %d ranges, owners %s, %d files" % (len(rows), len(want), ",".join(owners), len(files)))
PY

# The same list on stdin, and verify takes it too.
"$XFS_PMEM" simulate "$img" --device data --badblocks - --json -b -o "$cols" \
	< "$TMP/bb" > "$TMP/stdin.json" 2>/dev/null
cmp -s "$TMP/list.json" "$TMP/stdin.json" || pmf_fail "the list on stdin gives another report"
"$XFS_PMEM" verify "$img" --device data --badblocks "$TMP/bb" > "$TMP/verify.out" 2>&1
rc=$?
[ $rc -lt 8 ] || pmf_fail "verify --badblocks exited $rc: $(tail -n 3 "$TMP/verify.out")"

# The same damage as `ndctl list --media-errors` gives it, flat and nested
# in a region (an image has no namespace: the one with bad blocks stands
# for it), must give the same report.
"$PYTHON" - "$TMP/bb" "$TMP" <<'PY'
import json, sys
ents = [tuple(map(int, l.split())) for l in open(sys.argv[1]) if l.strip()]
ns = {"dev": "namespace0.0", "mode": "fsdax", "map": "dev", "blockdev": "pmem0",
      "badblock_count": len(ents),
      "badblocks": [{"offset": s, "length": n, "dimms": ["nmem0"]} for s, n in ents]}
other = {"dev": "namespace1.0", "mode": "fsdax", "blockdev": "pmem1"}
json.dump([ns, other], open(sys.argv[2] + "/ndctl-flat.json", "w"), indent=2)
json.dump({"provider": "ACPI.NFIT", "dev": "ndbus0", "regions": [
    {"dev": "region0", "badblock_count": len(ents), "namespaces": [ns]},
    {"dev": "region1", "namespaces": [other]}]},
    open(sys.argv[2] + "/ndctl-nested.json", "w"), indent=2)
two = dict(other, badblocks=[{"offset": 8, "length": 8, "dimms": ["nmem1"]}])
json.dump([ns, two], open(sys.argv[2] + "/ndctl-two.json", "w"))
PY
for form in flat nested; do
	"$XFS_PMEM" simulate "$img" --device data --ndctl-json "$TMP/ndctl-$form.json" \
		--json -b -o "$cols" > "$TMP/ndctl-$form.out" 2>/dev/null
	cmp -s "$TMP/list.json" "$TMP/ndctl-$form.out" ||
		pmf_fail "--ndctl-json ($form) gives another report than --badblocks"
done
pmf_bad 16 "simulate: $TMP/ndctl-two.json: no namespace backs the data device $img (2 namespaces, 2 with bad blocks)" \
	"$XFS_PMEM" simulate "$img" --device data --ndctl-json "$TMP/ndctl-two.json"
echo '[{"blockdev": "pmem0", "badblocks": [{"offset": -1, "length": 8}]}]' > "$TMP/ndctl-bad.json"
pmf_bad 16 "simulate: $TMP/ndctl-bad.json: namespace pmem0: badblocks is not a list of offset and length" \
	"$XFS_PMEM" simulate "$img" --device data --ndctl-json "$TMP/ndctl-bad.json"
echo '[{"blockdev": ' > "$TMP/ndctl-bad.json"
pmf_bad 16 "simulate: $TMP/ndctl-bad.json: not JSON" \
	"$XFS_PMEM" simulate "$img" --device data --ndctl-json "$TMP/ndctl-bad.json"

# Bad lists: one line naming the line, exit 16; and a list with a range.
printf '8 8\n16 x\n' > "$TMP/bad"
pmf_bad 16 "simulate: $TMP/bad:2: expected 'SECTOR COUNT', got '16 x'" \
	"$XFS_PMEM" simulate "$img" --device data --badblocks "$TMP/bad"
printf '8 -1\n' > "$TMP/bad"
pmf_bad 16 "verify: $TMP/bad:1: expected 'SECTOR COUNT'" \
	"$XFS_PMEM" verify "$img" --device data --badblocks "$TMP/bad"
pmf_bad 16 "simulate: give --offset and --length, or --whole, or --badblocks or --ndctl-json" \
	"$XFS_PMEM" simulate "$img" --device data --badblocks "$TMP/bb" --offset 0 --length 4k
pmf_bad 8 "simulate: $TMP/nonexistent: No such file or directory" \
	"$XFS_PMEM" simulate "$img" --device data --badblocks "$TMP/nonexistent"
echo "ok"
