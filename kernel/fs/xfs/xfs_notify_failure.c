// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (c) 2022 Fujitsu.  All Rights Reserved.
 * Copyright (c) 2026 The pmemfail authors.
 *
 * ->notify_failure() for the DAX devices under an XFS filesystem.
 *
 * The driver tells us that a byte range of a device failed (media error,
 * memory_failure() on a DAX page) or that the whole device is about to go
 * away (MF_MEM_PRE_REMOVE, from kill_dax() on unbind).  We walk the reverse
 * mappings of the range and let the shared failure core (libxfs/
 * xfs_failure.c, the same code the offline and online tools run) decide,
 * record by record, what was lost and what to do about it: kill the tasks
 * mapping lost file data, mark rebuildable metadata sick, or shut down.  This
 * file only walks, looks things up and carries the decisions out.
 *
 * All range arithmetic is done by the core in 64 bits.  The code this
 * replaces computed each AG's slice of the range in 32 bits; for every AG
 * but the last one of a multi-AG range the slice came out as zero blocks,
 * the per-record page count then wrapped to about 2^32 pages, and
 * mf_dax_kill_procs() spun over them: unbinding a pmem device hung.
 */

#include "xfs_platform.h"
#include "xfs_shared.h"
#include "xfs_format.h"
#include "xfs_log_format.h"
#include "xfs_trans_resv.h"
#include "xfs_mount.h"
#include "xfs_alloc.h"
#include "xfs_bit.h"
#include "xfs_btree.h"
#include "xfs_inode.h"
#include "xfs_icache.h"
#include "xfs_rmap.h"
#include "xfs_rmap_btree.h"
#include "xfs_rtalloc.h"
#include "xfs_trans.h"
#include "xfs_ag.h"
#include "xfs_notify_failure.h"
#include "xfs_rtgroup.h"
#include "xfs_rtrmap_btree.h"
#include "xfs_healthmon.h"
#include "xfs_health.h"
#include "xfs_failure.h"

#include <linux/mm.h>
#include <linux/dax.h>
#include <linux/fs.h>
#include <linux/fserror.h>

/* One notification: where it hit and what the walk found so far. */
struct xfs_notify {
	struct xfs_mount		*mp;
	struct xfs_trans		*tp;
	struct xfs_failure_geo		geo;
	struct xfs_failure_range	fr;
	enum xfs_failure_mode		mode;
	int				mf_flags;
	uint32_t			gno;	/* group being walked */
	uint64_t			files;	/* file ranges hit */
	uint64_t			incore;	/* ... of inodes in memory */
	bool				want_shutdown;
	int				error;	/* first kill failure */
};

static void
xfs_notify_geo(
	struct xfs_mount		*mp,
	struct xfs_failure_geo		*geo)
{
	struct xfs_sb			*sbp = &mp->m_sb;

	geo->blocklog = sbp->sb_blocklog;
	geo->sectsize = sbp->sb_sectsize;
	geo->agcount = sbp->sb_agcount;
	geo->agblocks = sbp->sb_agblocks;
	geo->dblocks = sbp->sb_dblocks;
	geo->logblocks = sbp->sb_logblocks;
	geo->logstart = sbp->sb_logstart;
	geo->rblocks = sbp->sb_rblocks;
	geo->rgblocks = xfs_has_rtgroups(mp) ?
			mp->m_groups[XG_TYPE_RTG].blocks : 0;
}

static const char *
xfs_notify_mode_name(
	const struct xfs_notify		*nf)
{
	return (nf->mf_flags & MF_MEM_PRE_REMOVE) ? "pre-remove" : "media";
}

/* What a loss line says happened: a failed medium, or a device gone. */
static const char *
xfs_notify_loss_name(
	const struct xfs_notify		*nf)
{
	return nf->mode == XFS_FAILURE_DEVICE_LOST ?
			"device lost" : "media failure";
}

/*
 * dax_break_layout() calls this while a page is still busy, typically
 * because a task we killed is still tearing down its page tables.  Let go
 * of the mmap lock while waiting, as xfs_wait_dax_page() does for
 * truncate: a task pinning the page may need it to get on.
 */
static void
xfs_notify_wait_dax_page(
	struct inode		*inode)
{
	struct xfs_inode	*ip = XFS_I(inode);

	xfs_iunlock(ip, XFS_MMAPLOCK_EXCL);
	schedule();
	xfs_ilock(ip, XFS_MMAPLOCK_EXCL);
}

/* What one sweep of the in-memory inodes found, for its summary line. */
struct xfs_notify_sweep {
	unsigned long long	files;		/* with DAX entries on the device */
	unsigned long long	mapped;		/* ... of those, mapped */
	unsigned long long	interrupted;	/* waits for busy pages cut short */
};

/*
 * Kill the tasks mapping pages of @mapping: only where a DAX entry exists,
 * since a page without one is mapped by nobody, instead of walking every
 * page index of the file.
 */
static void
xfs_notify_kill_mappers(
	struct address_space	*mapping,
	int			mf_flags)
{
	unsigned long		index = 0;
	void			*entry;

	entry = xa_find(&mapping->i_pages, &index, ULONG_MAX, XA_PRESENT);
	while (entry) {
		int		order = xa_get_order(&mapping->i_pages, index);

		mf_dax_kill_procs(mapping, round_down(index, 1UL << order),
				1UL << order, mf_flags);
		cond_resched();
		entry = xa_find_after(&mapping->i_pages, &index, ULONG_MAX,
				XA_PRESENT);
	}
}

