// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (c) 2026 The pmemfail authors.
 *
 * Shared failure triage: map a failed device range and one reverse-mapping
 * record to what was lost and what to do about it.  See xfs_failure.h.
 */
#include "xfs_platform.h"
#include "xfs_fs.h"
#include "xfs_shared.h"
#include "xfs_format.h"
#include "xfs_failure.h"

#define XFS_FAILURE_ALL_HDRS	(XFS_FAILURE_HDR_SB | XFS_FAILURE_HDR_AGF | \
				 XFS_FAILURE_HDR_AGI | XFS_FAILURE_HDR_AGFL)

static inline uint32_t
xfs_failure_bbshift(
	const struct xfs_failure_geo	*geo)
{
	return geo->blocklog - BBSHIFT;
}

/* Size of a device in 512-byte sectors, as far as the filesystem uses it. */
static uint64_t
xfs_failure_dev_bbs(
	const struct xfs_failure_geo	*geo,
	enum xfs_failure_dev		dev)
{
	switch (dev) {
	case XFS_FAILURE_DEV_DATA:
		return geo->dblocks << xfs_failure_bbshift(geo);
	case XFS_FAILURE_DEV_LOG:
		return geo->logblocks << xfs_failure_bbshift(geo);
	case XFS_FAILURE_DEV_RT:
		return geo->rblocks << xfs_failure_bbshift(geo);
	default:
		return 0;
	}
}

/*
 * Validate a failed range and clip it to the part the filesystem uses.  A
 * device may be larger than the filesystem on it; losing the unused tail
 * loses nothing, so that is clipped rather than refused.  Returns -EINVAL
 * for an empty or wrapping range and -ERANGE for one that starts past the
 * end of the filesystem.
 */
int
xfs_failure_range_check(
	const struct xfs_failure_geo	*geo,
	struct xfs_failure_range	*fr)
{
	uint64_t			size;

	if (fr->dev >= XFS_FAILURE_DEV_NR || fr->bbcount == 0)
		return -EINVAL;
	if (fr->daddr + fr->bbcount < fr->daddr)
		return -EINVAL;
	size = xfs_failure_dev_bbs(geo, fr->dev);
	if (fr->daddr >= size)
		return -ERANGE;
	if (fr->daddr + fr->bbcount > size)
		fr->bbcount = size - fr->daddr;
	return 0;
}

/*
 * Daddr of a block in an AG.  The multiplication is done in 64 bits: agno *
 * agblocks overflows 32 bits on any filesystem larger than 16TiB of 4k
 * blocks, and the shifted block count overflows for every AG but the last
 * of much smaller ones.
 */
uint64_t
xfs_failure_group_daddr(
	const struct xfs_failure_geo	*geo,
	uint32_t			agno,
	uint32_t			agbno)
{
	uint64_t			fsbno;

	fsbno = (uint64_t)agno * geo->agblocks + agbno;
	return fsbno << xfs_failure_bbshift(geo);
}

/* Start a walk with xfs_failure_next_group(). */
void
xfs_failure_first_group(
	struct xfs_failure_group	*grp)
{
	grp->agno = NULLAGNUMBER;
	grp->low_agbno = 0;
	grp->high_agbno = 0;
}

/*
 * Advance @grp to the next of @ngroups groups of @gblocks blocks that device
 * blocks [@first, @last] touch, and set the inclusive block keys to query
 * in it: the first and last group are clipped to the range, the ones in
 * between are queried whole.  Returns false when the walk is done.
 */
static bool
xfs_failure_next_slice(
	uint64_t			first,
	uint64_t			last,
	uint32_t			gblocks,
	uint64_t			ngroups,
	struct xfs_failure_group	*grp)
{
	uint64_t			g_first, g_last;
	uint32_t			gno;

	if (grp->agno == NULLAGNUMBER)
		gno = div_u64(first, gblocks);
	else
		gno = grp->agno + 1;
	if (gno >= ngroups)
		return false;

	g_first = (uint64_t)gno * gblocks;
	g_last = g_first + gblocks - 1;
	if (g_first > last)
		return false;

	grp->agno = gno;
	grp->low_agbno = first > g_first ? first - g_first : 0;
	grp->high_agbno = (last < g_last ? last : g_last) - g_first;
	return true;
}

/* The next AG that a failed data device range touches; see above. */
bool
xfs_failure_next_group(
	const struct xfs_failure_geo	*geo,
	const struct xfs_failure_range	*fr,
	struct xfs_failure_group	*grp)
{
	uint32_t			shift = xfs_failure_bbshift(geo);

	if (fr->dev != XFS_FAILURE_DEV_DATA || fr->bbcount == 0)
		return false;
	return xfs_failure_next_slice(fr->daddr >> shift,
			(fr->daddr + fr->bbcount - 1) >> shift, geo->agblocks,
			geo->agcount, grp);
}

