#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A file deleted while still open keeps its inode and blocks until the
# last close; if the filesystem goes down first, offline analysis finds an
# allocated inode in no directory.  simulate must call it unlinked (no
# path), with and without parent pointers, and give the hard links of
# another file all their paths.
. "$PMF_SRC/tests/lib.sh"
pmf_require_root

check_fs() {
	local parent=$1 img="$TMP/p$1.img" mnt="$TMP/mnt"

	pmf_mkfs "$img" 600M -- -m rmapbt=1 -n parent="$parent"
	pmf_mount "$img" "$mnt"
	mkdir -p "$mnt/a/b" "$mnt/c"
	head -c 64K /dev/urandom > "$mnt/a/b/linked"
	ln "$mnt/a/b/linked" "$mnt/c/second-name"
	head -c 64K /dev/urandom > "$mnt/a/doomed"
	# A remote xattr value makes a leaf-format attr fork in which the
	# parent pointer (added first) ends exactly at the end of the block.
	head -c 16K /dev/urandom > "$mnt/c/xattr"
	"$PYTHON" -c 'import os, sys; os.setxattr(sys.argv[1], "user.big", b"x" * 6000)' \
		"$mnt/c/xattr" || pmf_fail "setxattr failed"
	sync
	local doomed linked
	doomed=$("$XFS_IO" -c 'bmap' "$mnt/a/doomed" |
		sed -n 's/^[[:space:]]*0: \[0\.\.[0-9]*\]: \([0-9]*\)\.\..*/\1/p')
	linked=$("$XFS_IO" -c 'bmap' "$mnt/a/b/linked" |
		sed -n 's/^[[:space:]]*0: \[0\.\.[0-9]*\]: \([0-9]*\)\.\..*/\1/p')
	xattr=$("$XFS_IO" -c 'bmap' "$mnt/c/xattr" |
		sed -n 's/^[[:space:]]*0: \[0\.\.[0-9]*\]: \([0-9]*\)\.\..*/\1/p')
	[ -n "$doomed" ] && [ -n "$linked" ] && [ -n "$xattr" ] || pmf_fail "no block map"

	# Hold it open, unlink it, push all metadata home, then go down hard.
	exec 7<"$mnt/a/doomed"
	rm "$mnt/a/doomed"
	"$XFS_IO" -x -c freeze -c thaw "$mnt" || pmf_fail "freeze/thaw failed"
	"$XFS_IO" -x -c "shutdown" "$mnt" || pmf_fail "shutdown failed"
	exec 7<&-
	pmf_umount "$mnt"

	"$XFS_PMEM" simulate "$img" --device data --offset "${doomed}s" --length 4k \
		--json --bytes -o owner,inode,flags,path > "$TMP/doomed.json"
	"$PYTHON" - "$TMP/doomed.json" <<'PY' || pmf_fail "parent=$parent: open-unlinked file not reported: $(cat "$TMP/doomed.json")"
import json, sys
i = json.load(open(sys.argv[1]))["impacts"]
assert len(i) == 1 and i[0]["owner"] == "data", i
assert "unlinked" in (i[0]["flags"] or "").split(","), i
assert not [p for p in i[0]["path"] or [] if p], i
PY
	"$XFS_PMEM" simulate "$img" --device data --offset "${linked}s" --length 4k \
		--json --bytes -o owner,inode,flags,path > "$TMP/linked.json"
	"$PYTHON" - "$TMP/linked.json" <<'PY' || pmf_fail "parent=$parent: hard links wrong: $(cat "$TMP/linked.json")"
import json, sys
i = json.load(open(sys.argv[1]))["impacts"]
assert len(i) == 1 and not i[0]["flags"], i
assert sorted(i[0]["path"]) == ["/a/b/linked", "/c/second-name"], i
PY
	"$XFS_PMEM" simulate "$img" --device data --offset "${xattr}s" --length 4k \
		--json --bytes -o owner,flags,path > "$TMP/xattr.json"
	"$PYTHON" - "$TMP/xattr.json" <<'PY' || pmf_fail "parent=$parent: file with a remote xattr: $(cat "$TMP/xattr.json")"
import json, sys
i = json.load(open(sys.argv[1]))["impacts"]
assert len(i) == 1 and not i[0]["flags"] and i[0]["path"] == ["/c/xattr"], i
PY
	echo "parent=$parent: ok"
}

check_fs 1
check_fs 0
