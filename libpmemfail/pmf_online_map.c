// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Copyright (c) 2026 The pmemfail authors.
 *
 * The online engine: the kernel's GETFSMAP records of the failed range,
 * turned back into the rmap records they were made from and fed, one AG
 * slice at a time, to the same shared-core calls as the offline engine
 * (xfs_failure_rmap_impact(), _free_impact(), _log_impact()), with the gaps
 * between them as free space, so that the two cannot decide differently.
 * Damaged inode chunks list their allocated inodes from XFS_IOC_INUMBERS.
 */
#include <sys/ioctl.h>
#include <linux/fsmap.h>
#include "pmf_online.h"

#define PMF_FSMAP_BATCH		512

/* GETFSMAP records of [start, end) bytes of one device, in key order. */
struct pmf_fsmap_set {
	struct fsmap	*recs;
	size_t		nr;
	size_t		cap;
};

/*
 * GETFSMAP of [start, end) bytes of one device, a page at a time, so that
 * a whole device is never held: each call adds one page to a set.
 */
struct pmf_fsmap_pager {
	struct fsmap_head	*head;
	bool			done;
};

static int
pmf_fsmap_open(
	struct pmf_fsmap_pager	*pg,
	uint32_t		dev,
	uint64_t		start,
	uint64_t		end)
{
	/* Tests shrink the pages with the batches (PMF_QUERY_BATCH). */
	size_t			batch = pmf_query_batch();
	unsigned int		count = batch < PMF_FSMAP_BATCH ? batch :
					PMF_FSMAP_BATCH;
	struct fsmap_head	*head;

	pg->done = false;
	pg->head = head = calloc(1, fsmap_sizeof(count));
	if (!head)
		return -ENOMEM;
	head->fmh_count = count;
	head->fmh_keys[0].fmr_device = dev;
	head->fmh_keys[0].fmr_physical = start;
	/* The high key: every field at its maximum but the length. */
	head->fmh_keys[1].fmr_device = dev;
	head->fmh_keys[1].fmr_flags = UINT_MAX;
	head->fmh_keys[1].fmr_physical = end - 1;
	head->fmh_keys[1].fmr_owner = ULLONG_MAX;
	head->fmh_keys[1].fmr_offset = ULLONG_MAX;
	return 0;
}

/* Add the next page of records to @set; pg->done after the last. */
static int
pmf_fsmap_next(
	struct pmf_fs		*fs,
	struct pmf_fsmap_pager	*pg,
	struct pmf_fsmap_set	*set)
{
	struct fsmap_head	*head = pg->head;
	struct fsmap		*last;
	int			error;

	if (pg->done)
		return 0;
	if (ioctl(fs->online->fd, FS_IOC_GETFSMAP, head) < 0)
		return pmf_seterr(fs, -errno, "%s: GETFSMAP: %s",
				fs->online->mnt, strerror(errno));
	if (head->fmh_entries == 0) {
		pg->done = true;
		return 0;
	}
	error = pmf_grow((void **)&set->recs, &set->cap,
			set->nr + head->fmh_entries, sizeof(*set->recs));
	if (error)
		return error;
	memcpy(set->recs + set->nr, head->fmh_recs,
	       head->fmh_entries * sizeof(*set->recs));
	set->nr += head->fmh_entries;
	last = &head->fmh_recs[head->fmh_entries - 1];
	if (last->fmr_flags & FMR_OF_LAST)
		pg->done = true;
	/* Go on after the last record, as xfs_io's fsmap does. */
	head->fmh_keys[0] = *last;
	return 0;
}

/* Every GETFSMAP record of a short range, in key order. */
static int
pmf_online_getfsmap(
	struct pmf_fs		*fs,
	uint32_t		dev,
	uint64_t		start,
	uint64_t		end,
	struct pmf_fsmap_set	*set)
{
	struct pmf_fsmap_pager	pg;
	int			error;

	error = pmf_fsmap_open(&pg, dev, start, end);
	while (!error && !pg.done)
		error = pmf_fsmap_next(fs, &pg, set);
	free(pg.head);
	return error;
}

