// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (c) 2026 The pmemfail authors.
 *
 * verifymedia MOUNTPOINT START END: have the kernel read sectors
 * [START, END) of the data device of a mounted XFS (XFS_IOC_VERIFY_MEDIA,
 * Linux 7.x) and report what fails to its health monitor, as
 * `xfs_io -c verifymedia` of xfsprogs 7.2 does.  A test helper for the
 * guest, built static.  Prints where verification stopped and the error.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "healthmon.h"

int
main(
	int			argc,
	char			**argv)
{
	struct xfs_verify_media	me = {
		.me_dev = XFS_DEV_DATA,
		.me_flags = XFS_VERIFY_MEDIA_REPORT,
		/* One block per read: the events then name the bad blocks. */
		.me_max_io_size = 4096,
	};
	unsigned long long	end;
	int			fd;

	if (argc != 4) {
		fprintf(stderr, "usage: verifymedia MOUNTPOINT START END\n");
		return 2;
	}
	me.me_start_daddr = strtoull(argv[2], NULL, 0);
	me.me_end_daddr = strtoull(argv[3], NULL, 0);
	fd = open(argv[1], O_RDONLY | O_DIRECTORY);
	if (fd < 0) {
		perror(argv[1]);
		return 1;
	}
	/*
	 * It stops at the first read that fails (with me_start_daddr there):
	 * step over that block and go on to the end.
	 */
	end = me.me_end_daddr;
	while (me.me_start_daddr < end) {
		me.me_end_daddr = end;
		if (ioctl(fd, XFS_IOC_VERIFY_MEDIA, &me) < 0) {
			perror("XFS_IOC_VERIFY_MEDIA");
			return 1;
		}
		printf("verified to %llu, error %u\n",
				(unsigned long long)me.me_start_daddr,
				me.me_ioerror);
		if (me.me_start_daddr >= end)
			break;
		me.me_start_daddr += 8;
	}
	close(fd);
	return 0;
}
