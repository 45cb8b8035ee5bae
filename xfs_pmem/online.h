/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (c) 2026 The pmemfail authors.
 *
 * A mounted filesystem, for the commands that work on one (repair
 * --online, watch): its geometry and the impact records of a range.
 */
#ifndef XFS_PMEM_ONLINE_H
#define XFS_PMEM_ONLINE_H

#include <stdio.h>
#include <sys/types.h>
#include "xfs_pmem.h"

struct xfs_pmem_online {
	const char		*mnt;
	struct pmf_fs		*fs;		/* the library's online handle */
	int			fd;		/* its mount point fd, O_RDONLY */
	struct pmf_geometry	geo;
};

int xfs_pmem_online_open(const char *mnt, struct xfs_pmem_online *on);
void xfs_pmem_online_close(struct xfs_pmem_online *on);
int xfs_pmem_online_query(struct xfs_pmem_online *on,
		const struct pmf_range *range, unsigned int flags,
		pmf_impact_fn fn, void *priv);

/* repair_online.c */
int xfs_pmem_repair_online_range(struct xfs_pmem_online *on,
		const struct pmf_range *range, FILE *f);

#endif /* XFS_PMEM_ONLINE_H */