/*
 * First pass of the sweep: kill the tasks mapping @ip and tear down every
 * page table entry of its mapping.  Pages of a reflinked extent are shared
 * between files, and a page stays busy while any file's mapping of it
 * lives: waiting for it to go idle in one file before the mappers of the
 * others are gone would wait forever.  After the shutdown no fault maps a
 * page again, so what is unmapped here stays unmapped.
 */
static void
xfs_notify_unmap_inode(
	struct xfs_inode	*ip,
	int			mf_flags,
	struct xfs_notify_sweep	*sw)
{
	struct address_space	*mapping = VFS_I(ip)->i_mapping;

	sw->files++;
	if (!mapping_mapped(mapping))
		return;
	sw->mapped++;
	xfs_notify_kill_mappers(mapping, mf_flags);
	xfs_ilock(ip, XFS_MMAPLOCK_EXCL);
	unmap_mapping_pages(mapping, 0, 0, false);
	xfs_iunlock(ip, XFS_MMAPLOCK_EXCL);
}

/*
 * Second pass: wait until no page of @ip is referenced and delete every
 * DAX entry, dirty or not (the order truncate uses).  Evicting an inode
 * with an entry left would read the removed device's struct pages.
 */
static void
xfs_notify_break_inode(
	struct xfs_inode	*ip,
	int			mf_flags,
	struct xfs_notify_sweep	*sw)
{
	struct inode		*inode = VFS_I(ip);
	int			error;

	xfs_ilock(ip, XFS_MMAPLOCK_EXCL);
	error = dax_break_layout_inode(inode, xfs_notify_wait_dax_page);
	if (error) {
		/* Interrupted: a warning beats an oops. */
		sw->interrupted++;
		unmap_mapping_pages(inode->i_mapping, 0, 0, false);
		dax_delete_mapping_range(inode->i_mapping, 0, LLONG_MAX);
	}
	xfs_iunlock(ip, XFS_MMAPLOCK_EXCL);
}

typedef void (*xfs_notify_inode_fn)(struct xfs_inode *ip, int mf_flags,
		struct xfs_notify_sweep *sw);

/*
 * Call @fn for every in-memory inode whose DAX entries point into
 * @dax_dev.  Inodes being evicted are skipped: eviction drops their
 * entries itself.
 */
static void
xfs_notify_each_dax_inode(
	struct xfs_mount	*mp,
	struct dax_device	*dax_dev,
	xfs_notify_inode_fn	fn,
	int			mf_flags,
	struct xfs_notify_sweep	*sw)
{
	struct super_block	*sb = mp->m_super;
	struct inode		*inode, *prev = NULL;

	spin_lock(&sb->s_inode_list_lock);
	list_for_each_entry(inode, &sb->s_inodes, i_sb_list) {
		spin_lock(&inode->i_lock);
		if ((inode_state_read(inode) &
		     (I_FREEING | I_WILL_FREE | I_NEW)) ||
		    !IS_DAX(inode) || mapping_empty(inode->i_mapping) ||
		    xfs_inode_buftarg(XFS_I(inode))->bt_daxdev != dax_dev) {
			spin_unlock(&inode->i_lock);
			continue;
		}
		__iget(inode);
		spin_unlock(&inode->i_lock);
		spin_unlock(&sb->s_inode_list_lock);

		iput(prev);
		prev = inode;
		fn(XFS_I(inode), mf_flags, sw);
		cond_resched();
		spin_lock(&sb->s_inode_list_lock);
	}
	spin_unlock(&sb->s_inode_list_lock);
	iput(prev);
}

/*
 * Device removal, once the filesystem is shut down: revoke every mapping
 * of every in-memory file whose data lives on the departing device.
 *
 * This needs no metadata.  The rmap walk cannot do it: it stops at the
 * first unreadable AGF or btree block, finds nothing at all on a
 * filesystem that was shut down before (every read fails), and a file
 * whose records it has passed can still be opened and read-faulted until
 * the shutdown (a freeze stops neither).  After the shutdown no fault can
 * map a page any more, so a sweep of the inodes in memory then is
 * complete.  All mappings go before any wait for a busy page: see
 * xfs_notify_unmap_inode().
 */
static void
xfs_notify_sweep(
	struct xfs_mount	*mp,
	struct dax_device	*dax_dev,
	int			mf_flags)
{
	struct xfs_notify_sweep	sw = { };

	xfs_notify_each_dax_inode(mp, dax_dev, xfs_notify_unmap_inode,
			mf_flags, &sw);
	xfs_notify_each_dax_inode(mp, dax_dev, xfs_notify_break_inode,
			mf_flags, &sw);

	xfs_notice(mp,
"device removal: %llu files in memory had DAX pages on the device, %llu mapped: mappings revoked, entries dropped",
		sw.files, sw.mapped);
	if (sw.interrupted)
		xfs_warn(mp,
"device removal: waiting for busy DAX pages interrupted for %llu files, entries dropped anyway",
			sw.interrupted);
}

/*
 * Report a lost (or vanishing) file range and, on media loss, kill the tasks
 * mapping it.  On removal, and when a whole device is lost, the tasks are
 * killed after the shutdown or once the section is offline, by
 * xfs_notify_sweep(), which needs none of the metadata this walk reads.
 * One line per range, rate-limited: a removal walks every file on the
 * device; the summary line of the walk counts them all.
 */