/* The rmap owner GETFSMAP reported as a special owner. */
static uint64_t
pmf_online_special(
	uint64_t	owner)
{
	switch (owner) {
	case XFS_FMR_OWN_FS:		return XFS_RMAP_OWN_FS;
	case XFS_FMR_OWN_LOG:		return XFS_RMAP_OWN_LOG;
	case XFS_FMR_OWN_AG:		return XFS_RMAP_OWN_AG;
	case XFS_FMR_OWN_INOBT:		return XFS_RMAP_OWN_INOBT;
	case XFS_FMR_OWN_INODES:	return XFS_RMAP_OWN_INODES;
	case XFS_FMR_OWN_REFC:		return XFS_RMAP_OWN_REFC;
	case XFS_FMR_OWN_COW:		return XFS_RMAP_OWN_COW;
	case XFS_FMR_OWN_FREE:		return XFS_RMAP_OWN_NULL;
	default:			return XFS_RMAP_OWN_UNKNOWN;
	}
}

static bool
pmf_online_is_free(
	const struct fsmap	*m)
{
	return (m->fmr_flags & FMR_OF_SPECIAL_OWNER) &&
	       m->fmr_owner == XFS_FMR_OWN_FREE;
}

/* A data fork mapping: the only kind a refcount can share. */
static bool
pmf_online_is_data(
	const struct fsmap	*m)
{
	return !(m->fmr_flags & (FMR_OF_SPECIAL_OWNER | FMR_OF_ATTR_FORK |
				 FMR_OF_EXTENT_MAP));
}

/* A GETFSMAP record as the rmap record it came from, block @bno on. */
static void
pmf_online_to_rmap(
	const struct pmf_fs	*fs,
	const struct fsmap	*m,
	uint64_t		bno,
	struct xfs_rmap_irec	*rec)
{
	unsigned int		blocklog = fs->fgeo.blocklog;

	memset(rec, 0, sizeof(*rec));
	rec->rm_startblock = bno;
	rec->rm_blockcount = m->fmr_length >> blocklog;
	if (m->fmr_flags & FMR_OF_SPECIAL_OWNER) {
		rec->rm_owner = pmf_online_special(m->fmr_owner);
		return;
	}
	rec->rm_owner = m->fmr_owner;
	if (m->fmr_flags & FMR_OF_EXTENT_MAP)
		rec->rm_flags |= XFS_RMAP_BMBT_BLOCK;
	else
		rec->rm_offset = m->fmr_offset >> blocklog;
	if (m->fmr_flags & FMR_OF_ATTR_FORK)
		rec->rm_flags |= XFS_RMAP_ATTR_FORK;
	if (m->fmr_flags & FMR_OF_PREALLOC)
		rec->rm_flags |= XFS_RMAP_UNWRITTEN;
}

/* One AG slice of the failed range, fed records in key order. */
struct pmf_online_ag {
	struct pmf_agslice		as;
	struct pmf_fsmap_set		set;
	size_t				cur;		/* record being decided */
	uint64_t			maxlen;		/* longest record, bytes */
};

/*
 * Is any block of [first, last] (bytes) of data record @i mapped by another
 * data record too?  GETFSMAP's FMR_OF_SHARED speaks for the whole record;
 * offline asks the refcount btree about the clipped part only, and a block
 * is shared exactly when two data fork mappings cover it, so the flag is
 * narrowed with the other records of the slice, which GETFSMAP returned
 * because they meet the range.
 */
static bool
pmf_online_shared(
	const struct pmf_online_ag	*ag,
	size_t				i,
	uint64_t			first,
	uint64_t			last)
{
	const struct pmf_fsmap_set	*set = &ag->set;

	if (!(set->recs[i].fmr_flags & FMR_OF_SHARED))
		return false;
	for (size_t j = i; j-- > 0;) {
		const struct fsmap	*o = &set->recs[j];

		if (o->fmr_physical + ag->maxlen <= first)
			break;
		if (pmf_online_is_data(o) &&
		    o->fmr_physical + o->fmr_length > first)
			return true;
	}
	for (size_t j = i + 1; j < set->nr; j++) {
		const struct fsmap	*o = &set->recs[j];

		if (o->fmr_physical > last)
			break;
		if (pmf_online_is_data(o) &&
		    o->fmr_physical + o->fmr_length > first)
			return true;
	}
	return false;
}

/* Split a 64-bit inode number the way the kernel does. */
static uint64_t
pmf_online_agino_to_ino(
	const struct pmf_online	*on,
	uint32_t		agno,
	uint32_t		agino)
{
	return ((uint64_t)agno << (on->agblklog + on->inopblog)) | agino;
}

/*
 * The allocated inodes whose bytes meet a damaged inode chunk's clipped
 * part, from XFS_IOC_INUMBERS: the same inobt records offline reads, as
 * the kernel holds them.
 */
