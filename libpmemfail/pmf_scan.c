// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Copyright (c) 2026 The pmemfail authors.
 *
 * The exact fallback for filesystems without rmapbt: rebuild, for the AGs
 * the failed range touches, the reverse mappings the rmapbt would hold --
 * from the AG headers, every per-AG btree, the AGFL, the inode chunks, the
 * internal log, CoW staging extents and the forks of every inode -- then
 * merge them the way the rmapbt merges and hand them to the same AG walk
 * the rmap engine uses.  It reads every inode, so it is the slow path; on
 * an rmapbt filesystem --scan forces it, to check one engine by the other.
 */
#include "pmf_priv.h"

/* The reverse mappings found for one AG slice, in no particular order. */
struct pmf_scan_ag {
	struct xfs_failure_group	grp;
	struct xfs_rmap_irec		*recs;
	size_t				nr;
	size_t				cap;
};

struct pmf_scan {
	struct pmf_fs		*fs;
	uint64_t		seen;		/* inodes visited */
	struct pmf_scan_ag	*ags;		/* the slices of the range */
	size_t			nags;
	size_t			agcap;
	/* Owner and flags for btree blocks being visited. */
	uint64_t		bt_owner;
	unsigned int		bt_flags;
	/* The AG whose AGFL is being walked. */
	xfs_agnumber_t		agfl_agno;
};

static struct pmf_scan_ag *
pmf_scan_find_ag(
	struct pmf_scan		*sc,
	xfs_agnumber_t		agno)
{
	for (size_t i = 0; i < sc->nags; i++)
		if (sc->ags[i].grp.agno == agno)
			return &sc->ags[i];
	return NULL;
}

/* Keep a mapping if it meets the slice of its AG. */
static int
pmf_scan_add(
	struct pmf_scan		*sc,
	xfs_agnumber_t		agno,
	xfs_agblock_t		agbno,
	xfs_extlen_t		len,
	uint64_t		owner,
	uint64_t		offset,
	unsigned int		flags)
{
	struct pmf_scan_ag	*ag = pmf_scan_find_ag(sc, agno);
	struct xfs_rmap_irec	*rec;

	if (!ag || len == 0)
		return 0;
	if (agbno > ag->grp.high_agbno ||
	    (uint64_t)agbno + len <= ag->grp.low_agbno)
		return 0;
	if (pmf_grow((void **)&ag->recs, &ag->cap, ag->nr + 1, sizeof(*rec)))
		return -ENOMEM;
	rec = &ag->recs[ag->nr++];
	rec->rm_startblock = agbno;
	rec->rm_blockcount = len;
	rec->rm_owner = owner;
	rec->rm_offset = offset;
	rec->rm_flags = flags;
	return 0;
}

/* A filesystem extent, which may cross into the next AG only if corrupt. */
static int
pmf_scan_add_fsb(
	struct pmf_scan		*sc,
	xfs_fsblock_t		fsb,
	xfs_filblks_t		len,
	uint64_t		owner,
	uint64_t		offset,
	unsigned int		flags)
{
	struct xfs_mount	*mp = sc->fs->mp;

	if (len > XFS_MAX_BMBT_EXTLEN)
		return -EFSCORRUPTED;
	return pmf_scan_add(sc, XFS_FSB_TO_AGNO(mp, fsb),
			XFS_FSB_TO_AGBNO(mp, fsb), len, owner, offset, flags);
}

/* Every block of a btree belongs to its owner: record each one visited. */
static int
pmf_scan_btree_block(
	struct xfs_btree_cur	*cur,
	int			level,
	void			*priv)
{
	struct pmf_scan		*sc = priv;
	struct xfs_buf		*bp;

	xfs_btree_get_block(cur, level, &bp);
	/* An inode-rooted btree keeps its root in the inode, not a block. */
	if (!bp)
		return 0;
	return pmf_scan_add_fsb(sc, XFS_DADDR_TO_FSB(cur->bc_mp, xfs_buf_daddr(bp)),
			1, sc->bt_owner, 0, sc->bt_flags);
}