static void
xfs_notify_file(
	struct xfs_notify		*nf,
	const struct xfs_failure_impact	*imp,
	unsigned int			act)
{
	struct xfs_mount		*mp = nf->mp;
	struct address_space		*mapping;
	struct xfs_inode		*ip;
	pgoff_t				pgoff = imp->offset >> PAGE_SHIFT;
	unsigned long			pgcnt;
	int				error;

	pgcnt = ((imp->offset + imp->length - 1) >> PAGE_SHIFT) - pgoff + 1;
	nf->files++;

	/*
	 * Only inodes in memory can have pages mapped; looking the others up
	 * would read inodes from a failing device for nothing.  An inode being
	 * reclaimed has no mappings left either.
	 */
	error = xfs_iget(mp, nf->tp, imp->ino, XFS_IGET_INCORE, 0, &ip);
	if (act & XFS_FAILURE_ACT_RECORD)
		xfs_alert_ratelimited(mp,
"%s: data lost: ino 0x%llx offset %llu length %llu%s",
			xfs_notify_loss_name(nf), imp->ino, imp->offset,
			imp->length, error ? " (not in memory)" : "");
	if (error)
		return;
	nf->incore++;
	if (nf->mode != XFS_FAILURE_MEDIA) {
		xfs_info_ratelimited(mp,
"device removal: ino 0x%llx offset %llu length %llu: mappings revoked",
			imp->ino, imp->offset, imp->length);
		if (act & XFS_FAILURE_ACT_RECORD)
			fserror_report_data_lost(VFS_I(ip), imp->offset,
					imp->length, GFP_NOFS);
		xfs_irele(ip);
		return;
	}

	/* A file only open, not mapped, has nobody to kill. */
	mapping = VFS_I(ip)->i_mapping;
	if ((act & XFS_FAILURE_ACT_KILL) && dax_mapping(mapping) &&
	    mapping_mapped(mapping)) {
		error = mf_dax_kill_procs(mapping, pgoff, pgcnt, nf->mf_flags);
		if (error && !nf->error)
			nf->error = error;
	}
	if (act & XFS_FAILURE_ACT_RECORD)
		fserror_report_data_lost(VFS_I(ip), imp->offset, imp->length,
				GFP_NOFS);
	xfs_irele(ip);
}

/* The XFS_SICK_AG_* flags of a group structure, or 0 if it has none. */
static unsigned int
xfs_notify_group_sick_mask(
	const struct xfs_failure_impact	*imp)
{
	switch (imp->owner) {
	case XFS_FOWN_BNOBT:
		return XFS_SICK_AG_BNOBT;
	case XFS_FOWN_CNTBT:
		return XFS_SICK_AG_CNTBT;
	case XFS_FOWN_AG_BTREE:
		/* Not read, or no btree block: any of the OWN_AG btrees. */
		return XFS_SICK_AG_BNOBT | XFS_SICK_AG_CNTBT |
		       XFS_SICK_AG_RMAPBT;
	case XFS_FOWN_RMAPBT:
		return XFS_SICK_AG_RMAPBT;
	case XFS_FOWN_INOBT:
		/* OWN_INOBT blocks are never read here: either btree. */
		return XFS_SICK_AG_INOBT | XFS_SICK_AG_FINOBT;
	case XFS_FOWN_FINOBT:
		return XFS_SICK_AG_FINOBT;
	case XFS_FOWN_REFCOUNTBT:
		return XFS_SICK_AG_REFCNTBT;
	case XFS_FOWN_INODES:
		return XFS_SICK_AG_INODES;
	case XFS_FOWN_FS_HEADERS:
		return (imp->headers & XFS_FAILURE_HDR_SB) ? XFS_SICK_AG_SB : 0;
	default:
		return 0;
	}
}

/* The XFS_SICK_INO_* flag of an inode structure, or 0 if it has none. */
static unsigned int
xfs_notify_inode_sick_mask(
	const struct xfs_failure_impact	*imp)
{
	switch (imp->owner) {
	case XFS_FOWN_BMBT:
		return XFS_SICK_INO_BMBTD;
	case XFS_FOWN_ATTR_BMBT:
		return XFS_SICK_INO_BMBTA;
	case XFS_FOWN_ATTR:
		return XFS_SICK_INO_XATTR;
	case XFS_FOWN_FILE_DATA:
		if (imp->itype == XFS_FAILURE_ITYPE_DIR)
			return XFS_SICK_INO_DIR;
		if (imp->itype == XFS_FAILURE_ITYPE_SYMLINK)
			return XFS_SICK_INO_SYMLINK;
		return XFS_SICK_INO_BMBTD;
	default:
		return 0;
	}
}

/* The rtgroup whose metadata inode @ip is, or NULL. */
static struct xfs_rtgroup *
xfs_notify_metafile_rtg(
	struct xfs_inode		*ip,
	enum xfs_rtg_inodes		which)
{
	struct xfs_rtgroup		*rtg = NULL;

	while ((rtg = xfs_rtgroup_next(ip->i_mount, rtg)))
		if (rtg->rtg_inodes[which] == ip)
			return rtg;
	return NULL;
}

/* The XFS_SICK_FS_* flag of a quota inode. */
static unsigned int
xfs_notify_quota_sick_mask(
	struct xfs_inode		*ip)
{
	struct xfs_sb			*sbp = &ip->i_mount->m_sb;

