/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (c) 2026 The pmemfail authors.
 *
 * The online backend's state: a mounted filesystem asked through ioctls.
 */
#ifndef PMF_ONLINE_H
#define PMF_ONLINE_H

#include "pmf_priv.h"

struct pmf_online {
	int			fd;		/* the mount point */
	char			*mnt;		/* its canonical path */
	char			*dev_path[3];	/* from mountinfo */
	uint64_t		dev_size[3];	/* 0 if it cannot be opened */
	uint32_t		fmr_dev[3];	/* GETFSMAP's device numbers */
	uint32_t		inodelog;
	uint32_t		inopblog;	/* log2 of inodes per block */
	uint32_t		agblklog;
	struct xfs_handle	root;		/* its fsid starts every handle */
	struct xfs_sb		sb;		/* on disk, metadata inodes only */
};

/* pmf_online_map.c */
int pmf_online_walk(struct pmf_fs *fs, const struct xfs_failure_range *fr,
		struct pmf_sink *sink);

/* pmf_online_paths.c */
int pmf_online_readdir(struct pmf_fs *fs, uint64_t dir, pmf_dirent_fn fn,
		void *priv);
int pmf_online_pptr_list(struct pmf_fs *fs, uint64_t ino, uint32_t *gen,
		pmf_pptr_fn fn, void *priv);
int pmf_online_gen(struct pmf_fs *fs, uint64_t ino, uint32_t *gen,
		uint16_t *mode);
void pmf_online_handle(const struct pmf_fs *fs, uint64_t ino, uint32_t gen,
		struct xfs_handle *h);
int pmf_online_open_handle(const struct pmf_fs *fs, uint64_t ino,
		uint32_t gen, int oflags);

#endif /* PMF_ONLINE_H */