static int
pmf_scan_btree(
	struct pmf_scan		*sc,
	struct xfs_btree_cur	*cur,
	uint64_t		owner,
	unsigned int		flags)
{
	int			error;

	sc->bt_owner = owner;
	sc->bt_flags = flags;
	error = xfs_btree_visit_blocks(cur, pmf_scan_btree_block,
			XFS_BTREE_VISIT_ALL, sc);
	libxfs_btree_del_cursor(cur, error ? XFS_BTREE_ERROR : XFS_BTREE_NOERROR);
	return error;
}

static int
pmf_scan_agfl_block(
	struct xfs_mount	*mp,
	xfs_agblock_t		bno,
	void			*priv)
{
	struct pmf_scan		*sc = priv;

	/* Blocks on the AGFL belong to the AG btrees, as rmap says. */
	return pmf_scan_add(sc, sc->agfl_agno, bno, 1, XFS_RMAP_OWN_AG, 0, 0);
}

static int
pmf_scan_cow_fn(
	struct xfs_btree_cur		*cur,
	const struct xfs_refcount_irec	*rec,
	void				*priv)
{
	struct pmf_scan			*sc = priv;

	return pmf_scan_add(sc, pag_agno(to_perag(cur->bc_group)),
			rec->rc_startblock, rec->rc_blockcount,
			XFS_RMAP_OWN_COW, 0, 0);
}

/* The refcount btree's blocks, and the CoW staging extents it records. */
static int
pmf_scan_refcount(
	struct pmf_scan		*sc,
	struct xfs_perag	*pag,
	struct xfs_buf		*agfbp)
{
	struct xfs_mount	*mp = sc->fs->mp;
	struct xfs_refcount_irec low = {
		.rc_domain = XFS_REFC_DOMAIN_COW,
	};
	struct xfs_refcount_irec high = {
		.rc_startblock = -1U,
		.rc_domain = XFS_REFC_DOMAIN_COW,
	};
	struct xfs_btree_cur	*cur;
	int			error;

	error = pmf_scan_btree(sc, libxfs_refcountbt_init_cursor(mp, NULL,
			agfbp, pag), XFS_RMAP_OWN_REFC, 0);
	if (error)
		return error;
	cur = libxfs_refcountbt_init_cursor(mp, NULL, agfbp, pag);
	error = xfs_refcount_query_range(cur, &low, &high, pmf_scan_cow_fn, sc);
	libxfs_btree_del_cursor(cur, error ? XFS_BTREE_ERROR : XFS_BTREE_NOERROR);
	return error;
}

/* Free space btrees, AGFL and refcount btree: everything the AGF roots. */
static int
pmf_scan_agf(
	struct pmf_scan		*sc,
	struct xfs_perag	*pag)
{
	struct xfs_mount	*mp = sc->fs->mp;
	xfs_agnumber_t		agno = pag_agno(pag);
	struct xfs_buf		*agfbp, *agflbp;
	int			error;

	error = libxfs_alloc_read_agf(pag, NULL, 0, &agfbp);
	if (error)
		return error;
	error = pmf_scan_btree(sc, libxfs_bnobt_init_cursor(mp, NULL, agfbp, pag),
			XFS_RMAP_OWN_AG, 0);
	if (!error)
		error = pmf_scan_btree(sc, libxfs_cntbt_init_cursor(mp, NULL,
				agfbp, pag), XFS_RMAP_OWN_AG, 0);
	/* Forced on an rmap filesystem, the rmapbt's own blocks count too. */
	if (!error && xfs_has_rmapbt(mp))
		error = pmf_scan_btree(sc, libxfs_rmapbt_init_cursor(mp, NULL,
				agfbp, pag), XFS_RMAP_OWN_AG, 0);
	if (!error && xfs_has_reflink(mp))
		error = pmf_scan_refcount(sc, pag, agfbp);
	if (!error)
		error = xfs_alloc_read_agfl(pag, NULL, &agflbp);
	if (!error) {
		sc->agfl_agno = agno;
		error = libxfs_agfl_walk(mp, agfbp->b_addr, agflbp,
				pmf_scan_agfl_block, sc);
		libxfs_buf_relse(agflbp);
	}
	libxfs_buf_relse(agfbp);
	return error;
}

