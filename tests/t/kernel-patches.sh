#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The upstream series in kernel/patches/ (kernel/patches/mkseries):
#   - it is what the script makes of our tree now (else it is stale);
#   - it applies with git am to a git tree of the stock fs/xfs of Debian's
#     linux-source 7.2.13;
#   - checkpatch.pl --strict of that source reports no error in any patch;
#   - the xfs module builds after patch 1 and after the last patch (every
#     step: kernel/patches/mkseries --build each, by hand: each step
#     rebuilds a few files of the kept object tree).
# Needs the guest kernel's development packages (tests/guest/kernel-fetch
# --devel), hence the guest lane.
. "$PMF_SRC/tests/lib.sh"
pmf_require_guest

series="$PMF_SRC/kernel/patches"
"$series/mkseries" -o "$TMP/series" -t "$TMP/made" --build ends ||
	pmf_fail "kernel/patches/mkseries failed"
n=0
for p in "$TMP"/series/*.patch "$TMP/series/checkpatch.txt"; do
	cmp -s "$p" "$series/$(basename "$p")" ||
		pmf_fail "kernel/patches/$(basename "$p") is stale: run kernel/patches/mkseries"
	n=$((n + 1))
done
[ "$(ls "$series"/*.patch | wc -l)" = "$(ls "$TMP"/series/*.patch | wc -l)" ] ||
	pmf_fail "kernel/patches/ holds patches mkseries no longer makes"
echo "the committed series ($n files) is what mkseries makes"

# git am onto a fresh tree of the stock fs/xfs.
kdev=$("$PMF_SRC/tests/guest/kernel-fetch" --devel) || pmf_fail "kernel-fetch --devel failed"
mkdir -p "$TMP/am/fs"
cp -a "$kdev/src/fs/xfs" "$TMP/am/fs/xfs"
(
	cd "$TMP/am" &&
	git init -q && git add -A &&
	git -c user.name=t -c user.email=t@t commit -q -m stock &&
	git -c user.name=t -c user.email=t@t am -q "$series"/000[1-9]-*.patch
) || pmf_fail "the series does not apply with git am to the stock fs/xfs"
diff -r -x .git "$TMP/am/fs/xfs" "$TMP/made/fs/xfs" > /dev/null ||
	pmf_fail "git am gives another tree than mkseries"
echo "git am: $(git -C "$TMP/am" rev-list --count HEAD~0 --not HEAD~"$(ls "$series"/000[1-9]-*.patch | wc -l)") patches applied"

grep '^total:' "$series/checkpatch.txt"
if grep -q '^total: [1-9][0-9]* errors' "$series/checkpatch.txt"; then
	pmf_fail "checkpatch.pl --strict reports errors: $series/checkpatch.txt"
fi
echo "ok"