static int
pmf_online_inodes(
	struct pmf_fs			*fs,
	const struct xfs_failure_impact	*imp,
	struct pmf_sink			*sink)
{
	struct pmf_online		*on = fs->online;
	uint64_t			ag_daddr, first_byte, last_byte;
	uint32_t			first, last, start;
	struct xfs_inumbers_req		*req;
	const size_t			batch = 64;
	int				error = 0;

	ag_daddr = xfs_failure_group_daddr(&fs->fgeo, imp->agno, 0);
	first_byte = (imp->daddr - ag_daddr) << BBSHIFT;
	last_byte = first_byte + (imp->bbcount << BBSHIFT) - 1;
	first = first_byte >> on->inodelog;
	last = last_byte >> on->inodelog;
	/* A chunk holding @first starts at most 63 inodes before it. */
	start = first > 63 ? first - 63 : 0;

	req = calloc(1, XFS_INUMBERS_REQ_SIZE(batch));
	if (!req)
		return -ENOMEM;
	req->hdr.ino = pmf_online_agino_to_ino(on, imp->agno, start);
	req->hdr.flags = XFS_BULK_IREQ_AGNO;
	req->hdr.agno = imp->agno;
	for (bool done = false; !done;) {
		req->hdr.icount = batch;
		if (ioctl(on->fd, XFS_IOC_INUMBERS, req) < 0) {
			error = pmf_seterr(fs, -errno, "AG %u: INUMBERS: %s",
					imp->agno, strerror(errno));
			break;
		}
		if (req->hdr.ocount == 0)
			break;
		for (uint32_t c = 0; c < req->hdr.ocount && !done; c++) {
			const struct xfs_inumbers *xi = &req->inumbers[c];
			uint32_t	s = xi->xi_startino &
				((1ULL << (on->agblklog + on->inopblog)) - 1);

			if (s > last) {
				done = true;
				break;
			}
			for (unsigned int k = 0; k < 64; k++) {
				uint32_t	agino = s + k;

				if (agino < first || agino > last ||
				    !(xi->xi_allocmask & (1ULL << k)))
					continue;
				error = pmf_sink_add_inode(sink,
						xi->xi_startino + k);
				if (error) {
					done = true;
					break;
				}
			}
		}
	}
	free(req);
	return error;
}

/*
 * What the core needs besides the record, online: whether another data
 * record maps the clipped part; the kernel cannot prove a log hit
 * harmless, and neither can we.
 */
static int
pmf_online_hints(
	struct pmf_agslice		*as,
	struct xfs_failure_impact	*imp,
	unsigned int			*hints)
{
	struct pmf_online_ag		*ag =
		container_of(as, struct pmf_online_ag, as);
	uint64_t			first = BBTOB(imp->daddr);

	if (imp->owner == XFS_FOWN_FILE_DATA) {
		if (pmf_online_shared(ag, ag->cur, first,
				first + BBTOB(imp->bbcount) - 1))
			*hints |= XFS_FAILURE_SHARED;
	} else if (imp->owner == XFS_FOWN_LOG) {
		*hints |= XFS_FAILURE_LOG_HINTS;
	}
	return 0;
}

static int
pmf_online_slice_inodes(
	struct pmf_agslice		*as,
	const struct xfs_failure_impact	*imp)
{
	return pmf_online_inodes(as->fs, imp, as->sink);
}

static const struct pmf_agslice_ops pmf_online_slice_ops = {
	.hints	= pmf_online_hints,
	.inodes	= pmf_online_slice_inodes,
};

/* Feed record @i of the slice to the shared AG slice, as pmf_rmap.c does. */
static int
pmf_online_record(
	struct pmf_online_ag		*ag,
	size_t				i)
{
	struct pmf_fs			*fs = ag->as.fs;
	const struct fsmap		*m = &ag->set.recs[i];
	struct xfs_rmap_irec		rec;
	uint64_t			fsb = m->fmr_physical >> fs->fgeo.blocklog;

	if (pmf_online_is_free(m) || fsb / fs->fgeo.agblocks != ag->as.agno)
		return 0;
	pmf_online_to_rmap(fs, m, fsb % fs->fgeo.agblocks, &rec);
	ag->cur = i;
	return pmf_agslice_record(&ag->as, &rec);
}

/*
 * Can record @i be decided?  Its shared hint looks at the records that
 * start inside it, so the pages up to the first record past its end must
 * have been read.
 */
