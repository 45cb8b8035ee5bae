// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Copyright (c) 2026 The pmemfail authors.
 *
 * What the shared core needs to know besides the rmap records: what kind of
 * inode owns a data fork block, and which btree an OWN_AG block belongs to.
 * Both are looked up here, for every engine, and handed to the core, which
 * decides.  Where a lookup fails the core gets nothing and gives its
 * conservative answer, as the kernel's does when the media is gone.
 */
#include "pmf_priv.h"
#include "pmf_online.h"

/* Metadata inodes named by the superblock, and what they are. */
struct pmf_metafile {
	const char		*name;
	enum xfs_failure_itype	itype;
};

static bool
pmf_metafile(
	const struct pmf_fs	*fs,
	uint64_t		ino,
	struct pmf_metafile	*mf)
{
	bool			metadir;
	const struct xfs_sb	*sb = pmf_meta_sb(fs, &metadir);
	const struct {
		uint64_t		ino;
		struct pmf_metafile	mf;
	} tab[] = {
		{ sb ? sb->sb_rbmino : 0,  { "rtbitmap", XFS_FAILURE_ITYPE_RTBITMAP } },
		{ sb ? sb->sb_rsumino : 0, { "rtsummary", XFS_FAILURE_ITYPE_RTSUMMARY } },
		{ sb ? sb->sb_uquotino : 0, { "usrquota", XFS_FAILURE_ITYPE_QUOTA } },
		{ sb ? sb->sb_gquotino : 0, { "grpquota", XFS_FAILURE_ITYPE_QUOTA } },
		{ sb ? sb->sb_pquotino : 0, { "prjquota", XFS_FAILURE_ITYPE_QUOTA } },
		{ sb && metadir ? sb->sb_metadirino : 0,
				{ "metadir", XFS_FAILURE_ITYPE_METADIR } },
	};

	if (ino == NULLFSINO || ino == 0 || !sb)
		return false;
	for (size_t i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		if (tab[i].ino == ino) {
			*mf = tab[i].mf;
			return true;
		}
	}
	return false;
}

/* Metadata inodes have no path; name them instead. */
const char *
pmf_metafile_name(
	const struct pmf_fs	*fs,
	uint64_t		ino)
{
	struct pmf_metafile	mf;
	bool			metadir;

	if (pmf_metafile(fs, ino, &mf))
		return mf.name;
	/* The rtgroups' inodes live in the metadata directory tree. */
	if (pmf_meta_sb(fs, &metadir) && metadir)
		return pmf_metadir_name(fs, ino);
	return NULL;
}

static enum xfs_failure_itype
pmf_mode_itype(
	umode_t			mode)
{
	if (S_ISREG(mode))
		return XFS_FAILURE_ITYPE_REG;
	if (S_ISDIR(mode))
		return XFS_FAILURE_ITYPE_DIR;
	if (S_ISLNK(mode))
		return XFS_FAILURE_ITYPE_SYMLINK;
	return XFS_FAILURE_ITYPE_UNKNOWN;
}

/* The kind of inode @ino, read through libxfs (offline) or bulkstat. */
static enum xfs_failure_itype
pmf_read_itype(
	struct pmf_fs		*fs,
	uint64_t		ino)
{
	enum xfs_failure_itype	itype;
	struct xfs_inode	*ip;
	uint32_t		gen;
	uint16_t		mode;

	if (fs->online)
		return pmf_online_gen(fs, ino, &gen, &mode) ?
			XFS_FAILURE_ITYPE_UNKNOWN : pmf_mode_itype(mode);
	if (libxfs_iget(fs->mp, NULL, ino, 0, &ip))
		return XFS_FAILURE_ITYPE_UNKNOWN;
	if (xfs_is_metadir_inode(ip))
		itype = xfs_failure_metafile_itype(ip->i_metatype);
	else
		itype = pmf_mode_itype(VFS_I(ip)->i_mode);
	libxfs_irele(ip);
	return itype;
}

/* Tell the core what kind of inode owns @imp, if it asks. */
void
pmf_set_itype(
	struct pmf_fs			*fs,
	struct xfs_failure_impact	*imp)
{
	struct pmf_metafile		mf;

	if (!xfs_failure_wants_itype(imp))
		return;
	if (pmf_metafile(fs, imp->ino, &mf))
		xfs_failure_set_itype(imp, mf.itype);
	else
		xfs_failure_set_itype(imp, pmf_read_itype(fs, imp->ino));
}

/*
 * The btree of the OWN_AG block at @daddr, read uncached: the walk's
 * cursors hold cached buffers of the same btrees, and a block read only to
 * be told apart must not stay behind in the cache.
 */
static enum xfs_failure_owner
pmf_block_owner(
	struct pmf_fs		*fs,
	uint32_t		agno,
	uint64_t		daddr)
{
	struct xfs_mount	*mp = fs->mp;
	enum xfs_failure_owner	owner;
	struct xfs_buf		*bp;

	if (libxfs_buf_read_uncached(mp->m_ddev_targp, daddr,
			XFS_FSB_TO_BB(mp, 1), 0, &bp, NULL))
		return XFS_FOWN_UNKNOWN;
	owner = xfs_failure_btree_block_owner(bp->b_addr, daddr, agno);
	libxfs_buf_relse(bp);
	return owner;
}

/*
 * Offline, tell the core which btree an OWN_AG impact lost.  One impact
 * stays one row: it is narrowed only if all its blocks are of one btree
 * (the kernel marks each block on its own; the decision is the same).
 */
void
pmf_refine_ag_btree(
	struct pmf_fs			*fs,
	struct xfs_failure_impact	*imp)
{
	uint64_t			bpb, first, blk, end;
	enum xfs_failure_owner		owner = XFS_FOWN_UNKNOWN;

	if (imp->owner != XFS_FOWN_AG_BTREE || fs->online)
		return;
	bpb = XFS_FSB_TO_BB(fs->mp, 1);
	end = imp->daddr + imp->bbcount;
	first = imp->daddr - imp->daddr % bpb;
	for (blk = first; blk < end; blk += bpb) {
		enum xfs_failure_owner	o = pmf_block_owner(fs, imp->agno, blk);

		if (blk != first && o != owner)
			return;
		owner = o;
	}
	xfs_failure_refine_owner(imp, owner);
}
