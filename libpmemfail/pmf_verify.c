// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Copyright (c) 2026 The pmemfail authors.
 *
 * After an event: read back what a prediction says was hit and check it.
 * Metadata goes through libxfs's own CRC and structure checks -- the
 * verify_struct half of each buffer's verifier, which returns where it
 * failed instead of printing -- and file data, which has no checksum, is
 * only read, to find I/O errors.  Nothing is written and nothing is cached:
 * every block is read uncached, as it is on the device now.
 */
#include "pmf_priv.h"

#define PMF_NOCRC	(~0UL)

/* How one kind of metadata block is checked. */
struct pmf_vkind {
	const struct xfs_buf_ops	*ops;
	unsigned long			crc_off;
};

static const struct pmf_vkind pmf_v_bnobt = { &xfs_bnobt_buf_ops, XFS_BTREE_SBLOCK_CRC_OFF };
static const struct pmf_vkind pmf_v_cntbt = { &xfs_cntbt_buf_ops, XFS_BTREE_SBLOCK_CRC_OFF };
static const struct pmf_vkind pmf_v_rmapbt = { &xfs_rmapbt_buf_ops, XFS_BTREE_SBLOCK_CRC_OFF };
static const struct pmf_vkind pmf_v_inobt = { &xfs_inobt_buf_ops, XFS_BTREE_SBLOCK_CRC_OFF };
static const struct pmf_vkind pmf_v_finobt = { &xfs_finobt_buf_ops, XFS_BTREE_SBLOCK_CRC_OFF };
static const struct pmf_vkind pmf_v_refcbt = { &xfs_refcountbt_buf_ops, XFS_BTREE_SBLOCK_CRC_OFF };
static const struct pmf_vkind pmf_v_bmbt = { &xfs_bmbt_buf_ops, XFS_BTREE_LBLOCK_CRC_OFF };
static const struct pmf_vkind pmf_v_agf = { &xfs_agf_buf_ops, XFS_AGF_CRC_OFF };
static const struct pmf_vkind pmf_v_agi = { &xfs_agi_buf_ops, XFS_AGI_CRC_OFF };
static const struct pmf_vkind pmf_v_agfl = { &xfs_agfl_buf_ops, XFS_AGFL_CRC_OFF };
static const struct pmf_vkind pmf_v_attr_leaf = { &xfs_attr3_leaf_buf_ops, XFS_ATTR3_LEAF_CRC_OFF };
static const struct pmf_vkind pmf_v_da_node = { &xfs_da3_node_buf_ops, XFS_DA3_NODE_CRC_OFF };
static const struct pmf_vkind pmf_v_attr_rmt = { &xfs_attr3_rmt_buf_ops, XFS_ATTR3_RMT_CRC_OFF };
static const struct pmf_vkind pmf_v_symlink = { &xfs_symlink_buf_ops, XFS_SYMLINK_CRC_OFF };
static const struct pmf_vkind pmf_v_dir_block = { &xfs_dir3_block_buf_ops, XFS_DIR3_DATA_CRC_OFF };
static const struct pmf_vkind pmf_v_dir_data = { &xfs_dir3_data_buf_ops, XFS_DIR3_DATA_CRC_OFF };
static const struct pmf_vkind pmf_v_dir_leaf1 = { &xfs_dir3_leaf1_buf_ops, XFS_DIR3_LEAF_CRC_OFF };
static const struct pmf_vkind pmf_v_dir_leafn = { &xfs_dir3_leafn_buf_ops, XFS_DIR3_LEAF_CRC_OFF };
static const struct pmf_vkind pmf_v_dir_free = { &xfs_dir3_free_buf_ops, XFS_DIR3_FREE_CRC_OFF };

/* Keep the worst of two results, with the detail that explains it. */
static void
pmf_check_merge(
	struct pmf_check_result		*res,
	const struct pmf_check_result	*one)
{
	/* The first block's detail stands until a worse one comes. */
	if (one->check > res->check || res->blocks == 0) {
		res->check = one->check;
		memcpy(res->detail, one->detail, sizeof(res->detail));
	}
	if (one->check >= PMF_CHECK_CORRUPT)
		res->bad_blocks++;
	res->blocks++;
}

