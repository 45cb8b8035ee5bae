// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Copyright (c) 2026 The pmemfail authors.
 *
 * pmf_query(): validate a failed range, run the engine for its device, and
 * hand the impacts to the caller.  Records are held in a sink until paths
 * are resolved, so memory follows the number of affected records, never
 * the size of the filesystem.
 */
#include "pmf_priv.h"

struct pmf_rec {
	struct xfs_failure_impact	imp;
	size_t				ifirst;	/* into pmf_sink.inos */
	size_t				ninos;
	char				*unresolved;
};

struct pmf_sink {
	struct pmf_rec	*recs;
	size_t		nr;
	size_t		cap;
	uint64_t	*inos;		/* allocated inodes of chunk hits */
	size_t		ninos;
	size_t		icap;
};

int
pmf_sink_add(
	struct pmf_sink			*sink,
	const struct xfs_failure_impact	*imp)
{
	int				error;

	error = pmf_grow((void **)&sink->recs, &sink->cap, sink->nr + 1,
			sizeof(*sink->recs));
	if (error)
		return error;
	sink->recs[sink->nr].imp = *imp;
	sink->recs[sink->nr].ifirst = sink->ninos;
	sink->recs[sink->nr].ninos = 0;
	sink->recs[sink->nr].unresolved = NULL;
	sink->nr++;
	return 0;
}

/*
 * Record what could not be resolved, with the error message of the engine
 * that gave up (which is then cleared: the query goes on).  A NULL @imp
 * marks the last record added.
 */
int
pmf_sink_unresolved(
	struct pmf_fs			*fs,
	struct pmf_sink			*sink,
	const struct xfs_failure_impact	*imp)
{
	struct pmf_rec			*rec;
	int				error;

	if (imp) {
		error = pmf_sink_add(sink, imp);
		if (error)
			return error;
	}
	if (!sink->nr)
		return 0;
	rec = &sink->recs[sink->nr - 1];
	/*
	 * The query goes on past a block that failed its checks: the next
	 * read of it fails again, as the buffer cache keeps no block that
	 * failed (__wrap_libxfs_buf_read_map), and is refused again.
	 */
	free(rec->unresolved);
	rec->unresolved = strdup(fs->errmsg[0] ? fs->errmsg :
				 "metadata could not be read");
	fs->errmsg[0] = '\0';
	return rec->unresolved ? 0 : -ENOMEM;
}

/* Attach an allocated inode to the last record added (an inode chunk). */
int
pmf_sink_add_inode(
	struct pmf_sink	*sink,
	uint64_t	ino)
{
	int		error;

	error = pmf_grow((void **)&sink->inos, &sink->icap, sink->ninos + 1,
			sizeof(*sink->inos));
	if (error)
		return error;
	sink->inos[sink->ninos++] = ino;
	sink->recs[sink->nr - 1].ninos++;
	return 0;
}

static void
pmf_sink_free(
	struct pmf_sink	*sink)
{
	for (size_t i = 0; i < sink->nr; i++)
		free(sink->recs[i].unresolved);
	free(sink->recs);
	free(sink->inos);
}

