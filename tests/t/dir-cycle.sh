#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A directory whose entry names the directory itself is corrupt, and must
# cost nothing but that entry: the directory is read once, so its files
# keep their one path.  Without parent pointers the paths come from a walk
# of the tree; read again at each level, the directory queued itself
# without end, and the walk stopped only when it had counted more
# directories than the superblock's inode count ("cycle?", exit 8), or
# never with that count made huge.  The inventory of repair reads the tree
# the same way (tests/fuzz/regress/dir-self-entry.patch).  Nor may the
# entry count as /d's parent: /e and /g put it where the lookup of /d's
# parent lands first, and the paths below /d were lost.
. "$PMF_SRC/tests/lib.sh"
pmf_require_root

img="$TMP/fs.img" mnt="$TMP/mnt"
pmf_mkfs "$img" 300M -- -m rmapbt=1 -n parent=0
pmf_mount "$img" "$mnt"
mkdir -p "$mnt/d/s" "$mnt/e" "$mnt/g"
head -c 64K /dev/urandom > "$mnt/d/f1"
head -c 64K /dev/urandom > "$mnt/d/f2"
dino=$(stat -c %i "$mnt/d")
f1ino=$(stat -c %i "$mnt/d/f1")
f2ino=$(stat -c %i "$mnt/d/f2")
pmf_umount "$mnt"

# Entry "s" of /d (short form) now names /d; the tree walk reads /d again
# through it.  An inode count beyond any real one takes the old guard away.
entry=$("$XFS_DB" -r -c "inode $dino" -c 'print u3.sfdir3.list' "$img" |
	sed -n 's/^u3.sfdir3.list\[\([0-9]*\)\].name = "s"$/\1/p')
[ -n "$entry" ] || pmf_fail "no entry s in /d"
"$XFS_DB" -x -c "inode $dino" -c "write u3.sfdir3.list[$entry].inumber.i4 $dino" \
	"$img" > /dev/null || pmf_fail "cannot point s at /d"
"$XFS_DB" -x -c 'sb 0' -c 'write -d icount 0xf8ff000000' "$img" > /dev/null ||
	pmf_fail "cannot set icount"
sum=$(pmf_sha "$img")

timeout 120 "$XFS_PMEM" simulate "$img" --device data --whole --json -b \
	-o owner,inode,flags,path > "$TMP/whole.json" 2> "$TMP/err"
rc=$?
[ $rc = 124 ] && pmf_fail "simulate --whole still runs after 120 s"
[ $rc -lt 8 ] || pmf_fail "simulate --whole exited $rc: $(head -2 "$TMP/err")"
"$PYTHON" - "$TMP/whole.json" "$f1ino" "$f2ino" <<'PY' || pmf_fail "paths wrong"
import json, sys
rows = json.load(open(sys.argv[1]))["impacts"]
want = {int(sys.argv[2]): ["/d/f1"], int(sys.argv[3]): ["/d/f2"]}
seen = set()
for r in rows:
    if r["owner"] == "data" and r["inode"] in want:
        assert r["path"] == want[r["inode"]], r
        assert "paths-partial" not in (r["flags"] or ""), r
        seen.add(r["inode"])
assert seen == set(want), seen
PY
[ "$(pmf_sha "$img")" = "$sum" ] || pmf_fail "the image changed"
echo "a directory naming itself: read once, its files' paths found (exit $rc)"
