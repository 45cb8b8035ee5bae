#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The metadata slice of a fuzz template (see pmf_fuzz.c).

Usage:
  slice.py map DATA [LOG] --log-at DEV:START:LEN:HEAD > MAP
      every non-zero 512-byte sector of the images, trailing zeros cut;
      in the log (device DEV, START and LEN in bytes, HEAD the log head
      in bytes from START) only the sectors near the head, which are the
      ones the log search reads closely.
  slice.py extract MAP MODE DATA [LOG] > INPUT
      the input that lays exactly these images: the mode byte, then the
      bytes of every region of MAP, in order (for seeds made by xfs_db's
      fuzz command on a copy of the template).
  slice.py diff KITDIR INPUT [NOTE] > PATCH
      what INPUT changes in its template's images, as text: the mode and
      the changed bytes by device and image offset (a regression input
      that outlives a change of the templates' layout).
  slice.py patch KITDIR PATCH > INPUT
      the input that makes those changes to the kit's own template.
"""
import sys

SECTOR = 512
LOG_WINDOW = 16 * SECTOR


def regions(path, dev, log):
    with open(path, "rb") as f:
        img = f.read()
    for off in range(0, len(img), SECTOR):
        if log and log[0] == dev and log[1] <= off < log[1] + log[2]:
            rel = off - log[1]
            if rel >= 2 * SECTOR and abs(rel - log[3]) > LOG_WINDOW:
                continue
        sec = img[off:off + SECTOR].rstrip(b"\0")
        if sec:
            yield dev, off, (len(sec) + 7) & ~7


def cmd_map(args):
    log = None
    if "--log-at" in args:
        i = args.index("--log-at")
        log = tuple(int(x) for x in args[i + 1].split(":"))
        del args[i:i + 2]
    print("# dev offset length: the metadata the fuzzer mutates")
    total = 0
    for dev, path in enumerate(args):
        for d, off, n in regions(path, dev, log):
            print(d, off, n)
            total += n
    print("slice.py: %d bytes of metadata" % total, file=sys.stderr)


def cmd_extract(args):
    mapfile, mode, images = args[0], int(args[1], 0), args[2:]
    imgs = []
    for path in images:
        with open(path, "rb") as f:
            imgs.append(f.read())
    out = bytearray([mode])
    with open(mapfile) as f:
        for line in f:
            if line.startswith("#"):
                continue
            dev, off, n = (int(x) for x in line.split())
            out += imgs[dev][off:off + n].ljust(n, b"\0")
    sys.stdout.buffer.write(out)


def read_map(path):
    with open(path) as f:
        return [tuple(int(x) for x in line.split())
                for line in f if not line.startswith("#")]


def kit_images(kit, n):
    imgs = []
    for ext in ("data", "log"):
        try:
            with open("%s/t%d.%s" % (kit, n, ext), "rb") as f:
                imgs.append(bytearray(f.read()))
        except FileNotFoundError:
            pass
    return imgs


def cmd_diff(args):
    kit, inp = args[0], args[1]
    with open(inp, "rb") as f:
        data = f.read()
    mode, sl = data[0], data[1:]
    n = mode & 1
    imgs = kit_images(kit, n)
    new = [bytearray(i) for i in imgs]
    pos = 0
    for dev, off, ln in read_map("%s/t%d.map" % (kit, n)):
        if pos >= len(sl):
            break
        chunk = sl[pos:pos + ln]
        new[dev][off:off + len(chunk)] = chunk
        pos += ln
    if len(args) > 2:
        print("# " + args[2])
    print("mode 0x%02x" % mode)
    for dev in range(len(imgs)):
        a, b = imgs[dev], new[dev]
        i = 0
        while i < len(a):
            if a[i] == b[i]:
                i += 1
                continue
            j = i
            while j < len(a) and (a[j] != b[j] or a[j + 1:j + 9] != b[j + 1:j + 9]):
                j += 1
            print(dev, i, b[i:j].hex())
            i = j


def cmd_patch(args):
    kit, patch = args
    mode = None
    edits = []
    with open(patch) as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            w = line.split()
            if w[0] == "mode":
                mode = int(w[1], 0)
            else:
                edits.append((int(w[0]), int(w[1]), bytes.fromhex(w[2])))
    n = mode & 1
    imgs = kit_images(kit, n)
    for dev, off, b in edits:
        imgs[dev][off:off + len(b)] = b
    out = bytearray([mode])
    for dev, off, ln in read_map("%s/t%d.map" % (kit, n)):
        out += imgs[dev][off:off + ln].ljust(ln, b"\0")
    sys.stdout.buffer.write(out)


def main():
    cmds = {"map": cmd_map, "extract": cmd_extract, "diff": cmd_diff,
            "patch": cmd_patch}
    if len(sys.argv) < 3 or sys.argv[1] not in cmds:
        sys.exit(__doc__)
    cmds[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    main()