static int
pmf_scan_chunk_fn(
	struct xfs_btree_cur		*cur,
	const union xfs_btree_rec	*rec,
	void				*priv)
{
	struct pmf_scan			*sc = priv;
	struct xfs_mount		*mp = cur->bc_mp;
	struct xfs_inobt_rec_incore	irec;
	xfs_agnumber_t			agno = pag_agno(to_perag(cur->bc_group));
	unsigned int			step = mp->m_sb.sb_inopblock;
	int				error;

	if (step > XFS_INODES_PER_CHUNK)
		step = XFS_INODES_PER_CHUNK;
	xfs_inobt_btrec_to_irec(mp, rec, &irec);
	/*
	 * One block at a time: a block of a sparse chunk exists if any of its
	 * inodes is outside the holemask, which has a bit per
	 * XFS_INODES_PER_HOLEMASK_BIT inodes.
	 */
	for (unsigned int i = 0; i < XFS_INODES_PER_CHUNK; i += step) {
		bool		present = false;

		for (unsigned int k = i; k < i + step; k++)
			if (!(irec.ir_holemask &
			      (1U << (k / XFS_INODES_PER_HOLEMASK_BIT))))
				present = true;
		if (!present)
			continue;
		error = pmf_scan_add(sc, agno,
				XFS_AGINO_TO_AGBNO(mp, irec.ir_startino + i), 1,
				XFS_RMAP_OWN_INODES, 0, 0);
		if (error)
			return error;
	}
	return 0;
}

/* Inode btrees and the inode chunks they index. */
static int
pmf_scan_agi(
	struct pmf_scan		*sc,
	struct xfs_perag	*pag)
{
	struct xfs_mount	*mp = sc->fs->mp;
	struct xfs_btree_cur	*cur;
	struct xfs_buf		*agibp;
	int			error;

	error = libxfs_ialloc_read_agi(pag, NULL, 0, &agibp);
	if (error)
		return error;
	error = pmf_scan_btree(sc, libxfs_inobt_init_cursor(pag, NULL, agibp),
			XFS_RMAP_OWN_INOBT, 0);
	if (!error && xfs_has_finobt(mp))
		error = pmf_scan_btree(sc, libxfs_finobt_init_cursor(pag, NULL,
				agibp), XFS_RMAP_OWN_INOBT, 0);
	if (!error) {
		cur = libxfs_inobt_init_cursor(pag, NULL, agibp);
		error = xfs_btree_query_all(cur, pmf_scan_chunk_fn, sc);
		libxfs_btree_del_cursor(cur, error ? XFS_BTREE_ERROR :
				XFS_BTREE_NOERROR);
	}
	libxfs_buf_relse(agibp);
	return error;
}

/* The static metadata of an AG slice: headers, btrees, chunks, the log. */
static int
pmf_scan_ag_metadata(
	struct pmf_scan		*sc,
	struct pmf_scan_ag	*ag)
{
	struct xfs_mount	*mp = sc->fs->mp;
	xfs_agnumber_t		agno = ag->grp.agno;
	struct xfs_perag	*pag;
	int			error;

	error = pmf_scan_add(sc, agno, 0, XFS_AGFL_BLOCK(mp) + 1,
			XFS_RMAP_OWN_FS, 0, 0);
	if (!error && mp->m_sb.sb_logstart &&
	    XFS_FSB_TO_AGNO(mp, mp->m_sb.sb_logstart) == agno)
		error = pmf_scan_add_fsb(sc, mp->m_sb.sb_logstart,
				mp->m_sb.sb_logblocks, XFS_RMAP_OWN_LOG, 0, 0);
	if (error)
		return error;

	pag = libxfs_perag_get(mp, agno);
	if (!pag)
		return -EFSCORRUPTED;
	error = pmf_scan_agf(sc, pag);
	if (!error)
		error = pmf_scan_agi(sc, pag);
	libxfs_perag_put(pag);
	if (error)
		pmf_seterr(sc->fs, error, "AG %u: cannot scan AG metadata: %s",
				agno, strerror(-error));
	return error;
}