static void
pmf_check_set(
	struct pmf_check_result	*res,
	enum pmf_check		check,
	const char		*fmt,
	...)
{
	va_list			ap;

	res->check = check;
	va_start(ap, fmt);
	vsnprintf(res->detail, sizeof(res->detail), fmt, ap);
	va_end(ap);
}

static int
pmf_read_block(
	struct xfs_buftarg	*btp,
	xfs_daddr_t		daddr,
	size_t			bblen,
	struct xfs_buf		**bpp,
	struct pmf_check_result	*res)
{
	int			error;

	error = libxfs_buf_read_uncached(btp, daddr, bblen, 0, bpp, NULL);
	if (error) {
		pmf_check_set(res, PMF_CHECK_UNREADABLE,
				"read error at daddr 0x%llx: %s",
				(unsigned long long)daddr, strerror(-error));
		return error;
	}
	return 0;
}

/* CRC, then structure, of a block read as it is on the device. */
static void
pmf_check_kind(
	struct pmf_fs			*fs,
	struct xfs_buf			*bp,
	xfs_agnumber_t			agno,
	const struct pmf_vkind		*kind,
	struct pmf_check_result		*res)
{
	struct xfs_mount		*mp = fs->mp;
	xfs_failaddr_t			fa;

	if (xfs_has_crc(mp) && kind->crc_off != PMF_NOCRC &&
	    !xfs_buf_verify_cksum(bp, kind->crc_off)) {
		pmf_check_set(res, PMF_CHECK_CORRUPT,
				"%s block at daddr 0x%llx: CRC mismatch",
				kind->ops->name,
				(unsigned long long)xfs_buf_daddr(bp));
		return;
	}
	/* Sibling and owner checks look at the AG the block is in. */
	bp->b_ops = kind->ops;
	bp->b_pag = agno != NULLAGNUMBER ? libxfs_perag_get(mp, agno) : NULL;
	fa = kind->ops->verify_struct(bp);
	if (bp->b_pag)
		libxfs_perag_put(bp->b_pag);
	bp->b_pag = NULL;
	bp->b_ops = NULL;
	if (fa)
		pmf_check_set(res, PMF_CHECK_CORRUPT,
				"%s block at daddr 0x%llx fails its structure check",
				kind->ops->name,
				(unsigned long long)xfs_buf_daddr(bp));
	else
		pmf_check_set(res, PMF_CHECK_INTACT, "%s block passes its checks",
				kind->ops->name);
}

/* Which checks fit a block, by the magic number it carries? */
static const struct pmf_vkind *
pmf_sniff(
	const void	*blk)
{
	uint32_t	m32 = get_unaligned_be32(blk);
	uint16_t	m16 = get_unaligned_be16((const char *)blk + 8);

	switch (m32) {
	case XFS_ABTB_CRC_MAGIC: return &pmf_v_bnobt;
	case XFS_ABTC_CRC_MAGIC: return &pmf_v_cntbt;
	case XFS_RMAP_CRC_MAGIC: return &pmf_v_rmapbt;
	case XFS_IBT_CRC_MAGIC:	 return &pmf_v_inobt;
	case XFS_FIBT_CRC_MAGIC: return &pmf_v_finobt;
	case XFS_REFC_CRC_MAGIC: return &pmf_v_refcbt;
	case XFS_BMAP_CRC_MAGIC: return &pmf_v_bmbt;
	case XFS_ATTR3_RMT_MAGIC: return &pmf_v_attr_rmt;
	case XFS_SYMLINK_MAGIC:	 return &pmf_v_symlink;
	case XFS_DIR3_BLOCK_MAGIC: return &pmf_v_dir_block;
	case XFS_DIR3_DATA_MAGIC: return &pmf_v_dir_data;
	case XFS_DIR3_FREE_MAGIC: return &pmf_v_dir_free;
	}
	switch (m16) {
	case XFS_ATTR3_LEAF_MAGIC: return &pmf_v_attr_leaf;
	case XFS_DA3_NODE_MAGIC: return &pmf_v_da_node;
	case XFS_DIR3_LEAF1_MAGIC: return &pmf_v_dir_leaf1;
	case XFS_DIR3_LEAFN_MAGIC: return &pmf_v_dir_leafn;
	}
	return NULL;
}

