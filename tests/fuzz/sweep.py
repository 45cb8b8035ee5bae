#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Field-by-field fuzz sweep of whole populated images, as fstests' fuzz
groups do it: xfs_db's own `fuzz -d FIELD VERB` on every field of every
structure, with every verb, then xfs_pmem on the damaged copy.

Usage: sweep.py --xfsprogs DIR --pmem XFS_PMEM --work DIR
                [--kinds a,b] [--subset N] [--seed S] [--timeout SECS]
                [--jobs J] [--report FILE]

Images: tests/fuzz/sweep-mkimg makes them (kinds a and b) in WORK.
Structures: sb 0 and 1; the AGF, AGI and AGFL of AG 1; the root of every
AG btree of AG 1 and the first leaf of those with more than one level in
AG 0; the inode cores of a file, a directory, a bmbt-format file, an
xattr file, a symlink, the root directory and the realtime metadata
inodes; a bmbt leaf; directory data and leaf blocks; attr leaf blocks;
and the log's head record header (no xfs_db type: its fields are fuzzed
here, with the same verbs).

Per field and verb (a "case"), on a fresh copy: info, simulate (rmapbt)
and simulate --scan over the AG of the damaged block, verify over that AG
and over a random range, repair without --apply over the AG, and, for the
superblock and the log, simulate of the log's first 4 KiB.  Each run must
end without a signal, within the timeout, with no sanitizer report, with
a documented exit status; a --json result (< 8) must parse and an error
exit print nothing on stdout; nothing of libxfs's may reach stdout; and
the image must be byte-identical afterwards.

