#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# One decision everywhere, on a real filesystem: simulate a one-block loss
# of each kind of structure and compare EFFECT, ON-MEDIA-LOSS, ON-REMOVE
# and the exit code with the table below (doc/design.md's decision table,
# written out here, not read from the code).  Then verify must agree: the
# intact image shows no damage, and a secondary superblock with flipped
# bits is rebuildable in simulate, in verify's rows and in its verdict and
# exit code (it once said fatal while its summary said "fatal 0").
# The kernel's side of the same table is tests/t/kernel-predict.sh (and
# tests/t/kernel-dax.sh).
. "$PMF_SRC/tests/lib.sh"
pmf_require_root

img=$TMP/d.img
mnt=$TMP/mnt
pmf_mkfs "$img" 600M -- -m rmapbt=1,reflink=1 -i size=512
pmf_mount "$img" "$mnt"
mkdir "$mnt/dir"
for i in $(seq 1 300); do : > "$mnt/dir/entry-with-a-longish-name-$i"; done
ln -s "$(printf 'x%.0s' $(seq 1 900))" "$mnt/link"
# A file of many extents has a bmbt; one with a large xattr value an attr
# block; a reflinked one a refcount record.
for i in $(seq 0 2 400); do
	"$XFS_IO" -f -c "pwrite -q $((i * 4096)) 4096" "$mnt/sparse" || pmf_fail "pwrite"
done
"$XFS_IO" -f -c "pwrite -q 0 64k" -c fsync "$mnt/file" || pmf_fail "pwrite"
"$PYTHON" -c 'import os, sys; os.setxattr(sys.argv[1], "user.big", b"a" * 6000)' \
	"$mnt/file" || pmf_fail "setxattr"
"$XFS_IO" -f -c "reflink $mnt/file" "$mnt/clone" > /dev/null || pmf_fail "reflink"
ino_dir=$(stat -c %i "$mnt/dir")
ino_link=$(stat -c %i "$mnt/link")
ino_sparse=$(stat -c %i "$mnt/sparse")
ino_file=$(stat -c %i "$mnt/file")
pmf_umount "$mnt"

db() { "$XFS_DB" -r "$@" "$img"; }
field() { db -c "$1" -c "print $2" | sed -n "s/^$2 = //p"; }
# The first data (or, with -a, attr) fork block of inode $1, as an fsblock.
fork_block() {
	db -c "inode $1" -c "bmap ${2:-}" | sed -n '1s/.*startblock \([0-9]*\) .*/\1/p'
}
agblocks=$(field "sb 0" agblocks)
agblklog=$(field "sb 0" agblklog)
# fsblock (agno << agblklog | agbno) -> linear block
lin() { echo $(( ($1 >> agblklog) * agblocks + ($1 & ((1 << agblklog) - 1)) )); }

blk_rmap=$(field "agf 0" rmaproot)
blk_bno=$(field "agf 0" bnoroot)
blk_refc=$(field "agf 0" refcntroot)
blk_ino=$(field "agi 0" root)
blk_dir=$(lin "$(fork_block "$ino_dir")")
blk_link=$(lin "$(fork_block "$ino_link")")
blk_attr=$(lin "$(fork_block "$ino_file" -a)")
blk_file=$(lin "$(fork_block "$ino_file")")
bmbt=$(db -c "inode $ino_sparse" -c "print u3.bmbt.ptrs[1]" | sed -n 's/.* = //p')
[ -n "$bmbt" ] || pmf_fail "sparse has no bmbt"
blk_bmbt=$(lin "$bmbt")
blk_chunk=$(lin "$(db -c "convert inode $ino_link fsblock" | sed -n 's/.*(\([0-9]*\)).*/\1/p')")
blk_sb1=$agblocks