/* Which AG header sectors does [start, end) cover in AG @agno? */
static unsigned int
xfs_failure_headers(
	const struct xfs_failure_geo	*geo,
	uint32_t			agno,
	uint64_t			start,
	uint64_t			end)
{
	uint64_t			ag_daddr = xfs_failure_group_daddr(geo, agno, 0);
	uint64_t			sectbb = geo->sectsize >> BBSHIFT;
	unsigned int			mask = 0;
	unsigned int			i;

	/* sb, agf, agi and agfl are the first four sectors of every AG. */
	for (i = 0; i < 4; i++) {
		uint64_t		hs = ag_daddr + i * sectbb;

		if (start < hs + sectbb && end > hs)
			mask |= 1U << i;
	}
	return mask;
}

static enum xfs_failure_owner
xfs_failure_special_owner(
	uint64_t			owner)
{
	switch (owner) {
	case XFS_RMAP_OWN_FS:
		return XFS_FOWN_FS_HEADERS;
	case XFS_RMAP_OWN_LOG:
		return XFS_FOWN_LOG;
	case XFS_RMAP_OWN_AG:
		return XFS_FOWN_AG_BTREE;
	case XFS_RMAP_OWN_INOBT:
		return XFS_FOWN_INOBT;
	case XFS_RMAP_OWN_INODES:
		return XFS_FOWN_INODES;
	case XFS_RMAP_OWN_REFC:
		return XFS_FOWN_REFCOUNTBT;
	case XFS_RMAP_OWN_COW:
		return XFS_FOWN_COW;
	default:
		return XFS_FOWN_UNKNOWN;
	}
}

static enum xfs_failure_owner
xfs_failure_decode_owner(
	const struct xfs_rmap_irec	*rec)
{
	if (XFS_RMAP_NON_INODE_OWNER(rec->rm_owner))
		return xfs_failure_special_owner(rec->rm_owner);
	if (rec->rm_flags & XFS_RMAP_BMBT_BLOCK)
		return (rec->rm_flags & XFS_RMAP_ATTR_FORK) ?
			XFS_FOWN_ATTR_BMBT : XFS_FOWN_BMBT;
	if (rec->rm_flags & XFS_RMAP_ATTR_FORK)
		return XFS_FOWN_ATTR;
	return XFS_FOWN_FILE_DATA;
}

/* Which OWN_AG btree a block's magic names, or unknown. */
enum xfs_failure_owner
xfs_failure_btree_owner(
	uint32_t			magic)
{
	switch (magic) {
	case XFS_ABTB_MAGIC:
	case XFS_ABTB_CRC_MAGIC:
		return XFS_FOWN_BNOBT;
	case XFS_ABTC_MAGIC:
	case XFS_ABTC_CRC_MAGIC:
		return XFS_FOWN_CNTBT;
	case XFS_RMAP_CRC_MAGIC:
		return XFS_FOWN_RMAPBT;
	default:
		return XFS_FOWN_UNKNOWN;
	}
}

/*
 * Which btree of AG @agno the block read from @daddr belongs to, from its
 * header.  A v5 block also says where it lives and whose it is: a copy left
 * elsewhere (a stale block on an AGFL spare, which mkfs does not zero) is
 * no btree's block here.  v4 blocks carry only the magic.
 */
enum xfs_failure_owner
xfs_failure_btree_block_owner(
	const void			*buf,
	uint64_t			daddr,
	uint32_t			agno)
{
	const struct xfs_btree_block	*block = buf;
	uint32_t			magic = be32_to_cpu(block->bb_magic);

	switch (magic) {
	case XFS_ABTB_CRC_MAGIC:
	case XFS_ABTC_CRC_MAGIC:
	case XFS_RMAP_CRC_MAGIC:
		if (be64_to_cpu(block->bb_u.s.bb_blkno) != daddr ||
		    be32_to_cpu(block->bb_u.s.bb_owner) != agno)
			return XFS_FOWN_UNKNOWN;
		break;
	default:
		break;
	}
	return xfs_failure_btree_owner(magic);
}

static enum xfs_failure_consequence
xfs_failure_headers_consequence(
	uint32_t			agno,
	unsigned int			headers)
{
	/*
	 * The primary superblock and every AGF/AGI/AGFL are needed to mount;
	 * secondary superblocks are copies that repair rewrites.  Sectors of
	 * the header blocks past the AGFL hold nothing.
	 */
	if (headers & (XFS_FAILURE_HDR_AGF | XFS_FAILURE_HDR_AGI |
		       XFS_FAILURE_HDR_AGFL))
		return XFS_FAILURE_FATAL;
	if (headers & XFS_FAILURE_HDR_SB)
		return agno == 0 ? XFS_FAILURE_FATAL : XFS_FAILURE_REBUILDABLE;
	return XFS_FAILURE_NO_LOSS;
}

