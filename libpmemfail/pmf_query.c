// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Copyright (c) 2026 The pmemfail authors.
 *
 * pmf_query(): validate a failed range, run the engine for its device, and
 * hand the impacts to the caller as the walk goes.  Records wait in a sink
 * only until a batch of them has its paths resolved, so memory is bounded
 * by the batch, never by the size of the range or of the filesystem.
 *
 * With PMF_QUERY_THREADED, a batch whose paths are found goes to one
 * emitting thread (libfrog's workqueue, one worker, so in order), which
 * builds the paths and calls the caller back, while the walk reads the
 * next batch and looks up its inodes (on a whole device's report, about
 * 60% of the time against the emitter's 40%).  libxfs stays on the
 * walking thread; the emitter reads only the batch and its own path cache.
 */
#include "pmf_priv.h"
#include "libfrog/workqueue.h"

/* Records plus chunk inodes held before their paths are looked up. */
#define PMF_SINK_BATCH		8192

/* Threaded: one batch filling, one queued, one being emitted. */
#define PMF_PIPE_BATCHES	3

struct pmf_rec {
	struct xfs_failure_impact	imp;
	size_t				ifirst;	/* into pmf_batch.inos */
	size_t				ninos;
	char				*unresolved;
};

struct pmf_batch {
	struct pmf_batch	*next;		/* on the free list */
	struct pmf_rec		*recs;
	size_t			nr;
	size_t			cap;
	uint64_t		*inos;		/* allocated inodes of chunk hits */
	size_t			ninos;
	size_t			icap;
	/* The paths of the batch's inodes; NULL: the query's own cache. */
	struct pmf_pathcache	*pc;
};

/* The emitting thread and the batches it hands back. */
struct pmf_pipe {
	struct workqueue	wq;
	pthread_mutex_t		lock;
	pthread_cond_t		freed;
	struct pmf_batch	*free;
	int			error;		/* the emitter's first */
	struct pmf_batch	batches[PMF_PIPE_BATCHES];
};

struct pmf_sink {
	struct pmf_fs	*fs;
	unsigned int	flags;		/* PMF_QUERY_* */
	pmf_impact_fn	fn;
	void		*priv;
	size_t		batch;
	struct pmf_batch *cur;		/* the batch being filled */
	struct pmf_batch one;		/* until an emitting thread starts */
	struct pmf_pipe	*pipe;		/* threaded */
	/*
	 * Without parent pointers, paths come from one walk of the tree, which
	 * must know every inode of the range first: a range too big for one
	 * batch is walked twice, first only to collect its inodes.
	 */
	bool		collecting;
	bool		presolved;	/* the whole range's paths are known */
	uint64_t	*targets;	/* collecting: inodes of the range */
	size_t		ntargets;
	size_t		tcap;
	/*
	 * The inodes the directory tree names, sorted, for an AG whose rmapbt
	 * or inobt went with the range: taken on first need, once a query.
	 */
	uint64_t	*named;
	size_t		nnamed;
	bool		named_taken;
};

static bool
pmf_owner_is_inode(
	enum xfs_failure_owner	owner)
{
	return owner == XFS_FOWN_FILE_DATA || owner == XFS_FOWN_ATTR ||
	       owner == XFS_FOWN_BMBT || owner == XFS_FOWN_ATTR_BMBT;
}

static int
pmf_sink_collect(
	struct pmf_sink	*sink,
	uint64_t	ino)
{
	int		error;

	error = pmf_grow((void **)&sink->targets, &sink->tcap,
			sink->ntargets + 1, sizeof(*sink->targets));
	if (error)
		return error;
	sink->targets[sink->ntargets++] = ino;
	return 0;
}

static void
pmf_batch_clear(
	struct pmf_batch *b)
{
	for (size_t i = 0; i < b->nr; i++) {
		free(b->recs[i].unresolved);
		b->recs[i].unresolved = NULL;
	}
	b->nr = 0;
	b->ninos = 0;
}

static void
pmf_batch_free(
	struct pmf_batch *b)
{
	pmf_batch_clear(b);
	free(b->recs);
	free(b->inos);
}

/*
 * The batch is full and its paths can't be looked up alone: keep only the
 * inode numbers of what it held, and of the rest of the range.
 */
static int
pmf_sink_start_collecting(
	struct pmf_sink	*sink)
{
	struct pmf_batch *b = sink->cur;
	int		error = 0;

	for (size_t i = 0; !error && i < b->nr; i++)
		if (pmf_owner_is_inode(b->recs[i].imp.owner))
			error = pmf_sink_collect(sink, b->recs[i].imp.ino);
	for (size_t i = 0; !error && i < b->ninos; i++)
		error = pmf_sink_collect(sink, b->inos[i]);
	pmf_batch_clear(b);
	sink->collecting = true;
	return error;
}

static int pmf_sink_flush(struct pmf_sink *sink);
static int pmf_pipe_start(struct pmf_sink *sink);

/*
 * A full batch goes out, if its paths can be found without the rest.
 * Threaded, the emitting thread starts with the first full batch: a query
 * that fits one batch never needs it.
 */
static int
pmf_sink_full(
	struct pmf_sink	*sink)
{
	struct pmf_fs	*fs = sink->fs;
	int		error;

	if ((sink->flags & PMF_QUERY_PATHS) && !sink->presolved &&
	    !fs->has_parent)
		return pmf_sink_start_collecting(sink);
	if ((sink->flags & PMF_QUERY_THREADED) && !sink->pipe) {
		error = pmf_pipe_start(sink);
		if (error)
			return pmf_seterr(fs, error,
				"cannot start the emitting thread: %s",
				strerror(-error));
	}
	return pmf_sink_flush(sink);
}

int
pmf_sink_add(
	struct pmf_sink			*sink,
	const struct xfs_failure_impact	*imp)
{
	struct pmf_batch		*b;
	int				error;

	if (!sink->collecting &&
	    sink->cur->nr + sink->cur->ninos >= sink->batch) {
		error = pmf_sink_full(sink);
		if (error)
			return error;
	}
	if (sink->collecting)
		return pmf_owner_is_inode(imp->owner) ?
			pmf_sink_collect(sink, imp->ino) : 0;
	b = sink->cur;
	error = pmf_grow((void **)&b->recs, &b->cap, b->nr + 1,
			sizeof(*b->recs));
	if (error)
		return error;
	b->recs[b->nr].imp = *imp;
	b->recs[b->nr].ifirst = b->ninos;
	b->recs[b->nr].ninos = 0;
	b->recs[b->nr].unresolved = NULL;
	b->nr++;
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
	if (sink->collecting || !sink->cur->nr) {
		fs->errmsg[0] = '\0';
		return 0;
	}
	rec = &sink->cur->recs[sink->cur->nr - 1];
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
	struct pmf_batch *b = sink->cur;
	int		error;

	if (sink->collecting)
		return pmf_sink_collect(sink, ino);
	error = pmf_grow((void **)&b->inos, &b->icap, b->ninos + 1,
			sizeof(*b->inos));
	if (error)
		return error;
	b->inos[b->ninos++] = ino;
	b->recs[b->nr - 1].ninos++;
	return 0;
}

static size_t pmf_sort_unique(uint64_t *inos, size_t n);

/*
 * Every inode the directory tree names, as far as it reads (the
 * inventory): what an AG whose own indexes are lost can still be asked
 * about.  Taken once a query; the fallback of the engines only.
 */
int
pmf_sink_named(
	struct pmf_fs		*fs,
	struct pmf_sink		*sink,
	const uint64_t		**inos,
	size_t			*nr)
{
	struct pmf_inv		inv = { 0 };
	char			reason[PMF_ERRMSG_LEN];
	int			error = 0;

	if (!sink->named_taken) {
		/* The inventory's own errors are not the query's. */
		memcpy(reason, fs->errmsg, sizeof(reason));
		error = pmf_inventory_take(fs, NULL, 0, &inv);
		sink->named = calloc(inv.nr + 1, sizeof(*sink->named));
		if (!sink->named)
			error = -ENOMEM;
		for (size_t i = 0; sink->named && i < inv.nr; i++)
			sink->named[i] = inv.v[i].ino;
		if (sink->named)
			sink->nnamed = pmf_sort_unique(sink->named, inv.nr);
		pmf_inv_free(&inv);
		memcpy(fs->errmsg, reason, sizeof(reason));
		sink->named_taken = true;
		/* What did not read is left out; only memory is fatal. */
		if (error && error != -ENOMEM)
			error = 0;
	}
	*inos = sink->named;
	*nr = sink->nnamed;
	return error;
}

/* Sort @inos and drop repeats: one inode, one lookup. */
static size_t
pmf_sort_unique(
	uint64_t	*inos,
	size_t		n)
{
	size_t		u = 1;

	if (!n)
		return 0;
	qsort(inos, n, sizeof(*inos), pmf_u64_cmp);
	for (size_t i = 1; i < n; i++)
		if (inos[i] != inos[u - 1])
			inos[u++] = inos[i];
	return u;
}

/*
 * Resolve the paths of every inode the batch names, in one pass, into the
 * batch's own cache when it has one.
 */
static int
pmf_sink_resolve(
	struct pmf_sink	*sink,
	struct pmf_batch *b)
{
	struct pmf_fs	*fs = sink->fs;
	struct pmf_pathcache *mine = fs->paths;
	uint64_t	*inos;
	size_t		n = 0;
	int		error;

	inos = malloc((b->nr + b->ninos + 1) * sizeof(*inos));
	if (!inos)
		return -ENOMEM;
	for (size_t i = 0; i < b->nr; i++)
		if (pmf_owner_is_inode(b->recs[i].imp.owner))
			inos[n++] = b->recs[i].imp.ino;
	if (b->ninos)
		memcpy(inos + n, b->inos, b->ninos * sizeof(*inos));
	n += b->ninos;
	if (sink->pipe)
		fs->paths = b->pc;
	error = pmf_paths_resolve(fs, inos, pmf_sort_unique(inos, n));
	if (sink->pipe) {
		b->pc = fs->paths;
		fs->paths = mine;
	}
	free(inos);
	return error;
}

/* The collected inodes of the whole range: their paths in one walk. */
static int
pmf_sink_presolve(
	struct pmf_sink	*sink)
{
	int		error;

	sink->ntargets = pmf_sort_unique(sink->targets, sink->ntargets);
	error = pmf_paths_resolve(sink->fs, sink->targets, sink->ntargets);
	if (error && !sink->fs->errmsg[0])
		pmf_seterr(sink->fs, error, "cannot resolve paths: %s",
				strerror(-error));
	free(sink->targets);
	sink->targets = NULL;
	sink->ntargets = sink->tcap = 0;
	sink->collecting = false;
	sink->presolved = true;
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
static int
pmf_describe_inode(
	const struct pmf_fs	*fs,
	struct pmf_pathcache	*pc,
	uint64_t		ino,
	bool			paths,
	struct pmf_inode_hit	*hit)
{
	int			error;

	hit->ino = ino;
	hit->metafile = pmf_metafile_name(fs, ino);
	hit->paths = NULL;
	hit->npaths = 0;
	hit->unlinked = false;
	hit->paths_partial = false;
	if (!paths || hit->metafile)
		return 0;
	error = pmf_paths_get(fs, pc, ino, &hit->paths, &hit->npaths);
	if (error)
		return error;
	if (!pmf_paths_complete(pc))
		hit->paths_partial = true;
	else
		hit->unlinked = hit->npaths == 0;
	return 0;
}

/*
 * Hand one record to the caller, with its paths from @pc.  Reads nothing
 * through libxfs: threaded, it runs beside the walk.
 */
static int
pmf_emit_one(
	struct pmf_sink		*sink,
	struct pmf_batch	*b,
	struct pmf_pathcache	*pc,
	struct pmf_rec		*rec)
{
	const struct pmf_fs	*fs = sink->fs;
	bool			paths = sink->flags & PMF_QUERY_PATHS;
	struct pmf_inode_hit	*hits = NULL;
	struct pmf_impact	pi;
	int			error = 0;

	pmf_impact_export(&rec->imp, &pi);
	if (rec->unresolved) {
		pi.flags |= PMF_IMPACT_UNRESOLVED;
		pi.unresolved = rec->unresolved;
	}
	if (pmf_owner_is_inode(rec->imp.owner)) {
		struct pmf_inode_hit	self;

		error = pmf_describe_inode(fs, pc, pi.ino, paths, &self);
		if (error)
			goto out;
		pi.paths = self.paths;
		pi.npaths = self.npaths;
		pi.metafile = self.metafile;
		pi.unlinked = self.unlinked;
		if (self.paths_partial)
			pi.flags |= PMF_IMPACT_PATHS_PARTIAL;
	}
	if (rec->ninos) {
		hits = calloc(rec->ninos, sizeof(*hits));
		if (!hits) {
			error = -ENOMEM;
			goto out;
		}
		for (size_t i = 0; !error && i < rec->ninos; i++)
			error = pmf_describe_inode(fs, pc,
					b->inos[rec->ifirst + i], paths,
					&hits[i]);
		if (error)
			goto out;
		pi.inodes = hits;
		pi.ninodes = rec->ninos;
	}
	error = sink->fn(&pi, sink->priv);
out:
	free(hits);
	pmf_paths_put(pc);
	return error;
}

/* Every record of @b to the caller; the paths come from @pc. */
static int
pmf_batch_emit(
	struct pmf_sink		*sink,
	struct pmf_batch	*b,
	struct pmf_pathcache	*pc)
{
	int			error = 0;

	for (size_t i = 0; !error && i < b->nr; i++)
		error = pmf_emit_one(sink, b, pc, &b->recs[i]);
	pmf_batch_clear(b);
	return error;
}

/* The emitting thread: one batch, then back to the free list. */
static void
pmf_pipe_emit(
	struct workqueue	*wq,
	uint32_t		index,
	void			*arg)
{
	struct pmf_batch	*b = arg;
	struct pmf_sink		*sink = wq->wq_ctx;
	struct pmf_pipe		*pipe = sink->pipe;
	int			error;

	(void)index;
	pthread_mutex_lock(&pipe->lock);
	error = pipe->error;
	pthread_mutex_unlock(&pipe->lock);
	/* After an error, the batches queued behind it go unread. */
	if (error)
		pmf_batch_clear(b);
	else
		error = pmf_batch_emit(sink, b,
				sink->presolved ? sink->fs->paths : b->pc);
	pthread_mutex_lock(&pipe->lock);
	if (!pipe->error)
		pipe->error = error;
	b->next = pipe->free;
	pipe->free = b;
	pthread_cond_signal(&pipe->freed);
	pthread_mutex_unlock(&pipe->lock);
}

/*
 * Queue the filled batch for the emitter and take a free one to fill,
 * waiting for the emitter if none is: at most PMF_PIPE_BATCHES batches
 * are ever held.  An error of the emitter's ends the walk.
 */
static int
pmf_pipe_pass(
	struct pmf_sink		*sink)
{
	struct pmf_pipe		*pipe = sink->pipe;
	int			error;

	/* libfrog's workqueue returns negative errnos, as we do. */
	error = workqueue_add(&pipe->wq, pmf_pipe_emit, 0, sink->cur);
	if (error)
		return pmf_seterr(sink->fs, error, "cannot queue records: %s",
				strerror(-error));
	pthread_mutex_lock(&pipe->lock);
	while (!pipe->free)
		pthread_cond_wait(&pipe->freed, &pipe->lock);
	sink->cur = pipe->free;
	pipe->free = sink->cur->next;
	error = pipe->error;
	pthread_mutex_unlock(&pipe->lock);
	return error;
}

/*
 * Resolve the held records' paths and hand them to the caller, or to the
 * emitting thread.  The kinds of their inodes are read here, on the
 * walk's thread, as they need libxfs.
 */
static int
pmf_sink_flush(
	struct pmf_sink	*sink)
{
	struct pmf_fs	*fs = sink->fs;
	struct pmf_batch *b = sink->cur;
	int		error = 0;

	if (!b->nr)
		return 0;
	if ((sink->flags & PMF_QUERY_PATHS) && !sink->presolved)
		error = pmf_sink_resolve(sink, b);
	if (error) {
		if (!fs->errmsg[0])
			pmf_seterr(fs, error, "cannot resolve paths: %s",
					strerror(-error));
		return error;
	}
	for (size_t i = 0; i < b->nr; i++)
		pmf_set_itype(fs, &b->recs[i].imp);
	if (sink->pipe)
		return pmf_pipe_pass(sink);
	return pmf_batch_emit(sink, b, fs->paths);
}

/*
 * Start the emitting thread; the batch filled so far becomes its first.
 * The metadata directory's names are loaded here, before the emitter can
 * ask for them.
 */
static int
pmf_pipe_start(
	struct pmf_sink		*sink)
{
	struct pmf_pipe		*pipe;
	int			error;

	pipe = calloc(1, sizeof(*pipe));
	if (!pipe)
		return -ENOMEM;
	pthread_mutex_init(&pipe->lock, NULL);
	pthread_cond_init(&pipe->freed, NULL);
	for (int i = 1; i < PMF_PIPE_BATCHES; i++) {
		pipe->batches[i].next = pipe->free;
		pipe->free = &pipe->batches[i];
	}
	error = workqueue_create(&pipe->wq, sink, 1);
	if (error) {
		pthread_cond_destroy(&pipe->freed);
		pthread_mutex_destroy(&pipe->lock);
		free(pipe);
		return error;
	}
	(void)pmf_metafile_name(sink->fs, sink->fs->rootino);
	pipe->batches[0] = sink->one;
	memset(&sink->one, 0, sizeof(sink->one));
	sink->pipe = pipe;
	sink->cur = &pipe->batches[0];
	return 0;
}

/* Wait for the emitter to finish what was queued; its error, if any. */
static int
pmf_pipe_stop(
	struct pmf_sink		*sink)
{
	struct pmf_pipe		*pipe = sink->pipe;
	int			error;

	error = workqueue_terminate(&pipe->wq);
	workqueue_destroy(&pipe->wq);
	if (pipe->error)
		error = pipe->error;
	for (int i = 0; i < PMF_PIPE_BATCHES; i++) {
		pmf_batch_free(&pipe->batches[i]);
		pmf_paths_free(pipe->batches[i].pc);
	}
	pthread_cond_destroy(&pipe->freed);
	pthread_mutex_destroy(&pipe->lock);
	free(pipe);
	sink->pipe = NULL;
	sink->cur = &sink->one;
	return error;
}

static void
pmf_sink_free(
	struct pmf_sink	*sink)
{
	pmf_batch_free(&sink->one);
	free(sink->targets);
	free(sink->named);
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

/*
 * Records per batch.  PMF_QUERY_BATCH makes batches tiny, so that tests on
 * small filesystems cross as many batch boundaries as a big one does.
 */
size_t
pmf_query_batch(void)
{
	const char	*env = getenv("PMF_QUERY_BATCH");
	unsigned long	n;

	if (!env)
		return PMF_SINK_BATCH;
	n = strtoul(env, NULL, 10);
	return n ? n : PMF_SINK_BATCH;
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
	struct pmf_sink			sink = {
		.fs	= fs,
		.flags	= flags,
		.fn	= fn,
		.priv	= priv,
		.batch	= pmf_query_batch(),
	};
	int				error, error2;

	fs->errmsg[0] = '\0';
	fs->qflags = flags;
	pmf_kind_forget(fs);
	error = pmf_range_to_failure(fs, range, &fr);
	if (error)
		return error;

	/* Past the end of the filesystem but inside the device: nothing there. */
	error = xfs_failure_range_check(&fs->fgeo, &fr);
	if (error == -ERANGE)
		return 0;
	if (error)
		return pmf_seterr(fs, error, "invalid range");

	sink.cur = &sink.one;
	error = fs->ops->walk(fs, &fr, &sink);
	if (!error && sink.collecting) {
		error = pmf_sink_presolve(&sink);
		if (!error)
			error = fs->ops->walk(fs, &fr, &sink);
	}
	if (!error)
		error = pmf_sink_flush(&sink);
	if (sink.pipe) {
		/* The walk's error first: the emitter may only have been cut short. */
		error2 = pmf_pipe_stop(&sink);
		if (!error)
			error = error2;
	}
	pmf_sink_free(&sink);
	return error;
}