/* The inodes of one block of an inode chunk: magic, CRC, structure. */
static void
pmf_check_inode_block(
	struct pmf_fs			*fs,
	struct xfs_buf			*bp,
	xfs_agnumber_t			agno,
	struct pmf_check_result		*res)
{
	struct xfs_mount		*mp = fs->mp;
	xfs_agblock_t			agbno;
	unsigned int			n = mp->m_sb.sb_inopblock;

	agbno = xfs_daddr_to_agbno(mp, xfs_buf_daddr(bp));
	for (unsigned int i = 0; i < n; i++) {
		struct xfs_dinode	*dip = xfs_buf_offset(bp,
						i << mp->m_sb.sb_inodelog);
		xfs_ino_t		ino = XFS_AGINO_TO_INO(mp, agno,
						XFS_AGB_TO_AGINO(mp, agbno) + i);

		if (be16_to_cpu(dip->di_magic) != XFS_DINODE_MAGIC ||
		    !xfs_dinode_good_version(mp, dip->di_version)) {
			pmf_check_set(res, PMF_CHECK_CORRUPT,
					"inode %llu: bad magic or version",
					(unsigned long long)ino);
			return;
		}
		if (xfs_has_crc(mp) && !xfs_verify_cksum((char *)dip,
				mp->m_sb.sb_inodesize, XFS_DINODE_CRC_OFF)) {
			pmf_check_set(res, PMF_CHECK_CORRUPT,
					"inode %llu: CRC mismatch",
					(unsigned long long)ino);
			return;
		}
		if (libxfs_dinode_verify(mp, ino, dip)) {
			pmf_check_set(res, PMF_CHECK_CORRUPT,
					"inode %llu fails its structure check",
					(unsigned long long)ino);
			return;
		}
	}
	pmf_check_set(res, PMF_CHECK_INTACT, "%u inodes pass their checks", n);
}

/* One AG header sector: which one is it, and does it hold up? */
static void
pmf_check_header(
	struct pmf_fs			*fs,
	xfs_agnumber_t			agno,
	unsigned int			which,
	struct pmf_check_result		*res)
{
	static const struct pmf_vkind	*kinds[] = {
		NULL, &pmf_v_agf, &pmf_v_agi, &pmf_v_agfl,
	};
	struct xfs_mount		*mp = fs->mp;
	xfs_daddr_t			daddr = XFS_AG_DADDR(mp, agno,
						XFS_SB_DADDR) +
						which * XFS_FSS_TO_BB(mp, 1);
	struct xfs_buf			*bp;

	if (pmf_read_block(mp->m_ddev_targp, daddr, XFS_FSS_TO_BB(mp, 1),
			&bp, res))
		return;
	if (which > 0) {
		pmf_check_kind(fs, bp, agno, kinds[which], res);
	} else if (be32_to_cpu(((struct xfs_dsb *)bp->b_addr)->sb_magicnum) !=
		   XFS_SB_MAGIC) {
		pmf_check_set(res, PMF_CHECK_CORRUPT,
				"superblock of AG %u: bad magic", agno);
	} else if (xfs_has_crc(mp) && !xfs_buf_verify_cksum(bp, XFS_SB_CRC_OFF)) {
		pmf_check_set(res, PMF_CHECK_CORRUPT,
				"superblock of AG %u: CRC mismatch", agno);
	} else {
		pmf_check_set(res, PMF_CHECK_INTACT,
				"superblock of AG %u passes its checks", agno);
	}
	libxfs_buf_relse(bp);
}

static void
pmf_check_headers(
	struct pmf_fs			*fs,
	xfs_agnumber_t			agno,
	unsigned int			headers,
	struct pmf_check_result		*res)
{
	for (unsigned int i = 0; i < 4; i++) {
		struct pmf_check_result	one = { 0 };

		if (!(headers & (1U << i)))
			continue;
		pmf_check_header(fs, agno, i, &one);
		pmf_check_merge(res, &one);
	}
}