/* The mappings and bmbt blocks of one fork of an inode. */
static int
pmf_scan_fork(
	struct pmf_scan		*sc,
	struct xfs_inode	*ip,
	int			whichfork)
{
	struct xfs_ifork	*ifp = xfs_ifork_ptr(ip, whichfork);
	unsigned int		forkflag = whichfork == XFS_ATTR_FORK ?
					   XFS_RMAP_ATTR_FORK : 0;
	struct xfs_iext_cursor	icur;
	struct xfs_bmbt_irec	got;
	int			error;

	if (!ifp || (ifp->if_format != XFS_DINODE_FMT_EXTENTS &&
		     ifp->if_format != XFS_DINODE_FMT_BTREE))
		return 0;
	/* Realtime file data lives on the realtime device. */
	if (whichfork == XFS_DATA_FORK && XFS_IS_REALTIME_INODE(ip))
		goto bmbt;
	error = libxfs_iread_extents(NULL, ip, whichfork);
	if (error)
		return error;
	for_each_xfs_iext(ifp, &icur, &got) {
		unsigned int	flags = forkflag;

		if (isnullstartblock(got.br_startblock))
			continue;
		if (got.br_state == XFS_EXT_UNWRITTEN)
			flags |= XFS_RMAP_UNWRITTEN;
		error = pmf_scan_add_fsb(sc, got.br_startblock,
				got.br_blockcount, ip->i_ino, got.br_startoff,
				flags);
		if (error)
			return error;
	}
bmbt:
	if (ifp->if_format != XFS_DINODE_FMT_BTREE)
		return 0;
	return pmf_scan_btree(sc, libxfs_bmbt_init_cursor(ip->i_mount, NULL,
			ip, whichfork), ip->i_ino, forkflag | XFS_RMAP_BMBT_BLOCK);
}

static int
pmf_scan_inode(
	struct pmf_scan		*sc,
	xfs_ino_t		ino)
{
	struct xfs_inode	*ip;
	int			error;

	error = libxfs_iget(sc->fs->mp, NULL, ino, 0, &ip);
	if (error)
		return pmf_seterr(sc->fs, error, "cannot read inode %llu: %s",
				(unsigned long long)ino, strerror(-error));
	error = pmf_scan_fork(sc, ip, XFS_DATA_FORK);
	if (!error)
		error = pmf_scan_fork(sc, ip, XFS_ATTR_FORK);
	libxfs_irele(ip);
	if (error && !sc->fs->errmsg[0])
		pmf_seterr(sc->fs, error, "inode %llu: cannot map its forks: %s",
				(unsigned long long)ino, strerror(-error));
	return error;
}

static int
pmf_scan_inodes_fn(
	struct xfs_btree_cur		*cur,
	const union xfs_btree_rec	*rec,
	void				*priv)
{
	struct pmf_scan			*sc = priv;
	struct xfs_inobt_rec_incore	irec;
	xfs_agnumber_t			agno = pag_agno(to_perag(cur->bc_group));
	int				error;

	xfs_inobt_btrec_to_irec(cur->bc_mp, rec, &irec);
	for (unsigned int i = 0; i < XFS_INODES_PER_CHUNK; i++) {
		if (irec.ir_holemask & (1U << (i / XFS_INODES_PER_HOLEMASK_BIT)))
			continue;
		/* sb_icount counts the free inodes of a chunk too. */
		sc->seen++;
		if (irec.ir_free & XFS_INOBT_MASK(i))
			continue;
		error = pmf_scan_inode(sc, XFS_AGINO_TO_INO(cur->bc_mp, agno,
				irec.ir_startino + i));
		if (error)
			return error;
	}
	pmf_progress(sc->fs, sc->seen, cur->bc_mp->m_sb.sb_icount);
	return 0;
}

/*
 * Hand every inobt record of every AG to @fn: the walk both inode scans
 * make, to visit each allocated inode once.
 */
int
pmf_inobt_walk(
	struct pmf_fs			*fs,
	xfs_btree_query_range_fn	fn,
	void				*priv)
{
	struct xfs_mount		*mp = fs->mp;
	struct xfs_perag		*pag = NULL;
	int				error = 0;

	while ((pag = xfs_perag_next(mp, pag))) {
		struct xfs_btree_cur	*cur;
		struct xfs_buf		*agibp;

		error = libxfs_ialloc_read_agi(pag, NULL, 0, &agibp);
		if (error) {
			pmf_seterr(fs, error, "AG %u: cannot read AGI: %s",
					pag_agno(pag), strerror(-error));
			break;
		}
		cur = libxfs_inobt_init_cursor(pag, NULL, agibp);
		error = xfs_btree_query_all(cur, fn, priv);
		libxfs_btree_del_cursor(cur, error ? XFS_BTREE_ERROR :
				XFS_BTREE_NOERROR);
		libxfs_buf_relse(agibp);
		if (error)
			break;
	}
	if (pag)
		xfs_perag_rele(pag);
	pmf_progress_done(fs);
	return error;
}

