#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The repair sweep's scenario 908697579 (issue #5), pinned: a data range
# loses AG 1's headers and btree roots, the inode chunk of the directory
# /d05, and the one block of /d05/clone, whose own inode chunk survives.
# With the AGI and the inobt gone, xfs_repair finds an inode chunk only
# through a surviving directory entry; the only entry of the clone was in
# /d05, so xfs_repair frees the clone's chunk and every block it mapped.
# The failed block it mapped is then free, and the quarantine takes it.
# The file is gone with its AG's inode btree: the manifest must not name
# its lost range (it did: the sweep failed here), but must account for its
# paths as inode-lost (issue #22; it once passed silently as a "cascade").
# And the quarantine made no cross-link:
#   - xfs_db's blockget finds no block claimed twice, and names only the
#     quarantine as the owner of the block;
#   - the stale inode is still on disk and still maps that block, but AG
#     1's inode btree has no inode: the filesystem has no such file.
PMF_SEED=908697577 PMF_REPAIR_FIRST=2 PMF_REPAIR_COUNT=2
. "$PMF_SRC/tests/t/repair-sweep.sh"

# The predicted file data loss of an inode that xfs_repair then dropped
# with its AG's inobt, though the prediction did not name the inode.
set -- $("$PYTHON" - "$TMP/pred.json" "$agshift" <<'PY'
import json, sys
imps, agshift = json.load(open(sys.argv[1]))["impacts"], int(sys.argv[2])
inobt_ags = {i["ag"] for i in imps if i["owner"] in ("inobt", "finobt")}
named = {i["inode"] for i in imps if i["owner"] in ("bmbt", "attr", "attr-bmbt")}
named |= {c["inode"] for i in imps for c in i.get("children") or []}
for i in imps:
    if (i["owner"] == "data" and i["effect"] == "data-lost" and
            i["inode"] not in named and (i["inode"] >> agshift) in inobt_ags):
        print(i["inode"], i["start"])
        break
PY
)
[ $# = 2 ] || pmf_fail "no cascaded file with predicted data loss: the layout changed"
ino=$1 fsb=$(( $2 / bs ))
agno=$(( fsb / agblocks ))
fsbno=$(( (agno << $("$XFS_DB" -r -l "$baselog" -c 'sb 0' -c 'print agblklog' "$base" |
	awk '{print $3}')) + fsb % agblocks ))
echo "inode $ino lost with AG $agno's inode btree; its block $fsb (fsbno $fsbno)"
# Its only name was in /d05, whose inode was lost too: no tree names it,
# before the repair or after.  The manifest must say so: /d05 inode-lost,
# not read, and the file in the count of those named nowhere.
"$PYTHON" - "$TMP/man.json" "$ino" <<'PY' || pmf_fail "the manifest does not account for inode $ino"
import json, sys
m = json.load(open(sys.argv[1]))
acct = m["account"][0]
print("account:", acct)
rows = m.get("paths") or []
sys.exit(any(int(r["inode"]) == int(sys.argv[2]) for r in rows) or
         "/d05" not in acct["unread_dir_paths"] or
         not any(r["path"] == "/d05" and r["category"] == "inode-lost" for r in rows) or
         int(acct["unaccounted"]) < 1)
PY

db() {
	"$XFS_DB" -r -l "$TMP/chk.log" "$TMP/chk.img" "$@" 2>&1
}
# The stale inode still maps the failed block...
db -c "inode $ino" -c bmap | grep -q "startblock $fsbno " ||
	pmf_fail "inode $ino no longer maps fsbno $fsbno: $(db -c "inode $ino" -c bmap)"
# ... but is no inode of the filesystem.
count=$(db -c "agi $agno" -c 'print count' | awk '{print $3}')
[ "$count" = 0 ] || pmf_fail "AG $agno's inode btree has $count inodes"
# No block is claimed twice; the quarantine alone owns that one.
out=$(db -c 'blockget -n' -c "fsb $fsbno" -c 'blockuse -n')
qino=$(db -c 'blockget -n' -c 'ncheck' | awk '$2 == "pmemfail-quarantine" {print $1}')
[ -n "$qino" ] || pmf_fail "no /pmemfail-quarantine"
[ "$out" = "block $fsbno ($agno/$((fsb % agblocks))) type data inode $qino pmemfail-quarantine" ] ||
	pmf_fail "blockget: $out"
echo "no cross-link: blockget finds block $fsbno owned by the quarantine (inode $qino) alone"