--subset N runs N cases per image spread evenly over the whole list (CI);
the default is every case.  --max-seconds, SIGTERM or SIGINT stop it
starting cases; the table then covers what ran.  The table goes to stdout (and --report), one line
per structure, then one line per failing run with its repro.
"""
import argparse
import hashlib
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

VERBS = ["zeroes", "ones", "firstbit", "middlebit", "lastbit", "add", "sub",
         "random"]
HERE = os.path.dirname(os.path.abspath(__file__))
SAN = re.compile(r"AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|"
                 r"runtime error:")
# What libxfs or libxlog print; never ours.
CHATTER = re.compile(r"Metadata (corruption|CRC error) detected|\* ERROR|"
                     r"empty log check|read only|Invalid block length|"
                     r"xfs_pmem: ")
RESULT_EXITS = {"info": {0}, "repair": {0, 1, 4}}

# The log record header: (field, offset, size), from xfs_log_format.h.
LOG_FIELDS = [("h_magicno", 0, 4), ("h_cycle", 4, 4), ("h_version", 8, 4),
              ("h_len", 12, 4), ("h_lsn", 16, 8), ("h_tail_lsn", 24, 8),
              ("h_crc", 32, 4), ("h_prev_block", 36, 4),
              ("h_num_logops", 40, 4), ("h_cycle_data0", 44, 4),
              ("h_fmt", 300, 4), ("h_fs_uuid", 304, 16), ("h_size", 320, 4)]


def sh(cmd, timeout=120):
    return subprocess.run(cmd, capture_output=True, text=True,
                          errors="replace", timeout=timeout)


def imghash(path):
    """A hash of the copy's data segments and where they are: the copy is
    sparse (cp --sparse=always), so this reads only its metadata, fast."""
    h = hashlib.sha256()
    fd = os.open(path, os.O_RDONLY)
    try:
        size, off = os.fstat(fd).st_size, 0
        while off < size:
            try:
                off = os.lseek(fd, off, os.SEEK_DATA)
            except OSError:
                break
            end = os.lseek(fd, off, os.SEEK_HOLE)
            h.update(b"%d+%d\n" % (off, end - off))
            while off < end:
                b = os.pread(fd, min(end - off, 1 << 20), off)
                h.update(b)
                off += len(b)
        return h.hexdigest() + str(size)
    finally:
        os.close(fd)


class Image:
    def __init__(self, args, kind, path=None, log=None):
        """Make image KIND in the work directory, or take PATH as it is."""
        self.args, self.kind, self.log = args, kind, log
        self.path = path or os.path.join(args.work, "%s.img" % kind)
        if not path:
            r = sh([os.path.join(HERE, "sweep-mkimg"), args.xfsprogs, kind,
                    self.path], timeout=600)
            if r.returncode:
                sys.exit("sweep-mkimg %s failed: %s" % (kind, r.stderr[-500:]))
        self.geometry()

    def geometry(self):
        sb = self.fields(["sb 0"])
        self.bs = int(sb["blocksize"])
        self.agblocks = int(sb["agblocks"])
        self.agcount = int(sb["agcount"])
        self.dblocks = int(sb["dblocks"])
        self.sb = sb
        self.size = os.path.getsize(self.path)

    def db(self, cmds, img=None, write=False):
        argv = [os.path.join(self.args.xfsprogs, "db/xfs_db"),
                "-x" if write else "-r"] + (["-l", self.log] if self.log else [])
        for c in cmds:
            argv += ["-c", c]
        return sh(argv + [img or self.path])

    def fields(self, sel):
        """The fields xfs_db prints for a structure, as fstests lists them."""
        out = {}
        for line in self.db(sel + ["print"]).stdout.splitlines():
            key, eq, val = line.partition(" = ")
            if not eq or " " in key.strip() or not key.strip():
                continue
            out[key.strip()] = val.strip()
        return out

    def fuzz_fields(self, sel):
        """Every field; of an array's elements the first and the last (all
        of them is fstests' way, and takes hours per directory block)."""
        names, seen = [], {}
        for key, val in self.fields(sel).items():
            m = re.match(r"^(.*)\[(\d+)-(\d+)\]$", key)
            if m:
                sub = re.match(r"^\[([a-z_,0-9]+)\]", val)
                for i in sorted({m.group(2), m.group(3)}):
                    k = "%s[%s]" % (m.group(1), i)
                    names += (["%s.%s" % (k, f) for f in sub.group(1).split(",")]
                              if sub else [k])
                continue
            pat = re.sub(r"\[\d+\]", "[#]", key)
            if pat == key:
                names.append(key)
            else:
                seen.setdefault(pat, []).append(key)
        for keys in seen.values():
            names += [keys[0]] + ([keys[-1]] if len(keys) > 1 else [])
        return names

    def where(self, sel):
        """Byte offset of the selected structure on the data device, or
        None when xfs_db could not go there (a block that is not mapped)."""
        out = self.db(sel + ["stack"]).stdout
        m = re.search(r"byte offset (\d+)", out)
        if not m or (sel[-1].split()[0] in ("dblock", "ablock") and
                     out.rstrip().endswith("type inode")):
            return None
        return int(m.group(1))

    def targets(self):
        t = [("sb0", ["sb 0"]), ("sb1", ["sb 1"]), ("agf", ["agf 1"]),
             ("agi", ["agi 1"]), ("agfl", ["agfl 1"])]
        for name, hdr, ptr, lvl in (("bnobt", "agf", "bnoroot", "bnolevel"),
                                    ("cntbt", "agf", "cntroot", "cntlevel"),
                                    ("rmapbt", "agf", "rmaproot", "rmaplevel"),
                                    ("refcntbt", "agf", "refcntroot", "refcntlevel"),
                                    ("inobt", "agi", "root", "level"),
                                    ("finobt", "agi", "free_root", "free_level")):
            t.append((name + "-root", ["%s 1" % hdr, "addr " + ptr]))
            lv = self.fields(["%s 0" % hdr]).get(lvl, "1")
            if lv.isdigit() and int(lv) > 1:
                t.append((name + "-leaf", ["%s 0" % hdr, "addr " + ptr,
                                           "addr ptrs[1]"]))
        # The sweep's images have /bmbt64 and /spread00; the fuzz kit's
        # templates (--list) only what populate.py makes.
        bmbt = self.pick("/bmbt64", "/bmbt")
        bigdir = self.pick("/spread00", "/links")
        for name, path in (("ino-file", "/files/f01"), ("ino-dir", "/links"),
                           ("ino-bmbt", bmbt), ("ino-xattr", "/xattrs/leaf"),
                           ("ino-symlink", "/long-link")):
            t.append((name, ["path " + path]))
        t.append(("ino-rootdir", ["inode %s" % self.sb["rootino"]]))
        for k in ("rbmino", "rsumino"):
            if self.sb.get(k, "null") not in ("null", "0"):
                t.append(("ino-" + k, ["inode %s" % self.sb[k]]))
        t.append(("bmbt-leaf", ["path " + bmbt, "addr u3.bmbt.ptrs[1]"]))
        t.append(("dir-data", ["path " + bigdir, "dblock 0"]))
        leaf = (32 << 30) // self.bs
        t.append(("dir-leaf", ["path " + bigdir, "dblock %d" % leaf]))
        t.append(("dir-links", ["path /links", "dblock 0"]))
        t.append(("attr-leaf", ["path /xattrs/leaf", "ablock 0"]))
        t.append(("attr-remote", ["path /xattrs/remote", "ablock 0"]))
        t.append(("attr-pptr", ["path /files/f01", "ablock 0"]))
        out = []
        for name, sel in t:
            fields = self.fuzz_fields(sel)
            where = self.where(sel)
            if fields and where is not None:
                out.append((name, sel, fields, where))
            else:
                print("%s: no %s (%s)" % (self.kind, name, "; ".join(sel)))
        out.append(("log-head", None, [f[0] for f in LOG_FIELDS], self.log_head()))
        return out

    def pick(self, *paths):
        """The first of PATHS that exists in the image."""
        for p in paths:
            if "type inode" in self.db(["path " + p, "stack"]).stdout:
                return p
        return paths[-1]

    def log_head(self):
        """Byte offset of the log's last record header (the head's)."""
        r = sh([os.path.join(self.args.xfsprogs, "logprint/xfs_logprint"),
                "-t", self.path])
        m = re.search(r"head: (\d+)", r.stdout)
        logstart = int(self.sb["logstart"])
        ag, agbno = logstart // (1 << int(self.sb["agblklog"])), \
            logstart % (1 << int(self.sb["agblklog"]))
        base = (ag * self.agblocks + agbno) * self.bs
        head = int(m.group(1)) if m else 0
        # The header of the record before the head: the last one written.
        with open(self.path, "rb") as f:
            for bb in range(head, max(head - 2048, -1), -1):
                f.seek(base + bb * 512)
                if f.read(4) == b"\xfe\xed\xba\xbe":
                    return base + bb * 512
        return base