	if (xfs_is_metadir_inode(ip)) {
		switch (ip->i_metatype) {
		case XFS_METAFILE_USRQUOTA:
			return XFS_SICK_FS_UQUOTA;
		case XFS_METAFILE_GRPQUOTA:
			return XFS_SICK_FS_GQUOTA;
		default:
			return XFS_SICK_FS_PQUOTA;
		}
	}
	if (I_INO(ip) == sbp->sb_uquotino)
		return XFS_SICK_FS_UQUOTA;
	if (I_INO(ip) == sbp->sb_gquotino)
		return XFS_SICK_FS_GQUOTA;
	return XFS_SICK_FS_PQUOTA;
}

/*
 * A metadata file's loss is the loss of the structure it holds: mark that,
 * where scrub looks for it.  Returns false if @imp is no metadata file's.
 */
static bool
xfs_notify_metafile_sick(
	struct xfs_inode		*ip,
	const struct xfs_failure_impact	*imp)
{
	enum xfs_rtg_inodes		which;
	unsigned int			mask;
	struct xfs_rtgroup		*rtg;

	switch (imp->itype) {
	case XFS_FAILURE_ITYPE_QUOTA:
		xfs_fs_mark_sick(ip->i_mount, xfs_notify_quota_sick_mask(ip));
		return true;
	case XFS_FAILURE_ITYPE_METADIR:
		xfs_fs_mark_sick(ip->i_mount, XFS_SICK_FS_METADIR);
		return true;
	case XFS_FAILURE_ITYPE_RTBITMAP:
		which = XFS_RTGI_BITMAP;
		mask = XFS_SICK_RG_BITMAP;
		break;
	case XFS_FAILURE_ITYPE_RTSUMMARY:
		which = XFS_RTGI_SUMMARY;
		mask = XFS_SICK_RG_SUMMARY;
		break;
	case XFS_FAILURE_ITYPE_RTRMAP:
		which = XFS_RTGI_RMAP;
		mask = XFS_SICK_RG_RMAPBT;
		break;
	case XFS_FAILURE_ITYPE_RTREFC:
		which = XFS_RTGI_REFCOUNT;
		mask = XFS_SICK_RG_REFCNTBT;
		break;
	default:
		return false;
	}
	rtg = xfs_notify_metafile_rtg(ip, which);
	if (rtg) {
		xfs_group_mark_sick(rtg_group(rtg), mask);
		xfs_rtgroup_rele(rtg);
	} else {
		xfs_inode_mark_sick(ip, XFS_SICK_INO_BMBTD);
	}
	return true;
}

/*
 * Tell the core what kind of inode owns @imp, if it is in memory.  One that
 * is not is never read from the failing device for this: the core then
 * decides for any kind.  Metadata inodes are always in memory.
 */
static void
xfs_notify_set_itype(
	struct xfs_notify		*nf,
	struct xfs_failure_impact	*imp)
{
	struct xfs_inode		*ip;

	if (!xfs_failure_wants_itype(imp))
		return;
	if (xfs_iget(nf->mp, nf->tp, imp->ino, XFS_IGET_INCORE, 0, &ip))
		return;
	xfs_failure_set_itype(imp, xfs_failure_inode_itype(&nf->mp->m_sb,
			I_INO(ip), VFS_I(ip)->i_mode, xfs_is_metadir_inode(ip),
			ip->i_metatype));
	xfs_irele(ip);
}

/*
 * Record a loss that other metadata can rebuild (or that loses one file's
 * metadata) in the health tracking, where scrub and the health monitor find
 * it, instead of taking the whole filesystem down.
 */
static void
xfs_notify_sick(
	struct xfs_notify		*nf,
	const struct xfs_failure_impact	*imp)
{
	struct xfs_mount		*mp = nf->mp;
	struct xfs_inode		*ip;
	unsigned int			mask;

	mask = xfs_notify_inode_sick_mask(imp);
	if (mask) {
		bool	incore;

		incore = !xfs_iget(mp, nf->tp, imp->ino, XFS_IGET_INCORE, 0,
				&ip);
		if (incore) {
			if (!xfs_notify_metafile_sick(ip, imp))
				xfs_inode_mark_sick(ip, mask);
			xfs_irele(ip);
		} else {
			/*
			 * Reading the inode in from a failing device only to
			 * mark it would be a bad idea.  Say instead what the
			 * kernel says of a bad inode it has let go: that the
			 * AG has one, so that scrub looks at its inodes.
			 */
			xfs_agno_mark_sick(mp, XFS_INO_TO_AGNO(mp, imp->ino),
					XFS_SICK_AG_INODES);
		}
		xfs_warn_ratelimited(mp,
"%s: %s of %s ino 0x%llx lost at daddr 0x%llx, %llu sectors, %s",
			xfs_notify_loss_name(nf),
			xfs_failure_owner_name(imp->owner),
			xfs_failure_itype_name(imp->itype), imp->ino,
			imp->daddr, imp->bbcount,
			incore ? "marked sick" :
				 "not in memory: its AG's inodes marked sick");
		return;
	}

	if (imp->dev == XFS_FAILURE_DEV_RT) {
		/* Only the rt superblock is a group structure on the device. */
		if (imp->owner == XFS_FOWN_FS_HEADERS)
			xfs_rgno_mark_sick(mp, imp->agno, XFS_SICK_RG_SUPER);
	} else {
		mask = xfs_notify_group_sick_mask(imp);
		if (mask)
			xfs_agno_mark_sick(mp, imp->agno, mask);
	}
	xfs_warn_ratelimited(mp,
"%s: %s of %s %u lost at daddr 0x%llx, %llu sectors, marked sick",
		xfs_notify_loss_name(nf),
		xfs_failure_owner_name(imp->owner),
		imp->dev == XFS_FAILURE_DEV_RT ? "rtgroup" : "AG", imp->agno,
		imp->daddr, imp->bbcount);
}