/*
 * A part the prediction could not resolve: the metadata that should have
 * said what it held is damaged.  The AG headers are the usual culprits;
 * otherwise the engine's own reason stands.
 */
static void
pmf_check_unresolved(
	struct pmf_fs			*fs,
	const struct pmf_impact		*imp,
	struct pmf_check_result		*res)
{
	if (imp->dev == PMF_DEV_DATA)
		pmf_check_headers(fs, imp->agno, PMF_HDR_SB | PMF_HDR_AGF |
				PMF_HDR_AGI | PMF_HDR_AGFL, res);
	if (res->check < PMF_CHECK_CORRUPT)
		pmf_check_set(res, PMF_CHECK_CORRUPT, "%s",
				imp->unresolved ? imp->unresolved :
				"metadata could not be read");
}

static int
pmf_agfl_find(
	struct xfs_mount	*mp,
	xfs_agblock_t		bno,
	void			*priv)
{
	return bno == *(xfs_agblock_t *)priv ? -EEXIST : 0;
}

/*
 * The rmapbt gives the AGFL's spare blocks to the AG btrees, so a block of
 * an ag-btree record may be a spare: nothing lives in it, whatever it holds.
 * mkfs does not zero the spares, so one may still carry a btree block of an
 * older filesystem on the device, which fails the structure checks.
 */
static bool
pmf_on_agfl(
	struct pmf_fs		*fs,
	xfs_agnumber_t		agno,
	xfs_daddr_t		daddr)
{
	struct xfs_mount	*mp = fs->mp;
	xfs_agblock_t		agbno = xfs_daddr_to_agbno(mp, daddr);
	struct xfs_perag	*pag = libxfs_perag_get(mp, agno);
	struct xfs_buf		*agfbp, *agflbp;
	bool			found = false;

	if (!pag)
		return false;
	if (!libxfs_alloc_read_agf(pag, NULL, 0, &agfbp)) {
		if (!xfs_alloc_read_agfl(pag, NULL, &agflbp)) {
			found = libxfs_agfl_walk(mp, agfbp->b_addr, agflbp,
					pmf_agfl_find, &agbno) == -EEXIST;
			libxfs_buf_relse(agflbp);
		}
		libxfs_buf_relse(agfbp);
	}
	libxfs_perag_put(pag);
	return found;
}

/* Check one filesystem block of an impact. */
static void
pmf_check_one(
	struct pmf_fs			*fs,
	const struct pmf_impact		*imp,
	struct xfs_buftarg		*btp,
	xfs_daddr_t			daddr,
	bool				metadata,
	struct pmf_check_result		*res)
{
	struct xfs_mount		*mp = fs->mp;
	const struct pmf_vkind		*kind;
	struct xfs_buf			*bp;

	if (pmf_read_block(btp, daddr, XFS_FSB_TO_BB(mp, 1), &bp, res))
		return;
	if (!metadata) {
		pmf_check_set(res, PMF_CHECK_READABLE,
				"read back; file data has no checksum");
	} else if (imp->owner == PMF_OWN_INODES) {
		pmf_check_inode_block(fs, bp, imp->agno, res);
	} else if (imp->owner == PMF_OWN_AG_BTREE && imp->dev == PMF_DEV_DATA &&
		   pmf_on_agfl(fs, imp->agno, daddr)) {
		pmf_check_set(res, PMF_CHECK_NONE,
				"spare block on the AGFL: nothing lives there");
	} else if (!(kind = pmf_sniff(bp->b_addr))) {
		pmf_check_set(res, PMF_CHECK_CORRUPT,
				"block at daddr 0x%llx has no metadata magic",
				(unsigned long long)daddr);
	} else {
		pmf_check_kind(fs, bp, imp->dev == PMF_DEV_DATA ?
				imp->agno : NULLAGNUMBER, kind, res);
	}
	libxfs_buf_relse(bp);
}

/* Are the blocks of this impact metadata that a verifier can check? */
static int
pmf_check_classify(
	struct pmf_fs			*fs,
	const struct pmf_impact		*imp,
	bool				*metadata,
	bool				*dir,
	struct pmf_check_result		*res)
{
	enum xfs_metafile_type		metatype;
	bool				metafile;
	uint16_t			mode;
	int				error;

