#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Every bad input gets one line on stderr and its documented exit code
# (doc/bad-input.md): 8 for an operational error, 16 for a usage error.
# Never a crash, never libxfs chatter.
. "$PMF_SRC/tests/lib.sh"

pmf_mkfs "$TMP/fs.img" 600M "$TMP/fs.log" 80M -- -m rmapbt=1,reflink=1
pmf_mkfs "$TMP/other.img" 600M "$TMP/other.log" 80M -- -m rmapbt=1
pmf_mkfs "$TMP/int.img" 600M -- -m rmapbt=1
truncate -s 200M "$TMP/rt.rt"
pmf_mkfs "$TMP/rt.img" 600M -- -m rmapbt=0 -r rtdev="$TMP/rt.rt"

head -c 100M /dev/urandom > "$TMP/random.bin"
: > "$TMP/empty.img"
head -c 100M "$TMP/fs.img" > "$TMP/trunc.img"
mkdir "$TMP/dir"

for cmd in info "simulate --device data --offset 0 --length 4k"; do
	# shellcheck disable=SC2086
	set -- $cmd
	pmf_bad 8 "not an XFS filesystem" "$XFS_PMEM" "$@" "$TMP/random.bin"
	pmf_bad 8 "not an XFS filesystem" "$XFS_PMEM" "$@" "$TMP/empty.img"
	pmf_bad 8 "truncated" "$XFS_PMEM" "$@" "$TMP/trunc.img" -l "$TMP/fs.log"
	pmf_bad 8 "No such file or directory" "$XFS_PMEM" "$@" "$TMP/nonexistent.img"
	# A directory is taken for a mount point (the online engine).
	pmf_bad 8 "dir is not on an XFS filesystem" "$XFS_PMEM" "$@" "$TMP/dir"
	pmf_bad 8 "external log" "$XFS_PMEM" "$@" "$TMP/fs.img"
	pmf_bad 8 "another filesystem" "$XFS_PMEM" "$@" "$TMP/fs.img" -l "$TMP/other.log"
	pmf_bad 8 "no XFS log records" "$XFS_PMEM" "$@" "$TMP/fs.img" -l "$TMP/random.bin"
	pmf_bad 8 "internal log" "$XFS_PMEM" "$@" "$TMP/int.img" -l "$TMP/fs.log"
	pmf_bad 8 "realtime section" "$XFS_PMEM" "$@" "$TMP/rt.img"
	pmf_bad 8 "no realtime section" "$XFS_PMEM" "$@" "$TMP/int.img" -r "$TMP/rt.rt"
	pmf_bad 8 "too small" "$XFS_PMEM" "$@" "$TMP/fs.img" -l "$TMP/empty.img"
done

