# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# The guest half of tests/t/kernel-predict.sh (busybox sh, run by the rig's
# /init from /job).  One filesystem on emulated pmem with DAX (rmapbt,
# reflink, user quota, 4 KiB sectors so that a secondary superblock is a
# block of its own).  Every target block is first handed to xfs_pmem
# simulate, on the same device, remounted read-only (so that it is read
# offline, as the kernel sees it: OWN_AG blocks told apart by their magic);
# its JSON goes to /out/sim-NAME.json.  Then, mounted read-write, each
# block in turn is poisoned through hwpoison's corrupt-pfn, and what the
# kernel did is said: health before and after (kpredict health), whether a
# write still works (no shutdown), the state of the processes mapping the
# owner's file and a bystander's, and the kernel's lines.  The host
# compares; nothing is judged here.

. ./kdax-guest.sh
P=/mnt/p
DEV=pmem0

mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
echo 4 > /proc/sys/kernel/printk
echo 1 > /proc/sys/vm/memory_failure_early_kill
say "kernel $(uname -r)"
[ -b /dev/$DEV ] || { say "no-device $DEV"; exit 1; }

mkfs.xfs -q -f -m rmapbt=1,reflink=1 -s size=4096 -d agcount=4 /dev/$DEV ||
	say "mkfs-failed"
mkdir -p $P
mount -t xfs -o dax=always,uquota /dev/$DEV $P || say "mount-failed"

# What owns the targets: a directory of 300 entries (a multi-block
# directory), a file of 256 extents (a bmbt), a file with a 6000-byte xattr
# (a remote value block), a reflinked pair (refcount records), a file of
# its own AG's inode chunk, a mapped file, and a bystander's file.
mkdir $P/dir
i=0
while [ $i -lt 300 ]; do
	: > "$P/dir/entry-with-a-longish-name-$i"
	i=$((i + 1))
done
awk 'BEGIN { for (i = 0; i < 512; i += 2) printf "pwrite -q %d 4096\n", i * 4096; print "fsync" }' |
	xfs_io -f $P/sparse > /dev/null
xfs_io -f -c 'pwrite -q 0 64k' -c fsync $P/attr
./kpredict xattr $P/attr user.big 6000 || say "xattr-failed"
mkdir $P/r $P/ic $P/by
xfs_io -f -c 'pwrite -q -S 0x5a 0 256k' -c fsync $P/r/src
xfs_io -f -c "reflink $P/r/src" $P/r/clone > /dev/null || say "reflink-failed"
: > $P/ic/f
xfs_io -f -c 'pwrite -q -S 0x5a 0 1m' -c fsync $P/file
xfs_io -f -c 'pwrite -q -S 0x5a 0 1m' -c fsync $P/by/f
# (xfs_io opens files read-write: before the remount.)
ino_dir=$(ino_of $P/dir)
ino_sparse=$(ino_of $P/sparse)
ino_attr=$(ino_of $P/attr)
ino_ic=$(ino_of $P/ic/f)
ino_file=$(ino_of $P/file)
sync

# Read-only from here until every prediction is made: the log is clean
# and xfs_db and xfs_pmem read what the kernel has.
mount -o remount,ro $P || say "remount-ro-failed"
db() { xfs_db -r "$@" /dev/$DEV; }
field() { db -c "$1" -c "print $2" | sed -n "s/^$2 = //p"; }
agblocks=$(field "sb 0" agblocks)
# The daddr of the first data (-a: attr) fork block of inode $1.
fork_daddr() {
	db -c "inode $1" -c "bmap ${2:-}" |
		sed -n '1s/.*startblock [0-9]* (\([0-9]*\)\/\([0-9]*\)).*/\1 \2/p' |
		{ read -r ag bno; echo $(( (ag * agblocks + bno) * 8 )); }
}
uq=$(field "sb 0" uquotino)
bmbt=$(db -c "inode $ino_sparse" -c "print u3.bmbt.ptrs[1]" | sed -n 's/.* = //p')
ic=$(db -c "convert inode $ino_ic daddr" | sed -n 's/.*(\([0-9]*\)).*/\1/p')

# target NAME DADDR INO MAPPER: a block to poison (a 4 KiB page), the inode
# whose health is read (- for none), the process that maps its file (the
# bystander's if none).  Poisoned in this order.
targets="
rmapbt $(( $(field "agf 0" rmaproot) * 8 )) - by
bnobt $(( (agblocks + $(field "agf 1" bnoroot)) * 8 )) - by
inobt $(( (2 * agblocks + $(field "agi 2" root)) * 8 )) - by
refcountbt $(( (3 * agblocks + $(field "agf 3" refcntroot)) * 8 )) - by
sb1 $(( agblocks * 8 )) - by
directory $(fork_daddr "$ino_dir") $ino_dir by
bmbt $(db -c "convert fsb $bmbt daddr" | sed -n 's/.*(\([0-9]*\)).*/\1/p') $ino_sparse sm
attr $(fork_daddr "$ino_attr" -a) $ino_attr am
inodes $(( ic - ic % 8 )) $ino_ic by
quota $(fork_daddr "$uq") - by
file $(fork_daddr "$ino_file") $ino_file fm
"
while read -r name d ino m; do
	[ -n "$name" ] || continue
	say "target $name daddr $d ino $ino mapper $m"
	LD_LIBRARY_PATH=/job/lib ./xfs_pmem simulate /dev/$DEV --device data \
		--offset $((d * 512)) --length 4096 --json \
		-o owner,inode,ag,effect,on-media-loss,on-remove < /dev/null \
		> "$OUT/sim-$name.json"
	say "sim $name rc $?"
done <<EOF
$targets
EOF

mount -o remount,rw $P || say "remount-rw-failed"
./daxmap map sm $P/sparse & psm=$!
./daxmap map am $P/attr & pam=$!
./daxmap map fm $P/file & pfm=$!
./daxmap map by $P/by/f & pby=$!
# Every owner in memory, as when a file is in use: the kernel then knows
# what kind of inode it is, as simulate does offline.
ls -l $P/dir $P/ic > /dev/null
sleep 2
dmesg -c > /dev/null

# Not in a pipe: the loop waits for the processes it started.
while read -r name d ino m; do
	[ -n "$name" ] || continue
	h=""
	[ "$ino" = - ] || h=$ino
	say "step $name"
	# shellcheck disable=SC2086
	say "health-before $name $(./kpredict health $P $h)"
	poison_daddr $DEV "$d"
	sleep 1
	xfs_io -f -c 'pwrite -q 0 4k' -c fsync "$P/after-$name" \
		< /dev/null > /dev/null 2>&1
	say "write-after $name $?"
	# shellcheck disable=SC2086
	say "health-after $name $(./kpredict health $P $h)"
	pid=""
	eval "pid=\$p$m"
	proc_state "$name-$m" "$pid"
	proc_state "$name-bystander" "$pby"
	dmesg_since
done <<EOF
$targets
EOF
kill $psm $pam $pfm $pby 2>/dev/null
wait 2>/dev/null
umount $P
say "umount $P $?"
say "done"