	*metadata = true;
	*dir = false;
	switch (imp->owner) {
	case PMF_OWN_FREE:
		pmf_check_set(res, PMF_CHECK_NONE, "free space: nothing lived there");
		return 1;
	case PMF_OWN_COW:
		pmf_check_set(res, PMF_CHECK_NONE, "CoW staging: reaped at mount");
		return 1;
	case PMF_OWN_LOG:
		pmf_check_set(res, PMF_CHECK_UNCHECKED,
				"log: checked by log recovery or xfs_logprint");
		return 1;
	case PMF_OWN_UNKNOWN:
		pmf_check_set(res, PMF_CHECK_UNCHECKED, "unknown owner");
		return 1;
	case PMF_OWN_DATA:
		if (imp->metafile || !xfs_has_crc(fs->mp)) {
			*metadata = false;
			return 0;
		}
		/* A directory's or symlink's data fork blocks are metadata. */
		error = pmf_offline_inode_kind(fs, imp->ino, &mode, &metafile,
				&metatype);
		if (error) {
			pmf_check_set(res, PMF_CHECK_CORRUPT,
					"inode %llu cannot be read: %s",
					(unsigned long long)imp->ino,
					strerror(-error));
			return 1;
		}
		*metadata = S_ISDIR(mode) || S_ISLNK(mode);
		*dir = S_ISDIR(mode);
		return 0;
	case PMF_OWN_ATTR:
	case PMF_OWN_BMBT:
	case PMF_OWN_ATTR_BMBT:
	case PMF_OWN_INODES:
	case PMF_OWN_AG_BTREE:
	case PMF_OWN_BNOBT:
	case PMF_OWN_CNTBT:
	case PMF_OWN_RMAPBT:
	case PMF_OWN_INOBT:
	case PMF_OWN_FINOBT:
	case PMF_OWN_REFCOUNTBT:
		/* Without CRCs only a block's magic could say anything. */
		if (!xfs_has_crc(fs->mp)) {
			pmf_check_set(res, PMF_CHECK_UNCHECKED,
					"no metadata CRCs on this filesystem");
			return 1;
		}
		return 0;
	default:
		pmf_check_set(res, PMF_CHECK_UNCHECKED, "not checked");
		return 1;
	}
}

/*
 * A directory block can be several filesystem blocks (mkfs -n size), and
 * need not be contiguous on the device: read each one whole, mapped
 * through the directory's own extents as the kernel reads it, or its
 * checks would run off the end of one filesystem block (and every block
 * but its first would look like a block without a magic).
 */
static void
pmf_check_dir_blocks(
	struct pmf_fs			*fs,
	const struct pmf_impact		*imp,
	struct pmf_check_result		*res)
{
	struct xfs_mount		*mp = fs->mp;
	struct xfs_da_geometry		*geo = mp->m_dir_geo;
	xfs_fileoff_t			off = XFS_B_TO_FSBT(mp, imp->offset);
	xfs_fileoff_t			end;
	struct xfs_inode		*dp;
	int				error;

	end = XFS_B_TO_FSB(mp, imp->offset + imp->length);
	error = libxfs_iget(mp, NULL, imp->ino, 0, &dp);
	if (error) {
		pmf_check_set(res, PMF_CHECK_CORRUPT,
				"directory inode %llu cannot be read: %s",
				(unsigned long long)imp->ino, strerror(-error));
		return;
	}
	for (xfs_fileoff_t b = rounddown_64(off, geo->fsbcount); b < end;
	     b += geo->fsbcount) {
		struct pmf_check_result	one = { 0 };
		const struct pmf_vkind	*kind;
		struct xfs_buf		*bp;

		error = libxfs_da_read_buf(NULL, dp, b, XFS_DABUF_MAP_HOLE_OK,
				&bp, XFS_DATA_FORK, NULL);
		if (error) {
			pmf_check_set(&one, PMF_CHECK_CORRUPT,
					"directory block %llu of inode %llu cannot be read: %s",
					(unsigned long long)b,
					(unsigned long long)imp->ino,
					strerror(-error));
		} else if (!bp) {
			/* The rmapbt maps it, so a hole here is a lie somewhere. */
			pmf_check_set(&one, PMF_CHECK_CORRUPT,
					"directory block %llu of inode %llu is not mapped whole (%u blocks)",
					(unsigned long long)b,
					(unsigned long long)imp->ino,
					geo->fsbcount);
		} else {
			kind = pmf_sniff(bp->b_addr);
			if (kind)
				pmf_check_kind(fs, bp, imp->agno, kind, &one);
			else
				pmf_check_set(&one, PMF_CHECK_CORRUPT,
						"block at daddr 0x%llx has no metadata magic",
						(unsigned long long)xfs_buf_daddr(bp));
			libxfs_buf_relse(bp);
		}
		pmf_check_merge(res, &one);
	}
	libxfs_irele(dp);
}

