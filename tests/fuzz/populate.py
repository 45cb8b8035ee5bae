#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Populate a tiny mounted XFS for the fuzz templates.

Usage: populate.py MOUNTPOINT

Every shape the engine reads, in as few blocks as possible: a deep tree, a
directory in node form (hard links: many names, one inode, and on a
parent-pointer filesystem one inode with hundreds of parent pointers), a
file whose extents need a bmbt, a reflinked pair, sparse and unwritten
files, inline, leaf and remote xattrs, short and remote symlinks, and freed
inodes.  File data is all zeros, so that every non-zero sector of the
image is metadata: that is what the fuzz harness mutates.
"""
import fcntl
import os
import sys

FICLONE = 0x40049409
BLOCK = 4096
ZERO = bytes(BLOCK)


def main():
    root = sys.argv[1]
    deep = os.path.join(root, "a", "b", "c", "d")
    os.makedirs(deep)
    with open(os.path.join(deep, "leaf"), "wb") as f:
        f.write(ZERO)

    files = os.path.join(root, "files")
    os.mkdir(files)
    for i in range(24):
        with open(os.path.join(files, "f%02d" % i), "wb") as f:
            f.write(ZERO * (1 + i % 3))

    # Every other block: more extents than the inode's data fork holds.
    fd = os.open(os.path.join(root, "bmbt"), os.O_CREAT | os.O_WRONLY, 0o644)
    for b in range(0, 120, 2):
        os.pwrite(fd, ZERO, b * BLOCK)
        os.fsync(fd)
    os.close(fd)

    src = os.path.join(root, "orig")
    with open(src, "wb") as f:
        f.write(ZERO * 8)
    with open(src, "rb") as s, open(os.path.join(root, "clone"), "wb") as d:
        fcntl.ioctl(d.fileno(), FICLONE, s.fileno())

    fd = os.open(os.path.join(root, "sparse"), os.O_CREAT | os.O_WRONLY, 0o644)
    os.pwrite(fd, ZERO, 40 * BLOCK)
    os.posix_fallocate(fd, 4 * BLOCK, 4 * BLOCK)
    os.close(fd)

    x = os.path.join(root, "xattrs")
    os.mkdir(x)
    for name, n, size in (("inline", 2, 16), ("leaf", 40, 64), ("remote", 1, 9000)):
        p = os.path.join(x, name)
        open(p, "wb").close()
        for i in range(n):
            os.setxattr(p, "user.%s%03d" % (name, i), b"v" * size)

    os.symlink("files/f00", os.path.join(root, "short-link"))
    os.symlink("x" * 1000, os.path.join(root, "long-link"))

    links = os.path.join(root, "links")
    os.mkdir(links)
    target = os.path.join(files, "f01")
    for i in range(200):
        os.link(target, os.path.join(links, "hardlink-%04d" % i))

    for i in range(0, 24, 3):
        os.unlink(os.path.join(files, "f%02d" % i))


if __name__ == "__main__":
    main()
