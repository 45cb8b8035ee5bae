// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Copyright (c) 2026 The pmemfail authors.
 *
 * The realtime device engine for filesystems without realtime rmap, which
 * is every filesystem made by xfsprogs before 6.14.  Nothing on disk maps a
 * realtime block back to its owner, so owners are found forwards: every
 * inode cluster is read once, and only the inodes with the realtime flag
 * have their data forks mapped.  Their extents are clipped to the failed
 * range, the free extents come from the realtime bitmap, and a block that
 * is neither is reported as having an unknown owner.  The cost is one read
 * per inode cluster plus the realtime files' extent maps -- not a read of
 * every inode's forks, and not a walk of the directory tree.
 */
#include "pmf_priv.h"

/* One realtime mapping, at a device block that may not fit 32 bits. */
struct pmf_rtrec {
	uint64_t		rtblock;	/* first device block */
	uint64_t		len;		/* blocks */
	struct xfs_rmap_irec	rec;		/* owner, offset, flags */
	bool			free;
	unsigned int		hints;		/* XFS_FAILURE_SHARED */
};

struct pmf_rtscan {
	struct pmf_fs		*fs;
	uint64_t		first;		/* failed device blocks, */
	uint64_t		last;		/* inclusive */
	struct pmf_rtrec	*recs;
	size_t			nr;
	size_t			cap;
	/* The inode cluster being read, kept across its inodes. */
	struct xfs_buf		*bp;
	xfs_daddr_t		bp_daddr;
	/* Progress through the allocated inodes. */
	uint64_t		seen;
};

static int
pmf_rt_add(
	struct pmf_rtscan	*rs,
	uint64_t		rtblock,
	uint64_t		len,
	const struct xfs_rmap_irec *rec,
	bool			free,
	unsigned int		hints)
{
	struct pmf_rtrec	*r;
	int			error;

	if (len == 0 || rtblock > rs->last || rtblock + len <= rs->first)
		return 0;
	error = pmf_grow((void **)&rs->recs, &rs->cap, rs->nr + 1,
			sizeof(*rs->recs));
	if (error)
		return error;
	r = &rs->recs[rs->nr++];
	r->rtblock = rtblock;
	r->len = len;
	r->rec = *rec;
	r->free = free;
	r->hints = hints;
	return 0;
}

/* Realtime block numbers may be rtgroup-segmented; the device is not. */
static uint64_t
pmf_rt_devblock(
	struct xfs_mount	*mp,
	xfs_rtblock_t		rtbno)
{
	return XFS_BB_TO_FSBT(mp, xfs_rtb_to_daddr(mp, rtbno));
}

/* Map the data fork of one realtime file. */
static int
pmf_rt_file(
	struct pmf_rtscan	*rs,
	xfs_ino_t		ino)
{
	struct xfs_mount	*mp = rs->fs->mp;
	struct xfs_iext_cursor	icur;
	struct xfs_bmbt_irec	got;
	struct xfs_inode	*ip;
	int			error;

	error = libxfs_iget(mp, NULL, ino, 0, &ip);
	if (error)
		return pmf_seterr(rs->fs, error, "cannot read inode %llu: %s",
				(unsigned long long)ino, strerror(-error));
	error = libxfs_iread_extents(NULL, ip, XFS_DATA_FORK);
	if (error) {
		pmf_seterr(rs->fs, error,
				"inode %llu: cannot map its realtime extents: %s",
				(unsigned long long)ino, strerror(-error));
		goto out;
	}
	for_each_xfs_iext(&ip->i_df, &icur, &got) {
		struct xfs_rmap_irec	rec = {
			.rm_blockcount	= got.br_blockcount,
			.rm_owner	= ino,
			.rm_offset	= got.br_startoff,
		};

		if (isnullstartblock(got.br_startblock))
			continue;
		if (got.br_state == XFS_EXT_UNWRITTEN)
			rec.rm_flags |= XFS_RMAP_UNWRITTEN;
		error = pmf_rt_add(rs, pmf_rt_devblock(mp, got.br_startblock),
				got.br_blockcount, &rec, false, 0);
		if (error)
			break;
	}
out:
	libxfs_irele(ip);
	return error;
}

