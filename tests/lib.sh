# SPDX-License-Identifier: GPL-2.0
# Helpers for pmemfail's tests: real images made by mkfs.xfs, loop mounts,
# GETFSMAP and xfs_repair.  Sourced by tests/t/*.sh; tests/run sets
# PMF_SRC, PMF_BUILD and XFSPROGS_DIR.

set -u
: "${PMF_SRC:?run tests through tests/run}"
: "${PMF_BUILD:?run tests through tests/run}"
: "${XFSPROGS_DIR:?run tests through tests/run}"

XFS_PMEM="$PMF_BUILD/xfs_pmem/xfs_pmem"
PMF_XFS_DB="$PMF_BUILD/db/xfs_db"
MKFS="$XFSPROGS_DIR/mkfs/mkfs.xfs"
XFS_DB="$XFSPROGS_DIR/db/xfs_db"
XFS_IO="$XFSPROGS_DIR/io/xfs_io"
XFS_REPAIR="$XFSPROGS_DIR/repair/xfs_repair"
PYTHON="${PYTHON:-python3}"

TMP=$(mktemp -d /tmp/pmf-test.XXXXXX)
_pmf_mounts=()
_pmf_loops=()

pmf_cleanup() {
	local m l
	for m in "${_pmf_mounts[@]}"; do
		umount "$m" 2>/dev/null
	done
	for l in "${_pmf_loops[@]}"; do
		losetup -d "$l" 2>/dev/null
	done
	# PMF_KEEP_TMP=1 keeps the images of a failed test for a post-mortem.
	if [ "${PMF_KEEP_TMP:-0}" = 1 ]; then
		echo "kept $TMP" >&2
	else
		rm -rf "$TMP"
	fi
}
trap pmf_cleanup EXIT

pmf_fail() {
	echo "FAIL: $*" >&2
	exit 1
}

# Exit 77 is "skipped", with the reason on stdout.
pmf_skip() {
	echo "SKIP: $*"
	exit 77
}

# pmf_require_libxfs MACRO WHAT: skip unless configure found WHAT in the
# build's libxfs (config.h defines MACRO; xfsprogs 6.14 brought the rt ones).
pmf_require_libxfs() {
	grep -q "^#define $1 1" "$PMF_BUILD/config.h" ||
		pmf_skip "needs a build on a libxfs with $2 (xfsprogs >= 6.14; configure --with-xfsprogs=DIR); this one is $(sed -n 's/^#define XFSPROGS_VERSION "\(.*\)"/\1/p' "$PMF_BUILD/config.h")"
}

pmf_require_root() {
	[ "$(id -u)" = 0 ] || pmf_skip "needs root for loop mounts"
}

# pmf_mkfs IMG SIZE [LOGIMG LOGSIZE] -- mkfs options...
pmf_mkfs() {
	local img=$1 size=$2
	shift 2
	local log="" logsize=""
	if [ "${1:-}" != "--" ]; then
		log=$1 logsize=$2
		shift 2
	fi
	[ "${1:-}" = "--" ] && shift
	rm -f "$img"
	truncate -s "$size" "$img"
	if [ -n "$log" ]; then
		rm -f "$log"
		truncate -s "$logsize" "$log"
		"$MKFS" -q -f -l logdev="$log" "$@" "$img" ||
			pmf_fail "mkfs.xfs $* failed"
	else
		"$MKFS" -q -f "$@" "$img" || pmf_fail "mkfs.xfs $* failed"
	fi
}

# pmf_loop IMG: attach a loop device, remembered for cleanup, in PMF_LOOP.
# (Not through $(...): the subshell would forget it.)
pmf_loop() {
	PMF_LOOP=$(losetup -f --show "$1") || pmf_fail "losetup $1 failed"
	_pmf_loops+=("$PMF_LOOP")
}

# pmf_mount IMG MNT [LOGIMG]: sets PMF_DATADEV and PMF_LOGDEV.
pmf_mount() {
	local img=$1 mnt=$2 log=${3:-} opts=""
	mkdir -p "$mnt"
	pmf_loop "$img"
	PMF_DATADEV=$PMF_LOOP
	PMF_LOGDEV=""
	if [ -n "$log" ]; then
		pmf_loop "$log"
		PMF_LOGDEV=$PMF_LOOP
		opts="-o logdev=$PMF_LOGDEV"
	fi
	# shellcheck disable=SC2086
	mount $opts "$PMF_DATADEV" "$mnt" || pmf_fail "mount $img failed"
	_pmf_mounts+=("$mnt")
}

pmf_umount() {
	umount "$1" || pmf_fail "umount $1 failed"
	for l in "${_pmf_loops[@]}"; do
		losetup -d "$l" 2>/dev/null
	done
	_pmf_loops=()
}

# Geometry and metadata inodes from xfsprogs' xfs_db, as JSON for oracle.py.
pmf_geometry() {
	local img=$1 log=${2:-}
	local args=(-r)
	[ -n "$log" ] && args+=(-l "$log")
	"$XFS_DB" "${args[@]}" -c 'sb 0' -c 'print blocksize sectsize agblocks agcount inodesize agblklog inopblog rootino rbmino rsumino uquotino gquotino pquotino' "$img" |
	"$PYTHON" -c '
import json, sys
v = {}
for line in sys.stdin:
    k, _, val = line.partition(" = ")
    v[k.strip()] = val.strip()
meta = [int(v[k]) for k in ("rbmino", "rsumino", "uquotino", "gquotino", "pquotino")
        if v.get(k, "null") not in ("null", "0", "") and int(v[k]) != 2**64 - 1]
print(json.dumps({"blocksize": int(v["blocksize"]), "sectsize": int(v["sectsize"]),
                  "agblocks": int(v["agblocks"]),
                  "agcount": int(v["agcount"]), "inodesize": int(v["inodesize"]),
                  "agblklog": int(v["agblklog"]), "inopblog": int(v["inopblog"]),
                  "rootino": int(v["rootino"]), "metafiles": meta}))'
}

