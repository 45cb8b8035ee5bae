#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""xfs_pmem invalidate against real processes on a loop-mounted XFS.

  invalidate-check.py --xfs-pmem BIN --xfs-io BIN MOUNTPOINT DATADEV

Two 4 MiB files A and B; the failed range is A's second MiB on the data
device.  Processes map: all of A, a window of A inside the range, the MiB
of A before the range, the MiB after it, B's second MiB, A's last MiB plus
all of B; one has A open and read but not mapped.  invalidate must report
exactly the first two (pid, inode, file offset and length of the overlap)
and leave everyone alive; with --kill exactly those two must die of
SIGBUS and the rest live on.  The range is overwritten on the device
behind the filesystem's back: while mapped, a read of A still shows the
cached bytes; after --kill drops the range, a read shows the device's.
"""
import argparse
import json
import os
import signal
import subprocess
import sys
import time

MiB = 1 << 20
HERE = os.path.dirname(os.path.abspath(__file__))


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def extent(args, path):
    """Physical byte offset of a file that must be one extent."""
    out = subprocess.run([args.xfs_io, "-r", "-c", "bmap", path], check=True,
                         capture_output=True, text=True).stdout.splitlines()
    ext = [line.split() for line in out[1:] if "hole" not in line]
    if len(ext) != 1:
        fail("%s is not one extent: %r" % (path, out))
    first, last = ext[0][2].rstrip(".").split("..")
    if (int(last) - int(first) + 1) * 512 != 4 * MiB:
        fail("%s extent is not 4 MiB: %r" % (path, out))
    return int(first) * 512


def spawn(name, *argv):
    p = subprocess.Popen([sys.executable, os.path.join(HERE, "mapper.py"), *argv],
                         stdout=subprocess.PIPE, text=True)
    if p.stdout.readline().strip() != "ready":
        fail("%s did not start" % name)
    p.name = name
    return p


def invalidate(args, start, kill):
    cmd = [args.xfs_pmem, "invalidate", args.mnt, "--device", "data",
           "--offset", str(start), "--length", str(MiB), "--json", "--bytes",
           "-o", "pid,command,inode,foffset,length,action,file,mapping"]
    if kill:
        cmd.append("--kill")
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 1 or p.stderr:
        fail("%s: exit %d (want 1), stderr %r" % (" ".join(cmd), p.returncode, p.stderr))
    return json.loads(p.stdout)


def read(path, off, length):
    fd = os.open(path, os.O_RDONLY)
    try:
        return os.pread(fd, length, off)
    finally:
        os.close(fd)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--xfs-pmem", required=True)
    ap.add_argument("--xfs-io", required=True)
    ap.add_argument("mnt")
    ap.add_argument("datadev")
    args = ap.parse_args()

    a, b = os.path.join(args.mnt, "A"), os.path.join(args.mnt, "B")
    for path, byte in ((a, b"A"), (b, b"B")):
        subprocess.run([args.xfs_io, "-f", "-c", "falloc 0 4m", "-c",
                        "pwrite -q -S 0x%02x 0 4m" % byte[0], "-c", "fsync", path],
                       check=True)
    phys = extent(args, a)
    ino_a, ino_b = os.stat(a).st_ino, os.stat(b).st_ino
    start = phys + MiB          # A's second MiB

    procs = [
        spawn("all-of-A", a, "0", str(4 * MiB)),
        spawn("A-inside", a, str(MiB + 256 * 1024), str(256 * 1024)),
        spawn("A-before", a, "0", str(MiB)),
        spawn("A-after", a, str(2 * MiB), str(MiB)),
        spawn("B-same-window", b, str(MiB), str(MiB)),
        spawn("A-last+B", a, str(3 * MiB), str(MiB), b, "0", str(4 * MiB)),
        spawn("A-open-not-mapped", a, "--open-only"),
    ]
    want = {procs[0].pid: (MiB, MiB), procs[1].pid: (MiB + 256 * 1024, 256 * 1024)}
    names = {p.pid: p.name for p in procs}

    try:
        for kill in (False, True):
            if kill:
                # Behind the filesystem's back: the device's new answer.
                fd = os.open(args.datadev, os.O_WRONLY | os.O_DIRECT)
                import mmap
                buf = mmap.mmap(-1, MiB)
                buf.write(b"Z" * MiB)
                os.pwrite(fd, buf, start)
                os.close(fd)
                if read(a, MiB, MiB) != b"A" * MiB:
                    fail("A's mapped, cached range did not read the cached bytes")
            doc = invalidate(args, start, kill)
            got = {}
            for m in doc["mappings"]:
                if m["pid"] in got or m["inode"] != ino_a:
                    fail("unexpected row %r" % m)
                got[m["pid"]] = (m["foffset"], m["length"])
                if m["action"] != ("killed" if kill else "reported"):
                    fail("row %r: action %r" % (m, m["action"]))
            if got != want:
                fail("%s reported %r, want %r (%s)" % (
                    "--kill" if kill else "invalidate",
                    {names.get(p, p): v for p, v in got.items()},
                    {names[p]: v for p, v in want.items()}, names))
            print("%s: reported %s" % ("--kill" if kill else "report",
                  ", ".join(names[p] for p in sorted(got))))
            time.sleep(0.5)
            for p in procs:
                rc = p.poll()
                if kill and p.pid in want:
                    try:
                        rc = p.wait(timeout=30)
                    except subprocess.TimeoutExpired:
                        fail("%s survived --kill" % p.name)
                    if rc != -signal.SIGBUS:
                        fail("%s ended with %r, not SIGBUS" % (p.name, rc))
                elif rc is not None:
                    fail("%s died (%r) but must not have" % (p.name, rc))
            print("  %s" % ", ".join("%s %s" % (p.name, "SIGBUS" if p.poll() ==
                                                 -signal.SIGBUS else "alive")
                                      for p in procs))
        pc = [c for c in doc["pagecache"] if c["inode"] == ino_a]
        if len(pc) != 1 or pc[0]["cached"] != 0 or pc[0]["result"] != "dropped":
            fail("page cache of A's lost range not dropped: %r" % doc["pagecache"])
        if read(a, MiB, MiB) != b"Z" * MiB:
            fail("after invalidate a read of A's lost range did not see the device")
        if read(a, 0, MiB) != b"A" * MiB or read(a, 2 * MiB, 2 * MiB) != b"A" * 2 * MiB:
            fail("A outside the range changed")
        if read(b, 0, 4 * MiB) != b"B" * 4 * MiB:
            fail("B changed")
        print("page cache: the lost MiB of A dropped; a re-read sees the device")
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
