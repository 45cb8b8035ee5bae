#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# repair --restore-orphans (issue #22): the second block of a large
# directory fails, so xfs_repair rebuilds it without those names and puts
# its files and subdirectories in lost+found.  With parent pointers the
# inventory knows their old names.  Two copies of the damaged image:
#   - repair --apply alone moves nothing: every orphan is at its
#     lost+found path, none at its old one, the manifest restores none;
#   - with --restore-orphans, every orphan the manifest says went back
#     opens at its old path with the content it had before the event (md5
#     of the snapshot taken on the mounted pristine image), the others say
#     why not, xfs_repair -n is clean, and every path of the snapshot is
#     intact or accounted for (repair-check.py);
#   - xfs_pmem undo puts the image back byte for byte.
# Without parent pointers the old names are unknown: nothing moves, and
# each orphan says so.  With them, when /big's inode chunk fails, /big is
# gone: its files stay in lost+found ("old directory gone"), and the
# repair succeeds.
. "$PMF_SRC/tests/lib.sh"
pmf_require_root

seed=${PMF_SEED:-$(( (RANDOM << 15) | RANDOM ))}
echo "seed $seed"
CHECK="$PMF_SRC/tests/repair-check.py"

# md5 MNT: every regular file and directory by path, as JSON, and each
# one's link count ("nlink:PATH").
md5s() {
	"$PYTHON" - "$1" <<'PY'
import hashlib, json, os, sys
root, out = sys.argv[1], {}
for d, ds, fs in os.walk(root):
    for n in ds:
        out["/" + os.path.relpath(os.path.join(d, n), root)] = "dir"
    for n in fs:
        p = os.path.join(d, n)
        out["/" + os.path.relpath(p, root)] = hashlib.md5(open(p, "rb").read()).hexdigest()
    for n in ds + fs:
        p = os.path.join(d, n)
        out["nlink:/" + os.path.relpath(p, root)] = os.lstat(p).st_nlink
json.dump(out, sys.stdout)
PY
}

# repair IMG MANIFEST OFF LEN [OPTION]: repair --apply, which must exit 1.
repair() {
	local img=$1 man=$2 off=$3 len=$4
	shift 4
	rm -f "$man" "$TMP/undo.$(basename "$img")"
	"$XFS_PMEM" repair "$img" --device data --offset "$off" --length "$len" --apply \
		--undo "$TMP/undo.$(basename "$img")" --manifest "$man" "$@" > "$TMP/repair.out" 2>&1
	rc=$?
	grep -v '^Metadata\|^    ' "$TMP/repair.out" | head -30
	[ $rc = 1 ] || pmf_fail "repair $* exited $rc: $(tail -3 "$TMP/repair.out")"
	"$XFS_REPAIR" -n "$img" > "$TMP/repair-n.log" 2>&1 ||
		pmf_fail "repair $*: xfs_repair -n is not clean: $(grep -v '^ ' "$TMP/repair-n.log" | tail -4)"
}

