/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (c) 2026 The pmemfail authors.
 *
 * The XFS health monitor (Linux 7.x): a file descriptor from
 * XFS_IOC_HEALTH_MONITOR that reads struct xfs_health_monitor_event
 * records, media errors among them; and XFS_IOC_VERIFY_MEDIA, which reads
 * a device range and reports what fails as such events.
 *
 * The xfsprogs headers this builds against (6.13) predate both, so the
 * few ABI definitions used here are given below, only when the headers
 * lack them.  They are the UAPI of include/xfs/xfs_fs.h in xfsprogs 7.2.0
 * (Debian's xfslibs-dev 7.2.0-1), which is fs/xfs/libxfs/xfs_fs.h of
 * Linux 7.2: the ioctl numbers, the event and request structures and the
 * constants, nothing else.  The layout is fixed by the kernel ABI.
 */
#ifndef PMF_HEALTHMON_H
#define PMF_HEALTHMON_H

#include "config.h"
#include <stdbool.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <xfs/xfs.h>

#ifndef XFS_IOC_HEALTH_MONITOR
#define XFS_HEALTH_MONITOR_DOMAIN_MOUNT		(0)
#define XFS_HEALTH_MONITOR_DOMAIN_FS		(1)
#define XFS_HEALTH_MONITOR_DOMAIN_AG		(2)
#define XFS_HEALTH_MONITOR_DOMAIN_INODE		(3)
#define XFS_HEALTH_MONITOR_DOMAIN_RTGROUP	(4)
#define XFS_HEALTH_MONITOR_DOMAIN_DATADEV	(5)
#define XFS_HEALTH_MONITOR_DOMAIN_RTDEV		(6)
#define XFS_HEALTH_MONITOR_DOMAIN_LOGDEV	(7)
#define XFS_HEALTH_MONITOR_DOMAIN_FILERANGE	(8)

#define XFS_HEALTH_MONITOR_TYPE_RUNNING		(0)
#define XFS_HEALTH_MONITOR_TYPE_LOST		(1)
#define XFS_HEALTH_MONITOR_TYPE_UNMOUNT		(2)
#define XFS_HEALTH_MONITOR_TYPE_SICK		(3)
#define XFS_HEALTH_MONITOR_TYPE_CORRUPT		(4)
#define XFS_HEALTH_MONITOR_TYPE_HEALTHY		(5)
#define XFS_HEALTH_MONITOR_TYPE_SHUTDOWN	(6)
#define XFS_HEALTH_MONITOR_TYPE_MEDIA_ERROR	(7)
#define XFS_HEALTH_MONITOR_TYPE_BUFREAD		(8)
#define XFS_HEALTH_MONITOR_TYPE_BUFWRITE	(9)
#define XFS_HEALTH_MONITOR_TYPE_DIOREAD		(10)
#define XFS_HEALTH_MONITOR_TYPE_DIOWRITE	(11)
#define XFS_HEALTH_MONITOR_TYPE_DATALOST	(12)

struct xfs_health_monitor_lost {
	__u64	count;
};

struct xfs_health_monitor_fs {
	__u32	mask;
};

struct xfs_health_monitor_group {
	__u32	mask;
	__u32	gno;
};

struct xfs_health_monitor_inode {
	__u32	mask;
	__u32	gen;
	__u64	ino;
};

struct xfs_health_monitor_shutdown {
	__u32	reasons;
};

struct xfs_health_monitor_filerange {
	__u64	pos;
	__u64	len;
	__u64	ino;
	__u32	gen;
	__u32	error;
};

struct xfs_health_monitor_media {
	__u64	daddr;
	__u64	bbcount;
};

struct xfs_health_monitor_event {
	__u32	domain;
	__u32	type;
	__u64	time_ns;
	union {
		struct xfs_health_monitor_lost lost;
		struct xfs_health_monitor_fs fs;
		struct xfs_health_monitor_group group;
		struct xfs_health_monitor_inode inode;
		struct xfs_health_monitor_shutdown shutdown;
		struct xfs_health_monitor_media media;
		struct xfs_health_monitor_filerange filerange;
	} e;
	__u64	pad[2];
};

struct xfs_health_monitor {
	__u64	flags;
	__u8	format;
	__u8	pad[23];
};

#define XFS_HEALTH_MONITOR_VERBOSE	(1ULL << 0)
#define XFS_HEALTH_MONITOR_FMT_V0	(0)

/* Is a file on the filesystem this monitor watches?  (on the monitor fd) */
struct xfs_health_file_on_monitored_fs {
	__s32	fd;
	__u32	flags;
};

#define XFS_IOC_HEALTH_MONITOR	_IOW ('X', 68, struct xfs_health_monitor)
#define XFS_IOC_HEALTH_FD_ON_MONITORED_FS \
				_IOW ('X', 69, struct xfs_health_file_on_monitored_fs)
#endif /* XFS_IOC_HEALTH_MONITOR */

#ifndef XFS_IOC_VERIFY_MEDIA
struct xfs_verify_media {
	__u32	me_dev;
	__u32	me_flags;
	__u64	me_start_daddr;
	__u64	me_end_daddr;
	__u32	me_ioerror;
	__u32	me_max_io_size;
	__u32	me_rest_us;
	__u32	me_pad;
};

#define XFS_VERIFY_MEDIA_REPORT	(1 << 0)

/* me_dev (and fsmap's fmr_device on internal rt devices); 6.15+ has it */
#ifndef HAVE_XFS_ENUM_XFS_DEVICE
enum xfs_device {
	XFS_DEV_DATA	= 1,
	XFS_DEV_LOG	= 2,
	XFS_DEV_RT	= 3,
};
#endif

#define XFS_IOC_VERIFY_MEDIA	_IOWR('X', 70, struct xfs_verify_media)
#endif /* XFS_IOC_VERIFY_MEDIA */

_Static_assert(sizeof(struct xfs_health_monitor_event) == 64,
		"struct xfs_health_monitor_event is 64 bytes in the 7.x ABI");
_Static_assert(sizeof(struct xfs_health_monitor) == 32,
		"struct xfs_health_monitor is 32 bytes in the 7.x ABI");

int pmf_healthmon_open(int fsfd, bool verbose);
int pmf_healthmon_same_fs(int monfd, int fd);
const char *pmf_healthmon_type_name(uint32_t type);
const char *pmf_healthmon_domain_name(uint32_t domain);

#endif /* PMF_HEALTHMON_H */
