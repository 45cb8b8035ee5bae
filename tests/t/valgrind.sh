#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# One valgrind pass of the simulate path (and verify's read-back), on the
# -Werror build: no invalid read or write, no use of uninitialised memory,
# no definite or indirect leak.  The only suppression (tests/valgrind.supp)
# is a leak made and lost inside libxfs.  The images are the fuzz kit's
# templates (tests/fuzz/mkkit): parent pointers and an internal log, and an
# external log with paths by directory walk; rmapbt and the inode scan.
. "$PMF_SRC/tests/lib.sh"
pmf_require_root
grep -q '^PMF_SAN_FLAGS = -fsanitize' "$PMF_BUILD/Makefile" &&
	pmf_skip "valgrind runs the -Werror build (a sanitizer build cannot run under valgrind)"
command -v valgrind > /dev/null || pmf_skip "valgrind is not installed (scripts/deps installs it)"

"$PMF_SRC/tests/fuzz/mkkit" "$XFSPROGS_DIR" "$TMP/kit" > "$TMP/mkkit.log" 2>&1 ||
	pmf_fail "mkkit failed: $(tail -5 "$TMP/mkkit.log")"
k=$TMP/kit

vg() {
	valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect \
		--show-leak-kinds=definite,indirect --error-exitcode=99 \
		--suppressions="$PMF_SRC/tests/valgrind.supp" \
		--log-file="$TMP/vg.log" "$XFS_PMEM" "$@" > "$TMP/out" 2> "$TMP/err"
	local rc=$?
	if [ $rc = 99 ] || [ -s "$TMP/vg.log" ]; then
		cat "$TMP/vg.log"
		pmf_fail "valgrind: errors in '$*'"
	fi
	[ $((rc & ~7)) = 0 ] || pmf_fail "'$*' exited $rc: $(head -3 "$TMP/err")"
	[ -s "$TMP/out" ] || pmf_fail "'$*' printed nothing"
	echo "ok: $* (exit $rc, $(wc -l < "$TMP/out") lines)"
}

vg simulate "$k/t0.data" --device data --whole
vg simulate "$k/t0.data" --device data --whole --scan --json
vg simulate "$k/t0.data" --device log --whole
vg simulate "$k/t1.data" -l "$k/t1.log" --device data --whole
vg simulate "$k/t1.data" -l "$k/t1.log" --device data --offset 0 --length 16m --scan
vg verify "$k/t0.data" --device data --whole
# A damaged copy: the error paths free what they made too.
cp --sparse=always "$k/t0.data" "$TMP/bad.img"
"$XFS_DB" -x -c 'agf 1' -c 'fuzz -d rmaproot random' "$TMP/bad.img" > /dev/null 2>&1
"$XFS_DB" -x -c 'agi 0' -c 'fuzz -d root random' "$TMP/bad.img" > /dev/null 2>&1
# A root directory that fails its checks: libxfs_iget() leaks its fork.
"$XFS_DB" -x -c 'inode 128' -c 'fuzz -d u3.sfdir3.hdr.parent.i4 random' "$TMP/bad.img" > /dev/null 2>&1
valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect \
	--error-exitcode=99 --suppressions="$PMF_SRC/tests/valgrind.supp" \
	--log-file="$TMP/vg.log" "$XFS_PMEM" simulate "$TMP/bad.img" --device data --whole \
	> /dev/null 2> "$TMP/err"
rc=$?
[ $rc = 99 ] || [ -s "$TMP/vg.log" ] && { cat "$TMP/vg.log"; pmf_fail "valgrind: errors on a damaged image"; }
[ $rc = 8 ] || pmf_fail "simulate of the damaged image exited $rc, expected 8: $(tail -2 "$TMP/err")"
echo "ok: damaged image refused cleanly: $(tail -1 "$TMP/err")"
vg verify "$TMP/bad.img" --device data --whole

# Threaded simulate, the records formatted beside the walk, in batches of
# three so that many pass between the two threads: helgrind must find no
# data race, and the report must be the one thread's, byte for byte.
# (helgrind's other complaints are about libxfs's and libfrog's own code:
# the cache's lock order at unmount, a condition signalled unlocked.)
hg() {
	PMF_QUERY_BATCH=3 valgrind -q --tool=helgrind --log-file="$TMP/hg.log" \
		"$XFS_PMEM" "$@" --threads 2 > "$TMP/out" 2> "$TMP/err"
	local rc=$?
	[ $((rc & ~7)) = 0 ] || pmf_fail "helgrind: '$*' exited $rc: $(head -3 "$TMP/err")"
	if grep -q 'Possible data race' "$TMP/hg.log"; then
		cat "$TMP/hg.log"
		pmf_fail "helgrind: a data race in '$*'"
	fi
	PMF_QUERY_BATCH=3 "$XFS_PMEM" "$@" --threads 1 > "$TMP/out1" 2> /dev/null
	cmp -s "$TMP/out" "$TMP/out1" || pmf_fail "'$*': two threads and one differ"
	echo "ok: helgrind: $* --threads 2 ($(wc -l < "$TMP/out") lines)"
}
hg simulate "$k/t0.data" --device data --whole --json
hg simulate "$k/t1.data" -l "$k/t1.log" --device data --whole -R
