#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The release as a distribution takes it:
# - make distcheck makes pmemfail-VERSION.tar.xz, builds the unpacked
#   tarball out of tree, runs tests from it, installs it and checks the
#   installed systemd units with systemd-analyze verify;
# - make install DESTDIR puts every file where the distribution expects it;
# - a program built only with `pkg-config --cflags --libs libpmemfail`
#   against that install names the file that owns a range, as the kernel's
#   extent map says.
# Once per run, in the -Werror lane: distcheck configures a plain build.
. "$PMF_SRC/tests/lib.sh"

grep -q '^PMF_SAN_FLAGS = -fsanitize' "$PMF_BUILD/Makefile" &&
	pmf_skip "the release is checked once, in the -Werror lane (distcheck makes its own plain build)"
command -v systemd-analyze > /dev/null || pmf_fail "systemd-analyze is missing (scripts/deps installs systemd)"

version=$(sed -n 's/^PACKAGE_VERSION = //p' "$PMF_BUILD/Makefile")
tarball=$PMF_BUILD/pmemfail-$version.tar.xz
rm -f "$tarball"
make -C "$PMF_BUILD" distcheck PMF_CHECK_TESTS="core options" \
	> "$TMP/distcheck.log" 2>&1 ||
	pmf_fail "make distcheck failed: $(grep -E 'rror|FAIL' "$TMP/distcheck.log" | head -n 5)"
[ -s "$tarball" ] || pmf_fail "distcheck made no $tarball"
grep -q '^systemd-analyze verify: 3 unit(s) ok' "$TMP/distcheck.log" ||
	pmf_fail "distcheck did not verify the installed units"
grep -q '^2 passed, 0 failed' "$TMP/distcheck.log" ||
	pmf_fail "distcheck's tests did not run"
# Nothing the build made is shipped.
junk=$(tar tJf "$tarball" | grep -E '\.(o|lo|la|so)$|/\.(deps|libs)/|core-test$' || true)
[ -z "$junk" ] || pmf_fail "the tarball ships build output: $(echo $junk | head -c 300)"
echo "distcheck: $(basename "$tarball"), $(stat -c %s "$tarball") bytes, units verified"

root=$TMP/root
make -C "$PMF_BUILD" install DESTDIR="$root" > "$TMP/install.log" 2>&1 ||
	pmf_fail "make install failed: $(tail -n 5 "$TMP/install.log")"
prefix=$(sed -n 's/^prefix = //p' "$PMF_BUILD/Makefile")
libdir=$(sed -n 's/^libdir = //p' "$PMF_BUILD/Makefile" | sed "s|\${exec_prefix}|$prefix|")
unitdir=$(pkg-config --variable=systemdsystemunitdir systemd)
for f in "$prefix/sbin/xfs_pmem" "$prefix/sbin/xfs_pmem_db" \
	 "$libdir/libpmemfail.so.0" "$libdir/pmemfail/libpmemfail-undo.so" \
	 "$prefix/include/pmemfail.h" "$libdir/pkgconfig/libpmemfail.pc" \
	 "$prefix/share/man/man8/xfs_pmem.8" "$prefix/share/man/man8/xfs_pmem_db.8" \
	 "$prefix/share/man/man3/libpmemfail.3" \
	 "$unitdir/xfs_pmem_watch@.service" \
	 "$unitdir/xfs_pmem_badblocks_all.service" \
	 "$unitdir/xfs_pmem_badblocks_all.timer"; do
	[ -e "$root$f" ] || pmf_fail "make install left out $f"
done
grep -q "^ExecStart=$prefix/sbin/xfs_pmem watch %f$" "$root$unitdir/xfs_pmem_watch@.service" ||
	pmf_fail "the watch unit does not run the installed xfs_pmem"
grep -q "^ExecStart=$prefix/sbin/xfs_pmem badblocks --all$" \
	"$root$unitdir/xfs_pmem_badblocks_all.service" ||
	pmf_fail "the bad-block unit does not run the installed xfs_pmem"
echo "install: every file in place under $prefix and $unitdir"

export PKG_CONFIG_PATH="$root$libdir/pkgconfig" PKG_CONFIG_SYSROOT_DIR="$root"
flags=$(pkg-config --cflags --libs libpmemfail) || pmf_fail "pkg-config does not know libpmemfail"
# shellcheck disable=SC2086
cc -Wall -Wextra -Werror "$PMF_SRC/tests/pkgconfig-user.c" -o "$TMP/user" $flags ||
	pmf_fail "cannot build with pkg-config's flags: $flags"
echo "built with: $flags"

pmf_mkfs "$TMP/fs.img" 512M -- -m rmapbt=1
pmf_mount "$TMP/fs.img" "$TMP/mnt"
mkdir "$TMP/mnt/dir"
dd if=/dev/urandom of="$TMP/mnt/dir/victim" bs=64k count=4 status=none
sync
ino=$(stat -c %i "$TMP/mnt/dir/victim")
pmf_first_extent "$TMP/mnt/dir/victim" fstart flen
pmf_umount "$TMP/mnt"
LD_LIBRARY_PATH="$root$libdir" "$TMP/user" "$TMP/fs.img" $((fstart * 512)) 4096 \
	> "$TMP/user.out" || pmf_fail "the pkg-config program failed: $(cat "$TMP/user.out")"
grep -qx "data $ino 0 4096 /dir/victim" "$TMP/user.out" ||
	pmf_fail "the pkg-config program did not name /dir/victim (inode $ino): $(cat "$TMP/user.out")"
echo "ok"