static bool
pmf_online_decidable(
	const struct pmf_online_ag	*ag,
	size_t				i,
	bool				done)
{
	const struct fsmap		*m = &ag->set.recs[i];
	const struct fsmap		*last = &ag->set.recs[ag->set.nr - 1];

	return done || last->fmr_physical >= m->fmr_physical + m->fmr_length;
}

/*
 * Drop the decided records no later record can overlap: GETFSMAP returns
 * records by start, so none starts before the first undecided one (or the
 * last one read), and whatever ends before that is done with.  What is
 * left is the undecided records and the long extents still under them.
 */
static void
pmf_online_window(
	struct pmf_online_ag		*ag,
	size_t				*next)
{
	struct pmf_fsmap_set		*set = &ag->set;
	size_t				n = 0, first = *next;
	uint64_t			from;

	if (!set->nr)
		return;
	from = set->recs[first < set->nr ? first : set->nr - 1].fmr_physical;
	for (size_t j = 0; j < set->nr; j++) {
		const struct fsmap	*o = &set->recs[j];

		if (j < first && o->fmr_physical + o->fmr_length <= from)
			continue;
		if (j == first)
			*next = n;
		set->recs[n++] = *o;
	}
	if (first == set->nr)
		*next = n;
	set->nr = n;
}

static int
pmf_online_walk_ag(
	struct pmf_fs			*fs,
	const struct xfs_failure_range	*fr,
	const struct xfs_failure_group	*grp,
	struct pmf_sink			*sink)
{
	struct pmf_online_ag		ag = {
		.as = {
			.fs = fs, .fr = fr, .sink = sink,
			.ops = &pmf_online_slice_ops,
			.agno = grp->agno, .next = grp->low_agbno,
		},
	};
	struct pmf_fsmap_pager		pg;
	uint64_t			start, end;
	size_t				next = 0, seen = 0;
	int				error;

	start = BBTOB(xfs_failure_group_daddr(&fs->fgeo, grp->agno,
			grp->low_agbno));
	end = BBTOB(xfs_failure_group_daddr(&fs->fgeo, grp->agno,
			grp->high_agbno)) + (1ULL << fs->fgeo.blocklog);
	error = pmf_fsmap_open(&pg, fs->online->fmr_dev[PMF_DEV_DATA],
			start, end);
	while (!error && !pg.done) {
		error = pmf_fsmap_next(fs, &pg, &ag.set);
		/* A record before @i longer than this ends before @i starts. */
		for (; !error && seen < ag.set.nr; seen++)
			if (ag.set.recs[seen].fmr_length > ag.maxlen)
				ag.maxlen = ag.set.recs[seen].fmr_length;
		while (!error && next < ag.set.nr &&
		       pmf_online_decidable(&ag, next, pg.done))
			error = pmf_online_record(&ag, next++);
		if (!error) {
			pmf_online_window(&ag, &next);
			seen = ag.set.nr;
		}
	}
	if (!error)
		error = pmf_agslice_gap(&ag.as, grp->high_agbno + 1);
	free(pg.head);
	free(ag.set.recs);
	return error;
}

/*
 * The external log: GETFSMAP must show the log there (it has one record
 * for the whole device); the live part cannot be known from outside the
 * kernel, so both log hints are set, as the kernel's own handler does.
 */
static int
pmf_online_log(
	struct pmf_fs			*fs,
	const struct xfs_failure_range	*fr,
	struct pmf_sink			*sink)
{
	struct pmf_fsmap_set		set = { 0 };
	struct xfs_failure_impact	imp;
	bool				log = false;
	int				error;

	/*
	 * The kernel makes up its one log record only for a query that
	 * starts at the start of the device, so ask from there.
	 */
	error = pmf_online_getfsmap(fs, fs->online->fmr_dev[PMF_DEV_LOG], 0,
			BBTOB(fr->daddr + fr->bbcount), &set);
	for (size_t i = 0; i < set.nr; i++)
		if ((set.recs[i].fmr_flags & FMR_OF_SPECIAL_OWNER) &&
		    set.recs[i].fmr_owner == XFS_FMR_OWN_LOG &&
		    set.recs[i].fmr_physical + set.recs[i].fmr_length >
		    BBTOB(fr->daddr))
			log = true;
	free(set.recs);
	if (error || !log)
		return error;
	if (!xfs_failure_log_impact(&fs->fgeo, fr, XFS_FAILURE_LOG_HINTS, &imp))
		return 0;
	return pmf_sink_add(sink, &imp);
}

