#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The picture of a loss (simulate/verify --svg), rendered by rsvg-convert
# to PNG and read back pixel by pixel.  One filesystem, 4 AGs; three
# losses: one sector of a file's data (found by the kernel's bmap), one
# free block (GETFSMAP), and the whole of AG 1.  The colours and the
# layout are xfs_pmem(8)'s, written here: file data #4e79a7, free
# #ffffff, the failed range outlined and marked in #e0007a; strips of 800
# pixels from x = 70, one per AG, the n-th at y = 40 + 34 n, 20 high.
# The outline must sit in the right strip at the right place (to within
# its minimum width), hold the owner's colour at its middle, and appear in
# no other strip; the whole-AG outline must span its strip.
. "$PMF_SRC/tests/lib.sh"
command -v rsvg-convert > /dev/null || pmf_fail "rsvg-convert is missing (scripts/deps installs librsvg2-bin)"

img=$TMP/fs.img
pmf_mkfs "$img" 512M -- -m rmapbt=1 -d agcount=4
pmf_mount "$img" "$TMP/mnt"
for i in $(seq 1 20); do
	dd if=/dev/urandom of="$TMP/mnt/f$i" bs=1M count=4 status=none
done
sync
pmf_first_extent "$TMP/mnt/f10" fstart flen
"$XFS_IO" -c 'fsmap -d' "$TMP/mnt" > "$TMP/fsmap"
pmf_umount "$TMP/mnt"
agblocks=$("$XFS_DB" -r -c 'sb 0' -c 'print agblocks' "$img" | awk '{print $3}')
bs=$("$XFS_DB" -r -c 'sb 0' -c 'print blocksize' "$img" | awk '{print $3}')
agbytes=$((agblocks * bs))
# A free block in the middle of the largest free extent.
fr=$("$PYTHON" - "$TMP/fsmap" <<'PY'
import re, sys
best = None
for l in open(sys.argv[1]):
    m = re.match(r"\s*\d+: \S+ \[(\d+)\.\.(\d+)\]: free space", l)
    if m and (best is None or int(m.group(2)) - int(m.group(1)) > best[1] - best[0]):
        best = (int(m.group(1)), int(m.group(2)))
print((best[0] + best[1]) // 2 // 8 * 8)
PY
)

draw() {
	local name=$1 off=$2 len=$3
	"$XFS_PMEM" simulate "$img" --device data --offset "$off" --length "$len" \
		--no-paths --svg "$TMP/$name.svg" > /dev/null 2> "$TMP/$name.err"
	[ $? -lt 8 ] || pmf_fail "simulate --svg ($name) failed: $(cat "$TMP/$name.err")"
	rsvg-convert -o "$TMP/$name.png" "$TMP/$name.svg" ||
		pmf_fail "rsvg-convert cannot render $name.svg"
}
draw data $(( (fstart + 64) * 512 )) 512
draw free $((fr * 512)) 4096
draw ag1 "$agbytes" "$agbytes"

"$PYTHON" - "$TMP" "$agbytes" $(( (fstart + 64) * 512 )) $((fr * 512)) \
	"$PMF_SRC/tests" <<'PY' || pmf_fail "the pictures are wrong"
import sys
tmp, agbytes, doff, foff, tests = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
sys.path.insert(0, tests)
from pngpix import pixels
X0, W, Y0, PITCH, H, MARK = 70, 800, 40, 34, 20, "#e0007a"

def strip_rows(n):
    return range(Y0 + PITCH * n - 9, Y0 + PITCH * n + H + 3)

def outline(rows, n):
    """Columns of strip n's band holding the failed colour."""
    cols = set()
    for y in strip_rows(n):
        cols |= {x for x, c in enumerate(rows[y]) if c == MARK}
    return cols

def check(name, off, length, owner_colour):
    w, h, rows = pixels("%s/%s.png" % (tmp, name))
    n = off // agbytes
    for m in range(4):
        if m != n and outline(rows, m):
            sys.exit("%s: the failed colour in AG %d's strip" % (name, m))
    cols = outline(rows, n)
    if not cols:
        sys.exit("%s: no outline in AG %d's strip" % (name, n))
    lo, hi = min(cols), max(cols)
    x0 = X0 + (off - n * agbytes) * W // agbytes
    x1 = X0 + (off + length - n * agbytes) * W // agbytes
    if lo > x0 + 1 or hi < x1 - 1 or (x1 - x0 < 9 and hi - lo > 12):
        sys.exit("%s: outline at x %d..%d, the range is at %d..%d" % (name, lo, hi, x0, x1))
    mid = rows[Y0 + PITCH * n + H // 2][(lo + hi) // 2]
    if owner_colour and mid != owner_colour:
        sys.exit("%s: %s inside the outline, want %s" % (name, mid, owner_colour))
    print("%s: AG %d, outline x %d..%d for %d..%d, middle %s" % (name, n, lo, hi, x0, x1, mid))

check("data", doff, 512, "#4e79a7")
check("free", foff, 4096, "#ffffff")
check("ag1", agbytes, agbytes, None)
PY
echo "ok"
