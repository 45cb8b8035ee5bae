# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash disable=SC2034
#
# Helpers shared by the QEMU guest rig (tests/guest/*): logging, the cache
# root and installing the host packages the rig needs.  Sourced, not run.
#
# Usage: . "$(dirname "$0")/lib.sh"   (after setting guest_prog)
#
# Environment:
#   PMF_CACHE_DIR   cache root (default /var/cache/pmemfail)
#   PMF_NO_APT=1    never run apt-get install; name missing packages instead

guest_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
guest_cache_root="${PMF_CACHE_DIR:-/var/cache/pmemfail}"

# Everything the rig uses on the host: qemu to boot, busybox-static, cpio and
# gzip for the initramfs, kmod for depmod/modprobe, xz and zstd to
# decompress modules.
guest_all_pkgs="qemu-system-x86 busybox-static kmod cpio xz-utils zstd gzip"

log() { echo "${guest_prog:-guest}: $*" >&2; }
die() { log "$1"; exit "${2:-1}"; }

# guest_need_pkgs PKG...: make sure the Debian packages are installed,
# installing the missing ones quietly when we are root.
guest_need_pkgs() {
	local missing p st aptlog
	missing=""
	st=$(dpkg-query -W -f='${Package} ${db:Status-Status}\n' "$@" 2>/dev/null) || true
	for p in "$@"; do
		[[ $'\n'$st$'\n' == *$'\n'"$p installed"$'\n'* ]] || missing="$missing $p"
	done
	[ -z "$missing" ] && return 0
	if [ "$(id -u)" != 0 ] || [ "${PMF_NO_APT:-0}" = 1 ]; then
		die "missing packages:$missing (apt-get install them)" 2
	fi
	log "installing$missing"
	# apt's chatter goes to a log that is shown only when something fails.
	# Try the lists we have first; refresh them only if that fails.
	aptlog=$(mktemp /tmp/pmf-guest-apt.XXXXXX)
	# shellcheck disable=SC2086
	if ! DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
		--no-install-recommends $missing > "$aptlog" 2>&1; then
		# shellcheck disable=SC2086
		if ! { apt-get -o DPkg::Lock::Timeout=600 update -qq &&
			DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
				--no-install-recommends $missing; } > "$aptlog" 2>&1; then
			tail -n 20 "$aptlog" >&2
			rm -f "$aptlog"
			die "apt-get install$missing failed" 2
		fi
	fi
	rm -f "$aptlog"
}

# Print the archive URI that the machine's own apt configuration uses for the
# main Debian archive (as scripts/xfsprogs-fetch does): we never name a
# mirror ourselves.
guest_archive_uri() {
	local f
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		awk '
			/^[ \t]*$/ { if (uri != "" && suite ~ /(^| )[a-z]+( |$)/) { print uri; exit } uri = ""; suite = "" }
			/^URIs:/ { uri = $2 }
			/^Suites:/ { $1 = ""; suite = $0 }
			END { if (uri != "" && suite ~ /(^| )[a-z]+( |$)/) print uri }
		' "$f"
	done
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -f "$f" ] || continue
		awk '$1 == "deb" && $3 !~ /-/ { print $2 }' "$f"
	done
}

# guest_setup_apt DIR SUITE: a private apt configuration for SUITE (main)
# in DIR, leaving the machine's own alone; sets apt_opts.
apt_opts=()
guest_setup_apt() {
	local aptdir="$1" suite="$2" uri
	# sed -n 1p, not head: an early reader exit would fail the pipe.
	uri=$(guest_archive_uri | grep -v -- '-security' | sed -n 1p) || uri=""
	[ -n "$uri" ] || die "no Debian archive found in this machine's apt sources"
	mkdir -p "$aptdir/lists/partial" "$aptdir/cache/archives/partial" "$aptdir/etc"
	echo "deb $uri $suite main" > "$aptdir/etc/sources.list"
	apt_opts=(-o "Dir::Etc::SourceList=$aptdir/etc/sources.list"
		-o "Dir::Etc::SourceParts=/nonexistent"
		-o "Dir::State::Lists=$aptdir/lists"
		-o "Dir::Cache=$aptdir/cache"
		-o "APT::Architecture=amd64"
		-o "APT::Sandbox::User=root")
	log "reading the $suite package lists"
	apt-get "${apt_opts[@]}" update -qq >&2 ||
		die "apt-get update for $suite failed"
}

# guest_sha FILE...: one short digest over the contents of the files.
guest_sha() {
	sha256sum "$@" | cut -d' ' -f1 | sha256sum | cut -c1-16
}
