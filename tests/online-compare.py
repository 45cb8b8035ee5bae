#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Online (mount point) against offline (devices): the same reports.

  online-compare.py run --xfs-pmem BIN --seed N --count N
                        [--extra DEV:OFFSET:LENGTH]... OUT.json -- TARGET...
      Run `xfs_pmem simulate --json --bytes` with every column on seeded
      random ranges of the data device plus edges (first and last sectors,
      the whole device, AG boundaries, the log, ranges past the end) and
      save every answer.  TARGET is a mount point, or DATA [-l LOG]: the
      ranges depend only on the geometry, so both runs ask the same ones.

  online-compare.py compare ONLINE.json OFFLINE.json
      Record for record, in order: every member of every impact and child.
      One difference is by design: the online engine cannot read the log's
      head and tail from outside the kernel, so, like the kernel's own
      handler, it calls every log hit live and dirty; offline proves less
      when the log is clean.  For `log` records the log hints, the effect
      and the actions are left out of the comparison (online must have both
      hints), and so are the summary and exit code of a range that has one.
"""
import json
import random
import subprocess
import sys

COLUMNS = ("dev,start,length,owner,inode,foffset,flags,effect,ag,agbno,blocks,"
           "headers,on-media-loss,on-remove,metafile,path")


def simulate(binary, target, dev, args):
    cmd = [binary, "simulate", *target, "--device", dev, *args, "--json",
           "--bytes", "-o", COLUMNS]
    p = subprocess.run(cmd, capture_output=True, text=True)
    out = None
    if p.stdout.strip():
        out = json.loads(p.stdout)
    return dict(cmd=" ".join(cmd[2:]), rc=p.returncode, out=out,
                err=p.stderr.strip())


def geometry(binary, target):
    p = subprocess.run([binary, "info", *target, "--json", "--bytes"],
                       capture_output=True, text=True)
    if p.returncode:
        # Say why: a bare CalledProcessError hides xfs_pmem's own message.
        sys.exit("info %s: exit %d: %s" % (" ".join(target), p.returncode,
                                           p.stderr.strip()))
    return json.loads(p.stdout)["filesystems"][0]


def ranges(geo, seed, count):
    bs, ags = geo["blocksize"], geo["agcount"]
    agbytes = geo["agblocks"] * bs
    size = geo["datasize"]
    out = [("data", ["--offset", "0", "--length", "512"]),
           ("data", ["--offset", str(size - 512), "--length", "512"]),
           ("data", ["--offset", str(size - bs), "--length", str(bs)]),
           ("data", ["--whole"]),
           ("data", ["--offset", str(size), "--length", "512"]),
           ("data", ["--offset", str(size - 512), "--length", "1024"]),
           ("log", ["--whole"]),
           ("log", ["--offset", "4096", "--length", "65536"])]
    if geo["logstart"]:
        # An internal log: the data device range it sits in, and its edges.
        agblklog = (geo["agblocks"] - 1).bit_length()
        ls = geo["logstart"]
        start = ((ls >> agblklog) * geo["agblocks"] + (ls & ((1 << agblklog) - 1))) * bs
        logbytes = geo["logblocks"] * bs
        out += [("data", ["--offset", str(start - bs), "--length", str(2 * bs)]),
                ("data", ["--offset", str(start + logbytes - bs), "--length", str(2 * bs)]),
                ("data", ["--offset", str(start), "--length", str(logbytes)])]
    for ag in range(1, ags):
        out += [("data", ["--offset", str(ag * agbytes - bs), "--length", str(2 * bs)]),
                ("data", ["--offset", str(ag * agbytes), "--length", "512"]),
                ("data", ["--offset", str(ag * agbytes - 512), "--length", "512"])]
    rng = random.Random(seed)
    for _ in range(count):
        length = int(2 ** rng.uniform(9, 26))
        start = rng.randrange(0, size - 512)
        if rng.random() < 0.5:
            start = start // 512 * 512
        length = max(1, min(length, size - start))
        out.append(("data", ["--offset", str(start), "--length", str(length)]))
    return out


def run(args):
    target = args.target
    geo = geometry(args.xfs_pmem, target)
    todo = ranges(geo, args.seed, args.count)
    for e in args.extra or []:
        dev, off, length = e.split(":")
        todo.append((dev, ["--offset", off, "--length", length]))
    res = [simulate(args.xfs_pmem, target, dev, a) for dev, a in todo]
    json.dump(res, open(args.out, "w"))
    print("%s: %d ranges" % (" ".join(target), len(res)))
    return 0


LOG_HINTS = ("live-log", "dirty-log")


def strip_log(imp):
    """A log record without what only the log's head and tail decide."""
    imp = dict(imp)
    flags = [f for f in (imp.get("flags") or "").split(",") if f]
    imp["flags"] = ",".join(f for f in flags if f not in LOG_HINTS) or None
    for k in ("effect", "on-media-loss", "on-remove"):
        imp.pop(k, None)
    return imp


