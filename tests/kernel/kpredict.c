// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (c) 2026 The pmemfail authors.
 *
 * kpredict: the guest's helper of tests/t/kernel-predict.sh (linked
 * statically: the guest has no libc of its own, and busybox has neither
 * setfattr nor the XFS health ioctls).
 *
 *   kpredict xattr FILE NAME LEN
 *	set xattr NAME of FILE to LEN bytes 'a' (a remote value block);
 *   kpredict health MNT [INO]
 *	print one line "fs 0xS ag0 0xS ... rg0 0xS ... ino 0xS" of what the
 *	kernel has marked sick: the filesystem (XFS_IOC_FSGEOMETRY), every AG
 *	(XFS_IOC_AG_GEOMETRY), every rtgroup if there are any
 *	(XFS_IOC_RTGROUP_GEOMETRY: an rt metadata file's loss marks its
 *	rtgroup) and, if given, inode INO (bulkstat).
 *
 * Exit 0, or 1 with a message on stderr.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/xattr.h>
#include <unistd.h>
#include <xfs/xfs.h>

static int
do_xattr(
	const char	*file,
	const char	*name,
	size_t		len)
{
	char		*buf = malloc(len);

	if (!buf)
		return 1;
	memset(buf, 'a', len);
	if (setxattr(file, name, buf, len, 0)) {
		fprintf(stderr, "kpredict: setxattr %s: %s\n", file,
				strerror(errno));
		free(buf);
		return 1;
	}
	free(buf);
	return 0;
}

static int
do_health(
	const char		*mnt,
	const char		*ino)
{
	struct xfs_fsop_geom	geo = { 0 };
	int			fd = open(mnt, O_RDONLY | O_DIRECTORY);

	if (fd < 0 || ioctl(fd, XFS_IOC_FSGEOMETRY, &geo)) {
		fprintf(stderr, "kpredict: %s: %s\n", mnt, strerror(errno));
		return 1;
	}
	printf("fs 0x%x", geo.sick);
	for (uint32_t agno = 0; agno < geo.agcount; agno++) {
		struct xfs_ag_geometry	ag = { .ag_number = agno };

		if (ioctl(fd, XFS_IOC_AG_GEOMETRY, &ag)) {
			fprintf(stderr, "kpredict: ag %u: %s\n", agno,
					strerror(errno));
			return 1;
		}
		printf(" ag%u 0x%x", agno, ag.ag_sick);
	}
	for (uint32_t rgno = 0; rgno < geo.rgcount; rgno++) {
		struct xfs_rtgroup_geometry	rg = { .rg_number = rgno };

		if (ioctl(fd, XFS_IOC_RTGROUP_GEOMETRY, &rg)) {
			fprintf(stderr, "kpredict: rtgroup %u: %s\n", rgno,
					strerror(errno));
			return 1;
		}
		printf(" rg%u 0x%x", rgno, rg.rg_sick);
	}
	if (ino) {
		uint64_t		want = strtoull(ino, NULL, 0);
		struct {
			struct xfs_bulk_ireq	hdr;
			struct xfs_bulkstat	bs;
		} req = { .hdr = { .ino = want, .icount = 1 } };

		/* Bulkstat starts at @ino: it must be the one returned. */
		if (ioctl(fd, XFS_IOC_BULKSTAT, &req) || req.hdr.ocount != 1 ||
		    req.bs.bs_ino != want) {
			fprintf(stderr, "kpredict: bulkstat of %s failed\n", ino);
			return 1;
		}
		printf(" ino 0x%x", req.bs.bs_sick);
	}
	printf("\n");
	close(fd);
	return 0;
}

int
main(
	int		argc,
	char		**argv)
{
	if (argc == 5 && !strcmp(argv[1], "xattr"))
		return do_xattr(argv[2], argv[3], strtoul(argv[4], NULL, 0));
	if ((argc == 3 || argc == 4) && !strcmp(argv[1], "health"))
		return do_health(argv[2], argc == 4 ? argv[3] : NULL);
	fprintf(stderr, "usage: kpredict xattr FILE NAME LEN | health MNT [INO]\n");
	return 1;
}
