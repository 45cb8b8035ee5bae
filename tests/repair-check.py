#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Fingerprint a mounted filesystem's files, or check a repaired one.

  repair-check.py snap MOUNTPOINT > snap.json
      every regular file by inode: its paths and a SHA-256 per 4 KiB block.

  repair-check.py check MOUNTPOINT snap.json manifest.json prediction.json [STRICT]
      after xfs_pmem repair --apply, on the remounted filesystem:
      - every file the prediction did not name has all its original bytes;
      - every file the manifest names reads zeros in exactly its lost ranges
        (widened to whole blocks) and keeps every other byte, and carries
        trusted.pmemfail.lost listing those ranges;
      - the manifest names exactly the file ranges the prediction named, but
        for files the manifest's "paths" says xfs_repair took whole;
      - a path of a file with unmapped ranges is data-lost in "paths";
      - every path of the snapshot is intact, or the manifest's "paths" table
        gives it a category that is true of the mounted filesystem: a row
        with its path, or with its inode and the directory it was in (a
        path ending in '/': the name was in a directory that did not read);
        inode-lost: the file is gone; name-lost: it lives, not at that
        path; orphaned: it lives at the lost+found path the row gives, or
        (--restore-orphans) back at its path ("restored"), or at another
        of its old names that went back;
      - a gone file the manifest names inode-lost may have had more names
        in a directory that did not read (the manifest's unread_dir_paths):
        its inode, which held its link count, is lost, so those names are
        known to nobody; the file is accounted for;
      - a path with no row is a file of a count the manifest declares
        ("unaccounted": named nowhere, lost with its directory); with
        STRICT (1) there must be none.
      Prints the files checked, bytes verified intact and paths per category.
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


def account_rows(manifest):
    """The manifest's account: rows by inode, and the declared unaccounted."""
    rows = {}
    for r in manifest.get("paths") or []:
        rows.setdefault(int(r["inode"]), []).append(r)
    acct = (manifest.get("account") or [{}])
    acct = acct[0] if acct else {}
    un = acct.get("unaccounted")
    unread = [p.rstrip("/") + "/" for p in acct.get("unread_dir_paths") or [] if p]
    return rows, (int(un) if un not in (None, "", "unknown") else None), unread


def account_of(rows, ino, path):
    for r in rows.get(ino, []):
        p = r["path"]
        if p == path or (p.endswith("/") and path.startswith(p)):
            return r
    return None


def check_account(before, now, rows, declared, unread, strict):
    """Every path of the snapshot is intact or has a true category."""
    counts = {}
    unnamed = set()
    for ino, old in before.items():
        cur = now.get(ino)
        for p in old["paths"]:
            if cur is not None and p in cur["paths"]:
                continue
            r = account_of(rows, ino, p)
            if r is None and cur is None and \
                    any(x["category"] == "inode-lost" for x in rows.get(ino, [])) and \
                    any(p.startswith(u) for u in unread):
                counts["inode-lost, unread name"] = counts.get("inode-lost, unread name", 0) + 1
                continue
            if r is None:
                if cur is not None:
                    sys.exit("path %s (inode %d) is gone, the file lives at %s, "
                             "and the manifest does not say so" % (p, ino, cur["paths"]))
                unnamed.add(ino)
                continue
            cat = r["category"]
            if cat == "inode-lost" and cur is not None:
                sys.exit("%s: inode-lost, but inode %d lives at %s" % (p, ino, cur["paths"]))
            if cat in ("name-lost", "orphaned") and cur is None:
                sys.exit("%s: %s, but inode %d is gone" % (p, cat, ino))
            # Its lost+found name went back to another of its old names.
            back = {x.get("restored") for x in rows.get(ino, [])} - {None}
            if cat == "orphaned" and not (back & set(cur["paths"])) and \
                    (r.get("now") not in cur["paths"] or
                     not r["now"].startswith("/lost+found/")):
                sys.exit("%s: orphaned to %s, but inode %d is at %s"
                         % (p, r.get("now"), ino, cur["paths"]))
            if cat == "data-lost":
                sys.exit("%s: data-lost, but the path is gone" % p)
            counts[cat] = counts.get(cat, 0) + 1
    if unnamed:
        if strict or declared is None or len(unnamed) > declared:
            sys.exit("%d file(s) gone and in no category of the manifest (it declares %s "
                     "unaccounted): inodes %s, paths %s"
                     % (len(unnamed), declared, sorted(unnamed)[:5],
                        [before[i]["paths"] for i in sorted(unnamed)[:3]]))
    return counts, len(unnamed)


def check(mnt, snap_file, manifest_file, prediction_file, strict="0"):
    strict = strict == "1"
    before = {int(k): v for k, v in json.load(open(snap_file)).items()}
    manifest = json.load(open(manifest_file))
    pred = json.load(open(prediction_file))["impacts"] if prediction_file != "-" else None
    now = walk(mnt)
    rows, declared, unread = account_rows(manifest)

    unmapped = {}
    for f in manifest["files"]:
        unmapped.setdefault(f["inode"], []).append((f["foffset"], f["length"]))

    if pred is not None:
        predicted_files = {}
        for imp in pred:
            if imp["owner"] == "data" and imp["effect"] == "data-lost":
                predicted_files.setdefault(imp["inode"], []).append(
                    (imp["foffset"], imp["length"]))
        # The manifest and the prediction name the same file ranges, but
        # for files that xfs_repair took whole: nothing is left to unmap.
        want = {(i, b) for i, r in predicted_files.items()
                if i in before and i in now
                for b in lost_blocks(r)}
        got = {(i, b) for i, r in unmapped.items() for b in lost_blocks(r)}
        if want != got:
            sys.exit("manifest and prediction differ: only predicted %s, only unmapped %s"
                     % (sorted(want - got)[:5], sorted(got - want)[:5]))

    counts, unnamed = check_account(before, now, rows, declared, unread, strict)
    checked = intact = 0
    for ino, old in before.items():
        if ino not in now:
            continue
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
            for p in set(old["paths"]) & set(cur["paths"]):
                r = account_of(rows, ino, p)
                if rows and (r is None or r["category"] != "data-lost"):
                    sys.exit("%s (inode %d) lost file ranges, and the manifest's "
                             "account says %s" % (p, ino, r and r["category"]))
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
          "paths %s, declared unaccounted files %d"
          % (checked, intact, len(unmapped),
             " ".join("%s=%d" % (k.replace(", ", "+").replace(" ", "-"), v)
                      for k, v in sorted(counts.items())) or "all-intact",
             unnamed))


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "snap":
        snap(sys.argv[2])
    elif len(sys.argv) in (6, 7) and sys.argv[1] == "check":
        check(*sys.argv[2:])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
