// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (c) 2026 The pmemfail authors.
 *
 * What the static guest helpers of the realtime tests (rtfill.c, rtsweep.c)
 * share: a seeded generator, dying with a message, setting inode flags and
 * writing the kernel's extent map of a file.  Each includes it once; the
 * program sets rt_prog and out.
 */
#ifndef PMF_TESTS_RTUTIL_H
#define PMF_TESTS_RTUTIL_H

#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <xfs/xfs.h>

static const char	*rt_prog;	/* for messages */
static FILE		*out;		/* the output file */
static uint64_t		rng;		/* the generator's state */

static uint64_t
rnd(void)
{
	/* xorshift64*: reproducible from the seed, no libc state. */
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 2685821657736338717ULL;
}

static uint64_t
rnd_below(uint64_t n)
{
	return n ? rnd() % n : 0;
}

static void
die(const char *what, const char *path)
{
	fprintf(stderr, "%s: %s %s: %s\n", rt_prog, what, path, strerror(errno));
	exit(1);
}

static void
set_xflags(const char *path, unsigned int set)
{
	struct fsxattr	fa;
	int		fd = open(path, O_RDONLY);

	if (fd < 0)
		die("open", path);
	if (ioctl(fd, FS_IOC_FSGETXATTR, &fa) < 0)
		die("FSGETXATTR", path);
	fa.fsx_xflags |= set;
	if (ioctl(fd, FS_IOC_FSSETXATTR, &fa) < 0)
		die("FSSETXATTR", path);
	close(fd);
}

/*
 * "E ino off_bb len_bb blk_bb flags" for every mapped extent of the open
 * file fd, as XFS_IOC_GETBMAPX (what `xfs_io -c 'bmap -v'` uses) gives it;
 * flags: u unwritten, - written.
 */
static void
dump_extents(int fd, const char *path, uint64_t ino)
{
	static struct getbmapx	map[1 + 4096];
	long long		next = 0;
	int			n;

	/* A reflinked file is cut where sharing changes: ask until the end. */
	do {
		memset(map, 0, sizeof(map[0]));
		map[0].bmv_offset = next;
		map[0].bmv_length = -1;
		map[0].bmv_count = 1 + 4096;
		map[0].bmv_iflags = BMV_IF_PREALLOC | BMV_IF_NO_HOLES;
		if (ioctl(fd, XFS_IOC_GETBMAPX, map) < 0)
			die("GETBMAPX", path);
		n = map[0].bmv_entries;
		for (int i = 1; i <= n; i++) {
			next = map[i].bmv_offset + map[i].bmv_length;
			if (map[i].bmv_block < 0)
				continue;
			fprintf(out, "E %llu %lld %lld %lld %s\n",
					(unsigned long long)ino,
					(long long)map[i].bmv_offset,
					(long long)map[i].bmv_length,
					(long long)map[i].bmv_block,
					(map[i].bmv_oflags & BMV_OF_PREALLOC) ?
					"u" : "-");
		}
	} while (n == 4096);
}

#endif /* PMF_TESTS_RTUTIL_H */