/* A data fork block: what it means depends on what kind of inode it is. */
static enum xfs_failure_consequence
xfs_failure_data_consequence(
	const struct xfs_failure_impact	*imp)
{
	if (imp->flags & XFS_FAILURE_UNWRITTEN)
		return XFS_FAILURE_NO_LOSS;
	switch (imp->itype) {
	case XFS_FAILURE_ITYPE_RTBITMAP:
	case XFS_FAILURE_ITYPE_RTSUMMARY:
		/* Rebuilt from the realtime files' extent maps (or rtrmap). */
	case XFS_FAILURE_ITYPE_QUOTA:
		/* Rebuilt by quotacheck from every inode's usage. */
	case XFS_FAILURE_ITYPE_METADIR:
		/* Rebuilt by repair from the metadata inodes it finds. */
	case XFS_FAILURE_ITYPE_RTRMAP:
	case XFS_FAILURE_ITYPE_RTREFC:
		/* Their blocks are bmbt blocks; any other is metadata too. */
		return XFS_FAILURE_REBUILDABLE;
	default:
		/*
		 * A file's bytes, a directory's entries (their inodes end up
		 * in lost+found, or are found again from parent pointers), a
		 * symlink's target: nothing else holds them.
		 */
		return XFS_FAILURE_DATA_LOST;
	}
}

/*
 * Every btree the filesystem keeps, per AG or per rtgroup, can be rebuilt
 * from the others and the inodes: the free space and inode btrees and the
 * refcount btree from the rmapbt, the rmapbt from a scan of every inode's
 * forks and every other btree.  xfs_repair rebuilds them all offline, and
 * since 6.8 (so in 7.2) xfs_scrub rebuilds each of them online, the rmapbt
 * included, while the filesystem stays mounted.  Until one is repaired,
 * any transaction that needs its lost block fails its read and shuts down
 * then; nothing else has to stop.  The realtime rmap and refcount btrees
 * are metadata files whose blocks are bmbt blocks: decided with them, they
 * get the same answer as their data device counterparts.
 */
static enum xfs_failure_consequence
xfs_failure_consequence(
	const struct xfs_failure_impact	*imp)
{
	switch (imp->owner) {
	case XFS_FOWN_FILE_DATA:
		return xfs_failure_data_consequence(imp);
	case XFS_FOWN_ATTR:
	case XFS_FOWN_INODES:
		return XFS_FAILURE_DATA_LOST;
	case XFS_FOWN_BMBT:
	case XFS_FOWN_ATTR_BMBT:
	case XFS_FOWN_AG_BTREE:
	case XFS_FOWN_BNOBT:
	case XFS_FOWN_CNTBT:
	case XFS_FOWN_RMAPBT:
	case XFS_FOWN_INOBT:
	case XFS_FOWN_FINOBT:
	case XFS_FOWN_REFCOUNTBT:
		return XFS_FAILURE_REBUILDABLE;
	case XFS_FOWN_FS_HEADERS:
		if (imp->dev == XFS_FAILURE_DEV_RT)
			return XFS_FAILURE_REBUILDABLE;
		return xfs_failure_headers_consequence(imp->agno, imp->headers);
	case XFS_FOWN_LOG:
		/*
		 * Losing changes that were never written back loses metadata.
		 * Anything else in the log can be reformatted away (repair -L)
		 * without losing a thing, but mount can't go on until it is.
		 */
		if ((imp->flags & XFS_FAILURE_LOG_HINTS) == XFS_FAILURE_LOG_HINTS)
			return XFS_FAILURE_FATAL;
		return XFS_FAILURE_REBUILDABLE;
	case XFS_FOWN_COW:
		/* Staging extents are reaped at the next mount anyway. */
	case XFS_FOWN_FREE:
		return XFS_FAILURE_NO_LOSS;
	default:
		/* Nobody can say what an unknown owner held; assume the worst. */
		return XFS_FAILURE_FATAL;
	}
}

/* Media loss of file data: who must hear of it depends on the inode kind. */
static unsigned int
xfs_failure_data_media_actions(
	const struct xfs_failure_impact	*imp)
{
	switch (imp->itype) {
	case XFS_FAILURE_ITYPE_REG:
		return XFS_FAILURE_ACT_UNMAP | XFS_FAILURE_ACT_KILL |
		       XFS_FAILURE_ACT_RECORD;
	case XFS_FAILURE_ITYPE_UNKNOWN:
		/*
		 * It may be a file somebody maps, or a directory or symlink
		 * nobody does: do what either would need.
		 */
		return XFS_FAILURE_ACT_UNMAP | XFS_FAILURE_ACT_KILL |
		       XFS_FAILURE_ACT_RECORD | XFS_FAILURE_ACT_SICK;
	default:
		/* Directories and symlinks are never mapped by tasks. */
		return XFS_FAILURE_ACT_SICK | XFS_FAILURE_ACT_RECORD;
	}
}

