// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (c) 2026 The pmemfail authors.
 *
 * Runs inside the QEMU guest for tests/t/repair-rt-sweep.sh and
 * repair-rt-reflink.sh: fill a mounted realtime filesystem with files of
 * seeded random content, or dump what a mounted one holds, as the kernel
 * reads it back.  Built static on the host.
 *
 * Usage: rtsweep fill MNT SEED NFILES
 *        rtsweep dump MNT OUT
 *
 * fill makes rt/ (rtinherit) with dense, sparse and preallocated files,
 * some hard links and deleted files, and a few data device files in data/.
 *
 * dump writes, for every regular file:
 *   F ino size rt path                 one per path
 *   E ino off_bb len_bb blk_bb flags   one per extent (XFS_IOC_GETBMAPX;
 *                                      flags: u unwritten, - written)
 *   A ino HEX                          trusted.pmemfail.lost, hex, if set
 *   H ino h0 h1 ...                    a 64-bit FNV-1a hash of each 4 KiB
 *                                      block, the tail zero-padded
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <linux/fs.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>
#include <xfs/xfs.h>

#define BLOCK		4096

#include "rtutil.h"

/* Random bytes, so that every block of every file differs. */
static void
write_at(int fd, const char *path, uint64_t off, uint64_t len)
{
	static uint64_t	buf[(1 << 16) / 8];

	while (len) {
		size_t	n = len < sizeof(buf) ? len : sizeof(buf);

		for (size_t i = 0; i < (n + 7) / 8; i++)
			buf[i] = rnd();
		if (pwrite(fd, buf, n, off) != (ssize_t)n)
			die("pwrite", path);
		off += n;
		len -= n;
	}
}

/* One file of a random shape: dense, sparse or preallocated. */
static void
make_file(const char *path)
{
	int		fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0644);
	unsigned int	kind = rnd_below(10);

	if (fd < 0)
		die("create", path);
	if (kind < 5) {			/* small and dense */
		write_at(fd, path, 0, 1 + rnd_below(40 << 10));
	} else if (kind < 7) {		/* bigger and dense */
		write_at(fd, path, 0, (64 << 10) + rnd_below(256 << 10));
	} else if (kind < 9) {		/* sparse, unaligned pieces */
		for (int i = 0; i < 3; i++)
			write_at(fd, path, rnd_below(2 << 20),
					1 + rnd_below(40 << 10));
	} else {			/* preallocated, partly written */
		uint64_t	len = (64 << 10) + rnd_below(256 << 10);

		if (fallocate(fd, 0, 0, len) < 0)
			die("fallocate", path);
		write_at(fd, path, rnd_below(len / 2), 1 + rnd_below(len / 4));
	}
	if (fsync(fd) < 0)
		die("fsync", path);
	close(fd);
}

static int
fill(const char *mnt, unsigned long nfiles)
{
	char		path[4096];

	snprintf(path, sizeof(path), "%s/rt", mnt);
	if (mkdir(path, 0755) < 0)
		die("mkdir", path);
	set_xflags(path, FS_XFLAG_RTINHERIT);
	snprintf(path, sizeof(path), "%s/data", mnt);
	if (mkdir(path, 0755) < 0)
		die("mkdir", path);
	for (unsigned long i = 0; i < nfiles; i++) {
		unsigned int	where = rnd_below(20);

		if (i % 100 == 0) {
			snprintf(path, sizeof(path), "%s/rt/d%lu", mnt, i / 100);
			if (mkdir(path, 0755) < 0)
				die("mkdir", path);
		}
		if (where == 0)
			snprintf(path, sizeof(path), "%s/data/f%lu", mnt, i);
		else
			snprintf(path, sizeof(path), "%s/rt/d%lu/f%lu", mnt,
					i / 100, i);
		make_file(path);
		if (where == 2) {
			char	link_path[4200];

			snprintf(link_path, sizeof(link_path), "%s/rt/l%lu",
					mnt, i);
			if (link(path, link_path) < 0)
				die("link", link_path);
		}
		/* Deleting some leaves free holes between realtime files. */
		if (i > 10 && rnd_below(6) == 0) {
			unsigned long	victim = i - 1 - rnd_below(10);

			snprintf(path, sizeof(path), "%s/rt/d%lu/f%lu", mnt,
					victim / 100, victim);
			unlink(path);	/* it may be elsewhere or gone already */
		}
	}
	sync();
	return 0;
}