int
pmf_check_impact(
	struct pmf_fs			*fs,
	const struct pmf_impact		*imp,
	struct pmf_check_result		*res)
{
	struct xfs_mount		*mp = fs->mp;
	struct xfs_buftarg		*btp;
	xfs_daddr_t			first, last;
	bool				metadata, dir;

	memset(res, 0, sizeof(*res));
	if (!fs->mp)		/* checks read the devices through libxfs */
		return pmf_seterr(fs, -EOPNOTSUPP,
				"checking blocks needs the unmounted devices");
	if (imp->owner == PMF_OWN_AG_HEADERS && imp->dev == PMF_DEV_DATA) {
		pmf_check_headers(fs, imp->agno, imp->headers, res);
		return 0;
	}
	if (imp->owner == PMF_OWN_UNKNOWN && (imp->flags & PMF_IMPACT_UNRESOLVED)) {
		pmf_check_unresolved(fs, imp, res);
		return 0;
	}
	if (pmf_check_classify(fs, imp, &metadata, &dir, res))
		return 0;
	if (dir && mp->m_dir_geo->fsbcount > 1) {
		pmf_check_dir_blocks(fs, imp, res);
		return 0;
	}

	btp = imp->dev == PMF_DEV_RT ? mp->m_rtdev_targp :
	      imp->dev == PMF_DEV_LOG ? mp->m_logdev_targp : mp->m_ddev_targp;
	/* Whole filesystem blocks: a verifier checks a block, not a sector. */
	first = rounddown_64(imp->daddr, XFS_FSB_TO_BB(mp, 1));
	last = imp->daddr + imp->bbcount - 1;
	for (xfs_daddr_t d = first; d <= last; d += XFS_FSB_TO_BB(mp, 1)) {
		struct pmf_check_result	one = { 0 };

		pmf_check_one(fs, imp, btp, d, metadata, &one);
		pmf_check_merge(res, &one);
	}
	return 0;
}

const char *
pmf_check_name(
	enum pmf_check		check)
{
	static const char * const names[] = {
		[PMF_CHECK_NONE]	= "none",
		[PMF_CHECK_INTACT]	= "intact",
		[PMF_CHECK_READABLE]	= "readable",
		[PMF_CHECK_UNCHECKED]	= "unchecked",
		[PMF_CHECK_CORRUPT]	= "corrupt",
		[PMF_CHECK_UNREADABLE]	= "unreadable",
	};

	if ((unsigned int)check >= sizeof(names) / sizeof(names[0]))
		return "unknown";
	return names[check];
}

/* One btree's blocks, root down, each checked; damage stops the descent. */
struct pmf_sweep {
	struct pmf_fs		*fs;
	xfs_agnumber_t		agno;
	pmf_damage_fn		fn;
	void			*priv;
	xfs_agblock_t		*stack;
	size_t			nr;
	size_t			cap;
};

static int
pmf_sweep_report(
	struct pmf_sweep		*sw,
	enum pmf_owner			owner,
	xfs_daddr_t			daddr,
	uint64_t			bbcount,
	const struct pmf_check_result	*res)
{
	struct pmf_damage		d = {
		.owner		= owner,
		.agno		= sw->agno,
		.daddr		= daddr,
		.bbcount	= bbcount,
		.res		= *res,
	};
	struct xfs_failure_impact	imp;

	/* What it means is the core's to say, as for any impact. */
	if (!xfs_failure_damage_impact(&sw->fs->fgeo,
			(enum xfs_failure_owner)owner, sw->agno, daddr, bbcount,
			&imp))
		return pmf_seterr(sw->fs, -EFSCORRUPTED,
				"AG %u: damage of no known owner", sw->agno);
	d.consequence = (enum pmf_consequence)imp.consequence;
	d.headers = imp.headers;
	d.act_media = imp.act_media;
	d.act_remove = imp.act_remove;
	return sw->fn(&d, sw->priv);
}

