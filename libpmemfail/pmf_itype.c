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

/*
 * The name of a metadata inode the superblock names.  What kind of inode
 * it is, is the core's to say (xfs_failure_inode_itype()); only the names
 * for paths are kept here.
 */
static const char *
pmf_sb_metafile_name(
	const struct pmf_fs	*fs,
	uint64_t		ino)
{
	const struct xfs_sb	*sb = fs->meta_sb;
	const struct {
		uint64_t	ino;
		const char	*name;
	} tab[] = {
		{ sb ? sb->sb_rbmino : 0,	"rtbitmap" },
		{ sb ? sb->sb_rsumino : 0,	"rtsummary" },
		{ sb ? sb->sb_uquotino : 0,	"usrquota" },
		{ sb ? sb->sb_gquotino : 0,	"grpquota" },
		{ sb ? sb->sb_pquotino : 0,	"prjquota" },
		{ sb && fs->metadir ? sb->sb_metadirino : 0, "metadir" },
	};

	if (ino == NULLFSINO || ino == 0 || !sb)
		return NULL;
	for (size_t i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
		if (tab[i].ino == ino)
			return tab[i].name;
	return NULL;
}

/* Metadata inodes have no path; name them instead. */
const char *
pmf_metafile_name(
	const struct pmf_fs	*fs,
	uint64_t		ino)
{
	const char		*name = pmf_sb_metafile_name(fs, ino);

	if (name)
		return name;
	/* The rtgroups' inodes live in the metadata directory tree. */
	if (fs->meta_sb && fs->metadir)
		return pmf_metadir_name(fs, ino);
	return NULL;
}

static struct pmf_kind *
pmf_kind_slot(
	struct pmf_fs		*fs,
	uint64_t		ino)
{
	return &fs->kinds[(ino * 0x9E3779B97F4A7C15ULL >> 32) %
			  PMF_KIND_CACHE];
}

/* Keep the kind of an inode just read, for the core's question about it. */
void
pmf_kind_remember(
	struct pmf_fs		*fs,
	uint64_t		ino,
	uint16_t		mode,
	bool			metafile,
	enum xfs_metafile_type	metatype)
{
	struct pmf_kind		*k;

	if (!fs->kinds) {
		fs->kinds = calloc(PMF_KIND_CACHE, sizeof(*fs->kinds));
		if (!fs->kinds)
			return;		/* only slower */
	}
	k = pmf_kind_slot(fs, ino);
	k->ino = ino;
	k->gen = fs->kind_gen;
	k->mode = mode;
	k->metafile = metafile;
	k->metatype = metatype;
}

/*
 * A query may follow a repair that changed inodes: start afresh.  A list
 * of bad blocks runs a query per range, so the old kinds are not wiped,
 * only made stale.
 */
void
pmf_kind_forget(
	struct pmf_fs		*fs)
{
	fs->kind_gen++;
}

/*
 * Where inode @ino lives, as xfs_imap() finds it on a filesystem whose
 * chunks are aligned (every v5 one): no inode btree lookup.  False if the
 * chunks are not aligned or the number is out of the filesystem.
 */
static bool
pmf_dinode_imap(
	struct xfs_mount	*mp,
	uint64_t		ino,
	struct xfs_imap		*imap)
{
	struct xfs_ino_geometry	*igeo = M_IGEO(mp);
	xfs_agnumber_t		agno = XFS_INO_TO_AGNO(mp, ino);
	xfs_agblock_t		agbno = XFS_AGINO_TO_AGBNO(mp,
					XFS_INO_TO_AGINO(mp, ino));
	xfs_agblock_t		chunk, cluster;
	unsigned int		offset;

	if (!igeo->inoalign_mask || agno >= mp->m_sb.sb_agcount ||
	    agbno >= mp->m_sb.sb_agblocks || !libxfs_verify_ino(mp, ino))
		return false;
	chunk = agbno & ~igeo->inoalign_mask;
	cluster = chunk + ((agbno - chunk) / igeo->blocks_per_cluster) *
			igeo->blocks_per_cluster;
	offset = (agbno - cluster) * mp->m_sb.sb_inopblock +
		 XFS_INO_TO_OFFSET(mp, ino);
	imap->im_blkno = XFS_AGB_TO_DADDR(mp, agno, cluster);
	imap->im_len = XFS_FSB_TO_BB(mp, igeo->blocks_per_cluster);
	imap->im_boffset = offset << mp->m_sb.sb_inodelog;
	return true;
}

/*
 * The on-disk inode @ino of an ordinary file or directory, in its checked
 * buffer (*@bpp, to release), without building an incore inode: a whole
 * device's report reads every file, and the incore inode (forks, extent
 * tree) would be most of its cost.  -EAGAIN: not such an inode, or not
 * found this way; read it the long way (libxfs_iget()).
 */
int
pmf_dinode_read(
	struct pmf_fs		*fs,
	uint64_t		ino,
	struct xfs_buf		**bpp,
	struct xfs_dinode	**dipp)
{
	struct xfs_mount	*mp = fs->mp;
	struct xfs_imap		imap;
	struct xfs_dinode	*dip;

	if (!xfs_has_v3inodes(mp) || !pmf_dinode_imap(mp, ino, &imap))
		return -EAGAIN;
	if (libxfs_imap_to_bp(mp, NULL, &imap, bpp))
		return -EAGAIN;
	dip = xfs_buf_offset(*bpp, imap.im_boffset);
	/* The same checks, checksum first, that reading the inode makes. */
	if (libxfs_dinode_verify(mp, ino, dip) || !dip->di_mode ||
	    (be64_to_cpu(dip->di_flags2) & XFS_DIFLAG2_METADATA)) {
		libxfs_buf_relse(*bpp);
		return -EAGAIN;
	}
	*dipp = dip;
	return 0;
}

/* Offline: the inode read through libxfs, unless it was just read. */
int
pmf_offline_inode_kind(
	struct pmf_fs			*fs,
	uint64_t			ino,
	uint16_t			*mode,
	bool				*metafile,
	enum xfs_metafile_type		*metatype)
{
	const struct pmf_kind		*k;
	struct xfs_inode		*ip;
	struct xfs_dinode		*dip;
	struct xfs_buf			*bp;
	int				error;

	k = fs->kinds ? pmf_kind_slot(fs, ino) : NULL;
	if (k && k->ino == ino && k->gen == fs->kind_gen) {
		*mode = k->mode;
		*metafile = k->metafile;
		*metatype = k->metatype;
		return 0;
	}
	if (!pmf_dinode_read(fs, ino, &bp, &dip)) {
		*mode = be16_to_cpu(dip->di_mode);
		*metafile = false;
		*metatype = XFS_METAFILE_UNKNOWN;
		libxfs_buf_relse(bp);
		return 0;
	}
	error = libxfs_iget(fs->mp, NULL, ino, 0, &ip);
	if (error)
		return error;
	*mode = VFS_I(ip)->i_mode;
	*metafile = xfs_is_metadir_inode(ip);
	*metatype = ip->i_metatype;
	libxfs_irele(ip);
	return 0;
}

/*
 * Tell the core what kind of inode owns @imp, if it asks: from the inode
 * (the backend's inode_kind) and the superblock.  An inode that cannot be
 * read is passed on as mode 0; the core still knows the metadata inodes
 * the superblock names, and gives its conservative answer for the rest.
 * Online, bulkstat shows no metadata directory tree inode, and the
 * superblock copy may be missing.
 */
void
pmf_set_itype(
	struct pmf_fs			*fs,
	struct xfs_failure_impact	*imp)
{
	enum xfs_metafile_type		metatype = XFS_METAFILE_UNKNOWN;
	bool				metafile = false;
	uint16_t			mode = 0;

	if (!xfs_failure_wants_itype(imp))
		return;
	if (fs->ops->inode_kind(fs, imp->ino, &mode, &metafile, &metatype)) {
		mode = 0;
		metafile = false;
		metatype = XFS_METAFILE_UNKNOWN;
	}
	xfs_failure_set_itype(imp, xfs_failure_inode_itype(fs->meta_sb,
			imp->ino, mode, metafile, metatype));
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
 * Offline (the rmap walk), tell the core which btree an OWN_AG impact
 * lost.  One impact
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

	if (imp->owner != XFS_FOWN_AG_BTREE)
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