static unsigned int
xfs_failure_media_actions(
	const struct xfs_failure_impact	*imp)
{
	switch (imp->consequence) {
	case XFS_FAILURE_DATA_LOST:
		if (imp->owner == XFS_FOWN_FILE_DATA)
			return xfs_failure_data_media_actions(imp);
		return XFS_FAILURE_ACT_SICK | XFS_FAILURE_ACT_RECORD;
	case XFS_FAILURE_REBUILDABLE:
		return XFS_FAILURE_ACT_SICK;
	case XFS_FAILURE_FATAL:
		return XFS_FAILURE_ACT_SHUTDOWN;
	default:
		return 0;
	}
}

static unsigned int
xfs_failure_remove_actions(
	const struct xfs_failure_impact	*imp)
{
	/*
	 * Nothing is lost yet when a device is about to go away, so nothing is
	 * recorded or marked sick.  Tasks mapping written file data must not
	 * keep mappings of pages that are about to vanish; only regular files
	 * (or what may be one) are mapped.  Metadata needs no per-record
	 * action: losing the device shuts the filesystem down once, after the
	 * walk.
	 */
	if (imp->owner == XFS_FOWN_FILE_DATA &&
	    !(imp->flags & XFS_FAILURE_UNWRITTEN) &&
	    (imp->itype == XFS_FAILURE_ITYPE_REG ||
	     imp->itype == XFS_FAILURE_ITYPE_UNKNOWN))
		return XFS_FAILURE_ACT_UNMAP | XFS_FAILURE_ACT_KILL;
	return 0;
}

/* Fill in the consequence and both actions of a clipped impact. */
static void
xfs_failure_decide(
	struct xfs_failure_impact	*imp)
{
	imp->consequence = xfs_failure_consequence(imp);
	imp->act_media = xfs_failure_media_actions(imp);
	imp->act_remove = xfs_failure_remove_actions(imp);
}

/*
 * One OWN_AG rmap record covers blocks of the bnobt, the cntbt, the rmapbt
 * and the AGFL alike.  All are rebuildable, so the consequence does not
 * depend on which btree lost a block, but what is marked sick does: a caller
 * that read the block (xfs_failure_btree_block_owner()) narrows the impact
 * with this.  A block that could not be read (the media is gone, or the
 * caller is online) or that is no free space or rmap btree block (a spare
 * AGFL block) stays XFS_FOWN_AG_BTREE: any of the three.  OWN_INOBT records
 * are not narrowed: both inode btrees are rebuildable, and their blocks
 * belong under the AGI, which a walk under the AGF must not take.
 */
void
xfs_failure_refine_owner(
	struct xfs_failure_impact	*imp,
	enum xfs_failure_owner		owner)
{
	if (imp->owner != XFS_FOWN_AG_BTREE || owner == XFS_FOWN_UNKNOWN)
		return;
	imp->owner = owner;
	xfs_failure_decide(imp);
}

/* Does the decision for @imp depend on a kind of inode not yet given? */
bool
xfs_failure_wants_itype(
	const struct xfs_failure_impact	*imp)
{
	return (imp->owner == XFS_FOWN_FILE_DATA ||
		imp->owner == XFS_FOWN_BMBT) &&
	       imp->itype == XFS_FAILURE_ITYPE_UNKNOWN;
}

/* The kind of a metadata directory tree inode, from its i_metatype. */
static enum xfs_failure_itype
xfs_failure_metafile_itype(
	enum xfs_metafile_type		metatype)
{
	switch (metatype) {
	case XFS_METAFILE_DIR:
		return XFS_FAILURE_ITYPE_METADIR;
	case XFS_METAFILE_USRQUOTA:
	case XFS_METAFILE_GRPQUOTA:
	case XFS_METAFILE_PRJQUOTA:
		return XFS_FAILURE_ITYPE_QUOTA;
	case XFS_METAFILE_RTBITMAP:
		return XFS_FAILURE_ITYPE_RTBITMAP;
	case XFS_METAFILE_RTSUMMARY:
		return XFS_FAILURE_ITYPE_RTSUMMARY;
	/*
	 * The realtime rmap and refcount types are younger than the oldest
	 * libxfs we build against (6.13); their on-disk magics came with them.
	 */
#ifdef XFS_RTRMAP_CRC_MAGIC
	case XFS_METAFILE_RTRMAP:
		return XFS_FAILURE_ITYPE_RTRMAP;
#endif
#ifdef XFS_RTREFC_CRC_MAGIC
	case XFS_METAFILE_RTREFCOUNT:
		return XFS_FAILURE_ITYPE_RTREFC;
#endif
	default:
		return XFS_FAILURE_ITYPE_UNKNOWN;
	}
}

/* Is @ino one the superblock names as @sb_ino? */
static inline bool
xfs_failure_sb_ino(
	xfs_ino_t			sb_ino,
	uint64_t			ino)
{
	return sb_ino != 0 && sb_ino != NULLFSINO && sb_ino == ino;
}