/* Read the inode cluster at @daddr unless it is the one already held. */
static int
pmf_rt_cluster(
	struct pmf_rtscan	*rs,
	xfs_agnumber_t		agno,
	xfs_agblock_t		agbno)
{
	struct xfs_mount	*mp = rs->fs->mp;
	xfs_daddr_t		daddr = XFS_AGB_TO_DADDR(mp, agno, agbno);
	int			error;

	if (rs->bp && rs->bp_daddr == daddr)
		return 0;
	if (rs->bp)
		libxfs_buf_relse(rs->bp);
	rs->bp = NULL;
	error = libxfs_buf_read(mp->m_ddev_targp, daddr,
			XFS_FSB_TO_BB(mp, M_IGEO(mp)->blocks_per_cluster), 0,
			&rs->bp, &xfs_inode_buf_ops);
	if (error)
		return pmf_seterr(rs->fs, error,
				"AG %u: cannot read the inode cluster at block %u: %s",
				agno, agbno, strerror(-error));
	rs->bp_daddr = daddr;
	return 0;
}

/*
 * Does the on-disk inode hold realtime file data?  Decided from the
 * cluster buffer, so that the other inodes cost no inode read at all.
 */
static bool
pmf_rt_dinode_is_rt(
	const struct xfs_dinode	*dip)
{
	if (be16_to_cpu(dip->di_magic) != XFS_DINODE_MAGIC)
		return false;
	if (!S_ISREG(be16_to_cpu(dip->di_mode)))
		return false;
	if (!(be16_to_cpu(dip->di_flags) & XFS_DIFLAG_REALTIME))
		return false;
	return dip->di_format == XFS_DINODE_FMT_EXTENTS ||
	       dip->di_format == XFS_DINODE_FMT_BTREE;
}

/* The realtime files among the allocated inodes of one inobt record. */
static int
pmf_rt_chunk_fn(
	struct xfs_btree_cur		*cur,
	const union xfs_btree_rec	*rec,
	void				*priv)
{
	struct pmf_rtscan		*rs = priv;
	struct xfs_mount		*mp = cur->bc_mp;
	struct xfs_ino_geometry		*igeo = M_IGEO(mp);
	xfs_agnumber_t			agno = pag_agno(to_perag(cur->bc_group));
	struct xfs_inobt_rec_incore	irec;
	xfs_agblock_t			chunk_agbno;
	int				error;

	xfs_inobt_btrec_to_irec(mp, rec, &irec);
	chunk_agbno = XFS_AGINO_TO_AGBNO(mp, irec.ir_startino);
	for (unsigned int i = 0; i < XFS_INODES_PER_CHUNK; i++) {
		xfs_agino_t		agino = irec.ir_startino + i;
		xfs_agblock_t		agbno = XFS_AGINO_TO_AGBNO(mp, agino);
		xfs_agblock_t		cluster_agbno;
		unsigned int		offset;
		struct xfs_dinode	*dip;

		if (irec.ir_holemask & (1U << (i / XFS_INODES_PER_HOLEMASK_BIT)))
			continue;
		/* sb_icount counts the free inodes of a chunk too. */
		rs->seen++;
		if (irec.ir_free & XFS_INOBT_MASK(i))
			continue;
		/* The cluster layout xfs_imap() uses for a known chunk. */
		cluster_agbno = chunk_agbno +
				(agbno - chunk_agbno) / igeo->blocks_per_cluster *
				igeo->blocks_per_cluster;
		offset = (agbno - cluster_agbno) * mp->m_sb.sb_inopblock +
			 XFS_AGINO_TO_OFFSET(mp, agino);
		error = pmf_rt_cluster(rs, agno, cluster_agbno);
		if (error)
			return error;
		dip = xfs_buf_offset(rs->bp, offset << mp->m_sb.sb_inodelog);
		if (!pmf_rt_dinode_is_rt(dip))
			continue;
		error = pmf_rt_file(rs, XFS_AGINO_TO_INO(mp, agno, agino));
		if (error)
			return error;
	}
	pmf_progress(rs->fs, rs->seen, rs->fs->mp->m_sb.sb_icount);
	return 0;
}

static int
pmf_rt_scan_inodes(
	struct pmf_rtscan	*rs)
{
	int			error;

	error = pmf_inobt_walk(rs->fs, pmf_rt_chunk_fn, rs);
	if (rs->bp)
		libxfs_buf_relse(rs->bp);
	rs->bp = NULL;
	return error;
}

static int
pmf_rt_free_fn(
	struct xfs_rtgroup		*rtg,
	struct xfs_trans		*tp,
	const struct xfs_rtalloc_rec	*rec,
	void				*priv)
{
	struct pmf_rtscan		*rs = priv;
	struct xfs_mount		*mp = rtg_mount(rtg);
	struct xfs_rmap_irec		none = { .rm_owner = XFS_RMAP_OWN_NULL };
	xfs_rtblock_t			rtbno;

	rtbno = xfs_rgbno_to_rtb(rtg, xfs_rtx_to_rgbno(rtg, rec->ar_startext));
	return pmf_rt_add(rs, pmf_rt_devblock(mp, rtbno),
			xfs_rtxlen_to_extlen(mp, rec->ar_extcount), &none, true, 0);
}

