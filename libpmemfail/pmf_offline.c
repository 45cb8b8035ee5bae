// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Copyright (c) 2026 The pmemfail authors.
 *
 * The offline backend: an unmounted filesystem read through libxfs.  A
 * failed range goes to the engine for its device (the rmap walk, the inode
 * scan when there is no rmap or the caller asks for it, the log's core
 * decision, the realtime walk); directories and parent pointers are read
 * from disk.  pmf_online.c is the same table answered by the kernel.
 */
#include "pmf_priv.h"

static int
pmf_offline_walk(
	struct pmf_fs			*fs,
	const struct xfs_failure_range	*fr,
	struct pmf_sink			*sink)
{
	struct xfs_failure_impact	imp;

	switch (fr->dev) {
	case XFS_FAILURE_DEV_DATA:
		if ((fs->qflags & PMF_QUERY_SCAN) || !xfs_has_rmapbt(fs->mp))
			return pmf_scan_walk(fs, fr, sink);
		return pmf_rmap_walk(fs, fr, sink);
	case XFS_FAILURE_DEV_LOG:
		if (!xfs_failure_log_impact(&fs->fgeo, fr,
				pmf_log_hints(fs, fr->daddr, fr->bbcount), &imp))
			return 0;
		return pmf_sink_add(sink, &imp);
	case XFS_FAILURE_DEV_RT:
		return pmf_rt_walk(fs, fr, sink);
	default:
		return pmf_seterr(fs, -EINVAL, "unknown device %d", fr->dev);
	}
}

/* A filesystem xfs_db attached stays mounted: it is the caller's. */
static void
pmf_offline_close(
	struct pmf_fs	*fs)
{
	if (fs->attached)
		return;
	pmf_rt_done(fs);
	libxfs_umount(fs->mp);
	libxfs_destroy(&fs->xi);
}

static const struct pmf_backend_ops pmf_offline_ops = {
	.walk		= pmf_offline_walk,
	.inode_kind	= pmf_offline_inode_kind,
	.readdir	= pmf_offline_readdir,
	.pptr_list	= pmf_pptr_list,
	.close		= pmf_offline_close,
};

/* Choose this backend for a filesystem mounted through libxfs as fs->mp. */
void
pmf_offline_setup(
	struct pmf_fs	*fs)
{
	fs->ops = &pmf_offline_ops;
	fs->rootino = fs->mp->m_sb.sb_rootino;
	fs->has_parent = xfs_has_parent(fs->mp);
	fs->metadir = xfs_has_metadir(fs->mp);
	fs->meta_sb = &fs->mp->m_sb;
}
