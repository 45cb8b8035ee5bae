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
#
# With ./sid (sid's mkfs.xfs 7.2, which the host gives only when its
# xfs_pmem reads realtime rmap), the same again on a second filesystem:
# data device the second pmem, realtime device the virtio disk, rtgroups
# and realtime rmap (so metadir), for two rt metadata file blocks on the
# data device: one rtgroup's rtbitmap block and a leaf block of another
# rtgroup's rtrmapbt.

. ./kdax-guest.sh
P=/mnt/p
DEV=pmem0
DBARGS=""

# xfs_db on the filesystem of /dev/$DEV ($DBARGS: its realtime device).
db() {
	# shellcheck disable=SC2086
	xfs_db -r $DBARGS "$@" /dev/$DEV
}
field() { db -c "$1" -c "print $2" | sed -n "s/^$2 = //p"; }
fsb_daddr() {
	db -c "convert fsb $1 daddr" | sed -n 's/.*(\([0-9]*\)).*/\1/p'
}
# The daddr of the first data (-a: attr) fork block of the inode xfs_db
# command $1 selects.
fork_daddr() {
	db -c "$1" -c "bmap ${2:-}" |
		sed -n '1s/.*startblock [0-9]* (\([0-9]*\)\/\([0-9]*\)).*/\1 \2/p' |
		{ read -r ag bno; echo $(( (ag * agblocks + bno) * 8 )); }
}

# predict SIMULATE-ARGS...: say every target of $targets (NAME DADDR INO
# MAPPER: a block of /dev/$DEV to poison, a 4 KiB page; the inode whose
# health is read, - for none; the process that maps its file, the
# bystander's if none) and simulate its loss, from the device as it is.
predict() {
	while read -r name d ino m; do
		[ -n "$name" ] || continue
		say "target $name daddr $d ino $ino mapper $m"
		LD_LIBRARY_PATH=/job/lib ./xfs_pmem simulate "$@" --device data \
			--offset $((d * 512)) --length 4096 --json \
			-o owner,inode,ag,effect,metafile,on-media-loss,on-remove \
			< /dev/null > "$OUT/sim-$name.json"
		say "sim $name rc $?"
	done <<EOT
$targets
EOT
}

# poison_all: poison every target of $targets in turn, on /dev/$DEV
# mounted on $P, and say what the kernel did.  Not in a pipe: the loop
# waits for the processes it started.
poison_all() {
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
	done <<EOT
$targets
EOT
}

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
agblocks=$(field "sb 0" agblocks)
uq=$(field "sb 0" uquotino)
bmbt=$(db -c "inode $ino_sparse" -c "print u3.bmbt.ptrs[1]" | sed -n 's/.* = //p')
ic=$(db -c "convert inode $ino_ic daddr" | sed -n 's/.*(\([0-9]*\)).*/\1/p')

# The targets (predict()), poisoned in this order.
targets="
rmapbt $(( $(field "agf 0" rmaproot) * 8 )) - by
bnobt $(( (agblocks + $(field "agf 1" bnoroot)) * 8 )) - by
inobt $(( (2 * agblocks + $(field "agi 2" root)) * 8 )) - by
refcountbt $(( (3 * agblocks + $(field "agf 3" refcntroot)) * 8 )) - by
sb1 $(( agblocks * 8 )) - by
directory $(fork_daddr "inode $ino_dir") $ino_dir by
bmbt $(fsb_daddr "$bmbt") $ino_sparse sm
attr $(fork_daddr "inode $ino_attr" -a) $ino_attr am
inodes $(( ic - ic % 8 )) $ino_ic by
quota $(fork_daddr "inode $uq") - by
file $(fork_daddr "inode $ino_file") $ino_file fm
"
predict /dev/$DEV

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

poison_all
kill $psm $pam $pfm $pby 2>/dev/null
wait 2>/dev/null
umount $P
say "umount $P $?"

# --- rt metadata file blocks, on a filesystem with rtgroups ----------------
# Only with ./sid (mkfs.xfs 7.2: the rig's may be too old for realtime
# rmap) and /dev/pmem1 and /dev/vda, which the host then gives.
if [ -x ./sid/mkfs.xfs ]; then
	P=/mnt/rt
	DEV=pmem1
	DBARGS="-R /dev/vda"
	./sid/mkfs.xfs -q -f -m rmapbt=1,reflink=0 -d agcount=2 \
		-r rtdev=/dev/vda,rgcount=2 /dev/$DEV || say "mkfs-rt-failed"
	mkdir -p $P
	mount -t xfs -o dax=always,rtdev=/dev/vda /dev/$DEV $P ||
		say "mount-rt-failed"
	# A realtime file of 128 extents: more rtrmap records than its
	# rtgroup's inode root holds, so that the rtrmapbt has a leaf block.
	mkdir $P/rt $P/by
	xfs_io -c 'chattr +t' $P/rt
	awk 'BEGIN { for (i = 0; i < 256; i += 2) printf "pwrite -q %d 4096\n", i * 4096; print "fsync" }' |
		xfs_io -f $P/rt/sparse > /dev/null
	xfs_io -f -c 'pwrite -q -S 0x5a 0 1m' -c fsync $P/by/f
	say "xflags $P/rt/sparse $(xfs_io -c 'lsattr' $P/rt/sparse | awk '{ print $1 }')"
	sync
	mount -o remount,ro $P || say "remount-rt-ro-failed"
	agblocks=$(field "sb 0" agblocks)
	# The rtgroup whose rtrmapbt grew a level, and another one.
	rg=0
	while [ $rg -lt 2 ]; do
		lv=$(db -c "path -m /rtgroups/$rg.rmap" -c "print u3.rtrmapbt.level" |
			sed -n 's/.* = //p')
		say "rtrmap-level $rg $lv"
		[ "${lv:-0}" -gt 0 ] && break
		rg=$((rg + 1))
	done
	leaf=$(db -c "path -m /rtgroups/$rg.rmap" -c "print u3.rtrmapbt.ptrs[1]" |
		sed -n 's/.* = //p')
	targets="
rtbitmap $(fork_daddr "path -m /rtgroups/$(( (rg + 1) % 2 )).bitmap") - by
rtrmap $(fsb_daddr "${leaf:-0}") - by
"
	predict /dev/$DEV -r /dev/vda
	mount -o remount,rw $P || say "remount-rt-rw-failed"
	./daxmap map by $P/by/f & pby=$!
	sleep 2
	dmesg -c > /dev/null
	poison_all
	kill $pby 2>/dev/null
	wait 2>/dev/null
	umount $P
	say "umount $P $?"
fi
say "done"