/* The free extents of one rtgroup's part of the range, from its bitmap. */
static int
pmf_rt_group_free(
	struct pmf_rtscan	*rs,
	struct xfs_rtgroup	*rtg)
{
	struct xfs_mount	*mp = rtg_mount(rtg);
	uint64_t		gfirst = pmf_rt_devblock(mp, xfs_rgbno_to_rtb(rtg, 0));
	uint64_t		gblocks = rtg->rtg_extents * mp->m_sb.sb_rextsize;
	uint64_t		lo, hi;
	struct xfs_trans	*tp;
	int			error;

	if (rs->first >= gfirst + gblocks || rs->last < gfirst)
		return 0;
	lo = max(rs->first, gfirst) - gfirst;
	hi = min(rs->last, gfirst + gblocks - 1) - gfirst;

	error = pmf_trans_alloc_empty(mp, &tp);
	if (error)
		return error;
	/* With rtgroups the bitmaps are found under the metadir's /rtgroups. */
	if (xfs_has_rtgroups(mp) && !mp->m_rtdirip)
		error = libxfs_rtginode_load_parent(tp);
	/* libxfs_umount() lets go of whatever got loaded here. */
	if (!error && !rtg->rtg_inodes[XFS_RTGI_BITMAP])
		error = libxfs_rtginode_load(rtg, XFS_RTGI_BITMAP, tp);
	if (!error && !rtg->rtg_inodes[XFS_RTGI_BITMAP])
		error = -EFSCORRUPTED;
	/*
	 * The query finds nothing when start == end, so ask for one more
	 * extent than the range covers; what lies past it is clipped off.
	 */
	if (!error)
		error = xfs_rtalloc_query_range(rtg, tp,
				div_u64(lo, mp->m_sb.sb_rextsize),
				div_u64(hi, mp->m_sb.sb_rextsize) + 1,
				pmf_rt_free_fn, rs);
	libxfs_trans_cancel(tp);
	if (error)
		pmf_seterr(rs->fs, error,
				"rtgroup %u: cannot read the realtime bitmap: %s",
				rtg_rgno(rtg), strerror(-error));
	return error;
}

static int
pmf_rt_scan_free(
	struct pmf_rtscan	*rs)
{
	struct xfs_rtgroup	*rtg = NULL;
	int			error = 0;

	while ((rtg = xfs_rtgroup_next(rs->fs->mp, rtg))) {
		error = pmf_rt_group_free(rs, rtg);
		if (error) {
			xfs_rtgroup_rele(rtg);
			break;
		}
	}
	return error;
}

/*
 * The realtime superblock heads rtgroup 0 of a filesystem that has one.
 * The bitmap can only mark whole rt extents in use, so the rest of the
 * first rt extent goes with it.
 */
static int
pmf_rt_scan_sb(
	struct pmf_rtscan	*rs)
{
	xfs_extlen_t		len = rs->fs->mp->m_sb.sb_rextsize;
	struct xfs_rmap_irec	rec = {
		.rm_blockcount	= len,
		.rm_owner	= XFS_RMAP_OWN_FS,
	};

	if (!xfs_has_rtsb(rs->fs->mp))
		return 0;
	return pmf_rt_add(rs, 0, len, &rec, false, 0);
}

#ifdef HAVE_LIBXFS_RTRMAP
/* One rtgroup's walk of its rmap btree over the failed range. */
struct pmf_rtrmap {
	struct pmf_rtscan	*rs;
	struct xfs_rtgroup	*rtg;
	struct xfs_trans	*tp;
	struct xfs_btree_cur	*refc_cur;	/* lazily made */
};

/*
 * Is any block of the record's part of the failed range shared?  Asked of
 * the rtgroup's refcount btree over the clipped part, as the data device
 * engine asks the AG's.
 */
static int
pmf_rtrmap_shared(
	struct pmf_rtrmap		*w,
	const struct xfs_rmap_irec	*rec,
	uint64_t			rtblock,
	unsigned int			*hints)
{
	struct pmf_rtscan		*rs = w->rs;
	uint64_t			lo = max(rtblock, rs->first);
	uint64_t			hi = min(rtblock + rec->rm_blockcount - 1,
						 rs->last);
	xfs_agblock_t			fbno;
	xfs_extlen_t			flen;
	int				error;

	if (!xfs_has_reflink(rs->fs->mp) ||
	    XFS_RMAP_NON_INODE_OWNER(rec->rm_owner) ||
	    (rec->rm_flags & (XFS_RMAP_ATTR_FORK | XFS_RMAP_BMBT_BLOCK)) ||
	    lo > hi)
		return 0;
	if (!w->refc_cur)
		w->refc_cur = libxfs_rtrefcountbt_init_cursor(w->tp, w->rtg);
	error = xfs_refcount_find_shared(w->refc_cur,
			rec->rm_startblock + (lo - rtblock), hi - lo + 1,
			&fbno, &flen, false);
	if (!error && flen > 0)
		*hints |= XFS_FAILURE_SHARED;
	return error;
}