/* Carry out what the core decided for one impact. */
static void
xfs_notify_act(
	struct xfs_notify		*nf,
	const struct xfs_failure_impact	*imp)
{
	unsigned int			act = xfs_failure_actions(imp, nf->mode);

	if (imp->owner == XFS_FOWN_FILE_DATA &&
	    (act & (XFS_FAILURE_ACT_KILL | XFS_FAILURE_ACT_UNMAP)))
		xfs_notify_file(nf, imp, act);
	else if (act & XFS_FAILURE_ACT_RECORD)
		xfs_alert_ratelimited(nf->mp,
"%s: %s lost: ino 0x%llx daddr 0x%llx, %llu sectors",
			xfs_notify_loss_name(nf),
			xfs_failure_owner_name(imp->owner), imp->ino,
			imp->daddr, imp->bbcount);

	if (act & XFS_FAILURE_ACT_SICK)
		xfs_notify_sick(nf, imp);

	if ((act & XFS_FAILURE_ACT_SHUTDOWN) &&
	    imp->dev == XFS_FAILURE_DEV_LOG) {
		xfs_alert_ratelimited(nf->mp,
"media failure: log lost at daddr 0x%llx of the log device, %llu sectors: cannot go on",
			imp->daddr, imp->bbcount);
		nf->want_shutdown = true;
	} else if (act & XFS_FAILURE_ACT_SHUTDOWN) {
		xfs_alert_ratelimited(nf->mp,
"%s: %s of %s %u lost at daddr 0x%llx, %llu sectors: cannot go on",
			xfs_notify_loss_name(nf),
			xfs_failure_owner_name(imp->owner),
			imp->dev == XFS_FAILURE_DEV_RT ? "rtgroup" : "AG",
			imp->agno, imp->daddr, imp->bbcount);
		nf->want_shutdown = true;
	}
}

/* The btree the block at @daddr belongs to, or unknown if unreadable. */
static enum xfs_failure_owner
xfs_notify_block_owner(
	struct xfs_notify		*nf,
	xfs_daddr_t			daddr)
{
	struct xfs_mount		*mp = nf->mp;
	enum xfs_failure_owner		owner;
	struct xfs_buf			*bp;

	/*
	 * Through our transaction: the rmapbt cursor of the walk holds the
	 * buffers of its path, and OWN_AG blocks include the rmapbt's own.
	 */
	if (xfs_trans_read_buf(mp, nf->tp, mp->m_ddev_targp, daddr,
			XFS_FSB_TO_BB(mp, 1), 0, &bp, NULL))
		return XFS_FOWN_UNKNOWN;
	owner = xfs_failure_btree_block_owner(bp->b_addr, daddr, nf->gno);
	xfs_trans_brelse(nf->tp, bp);
	return owner;
}

/*
 * One rmap record covers OWN_AG blocks of bnobt, cntbt, rmapbt and the AGFL
 * alike.  Which btree lost a block decides what is marked sick, so tell
 * them apart one block at a time by magic and let the core decide for each.
 * These blocks belong under the AGF we hold.  A block that cannot be read
 * (real poison) keeps the core's answer for any of them.
 */
static void
xfs_notify_btree_blocks(
	struct xfs_notify		*nf,
	const struct xfs_failure_impact	*imp)
{
	uint64_t			bpb = XFS_FSB_TO_BB(nf->mp, 1);
	uint64_t			end = imp->daddr + imp->bbcount;
	uint64_t			blk = round_down(imp->daddr, bpb);

	for (; blk < end; blk += bpb) {
		struct xfs_failure_impact one = *imp;

		one.daddr = max(imp->daddr, blk);
		one.bbcount = min(end, blk + bpb) - one.daddr;
		one.length = one.bbcount << BBSHIFT;
		xfs_failure_refine_owner(&one, xfs_notify_block_owner(nf, blk));
		xfs_notify_act(nf, &one);
	}
}

static int
xfs_notify_rmap_fn(
	struct xfs_btree_cur		*cur,
	const struct xfs_rmap_irec	*rec,
	void				*data)
{
	struct xfs_notify		*nf = data;
	struct xfs_failure_impact	imp;

	/* The kernel cannot prove a log hit harmless: assume it is live. */
	if (!xfs_failure_rmap_impact(&nf->geo, &nf->fr, nf->gno, rec,
			XFS_FAILURE_LOG_HINTS, &imp))
		return 0;
	xfs_notify_set_itype(nf, &imp);
	/*
	 * Nothing is lost on removal: no need to read what the block was.
	 * OWN_INOBT blocks are never read here: they belong under the AGI,
	 * which must not be taken after the AGF, and either inode btree is
	 * rebuildable.
	 */
	if (nf->mode == XFS_FAILURE_MEDIA && imp.owner == XFS_FOWN_AG_BTREE)
		xfs_notify_btree_blocks(nf, &imp);
	else
		xfs_notify_act(nf, &imp);
	/* Go on whatever happened: every lost range must be reported. */
	return 0;
}