/*
 * What kind of inode @ino is, from whatever the caller knows of it: whether
 * it is in the metadata directory tree and of which @metatype (the inode in
 * memory), the superblock @sb naming the metadata inodes of older
 * filesystems and the metadir root (NULL if the caller has no copy), and
 * its @mode (0 if unknown).  Every engine asks here, so that a metadata
 * file is told from a regular one the same way everywhere; what it cannot
 * tell is UNKNOWN, which gets the conservative answer.
 */
enum xfs_failure_itype
xfs_failure_inode_itype(
	const struct xfs_sb		*sb,
	uint64_t			ino,
	uint16_t			mode,
	bool				metafile,
	enum xfs_metafile_type		metatype)
{
	if (metafile)
		return xfs_failure_metafile_itype(metatype);
	if (sb) {
		if (xfs_failure_sb_ino(sb->sb_rbmino, ino))
			return XFS_FAILURE_ITYPE_RTBITMAP;
		if (xfs_failure_sb_ino(sb->sb_rsumino, ino))
			return XFS_FAILURE_ITYPE_RTSUMMARY;
		if (xfs_failure_sb_ino(sb->sb_uquotino, ino) ||
		    xfs_failure_sb_ino(sb->sb_gquotino, ino) ||
		    xfs_failure_sb_ino(sb->sb_pquotino, ino))
			return XFS_FAILURE_ITYPE_QUOTA;
		if (xfs_sb_is_v5(sb) &&
		    (sb->sb_features_incompat & XFS_SB_FEAT_INCOMPAT_METADIR) &&
		    xfs_failure_sb_ino(sb->sb_metadirino, ino))
			return XFS_FAILURE_ITYPE_METADIR;
	}
	if (S_ISREG(mode))
		return XFS_FAILURE_ITYPE_REG;
	if (S_ISDIR(mode))
		return XFS_FAILURE_ITYPE_DIR;
	if (S_ISLNK(mode))
		return XFS_FAILURE_ITYPE_SYMLINK;
	return XFS_FAILURE_ITYPE_UNKNOWN;
}

/* Tell the core what kind of inode owns @imp and decide again. */
void
xfs_failure_set_itype(
	struct xfs_failure_impact	*imp,
	enum xfs_failure_itype		itype)
{
	if (imp->owner != XFS_FOWN_FILE_DATA && imp->owner != XFS_FOWN_BMBT)
		return;
	if (itype >= XFS_FAILURE_ITYPE_NR)
		itype = XFS_FAILURE_ITYPE_UNKNOWN;
	imp->itype = itype;
	xfs_failure_decide(imp);
}

unsigned int
xfs_failure_actions(
	const struct xfs_failure_impact	*imp,
	enum xfs_failure_mode		mode)
{
	/*
	 * A device the filesystem goes on without (xfs_failure_device_loss())
	 * loses what it held for good, as a failed medium does.
	 */
	return mode == XFS_FAILURE_PRE_REMOVE ? imp->act_remove : imp->act_media;
}

/* Does @fr cover every block its device's section has? */
bool
xfs_failure_range_whole(
	const struct xfs_failure_geo	*geo,
	const struct xfs_failure_range	*fr)
{
	uint64_t			bbs = xfs_failure_dev_bbs(geo, fr->dev);

	return bbs && fr->daddr == 0 && fr->bbcount >= bbs;
}

/*
 * What the loss of a whole device @dev (its removal, or every block of it
 * lost) means for the filesystem.
 *
 * A realtime device with rtgroups and realtime rmap btrees holds only file
 * data and the rtgroups' superblock, a copy of the primary: every inode, the
 * rt bitmap and summary, the rtrmap and rtrefcount btrees are on the data
 * device, and the rtrmap btrees name every file that lost data.  The
 * filesystem goes on without it: report every rt file's lost ranges (each
 * record as DEVICE_LOST), mark the rtgroups sick, take the realtime
 * section offline.
 *
 * Without rtgroups there are no rtrmap btrees: nothing could say which
 * files lost data, so the loss could not be reported; and the data device
 * and an external log hold the metadata and the log: the filesystem cannot
 * go on without them.  Those shut down.
 */
unsigned int
xfs_failure_device_loss(
	const struct xfs_failure_geo	*geo,
	enum xfs_failure_dev		dev,
	bool				rtrmap)
{
	if (dev == XFS_FAILURE_DEV_RT && geo->rgblocks && rtrmap)
		return XFS_FAILURE_ACT_OFFLINE | XFS_FAILURE_ACT_SICK |
		       XFS_FAILURE_ACT_RECORD | XFS_FAILURE_ACT_KILL;
	return XFS_FAILURE_ACT_SHUTDOWN | XFS_FAILURE_ACT_KILL;
}

/*
 * Clip the extent [start, start + len) to the failed range.  Returns false
 * if they do not meet.
 */
