// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (c) 2026 The pmemfail authors.
 *
 * Runs inside the QEMU guest: write what the guest kernel's GETFSMAP says
 * of every device of a mounted filesystem, every field of every record
 * (xfs_io's fsmap -m drops the flags, and the shared flag is one of them),
 * and every path of every regular file, for the host's oracle
 * (tests/rt/rtrmap-oracle.py).  Built static on the host.
 *
 * Usage: rtfsmap MNT OUT RTDEV
 *
 * OUT lines:
 *   R device                                      RTDEV as fmr_device says it
 *   M device physical length owner offset flags   one per GETFSMAP record,
 *                                                 bytes, flags in hex
 *   P ino path                                    one per path
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include <linux/fsmap.h>

#define NR_RECS		1024

static FILE	*out;

static void
die(const char *what, const char *path)
{
	fprintf(stderr, "rtfsmap: %s %s: %s\n", what, path, strerror(errno));
	exit(1);
}

static int
path_one(const char *path, const struct stat *st, int type,
	 struct FTW *ftw __attribute__((unused)))
{
	if (type == FTW_F && S_ISREG(st->st_mode))
		fprintf(out, "P %llu %s\n", (unsigned long long)st->st_ino, path);
	return 0;
}

int
main(int argc, char **argv)
{
	struct fsmap_head	*head;
	struct stat		st;
	int			fd;

	if (argc != 4) {
		fprintf(stderr, "usage: rtfsmap MNT OUT RTDEV\n");
		return 2;
	}
	out = fopen(argv[2], "w");
	if (!out)
		die("create", argv[2]);
	if (stat(argv[3], &st) < 0)
		die("stat", argv[3]);
	/* The kernel's new_encode_dev(), which fmr_device is. */
	fprintf(out, "R %u\n", (minor(st.st_rdev) & 0xff) |
			(major(st.st_rdev) << 8) |
			((minor(st.st_rdev) & ~0xffU) << 12));
	fd = open(argv[1], O_RDONLY);
	if (fd < 0)
		die("open", argv[1]);
	head = calloc(1, fsmap_sizeof(NR_RECS));
	if (!head)
		die("calloc", argv[1]);
	head->fmh_count = NR_RECS;
	/* The high key as xfs_io sets it: its reserved fields must be 0. */
	head->fmh_keys[1].fmr_device = UINT32_MAX;
	head->fmh_keys[1].fmr_flags = UINT32_MAX;
	head->fmh_keys[1].fmr_physical = UINT64_MAX;
	head->fmh_keys[1].fmr_owner = UINT64_MAX;
	head->fmh_keys[1].fmr_offset = UINT64_MAX;
	for (;;) {
		struct fsmap	*last;

		if (ioctl(fd, FS_IOC_GETFSMAP, head) < 0)
			die("GETFSMAP", argv[1]);
		if (head->fmh_entries == 0)
			break;
		for (unsigned int i = 0; i < head->fmh_entries; i++) {
			struct fsmap	*p = &head->fmh_recs[i];

			fprintf(out, "M %u %llu %llu %llu %llu %x\n",
					p->fmr_device,
					(unsigned long long)p->fmr_physical,
					(unsigned long long)p->fmr_length,
					(unsigned long long)p->fmr_owner,
					(unsigned long long)p->fmr_offset,
					p->fmr_flags);
		}
		last = &head->fmh_recs[head->fmh_entries - 1];
		if (last->fmr_flags & FMR_OF_LAST)
			break;
		fsmap_advance(head);
	}
	close(fd);
	if (nftw(argv[1], path_one, 64, FTW_PHYS) < 0)
		die("nftw", argv[1]);
	if (fclose(out))
		die("close", argv[2]);
	return 0;
}