static int
xfs_notify_rtmap_fn(
	struct xfs_btree_cur		*cur,
	const struct xfs_rmap_irec	*rec,
	void				*data)
{
	struct xfs_notify		*nf = data;
	struct xfs_failure_impact	imp;
	uint64_t			rtblock;

	rtblock = xfs_failure_rtgroup_block(&nf->geo, nf->gno,
			rec->rm_startblock);
	if (xfs_failure_rtmap_impact(&nf->geo, &nf->fr, rtblock, rec,
			XFS_FAILURE_LOG_HINTS, &imp)) {
		xfs_notify_set_itype(nf, &imp);
		xfs_notify_act(nf, &imp);
	}
	return 0;
}

/* Walk the data device's AGs that the failed range touches. */
static int
xfs_notify_data(
	struct xfs_notify		*nf)
{
	struct xfs_mount		*mp = nf->mp;
	struct xfs_failure_group	grp;
	int				error = 0;

	xfs_failure_first_group(&grp);
	while (xfs_failure_next_group(&nf->geo, &nf->fr, &grp)) {
		struct xfs_perag	*pag;
		struct xfs_buf		*agf_bp;
		struct xfs_btree_cur	*cur;
		struct xfs_rmap_irec	ri_low = { };
		struct xfs_rmap_irec	ri_high;

		pag = xfs_perag_get(mp, grp.agno);
		if (!pag)
			return -EFSCORRUPTED;
		error = xfs_alloc_read_agf(pag, nf->tp, 0, &agf_bp);
		if (error) {
			xfs_perag_put(pag);
			return error;
		}
		cur = xfs_rmapbt_init_cursor(mp, nf->tp, agf_bp, pag);
		memset(&ri_high, 0xFF, sizeof(ri_high));
		ri_low.rm_startblock = grp.low_agbno;
		ri_high.rm_startblock = grp.high_agbno;
		nf->gno = grp.agno;
		error = xfs_rmap_query_range(cur, &ri_low, &ri_high,
				xfs_notify_rmap_fn, nf);
		xfs_btree_del_cursor(cur, error);
		xfs_trans_brelse(nf->tp, agf_bp);
		xfs_perag_put(pag);
		if (error)
			return error;
	}
	return 0;
}

/* Walk the rtgroups that the failed range of the realtime device touches. */
static int
xfs_notify_rt(
	struct xfs_notify		*nf)
{
	struct xfs_mount		*mp = nf->mp;
	struct xfs_failure_group	grp;
	int				error = 0;

	if (!nf->geo.rgblocks || !xfs_has_rtrmapbt(mp))
		return -EOPNOTSUPP;
	xfs_failure_first_group(&grp);
	while (xfs_failure_next_rtgroup(&nf->geo, &nf->fr, &grp)) {
		struct xfs_rtgroup	*rtg;
		struct xfs_btree_cur	*cur;
		struct xfs_rmap_irec	ri_low = { };
		struct xfs_rmap_irec	ri_high;

		rtg = xfs_rtgroup_get(mp, grp.agno);
		if (!rtg)
			return -EFSCORRUPTED;
		memset(&ri_high, 0xFF, sizeof(ri_high));
		ri_low.rm_startblock = grp.low_agbno;
		ri_high.rm_startblock = grp.high_agbno;
		nf->gno = grp.agno;
		xfs_rtgroup_lock(rtg, XFS_RTGLOCK_RMAP);
		cur = xfs_rtrmapbt_init_cursor(nf->tp, rtg);
		error = xfs_rmap_query_range(cur, &ri_low, &ri_high,
				xfs_notify_rtmap_fn, nf);
		xfs_btree_del_cursor(cur, error);
		xfs_rtgroup_unlock(rtg, XFS_RTGLOCK_RMAP);
		xfs_rtgroup_put(rtg);
		if (error)
			return error;
	}
	return 0;
}

static int
xfs_dax_notify_failure_freeze(
	struct xfs_mount	*mp)
{
	struct super_block	*sb = mp->m_super;
	int			error;

	error = freeze_super(sb, FREEZE_HOLDER_KERNEL, NULL);
	if (error)
		xfs_emerg(mp, "already frozen by kernel, err=%d", error);

	return error;
}

static void
xfs_dax_notify_failure_thaw(
	struct xfs_mount	*mp,
	bool			kernel_frozen)
{
	struct super_block	*sb = mp->m_super;
	int			error;

	if (kernel_frozen) {
		error = thaw_super(sb, FREEZE_HOLDER_KERNEL, NULL);
		if (error)
			xfs_emerg(mp, "still frozen after notify failure, err=%d",
				error);
	}

	/*
	 * Also thaw userspace call anyway because the device is about to be
	 * removed immediately.
	 */
	thaw_super(sb, FREEZE_HOLDER_USERSPACE, NULL);
}

static int
xfs_dax_translate_range(
	struct xfs_buftarg	*btp,
	u64			offset,
	u64			len,
	xfs_daddr_t		*daddr,
	uint64_t		*bblen)
{
	u64			dev_start = btp->bt_dax_part_off;
	u64			dev_len = BBTOB(btp->bt_nr_sectors);
	u64			dev_end = dev_start + dev_len - 1;

	/* Notify failure on the whole device. */
	if (offset == 0 && len == U64_MAX) {
		offset = dev_start;
		len = dev_len;
	}

	/* Ignore the range out of filesystem area */
	if (offset + len - 1 < dev_start)
		return -ENXIO;
	if (offset > dev_end)
		return -ENXIO;

	/* Calculate the real range when it touches the boundary */
	if (offset > dev_start)
		offset -= dev_start;
	else {
		len -= dev_start - offset;
		offset = 0;
	}
	if (offset + len - 1 > dev_end)
		len = dev_end - offset + 1;

	*daddr = BTOBB(offset);
	*bblen = BTOBB(len);
	return 0;
}

