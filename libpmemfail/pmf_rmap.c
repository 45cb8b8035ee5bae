// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Copyright (c) 2026 The pmemfail authors.
 *
 * The offline data device engine: walk the reverse-mapping btree of each AG
 * over the failed range, as xfs_db's fsmap does, and let the shared core
 * decide what every record means.  Gaps between records are free space.
 * The AG walk (pmf_agwalk_*) also serves the inode scan, which feeds it
 * records it made itself, so that both engines decide the same way.
 */
#include "pmf_priv.h"

/* Is any block of the clipped extent shared with another owner? */
static int
pmf_rmap_shared(
	struct pmf_agwalk		*info,
	const struct xfs_failure_impact	*imp,
	bool				*shared)
{
	struct xfs_mount		*mp = info->fs->mp;
	xfs_agblock_t			agbno, fbno;
	xfs_extlen_t			len, flen;
	uint64_t			first, last;
	int				error;

	*shared = false;
	if (!xfs_has_reflink(mp))
		return 0;
	if (!info->refc_cur)
		info->refc_cur = libxfs_refcountbt_init_cursor(mp, NULL,
				info->agbp, info->pag);

	first = XFS_BB_TO_FSBT(mp, imp->daddr);
	last = XFS_BB_TO_FSBT(mp, imp->daddr + imp->bbcount - 1);
	agbno = first - (uint64_t)imp->agno * mp->m_sb.sb_agblocks;
	len = last - first + 1;
	error = xfs_refcount_find_shared(info->refc_cur, agbno, len, &fbno,
			&flen, false);
	if (error)
		return error;
	*shared = flen > 0;
	return 0;
}

/* Log hints of a clipped internal log impact, in log-relative sectors. */
static unsigned int
pmf_rmap_log_hints(
	struct pmf_fs			*fs,
	const struct xfs_failure_impact	*imp)
{
	uint64_t			logdaddr;

	logdaddr = XFS_FSB_TO_DADDR(fs->mp, fs->mp->m_sb.sb_logstart);
	return pmf_log_hints(fs, imp->daddr - logdaddr, imp->bbcount);
}

/*
 * Decide one record.  The shared and live-log hints depend on the clipped
 * part, so the core is asked once for the clip and again with the hints.
 */
static int
pmf_rmap_decide(
	struct pmf_agwalk		*info,
	const struct xfs_rmap_irec	*rec,
	struct xfs_failure_impact	*imp,
	bool				*hit)
{
	struct pmf_fs			*fs = info->fs;
	xfs_agnumber_t			agno = pag_agno(info->pag);
	unsigned int			hints = 0;
	bool				shared;
	int				error;

	*hit = xfs_failure_rmap_impact(&fs->fgeo, info->fr, agno, rec, 0, imp);
	if (!*hit)
		return 0;
	if (imp->owner == XFS_FOWN_AG_BTREE) {
		pmf_refine_ag_btree(fs, imp);
		return 0;
	} else if (imp->owner == XFS_FOWN_FILE_DATA) {
		error = pmf_rmap_shared(info, imp, &shared);
		if (error)
			return error;
		if (shared)
			hints |= XFS_FAILURE_SHARED;
	} else if (imp->owner == XFS_FOWN_LOG) {
		hints |= pmf_rmap_log_hints(fs, imp);
	} else {
		return 0;
	}
	xfs_failure_rmap_impact(&fs->fgeo, info->fr, agno, rec, hints, imp);
	return 0;
}

/* Report free space in [info->next, end) of this AG. */
static int
pmf_rmap_gap(
	struct pmf_agwalk		*info,
	xfs_agblock_t			end)
{
	struct xfs_failure_impact	imp;

	if (end <= info->next)
		return 0;
	if (!xfs_failure_free_impact(&info->fs->fgeo, info->fr,
			pag_agno(info->pag), info->next, end - info->next, &imp))
		return 0;
	return pmf_sink_add(info->sink, &imp);
}

/* Decide one record of the AG, in startblock order, and the gap before it. */
int
pmf_agwalk_record(
	struct pmf_agwalk		*info,
	const struct xfs_rmap_irec	*rec)
{
	struct xfs_failure_impact	imp;
	xfs_agblock_t			end;
	bool				hit;
	int				error;

	error = pmf_rmap_gap(info, rec->rm_startblock);
	if (error)
		return error;
	end = rec->rm_startblock + rec->rm_blockcount;
	if (end > info->next)
		info->next = end;

	error = pmf_rmap_decide(info, rec, &imp, &hit);
	if (error || !hit)
		return error;
	error = pmf_sink_add(info->sink, &imp);
	if (error)
		return error;
	if (imp.owner != XFS_FOWN_INODES)
		return 0;
	error = pmf_inodes_expand(info->fs, &imp, info->sink);
	/* The chunk is known; only the list of its inodes is not. */
	if (error && pmf_best_effort(info->fs, error))
		error = pmf_sink_unresolved(info->fs, info->sink, NULL);
	return error;
}

static int
pmf_rmap_fn(
	struct xfs_btree_cur		*cur,
	const struct xfs_rmap_irec	*rec,
	void				*priv)
{
	return pmf_agwalk_record(priv, rec);
}