/* The rmapbt's key order: (startblock, owner, offset, flags). */
static int
pmf_scan_cmp_key(
	const void			*a,
	const void			*b)
{
	const struct xfs_rmap_irec	*x = a, *y = b;

	if (x->rm_startblock != y->rm_startblock)
		return x->rm_startblock < y->rm_startblock ? -1 : 1;
	if (x->rm_owner != y->rm_owner)
		return x->rm_owner < y->rm_owner ? -1 : 1;
	if (x->rm_offset != y->rm_offset)
		return x->rm_offset < y->rm_offset ? -1 : 1;
	return (x->rm_flags > y->rm_flags) - (x->rm_flags < y->rm_flags);
}

/* Owner and flags first, so that what may merge lies side by side. */
static int
pmf_scan_cmp_owner(
	const void			*a,
	const void			*b)
{
	const struct xfs_rmap_irec	*x = a, *y = b;

	if (x->rm_owner != y->rm_owner)
		return x->rm_owner < y->rm_owner ? -1 : 1;
	if (x->rm_flags != y->rm_flags)
		return x->rm_flags < y->rm_flags ? -1 : 1;
	if (x->rm_startblock != y->rm_startblock)
		return x->rm_startblock < y->rm_startblock ? -1 : 1;
	return (x->rm_offset > y->rm_offset) - (x->rm_offset < y->rm_offset);
}

/* Would the rmapbt hold @l and @r as one record? */
static bool
pmf_scan_mergeable(
	const struct xfs_rmap_irec	*l,
	const struct xfs_rmap_irec	*r)
{
	if (l->rm_owner != r->rm_owner || l->rm_flags != r->rm_flags)
		return false;
	if ((uint64_t)l->rm_startblock + l->rm_blockcount != r->rm_startblock)
		return false;
	if ((uint64_t)l->rm_blockcount + r->rm_blockcount > XFS_RMAP_LEN_MAX)
		return false;
	/* Only file mappings carry an offset that must continue too. */
	if (XFS_RMAP_NON_INODE_OWNER(l->rm_owner) ||
	    (l->rm_flags & XFS_RMAP_BMBT_BLOCK))
		return true;
	return l->rm_offset + l->rm_blockcount == r->rm_offset;
}

/*
 * Merge the mappings the way the rmapbt merges neighbours that continue
 * each other, then put them in the rmapbt's order for the AG walk.  A
 * block found twice (two inode chunks sharing one big block) is one
 * mapping.
 */
static void
pmf_scan_merge(
	struct pmf_scan_ag		*ag)
{
	size_t				out = 0;

	if (!ag->nr)
		return;
	qsort(ag->recs, ag->nr, sizeof(*ag->recs), pmf_scan_cmp_owner);
	for (size_t i = 0; i < ag->nr; i++) {
		struct xfs_rmap_irec	*r = &ag->recs[i];
		struct xfs_rmap_irec	*l = out ? &ag->recs[out - 1] : NULL;

		if (l && !pmf_scan_cmp_key(l, r) &&
		    l->rm_blockcount == r->rm_blockcount)
			continue;
		if (l && pmf_scan_mergeable(l, r))
			l->rm_blockcount += r->rm_blockcount;
		else
			ag->recs[out++] = *r;
	}
	ag->nr = out;
	qsort(ag->recs, ag->nr, sizeof(*ag->recs), pmf_scan_cmp_key);
}

static int
pmf_scan_emit(
	struct pmf_scan			*sc,
	const struct xfs_failure_range	*fr,
	struct pmf_scan_ag		*ag,
	struct pmf_sink			*sink)
{
	struct pmf_agwalk		info;
	int				error;

