#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Hash image files by content, fast on sparse files.

Usage: imghash.py FILE...   prints one sha256 per file.

Two files hash alike exactly when they have the same size and the same
bytes, holes reading as zeros.  The hash covers the offset and bytes of
every 4 KiB block that is not all zeros, so only data segments are read
(SEEK_DATA/SEEK_HOLE) and it does not matter whether zeros are a hole or
written: the filesystem may reshape the image file's extents (trimming
post-EOF preallocation, converting unwritten extents) without a byte
changing.
"""
import hashlib
import os
import sys

BLOCK = 4096
ZERO = bytes(BLOCK)


def imghash(path):
    h = hashlib.sha256()
    fd = os.open(path, os.O_RDONLY)
    try:
        size = os.fstat(fd).st_size
        h.update(b"size %d\n" % size)
        off = 0
        while off < size:
            try:
                start = os.lseek(fd, off, os.SEEK_DATA)
            except OSError:
                break           # ENXIO: only a hole is left
            start -= start % BLOCK
            end = os.lseek(fd, start, os.SEEK_HOLE)
            pos = start
            while pos < end:
                chunk = os.pread(fd, min(1 << 22, end - pos), pos)
                if not chunk:
                    break
                for i in range(0, len(chunk), BLOCK):
                    blk = chunk[i:i + BLOCK]
                    if blk != ZERO[:len(blk)]:
                        h.update(b"%d\n" % (pos + i))
                        h.update(blk)
                pos += len(chunk)
            off = max(end, pos)
    finally:
        os.close(fd)
    return h.hexdigest()


if __name__ == "__main__":
    print(" ".join(imghash(p) for p in sys.argv[1:]))