def fuzz_bytes(data, verb, rng):
    n = int.from_bytes(data, "big")
    bits = len(data) * 8
    mask = (1 << bits) - 1
    if verb == "zeroes":
        n = 0
    elif verb == "ones":
        n = mask
    elif verb == "firstbit":
        n ^= 1 << (bits - 1)
    elif verb == "middlebit":
        n ^= 1 << (bits // 2)
    elif verb == "lastbit":
        n ^= 1
    elif verb == "add":
        n = (n + rng.randrange(1, 64)) & mask
    elif verb == "sub":
        n = (n - rng.randrange(1, 64)) & mask
    else:
        n = rng.getrandbits(bits)
    return n.to_bytes(len(data), "big")


def damage(img, name, sel, field, verb, where, copy, rng):
    """Make COPY: the image with one field fuzzed.  False if xfs_db refused."""
    subprocess.run(["cp", "--sparse=always", img.path, copy], check=True)
    if sel is None:
        off, size = [(o, s) for f, o, s in LOG_FIELDS if f == field][0]
        with open(copy, "r+b") as f:
            f.seek(where + off)
            old = f.read(size)
            f.seek(where + off)
            f.write(fuzz_bytes(old, verb, rng))
        return True
    r = img.db(sel + ["fuzz -d %s %s" % (field, verb)], img=copy, write=True)
    return r.returncode == 0 and "not found" not in r.stdout + r.stderr


def commands(img, name, agoff, aglen, rng):
    p = [img.args.pmem]
    size = img.dblocks * img.bs
    roff = rng.randrange(0, size // 512) * 512
    rlen = min(rng.choice([512, 4096, 65536, 1 << 20, 16 << 20]), size - roff)
    data = ["--device", "data", "--offset", str(agoff), "--length", str(aglen)]
    c = [("info", p + ["info", "IMG", "--json"]),
         ("simulate", p + ["simulate", "IMG"] + data + ["--json"]),
         ("simulate-scan", p + ["simulate", "IMG"] + data + ["--scan", "--json"]),
         ("verify", p + ["verify", "IMG"] + data + ["--json"]),
         ("verify-random", p + ["verify", "IMG", "--device", "data", "--offset",
                                str(roff), "--length", str(rlen), "--json"]),
         ("repair", p + ["repair", "IMG"] + data)]
    if name in ("sb0", "log-head"):
        c.append(("simulate-log", p + ["simulate", "IMG", "--device", "log",
                                       "--offset", "0", "--length", "4k",
                                       "--json"]))
    return c


def check_run(cmd, r, timeout):
    """The problems of one run, as short words."""
    if r is None:
        return ["hang"]
    bad = []
    if r.returncode < 0 or r.returncode >= 128:
        bad.append("signal")
    if SAN.search(r.stderr):
        bad.append("sanitizer")
    if r.returncode not in (0, 1, 2, 3, 4, 5, 6, 7, 8, 12, 16) and "signal" not in bad:
        bad.append("exit%d" % r.returncode)
    if CHATTER.search(r.stdout):
        bad.append("stdout")
    elif "--json" in cmd:
        if r.returncode < 8:
            try:
                json.loads(r.stdout)
            except ValueError:
                bad.append("stdout")
        elif r.stdout.strip():
            bad.append("stdout")
    return bad


def run_case(img, case, args):
    idx, name, sel, field, verb, where = case
    if args.stop or (args.max_seconds and
                     time.time() - args.t0 > args.max_seconds):
        return None
    rng = random.Random("%d/%s/%d" % (args.seed, img.kind, idx))
    copy = os.path.join(args.work, "case-%s-%d.img" % (img.kind, idx))
    res = {"kind": img.kind, "struct": name, "field": field, "verb": verb, "runs": 0,
           "bad": [], "refused": 0, "results": 0, "skipped": False}
    try:
        if not damage(img, name, sel, field, verb, where, copy, rng):
            res["skipped"] = True
            return res
        before = imghash(copy)
        ag = min(where // (img.agblocks * img.bs), img.agcount - 1)
        agoff = ag * img.agblocks * img.bs
        aglen = min(img.agblocks, img.dblocks - ag * img.agblocks) * img.bs
        for what, argv in commands(img, name, agoff, aglen, rng):
            argv = [copy if a == "IMG" else a for a in argv]
            try:
                r = subprocess.run(argv, capture_output=True, text=True,
                                   errors="replace", timeout=args.timeout)
            except subprocess.TimeoutExpired:
                r = None
            res["runs"] += 1
            bad = check_run(argv, r, args.timeout)
            if r is not None and not bad:
                res["refused" if r.returncode >= 8 else "results"] += 1
            for b in bad:
                res["bad"].append((b, what, " ".join(argv),
                                   (r.stderr[-300:] if r else "")))
        if imghash(copy) != before:
            res["bad"].append(("changed", "all", name, ""))
        if res["bad"] and args.keep:
            shutil.copy(copy, os.path.join(args.keep, "%s-%s-%s-%s.img" % (
                img.kind, name, field.replace("/", "_"), verb)))
    finally:
        if os.path.exists(copy):
            os.unlink(copy)
    return res


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--xfsprogs", required=True)
    ap.add_argument("--pmem")
    ap.add_argument("--work")
    ap.add_argument("--kinds", default="a,b")
    ap.add_argument("--subset", type=int, default=0)
    ap.add_argument("--seed", type=int, default=int(time.time()) % 100000)
    ap.add_argument("--timeout", type=float, default=60)
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--keep", help="copy images of failing cases here")
    ap.add_argument("--max-seconds", type=float, default=0,
                    help="start no case after this long; report what ran")
    ap.add_argument("--report")
    ap.add_argument("--list", metavar="IMG",
                    help="only print IMG's structures and fields, one "
                    "'NAME<tab>SEL;SEL...<tab>FIELD' a line (tests/fuzz/mkkit)")
    ap.add_argument("--log", help="with --list: IMG's external log")
    args = ap.parse_args()
    if args.list:
        img = Image(args, "list", path=args.list, log=args.log)
        for name, sel, fields, where in img.targets():
            for field in fields if sel else []:
                print("%s\t%s\t%s" % (name, ";".join(sel), field))
        return
    os.makedirs(args.work, exist_ok=True)
    if args.keep:
        os.makedirs(args.keep, exist_ok=True)
    print("sweep: seed %d, kinds %s, subset %s" % (args.seed, args.kinds,
                                                   args.subset or "all"))
    lines, fails = [], []
    totals = dict(cases=0, runs=0, crash=0, hang=0, san=0, stdout=0,
                  changed=0, other=0, refused=0, results=0)
    t0 = args.t0 = time.time()
    # SIGTERM or SIGINT: start no more cases, finish the table.
    args.stop = False

    def stop(sig, frame):
        args.stop = True
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    imgs, cases = {}, []
    for kind in args.kinds.split(","):
        img = imgs[kind] = Image(args, kind)
        mine = []
        for name, sel, fields, where in img.targets():
            for field in fields:
                for verb in VERBS:
                    mine.append((kind, len(mine), name, sel, field, verb, where))
        print("%s: %d structures, %d cases" % (kind, len(set(c[2] for c in mine)),
                                               len(mine)), flush=True)
        if args.subset and args.subset < len(mine):
            step = len(mine) / args.subset
            mine = [mine[int(i * step)] for i in range(args.subset)]
        cases += mine
    # In a random order (by the seed), both images mixed, so that a run
    # stopped early has still met every structure of both.
    random.Random(args.seed).shuffle(cases)
    per = {}
    with ThreadPoolExecutor(max_workers=args.jobs) as ex:
        for n, res in enumerate(ex.map(lambda c: run_case(imgs[c[0]], c[1:], args),
                                       cases)):
            if res is None:
                continue
            s = per.setdefault((res["kind"], res["struct"]), dict(
                fields=set(), verbs=set(), cases=0, runs=0, bad=[], refused=0,
                results=0, skipped=0))
            if res["skipped"]:
                s["skipped"] += 1
                continue
            s["fields"].add(res["field"])
            s["verbs"].add(res["verb"])
            s["cases"] += 1
            for k in ("runs", "refused", "results"):
                s[k] += res[k]
            for b in res["bad"]:
                s["bad"].append(b[0])
                fails.append("%s %s %s %s: %s in %s: %s | %s" % (
                    res["kind"], res["struct"], res["field"], res["verb"], b[0],
                    b[1], b[2], b[3].replace("\n", " / ")))
            if (n + 1) % 100 == 0:
                print("  %d/%d cases, %.0f s, %d failing runs" % (
                    n + 1, len(cases), time.time() - t0, len(fails)), flush=True)
    for (kind, name), s in sorted(per.items()):
        cnt = {k: sum(1 for b in s["bad"] if b == k)
               for k in ("signal", "hang", "sanitizer", "stdout", "changed")}
        other = len(s["bad"]) - sum(cnt.values())
        lines.append("| %s | %s | %d | %d | %d | %d | %d | %d | %d | %d | %d | %d | %d | %d |" % (
            kind, name, len(s["fields"]), len(s["verbs"]), s["cases"], s["runs"],
            s["results"], s["refused"], cnt["signal"], cnt["hang"],
            cnt["sanitizer"], cnt["stdout"], cnt["changed"], other))
        totals["cases"] += s["cases"]
        totals["runs"] += s["runs"]
        totals["results"] += s["results"]
        totals["refused"] += s["refused"]
        totals["crash"] += cnt["signal"]
        totals["hang"] += cnt["hang"]
        totals["san"] += cnt["sanitizer"]
        totals["stdout"] += cnt["stdout"]
        totals["changed"] += cnt["changed"]
        totals["other"] += other
    out = ["| image | structure | fields | verbs | cases | runs | results | refused | signals | hangs | sanitizer | stdout | image changed | other |",
           "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"] + lines
    out.append("| all | | | | %(cases)d | %(runs)d | %(results)d | %(refused)d | %(crash)d | %(hang)d | %(san)d | %(stdout)d | %(changed)d | %(other)d |" % totals)
    out.append("")
    out.append("seed %d, %.0f s" % (args.seed, time.time() - t0))
    out += fails
    text = "\n".join(out)
    print(text)
    if args.report:
        with open(args.report, "w") as f:
            f.write(text + "\n")
    sys.exit(1 if fails else 0)


if __name__ == "__main__":
    main()