/* Take the AG's perag and AGF for a walk of @grp's slice of the range. */
int
pmf_agwalk_start(
	struct pmf_fs			*fs,
	const struct xfs_failure_range	*fr,
	const struct xfs_failure_group	*grp,
	struct pmf_sink			*sink,
	struct pmf_agwalk		*info)
{
	int				error;

	memset(info, 0, sizeof(*info));
	info->fs = fs;
	info->fr = fr;
	info->sink = sink;
	info->next = grp->low_agbno;
	info->pag = libxfs_perag_get(fs->mp, grp->agno);
	if (!info->pag)
		return pmf_seterr(fs, -EFSCORRUPTED, "AG %u: no such AG",
				grp->agno);
	error = libxfs_alloc_read_agf(info->pag, NULL, 0, &info->agbp);
	if (error) {
		libxfs_perag_put(info->pag);
		return pmf_seterr(fs, error, "AG %u: cannot read AGF: %s",
				grp->agno, strerror(-error));
	}
	return 0;
}

/* Report the free tail of the slice (unless @error) and let go of the AG. */
int
pmf_agwalk_finish(
	struct pmf_agwalk		*info,
	const struct xfs_failure_group	*grp,
	int				error)
{
	if (!error)
		error = pmf_rmap_gap(info, grp->high_agbno + 1);
	if (info->refc_cur)
		libxfs_btree_del_cursor(info->refc_cur,
				error ? XFS_BTREE_ERROR : XFS_BTREE_NOERROR);
	libxfs_buf_relse(info->agbp);
	libxfs_perag_put(info->pag);
	return error;
}

/* The query keys of a group's slice: every record that starts in it. */
void
pmf_rmap_keys(
	const struct xfs_failure_group	*grp,
	struct xfs_rmap_irec		*low,
	struct xfs_rmap_irec		*high)
{
	memset(low, 0, sizeof(*low));
	low->rm_startblock = grp->low_agbno;
	memset(high, 0, sizeof(*high));
	high->rm_startblock = grp->high_agbno;
	high->rm_owner = ULLONG_MAX;
	high->rm_offset = ULLONG_MAX;
	high->rm_flags = XFS_RMAP_ATTR_FORK | XFS_RMAP_BMBT_BLOCK |
			 XFS_RMAP_UNWRITTEN;
}

static int
pmf_rmap_walk_ag(
	struct pmf_fs			*fs,
	const struct xfs_failure_range	*fr,
	const struct xfs_failure_group	*grp,
	struct pmf_sink			*sink,
	xfs_agblock_t			*next)
{
	struct xfs_rmap_irec		low, high;
	struct pmf_agwalk		info;
	struct xfs_btree_cur		*cur;
	int				error;

	*next = grp->low_agbno;
	pmf_rmap_keys(grp, &low, &high);
	error = pmf_agwalk_start(fs, fr, grp, sink, &info);
	if (error)
		return error;
	cur = libxfs_rmapbt_init_cursor(fs->mp, NULL, info.agbp, info.pag);
	error = libxfs_rmap_query_range(cur, &low, &high, pmf_rmap_fn, &info);
	libxfs_btree_del_cursor(cur, error ? XFS_BTREE_ERROR : XFS_BTREE_NOERROR);
	if (error && !fs->errmsg[0])
		pmf_seterr(fs, error, "AG %u: cannot walk the rmap btree: %s",
				grp->agno, strerror(-error));
	*next = info.next;
	return pmf_agwalk_finish(&info, grp, error);
}

/*
 * The rest of an AG slice that damaged metadata kept from being resolved:
 * nobody can say what it held, so it is an unknown owner, with the reason.
 */
static int
pmf_rmap_unresolved(
	struct pmf_fs			*fs,
	const struct xfs_failure_range	*fr,
	const struct xfs_failure_group	*grp,
	xfs_agblock_t			next,
	struct pmf_sink			*sink)
{
	struct xfs_rmap_irec		rec = {
		.rm_startblock	= next,
		.rm_blockcount	= grp->high_agbno + 1 - next,
		.rm_owner	= XFS_RMAP_OWN_UNKNOWN,
	};
	struct xfs_failure_impact	imp;

	if (next > grp->high_agbno ||
	    !xfs_failure_rmap_impact(&fs->fgeo, fr, grp->agno, &rec, 0, &imp))
		return 0;
	return pmf_sink_unresolved(fs, sink, &imp);
}

int
pmf_rmap_walk(
	struct pmf_fs			*fs,
	const struct xfs_failure_range	*fr,
	struct pmf_sink			*sink)
{
	struct xfs_failure_group	grp;
	int				error;

	xfs_failure_first_group(&grp);
	while (xfs_failure_next_group(&fs->fgeo, fr, &grp)) {
		xfs_agblock_t	next;

		error = pmf_rmap_walk_ag(fs, fr, &grp, sink, &next);
		if (error && pmf_best_effort(fs, error))
			error = pmf_rmap_unresolved(fs, fr, &grp, next, sink);
		if (error)
			return error;
	}
	return 0;
}