static int
pmf_sweep_push(
	struct pmf_sweep	*sw,
	xfs_agblock_t		agbno)
{
	int			error;

	error = pmf_grow((void **)&sw->stack, &sw->cap, sw->nr + 1,
			sizeof(*sw->stack));
	if (!error)
		sw->stack[sw->nr++] = agbno;
	return error;
}

/* Push the children of a node block that passed its checks. */
static int
pmf_sweep_children(
	struct pmf_sweep	*sw,
	struct xfs_btree_cur	*cur,
	struct xfs_btree_block	*block)
{
	struct xfs_mount	*mp = sw->fs->mp;
	unsigned int		n = be16_to_cpu(block->bb_numrecs);
	int			error = 0;

	for (unsigned int i = 1; i <= n && !error; i++) {
		/* Short pointers are 4-byte aligned; the union wants 8. */
		xfs_agblock_t		child = get_unaligned_be32(
						xfs_btree_ptr_addr(cur, i, block));

		/* The structure check bounds numrecs, not the pointers. */
		if (child == 0 || child >= mp->m_sb.sb_agblocks)
			continue;
		error = pmf_sweep_push(sw, child);
	}
	return error;
}

static int
pmf_sweep_btree(
	struct pmf_sweep	*sw,
	struct xfs_btree_cur	*cur,
	xfs_agblock_t		root,
	const struct pmf_vkind	*kind,
	enum pmf_owner		owner)
{
	struct xfs_mount	*mp = sw->fs->mp;
	uint64_t		visits = 0;
	int			error = 0;

	sw->nr = 0;
	/* A root outside the AG: nothing to sweep, but the cursor is ours. */
	if (root != 0 && root < mp->m_sb.sb_agblocks)
		error = pmf_sweep_push(sw, root);
	while (!error && sw->nr) {
		xfs_agblock_t		agbno = sw->stack[--sw->nr];
		xfs_daddr_t		daddr = XFS_AGB_TO_DADDR(mp, sw->agno, agbno);
		struct pmf_check_result	res = { 0 };
		struct xfs_buf		*bp;

		/* A corrupt tree may point in circles: visit each block once at most. */
		if (++visits > mp->m_sb.sb_agblocks)
			break;
		if (pmf_read_block(mp->m_ddev_targp, daddr,
				XFS_FSB_TO_BB(mp, 1), &bp, &res)) {
			error = pmf_sweep_report(sw, owner, daddr,
					XFS_FSB_TO_BB(mp, 1), &res);
			continue;
		}
		pmf_check_kind(sw->fs, bp, sw->agno, kind, &res);
		if (res.check >= PMF_CHECK_CORRUPT)
			error = pmf_sweep_report(sw, owner, daddr,
					XFS_FSB_TO_BB(mp, 1), &res);
		else if (xfs_btree_get_level(XFS_BUF_TO_BLOCK(bp)) > 0)
			error = pmf_sweep_children(sw, cur,
					XFS_BUF_TO_BLOCK(bp));
		libxfs_buf_relse(bp);
	}
	libxfs_btree_del_cursor(cur, XFS_BTREE_NOERROR);
	return error;
}

/* The btrees the AGF roots, once the AGF itself has passed its checks. */
static int
pmf_sweep_agf(
	struct pmf_sweep	*sw,
	struct xfs_perag	*pag)
{
	struct xfs_mount	*mp = sw->fs->mp;
	struct xfs_buf		*agbp;
	struct xfs_agf		*agf;
	int			error;