static bool
xfs_failure_clip(
	const struct xfs_failure_range	*fr,
	uint64_t			start,
	uint64_t			len,
	struct xfs_failure_impact	*imp)
{
	uint64_t			end = start + len;
	uint64_t			fend = fr->daddr + fr->bbcount;
	uint64_t			cs = start > fr->daddr ? start : fr->daddr;
	uint64_t			ce = end < fend ? end : fend;

	if (cs >= ce)
		return false;
	imp->dev = fr->dev;
	imp->daddr = cs;
	imp->bbcount = ce - cs;
	imp->length = imp->bbcount << BBSHIFT;
	return true;
}

static void
xfs_failure_impact_init(
	struct xfs_failure_impact	*imp)
{
	memset(imp, 0, sizeof(*imp));
}

/*
 * Decode the owner of a record that starts at @rec_daddr and meets the
 * failed range, and fill in what its clipped part means.
 */
static void
xfs_failure_fill(
	const struct xfs_failure_geo	*geo,
	const struct xfs_rmap_irec	*rec,
	uint64_t			rec_daddr,
	unsigned int			hints,
	struct xfs_failure_impact	*imp)
{
	imp->blockcount = rec->rm_blockcount;
	imp->owner = xfs_failure_decode_owner(rec);
	if (rec->rm_flags & XFS_RMAP_UNWRITTEN)
		imp->flags |= XFS_FAILURE_UNWRITTEN;

	switch (imp->owner) {
	case XFS_FOWN_FILE_DATA:
	case XFS_FOWN_ATTR:
		imp->offset = (rec->rm_offset << geo->blocklog) +
			      ((imp->daddr - rec_daddr) << BBSHIFT);
		fallthrough;
	case XFS_FOWN_BMBT:
	case XFS_FOWN_ATTR_BMBT:
		imp->ino = rec->rm_owner;
		if (imp->owner == XFS_FOWN_FILE_DATA)
			imp->flags |= hints & XFS_FAILURE_SHARED;
		break;
	case XFS_FOWN_FS_HEADERS:
		/* The realtime superblock is a copy of the primary. */
		if (imp->dev == XFS_FAILURE_DEV_RT)
			imp->headers = XFS_FAILURE_HDR_SB;
		else
			imp->headers = xfs_failure_headers(geo, imp->agno,
					imp->daddr, imp->daddr + imp->bbcount);
		break;
	case XFS_FOWN_LOG:
		imp->flags |= hints & XFS_FAILURE_LOG_HINTS;
		break;
	default:
		break;
	}

	xfs_failure_decide(imp);
}

/*
 * Start an impact for @len blocks at device block @startblock of device
 * @dev, clipped to the failed range.  Returns false if the range is on
 * another device or misses them.
 */
static bool
xfs_failure_map_clip(
	const struct xfs_failure_geo	*geo,
	const struct xfs_failure_range	*fr,
	enum xfs_failure_dev		dev,
	uint64_t			startblock,
	uint64_t			len,
	struct xfs_failure_impact	*imp)
{
	uint32_t			shift = xfs_failure_bbshift(geo);

	xfs_failure_impact_init(imp);
	if (fr->dev != dev)
		return false;
	if (!xfs_failure_clip(fr, startblock << shift, len << shift, imp))
		return false;
	imp->startblock = startblock;
	return true;
}

/*
 * Turn one data device rmap record of AG @agno into an impact clipped to the
 * failed range.  @hints carries XFS_FAILURE_SHARED and XFS_FAILURE_LOG_LIVE
 * as the caller knows them.  Returns false if the record misses the range.
 */
bool
xfs_failure_rmap_impact(
	const struct xfs_failure_geo	*geo,
	const struct xfs_failure_range	*fr,
	uint32_t			agno,
	const struct xfs_rmap_irec	*rec,
	unsigned int			hints,
	struct xfs_failure_impact	*imp)
{
	uint64_t			startblock;

	startblock = (uint64_t)agno * geo->agblocks + rec->rm_startblock;
	if (!xfs_failure_map_clip(geo, fr, XFS_FAILURE_DEV_DATA, startblock,
			rec->rm_blockcount, imp))
		return false;
	imp->agno = agno;
	imp->agbno = rec->rm_startblock;
	xfs_failure_fill(geo, rec, startblock << xfs_failure_bbshift(geo),
			hints, imp);
	return true;
}

/*
 * Realtime device block of block @rgbno of rtgroup @rgno.  An rtgroup's
 * blocks are contiguous on the device, rgblocks apart (the rtbno that
 * libxfs uses is segmented instead; it is not a device address).
 */
uint64_t
xfs_failure_rtgroup_block(
	const struct xfs_failure_geo	*geo,
	uint32_t			rgno,
	uint32_t			rgbno)
{
	return (uint64_t)rgno * geo->rgblocks + rgbno;
}

