#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The kernel as the oracle for offline range -> owner answers.

  oracle.py capture MOUNTPOINT DATADEV [LOGDEV] > state.json
      While mounted: every GETFSMAP record (raw ioctl) and every path
      (find -printf %i, the kernel's own directory view).

  oracle.py check state.json --xfs-pmem BIN --data IMG [--log IMG]
                  --seed N --count N [--edges]
      After unmount: run `xfs_pmem simulate --json --bytes` on random and
      edge ranges and compare, record for record, with the GETFSMAP records
      clipped to each range: owners, offsets, lengths, flags and paths, the
      allocated inodes of damaged inode chunks, and what each loss means
      (effect, on-media-loss, on-remove) by DECISIONS below.
"""
import argparse
import bisect
import fcntl
import json
import os
import random
import struct
import subprocess
import sys

FS_IOC_GETFSMAP = 0xC0C0583B
FSMAP_FMT = "=IIQQQQ24x"          # struct fsmap, 64 bytes
HEAD_FMT = "=IIII48x"             # struct fsmap_head before the keys
FMR_OF_PREALLOC = 0x1
FMR_OF_ATTR_FORK = 0x2
FMR_OF_EXTENT_MAP = 0x4
FMR_OF_SHARED = 0x8
FMR_OF_SPECIAL_OWNER = 0x10
FMR_OF_LAST = 0x20

SPECIAL = {
    (0, 1): "free", (0, 2): "unknown",
    (ord("X"), 1): "ag-headers", (ord("X"), 2): "log",
    (ord("X"), 3): "ag-btree", (ord("X"), 4): "inobt",
    (ord("X"), 5): "inodes", (ord("X"), 6): "refcountbt",
    (ord("X"), 7): "cow",
}


# doc/design.md's decision table, written out here (never read from the
# code): (owner, kind) -> (effect, on-media-loss, on-remove).  The kind of
# file data is the inode's type as find(1) saw it mounted (f, d, l), "meta"
# for a metadata inode, "unwritten" for an unwritten extent; of the AG
# headers, which sectors the clipped part covers.  Log hits depend on the
# log's head and tail, which GETFSMAP does not give: they are not checked.
DECISIONS = {
    ("data", "f"): ("data-lost", "unmap,kill,record", "unmap,kill"),
    ("data", "d"): ("data-lost", "record,sick", None),
    ("data", "l"): ("data-lost", "record,sick", None),
    ("data", "meta"): ("rebuildable", "sick", None),
    ("data", "unwritten"): ("no-loss", None, None),
    ("attr", None): ("data-lost", "record,sick", None),
    ("bmbt", None): ("rebuildable", "sick", None),
    ("attr-bmbt", None): ("rebuildable", "sick", None),
    ("inodes", None): ("data-lost", "record,sick", None),
    ("ag-btree", None): ("rebuildable", "sick", None),
    ("inobt", None): ("rebuildable", "sick", None),
    ("refcountbt", None): ("rebuildable", "sick", None),
    ("cow", None): ("no-loss", None, None),
    ("free", None): ("no-loss", None, None),
    ("unknown", None): ("fatal", "shutdown", None),
    ("ag-headers", "primary sb"): ("fatal", "shutdown", None),
    ("ag-headers", "agf/agi/agfl"): ("fatal", "shutdown", None),
    ("ag-headers", "secondary sb"): ("rebuildable", "sick", None),
    ("ag-headers", "unused"): ("no-loss", None, None),
}
# Offline, OWN_AG impacts are narrowed by their blocks' magic; GETFSMAP
# says OWN_AG.  The decision is the same.
AG_BTREES = ("bnobt", "cntbt", "rmapbt")


def getfsmap(path):
    """All GETFSMAP records of the filesystem mounted at path."""
    fd = os.open(path, os.O_RDONLY)
    count = 1024
    low = struct.pack(FSMAP_FMT, 0, 0, 0, 0, 0, 0)
    # As xfs_io sets it: every field at its maximum but the length.
    high = struct.pack(FSMAP_FMT, 0xFFFFFFFF, 0xFFFFFFFF, 2**64 - 1, 2**64 - 1,
                       2**64 - 1, 0)
    recs = []
    while True:
        buf = bytearray(struct.pack(HEAD_FMT, 0, 0, count, 0) + low + high +
                        bytes(64 * count))
        fcntl.ioctl(fd, FS_IOC_GETFSMAP, buf)
        entries = struct.unpack_from("=I", buf, 12)[0]
        if entries == 0:
            break
        last = None
        for i in range(entries):
            off = 192 + 64 * i
            dev, flags, phys, owner, offset, length = struct.unpack_from(FSMAP_FMT, buf, off)
            recs.append(dict(dev=dev, flags=flags, phys=phys, owner=owner,
                             offset=offset, length=length))
            last = bytes(buf[off:off + 64])
        if recs[-1]["flags"] & FMR_OF_LAST:
            break
        low = last
    os.close(fd)
    return recs


def encode_dev(rdev):
    """The kernel's new_encode_dev(), as GETFSMAP reports devices."""
    ma, mi = os.major(rdev), os.minor(rdev)
    return (mi & 0xFF) | (ma << 8) | ((mi & ~0xFF) << 12)


def capture(args):
    devs = {"data": encode_dev(os.stat(args.datadev).st_rdev)}
    if args.logdev:
        devs["log"] = encode_dev(os.stat(args.logdev).st_rdev)
    paths = {}
    types = {}
    out = subprocess.run(["find", args.mountpoint, "-xdev", "-printf", "%i\\t%y\\t%P\\n"],
                         check=True, capture_output=True, text=True).stdout
    for line in out.splitlines():
        ino, typ, rel = line.split("\t", 2)
        paths.setdefault(ino, []).append("/" + rel)
        types[ino] = typ
    json.dump({"devs": devs, "records": getfsmap(args.mountpoint),
               "paths": paths, "types": types}, sys.stdout)


def owner_of(r):
    if r["flags"] & FMR_OF_SPECIAL_OWNER:
        key = (r["owner"] >> 32, r["owner"] & 0xFFFFFFFF)
        return SPECIAL.get(key, "unknown"), None
    attr = r["flags"] & FMR_OF_ATTR_FORK
    if r["flags"] & FMR_OF_EXTENT_MAP:
        return ("attr-bmbt" if attr else "bmbt"), r["owner"]
    return ("attr" if attr else "data"), r["owner"]


class Oracle:
    def __init__(self, state, geo, metafiles):
        self.geo = geo
        self.metafiles = metafiles
        self.paths = {int(k): sorted(v) for k, v in state["paths"].items()}
        self.types = {int(k): v for k, v in state.get("types", {}).items()}
        self.rows_seen = set()
        self.bydev = {}
        self.index = {}
        for name, devno in state["devs"].items():
            recs = sorted((r for r in state["records"] if r["dev"] == devno),
                          key=lambda r: r["phys"])
            self.bydev[name] = recs
            # For a range, the records that can meet it: from the first
            # whose running maximum end passes the start, to the last that
            # starts before the end.
            starts, maxend, m = [], [], 0
            for r in recs:
                m = max(m, r["phys"] + r["length"])
                starts.append(r["phys"])
                maxend.append(m)
            self.index[name] = (starts, maxend)
        # File data extents, and for each the others it overlaps, to tell
        # shared pieces exactly (reflink stacks owners on the same blocks).
        data = [r for r in self.bydev.get("data", []) if owner_of(r)[0] == "data"]
        self.sharers = {}
        active = []
        for r in data:
            active = [o for o in active if o["phys"] + o["length"] > r["phys"]]
            for o in active:
                self.sharers.setdefault(id(r), []).append(o)
                self.sharers.setdefault(id(o), []).append(r)
            active.append(r)

    def shared(self, r, cs, ce):
        for o in self.sharers.get(id(r), []):
            if o["owner"] == r["owner"] and o["offset"] == r["offset"]:
                continue
            if o["phys"] < ce and o["phys"] + o["length"] > cs:
                return True
        return False

    def candidates(self, dev, s0, e0):
        recs = self.bydev.get(dev, [])
        if not recs:
            return []
        starts, maxend = self.index[dev]
        lo = bisect.bisect_right(maxend, s0)
        hi = bisect.bisect_left(starts, e0)
        return recs[lo:hi]

    def inode_pos(self, ino):
        g = self.geo
        agno = ino >> (g["agblklog"] + g["inopblog"])
        agbno = (ino >> g["inopblog"]) & ((1 << g["agblklog"]) - 1)
        slot = ino & ((1 << g["inopblog"]) - 1)
        return ((agno * g["agblocks"] + agbno) * g["blocksize"] +
                slot * g["inodesize"])

    def chunk_inodes(self, cs, ce):
        """Inodes any of whose bytes lie in [cs, ce)."""
        known = set(self.paths) | set(self.metafiles)
        isize = self.geo["inodesize"]
        return sorted(i for i in known
                      if self.inode_pos(i) < ce and self.inode_pos(i) + isize > cs)

    def expect(self, dev, start, length):
        s0 = start // 512 * 512
        e0 = -(-(start + length) // 512) * 512
        exp = []
        for r in self.candidates(dev, s0, e0):
            cs, ce = max(s0, r["phys"]), min(e0, r["phys"] + r["length"])
            if cs >= ce:
                continue
            owner, ino = owner_of(r)
            foff = None
            if owner in ("data", "attr"):
                foff = r["offset"] + (cs - r["phys"])
            item = dict(start=cs, length=ce - cs, owner=owner, inode=ino,
                        foffset=foff,
                        unwritten=bool(r["flags"] & FMR_OF_PREALLOC),
                        shared=owner == "data" and self.shared(r, cs, ce))
            if ino is not None:
                item["paths"] = self.paths.get(ino, ["/"] if ino == self.geo["rootino"] else [])
                if ino in self.metafiles:
                    item["paths"] = []
            if owner == "inodes":
                item["inodes"] = self.chunk_inodes(cs, ce)
            item.update(self.decide(owner, ino, item["unwritten"], cs, ce))
            exp.append(item)
        return exp

    def header_kind(self, cs, ce):
        """Which AG header sectors [cs, ce) of the data device covers."""
        g = self.geo
        agbytes = g["agblocks"] * g["blocksize"]
        agno, rel = cs // agbytes, cs % agbytes
        ss = g["sectsize"]
        hit = set(range(rel // ss, (rel + ce - cs - 1) // ss + 1)) & {0, 1, 2, 3}
        if hit & {1, 2, 3}:
            return "agf/agi/agfl"
        if 0 in hit:
            return "primary sb" if agno == 0 else "secondary sb"
        return "unused"

    def decide(self, owner, ino, unwritten, cs, ce):
        """Effect and actions by DECISIONS, or nothing to check (the log)."""
        kind = None
        if owner == "log":
            return {}
        if owner == "data":
            if unwritten:
                kind = "unwritten"
            elif ino in self.metafiles:
                kind = "meta"
            else:
                kind = self.types.get(ino)
                if kind is None:
                    # Unlinked, or unseen: not checked.
                    return {}
        elif owner == "ag-headers":
            kind = self.header_kind(cs, ce)
        self.rows_seen.add((owner, kind))
        effect, media, remove = DECISIONS[(owner, kind)]
        return {"effect": effect, "on-media-loss": media, "on-remove": remove}


def normalize(imp, want):
    """simulate's impact as the oracle states it; decisions only where the
    oracle has them (want: the expected items of the range)."""
    flags = (imp.get("flags") or "").split(",")
    owner = "ag-btree" if imp["owner"] in AG_BTREES else imp["owner"]
    item = dict(start=imp["start"], length=imp["length"], owner=owner,
                inode=imp.get("inode"), foffset=imp.get("foffset"),
                unwritten="unwritten" in flags, shared="shared" in flags)
    if item["inode"] is not None:
        # libsmartcols shows an empty list as [null], as lsblk does.
        item["paths"] = sorted(p for p in imp.get("path") or [] if p)
    if imp["owner"] == "inodes":
        item["inodes"] = sorted(c["inode"] for c in imp.get("children", []))
    if any(key(w) == key(item) and "effect" in w for w in want):
        for k in ("effect", "on-media-loss", "on-remove"):
            item[k] = imp.get(k)
    return item


def key(item):
    return (item["start"], item["owner"], item["inode"] or 0, item["foffset"] or 0)


LEAK_CHECK_EVERY = 10
_runs = 0


def run_simulate(args, dev, start, length, scan=False):
    cmd = [args.xfs_pmem, "simulate", args.data, "--device", dev,
           "--offset", str(start), "--length", str(length), "--json", "--bytes",
           "-o", "dev,start,length,owner,inode,foffset,flags,effect,"
           "on-media-loss,on-remove,path"]
    if scan:
        cmd.append("--scan")
    if args.log:
        cmd[3:3] = ["-l", args.log]
    p = subprocess.run(cmd, capture_output=True, text=True)
    # Analysis prints nothing on stderr: anything there (a sanitizer
    # report, libxfs complaining) is a failure, whatever the exit code.
    if p.returncode & ~7 or p.stderr:
        raise RuntimeError("%s: exit %d: %s" % (" ".join(cmd), p.returncode,
                                                p.stderr.strip()[:2000]))
    return json.loads(p.stdout)


def ranges(args, geo, devsize, rng):
    bs = geo["blocksize"]
    agbytes = geo["agblocks"] * bs
    out = []
    if args.edges:
        out += [("data", 0, 512), ("data", devsize - 512, 512),
                ("data", 0, devsize), ("data", devsize - bs, bs)]
        ags = list(range(1, geo["agcount"]))
        if args.edge_ags and len(ags) > args.edge_ags:
            # The first boundaries and the last one: the arithmetic is the same.
            ags = ags[:args.edge_ags - 1] + ags[-1:]
        for ag in ags:
            out += [("data", ag * agbytes - bs, 2 * bs), ("data", ag * agbytes, 512),
                    ("data", ag * agbytes - 512, 512)]
    for _ in range(args.count):
        length = int(2 ** rng.uniform(9, 26))
        start = rng.randrange(0, max(1, devsize - 512))
        if rng.random() < 0.5:
            start = start // 512 * 512
        length = min(length, devsize - start)
        out.append(("data", start, max(1, length)))
    return out


def check(args):
    state = json.load(open(args.state))
    geo = json.load(open(args.geometry))
    metafiles = set(geo.pop("metafiles"))
    oracle = Oracle(state, geo, metafiles)
    rng = random.Random(args.seed)
    devsize = os.path.getsize(args.data)
    failures = 0
    scans = 0
    decided = 0
    todo = ranges(args, geo, devsize, rng)
    runs = [(r, False) for r in todo]
    # The inode scan must give the same answers: check it on every Nth range.
    if args.scan_every:
        runs += [(r, True) for r in todo[::args.scan_every]]
    for (dev, start, length), scan in runs:
        got = run_simulate(args, dev, start, length, scan)
        scans += scan
        want = sorted(oracle.expect(dev, start, length), key=key)
        have = sorted((normalize(i, want) for i in got["impacts"]), key=key)
        decided += sum("effect" in w for w in want)
        if have != want:
            failures += 1
            print("MISMATCH%s %s offset %d length %d (seed %d)" %
                  (" (--scan)" if scan else "", dev, start, length, args.seed))
            hs = [json.dumps(h, sort_keys=True) for h in have]
            ws = [json.dumps(w, sort_keys=True) for w in want]
            for h in hs:
                if h not in ws:
                    print("  only offline: " + h[:400])
            for w in ws:
                if w not in hs:
                    print("  only kernel:  " + w[:400])
            if failures >= 5:
                break
    print("oracle: %d ranges (%d also by inode scan), %d records' effect and "
          "actions checked, %d mismatches, seed %d" %
          (len(todo), scans, decided, failures, args.seed))
    print("oracle: decision rows met: %s" % ", ".join(
        "%s/%s" % r if r[1] else r[0] for r in sorted(oracle.rows_seen, key=str)))
    return 1 if failures else 0


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("capture")
    c.add_argument("mountpoint")
    c.add_argument("datadev")
    c.add_argument("logdev", nargs="?")
    k = sub.add_parser("check")
    k.add_argument("state")
    k.add_argument("--geometry", required=True)
    k.add_argument("--xfs-pmem", required=True)
    k.add_argument("--data", required=True)
    k.add_argument("--log")
    k.add_argument("--seed", type=int, required=True)
    k.add_argument("--count", type=int, default=100)
    k.add_argument("--edges", action="store_true")
    k.add_argument("--scan-every", type=int, default=0)
    k.add_argument("--edge-ags", type=int, default=0,
                   help="AG boundaries to check (0: all)")
    args = ap.parse_args()
    if args.cmd == "capture":
        capture(args)
        return 0
    return check(args)


if __name__ == "__main__":
    sys.exit(main())
