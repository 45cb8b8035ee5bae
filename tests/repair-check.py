#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Fingerprint a mounted filesystem's files, or check a repaired one.

  repair-check.py snap MOUNTPOINT > snap.json
      every regular file by inode: its paths and a SHA-256 per 4 KiB block.

  repair-check.py check MOUNTPOINT snap.json manifest.json prediction.json AGSHIFT
      after xfs_pmem repair --apply, on the remounted filesystem:
      - every file the prediction did not name has all its original bytes;
      - every file the manifest names reads zeros in exactly its lost ranges
        (widened to whole blocks) and keeps every other byte, and carries
        trusted.pmemfail.lost listing those ranges;
      - the manifest names exactly the file ranges the prediction named;
      - a file that is gone had an inode the prediction named as lost, or
        lived in an AG whose inode btree the prediction named as hit: the
        inobt is the only index of inode chunks, and xfs_repair finds a
        chunk it lost only through a surviving directory entry.  Such
        cascades are counted.  AGSHIFT turns an inode number into its AG.
      Prints the files checked and bytes verified intact.
"""
import hashlib
import json
import os
import sys

BLOCK = 4096
ZERO = hashlib.sha256(bytes(BLOCK)).hexdigest()


def block_hashes(path):
    out = []
    with open(path, "rb") as f:
        while True:
            b = f.read(BLOCK)
            if not b:
                break
            out.append(hashlib.sha256(b.ljust(BLOCK, b"\0")).hexdigest())
    return out


def walk(mnt):
    files = {}
    for root, dirs, names in os.walk(mnt):
        for n in names:
            p = os.path.join(root, n)
            # Bad blocks, by design: not a file anyone wrote.
            if root == mnt and n == "pmemfail-quarantine":
                continue
            st = os.lstat(p)
            if not os.path.isfile(p) or os.path.islink(p):
                continue
            rel = "/" + os.path.relpath(p, mnt)
            f = files.setdefault(st.st_ino, {"paths": [], "size": st.st_size})
            f["paths"].append(rel)
            if "blocks" not in f:
                f["blocks"] = block_hashes(p)
                f["path"] = p
    return files


def snap(mnt):
    files = walk(mnt)
    for f in files.values():
        del f["path"]
    json.dump({str(k): v for k, v in files.items()}, sys.stdout)


def lost_blocks(ranges):
    out = set()
    for off, length in ranges:
        out.update(range(off // BLOCK, (off + length + BLOCK - 1) // BLOCK))
    return out


def check(mnt, snap_file, manifest_file, prediction_file, agshift):
    agshift = int(agshift)
    before = {int(k): v for k, v in json.load(open(snap_file)).items()}
    manifest = json.load(open(manifest_file))
    pred = json.load(open(prediction_file))["impacts"]
    now = walk(mnt)

    predicted_files = {}
    predicted_inodes = set()
    inobt_ags = {imp["ag"] for imp in pred if imp["owner"] in ("inobt", "finobt")}
    for imp in pred:
        if imp["owner"] == "data" and imp["effect"] == "data-lost":
            predicted_files.setdefault(imp["inode"], []).append(
                (imp["foffset"], imp["length"]))
        # Losing an inode, its bmbt or its xattrs can cost xfs_repair the
        # whole file.
        if imp["owner"] in ("bmbt", "attr", "attr-bmbt"):
            predicted_inodes.add(imp["inode"])
        for c in imp.get("children") or []:
            predicted_inodes.add(c["inode"])
    unmapped = {}
    for f in manifest["files"]:
        unmapped.setdefault(f["inode"], []).append((f["foffset"], f["length"]))

    def cascaded(ino):
        """Gone with its AG's inode btree: xfs_repair finds an inode chunk
        the inobt no longer lists only through a surviving directory
        entry, and frees the chunk and every block its inodes map."""
        return (ino >> agshift) in inobt_ags

    # The manifest and the prediction name the same file ranges, but for
    # files that xfs_repair took whole: there is nothing left to unmap.
    want = {(i, b) for i, r in predicted_files.items()
            if i in before and
            (i in now or (i not in predicted_inodes and not cascaded(i)))
            for b in lost_blocks(r)}
    got = {(i, b) for i, r in unmapped.items() for b in lost_blocks(r)}
    if want != got:
        sys.exit("manifest and prediction differ: only predicted %s, only unmapped %s"
                 % (sorted(want - got)[:5], sorted(got - want)[:5]))

    checked = intact = cascade = 0
    for ino, old in before.items():
        if ino not in now:
            if ino in predicted_inodes or ino in predicted_files:
                continue
            if cascaded(ino):
                cascade += 1
                continue
            sys.exit("inode %d (%s) is gone but was not predicted lost"
                     % (ino, old["paths"]))
        cur = now[ino]
        lost = lost_blocks(unmapped.get(ino, []))
        if cur["size"] != old["size"]:
            sys.exit("inode %d (%s): size %d, was %d" % (ino, old["paths"],
                                                         cur["size"], old["size"]))
        for i, (a, b) in enumerate(zip(old["blocks"], cur["blocks"])):
            if i in lost:
                if b != ZERO:
                    sys.exit("inode %d (%s): lost block %d does not read zeros"
                             % (ino, old["paths"], i))
            elif a != b:
                sys.exit("inode %d (%s): block %d changed, and it was not lost"
                         % (ino, old["paths"], i))
            else:
                intact += min(BLOCK, old["size"] - i * BLOCK)
        if ino in unmapped:
            try:
                attr = os.getxattr(cur["path"], "trusted.pmemfail.lost").decode()
            except OSError as e:
                sys.exit("inode %d: no trusted.pmemfail.lost: %s" % (ino, e))
            listed = {tuple(int(x) for x in ln.split()) for ln in attr.splitlines()}
            if listed != set(unmapped[ino]):
                sys.exit("inode %d: trusted.pmemfail.lost says %s, manifest %s"
                         % (ino, sorted(listed), sorted(unmapped[ino])))
        checked += 1
    print("files checked %d, bytes verified intact %d, files with lost ranges %d, "
          "inodes lost with their AG's inobt %d"
          % (checked, intact, len(unmapped), cascade))


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "snap":
        snap(sys.argv[2])
    elif len(sys.argv) == 7 and sys.argv[1] == "check":
        check(*sys.argv[2:7])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