/*
 * The next rtgroup that a realtime range touches, and its slice of it,
 * exactly as for the AGs of the data device.  Only with rtgroups.
 */
bool
xfs_failure_next_rtgroup(
	const struct xfs_failure_geo	*geo,
	const struct xfs_failure_range	*fr,
	struct xfs_failure_group	*grp)
{
	uint32_t			shift = xfs_failure_bbshift(geo);

	if (fr->dev != XFS_FAILURE_DEV_RT || fr->bbcount == 0 ||
	    !geo->rgblocks)
		return false;
	return xfs_failure_next_slice(fr->daddr >> shift,
			(fr->daddr + fr->bbcount - 1) >> shift, geo->rgblocks,
			div_u64(geo->rblocks + geo->rgblocks - 1, geo->rgblocks),
			grp);
}

/* Which rtgroup, and where in it, holds realtime device block @rtblock? */
static void
xfs_failure_rtgroup(
	const struct xfs_failure_geo	*geo,
	uint64_t			rtblock,
	struct xfs_failure_impact	*imp)
{
	if (geo->rgblocks) {
		imp->agno = div_u64(rtblock, geo->rgblocks);
		imp->agbno = rtblock -
			xfs_failure_rtgroup_block(geo, imp->agno, 0);
	}
	/* Without rtgroups a realtime block may not fit a group block. */
}

/*
 * Turn one realtime device mapping into an impact clipped to the failed
 * range.  @rtblock is the block of the device where @rec starts, counted
 * from the start of the device: with rtgroups rm_startblock is a block of
 * one rtgroup, and without them a realtime block does not fit it, so the
 * caller converts.  Returns false if the mapping misses the range.
 */
bool
xfs_failure_rtmap_impact(
	const struct xfs_failure_geo	*geo,
	const struct xfs_failure_range	*fr,
	uint64_t			rtblock,
	const struct xfs_rmap_irec	*rec,
	unsigned int			hints,
	struct xfs_failure_impact	*imp)
{
	if (!xfs_failure_map_clip(geo, fr, XFS_FAILURE_DEV_RT, rtblock,
			rec->rm_blockcount, imp))
		return false;
	xfs_failure_rtgroup(geo, rtblock, imp);
	/* The realtime device holds the data of regular files only. */
	imp->itype = XFS_FAILURE_ITYPE_REG;
	xfs_failure_fill(geo, rec, rtblock << xfs_failure_bbshift(geo),
			hints, imp);
	return true;
}

/* Free realtime extents [rtblock, rtblock + len), clipped to the range. */
bool
xfs_failure_rtfree_impact(
	const struct xfs_failure_geo	*geo,
	const struct xfs_failure_range	*fr,
	uint64_t			rtblock,
	uint64_t			len,
	struct xfs_failure_impact	*imp)
{
	if (!xfs_failure_map_clip(geo, fr, XFS_FAILURE_DEV_RT, rtblock, len,
			imp))
		return false;
	xfs_failure_rtgroup(geo, rtblock, imp);
	/* A free run of the bitmap may be longer than any mapping. */
	imp->blockcount = len > U32_MAX ? U32_MAX : len;
	imp->owner = XFS_FOWN_FREE;
	xfs_failure_decide(imp);
	return true;
}

/* A free extent [agbno, agbno + len) of AG @agno, clipped to the range. */
bool
xfs_failure_free_impact(
	const struct xfs_failure_geo	*geo,
	const struct xfs_failure_range	*fr,
	uint32_t			agno,
	uint32_t			agbno,
	uint32_t			len,
	struct xfs_failure_impact	*imp)
{
	if (!xfs_failure_map_clip(geo, fr, XFS_FAILURE_DEV_DATA,
			(uint64_t)agno * geo->agblocks + agbno, len, imp))
		return false;
	imp->agno = agno;
	imp->agbno = agbno;
	imp->blockcount = len;
	imp->owner = XFS_FOWN_FREE;
	xfs_failure_decide(imp);
	return true;
}

/*
 * A failed range of the external log device.  The whole device is the log,
 * so the impact is the range itself; @hints are the XFS_FAILURE_LOG_* hints
 * for that range.
 */
bool
xfs_failure_log_impact(
	const struct xfs_failure_geo	*geo,
	const struct xfs_failure_range	*fr,
	unsigned int			hints,
	struct xfs_failure_impact	*imp)
{
	xfs_failure_impact_init(imp);
	if (fr->dev != XFS_FAILURE_DEV_LOG)
		return false;
	if (!xfs_failure_clip(fr, 0, xfs_failure_dev_bbs(geo, fr->dev), imp))
		return false;
	imp->owner = XFS_FOWN_LOG;
	imp->blockcount = geo->logblocks;
	imp->flags |= hints & XFS_FAILURE_LOG_HINTS;
	xfs_failure_decide(imp);
	return true;
}