# restore_check IMG OFF LEN EXPECT: repair --apply --restore-orphans of the
# damaged IMG; undo puts IMG back; on a repaired copy, every orphan the
# manifest says went back is at its old path with its old content, the
# others say why not and are where xfs_repair put them, and every path of
# the snapshot is intact or accounted for.  EXPECT: all (every orphan went
# back, lost+found is empty), unknown (none: no old name is known),
# dir-gone (some stayed: their directory is gone).
restore_check() {
	local img=$1 off=$2 len=$3 expect=$4 out

	repair "$img" "$TMP/back.json" "$off" "$len" --restore-orphans
	grep -q '^orphans: ' "$TMP/repair.out" || pmf_fail "pptr=$pptr $expect: no orphans line"
	# Mounting writes the log: check a copy, and undo the original.
	cp --sparse=always "$img" "$TMP/check.img"
	"$XFS_PMEM" undo "$TMP/undo.$(basename "$img")" --yes > /dev/null || pmf_fail "undo failed"
	cmp -s "$base" "$img" || pmf_fail "pptr=$pptr $expect: undo did not restore the image"
	pmf_mount "$TMP/check.img" "$TMP/mnt"
	"$PYTHON" - "$TMP/back.json" "$TMP/mnt" "$TMP/md5.json" "$expect" <<'PY' ||
import hashlib, json, os, sys
m, mnt, md5 = json.load(open(sys.argv[1])), sys.argv[2], json.load(open(sys.argv[3]))
expect = sys.argv[4]
rows = [r for r in m["paths"] if r["category"] == "orphaned"]
back = [r for r in rows if r["restored"]]
why = {}
for r in rows:
    if r["restored"]:
        if r["restored"] != r["path"] or r["not_restored"]:
            sys.exit("%s: restored to %s, not_restored %s" % (r["path"], r["restored"], r["not_restored"]))
        p = mnt + r["path"]
        want = md5[r["path"]]
        got = "dir" if os.path.isdir(p) else hashlib.md5(open(p, "rb").read()).hexdigest()
        if os.lstat(p).st_ino != r["inode"] or got != want:
            sys.exit("%s: inode %d content %s, was inode %d content %s"
                     % (r["path"], os.lstat(p).st_ino, got, r["inode"], want))
        if os.lstat(p).st_nlink != md5["nlink:" + r["path"]]:
            sys.exit("%s: %d links, had %d" % (r["path"], os.lstat(p).st_nlink,
                                              md5["nlink:" + r["path"]]))
        if os.path.lexists(mnt + r["now"]) and r["now"].count("/") == 2:
            sys.exit("%s: restored, but %s is still there" % (r["path"], r["now"]))
    else:
        if not r["not_restored"]:
            sys.exit("%s: neither restored nor why not" % r["path"])
        why[r["not_restored"]] = why.get(r["not_restored"], 0) + 1
        if r["not_restored"] != "moved back under another of its names" and \
                not os.path.lexists(mnt + r["now"]):
            sys.exit("%s: not restored (%s), and %s is gone" % (r["path"], r["not_restored"], r["now"]))
print("with --restore-orphans (%s): %d orphaned, %d restored (account: %d), not restored: %s"
      % (expect, len(rows), len(back), m["account"][0]["restored"], why))
if m["account"][0]["restored"] != len(back) or not rows:
    sys.exit("the account's restored count differs from the rows, or no orphans")
if expect == "all":
    # Every name was known: all went back (a second name as a link), and
    # lost+found holds none.
    linked = [r for r in rows if "second-name" in r["path"] or "linked-" in r["path"]]
    sys.exit(len(rows) < 100 or len(back) != len(rows) or len(linked) != 10 or
             len(os.listdir(mnt + "/lost+found")) != 0)
if expect == "unknown":
    sys.exit(len(back) != 0 or why.get("old name unknown", 0) != len(rows))
sys.exit(why.get("old directory gone", 0) < 1)
PY
		pmf_fail "pptr=$pptr $expect: the orphans did not go back as the manifest says"
	out=$("$PYTHON" "$CHECK" check "$TMP/mnt" "$TMP/snap.json" "$TMP/back.json" - 2>&1) ||
		pmf_fail "pptr=$pptr $expect: $out"
	echo "$out"
	pmf_umount "$TMP/mnt"
	rm -f "$TMP/check.img"
}

for pptr in 1 0; do
	base=$TMP/base$pptr.img
	pmf_mkfs "$base" 512m -- -m rmapbt=1 -n parent=$pptr -i sparse=1
	pmf_geometry "$base" > "$TMP/geo.json"
	pmf_mount "$base" "$TMP/mnt"
	"$PYTHON" - "$TMP/mnt" "$seed" <<'PY' || pmf_fail "cannot populate"
import os, random, sys
root, rng = sys.argv[1], random.Random(int(sys.argv[2]))
os.mkdir(os.path.join(root, "keep"))
with open(os.path.join(root, "keep", "f"), "wb") as fh:
    fh.write(rng.randbytes(5000))
big = os.path.join(root, "big")
os.mkdir(big)
for i in range(100):
    with open(os.path.join(big, "entry-with-a-long-name-%05d" % i), "wb") as fh:
        fh.write(rng.randbytes(rng.choice([100, 4096, 9000])))
# Subdirectories in the failed block: they go back whole, and what is
# below them with them.
for s in range(8):
    d = os.path.join(big, "subdir-%02d" % s)
    os.mkdir(d)
    for i in range(4):
        with open(os.path.join(d, "g%d" % i), "wb") as fh:
            fh.write(rng.randbytes(3000))