/*
 * One page of realtime records: each to the core, and the gaps before them
 * as free; after the last page, the gap to the end of the range too.
 */
static int
pmf_online_rt_page(
	struct pmf_fs			*fs,
	const struct xfs_failure_range	*fr,
	struct pmf_sink			*sink,
	const struct pmf_fsmap_set	*set,
	bool				last_page,
	uint64_t			end,
	uint64_t			*nextp)
{
	struct xfs_failure_impact	imp;
	unsigned int			blocklog = fs->fgeo.blocklog;
	uint64_t			next = *nextp;
	int				error = 0;

	for (size_t i = 0; !error && i <= set->nr; i++) {
		const struct fsmap	*m = i < set->nr ? &set->recs[i] : NULL;
		uint64_t		bno = m ? m->fmr_physical >> blocklog : end;
		struct xfs_rmap_irec	rec;

		if (!m && !last_page)
			break;
		if (m && pmf_online_is_free(m))
			continue;
		if (bno > next && xfs_failure_rtfree_impact(&fs->fgeo, fr, next,
				bno - next, &imp))
			error = pmf_sink_add(sink, &imp);
		if (error || !m)
			break;
		pmf_online_to_rmap(fs, m, bno, &rec);
		if (bno + rec.rm_blockcount > next)
			next = bno + rec.rm_blockcount;
		if (xfs_failure_rtmap_impact(&fs->fgeo, fr, bno, &rec,
				(m->fmr_flags & FMR_OF_SHARED) ?
				XFS_FAILURE_SHARED : 0, &imp))
			error = pmf_sink_add(sink, &imp);
	}
	*nextp = next;
	return error;
}

/*
 * The realtime device, where the kernel has realtime rmap (rtgroups): its
 * records go to the core's realtime calls, the gaps are free.  Without
 * rtrmap GETFSMAP only tells free from in use, and cannot name the owner.
 */
static int
pmf_online_rt(
	struct pmf_fs			*fs,
	const struct xfs_failure_range	*fr,
	struct pmf_sink			*sink)
{
	struct pmf_fsmap_set		set = { 0 };
	struct pmf_fsmap_pager		pg;
	unsigned int			blocklog = fs->fgeo.blocklog;
	uint64_t			next = BBTOB(fr->daddr) >> blocklog;
	uint64_t			end;
	int				error;

	if (!(fs->geo.features & PMF_FEAT_RTRMAP))
		return pmf_seterr(fs, -EOPNOTSUPP,
			"%s: without realtime rmap the kernel cannot name realtime owners; query the unmounted devices",
			fs->online->mnt);
	error = pmf_fsmap_open(&pg, fs->online->fmr_dev[PMF_DEV_RT],
			BBTOB(fr->daddr), BBTOB(fr->daddr + fr->bbcount));
	end = (BBTOB(fr->daddr + fr->bbcount) + (1ULL << blocklog) - 1) >> blocklog;
	/* A page at a time; the end of the last one closes the last gap. */
	while (!error && !pg.done) {
		set.nr = 0;
		error = pmf_fsmap_next(fs, &pg, &set);
		if (!error)
			error = pmf_online_rt_page(fs, fr, sink, &set, pg.done,
					end, &next);
	}
	free(pg.head);
	free(set.recs);
	return error;
}

int
pmf_online_walk(
	struct pmf_fs			*fs,
	const struct xfs_failure_range	*fr,
	struct pmf_sink			*sink)
{
	struct xfs_failure_group	grp;
	int				error;

	switch (fr->dev) {
	case XFS_FAILURE_DEV_DATA:
		if (!(fs->geo.features & PMF_FEAT_RMAPBT))
			return pmf_seterr(fs, -EOPNOTSUPP,
				"%s: without rmapbt the kernel's GETFSMAP cannot name owners; query the unmounted devices (inode scan)",
				fs->online->mnt);
		xfs_failure_first_group(&grp);
		while (xfs_failure_next_group(&fs->fgeo, fr, &grp)) {
			error = pmf_online_walk_ag(fs, fr, &grp, sink);
			if (error)
				return error;
		}
		return 0;
	case XFS_FAILURE_DEV_LOG:
		return pmf_online_log(fs, fr, sink);
	case XFS_FAILURE_DEV_RT:
		return pmf_online_rt(fs, fr, sink);
	default:
		return pmf_seterr(fs, -EINVAL, "unknown device %d", fr->dev);
	}
}
