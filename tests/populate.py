#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Populate a mounted XFS filesystem with every shape pmemfail must resolve.

Usage: populate.py MOUNTPOINT SEED [SCALE]

Thousands of small files, fragmented large files, sparse files, unwritten
extents, reflinked copies, remote xattrs, bmbt-format files, hard links and
deep directories.  Deterministic for a seed; prints what it made.
"""
import errno
import fcntl
import os
import random
import sys

FICLONE = 0x40049409
BLOCK = 4096


def write_at(fd, off, data):
    os.pwrite(fd, data, off)


def small_files(rng, root, count):
    d = os.path.join(root, "small")
    os.makedirs(d, exist_ok=True)
    for i in range(count):
        sub = os.path.join(d, "d%02d" % (i % 40))
        os.makedirs(sub, exist_ok=True)
        with open(os.path.join(sub, "f%05d" % i), "wb") as f:
            f.write(rng.randbytes(rng.randint(1, 3 * BLOCK)))


def fragmented(rng, root, count, blocks):
    """Interleave writes of several files so their extents alternate."""
    d = os.path.join(root, "frag")
    os.makedirs(d, exist_ok=True)
    fds = [os.open(os.path.join(d, "frag%d" % i), os.O_CREAT | os.O_WRONLY, 0o644)
           for i in range(count)]
    for b in range(blocks):
        for fd in fds:
            write_at(fd, b * BLOCK, rng.randbytes(BLOCK))
            # Flush now and then so that delalloc can't merge the extents.
            if b % 16 == 0:
                os.fsync(fd)
    for fd in fds:
        os.close(fd)


def bmbt_file(rng, root):
    """Every other block written: enough extents to need a bmbt."""
    path = os.path.join(root, "bmbt-file")
    fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o644)
    for b in range(0, 600, 2):
        write_at(fd, b * BLOCK, rng.randbytes(BLOCK))
    os.close(fd)


def sparse_files(rng, root):
    d = os.path.join(root, "sparse")
    os.makedirs(d, exist_ok=True)
    for i in range(8):
        fd = os.open(os.path.join(d, "sp%d" % i), os.O_CREAT | os.O_WRONLY, 0o644)
        for _ in range(6):
            write_at(fd, rng.randrange(0, 64 << 20, BLOCK), rng.randbytes(BLOCK * rng.randint(1, 4)))
        os.close(fd)


def unwritten(rng, root):
    fd = os.open(os.path.join(root, "prealloc"), os.O_CREAT | os.O_WRONLY, 0o644)
    os.posix_fallocate(fd, 0, 8 << 20)
    write_at(fd, 1 << 20, rng.randbytes(64 * 1024))   # a written island
    os.close(fd)


def reflinks(rng, root):
    d = os.path.join(root, "reflink")
    os.makedirs(d, exist_ok=True)
    src = os.path.join(d, "orig")
    with open(src, "wb") as f:
        f.write(rng.randbytes(2 << 20))
    for i in range(2):
        with open(src, "rb") as s, open(os.path.join(d, "clone%d" % i), "wb") as t:
            try:
                fcntl.ioctl(t.fileno(), FICLONE, s.fileno())
            except OSError as e:
                if e.errno not in (errno.EOPNOTSUPP, errno.EXDEV, errno.EINVAL):
                    raise
                return False
    # Overwrite part of one clone: partly shared afterwards.
    fd = os.open(os.path.join(d, "clone1"), os.O_WRONLY)
    write_at(fd, 256 * 1024, rng.randbytes(128 * 1024))
    os.close(fd)
    return True


def xattrs(rng, root):
    d = os.path.join(root, "xattr")
    os.makedirs(d, exist_ok=True)
    for i in range(6):
        p = os.path.join(d, "x%d" % i)
        open(p, "wb").close()
        # Values this large live in remote attr blocks.
        os.setxattr(p, "user.big%d" % i, rng.randbytes(8000 + i * 1000))
        for j in range(30):
            os.setxattr(p, "user.s%02d" % j, rng.randbytes(60))


def links_and_depth(rng, root):
    deep = root
    for i in range(24):
        deep = os.path.join(deep, "level%02d" % i)
    os.makedirs(deep, exist_ok=True)
    target = os.path.join(deep, "deepfile")
    with open(target, "wb") as f:
        f.write(rng.randbytes(3 * BLOCK))
    os.makedirs(os.path.join(root, "links"), exist_ok=True)
    for i in range(3):
        os.link(target, os.path.join(root, "links", "hl%d" % i))
    # Symlinks whose targets are too long for the inode: a remote block.
    for i in range(8):
        os.symlink(target + "/" + "x" * (700 + i), os.path.join(root, "links", "sl%d" % i))
    # A big directory, so that directories in leaf/node format exist.
    big = os.path.join(root, "bigdir")
    os.makedirs(big, exist_ok=True)
    for i in range(1500):
        open(os.path.join(big, "entry-with-a-longish-name-%05d" % i), "wb").close()


def main():
    root, seed = sys.argv[1], int(sys.argv[2])
    scale = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    rng = random.Random(seed)
    small_files(rng, root, 2000 * scale)
    fragmented(rng, root, 3, 200 * scale)
    bmbt_file(rng, root)
    sparse_files(rng, root)
    unwritten(rng, root)
    shared = reflinks(rng, root)
    xattrs(rng, root)
    links_and_depth(rng, root)
    os.sync()
    print("populated %s seed %d scale %d reflink %s" % (root, seed, scale, shared))


if __name__ == "__main__":
    main()