	error = pmf_agwalk_start(sc->fs, fr, &ag->grp, sink, &info);
	if (error)
		return error;
	for (size_t i = 0; i < ag->nr && !error; i++)
		error = pmf_agslice_record(&info.as, &ag->recs[i]);
	return pmf_agwalk_finish(&info, &ag->grp, error);
}

static void
pmf_scan_free(
	struct pmf_scan		*sc)
{
	for (size_t i = 0; i < sc->nags; i++)
		free(sc->ags[i].recs);
	free(sc->ags);
}

int
pmf_scan_walk(
	struct pmf_fs			*fs,
	const struct xfs_failure_range	*fr,
	struct pmf_sink			*sink)
{
	struct pmf_scan			sc = { .fs = fs };
	struct xfs_failure_group	grp;
	int				error = 0;

	xfs_failure_first_group(&grp);
	while (xfs_failure_next_group(&fs->fgeo, fr, &grp)) {
		error = pmf_grow((void **)&sc.ags, &sc.agcap, sc.nags + 1,
				sizeof(*sc.ags));
		if (error)
			goto out;
		memset(&sc.ags[sc.nags], 0, sizeof(*sc.ags));
		sc.ags[sc.nags++].grp = grp;
	}
	for (size_t i = 0; i < sc.nags && !error; i++)
		error = pmf_scan_ag_metadata(&sc, &sc.ags[i]);
	/* Any inode anywhere may map blocks in the range. */
	if (!error)
		error = pmf_inobt_walk(fs, pmf_scan_inodes_fn, &sc);
	for (size_t i = 0; i < sc.nags && !error; i++) {
		pmf_scan_merge(&sc.ags[i]);
		error = pmf_scan_emit(&sc, fr, &sc.ags[i], sink);
	}
out:
	if (error && !fs->errmsg[0])
		pmf_seterr(fs, error, "inode scan failed: %s", strerror(-error));
	pmf_scan_free(&sc);
	return error;
}

/*
 * The inodes the tree names that lie in the blocks of inode chunk record
 * @imp, attached to it: the list an inobt that went with the range would
 * have given.  Only named inodes: an unlinked one is not known.
 */
int
pmf_named_chunk_inodes(
	struct pmf_agslice		*as,
	const struct xfs_failure_impact	*imp)
{
	struct xfs_mount		*mp = as->fs->mp;
	const uint64_t			*named;
	size_t				nnamed;
	int				error;

	error = pmf_sink_named(as->fs, as->sink, &named, &nnamed);
	for (size_t i = 0; !error && i < nnamed; i++) {
		uint64_t	daddr;

		if (XFS_INO_TO_AGNO(mp, named[i]) != as->agno)
			continue;
		daddr = XFS_FSB_TO_DADDR(mp, XFS_INO_TO_FSB(mp, named[i])) +
			((XFS_INO_TO_OFFSET(mp, named[i]) <<
			  mp->m_sb.sb_inodelog) >> BBSHIFT);
		if (daddr >= imp->daddr && daddr < imp->daddr + imp->bbcount)
			error = pmf_sink_add_inode(as->sink, named[i]);
	}
	return error;
}

/* Hints the fallback can give without the AG's btrees: the log's. */
static int
pmf_fallback_hints(
	struct pmf_agslice		*as,
	struct xfs_failure_impact	*imp,
	unsigned int			*hints)
{
	struct xfs_mount		*mp = as->fs->mp;

	if (imp->owner == XFS_FOWN_AG_BTREE)
		pmf_refine_ag_btree(as->fs, imp);
	else if (imp->owner == XFS_FOWN_LOG)
		*hints |= pmf_log_hints(as->fs, imp->daddr -
				XFS_FSB_TO_DADDR(mp, mp->m_sb.sb_logstart),
				imp->bbcount);
	return 0;
}

static const struct pmf_agslice_ops pmf_fallback_ops = {
	.hints	= pmf_fallback_hints,
	.inodes	= pmf_named_chunk_inodes,
};