	error = libxfs_alloc_read_agf(pag, NULL, 0, &agbp);
	if (error)
		return 0;	/* already reported as a header */
	agf = agbp->b_addr;
	error = pmf_sweep_btree(sw, libxfs_bnobt_init_cursor(mp, NULL, agbp, pag),
			be32_to_cpu(agf->agf_bno_root), &pmf_v_bnobt,
			PMF_OWN_BNOBT);
	if (!error)
		error = pmf_sweep_btree(sw, libxfs_cntbt_init_cursor(mp, NULL,
				agbp, pag), be32_to_cpu(agf->agf_cnt_root),
				&pmf_v_cntbt, PMF_OWN_CNTBT);
	if (!error && xfs_has_rmapbt(mp))
		error = pmf_sweep_btree(sw, libxfs_rmapbt_init_cursor(mp, NULL,
				agbp, pag), be32_to_cpu(agf->agf_rmap_root),
				&pmf_v_rmapbt, PMF_OWN_RMAPBT);
	if (!error && xfs_has_reflink(mp))
		error = pmf_sweep_btree(sw, libxfs_refcountbt_init_cursor(mp,
				NULL, agbp, pag),
				be32_to_cpu(agf->agf_refcount_root),
				&pmf_v_refcbt, PMF_OWN_REFCOUNTBT);
	libxfs_buf_relse(agbp);
	return error;
}

static int
pmf_sweep_agi(
	struct pmf_sweep	*sw,
	struct xfs_perag	*pag)
{
	struct xfs_mount	*mp = sw->fs->mp;
	struct xfs_buf		*agibp;
	struct xfs_agi		*agi;
	int			error;

	error = libxfs_ialloc_read_agi(pag, NULL, 0, &agibp);
	if (error)
		return 0;	/* already reported as a header */
	agi = agibp->b_addr;
	error = pmf_sweep_btree(sw, libxfs_inobt_init_cursor(pag, NULL, agibp),
			be32_to_cpu(agi->agi_root), &pmf_v_inobt, PMF_OWN_INOBT);
	if (!error && xfs_has_finobt(mp))
		error = pmf_sweep_btree(sw, libxfs_finobt_init_cursor(pag, NULL,
				agibp), be32_to_cpu(agi->agi_free_root),
				&pmf_v_finobt, PMF_OWN_FINOBT);
	libxfs_buf_relse(agibp);
	return error;
}

/*
 * Sweep one AG's headers and per-AG btrees, block by block, and report
 * every damaged one: what a prediction made from damaged metadata can
 * miss.  Only the blocks reachable from intact parents are seen.
 */
int
pmf_check_ag(
	struct pmf_fs		*fs,
	uint32_t		agno,
	pmf_damage_fn		fn,
	void			*priv)
{
	struct pmf_sweep	sw = {
		.fs	= fs,
		.agno	= agno,
		.fn	= fn,
		.priv	= priv,
	};
	bool			agf_ok = true, agi_ok = true;
	struct xfs_perag	*pag;
	int			error = 0;

	if (!fs->mp)		/* checks read the devices through libxfs */
		return pmf_seterr(fs, -EOPNOTSUPP,
				"checking AGs needs the unmounted devices");
	if (agno >= fs->mp->m_sb.sb_agcount)
		return pmf_seterr(fs, -EINVAL, "no AG %u", agno);
	if (!xfs_has_crc(fs->mp))
		return 0;
	for (unsigned int i = 0; i < 4 && !error; i++) {
		struct pmf_check_result	res = { 0 };

		pmf_check_header(fs, agno, i, &res);
		if (res.check < PMF_CHECK_CORRUPT)
			continue;
		if (i == 1)
			agf_ok = false;
		if (i == 2)
			agi_ok = false;
		error = pmf_sweep_report(&sw, PMF_OWN_AG_HEADERS,
				XFS_AG_DADDR(fs->mp, agno, XFS_SB_DADDR) +
				i * XFS_FSS_TO_BB(fs->mp, 1),
				XFS_FSS_TO_BB(fs->mp, 1), &res);
	}
	pag = libxfs_perag_get(fs->mp, agno);
	if (!error && agf_ok)
		error = pmf_sweep_agf(&sw, pag);
	if (!error && agi_ok)
		error = pmf_sweep_agi(&sw, pag);
	libxfs_perag_put(pag);
	free(sw.stack);
	return error;
}
