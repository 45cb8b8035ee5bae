// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Copyright (c) 2026 The pmemfail authors.
 *
 * The inventory: every name of the directory tree, walked from the root as
 * far as it reads, with each inode's generation and link count.  It needs
 * none of the metadata a failure may have taken (no inobt, no rmapbt): a
 * directory names its entries, and an inode number says where the inode
 * is.  So it can be taken on a damaged filesystem before xfs_repair
 * rebuilds it, and the two trees compared afterwards (pmf_account.c).
 */
#include "pmf_priv.h"

struct pmf_inv_walk {
	struct pmf_fs		*fs;
	struct pmf_inv		*inv;
	const struct pmf_range	*ranges;
	size_t			nranges;
	size_t			dir;		/* index of the directory read */
};

int
pmf_inv_add(
	struct pmf_inv			*inv,
	const struct pmf_inv_entry	*e)
{
	int				error;

	error = pmf_grow((void **)&inv->v, &inv->cap, inv->nr + 1,
			sizeof(*inv->v));
	if (error)
		return error;
	inv->v[inv->nr] = *e;
	inv->v[inv->nr].path = strdup(e->path);
	if (!inv->v[inv->nr].path)
		return -ENOMEM;
	inv->nr++;
	return 0;
}

void
pmf_inv_free(
	struct pmf_inv		*inv)
{
	for (size_t i = 0; i < inv->nr; i++)
		free(inv->v[i].path);
	free(inv->v);
	memset(inv, 0, sizeof(*inv));
}

/* Does the inode @ino itself lie in one of the failed data ranges? */
static bool
pmf_inv_in_range(
	struct pmf_inv_walk	*iw,
	uint64_t		ino)
{
	struct xfs_mount	*mp = iw->fs->mp;
	uint64_t		start;

	start = BBTOB(XFS_FSB_TO_DADDR(mp, XFS_INO_TO_FSB(mp, ino))) +
		((uint64_t)XFS_INO_TO_OFFSET(mp, ino) << mp->m_sb.sb_inodelog);
	for (size_t i = 0; i < iw->nranges; i++) {
		const struct pmf_range *r = &iw->ranges[i];

		if (r->dev == PMF_DEV_DATA && start < r->offset + r->length &&
		    start + mp->m_sb.sb_inodesize > r->offset)
			return true;
	}
	return false;
}

/* Fill in what the inode says of itself: generation, links, readable. */
static void
pmf_inv_stat(
	struct pmf_inv_walk	*iw,
	struct pmf_inv_entry	*e)
{
	struct xfs_inode	*ip;

	if (pmf_inv_in_range(iw, e->ino))
		e->flags |= PMF_INV_IN_RANGE;
	if (libxfs_iget(iw->fs->mp, NULL, e->ino, 0, &ip)) {
		e->flags |= PMF_INV_UNREAD;
		return;
	}
	e->gen = VFS_I(ip)->i_generation;
	e->nlink = VFS_I(ip)->i_nlink;
	libxfs_irele(ip);
}

static int
pmf_inv_dirent(
	void			*priv,
	uint64_t		ino,
	const char		*name,
	size_t			namelen,
	bool			isdir)
{
	struct pmf_inv_walk	*iw = priv;
	const struct pmf_inv_entry *dir = &iw->inv->v[iw->dir];
	struct pmf_inv_entry	e = {
		.ino	= ino,
		.parent	= dir->ino,
		.flags	= isdir ? PMF_INV_DIR : 0,
	};
	bool			root = dir->path[1] == '\0';
	int			error;

	if (asprintf(&e.path, "%s/%.*s", root ? "" : dir->path, (int)namelen,
			name) < 0)
		return -ENOMEM;
	pmf_inv_stat(iw, &e);
	error = pmf_inv_add(iw->inv, &e);
	free(e.path);
	return error;
}

/*
 * Inodes in use that a directory names, per the superblock: all but the
 * metadata inodes.  0 (unknown) with a metadata directory tree, whose
 * inodes the superblock does not list.
 */
static uint64_t
pmf_inv_inuse(
	struct xfs_mount	*mp)
{
	const struct xfs_sb	*sb = &mp->m_sb;
	const xfs_ino_t		meta[] = {
		sb->sb_rbmino, sb->sb_rsumino, sb->sb_uquotino,
		sb->sb_gquotino, sb->sb_pquotino,
	};
	uint64_t		n;

	if (xfs_has_metadir(mp) || sb->sb_ifree > sb->sb_icount)
		return 0;
	n = sb->sb_icount - sb->sb_ifree;
	for (size_t i = 0; i < sizeof(meta) / sizeof(meta[0]); i++)
		if (meta[i] != NULLFSINO && meta[i] != 0 && n > 0)
			n--;
	return n;
}

/*
 * Breadth-first from the root; the entry list is the queue.  A directory
 * that does not read is marked and its names are what the inventory lacks.
 */
int
pmf_inventory_take(
	struct pmf_fs		*fs,
	const struct pmf_range	*ranges,
	size_t			nranges,
	struct pmf_inv		*inv)
{
	struct pmf_inv_walk	iw = {
		.fs = fs, .inv = inv, .ranges = ranges, .nranges = nranges,
	};
	struct pmf_inv_entry	root = {
		.ino	= fs->rootino,
		.parent	= fs->rootino,
		.path	= "/",
		.flags	= PMF_INV_DIR,
	};
	size_t			nread = 0;
	int			error;

	if (!fs->mp)
		return pmf_seterr(fs, -EOPNOTSUPP,
				"the inventory reads an unmounted filesystem");
	inv->inuse = pmf_inv_inuse(fs->mp);
	pmf_inv_stat(&iw, &root);
	error = pmf_inv_add(inv, &root);
	for (size_t i = 0; !error && i < inv->nr; i++) {
		if ((inv->v[i].flags & (PMF_INV_DIR | PMF_INV_UNREAD)) !=
		    PMF_INV_DIR)
			continue;
		/* A directory linked twice is corrupt: don't loop on it. */
		if (i > 0 && inv->v[i].ino == fs->rootino)
			continue;
		if (++nread > fs->geo.icount + 1)
			return pmf_seterr(fs, -EFSCORRUPTED,
				"directory tree has more directories than inodes (cycle?)");
		iw.dir = i;
		error = fs->ops->readdir(fs, inv->v[i].ino, pmf_inv_dirent, &iw);
		/* What was read of it stays: the rest is what it lacks. */
		if (error && error != -ENOMEM) {
			inv->v[i].flags |= PMF_INV_UNREAD;
			error = 0;
		}
	}
	return error;
}