static int
pmf_rtrmap_fn(
	struct xfs_btree_cur		*cur,
	const struct xfs_rmap_irec	*rec,
	void				*priv)
{
	struct pmf_rtrmap		*w = priv;
	uint64_t			rtblock;
	unsigned int			hints = 0;
	int				error;

	rtblock = xfs_failure_rtgroup_block(&w->rs->fs->fgeo,
			rtg_rgno(w->rtg), rec->rm_startblock);
	error = pmf_rtrmap_shared(w, rec, rtblock, &hints);
	if (error)
		return error;
	return pmf_rt_add(w->rs, rtblock, rec->rm_blockcount, rec, false,
			hints);
}

/* Load what the walk of one rtgroup needs: its rmap and refcount inodes. */
static int
pmf_rtrmap_load(
	struct pmf_rtrmap	*w)
{
	struct xfs_mount	*mp = rtg_mount(w->rtg);
	int			error = 0;

	/* libxfs_umount() lets go of whatever got loaded here. */
	if (!mp->m_rtdirip)
		error = libxfs_rtginode_load_parent(w->tp);
	if (!error && !w->rtg->rtg_inodes[XFS_RTGI_RMAP])
		error = libxfs_rtginode_load(w->rtg, XFS_RTGI_RMAP, w->tp);
	if (!error && xfs_has_reflink(mp) &&
	    !w->rtg->rtg_inodes[XFS_RTGI_REFCOUNT])
		error = libxfs_rtginode_load(w->rtg, XFS_RTGI_REFCOUNT, w->tp);
	if (!error && (!w->rtg->rtg_inodes[XFS_RTGI_RMAP] ||
		       (xfs_has_reflink(mp) &&
			!w->rtg->rtg_inodes[XFS_RTGI_REFCOUNT])))
		error = -EFSCORRUPTED;
	return error;
}

static int
pmf_rtrmap_group(
	struct pmf_rtscan		*rs,
	const struct xfs_failure_group	*grp)
{
	struct xfs_mount		*mp = rs->fs->mp;
	struct xfs_rmap_irec		low, high;
	struct pmf_rtrmap		w = { .rs = rs };
	struct xfs_btree_cur		*cur;
	int				error;

	w.rtg = libxfs_rtgroup_get(mp, grp->agno);
	if (!w.rtg)
		return pmf_seterr(rs->fs, -EFSCORRUPTED,
				"rtgroup %u: no such rtgroup", grp->agno);
	pmf_rmap_keys(grp, &low, &high);
	error = pmf_trans_alloc_empty(mp, &w.tp);
	if (!error)
		error = pmf_rtrmap_load(&w);
	if (!error) {
		cur = libxfs_rtrmapbt_init_cursor(w.tp, w.rtg);
		error = libxfs_rmap_query_range(cur, &low, &high,
				pmf_rtrmap_fn, &w);
		libxfs_btree_del_cursor(cur, error ? XFS_BTREE_ERROR :
							XFS_BTREE_NOERROR);
	}
	if (w.refc_cur)
		libxfs_btree_del_cursor(w.refc_cur, error ? XFS_BTREE_ERROR :
							     XFS_BTREE_NOERROR);
	if (w.tp)
		libxfs_trans_cancel(w.tp);
	libxfs_rtgroup_put(w.rtg);
	if (error && !rs->fs->errmsg[0])
		pmf_seterr(rs->fs, error,
				"rtgroup %u: cannot walk the realtime rmap btree: %s",
				grp->agno, strerror(-error));
	return error;
}

/* The realtime rmap btree of every rtgroup the range touches. */
static int
pmf_rtrmap_walk(
	struct pmf_rtscan		*rs,
	const struct xfs_failure_range	*fr)
{
	struct xfs_failure_group	grp;
	int				error = 0;

	xfs_failure_first_group(&grp);
	while (!error && xfs_failure_next_rtgroup(&rs->fs->fgeo, fr, &grp))
		error = pmf_rtrmap_group(rs, &grp);
	return error;
}
#endif /* HAVE_LIBXFS_RTRMAP */