sim=("$XFS_PMEM" simulate "$TMP/fs.img" -l "$TMP/fs.log")
size=$(stat -c %s "$TMP/fs.img")
pmf_bad 8 "past the end of the data device" "${sim[@]}" --device data --offset "$size" --length 1
pmf_bad 8 "past the end of the data device" "${sim[@]}" --device data --offset 0 --length $((size + 1))
pmf_bad 8 "past the end of the log device" "${sim[@]}" --device log --offset 80m --length 1
pmf_bad 16 "it must be positive" "${sim[@]}" --device data --offset 0 --length 0
pmf_bad 16 "overflows" "${sim[@]}" --device data --offset 0xffffffffffffffff --length 2
pmf_bad 8 "no rt device" "${sim[@]}" --device rt --whole
pmf_bad 8 "no rt device" "${sim[@]}" --device rt --offset 0 --length 4k
pmf_bad 16 "bad offset" "${sim[@]}" --device data --offset -1 --length 4k
pmf_bad 16 "bad length '4q'$" "${sim[@]}" --device data --offset 0 --length 4q
pmf_bad 16 "bad length '1.5m'$" "${sim[@]}" --device data --offset 0 --length 1.5m
pmf_bad 16 "bad offset" "${sim[@]}" --device data --offset 99999999999999999999 --length 1
pmf_bad 16 "bad length" "${sim[@]}" --device data --offset 0 --length 20000000t
pmf_bad 16 "bad offset" "${sim[@]}" --device data --offset "" --length 1
pmf_bad 16 "unknown device" "${sim[@]}" --device floppy --offset 0 --length 1
pmf_bad 16 "device data|log|rt is required" "${sim[@]}" --offset 0 --length 1
pmf_bad 16 "or --whole" "${sim[@]}" --device data --whole --offset 0 --length 1
pmf_bad 16 "or --whole" "${sim[@]}" --device data --offset 0
pmf_bad 16 "unknown column" "${sim[@]}" --device data --offset 0 --length 1 -o owner,bogus
pmf_bad 16 "unknown command" "$XFS_PMEM" frobnicate
pmf_bad 16 "expected exactly one data device" "$XFS_PMEM" info
pmf_bad 16 "no command given" "$XFS_PMEM"
pmf_bad 16 "unknown option '--frob'" "$XFS_PMEM" info --frob "$TMP/int.img"
pmf_bad 16 "option '--device' needs a value" "${sim[@]}" --device

# Past the filesystem but inside the device: nothing there, clean exit.
truncate -s 700M "$TMP/int.img"
pmf_expect_exit 0 "$XFS_PMEM" simulate "$TMP/int.img" --device data --offset 650m --length 1m

# Mount points (the online engine): what is not one, what it does not take.
if [ "$(id -u)" = 0 ]; then
	pmf_mount "$TMP/int.img" "$TMP/mnt"
	mkdir "$TMP/mnt/sub" "$TMP/mnt/sub2"
	: > "$TMP/mnt/file"
	on=("$XFS_PMEM" simulate "$TMP/mnt")
	pmf_bad 8 "sub is not a mount point" "$XFS_PMEM" info "$TMP/mnt/sub"
	pmf_bad 8 "a mount point takes no log" "$XFS_PMEM" info "$TMP/mnt" -l "$TMP/fs.log"
	pmf_bad 8 "past the end of the data device" "${on[@]}" --device data --offset 700m --length 1
	pmf_bad 8 "past the end of the data device" "${on[@]}" --device data --offset 699m --length 2m
	pmf_bad 8 "past the end of the internal log" "${on[@]}" --device log --offset 0 --length 1g
	pmf_bad 8 "no rt device" "${on[@]}" --device rt --whole
	pmf_bad 8 "an inode scan needs the unmounted devices" "${on[@]}" --device data --whole --scan
	pmf_bad 8 "needs the unmounted devices" "$XFS_PMEM" inject "$TMP/mnt" --device data --offset 0 --length 4k --yes
	inv=("$XFS_PMEM" invalidate "$TMP/mnt")
	pmf_bad 8 "file is not a directory; give the mount point" "$XFS_PMEM" invalidate "$TMP/mnt/file" --device data --offset 0 --length 4k
	pmf_bad 8 "dir is not on an XFS filesystem" "$XFS_PMEM" invalidate "$TMP/dir" --device data --offset 0 --length 4k
	pmf_bad 8 "sub is not a mount point" "$XFS_PMEM" invalidate "$TMP/mnt/sub" --device data --offset 0 --length 4k
	pmf_bad 8 "past the end of the data device" "${inv[@]}" --device data --offset 700m --length 4k
	pmf_bad 16 "invalidate: --device data|rt is required" "${inv[@]}" --offset 0 --length 4k
	pmf_bad 16 "invalidate: give --offset and --length" "${inv[@]}" --device data --offset 0
	pmf_bad 16 "invalidate: unknown device 'floppy'" "${inv[@]}" --device floppy --offset 0 --length 1
	pmf_bad 16 "invalidate: expected exactly one mount point" "$XFS_PMEM" invalidate
	pmf_bad 16 "invalidate: bad length" "${inv[@]}" --device data --offset 0 --length 1.5m
	# info and simulate answer a device mounted read-write online, but
	# only with the mount's own devices.
	pmf_umount "$TMP/mnt"
	pmf_mount "$TMP/fs.img" "$TMP/mnt" "$TMP/fs.log"
	pmf_bad 8 "with other log or realtime devices than those given" "$XFS_PMEM" info "$TMP/fs.img" -l "$TMP/other.log"
	pmf_bad 8 "is mounted read-write on .*; unmount it or query the mount point" "$XFS_PMEM" verify "$TMP/fs.img" -l "$TMP/fs.log" --device data --offset 0 --length 4k
	pmf_umount "$TMP/mnt"
	pmf_mount "$TMP/int.img" "$TMP/mnt"
	mkdir "$TMP/bind"
	mount --bind "$TMP/mnt/sub2" "$TMP/bind" || pmf_fail "bind mount failed"
	_pmf_mounts=("$TMP/bind" "${_pmf_mounts[@]}")
	pmf_bad 8 "a bind mount" "$XFS_PMEM" info "$TMP/bind"
	umount "$TMP/bind"
	pmf_umount "$TMP/mnt"
	pmf_mkfs "$TMP/normap.img" 600M -- -m rmapbt=0
	pmf_mount "$TMP/normap.img" "$TMP/mnt"
	pmf_bad 8 "without rmapbt the kernel's GETFSMAP cannot name owners" "${on[@]}" --device data --offset 0 --length 4k
	pmf_umount "$TMP/mnt"
