#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""A process that maps a window of a file and waits: invalidate's target.

  mapper.py FILE OFFSET LENGTH [FILE OFFSET LENGTH]...
                                   mmap each [OFFSET, OFFSET + LENGTH) shared,
                                   read every page of it, say "ready", sleep
  mapper.py FILE --open-only       open FILE, read it, say "ready", sleep

It dies of whatever signal it gets (SIGBUS keeps its default action), so
that the parent sees how it ended.
"""
import mmap
import os
import signal
import sys


def main():
    keep = []
    if sys.argv[2] == "--open-only":
        fd = os.open(sys.argv[1], os.O_RDONLY)
        os.pread(fd, 1 << 20, 0)
        keep.append(fd)
    argv = sys.argv[1:] if sys.argv[2] != "--open-only" else []
    for i in range(0, len(argv), 3):
        fd = os.open(argv[i], os.O_RDONLY)
        off, length = int(argv[i + 1]), int(argv[i + 2])
        m = mmap.mmap(fd, length, mmap.MAP_SHARED, mmap.PROT_READ, offset=off)
        os.close(fd)
        for p in range(0, length, mmap.PAGESIZE):
            m[p]
        keep.append(m)
    sys.stdout.write("ready\n")
    sys.stdout.flush()
    while True:
        signal.pause()


if __name__ == "__main__":
    main()