static int
pmf_rt_cmp(
	const void		*a,
	const void		*b)
{
	const struct pmf_rtrec	*x = a, *y = b;

	if (x->rtblock != y->rtblock)
		return x->rtblock < y->rtblock ? -1 : 1;
	if (x->rec.rm_owner != y->rec.rm_owner)
		return x->rec.rm_owner < y->rec.rm_owner ? -1 : 1;
	return (x->rec.rm_offset > y->rec.rm_offset) -
	       (x->rec.rm_offset < y->rec.rm_offset);
}

static int
pmf_rt_emit_one(
	struct pmf_rtscan		*rs,
	const struct xfs_failure_range	*fr,
	const struct pmf_rtrec		*r,
	struct pmf_sink			*sink)
{
	const struct xfs_failure_geo	*geo = &rs->fs->fgeo;
	struct xfs_failure_impact	imp;

	if (r->free) {
		if (!xfs_failure_rtfree_impact(geo, fr, r->rtblock, r->len,
				&imp))
			return 0;
	} else if (!xfs_failure_rtmap_impact(geo, fr, r->rtblock, &r->rec,
				r->hints, &imp)) {
		return 0;
	}
	return pmf_sink_add(sink, &imp);
}

/* Blocks neither mapped nor free: nobody can say what they held. */
static int
pmf_rt_emit_gap(
	struct pmf_rtscan		*rs,
	const struct xfs_failure_range	*fr,
	uint64_t			start,
	uint64_t			end,
	struct pmf_sink			*sink)
{
	struct pmf_rtrec		gap = {
		.rtblock	= start,
		.rec		= { .rm_owner = XFS_RMAP_OWN_UNKNOWN },
	};

	while (start < end) {
		gap.rtblock = start;
		gap.len = end - start;
		if (gap.len > XFS_MAX_BMBT_EXTLEN)
			gap.len = XFS_MAX_BMBT_EXTLEN;
		gap.rec.rm_blockcount = gap.len;
		start += gap.len;
		if (pmf_rt_emit_one(rs, fr, &gap, sink))
			return -ENOMEM;
	}
	return 0;
}

/* Hand the mappings to the sink in device order, gaps included. */
static int
pmf_rt_emit(
	struct pmf_rtscan		*rs,
	const struct xfs_failure_range	*fr,
	struct pmf_sink			*sink)
{
	uint64_t			next = rs->first;
	int				error = 0;

	qsort(rs->recs, rs->nr, sizeof(*rs->recs), pmf_rt_cmp);
	for (size_t i = 0; i < rs->nr && !error; i++) {
		const struct pmf_rtrec	*r = &rs->recs[i];

		if (r->rtblock > next)
			error = pmf_rt_emit_gap(rs, fr, next, r->rtblock, sink);
		if (!error)
			error = pmf_rt_emit_one(rs, fr, r, sink);
		next = max(next, r->rtblock + r->len);
	}
	if (!error && next <= rs->last)
		error = pmf_rt_emit_gap(rs, fr, next, rs->last + 1, sink);
	return error;
}

int
pmf_rt_walk(
	struct pmf_fs			*fs,
	const struct xfs_failure_range	*fr,
	struct pmf_sink			*sink)
{
	struct xfs_mount		*mp = fs->mp;
	struct pmf_rtscan		rs = {
		.fs	= fs,
		.first	= XFS_BB_TO_FSBT(mp, fr->daddr),
		.last	= XFS_BB_TO_FSBT(mp, fr->daddr + fr->bbcount - 1),
	};
	int				error;

	/*
	 * Realtime rmap is rmapbt on a filesystem with rtgroups: its btrees
	 * map every used block, the realtime superblock included.  Without
	 * it (or with --scan) the owners are found forwards.
	 */
	if (xfs_has_rtgroups(mp) && xfs_has_rmapbt(mp) &&
	    !(fs->qflags & PMF_QUERY_SCAN)) {
#ifdef HAVE_LIBXFS_RTRMAP
		error = pmf_rtrmap_walk(&rs, fr);
#else
		return pmf_seterr(fs, -EOPNOTSUPP,
				"this build's libxfs cannot read realtime rmap btrees");
#endif
	} else {
		error = pmf_rt_scan_sb(&rs);
		if (!error)
			error = pmf_rt_scan_inodes(&rs);
	}
	if (!error)
		error = pmf_rt_scan_free(&rs);
	if (!error)
		error = pmf_rt_emit(&rs, fr, sink);
	if (error && !fs->errmsg[0])
		pmf_seterr(fs, error, "realtime scan failed: %s", strerror(-error));
	free(rs.recs);
	return error;
}