# name block expected: owner effect on-media-loss on-remove exit
table="
rmapbt     $blk_rmap  rmapbt     rebuildable sick             - 2
bnobt      $blk_bno   bnobt      rebuildable sick             - 2
refcountbt $blk_refc  refcountbt rebuildable sick             - 2
inobt      $blk_ino   inobt      rebuildable sick             - 2
sb1        $blk_sb1   ag-headers rebuildable sick             - 2
directory  $blk_dir   data       data-lost   record,sick      - 1
symlink    $blk_link  data       data-lost   record,sick      - 1
attr       $blk_attr  attr       data-lost   record,sick      - 1
bmbt       $blk_bmbt  bmbt       rebuildable sick             - 2
file       $blk_file  data       data-lost   unmap,kill,record unmap,kill 1
"
n=0
while read -r name blk owner effect media remove rc; do
	[ -n "$name" ] || continue
	[ -n "$blk" ] || pmf_fail "$name: no block found"
	# A secondary superblock is one sector; the rest one block.
	len=1b
	[ "$name" = sb1 ] && len=512
	"$XFS_PMEM" simulate "$img" --device data --offset "${blk}b" --length $len \
		--json -o owner,effect,on-media-loss,on-remove > "$TMP/j"
	got_rc=$?
	got=$("$PYTHON" -c '
import json, sys
imps = json.load(open(sys.argv[1]))["impacts"]
rows = sorted({(i["owner"], i["effect"], i["on-media-loss"] or "-",
                i["on-remove"] or "-") for i in imps})
print(" ".join(" ".join(r) for r in rows))' "$TMP/j")
	want="$owner $effect $media $remove"
	# The file block is shared with its clone: two rows, one answer.
	[ "$name" = file ] && want="$want $want"
	[ "$name" = file ] && got=$(echo "$got $got" | cut -d' ' -f1-8)
	[ "$got" = "$want" ] || pmf_fail "$name (block $blk): got '$got', want '$want'"
	[ "$got_rc" = "$rc" ] || pmf_fail "$name: simulate exit $got_rc, want $rc"
	# verify on the intact image: metadata (directory, symlink and attr
	# blocks included) passes its checks; file data only reads back,
	# which proves nothing.
	"$XFS_PMEM" verify "$img" --device data --offset "${blk}b" --length $len \
		> "$TMP/v"
	vrc=$?
	case $name in
	file) want_v=1 ;;
	*) want_v=0 ;;
	esac
	[ "$vrc" = "$want_v" ] || pmf_fail "$name: verify exit $vrc, want $want_v: $(cat "$TMP/v")"
	echo "ok: $name block $blk: $want, exit $rc; verify exit $vrc"
	n=$((n + 1))
done <<< "$table"
[ "$n" = 10 ] || pmf_fail "checked $n rows of 10"

# The secondary superblock of AG 1, damaged: every answer says rebuildable.
printf '\xff\xff\xff\xff' | dd of="$img" bs=1 seek=$((agblocks * 4096 + 8)) \
	conv=notrunc status=none
for cmd in simulate verify; do
	"$XFS_PMEM" $cmd "$img" --device data --offset "${agblocks}b" --length 512 \
		> "$TMP/$cmd"
	rc=$?
	[ "$rc" = 2 ] || pmf_fail "$cmd of a damaged secondary sb: exit $rc, want 2: $(cat "$TMP/$cmd")"
	grep -q '^Verdict  *metadata damage that repair can rebuild' "$TMP/$cmd" ||
		pmf_fail "$cmd verdict: $(grep Verdict "$TMP/$cmd")"
	grep -q '^Shutdown  *no' "$TMP/$cmd" || pmf_fail "$cmd: shutdown"
done
# A sweep's find outside the prediction is decided by the core too.
"$XFS_PMEM" verify "$img" --device data --offset "$(( (agblocks + 20) * 4096 ))" \
	--length 4k -o owner,effect,check > "$TMP/v"
rc=$?
grep -q 'ag-headers *1 *rebuildable corrupt' "$TMP/v" ||
	pmf_fail "missed secondary sb not rebuildable: $(cat "$TMP/v")"
[ "$rc" = 2 ] || pmf_fail "verify with a missed secondary sb: exit $rc, want 2"
echo "ok: damaged secondary superblock: simulate 2, verify 2, missed 2"