fi

# Devices of another filesystem, XFS or not.
truncate -s 80M "$TMP/ext4.img"
mkfs.ext4 -q -F "$TMP/ext4.img" > /dev/null 2>&1 || pmf_fail "mkfs.ext4 failed"
truncate -s 200M "$TMP/ext4rt.img"
mkfs.ext4 -q -F "$TMP/ext4rt.img" > /dev/null 2>&1 || pmf_fail "mkfs.ext4 failed"
for n in 1 2; do
	truncate -s 200M "$TMP/g$n.rt"
	pmf_mkfs "$TMP/g$n.img" 600M -- -m metadir=1 -r rtdev="$TMP/g$n.rt",rgcount=4
done
for cmd in info "simulate --device data --offset 0 --length 4k" \
	   "verify --device data --offset 0 --length 4k"; do
	# shellcheck disable=SC2086
	set -- $cmd
	pmf_bad 8 "ext4.img is not an XFS filesystem (bad superblock magic 0x00000000)" \
		"$XFS_PMEM" "$@" "$TMP/ext4.img"
	pmf_bad 8 "not an XFS filesystem" "$XFS_PMEM" "$@" "$TMP/random.bin"
	pmf_bad 8 "too small for a superblock" "$XFS_PMEM" "$@" "$TMP/empty.img"
	pmf_bad 8 "truncated" "$XFS_PMEM" "$@" "$TMP/trunc.img" -l "$TMP/fs.log"
	pmf_bad 8 "external log" "$XFS_PMEM" "$@" "$TMP/fs.img"
	pmf_bad 8 "another filesystem" "$XFS_PMEM" "$@" "$TMP/fs.img" -l "$TMP/other.log"
	pmf_bad 8 "internal log" "$XFS_PMEM" "$@" "$TMP/int.img" -l "$TMP/fs.log"
	pmf_bad 8 "realtime section" "$XFS_PMEM" "$@" "$TMP/g1.img"
	pmf_bad 8 "no realtime section" "$XFS_PMEM" "$@" "$TMP/int.img" -r "$TMP/g1.rt"
	pmf_bad 8 "realtime device belongs to another filesystem (rt uuid" \
		"$XFS_PMEM" "$@" "$TMP/g1.img" -r "$TMP/g2.rt"
