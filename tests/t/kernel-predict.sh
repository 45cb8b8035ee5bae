#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The kernel does what the prediction says.  One boot of the 7.2 guest with
# our xfs.ko (tests/kernel/predict-job.sh): on one filesystem on emulated
# pmem, xfs_pmem simulate first predicts the loss of each of these blocks,
# on the same device (remounted read-only, so read offline as the kernel
# sees it): the AG 0 rmapbt root, a bnobt, inobt and refcountbt root, AG
# 1's secondary superblock, a directory block, a bmbt block, a remote xattr
# value block, an inode chunk block, a user quota file block (a metadata
# file) and a mapped file's data block.  Then each is poisoned in turn
# (hwpoison corrupt-pfn), and for each, what the kernel did must be what
# the prediction's ON-MEDIA-LOSS column says: the sick mark, the shutdown
# or not, the SIGBUS or not, and the log line
# (tests/kernel/predict-check.py).  The expectations are simulate's, not
# written here: any rule on which the kernel and the library part makes
# this fail.
#
# Two rt metadata file blocks need a filesystem with rtgroups and realtime
# rmap (made in the guest by sid's mkfs.xfs 7.2, tests/guest/
# xfsprogs-sid-fetch, on a second pmem, with a virtio disk as the realtime
# device): an rtgroup's rtbitmap block and a leaf block of another
# rtgroup's rtrmapbt, whose loss must mark that rtgroup sick.  Only a build
# on a libxfs with realtime rmap (xfsprogs >= 6.14, configure
# --with-xfsprogs=DIR) can predict them; on others (CI's 6.13) they are
# skipped, saying so.
#
# Runs in the sanitizer lane with the other guest tests (pmf_require_guest);
# the guest runs the -Werror build's xfs_pmem.
. "$PMF_SRC/tests/lib.sh"
pmf_require_root
pmf_require_guest

. "$PMF_SRC/tests/kernel/kdax-host.sh"
kdax_setup "$PMF_SRC/tests/kernel/predict-job.sh"
gcc -static -O2 -Wall -Wextra -Werror -isystem "$XFSPROGS_DIR/include" \
	-o "$TMP/job/kpredict" "$PMF_SRC/tests/kernel/kpredict.c" ||
	pmf_fail "cannot build tests/kernel/kpredict.c statically"
pmf_guest_bins "$TMP/job" "$GUEST_PMEM"

# The build whose xfs_pmem runs in the guest decides.
config=$(dirname "$(dirname "$GUEST_PMEM")")/config.h
rtmeta=()
rtboot=()
if grep -q '^#define HAVE_LIBXFS_RTRMAP 1' "$config"; then
	sid=$("$kdax_guest/xfsprogs-sid-fetch") ||
		pmf_fail "tests/guest/xfsprogs-sid-fetch failed"
	cp -a "$sid" "$TMP/job/sid"
	truncate -s 128m "$TMP/rt.img"
	rtmeta=(rtbitmap rtrmap)
	rtboot=(--pmem 384 --disk "$TMP/rt.img")
else
	echo "skipped: the rt metadata file hits (rtbitmap, rtrmap) need a build on a libxfs with realtime rmap (xfsprogs >= 6.14; configure --with-xfsprogs=DIR); this one is $(sed -n 's/^#define XFSPROGS_VERSION "\(.*\)"/\1/p' "$config")"
fi

kdax_boot kernel-predict ours --pmem 512 --module hwpoison_inject \
	--xfs-ko "$kdax_ko" ${rtboot[@]+"${rtboot[@]}"}
[ "$(tail -n 1 "$TMP/ours.kdax")" = "done" ] ||
	pmf_fail "the guest did not finish (exit $rc_ours): $PMF_BUILD/test-logs/kernel-predict-ours.console"
grep -E '^(mkfs|mount|remount|xattr|reflink)[a-z-]*-failed' "$TMP/ours.kdax" &&
	pmf_fail "the guest job could not set up"
k ours '^sim ' | grep -vE ' rc [0-7]$' && pmf_fail "simulate failed in the guest"
# The rt blocks must be what they are said to be, in two rtgroups, or the
# rtgroup check proves nothing.
if [ ${#rtmeta[@]} -gt 0 ]; then
	"$PYTHON" - "$TMP/out-ours" <<'EOF' || pmf_fail "the rt targets are not an rtbitmap block and an rtrmapbt block of two rtgroups"
import json, sys
got = {}
for name, owner, kind in (("rtbitmap", "data", "bitmap"), ("rtrmap", "bmbt", "rmap")):
    rows = json.load(open(f"{sys.argv[1]}/sim-{name}.json"))["impacts"]
    print(name, [(r["owner"], r["metafile"]) for r in rows])
    f = (rows[0]["metafile"] or "").split() if len(rows) == 1 else []
    if len(f) != 3 or f[0] != "rtgroup" or f[2] != kind or \
            rows[0]["owner"] != owner:
        sys.exit(1)
    got[name] = f[1]
sys.exit(got["rtbitmap"] == got["rtrmap"])
EOF
fi

# Keep what was compared, for a look when it fails.
mkdir -p "$PMF_BUILD/test-logs/kernel-predict"
cp "$TMP/ours.kdax" "$TMP"/out-ours/sim-*.json "$PMF_BUILD/test-logs/kernel-predict/"
"$PYTHON" "$PMF_SRC/tests/kernel/predict-check.py" "$TMP/ours.kdax" \
	"$TMP/out-ours" ${rtmeta[@]+"${rtmeta[@]}"} || pmf_fail "the kernel did not do what simulate predicted (console: $PMF_BUILD/test-logs/kernel-predict-ours.console)"
kdax_complained ours && pmf_fail "the guest logged a kernel warning"
k ours '^umount /mnt/p 0$' > /dev/null || pmf_fail "the filesystem did not unmount"
if [ ${#rtmeta[@]} -gt 0 ]; then
	k ours '^umount /mnt/rt 0$' > /dev/null ||
		pmf_fail "the realtime filesystem did not unmount"
fi
echo "ok"