/*
 * The external log device: the whole device is the log.  Its removal loses
 * nothing yet, but the filesystem cannot go on without it: say so, as
 * removal, not as lost log blocks (the core decides no action on removal).
 */
static void
xfs_dax_notify_logdev_failure(
	struct xfs_notify	*nf)
{
	struct xfs_failure_impact imp;

	xfs_healthmon_report_media(nf->mp, XFS_DEV_LOG, nf->fr.daddr,
			nf->fr.bbcount);
	if (nf->mode == XFS_FAILURE_PRE_REMOVE) {
		xfs_alert(nf->mp,
"device removal: the external log device is going away: cannot go on");
		return;
	}
	if (xfs_failure_log_impact(&nf->geo, &nf->fr, XFS_FAILURE_LOG_HINTS,
			&imp))
		xfs_notify_act(nf, &imp);
}

/*
 * The realtime device is gone for good and the filesystem goes on without it
 * (xfs_failure_device_loss()): every rt file's lost ranges were reported by
 * the walk.  From now on rt reads, writes and faults fail with -EIO, and rt
 * allocation finds no space (xfs_iomap.c, xfs_rtalloc.c); the block layer's
 * removal of the device no longer shuts down (xfs_fs_remove_bdev()).  The
 * rtgroup superblock is the one thing metadata updates still wrote to the
 * device (xfs_log_rtsb(), xfs_sync_sb_buf()): both skip it once the
 * mount has no rt superblock buffer, so let go of it.  Called with the
 * filesystem frozen: no transaction holds that buffer, the log is clean.
 */
static void
xfs_notify_rt_offline(
	struct xfs_notify	*nf)
{
	struct xfs_mount	*mp = nf->mp;
	xfs_rgnumber_t		rgno;

	xfs_set_rt_offline(mp);
	xfs_rtmount_freesb(mp);
	for (rgno = 0; rgno < mp->m_sb.sb_rgcount; rgno++)
		xfs_rgno_mark_sick(mp, rgno, XFS_SICK_RG_SUPER);
	xfs_alert(mp,
"%s of the realtime device: realtime section offline, %u rtgroups marked sick, %llu file ranges lost",
		nf->mf_flags & MF_MEM_PRE_REMOVE ? "removal" : "loss",
		mp->m_sb.sb_rgcount, nf->files);
}

/*
 * The filesystem goes down once, after the walk, so that every lost range is
 * reported first: on removal because the device is going away whatever we
 * found, on media loss if the core said so for any record.
 */
static int
xfs_notify_finish(
	struct xfs_notify	*nf,
	int			error)
{
	struct xfs_mount	*mp = nf->mp;

	/* -EOPNOTSUPP: xfs_notify_can_walk() refused, nothing was walked. */
	if (nf->fr.dev != XFS_FAILURE_DEV_LOG && error)
		xfs_notice(mp,
"%s failure at daddr 0x%llx, %llu sectors: rmap walk %s, error %d: %llu file ranges, %llu of inodes in memory",
			xfs_notify_mode_name(nf), nf->fr.daddr,
			nf->fr.bbcount,
			error == -EOPNOTSUPP ? "not run" : "stopped",
			error, nf->files, nf->incore);
	else if (nf->fr.dev != XFS_FAILURE_DEV_LOG)
		xfs_notice(mp,
"%s failure at daddr 0x%llx, %llu sectors: %llu file ranges, %llu of inodes in memory",
			xfs_notify_mode_name(nf), nf->fr.daddr,
			nf->fr.bbcount, nf->files, nf->incore);
	/*
	 * The realtime section goes offline if the walk could name every lost
	 * range and found nothing else that needs a shutdown.
	 */
	if (nf->mode == XFS_FAILURE_DEVICE_LOST && !error &&
	    !nf->want_shutdown) {
		xfs_notify_rt_offline(nf);
		return 0;
	}
	/*
	 * A removal is not a user's forced unmount (what stock says, with
	 * "User initiated shutdown" and "Metadata I/O Error"): say what the
	 * block layer says when a device goes away under us.
	 */
	if (nf->mf_flags & MF_MEM_PRE_REMOVE) {
		xfs_force_shutdown(mp, SHUTDOWN_DEVICE_REMOVED);
		return error;
	}
	if (error || nf->want_shutdown) {
		xfs_force_shutdown(mp, SHUTDOWN_CORRUPT_ONDISK);
		return error ? error : -EFSCORRUPTED;
	}
	return nf->error;
}

/*
 * Can the rmap btrees say what the failed range held?  Not without rmapbt.
 * Not on a zoned realtime device, which this walk has never been tried on,
 * nor on an internal realtime section (sb_rtstart): the data and realtime
 * sections then share one device, and a range of it would need to be split
 * between the AGs and the rtgroups, which the rtgroup walk, counting from
 * the start of the device, does not do.  A media failure there is not
 * handled (-EOPNOTSUPP, as without rmapbt); a removal still shuts down
 * and revokes every mapping, which needs no metadata.
 */
static int
xfs_notify_can_walk(
	struct xfs_notify	*nf)
{
	struct xfs_mount	*mp = nf->mp;