# Offline narrows an OWN_AG record by its blocks' magic; online cannot read
# the blocks and keeps OWN_AG.  The decision is the same (the effect and
# actions are still compared); only the name differs.
AG_BTREES = ("bnobt", "cntbt", "rmapbt")


def ag_owner(imp):
    if imp["owner"] in AG_BTREES:
        imp = dict(imp, owner="ag-btree")
    return imp


def ag_summary(summary):
    out = []
    for s in summary or []:
        s = dict(s)
        hit = []
        for o in (s.get("metadata_hit") or "").split(","):
            o = "ag-btree" if o in AG_BTREES else o
            if o not in hit:
                hit.append(o)
        s["metadata_hit"] = ",".join(hit)
        out.append(s)
    return out


def compare(args):
    on, off = json.load(open(args.online)), json.load(open(args.offline))
    if len(on) != len(off):
        print("different numbers of ranges: %d online, %d offline" % (len(on), len(off)))
        return 1
    bad = records = logs = 0
    for a, b in zip(on, off):
        why = None
        ia = a["out"]["impacts"] if a["out"] else None
        ib = b["out"]["impacts"] if b["out"] else None
        haslog = False
        if (ia is None) != (ib is None):
            why = "one answered, one did not: online rc %d %r, offline rc %d %r" % (
                a["rc"], a["err"], b["rc"], b["err"])
        elif ia is None:
            # Both refused: same exit code, and each said why in one line.
            if a["rc"] != b["rc"] or len(a["err"].splitlines()) != 1:
                why = "errors differ: online rc %d %r, offline rc %d %r" % (
                    a["rc"], a["err"], b["rc"], b["err"])
        elif len(ia) != len(ib):
            why = "%d records online, %d offline" % (len(ia), len(ib))
        else:
            for x, y in zip(ia, ib):
                records += 1 + len(x.get("children", []))
                y = ag_owner(y)
                if x["owner"] == "log":
                    haslog = True
                    logs += 1
                    fl = (x.get("flags") or "").split(",")
                    if not all(h in fl for h in LOG_HINTS):
                        why = "online log record without both hints: %r" % x
                        break
                    x, y = strip_log(x), strip_log(y)
                if x != y:
                    why = "records differ:\n    online:  %s\n    offline: %s" % (
                        json.dumps(x, sort_keys=True)[:600],
                        json.dumps(y, sort_keys=True)[:600])
                    break
            if not why and not haslog:
                if a["rc"] != b["rc"] or (ag_summary(a["out"]["summary"]) !=
                                          ag_summary(b["out"]["summary"])):
                    why = "summary or exit code differ: rc %d vs %d" % (a["rc"], b["rc"])
        if not why and (a["err"] or b["err"]) and ia is not None:
            why = "stderr: online %r offline %r" % (a["err"], b["err"])
        if why:
            bad += 1
            print("MISMATCH %s (offline: %s)\n  %s" % (a["cmd"], b["cmd"], why))
            if bad >= 5:
                break
    print("compared %d ranges, %d records (%d log records without their hints), %d mismatches"
          % (len(on), records, logs, bad))
    return 1 if bad else 0


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "run":
        import argparse
        ap = argparse.ArgumentParser()
        ap.add_argument("cmd")
        ap.add_argument("--xfs-pmem", required=True)
        ap.add_argument("--seed", type=int, required=True)
        ap.add_argument("--count", type=int, default=100)
        ap.add_argument("--extra", action="append",
                        help="DEV:OFFSET:LENGTH, a range to ask as well")
        ap.add_argument("out")
        ap.add_argument("target", nargs="+")
        return run(ap.parse_args())
    if len(sys.argv) == 4 and sys.argv[1] == "compare":
        class A:
            online, offline = sys.argv[2], sys.argv[3]
        return compare(A)
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