static void
dump_hashes(int fd, const char *path, uint64_t ino, off_t size)
{
	static unsigned char	buf[BLOCK];

	fprintf(out, "H %llu", (unsigned long long)ino);
	for (off_t off = 0; off < size; off += BLOCK) {
		ssize_t		n = pread(fd, buf, BLOCK, off);
		uint64_t	h = 0xcbf29ce484222325ULL;

		if (n < 0)
			die("read", path);
		memset(buf + n, 0, BLOCK - n);
		for (int i = 0; i < BLOCK; i++)
			h = (h ^ buf[i]) * 0x100000001b3ULL;
		fprintf(out, " %016llx", (unsigned long long)h);
	}
	fputc('\n', out);
}

static int
dump_one(const char *path, const struct stat *st, int type,
	 struct FTW *ftw __attribute__((unused)))
{
	static bool		*seen;
	static size_t		nseen;
	struct fsxattr		fa;
	static char		val[65536];	/* XATTR_SIZE_MAX */
	ssize_t			vlen;
	int			fd;

	if (type != FTW_F || !S_ISREG(st->st_mode))
		return 0;
	fd = open(path, O_RDONLY);
	if (fd < 0)
		die("open", path);
	if (ioctl(fd, FS_IOC_FSGETXATTR, &fa) < 0)
		die("FSGETXATTR", path);
	fprintf(out, "F %llu %lld %d %s\n", (unsigned long long)st->st_ino,
			(long long)st->st_size,
			!!(fa.fsx_xflags & FS_XFLAG_REALTIME), path);
	/* Everything else once per inode, not once per path. */
	if (st->st_ino >= nseen) {
		size_t	n = st->st_ino * 2 + 1024;

		seen = realloc(seen, n);
		if (!seen)
			die("realloc", path);
		memset(seen + nseen, 0, n - nseen);
		nseen = n;
	}
	if (seen[st->st_ino]) {
		close(fd);
		return 0;
	}
	seen[st->st_ino] = true;
	dump_extents(fd, path, st->st_ino);
	vlen = fgetxattr(fd, "trusted.pmemfail.lost", val, sizeof(val));
	if (vlen > 0) {
		fprintf(out, "A %llu ", (unsigned long long)st->st_ino);
		for (ssize_t i = 0; i < vlen; i++)
			fprintf(out, "%02x", (unsigned char)val[i]);
		fputc('\n', out);
	}
	/* The quarantine files hold bad blocks by design: never read them. */
	if (!strstr(path, "/pmemfail-quarantine"))
		dump_hashes(fd, path, st->st_ino, st->st_size);
	close(fd);
	return 0;
}

int
main(int argc, char **argv)
{
	rt_prog = "rtsweep";
	if (argc == 5 && !strcmp(argv[1], "fill")) {
		rng = strtoull(argv[3], NULL, 0) * 0x9E3779B97F4A7C15ULL | 1;
		return fill(argv[2], strtoul(argv[4], NULL, 0));
	}
	if (argc == 4 && !strcmp(argv[1], "dump")) {
		out = fopen(argv[3], "w");
		if (!out)
			die("create", argv[3]);
		if (nftw(argv[2], dump_one, 64, FTW_PHYS) < 0)
			die("walk", argv[2]);
		if (fclose(out) != 0)
			die("write", argv[3]);
		return 0;
	}
	fprintf(stderr, "usage: rtsweep fill MNT SEED NFILES | dump MNT OUT\n");
	return 2;
}
