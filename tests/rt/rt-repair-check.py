#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Check one realtime repair scenario against what the guest kernel read.

  rt-repair-check.py --before A.dump --after N.dump --prediction pred.json
      --manifest man.json --offset OFF --length LEN --rtx-bytes B
      [--group-blocks G --group-log L] [--rtsb]

A.dump is tests/rt/rtsweep's dump of the pristine filesystem, N.dump the
dump of the repaired one (mounted by the guest kernel after xfs_pmem repair
--apply), pred.json `simulate --device rt --json -b` before the damage,
man.json repair's manifest; OFF/LEN is the failed rt range in bytes.
Checks that:
  - every file is still there under the same paths, with the same size;
  - every file the prediction did not name reads back every original byte;
  - the manifest names exactly the predicted lost file ranges, and every
    named file reads zeros in exactly its lost blocks (the ranges widened to
    whole blocks), keeps its other bytes, and lists its ranges in
    trusted.pmemfail.lost;
  - what the kernel still maps of a lost range is unwritten, and is exactly
    the manifest's "unwritten" list (the lost part of partial rt extents);
  - no rt block of the failed range is left free: every one is mapped by a
    file (the realtime superblock's rt extent aside, with --rtsb), the free
    ones by /pmemfail-quarantine-rt, which maps each at a file offset equal
    to its rt block number and holds exactly the manifest's extents.
Prints the counts.
"""
import argparse
import json
import sys

BLOCK = 4096


def fnv(data):
    h = 0xcbf29ce484222325
    for b in data:
        h = ((h ^ b) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return "%016x" % h


def load(path):
    files = {}
    for line in open(path):
        f = line.rstrip("\n").split(" ", 4 if line[0] == "F" else -1)
        if f[0] == "F":
            ino = int(f[1])
            e = files.setdefault(ino, {"paths": set(), "ext": [], "hash": [],
                                       "attr": None})
            e["size"], e["rt"] = int(f[2]), f[3] == "1"
            e["paths"].add(f[4])
        elif f[0] == "E":
            files[int(f[1])]["ext"].append(
                (int(f[2]), int(f[3]), int(f[4]), f[5] == "u"))
        elif f[0] == "A":
            files[int(f[1])]["attr"] = bytes.fromhex(f[2]).decode()
        elif f[0] == "H":
            files[int(f[1])]["hash"] = line.split()[2:]
    return files


def blocks_of(ranges):
    out = set()
    for off, length in ranges:
        out.update(range(off // BLOCK, (off + length + BLOCK - 1) // BLOCK))
    return out


def fail(msg):
    sys.exit(msg)


def main():
    ap = argparse.ArgumentParser()
    for a in ("before", "after", "prediction", "manifest"):
        ap.add_argument("--" + a, required=True)
    ap.add_argument("--offset", type=int, required=True)
    ap.add_argument("--length", type=int, required=True)
    ap.add_argument("--rtx-bytes", type=int, required=True)
    ap.add_argument("--group-blocks", type=int, default=0)
    ap.add_argument("--group-log", type=int, default=0)
    ap.add_argument("--rtsb", action="store_true")
    a = ap.parse_args()
    zero = fnv(bytes(BLOCK))

    before, after = load(a.before), load(a.after)
    pred = json.load(open(a.prediction))["impacts"]
    man = json.load(open(a.manifest))
    qname = "/pmemfail-quarantine-rt"

    predicted = {}
    for imp in pred:
        if imp["owner"] == "data" and imp["effect"] == "data-lost":
            predicted.setdefault(imp["inode"], []).append(
                (imp["foffset"], imp["length"]))
    unmapped = {}
    for f in man["files"]:
        unmapped.setdefault(f["inode"], []).append((f["foffset"], f["length"]))
    want = {(i, b) for i, r in predicted.items() for b in blocks_of(r)}
    got = {(i, b) for i, r in unmapped.items() for b in blocks_of(r)}
    if want != got:
        fail("manifest and prediction differ: only predicted %s, only unmapped %s"
             % (sorted(want - got)[:5], sorted(got - want)[:5]))

    checked = intact = 0
    for ino, old in before.items():
        cur = after.get(ino)
        if cur is None:
            fail("inode %d (%s) is gone" % (ino, sorted(old["paths"])))
        if cur["paths"] != old["paths"] or cur["size"] != old["size"]:
            fail("inode %d: paths %s size %d, were %s size %d" % (
                ino, sorted(cur["paths"]), cur["size"], sorted(old["paths"]),
                old["size"]))
        lost = blocks_of(unmapped.get(ino, []))
        if len(cur["hash"]) != len(old["hash"]):
            fail("inode %d: %d blocks read, %d before" % (
                ino, len(cur["hash"]), len(old["hash"])))
        for i, (h0, h1) in enumerate(zip(old["hash"], cur["hash"])):
            if i in lost:
                if h1 != zero:
                    fail("inode %d (%s): lost block %d does not read zeros"
                         % (ino, sorted(old["paths"]), i))
            elif h0 != h1:
                fail("inode %d (%s): block %d changed, and it was not lost"
                     % (ino, sorted(old["paths"]), i))
            else:
                intact += min(BLOCK, old["size"] - i * BLOCK)
        if ino in unmapped:
            listed = {tuple(int(x) for x in ln.split())
                      for ln in (cur["attr"] or "").splitlines()}
            if listed != set(unmapped[ino]):
                fail("inode %d: trusted.pmemfail.lost says %s, manifest %s"
                     % (ino, sorted(listed), sorted(unmapped[ino])))
        elif cur["attr"] is not None:
            fail("inode %d: trusted.pmemfail.lost set, but nothing was lost" % ino)
        checked += 1

    for ino, cur in after.items():
        if ino not in before and not any("/pmemfail-quarantine" in p
                                         for p in cur["paths"]):
            fail("inode %d (%s) is new" % (ino, sorted(cur["paths"])))

    # What the kernel still maps of the lost blocks: unwritten, as listed.
    left = set()
    for ino, ranges in unmapped.items():
        lost = blocks_of(ranges)
        for off, length, blk, unwritten in after[ino]["ext"]:
            for b in range(off * 512 // BLOCK, (off + length) * 512 // BLOCK):
                if b in lost:
                    if not unwritten:
                        fail("inode %d: lost block %d is still mapped written" % (ino, b))
                    left.add((ino, b))
    listed = {(u["inode"], b) for u in man.get("unwritten", [])
              for b in blocks_of([(u["foffset"], u["length"])])}
    if left != listed:
        fail("still mapped unwritten %s, the manifest says %s"
             % (sorted(left - listed)[:5], sorted(listed - left)[:5]))

    # No free rt block is left in the failed range (rt extents, widened).
    rtx = a.rtx_bytes
    first = a.offset // rtx * rtx // BLOCK
    last = (a.offset + a.length + rtx - 1) // rtx * rtx // BLOCK
    mapped = set()
    quar = {}
    for ino, f in after.items():
        if not f["rt"]:
            continue
        isq = qname in {p[p.find("/pmemfail-quarantine"):] for p in f["paths"]}
        for off, length, blk, unwritten in f["ext"]:
            for k in range(length * 512 // BLOCK):
                dev = blk * 512 // BLOCK + k
                if first <= dev < last:
                    mapped.add(dev)
                if isq:
                    quar[dev] = off * 512 // BLOCK + k
    if a.rtsb:
        mapped.update(range(0, rtx // BLOCK))
    free_left = sorted(set(range(first, last)) - mapped)
    if free_left:
        fail("rt blocks of the failed range left free: %s" % free_left[:8])
    for dev, foff in quar.items():
        rtb = dev
        if a.group_blocks:
            rtb = ((dev // a.group_blocks) << a.group_log) + dev % a.group_blocks
        if foff != rtb:
            fail("%s maps rt block %d (device block %d) at file block %d"
                 % (qname, rtb, dev, foff))
    mq = {b for q in man["quarantine"]
          for b in range(q["start"] // BLOCK, (q["start"] + q["length"]) // BLOCK)}
    if set(quar) != mq:
        fail("%s holds %s, the manifest lists %s" % (
            qname, sorted(set(quar) - mq)[:5], sorted(mq - set(quar))[:5]))
    print("files checked %d, bytes verified intact %d, files with lost ranges %d, "
          "unwritten bytes %d, quarantined bytes %d"
          % (checked, intact, len(unmapped), len(listed) * BLOCK, len(mq) * BLOCK))


if __name__ == "__main__":
    main()