# One hash per image, of every byte (holes read as zeros and are skipped).
pmf_sha() {
	"$PYTHON" "$PMF_SRC/tests/imghash.py" "$@"
}

# pmf_expect_exit CODE CMD...: run, demand the exit code, keep stderr.
pmf_expect_exit() {
	local want=$1 rc
	shift
	"$@" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	[ "$rc" = "$want" ] ||
		pmf_fail "'$*' exited $rc, expected $want: $(head -c 300 "$TMP/err")"
}

# pmf_bad CODE PATTERN CMD...: exit CODE and exactly one stderr line,
# "xfs_pmem: ...PATTERN...", as every bad input must get.
pmf_bad() {
	local code=$1 pattern=$2
	shift 2
	pmf_expect_exit "$code" "$@"
	[ "$(wc -l < "$TMP/err")" = 1 ] ||
		pmf_fail "'$*' printed $(wc -l < "$TMP/err") stderr lines: $(cat "$TMP/err")"
	grep -q -- "^xfs_pmem: .*$pattern" "$TMP/err" ||
		pmf_fail "'$*': message '$(cat "$TMP/err")' does not match '$pattern'"
	echo "ok: $* -> $(cat "$TMP/err")"
}

# pmf_first_extent FILE START LEN: set the variables named START and LEN to
# FILE's first extent, in device sectors, as bmap shows it ("0: [0..511]:
# 1234..1745"); fails the test if there is none.
pmf_first_extent() {
	local ext s e

	ext=$("$XFS_IO" -r -c bmap "$1" |
		sed -n 's/^[[:space:]]*0: \[[0-9]*\.\.[0-9]*\]: \([0-9]*\)\.\.\([0-9]*\)$/\1 \2/p')
	read -r s e <<< "$ext"
	[ -n "$s" ] || pmf_fail "no extent from bmap of $1"
	printf -v "$2" '%s' "$s"
	printf -v "$3" '%s' "$((e - s + 1))"
}

# pmf_guest_dm_job DIR BINARY...: a guest job directory DIR holding the
# guest kernel's dm-mod.ko and the host's BINARY... (dmsetup, xfs_pmem) with
# every shared library ldd names for them in DIR/lib, for jobs that put
# device-mapper error targets under a filesystem (the host has no dm).
pmf_guest_dm_job() {
	local job=$1 kdir kver dm
	shift
	mkdir -p "$job"
	kdir=$("$PMF_SRC/tests/guest/kernel-fetch") || pmf_fail "no guest kernel"
	kver=$(ls "$kdir/lib/modules")
	dm=$(modprobe -d "$kdir" -S "$kver" --show-depends dm_mod |
		awk '$1 == "insmod" { print $2 }')
	case $dm in
	*.xz) xz -dc "$dm" > "$job/dm-mod.ko" ;;
	*.zst) zstd -qdc "$dm" > "$job/dm-mod.ko" ;;
	*) cp "$dm" "$job/dm-mod.ko" ;;
	esac
	pmf_guest_bins "$job" "$@"
}

# pmf_guest_bins DIR BINARY...: copy the host's BINARY... into the guest
# job directory DIR, with every shared library ldd names for them in
# DIR/lib (the job runs them with LD_LIBRARY_PATH=/job/lib).
pmf_guest_bins() {
	local job=$1 b l
	shift
	mkdir -p "$job/lib"
	for b in "$@"; do
		cp "$b" "$job/"
		for l in $(ldd "$b" | grep -o '/[^ ]*'); do
			cp -L "$l" "$job/lib/"
		done
	done
}

# pmf_dm_error_table SIZE START LEN [START LEN]...: a device-mapper table
# over /dev/vda (SIZE sectors) with error targets over the given sector
# ranges (ascending, disjoint) and linear targets in between.
pmf_dm_error_table() {
	local size=$1 pos=0 s l
	shift
	while [ $# -ge 2 ]; do
		s=$1 l=$2
		shift 2
		[ "$s" -gt "$pos" ] && echo "$pos $((s - pos)) linear /dev/vda $pos"
		echo "$s $l error"
		pos=$((s + l))
	done
	[ "$pos" -lt "$size" ] && echo "$pos $((size - pos)) linear /dev/vda $pos"
	return 0
}

# Guest tests boot the QEMU guest once per run, in the lane scripts/test
# gives PMF_GUEST_PLAIN_BUILD; elsewhere (PMF_SKIP_GUEST=1) they skip.
# Sets GUEST_PMEM: the -Werror build's xfs_pmem when given, else ours.
pmf_require_guest() {
	[ "${PMF_SKIP_GUEST:-0}" = 1 ] &&
		pmf_skip "guest tests boot once per run, in the sanitizer lane (which checks both builds)"
	GUEST_PMEM=$XFS_PMEM
	if [ -n "${PMF_GUEST_PLAIN_BUILD:-}" ]; then
		GUEST_PMEM=$PMF_GUEST_PLAIN_BUILD/xfs_pmem/xfs_pmem
	fi
}
