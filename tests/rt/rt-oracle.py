#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Check `xfs_pmem simulate --device rt` against a realtime-capable kernel.

  rt-oracle.py --xfs-pmem BIN --data IMG [--log IMG] --rt IMG
               --dump BMAP.txt --fsmap FSMAP-R.csv --mnt /mnt
               [--seed N] [--count N]

BMAP.txt is what tests/rt/rtfill wrote in the guest: every file's paths and
the extent map the guest kernel's XFS_IOC_GETBMAPX gave (what `xfs_io -c
'bmap -v'` prints).  FSMAP-R.csv is `xfs_io -c 'fsmap -r -m'` from the same
guest: on a filesystem without realtime rmap the kernel reports the free
extents of the rt bitmap there and calls the rest unknown.

For seeded random ranges of the realtime device, plus the whole device and
its edges, every answer must match: the file data records (inode, file
offset, length, unwritten) and their paths, the free space, and what is
neither.  Prints the seed; exits 1 on the first mismatch.
"""
import argparse
import json
import random
import subprocess
import sys

FREE_OWNER = "special_0:1"      # FMR_OWN_FREE as xfs_io prints it


def parse_dump(path, mnt):
    files, extents, mapped = {}, [], set()
    for line in open(path):
        f = line.rstrip("\n").split(" ", 4)
        if f[0] == "F":
            ino, rt = int(f[1]), f[3] == "1"
            p = f[4][len(mnt):] if f[4].startswith(mnt) else f[4]
            files.setdefault(ino, {"rt": rt, "paths": set()})["paths"].add(p)
        elif f[0] == "E":
            f = line.split()
            ino, off, length, blk = (int(x) for x in f[1:5])
            # A file with hard links was walked, and mapped, once per path.
            if (ino, off) in mapped:
                continue
            mapped.add((ino, off))
            extents.append((ino, off * 512, length * 512, blk * 512,
                            f[5] == "u"))
    rt_extents = [e for e in extents if files[e[0]]["rt"]]
    return files, rt_extents


def parse_fsmap(path, trust_below, extents):
    free, used = [], []
    for line in open(path):
        f = line.strip().split(",")
        if not f or not f[0].isdigit():
            continue
        start, length = int(f[3]) * 512, int(f[8]) * 512
        owner = f[5]
        if owner == FREE_OWNER:
            free.append((start, length))
        else:
            used.append((start, length))
    if trust_below is None:
        return free, used
    # Past trust_below GETFSMAP is not believed (see --fsmap-trust-below):
    # there the free space is what no file maps, which xfs_repair -n has
    # already checked against the rt bitmap.
    end = max(s + l for s, l in free + used)
    free = [c for c in (clip(s, l, 0, trust_below) for s, l in free) if c]
    used = [c for c in (clip(s, l, 0, trust_below) for s, l in used) if c]
    taken = merge([(e[3], e[2]) for e in extents])
    free.extend(subtract((trust_below, end - trust_below), taken) if end > trust_below else [])
    return free, used


def clip(start, length, s, e):
    cs, ce = max(start, s), min(start + length, e)
    return (cs, ce - cs) if cs < ce else None


def merge(intervals):
    """Adjacent pieces are one piece, whoever split them."""
    out = []
    for s, length in sorted(intervals):
        if out and out[-1][0] + out[-1][1] == s:
            out[-1] = (out[-1][0], out[-1][1] + length)
        else:
            out.append((s, length))
    return out


def merge_data(recs):
    """Data pieces continue each other on disk and in the file."""
    out = []
    for r in sorted(recs, key=lambda r: (r[0], r[3])):
        ino, foff, length, phys, unw = r
        if out:
            pino, pfoff, plen, pphys, punw = out[-1]
            if (pino, punw) == (ino, unw) and pphys + plen == phys and \
                    pfoff + plen == foff:
                out[-1] = (pino, pfoff, plen + length, pphys, punw)
                continue
        out.append(r)
    return out


def expect(files, extents, free, used, s, e, rtsb):
    data, fr, other, sb = [], [], [], []
    for ino, foff, length, phys, unw in extents:
        c = clip(phys, length, s, e)
        if c:
            data.append((ino, foff + c[0] - phys, c[1], c[0], unw))
    for start, length in free:
        c = clip(start, length, s, e)
        if c:
            fr.append(c)
    # What the kernel calls in use but no file maps: the rt superblock's
    # rt extent, or space nobody owns.
    c = clip(0, rtsb, s, e)
    if c:
        sb.append(c)
    taken = merge([(d[3], d[2]) for d in data] + sb)
    for start, length in used:
        c = clip(start, length, s, e)
        if c:
            other.extend(subtract(c, taken))
    return merge_data(data), merge(fr), merge(other), merge(sb)


def subtract(piece, taken):
    s, e = piece[0], piece[0] + piece[1]
    out = []
    for ts, tl in taken:
        te = ts + tl
        if te <= s or ts >= e:
            continue
        if ts > s:
            out.append((s, ts - s))
        s = max(s, te)
    if s < e:
        out.append((s, e - s))
    return out


def simulate(args, start, length):
    cmd = [args.xfs_pmem, "simulate", args.data, "-r", args.rt,
           "--device", "rt", "--offset", str(start), "--length", str(length),
           "--json", "--bytes", "-o", "dev,start,length,owner,inode,foffset,flags,path"]
    if args.log:
        cmd[3:3] = ["-l", args.log]
    return run_impacts(cmd)


def run_impacts(cmd):
    """The impacts of one simulate run, which must print nothing on stderr
    and exit with the loss bits only."""
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode & ~7 or p.stderr:
        raise RuntimeError("%s: exit %d: %s" % (" ".join(cmd), p.returncode,
                                                p.stderr.strip()[:2000]))
    return json.loads(p.stdout)["impacts"]


def observed(impacts):
    data, fr, other, sb, paths = [], [], [], [], {}
    for imp in impacts:
        if imp["dev"] != "rt":
            raise RuntimeError("record for device %s" % imp["dev"])
        if imp["owner"] == "data":
            unw = "unwritten" in (imp.get("flags") or "")
            data.append((imp["inode"], imp["foffset"], imp["length"],
                         imp["start"], unw))
            paths[imp["inode"]] = set(p for p in imp.get("path") or [] if p)
        elif imp["owner"] == "free":
            fr.append((imp["start"], imp["length"]))
        elif imp["owner"] == "ag-headers":
            sb.append((imp["start"], imp["length"]))
        else:
            other.append((imp["start"], imp["length"]))
    return merge_data(data), merge(fr), merge(other), merge(sb), paths


def ranges(rng, size, count):
    out = [(0, size), (0, 512), (size - 512, 512), (size - 4096, 4096),
           (size // 2 - 1000, 3000)]
    for _ in range(count):
        length = int(2 ** rng.uniform(9, 27))
        start = rng.randrange(0, size - 512)
        if rng.random() < 0.7:
            start = start // 4096 * 4096
        out.append((start, max(1, min(length, size - start))))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--xfs-pmem", required=True)
    ap.add_argument("--data", required=True)
    ap.add_argument("--log")
    ap.add_argument("--rt", required=True)
    ap.add_argument("--rt-size", type=int, required=True,
                    help="bytes of the realtime section")
    ap.add_argument("--dump", required=True)
    ap.add_argument("--fsmap", required=True)
    ap.add_argument("--mnt", default="/mnt")
    ap.add_argument("--fsmap-trust-below", type=int,
                    help="believe GETFSMAP's free space only below this byte: "
                         "7.2.13 reports the whole last rtgroup of a filesystem "
                         "without rtrmap as unknown, free space included")
    ap.add_argument("--seed", type=int, default=random.randrange(1 << 30))
    ap.add_argument("--count", type=int, default=100)
    ap.add_argument("--rtsb-bytes", type=int, default=0,
                    help="the rt superblock's rt extent (rtgroups filesystems)")
    ap.add_argument("--min-rt-files", type=int, default=0,
                    help="fail unless the guest made at least this many")
    args = ap.parse_args()
    print("seed %d" % args.seed)
    rng = random.Random(args.seed)

    files, extents = parse_dump(args.dump, args.mnt)
    free, used = parse_fsmap(args.fsmap, args.fsmap_trust_below, extents)
    nrt = sum(1 for f in files.values() if f["rt"])
    print("%d files, %d on the realtime device, %d rt extents, %d free extents"
          % (len(files), nrt, len(extents), len(free)))
    if nrt < args.min_rt_files:
        print("only %d realtime files, want %d" % (nrt, args.min_rt_files))
        sys.exit(1)
    checked = 0
    for start, length in ranges(rng, args.rt_size, args.count):
        s = start // 512 * 512
        e = -(-(start + length) // 512) * 512
        want = expect(files, extents, free, used, s, e, args.rtsb_bytes)
        got_data, got_free, got_other, got_sb, got_paths = observed(
            simulate(args, start, length))
        for name, w, g in (("data", want[0], got_data),
                           ("free", want[1], got_free),
                           ("unknown", want[2], got_other),
                           ("rt superblock", want[3], got_sb)):
            if w != g:
                print("MISMATCH %s in rt range %d+%d:" % (name, start, length))
                print("  only the kernel: %s" % sorted(set(w) - set(g))[:10])
                print("  only xfs_pmem:   %s" % sorted(set(g) - set(w))[:10])
                sys.exit(1)
        for ino, p in got_paths.items():
            if p != files[ino]["paths"]:
                print("MISMATCH paths of inode %d: want %s got %s"
                      % (ino, sorted(files[ino]["paths"]), sorted(p)))
                sys.exit(1)
        checked += 1
    print("%d rt ranges match the guest kernel (seed %d)" % (checked, args.seed))


if __name__ == "__main__":
    main()