static int
pmf_cmp_u64(
	const void	*a,
	const void	*b)
{
	uint64_t	x = *(const uint64_t *)a;
	uint64_t	y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static bool
pmf_owner_is_inode(
	enum xfs_failure_owner	owner)
{
	return owner == XFS_FOWN_FILE_DATA || owner == XFS_FOWN_ATTR ||
	       owner == XFS_FOWN_BMBT || owner == XFS_FOWN_ATTR_BMBT;
}

/* Resolve the paths of every inode the sink names, in one pass. */
static int
pmf_sink_resolve(
	struct pmf_fs	*fs,
	struct pmf_sink	*sink)
{
	uint64_t	*inos;
	size_t		n = 0;
	int		error;

	inos = malloc((sink->nr + sink->ninos + 1) * sizeof(*inos));
	if (!inos)
		return -ENOMEM;
	for (size_t i = 0; i < sink->nr; i++)
		if (pmf_owner_is_inode(sink->recs[i].imp.owner))
			inos[n++] = sink->recs[i].imp.ino;
	if (sink->ninos)
		memcpy(inos + n, sink->inos, sink->ninos * sizeof(*inos));
	n += sink->ninos;
	qsort(inos, n, sizeof(*inos), pmf_cmp_u64);
	/* One inode, one lookup, however many of its records were hit. */
	if (n) {
		size_t	u = 1;

		for (size_t i = 1; i < n; i++)
			if (inos[i] != inos[u - 1])
				inos[u++] = inos[i];
		n = u;
	}
	error = pmf_paths_resolve(fs, inos, n);
	free(inos);
	return error;
}

static void
pmf_impact_export(
	const struct xfs_failure_impact	*imp,
	struct pmf_impact		*pi)
{
	memset(pi, 0, sizeof(*pi));
	pi->dev = (enum pmf_device)imp->dev;
	pi->owner = (enum pmf_owner)imp->owner;
	pi->consequence = (enum pmf_consequence)imp->consequence;
	pi->daddr = imp->daddr;
	pi->bbcount = imp->bbcount;
	pi->agno = imp->agno;
	pi->agbno = imp->agbno;
	pi->blockcount = imp->blockcount;
	pi->startblock = imp->startblock;
	pi->ino = imp->ino;
	pi->offset = imp->offset;
	pi->length = imp->length;
	pi->flags = imp->flags;
	pi->headers = imp->headers;
	pi->act_media = imp->act_media;
	pi->act_remove = imp->act_remove;
}

/*
 * Paths of @ino, or its metadata file name.  An allocated inode that has
 * neither is unlinked (a file deleted while open), unless a damaged
 * directory kept us from seeing all of the tree.
 */
static void
pmf_describe_inode(
	struct pmf_fs		*fs,
	uint64_t		ino,
	bool			paths,
	struct pmf_inode_hit	*hit)
{
	hit->ino = ino;
	hit->metafile = pmf_metafile_name(fs, ino);
	hit->paths = NULL;
	hit->npaths = 0;
	hit->unlinked = false;
	hit->paths_partial = false;
	if (!paths || hit->metafile)
		return;
	pmf_paths_get(fs, ino, &hit->paths, &hit->npaths);
	if (!pmf_paths_complete(fs))
		hit->paths_partial = true;
	else
		hit->unlinked = hit->npaths == 0;
}

static int
pmf_emit_one(
	struct pmf_fs		*fs,
	struct pmf_sink		*sink,
	struct pmf_rec		*rec,
	bool			paths,
	pmf_impact_fn		fn,
	void			*priv)
{
	struct pmf_inode_hit	*hits = NULL;
	struct pmf_impact	pi;
	int			error;

	pmf_set_itype(fs, &rec->imp);
	pmf_impact_export(&rec->imp, &pi);
	if (rec->unresolved) {
		pi.flags |= PMF_IMPACT_UNRESOLVED;
		pi.unresolved = rec->unresolved;
	}
	if (pmf_owner_is_inode(rec->imp.owner)) {
		struct pmf_inode_hit	self;

		pmf_describe_inode(fs, pi.ino, paths, &self);
		pi.paths = self.paths;
		pi.npaths = self.npaths;
		pi.metafile = self.metafile;
		pi.unlinked = self.unlinked;
		if (self.paths_partial)
			pi.flags |= PMF_IMPACT_PATHS_PARTIAL;
	}
	if (rec->ninos) {
		hits = calloc(rec->ninos, sizeof(*hits));
		if (!hits)
			return -ENOMEM;
		for (size_t i = 0; i < rec->ninos; i++)
			pmf_describe_inode(fs, sink->inos[rec->ifirst + i],
					paths, &hits[i]);
		pi.inodes = hits;
		pi.ninodes = rec->ninos;
	}
	error = fn(&pi, priv);
	free(hits);
	return error;
}

/* Byte range to sectors: a failure of part of a sector loses all of it. */
static int
pmf_range_to_failure(
	struct pmf_fs			*fs,
	const struct pmf_range		*range,
	struct xfs_failure_range	*fr)
{
	struct pmf_devinfo		*di;
	uint64_t			end;

	if (range->dev > PMF_DEV_RT)
		return pmf_seterr(fs, -EINVAL, "unknown device %d", range->dev);
	di = &fs->geo.dev[range->dev];
	if (range->dev == PMF_DEV_LOG && fs->geo.logstart)
		di = NULL;	/* internal log */
	else if (!fs->path[range->dev])
		return pmf_seterr(fs, -ENODEV, "the filesystem has no %s device%s",
				pmf_device_name(range->dev),
				range->dev == PMF_DEV_LOG ?
					" open (give the external log)" : "");
	if (range->length == 0)
		return pmf_seterr(fs, -EINVAL, "zero-length range");
	if (range->offset + range->length < range->offset)
		return pmf_seterr(fs, -EINVAL, "range wraps around");
	end = range->offset + range->length;

	if (!di) {
		/* An internal log: log offsets are data device offsets. */
		uint64_t	logbytes = fs->geo.logblocks *
					   (uint64_t)fs->geo.blocksize;
		unsigned int	agblklog = libxfs_highbit32(fs->geo.agblocks - 1) + 1;

		if (end > logbytes)
			return pmf_seterr(fs, -ERANGE,
				"range ends past the end of the internal log (%llu bytes)",
				(unsigned long long)logbytes);
		fr->dev = XFS_FAILURE_DEV_DATA;
		/* sb_logstart is an AG-segmented block number. */
		fr->daddr = xfs_failure_group_daddr(&fs->fgeo,
				fs->geo.logstart >> agblklog,
				fs->geo.logstart & ((1ULL << agblklog) - 1)) +
			    (range->offset >> BBSHIFT);
		fr->bbcount = howmany_64(end, BBSIZE) - (range->offset >> BBSHIFT);
		return 0;
	}
	if (di->size && end > di->size)
		return pmf_seterr(fs, -ERANGE,
			"range ends past the end of the %s device (%llu bytes)",
			pmf_device_name(range->dev),
			(unsigned long long)di->size);
	fr->dev = (enum xfs_failure_dev)range->dev;
	fr->daddr = range->offset >> BBSHIFT;
	fr->bbcount = howmany_64(end, BBSIZE) - fr->daddr;
	return 0;
}

int
pmf_query(
	struct pmf_fs			*fs,
	const struct pmf_range		*range,
	unsigned int			flags,
	pmf_impact_fn			fn,
	void				*priv)
{
	struct xfs_failure_range	fr;
	struct pmf_sink			sink = { 0 };
	int				error;

	fs->errmsg[0] = '\0';
	fs->qflags = flags;
	error = pmf_range_to_failure(fs, range, &fr);
	if (error)
		return error;

	/* Past the end of the filesystem but inside the device: nothing there. */
	error = xfs_failure_range_check(&fs->fgeo, &fr);
	if (error == -ERANGE)
		return 0;
	if (error)
		return pmf_seterr(fs, error, "invalid range");

	error = fs->ops->walk(fs, &fr, &sink);
	if (error)
		goto out;
	if (flags & PMF_QUERY_PATHS) {
		error = pmf_sink_resolve(fs, &sink);
		if (error) {
			if (!fs->errmsg[0])
				pmf_seterr(fs, error, "cannot resolve paths: %s",
						strerror(-error));
			goto out;
		}
	}
	for (size_t i = 0; i < sink.nr; i++) {
		error = pmf_emit_one(fs, &sink, &sink.recs[i],
				flags & PMF_QUERY_PATHS, fn, priv);
		if (error)
			break;
	}
out:
	pmf_sink_free(&sink);
	return error;
}