/* What the fallback cannot vouch for: unknown, with @reason. */
static int
pmf_fallback_unknown(
	struct pmf_agslice		*as,
	xfs_agblock_t			end,
	const char			*reason)
{
	struct xfs_rmap_irec		rec = {
		.rm_startblock	= as->next,
		.rm_blockcount	= end - as->next,
		.rm_owner	= XFS_RMAP_OWN_UNKNOWN,
	};
	struct xfs_failure_impact	imp;

	if (end <= as->next ||
	    !xfs_failure_rmap_impact(&as->fs->fgeo, as->fr, as->agno, &rec,
			0, &imp))
		return 0;
	as->next = end;
	snprintf(as->fs->errmsg, sizeof(as->fs->errmsg), "%s", reason);
	return pmf_sink_unresolved(as->fs, as->sink, &imp);
}

/*
 * The records of an AG slice whose rmapbt (or AGF) went with the range,
 * from what does not need them: the AG headers and the log, whatever of
 * the AG's btrees still reads, the inode blocks of the inodes the
 * directory tree names (an inode number says where it is), and the forks
 * of those inodes that read (their extents and bmbt blocks).  The gaps
 * are not free space but unknown, with @reason.  The core decides every
 * record, as for the other engines.
 */
int
pmf_scan_fallback(
	struct pmf_fs			*fs,
	const struct xfs_failure_range	*fr,
	const struct xfs_failure_group	*grp,
	struct pmf_sink			*sink,
	const char			*reason)
{
	struct xfs_mount		*mp = fs->mp;
	struct pmf_scan			sc = { .fs = fs };
	struct pmf_scan_ag		ag = { .grp = *grp };
	struct pmf_agslice		as = {
		.fs = fs, .fr = fr, .sink = sink, .ops = &pmf_fallback_ops,
		.agno = grp->agno, .next = grp->low_agbno,
	};
	struct xfs_perag		*pag;
	const uint64_t			*named;
	size_t				nnamed;
	int				error;

	sc.ags = &ag;
	sc.nags = 1;
	error = pmf_sink_named(fs, sink, &named, &nnamed);
	if (!error)
		error = pmf_scan_add(&sc, grp->agno, 0, XFS_AGFL_BLOCK(mp) + 1,
				XFS_RMAP_OWN_FS, 0, 0);
	if (!error && mp->m_sb.sb_logstart &&
	    XFS_FSB_TO_AGNO(mp, mp->m_sb.sb_logstart) == grp->agno)
		error = pmf_scan_add_fsb(&sc, mp->m_sb.sb_logstart,
				mp->m_sb.sb_logblocks, XFS_RMAP_OWN_LOG, 0, 0);
	/* What of the AG's btrees reads is true; the rest is unknown. */
	pag = error ? NULL : libxfs_perag_get(mp, grp->agno);
	if (pag) {
		if (pmf_scan_agf(&sc, pag) == -ENOMEM ||
		    pmf_scan_agi(&sc, pag) == -ENOMEM)
			error = -ENOMEM;
		libxfs_perag_put(pag);
	}
	for (size_t i = 0; !error && i < nnamed; i++) {
		xfs_ino_t	ino = named[i];
		xfs_agblock_t	agbno;

		agbno = XFS_AGINO_TO_AGBNO(mp, XFS_INO_TO_AGINO(mp, ino));
		if (XFS_INO_TO_AGNO(mp, ino) == grp->agno &&
		    agbno >= grp->low_agbno && agbno <= grp->high_agbno) {
			/* Sorted: an inode block once, or merging breaks. */
			if (!ag.nr || ag.recs[ag.nr - 1].rm_owner !=
				      XFS_RMAP_OWN_INODES ||
			    ag.recs[ag.nr - 1].rm_startblock != agbno)
				error = pmf_scan_add(&sc, grp->agno, agbno, 1,
						XFS_RMAP_OWN_INODES, 0, 0);
			continue;
		}
		/* An inode that does not read maps nothing we can know. */
		if (pmf_scan_inode(&sc, ino) == -ENOMEM)
			error = -ENOMEM;
	}
	fs->errmsg[0] = '\0';
	if (!error)
		pmf_scan_merge(&ag);
	for (size_t i = 0; !error && i < ag.nr; i++) {
		error = pmf_fallback_unknown(&as, ag.recs[i].rm_startblock,
				reason);
		if (!error)
			error = pmf_agslice_record(&as, &ag.recs[i]);
	}
	if (!error)
		error = pmf_fallback_unknown(&as, grp->high_agbno + 1, reason);
	free(ag.recs);
	return error;
}