done
# simulate and info refuse a log with no records; verify, after an event,
# takes one (the log may be what was lost), but never another's records.
for cmd in info "simulate --device data --offset 0 --length 4k"; do
	# shellcheck disable=SC2086
	set -- $cmd
	pmf_bad 8 "log device has no XFS log records" "$XFS_PMEM" "$@" "$TMP/fs.img" -l "$TMP/ext4.img"
	pmf_bad 8 "has no realtime superblock" "$XFS_PMEM" "$@" "$TMP/g1.img" -r "$TMP/ext4rt.img"
done
# A realtime device without rtgroups has no superblock: only its size is
# checked, and a same-sized device of another filesystem is taken (its
# answers come from the data device's metadata).
truncate -s 200M "$TMP/rt2.rt"
pmf_mkfs "$TMP/rt2.img" 600M -- -m rmapbt=0 -r rtdev="$TMP/rt2.rt"
pmf_expect_exit 0 "$XFS_PMEM" info "$TMP/rt.img" -r "$TMP/rt2.rt"
echo "ok: legacy realtime device of another filesystem of the same size is taken"
pmf_bad 8 "realtime device .* is too small" "$XFS_PMEM" info "$TMP/rt.img" -r "$TMP/fs.log"

# Superblocks whose geometry disagrees with itself (the fuzzer's first
# find: an inode-per-block log that libxfs mounts without a check).
for field in "inopblog 7" "inopblock 9" "inodelog 10" "agblklog 3"; do
	cp --sparse=always "$TMP/int.img" "$TMP/badgeo.img"
	"$XFS_DB" -x -c 'sb 0' -c "write -d $field" "$TMP/badgeo.img" > /dev/null 2>&1 ||
		pmf_fail "xfs_db could not write $field"
	pmf_bad 8 "badgeo.img: corrupt superblock (inconsistent geometry)" \
		"$XFS_PMEM" info "$TMP/badgeo.img"
done
# A log sector size the log search would size its reads by (the second).
cp --sparse=always "$TMP/int.img" "$TMP/badgeo.img"
"$XFS_DB" -x -c 'sb 0' -c 'write -d logsectlog 3' "$TMP/badgeo.img" > /dev/null 2>&1 ||
	pmf_fail "xfs_db could not write logsectlog"
pmf_bad 8 "badgeo.img: corrupt superblock (bad log sector size 0, log2 3)" \
	"$XFS_PMEM" simulate "$TMP/badgeo.img" --device log --whole

cp --sparse=always "$TMP/int.img" "$TMP/badalign.img"
"$XFS_DB" -x -c 'sb 0' -c 'write -d inoalignmt 0' "$TMP/badalign.img" > /dev/null 2>&1 ||
	pmf_fail "xfs_db could not write inoalignmt"
pmf_bad 8 "badalign.img: corrupt superblock (inode alignment 0 does not match the inode chunk)" \
	"$XFS_PMEM" info "$TMP/badalign.img"

# Features this libxfs does not know: libxfs would exit(1), which is
# simulate's "data lost"; refused with exit 8 instead.
cp --sparse=always "$TMP/int.img" "$TMP/badfeat.img"
"$XFS_DB" -x -c 'sb 0' -c 'write -d versionnum 0xb495' "$TMP/badfeat.img" > /dev/null 2>&1 ||
	pmf_fail "xfs_db could not write versionnum"
pmf_bad 8 "badfeat.img: unsupported superblock version or features (versionnum 0xb495, incompat 0x" \
	"$XFS_PMEM" simulate "$TMP/badfeat.img" --device data --whole

