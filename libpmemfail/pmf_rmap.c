// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Copyright (c) 2026 The pmemfail authors.
 *
 * The offline data device engine: walk the reverse-mapping btree of each AG
 * over the failed range, as xfs_db's fsmap does, and let the shared core
 * decide what every record means.  Gaps between records are free space.
 * The AG walk (pmf_agwalk_*) also serves the inode scan, which feeds it
 * records it made itself; both, and the online engine, decide through
 * pmf_agslice.c.
 */
#include "pmf_priv.h"

/* Is any block of the clipped extent shared with another owner? */
static int
pmf_rmap_shared(
	struct pmf_agwalk		*info,
	const struct xfs_failure_impact	*imp,
	bool				*shared)
{
	struct xfs_mount		*mp = info->as.fs->mp;
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
 * What the core needs besides the record, offline: the refcount btree says
 * whether data is shared, the log's head and tail whether it is live, and
 * the block itself which btree an OWN_AG block belongs to.
 */
static int
pmf_rmap_hints(
	struct pmf_agslice		*as,
	struct xfs_failure_impact	*imp,
	unsigned int			*hints)
{
	struct pmf_agwalk		*info =
		container_of(as, struct pmf_agwalk, as);
	bool				shared;
	int				error;

	switch (imp->owner) {
	case XFS_FOWN_AG_BTREE:
		pmf_refine_ag_btree(as->fs, imp);
		return 0;
	case XFS_FOWN_FILE_DATA:
		error = pmf_rmap_shared(info, imp, &shared);
		if (error)
			return error;
		if (shared)
			*hints |= XFS_FAILURE_SHARED;
		return 0;
	case XFS_FOWN_LOG:
		*hints |= pmf_rmap_log_hints(as->fs, imp);
		return 0;
	default:
		return 0;
	}
}

/* The allocated inodes of a damaged chunk, from the inobt. */
static int
pmf_rmap_inodes(
	struct pmf_agslice		*as,
	const struct xfs_failure_impact	*imp)
{
	char				reason[PMF_ERRMSG_LEN];
	int				error;

	error = pmf_inodes_expand(as->fs, imp, as->sink);
	if (!error || !pmf_best_effort(as->fs, error))
		return error;
	/*
	 * The chunk is known; only the list of its inodes is not: the ones
	 * the directory tree names stand in, and the record says why.
	 */
	memcpy(reason, as->fs->errmsg, sizeof(reason));
	error = pmf_named_chunk_inodes(as, imp);
	memcpy(as->fs->errmsg, reason, sizeof(reason));
	if (!error)
		error = pmf_sink_unresolved(as->fs, as->sink, NULL);
	return error;
}

static const struct pmf_agslice_ops pmf_rmap_slice_ops = {
	.hints	= pmf_rmap_hints,
	.inodes	= pmf_rmap_inodes,
};

static int
pmf_rmap_fn(
	struct xfs_btree_cur		*cur,
	const struct xfs_rmap_irec	*rec,
	void				*priv)
{
	struct pmf_agwalk		*info = priv;

	return pmf_agslice_record(&info->as, rec);
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
	info->as.fs = fs;
	info->as.fr = fr;
	info->as.sink = sink;
	info->as.ops = &pmf_rmap_slice_ops;
	info->as.agno = grp->agno;
	info->as.next = grp->low_agbno;
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
		error = pmf_agslice_gap(&info->as, grp->high_agbno + 1);
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
	*next = info.as.next;
	return pmf_agwalk_finish(&info, grp, error);
}

/*
 * The rest of an AG slice that damaged metadata (the AGF, the rmapbt) kept
 * from being resolved: what the directory tree and the inodes still say
 * of it (pmf_scan_fallback()), and unknown, with the reason, for the rest.
 */
static int
pmf_rmap_unresolved(
	struct pmf_fs			*fs,
	const struct xfs_failure_range	*fr,
	const struct xfs_failure_group	*grp,
	xfs_agblock_t			next,
	struct pmf_sink			*sink)
{
	struct xfs_failure_group	rest = *grp;
	char				reason[PMF_ERRMSG_LEN];

	if (next > grp->high_agbno)
		return 0;
	rest.low_agbno = next;
	snprintf(reason, sizeof(reason), "%s", fs->errmsg[0] ? fs->errmsg :
			"metadata could not be read");
	return pmf_scan_fallback(fs, fr, &rest, sink, reason);
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
