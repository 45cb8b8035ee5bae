// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Copyright (c) 2026 The pmemfail authors.
 *
 * Inode chunks: a damaged chunk loses exactly the allocated inodes whose
 * on-disk bytes lie in the damaged part.  The inobt record of the chunk
 * says which are allocated (ir_free) and which exist at all (holemask of a
 * sparse chunk).
 */
#include "pmf_priv.h"

struct pmf_inobt_walk {
	struct xfs_perag	*pag;
	struct xfs_buf		*agibp;
	struct xfs_btree_cur	*cur;
};

static int
pmf_inobt_start(
	struct pmf_fs		*fs,
	xfs_agnumber_t		agno,
	struct pmf_inobt_walk	*w)
{
	int			error;

	w->pag = libxfs_perag_get(fs->mp, agno);
	if (!w->pag)
		return pmf_seterr(fs, -EFSCORRUPTED, "AG %u: no such AG", agno);
	error = libxfs_ialloc_read_agi(w->pag, NULL, 0, &w->agibp);
	if (error) {
		libxfs_perag_put(w->pag);
		return pmf_seterr(fs, error, "AG %u: cannot read AGI: %s", agno,
				strerror(-error));
	}
	w->cur = libxfs_inobt_init_cursor(w->pag, NULL, w->agibp);
	return 0;
}

static void
pmf_inobt_done(
	struct pmf_inobt_walk	*w,
	int			error)
{
	libxfs_btree_del_cursor(w->cur, error ? XFS_BTREE_ERROR : XFS_BTREE_NOERROR);
	libxfs_buf_relse(w->agibp);
	libxfs_perag_put(w->pag);
}

/* Is inode @idx of the chunk record allocated (present and not free)? */
static bool
pmf_irec_allocated(
	const struct xfs_inobt_rec_incore *irec,
	unsigned int		idx)
{
	if (irec->ir_holemask & (1U << (idx / XFS_INODES_PER_HOLEMASK_BIT)))
		return false;
	return !(irec->ir_free & XFS_INOBT_MASK(idx));
}

/* Look up the chunk record containing @agino; *found is false if none. */
static int
pmf_inobt_find(
	struct pmf_inobt_walk	*w,
	xfs_agino_t		agino,
	struct xfs_inobt_rec_incore *irec,
	bool			*found)
{
	int			stat;
	int			error;

	*found = false;
	error = xfs_inobt_lookup(w->cur, agino, XFS_LOOKUP_LE, &stat);
	if (error || !stat)
		return error;
	error = xfs_inobt_get_rec(w->cur, irec, &stat);
	if (error || !stat)
		return error;
	*found = agino >= irec->ir_startino &&
		 agino < irec->ir_startino + XFS_INODES_PER_CHUNK;
	return 0;
}

/*
 * Attach to the last sink record every allocated inode whose bytes meet
 * the clipped range of an inode chunk impact.
 */
int
pmf_inodes_expand(
	struct pmf_fs			*fs,
	const struct xfs_failure_impact	*imp,
	struct pmf_sink			*sink)
{
	struct xfs_mount		*mp = fs->mp;
	struct xfs_inobt_rec_incore	irec;
	struct pmf_inobt_walk		w;
	uint64_t			ag_daddr, first_byte, last_byte;
	xfs_agino_t			agino, last;
	bool				found = false;
	int				error;

	ag_daddr = xfs_failure_group_daddr(&fs->fgeo, imp->agno, 0);
	first_byte = (imp->daddr - ag_daddr) << BBSHIFT;
	last_byte = first_byte + (imp->bbcount << BBSHIFT) - 1;
	agino = first_byte / mp->m_sb.sb_inodesize;
	last = last_byte / mp->m_sb.sb_inodesize;

	error = pmf_inobt_start(fs, imp->agno, &w);
	if (error)
		return error;
	for (; agino <= last; agino++) {
		unsigned int		idx;

		if (!found || agino >= irec.ir_startino + XFS_INODES_PER_CHUNK) {
			error = pmf_inobt_find(&w, agino, &irec, &found);
			if (error)
				break;
			if (!found)
				continue;
		}
		idx = agino - irec.ir_startino;
		if (!pmf_irec_allocated(&irec, idx))
			continue;
		error = pmf_sink_add_inode(sink,
				XFS_AGINO_TO_INO(mp, imp->agno, agino));
		if (error)
			break;
	}
	if (error && !fs->errmsg[0])
		pmf_seterr(fs, error, "AG %u: cannot walk the inode btree: %s",
				imp->agno, strerror(-error));
	pmf_inobt_done(&w, error);
	return error;
}