	if (!xfs_has_rmapbt(mp)) {
		xfs_debug(mp, "notify_failure() needs rmapbt enabled!");
		return -EOPNOTSUPP;
	}
	if (nf->fr.dev != XFS_FAILURE_DEV_RT)
		return 0;
	if (xfs_has_zoned(mp)) {
		xfs_warn_ratelimited(mp,
"%s failure on a zoned realtime device: owners not looked up",
			xfs_notify_mode_name(nf));
		return -EOPNOTSUPP;
	}
	if (mp->m_sb.sb_rtstart) {
		xfs_warn_ratelimited(mp,
"%s failure on a device with an internal realtime section: owners not looked up",
			xfs_notify_mode_name(nf));
		return -EOPNOTSUPP;
	}
	return 0;
}

static int
xfs_dax_notify_failure(
	struct dax_device	*dax_dev,
	u64			offset,
	u64			len,
	int			mf_flags)
{
	struct xfs_mount	*mp = dax_holder(dax_dev);
	struct xfs_notify	nf = {
		.mp		= mp,
		.mf_flags	= mf_flags,
		.mode		= (mf_flags & MF_MEM_PRE_REMOVE) ?
				  XFS_FAILURE_PRE_REMOVE : XFS_FAILURE_MEDIA,
	};
	struct xfs_buftarg	*btp;
	bool			kernel_frozen = false;
	xfs_daddr_t		daddr;
	uint64_t		bblen;
	int			error;

	if (!(mp->m_super->s_flags & SB_BORN)) {
		xfs_warn(mp, "filesystem is not ready for notify_failure()!");
		return -EIO;
	}

	if (mp->m_logdev_targp != mp->m_ddev_targp &&
	    mp->m_logdev_targp->bt_daxdev == dax_dev) {
		btp = mp->m_logdev_targp;
		nf.fr.dev = XFS_FAILURE_DEV_LOG;
	} else if (mp->m_rtdev_targp &&
		   mp->m_rtdev_targp->bt_daxdev == dax_dev) {
		btp = mp->m_rtdev_targp;
		nf.fr.dev = XFS_FAILURE_DEV_RT;
	} else {
		btp = mp->m_ddev_targp;
		nf.fr.dev = XFS_FAILURE_DEV_DATA;
	}

	error = xfs_dax_translate_range(btp, offset, len, &daddr, &bblen);
	if (error)
		return error;
	xfs_notify_geo(mp, &nf.geo);
	nf.fr.daddr = daddr;
	nf.fr.bbcount = bblen;
	/* Past the end of the filesystem nothing of ours was there. */
	if (xfs_failure_range_check(&nf.geo, &nf.fr))
		return -ENXIO;

	/* Nothing of an offline realtime section is in use any more. */
	if (nf.fr.dev == XFS_FAILURE_DEV_RT && xfs_is_rt_offline(mp))
		return 0;

	if (nf.fr.dev == XFS_FAILURE_DEV_LOG) {
		xfs_dax_notify_logdev_failure(&nf);
		return xfs_notify_finish(&nf, 0);
	}

	xfs_healthmon_report_media(mp, nf.fr.dev == XFS_FAILURE_DEV_RT ?
			XFS_DEV_RT : XFS_DEV_DATA, nf.fr.daddr, nf.fr.bbcount);

	error = xfs_notify_can_walk(&nf);
	if (error && nf.mode != XFS_FAILURE_PRE_REMOVE)
		return error;

	/*
	 * Losing a whole device: the core says whether the filesystem can go
	 * on without it.  Then the walk reports what was lost, as on media
	 * failure, and the sweep revokes the mappings, as on removal.
	 */
	if (!error && (nf.mode == XFS_FAILURE_PRE_REMOVE ||
		       xfs_failure_range_whole(&nf.geo, &nf.fr)) &&
	    (xfs_failure_device_loss(&nf.geo, nf.fr.dev,
			xfs_has_rtrmapbt(mp)) & XFS_FAILURE_ACT_OFFLINE))
		nf.mode = XFS_FAILURE_DEVICE_LOST;

	if (nf.mode != XFS_FAILURE_MEDIA) {
		if (mf_flags & MF_MEM_PRE_REMOVE)
			xfs_info(mp, "Device is about to be removed!");
		/*
		 * Freeze fs to prevent new mappings from being created.
		 * - Keep going on if others already hold the kernel forzen.
		 * - Keep going on if other errors too because this device is
		 *   starting to fail.
		 * - If kernel frozen state is hold successfully here, thaw it
		 *   here as well at the end.
		 */
		kernel_frozen = xfs_dax_notify_failure_freeze(mp) == 0;
	}

	if (!error) {
		nf.tp = xfs_trans_alloc_empty(mp);
		if (nf.fr.dev == XFS_FAILURE_DEV_RT)
			error = xfs_notify_rt(&nf);
		else
			error = xfs_notify_data(&nf);
		xfs_trans_cancel(nf.tp);
	}

	error = xfs_notify_finish(&nf, error);

	if (nf.mode != XFS_FAILURE_MEDIA) {
		xfs_notify_sweep(mp, dax_dev, mf_flags);
		/* Thaw the fs if it has been frozen before. */
		xfs_dax_notify_failure_thaw(mp, kernel_frozen);
	}

	return error;
}

const struct dax_holder_operations xfs_dax_holder_operations = {
	.notify_failure		= xfs_dax_notify_failure,
};