# A superblock that is not to be trusted (issue 21): a bad CRC, a log
# that does not fit, another UUID than its log's, impossible realtime
# geometry.  verify takes a bad CRC (it reports it), nothing else.
badsb() {
	cp --sparse=always "$TMP/int.img" "$TMP/badsb.img"
	"$XFS_DB" -x -c 'sb 0' -c "$1" "$TMP/badsb.img" > /dev/null 2>&1 ||
		pmf_fail "xfs_db could not $1"
}
badsb 'fuzz -c crc ones'
pmf_bad 8 "badsb.img: corrupt superblock (CRC mismatch)" "$XFS_PMEM" info "$TMP/badsb.img"
pmf_expect_exit 4 "$XFS_PMEM" verify "$TMP/badsb.img" --device data --offset 0 --length 4k
badsb 'fuzz -d logstart ones'
pmf_bad 8 "badsb.img: corrupt superblock (internal log at block 18446744073709551615+[0-9]* is outside the data device's AGs)" \
	"$XFS_PMEM" simulate "$TMP/badsb.img" --device log --offset 0 --length 4k
badsb 'write -d logblocks 2000000'
pmf_bad 8 "badsb.img: corrupt superblock (log of 2000000 blocks, over the largest XFS log)" \
	"$XFS_PMEM" verify "$TMP/badsb.img" --device data --offset 0 --length 4k
badsb 'fuzz -d uuid ones'
pmf_bad 8 "badsb.img: corrupt superblock (uuid ffffffff-ffff-ffff-ffff-ffffffffffff is not its log's" \
	"$XFS_PMEM" info "$TMP/badsb.img" --json
badsb 'write -d rextents 1'
pmf_bad 8 "badsb.img: corrupt superblock (inconsistent realtime geometry: 0 blocks, extent size 1, 1 extents, 0 bitmap blocks)" \
	"$XFS_PMEM" info "$TMP/badsb.img"
badsb 'write -d dirblklog 137'
pmf_bad 8 "badsb.img: corrupt superblock (libxfs's superblock verifier refuses it)" \
	"$XFS_PMEM" verify "$TMP/badsb.img" --device data --offset 0 --length 4k

pmf_bad 16 "repair: --json prints the plan; the manifest of --apply is JSON already" \
	"$XFS_PMEM" repair "$TMP/fs.img" -l "$TMP/fs.log" --device data --whole --apply --json

# The range: every bad number, for verify and repair too.
for c in simulate verify repair; do
	r=("$XFS_PMEM" "$c" "$TMP/fs.img" -l "$TMP/fs.log" --device data)
	pmf_bad 8 "past the end of the data device" "${r[@]}" --offset "$size" --length 1
	pmf_bad 8 "past the end of the data device" "${r[@]}" --offset 599m --length 2m
	pmf_bad 8 "past the end of the log device" "$XFS_PMEM" "$c" "$TMP/fs.img" -l "$TMP/fs.log" \
		--device log --offset 80m --length 1
	pmf_bad 8 "the filesystem has no rt device" "$XFS_PMEM" "$c" "$TMP/fs.img" -l "$TMP/fs.log" \
		--device rt --whole
	pmf_bad 16 "$c: bad length '0': it must be positive" "${r[@]}" --offset 0 --length 0
	pmf_bad 16 "$c: bad offset '-1'" "${r[@]}" --offset -1 --length 4k
	pmf_bad 16 "$c: bad length '4q'" "${r[@]}" --offset 0 --length 4q
	pmf_bad 16 "$c: bad length '1.5m'" "${r[@]}" --offset 0 --length 1.5m
	pmf_bad 16 "$c: bad length '1mb'" "${r[@]}" --offset 0 --length 1mb
	pmf_bad 16 "$c: offset + length overflows" "${r[@]}" --offset 18446744073709551615 --length 2
	pmf_bad 16 "$c: bad offset '99999999999999999999'" "${r[@]}" --offset 99999999999999999999 --length 1
	pmf_bad 16 "$c: bad length '20000000t'" "${r[@]}" --offset 0 --length 20000000t
	pmf_bad 16 "$c: bad offset ''" "${r[@]}" --offset "" --length 1
done