/*
 * A damaged block that a check of AG @agno found by itself (not through a
 * record of the failed range): @owner is what the block is, @daddr and
 * @bbcount where.  Decides it as a record of that owner would be.  Returns
 * false for an AG or owner that does not exist.
 */
bool
xfs_failure_damage_impact(
	const struct xfs_failure_geo	*geo,
	enum xfs_failure_owner		owner,
	uint32_t			agno,
	uint64_t			daddr,
	uint64_t			bbcount,
	struct xfs_failure_impact	*imp)
{
	xfs_failure_impact_init(imp);
	if (agno >= geo->agcount || owner >= XFS_FOWN_NR || bbcount == 0)
		return false;
	imp->dev = XFS_FAILURE_DEV_DATA;
	imp->owner = owner;
	imp->agno = agno;
	imp->daddr = daddr;
	imp->bbcount = bbcount;
	imp->length = bbcount << BBSHIFT;
	imp->startblock = daddr >> xfs_failure_bbshift(geo);
	imp->agbno = imp->startblock - (uint64_t)agno * geo->agblocks;
	if (owner == XFS_FOWN_FS_HEADERS)
		imp->headers = xfs_failure_headers(geo, agno, daddr,
				daddr + bbcount);
	xfs_failure_decide(imp);
	return true;
}

static const char * const xfs_failure_owner_names[XFS_FOWN_NR] = {
	[XFS_FOWN_UNKNOWN]	= "unknown",
	[XFS_FOWN_FILE_DATA]	= "data",
	[XFS_FOWN_ATTR]		= "attr",
	[XFS_FOWN_BMBT]		= "bmbt",
	[XFS_FOWN_ATTR_BMBT]	= "attr-bmbt",
	[XFS_FOWN_INODES]	= "inodes",
	[XFS_FOWN_FS_HEADERS]	= "ag-headers",
	[XFS_FOWN_AG_BTREE]	= "ag-btree",
	[XFS_FOWN_BNOBT]	= "bnobt",
	[XFS_FOWN_CNTBT]	= "cntbt",
	[XFS_FOWN_RMAPBT]	= "rmapbt",
	[XFS_FOWN_INOBT]	= "inobt",
	[XFS_FOWN_FINOBT]	= "finobt",
	[XFS_FOWN_REFCOUNTBT]	= "refcountbt",
	[XFS_FOWN_COW]		= "cow",
	[XFS_FOWN_LOG]		= "log",
	[XFS_FOWN_FREE]		= "free",
};

const char *
xfs_failure_owner_name(
	enum xfs_failure_owner		owner)
{
	if (owner >= XFS_FOWN_NR)
		return "unknown";
	return xfs_failure_owner_names[owner];
}

static const char * const xfs_failure_consequence_names[] = {
	[XFS_FAILURE_NO_LOSS]		= "no-loss",
	[XFS_FAILURE_DATA_LOST]		= "data-lost",
	[XFS_FAILURE_REBUILDABLE]	= "rebuildable",
	[XFS_FAILURE_FATAL]		= "fatal",
};

const char *
xfs_failure_consequence_name(
	enum xfs_failure_consequence	c)
{
	if (c >= XFS_FAILURE_CONSEQUENCE_NR)
		return "fatal";
	return xfs_failure_consequence_names[c];
}

static const char * const xfs_failure_dev_names[XFS_FAILURE_DEV_NR] = {
	[XFS_FAILURE_DEV_DATA]	= "data",
	[XFS_FAILURE_DEV_LOG]	= "log",
	[XFS_FAILURE_DEV_RT]	= "rt",
};

const char *
xfs_failure_dev_name(
	enum xfs_failure_dev		dev)
{
	if (dev >= XFS_FAILURE_DEV_NR)
		return "unknown";
	return xfs_failure_dev_names[dev];
}

static const char * const xfs_failure_itype_names[XFS_FAILURE_ITYPE_NR] = {
	[XFS_FAILURE_ITYPE_UNKNOWN]	= "unknown",
	[XFS_FAILURE_ITYPE_REG]		= "regular",
	[XFS_FAILURE_ITYPE_DIR]		= "directory",
	[XFS_FAILURE_ITYPE_SYMLINK]	= "symlink",
	[XFS_FAILURE_ITYPE_RTBITMAP]	= "rtbitmap",
	[XFS_FAILURE_ITYPE_RTSUMMARY]	= "rtsummary",
	[XFS_FAILURE_ITYPE_QUOTA]	= "quota",
	[XFS_FAILURE_ITYPE_METADIR]	= "metadir",
	[XFS_FAILURE_ITYPE_RTRMAP]	= "rtrmap",
	[XFS_FAILURE_ITYPE_RTREFC]	= "rtrefcount",
};

const char *
xfs_failure_itype_name(
	enum xfs_failure_itype		itype)
{
	if (itype >= XFS_FAILURE_ITYPE_NR)
		return "unknown";
	return xfs_failure_itype_names[itype];
}
