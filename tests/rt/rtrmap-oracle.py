#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Check `xfs_pmem simulate --device rt` on a realtime rmap filesystem
against the guest kernel's GETFSMAP, record for record.

  rtrmap-oracle.py --xfs-pmem BIN --data IMG --rt IMG --rt-size BYTES
                   --fsmap FSMAP.txt --mnt /mnt [--seed N] [--count N]

FSMAP.txt is what tests/rt/rtfsmap wrote in the guest.  With realtime rmap
GETFSMAP -r reads the rtrmapbt and is exact: every byte of every range must
get the same owner, inode, file offset and unwritten and shared flags, and
every file the same paths.  Seeded random ranges plus the device's edges
and the whole device.  Prints the seed; exits 1 on the first mismatch.
"""
import argparse
import importlib.util
import os
import random
import sys

# The ranges (edges, whole device, seeded random) are rt-oracle.py's.
_spec = importlib.util.spec_from_file_location(
    "rt_oracle", os.path.join(os.path.dirname(__file__), "rt-oracle.py"))
rt_oracle = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(rt_oracle)

FMR_OF_PREALLOC = 0x1
FMR_OF_ATTR_FORK = 0x2
FMR_OF_EXTENT_MAP = 0x4
FMR_OF_SHARED = 0x8
FMR_OF_SPECIAL_OWNER = 0x10
# Special owners (FMR_OWNER(type, code)) as xfs_pmem names them: the
# generic free and unknown, and XFS_FMR_OWN_FS, the rt superblock.
X = ord("X") << 32
SPECIAL = {1: "free", 2: "unknown", X | 1: "ag-headers", X | 2: "log",
           X | 3: "ag-btree", X | 4: "inobt", X | 5: "inodes",
           X | 6: "refcountbt", X | 7: "cow"}
# xfs_pmem names the AG btrees one by one; GETFSMAP lumps some together.
LUMP = {"bnobt": "ag-btree", "cntbt": "ag-btree", "rmapbt": "ag-btree",
        "finobt": "inobt", "attr": "other", "bmbt": "other",
        "attr-bmbt": "other"}


def parse(path, mnt, device):
    rtdev, recs, paths = None, [], {}
    for line in open(path):
        f = line.rstrip("\n").split(" ", 2)
        if f[0] == "R":
            rtdev = int(f[1])
        elif f[0] == "P":
            p = f[2][len(mnt):] if f[2].startswith(mnt) else f[2]
            paths.setdefault(int(f[1]), set()).add(p)
    for line in open(path):
        f = line.split()
        if f[0] != "M" or (int(f[1]) == rtdev) != (device == "rt"):
            continue
        phys, length, owner, off = (int(x) for x in f[2:6])
        flags = int(f[6], 16)
        if flags & FMR_OF_SPECIAL_OWNER:
            kind, ino = SPECIAL.get(owner, "special-%x" % owner), 0
        elif flags & (FMR_OF_ATTR_FORK | FMR_OF_EXTENT_MAP):
            kind, ino = "other", owner
        else:
            kind, ino = "data", owner
        recs.append((phys, length, kind, ino, off,
                     bool(flags & FMR_OF_PREALLOC), bool(flags & FMR_OF_SHARED)))
    return recs, paths


def merge(pieces):
    """Pieces that continue each other (device, file, flags) are one."""
    out = []
    for p in sorted(pieces):
        if out:
            q = out[-1]
            if q[0] + q[1] == p[0] and q[2:4] == p[2:4] and q[5:] == p[5:] and \
                    (q[2] != "data" or q[4] + q[1] == p[4]):
                out[-1] = (q[0], q[1] + p[1]) + q[2:]
                continue
        out.append(p)
    return out


def sharers(recs):
    """For each file data record, the others on the same blocks: reflink
    stacks owners there, and the rtrmapbt has a record for each."""
    out, active = {}, []
    for i, r in sorted(enumerate(recs), key=lambda x: x[1][0]):
        if r[2] != "data":
            continue
        active = [j for j in active if recs[j][0] + recs[j][1] > r[0]]
        for j in active:
            out.setdefault(i, []).append(j)
            out.setdefault(j, []).append(i)
        active.append(i)
    return out


def expect(recs, share, s, e):
    """GETFSMAP's shared flag says whether any block of the whole record is
    shared; xfs_pmem says it of the part in the range, so the flag comes
    from the records that overlap that part."""
    out = []
    for i, (phys, length, kind, ino, off, unw, _) in enumerate(recs):
        cs, ce = max(phys, s), min(phys + length, e)
        if cs < ce:
            foff = off + cs - phys if kind == "data" else 0
            shared = any(recs[j][0] < ce and recs[j][0] + recs[j][1] > cs
                         for j in share.get(i, []))
            out.append((cs, ce - cs, kind, ino, foff, unw, shared))
    return merge(out)


def simulate(args, start, length):
    cmd = [args.xfs_pmem, "simulate", args.data, "-r", args.rt,
           "--device", args.device, "--offset", str(start), "--length", str(length),
           "--json", "--bytes", "-o",
           "dev,start,length,owner,inode,foffset,flags,metafile,path"]
    return rt_oracle.run_impacts(cmd)


def observed(impacts):
    out, paths, meta = [], {}, {}
    for imp in impacts:
        flags = imp.get("flags") or ""
        kind = LUMP.get(imp["owner"], imp["owner"])
        ino = imp.get("inode") or 0
        foff = imp.get("foffset") or 0 if kind == "data" else 0
        out.append((imp["start"], imp["length"], kind, ino, foff,
                    "unwritten" in flags, "shared" in flags))
        if imp.get("metafile"):
            meta[ino] = imp["metafile"]
        elif kind in ("data", "other"):
            paths[ino] = set(p for p in imp.get("path") or [] if p)
    return merge(out), paths, meta


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--xfs-pmem", required=True)
    ap.add_argument("--data", required=True)
    ap.add_argument("--rt", required=True)
    ap.add_argument("--device", choices=("rt", "data"), default="rt")
    ap.add_argument("--size", type=int, required=True,
                    help="bytes of the device's section")
    ap.add_argument("--root-ino", type=int, default=128)
    ap.add_argument("--rgcount", type=int, default=0,
                    help="data device: the rtgroups whose metafiles must be named")
    ap.add_argument("--fsmap", required=True)
    ap.add_argument("--mnt", default="/mnt")
    ap.add_argument("--seed", type=int, default=random.randrange(1 << 30))
    ap.add_argument("--count", type=int, default=1000)
    ap.add_argument("--min-shared", type=int, default=0,
                    help="fail unless GETFSMAP has this many shared records")
    args = ap.parse_args()
    print("seed %d" % args.seed)
    rng = random.Random(args.seed)
    recs, paths = parse(args.fsmap, args.mnt, args.device)
    nshared = sum(1 for r in recs if r[6])
    metafiles = {}
    share = sharers(recs)
    print("%d %s records in GETFSMAP, %d of them shared, %d files"
          % (len(recs), args.device, len(recs) and nshared, len(paths)))
    if not recs or nshared < args.min_shared:
        print("too few records or shared extents to prove anything")
        sys.exit(1)
    checked = nrecs = 0
    for start, length in rt_oracle.ranges(rng, args.size, args.count):
        s = start // 512 * 512
        e = -(-(start + length) // 512) * 512
        want = expect(recs, share, s, e)
        got, got_paths, got_meta = observed(simulate(args, start, length))
        metafiles.update(got_meta)
        if want != got:
            print("MISMATCH in %s range %d+%d:" % (args.device, start, length))
            print("  only the kernel: %s" % sorted(set(want) - set(got))[:10])
            print("  only xfs_pmem:   %s" % sorted(set(got) - set(want))[:10])
            sys.exit(1)
        for ino, p in got_paths.items():
            # The root directory and the inodes of the metadata tree have
            # no path a walk of the tree finds.
            if ino == args.root_ino and p == {"/"}:
                continue
            # Only regular files' paths are known (directories own data
            # device blocks too).
            if args.device == "data" and ino not in paths:
                continue
            if p != paths.get(ino, set()):
                print("MISMATCH paths of inode %d: want %s got %s"
                      % (ino, sorted(paths.get(ino, set())), sorted(p)))
                sys.exit(1)
        checked += 1
        nrecs += len(want)
    print("%d %s ranges (%d records) match the guest kernel's GETFSMAP (seed %d)"
          % (checked, args.device, nrecs, args.seed))
    if metafiles:
        print("metafiles named: %s" % ", ".join(sorted(set(metafiles.values()))))
    # Every rtgroup's bitmap and summary have blocks on the data device.
    want = set(["rtgroups dir"] if args.rgcount else [])
    for g in range(args.rgcount):
        want |= {"rtgroup %d bitmap" % g, "rtgroup %d summary" % g}
    if not want <= set(metafiles.values()):
        print("metafiles not named: %s" % sorted(want - set(metafiles.values())))
        sys.exit(1)


if __name__ == "__main__":
    main()
