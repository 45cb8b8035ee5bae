// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Copyright (c) 2026 The pmemfail authors.
 *
 * The XFS health monitor: open one on a mounted filesystem, and name its
 * events.
 */
#include <errno.h>
#include "healthmon.h"

/*
 * A monitor file descriptor for the filesystem of @fsfd, reading
 * XFS_HEALTH_MONITOR_FMT_V0 events, or a negative errno: -ENOTTY from a
 * kernel without the ioctl, -EPERM without CAP_SYS_ADMIN.
 */
int
pmf_healthmon_open(
	int				fsfd,
	bool				verbose)
{
	struct xfs_health_monitor	hmo = {
		.flags = verbose ? XFS_HEALTH_MONITOR_VERBOSE : 0,
		.format = XFS_HEALTH_MONITOR_FMT_V0,
	};
	int				fd;

	fd = ioctl(fsfd, XFS_IOC_HEALTH_MONITOR, &hmo);
	if (fd < 0)
		return -errno;
	return fd;
}

/* 0 if @fd is on the monitored filesystem, else a negative errno. */
int
pmf_healthmon_same_fs(
	int					monfd,
	int					fd)
{
	struct xfs_health_file_on_monitored_fs	hf = { .fd = fd };

	if (ioctl(monfd, XFS_IOC_HEALTH_FD_ON_MONITORED_FS, &hf) < 0)
		return -errno;
	return 0;
}

const char *
pmf_healthmon_type_name(
	uint32_t		type)
{
	static const char * const names[] = {
		[XFS_HEALTH_MONITOR_TYPE_RUNNING]	= "running",
		[XFS_HEALTH_MONITOR_TYPE_LOST]		= "lost",
		[XFS_HEALTH_MONITOR_TYPE_UNMOUNT]	= "unmount",
		[XFS_HEALTH_MONITOR_TYPE_SICK]		= "sick",
		[XFS_HEALTH_MONITOR_TYPE_CORRUPT]	= "corrupt",
		[XFS_HEALTH_MONITOR_TYPE_HEALTHY]	= "healthy",
		[XFS_HEALTH_MONITOR_TYPE_SHUTDOWN]	= "shutdown",
		[XFS_HEALTH_MONITOR_TYPE_MEDIA_ERROR]	= "media_error",
		[XFS_HEALTH_MONITOR_TYPE_BUFREAD]	= "bufread",
		[XFS_HEALTH_MONITOR_TYPE_BUFWRITE]	= "bufwrite",
		[XFS_HEALTH_MONITOR_TYPE_DIOREAD]	= "dioread",
		[XFS_HEALTH_MONITOR_TYPE_DIOWRITE]	= "diowrite",
		[XFS_HEALTH_MONITOR_TYPE_DATALOST]	= "datalost",
	};

	if (type >= sizeof(names) / sizeof(names[0]))
		return "unknown";
	return names[type];
}

const char *
pmf_healthmon_domain_name(
	uint32_t		domain)
{
	static const char * const names[] = {
		[XFS_HEALTH_MONITOR_DOMAIN_MOUNT]	= "mount",
		[XFS_HEALTH_MONITOR_DOMAIN_FS]		= "fs",
		[XFS_HEALTH_MONITOR_DOMAIN_AG]		= "ag",
		[XFS_HEALTH_MONITOR_DOMAIN_INODE]	= "inode",
		[XFS_HEALTH_MONITOR_DOMAIN_RTGROUP]	= "rtgroup",
		[XFS_HEALTH_MONITOR_DOMAIN_DATADEV]	= "datadev",
		[XFS_HEALTH_MONITOR_DOMAIN_RTDEV]	= "rtdev",
		[XFS_HEALTH_MONITOR_DOMAIN_LOGDEV]	= "logdev",
		[XFS_HEALTH_MONITOR_DOMAIN_FILERANGE]	= "filerange",
	};

	if (domain >= sizeof(names) / sizeof(names[0]))
		return "unknown";
	return names[domain];
}
