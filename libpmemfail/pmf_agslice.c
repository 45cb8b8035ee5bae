// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Copyright (c) 2026 The pmemfail authors.
 *
 * One AG slice of a failed range, fed rmap records in startblock order by
 * any engine (the rmap walk, the inode scan, GETFSMAP): the gaps between
 * records are free space, the core decides each record, and an inode chunk
 * is expanded into its allocated inodes.  Only the hints and the inode
 * list come from the engine, so that no two engines can decide apart.
 */
#include "pmf_priv.h"

/* Report free space in [as->next, end) of this AG. */
int
pmf_agslice_gap(
	struct pmf_agslice		*as,
	xfs_agblock_t			end)
{
	struct xfs_failure_impact	imp;

	if (end <= as->next)
		return 0;
	if (!xfs_failure_free_impact(&as->fs->fgeo, as->fr, as->agno,
			as->next, end - as->next, &imp))
		return 0;
	return pmf_sink_add(as->sink, &imp);
}

/*
 * Decide one record and the gap before it.  The shared and live-log hints
 * depend on the clipped part, so the core is asked once for the clip and,
 * if the engine finds hints there, again with them.
 */
int
pmf_agslice_record(
	struct pmf_agslice		*as,
	const struct xfs_rmap_irec	*rec)
{
	const struct xfs_failure_geo	*geo = &as->fs->fgeo;
	struct xfs_failure_impact	imp;
	unsigned int			hints = 0;
	xfs_agblock_t			end;
	int				error;

	error = pmf_agslice_gap(as, rec->rm_startblock);
	if (error)
		return error;
	end = rec->rm_startblock + rec->rm_blockcount;
	if (end > as->next)
		as->next = end;

	if (!xfs_failure_rmap_impact(geo, as->fr, as->agno, rec, 0, &imp))
		return 0;
	error = as->ops->hints(as, &imp, &hints);
	if (error)
		return error;
	if (hints)
		xfs_failure_rmap_impact(geo, as->fr, as->agno, rec, hints, &imp);
	error = pmf_sink_add(as->sink, &imp);
	if (error || imp.owner != XFS_FOWN_INODES)
		return error;
	return as->ops->inodes(as, &imp);
}