# Files with two names there: one goes back by rename, one as a link.
for i in range(5):
    p = os.path.join(big, "linked-%d" % i)
    with open(p, "wb") as fh:
        fh.write(rng.randbytes(6000))
    os.link(p, os.path.join(big, "second-name-%d" % i))
for i in range(100, 500):
    with open(os.path.join(big, "entry-with-a-long-name-%05d" % i), "wb") as fh:
        fh.write(rng.randbytes(rng.choice([100, 4096, 9000])))
PY
	# Its second directory block: the first holds "." and "..", and
	# xfs_repair 6.13 leaves a directory that lost them a link short.
	read -r off len < <("$XFS_IO" -r -c bmap "$TMP/mnt/big" | "$PYTHON" -c '
import re, sys
for ln in sys.stdin:
    m = re.search(r"\[(\d+)\.\.(\d+)\]: (\d+)\.\.\d+", ln)
    if m and int(m.group(1)) <= 8 <= int(m.group(2)):
        print((int(m.group(3)) + 8 - int(m.group(1))) * 512, 4096)')
	[ -n "$len" ] || pmf_fail "/big has no second block"
	md5s "$TMP/mnt" > "$TMP/md5.json"
	"$PYTHON" "$CHECK" snap "$TMP/mnt" > "$TMP/snap.json" || pmf_fail "snapshot failed"
	bigino=$(stat -c %i "$TMP/mnt/big")
	pmf_umount "$TMP/mnt"
	pristine=$TMP/pristine.img
	cp --sparse=always "$base" "$pristine"
	echo "pptr=$pptr: /big's second block fails: $off+$len"
	"$XFS_PMEM" inject "$base" --device data --offset "$off" --length "$len" \
		--mode random --seed "$seed" --yes > /dev/null || pmf_fail "inject failed"
	cp --sparse=always "$base" "$TMP/plain.img"
	cp --sparse=always "$base" "$TMP/back.img"

	# Without the option nothing moves.
	repair "$TMP/plain.img" "$TMP/plain.json" "$off" "$len"
	pmf_mount "$TMP/plain.img" "$TMP/mnt"
	"$PYTHON" - "$TMP/plain.json" "$TMP/mnt" <<'PY' || pmf_fail "pptr=$pptr: without --restore-orphans an orphan moved"
import json, os, sys
m, mnt = json.load(open(sys.argv[1])), sys.argv[2]
rows = [r for r in m["paths"] if r["category"] == "orphaned"]
print("without the option: %d orphaned, %d restored" % (len(rows), m["account"][0]["restored"]))
bad = [r for r in rows if r["restored"] or r["not_restored"] or
       not os.path.lexists(mnt + r["now"]) or
       (not r["path"].endswith("/") and os.path.lexists(mnt + r["path"]))]
sys.exit(not rows or m["account"][0]["restored"] != 0 or bool(bad))
PY
	pmf_umount "$TMP/mnt"

	# With it, the orphans whose old names are known go back.
	restore_check "$TMP/back.img" "$off" "$len" $([ $pptr = 1 ] && echo all || echo unknown)
	if [ $pptr = 1 ]; then
		# /big's inode chunk: /big is gone, and its files of other
		# chunks stay in lost+found, each saying so.
		read -r off len < <("$PYTHON" - "$TMP/geo.json" "$bigino" <<'PY'
import json, sys
g, ino = json.load(open(sys.argv[1])), int(sys.argv[2]) & ~63
shift = g["agblklog"] + g["inopblog"]
agino = ino & ((1 << shift) - 1)
print((ino >> shift) * g["agblocks"] * g["blocksize"] +
      (agino >> g["inopblog"]) * g["blocksize"], 64 * g["inodesize"])
PY
)
		echo "pptr=$pptr: /big's inode chunk fails: $off+$len"
		cp --sparse=always "$pristine" "$base"
		"$XFS_PMEM" inject "$base" --device data --offset "$off" --length "$len" \
			--mode random --seed "$seed" --yes > /dev/null || pmf_fail "inject failed"
		cp --sparse=always "$base" "$TMP/back.img"
		restore_check "$TMP/back.img" "$off" "$len" dir-gone
	fi
	rm -f "$base" "$pristine" "$TMP/plain.img" "$TMP/back.img"
done
echo "orphans go back only when asked, and then with their content"
