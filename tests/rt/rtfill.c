// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (c) 2026 The pmemfail authors.
 *
 * Runs inside the QEMU guest, whose kernel has realtime XFS: fill a mounted
 * filesystem with realtime (and some data device) files of seeded random
 * shapes, then write the kernel's own extent map of every file -- the
 * XFS_IOC_GETBMAPX ioctl that `xfs_io -c 'bmap -v'` uses -- to a text file
 * the host compares xfs_pmem's answers with.  Built static on the host.
 *
 * Usage: rtfill MNT SEED NFILES OUT
 *
 * OUT lines:
 *   F ino nlink rt path                one per path of a regular file
 *   E ino off_bb len_bb blk_bb flags   one per extent (flags: u unwritten)
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
#include <unistd.h>
#include <xfs/xfs.h>

#include "rtutil.h"

static void
write_at(int fd, const char *path, uint64_t off, uint64_t len)
{
	static char	buf[1 << 16];

	memset(buf, (int)(off >> 12) | 1, sizeof(buf));
	while (len) {
		size_t	n = len < sizeof(buf) ? len : sizeof(buf);

		if (pwrite(fd, buf, n, off) != (ssize_t)n)
			die("pwrite", path);
		off += n;
		len -= n;
	}
}

/* One file of a random shape: dense, sparse or preallocated. */
static void
make_file(const char *path, bool mark_rt)
{
	int		fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0644);
	unsigned int	kind = rnd_below(10);

	if (fd < 0)
		die("create", path);
	if (mark_rt) {
		close(fd);
		set_xflags(path, FS_XFLAG_REALTIME);
		fd = open(path, O_WRONLY);
		if (fd < 0)
			die("reopen", path);
	}
	if (kind < 5) {			/* small and dense */
		write_at(fd, path, 0, 1 + rnd_below(48 << 10));
	} else if (kind < 7) {		/* bigger and dense */
		write_at(fd, path, 0, (64 << 10) + rnd_below(448 << 10));
	} else if (kind < 9) {		/* sparse */
		for (int i = 0; i < 4; i++)
			write_at(fd, path, rnd_below(8 << 20),
					4096 + rnd_below(60 << 10));
	} else {			/* preallocated, partly written */
		uint64_t	len = (64 << 10) + rnd_below(448 << 10);

		if (fallocate(fd, 0, 0, len) < 0)
			die("fallocate", path);
		write_at(fd, path, rnd_below(len / 2), 4096 + rnd_below(len / 4));
	}
	close(fd);
}

static int
dump_one(const char *path, const struct stat *st, int type,
	 struct FTW *ftw __attribute__((unused)))
{
	struct fsxattr		fa;
	int			fd;

	if (type != FTW_F || !S_ISREG(st->st_mode))
		return 0;
	fd = open(path, O_RDONLY);
	if (fd < 0)
		die("open", path);
	if (ioctl(fd, FS_IOC_FSGETXATTR, &fa) < 0)
		die("FSGETXATTR", path);
	fprintf(out, "F %llu %u %d %s\n", (unsigned long long)st->st_ino,
			(unsigned int)st->st_nlink,
			!!(fa.fsx_xflags & FS_XFLAG_REALTIME), path);
	dump_extents(fd, path, st->st_ino);
	close(fd);
	return 0;
}

int
main(int argc, char **argv)
{
	char		path[4096];
	const char	*mnt;
	unsigned long	nfiles;

	rt_prog = "rtfill";

	if (argc != 5) {
		fprintf(stderr, "usage: rtfill MNT SEED NFILES OUT\n");
		return 2;
	}
	mnt = argv[1];
	rng = strtoull(argv[2], NULL, 0) * 0x9E3779B97F4A7C15ULL | 1;
	nfiles = strtoul(argv[3], NULL, 0);

	/* rtinherit: everything made below rt/ lands on the realtime device. */
	snprintf(path, sizeof(path), "%s/rt", mnt);
	if (mkdir(path, 0755) < 0)
		die("mkdir", path);
	set_xflags(path, FS_XFLAG_RTINHERIT);
	snprintf(path, sizeof(path), "%s/data", mnt);
	if (mkdir(path, 0755) < 0)
		die("mkdir", path);

	for (unsigned long i = 0; i < nfiles; i++) {
		unsigned int	where = rnd_below(20);

		if (i % 500 == 0) {
			snprintf(path, sizeof(path), "%s/rt/d%lu", mnt, i / 500);
			if (mkdir(path, 0755) < 0)
				die("mkdir", path);
		}
		if (where == 0) {
			/* chattr +r on an empty file outside the rt tree */
			snprintf(path, sizeof(path), "%s/data/r%lu", mnt, i);
			make_file(path, true);
		} else if (where == 1) {
			snprintf(path, sizeof(path), "%s/data/f%lu", mnt, i);
			make_file(path, false);
		} else {
			snprintf(path, sizeof(path), "%s/rt/d%lu/f%lu", mnt,
					i / 500, i);
			make_file(path, false);
		}
		/* Some hard links, so that one inode has several paths. */
		if (where == 2 && rnd_below(10) == 0) {
			char	link_path[4200];

			snprintf(link_path, sizeof(link_path), "%s/rt/l%lu",
					mnt, i);
			if (link(path, link_path) < 0)
				die("link", link_path);
		}
		/* Deleting some leaves free holes between realtime files. */
		if (i > 10 && rnd_below(8) == 0) {
			unsigned long	victim = i - 1 - rnd_below(10);

			snprintf(path, sizeof(path), "%s/rt/d%lu/f%lu", mnt,
					victim / 500, victim);
			unlink(path);	/* it may be elsewhere or gone already */
		}
	}
	sync();

	out = fopen(argv[4], "w");
	if (!out)
		die("create", argv[4]);
	if (nftw(mnt, dump_one, 64, FTW_PHYS) < 0)
		die("walk", mnt);
	if (fclose(out) != 0)
		die("write", argv[4]);
	return 0;
}
