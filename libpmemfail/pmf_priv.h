/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (c) 2026 The pmemfail authors.
 *
 * libpmemfail internals: the handle and the helpers the engines share.
 */
#ifndef PMF_PRIV_H
#define PMF_PRIV_H

#include "config.h"
#include "libxfs.h"
#include "pmemfail.h"
#include "xfs_failure.h"

struct pmf_pathcache;
struct pmf_online;
struct pmf_sink;
struct pmf_fs;

/* A directory entry ("." and ".." are never passed) and a parent pointer. */
typedef int (*pmf_dirent_fn)(void *priv, uint64_t ino, const char *name,
		size_t namelen, bool isdir);
typedef int (*pmf_pptr_fn)(void *priv, uint64_t parent, uint32_t gen,
		const char *name, size_t namelen);

/*
 * What an unmounted filesystem (read through libxfs) and a mounted one
 * (asked through ioctls) do differently, chosen once at open.  Everything
 * above, the query, the sink, the path resolver and the core, is shared.
 */
struct pmf_backend_ops {
	/* Feed @sink the impacts of one failed range (fs->qflags set). */
	int	(*walk)(struct pmf_fs *fs, const struct xfs_failure_range *fr,
			struct pmf_sink *sink);
	/* An inode's mode; offline also whether it is a metadata file. */
	int	(*inode_kind)(struct pmf_fs *fs, uint64_t ino, uint16_t *mode,
			bool *metafile, enum xfs_metafile_type *metatype);
	int	(*readdir)(struct pmf_fs *fs, uint64_t dir, pmf_dirent_fn fn,
			void *priv);
	/* @ino's parent pointers; *@gen is set to its generation. */
	int	(*pptr_list)(struct pmf_fs *fs, uint64_t ino, uint32_t *gen,
			pmf_pptr_fn fn, void *priv);
	void	(*close)(struct pmf_fs *fs);
};

/* pmf_offline.c; the online open (pmf_online.c) sets its own. */
void pmf_offline_setup(struct pmf_fs *fs);

/* Where the live part of the log is, found once at open. */
struct pmf_loginfo {
	bool		known;		/* head and tail were found */
	bool		clean;		/* head == tail, unmount record last */
	uint64_t	live_start;	/* live part, log-relative sectors, */
	uint64_t	live_len;	/* circular from live_start */
};

/*
 * What kind each recently read inode is (pmf_itype.c): the path lookup
 * reads every inode of a batch, and the core then asks the kind of each.
 */
#define PMF_KIND_CACHE		16384

struct pmf_kind {
	uint64_t		ino;		/* 0: empty */
	uint32_t		gen;		/* pmf_fs.kind_gen when kept */
	uint16_t		mode;
	bool			metafile;
	uint8_t			metatype;	/* enum xfs_metafile_type */
};

/* Buckets of libxfs's buffer cache (8 buffers each): 256 buffers. */
#define PMF_BHASH_SIZE		32

struct pmf_fs {
	const struct pmf_backend_ops *ops;
	struct xfs_mount	*mp;		/* NULL online */
	struct xfs_mount	xmount;
	struct libxfs_init	xi;
	bool			attached;	/* mp belongs to the caller */
	bool			writable;	/* PMF_OPEN_WRITE */
	bool			rt_changed;	/* rt metadata written: pmf_rt_done */
	struct xfs_failure_geo	fgeo;
	struct pmf_geometry	geo;
	struct pmf_loginfo	log;
	char			*path[3];
	struct pmf_pathcache	*paths;
	struct pmf_online	*online;	/* mounted: asked through ioctls */
	/* Set at open, from the superblock or the kernel. */
	uint64_t		rootino;
	bool			has_parent;	/* parent pointers */
	bool			metadir;
	const struct xfs_sb	*meta_sb;	/* names the metadata inodes */
	unsigned int		qflags;		/* PMF_QUERY_* of the query */
	struct pmf_kind		*kinds;		/* PMF_KIND_CACHE, offline */
	uint32_t		kind_gen;	/* kinds of older queries: stale */
	pmf_progress_fn		progress;
	void			*progress_priv;
	char			errmsg[PMF_ERRMSG_LEN];
};

/*
 * An empty transaction, on any libxfs: newer ones (configure's check)
 * return it, as they cannot fail to make one.
 */
static inline int
pmf_trans_alloc_empty(
	struct xfs_mount	*mp,
	struct xfs_trans	**tpp)
{
#ifdef HAVE_LIBXFS_TRANS_ALLOC_EMPTY_RETURNS
	*tpp = libxfs_trans_alloc_empty(mp);
	return 0;
#else
	return libxfs_trans_alloc_empty(mp, tpp);
#endif
}

/* pmf_util.c: calls nothing else of the library */
int pmf_seterr(struct pmf_fs *fs, int error, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int pmf_grow(void **array, size_t *cap, size_t need, size_t size);
/* qsort() order of uint64_t, and whether a sorted array holds @v. */
int pmf_u64_cmp(const void *a, const void *b);
bool pmf_u64_find(const uint64_t *sorted, size_t nr, uint64_t v);
/* A set of inode numbers, open addressing; 0 is never an inode. */
struct pmf_iset {
	uint64_t	*slot;
	size_t		size;		/* power of two */
	size_t		nr;
};
int pmf_iset_add(struct pmf_iset *set, uint64_t ino, bool *added);
void pmf_progress(struct pmf_fs *fs, uint64_t done, uint64_t total);
void pmf_progress_done(struct pmf_fs *fs);
bool pmf_best_effort(struct pmf_fs *fs, int error);

/* pmf_open.c */
int pmf_attach(struct xfs_mount *mp, const struct libxfs_init *xi,
		struct pmf_fs **fsp);

/* pmf_compat.c */
int pmf_check_libxfs_support(struct pmf_open_args *args,
		const struct xfs_sb *sb);

/* pmf_metafile.c */
const char *pmf_metadir_name(const struct pmf_fs *fs, uint64_t ino);

/* pmf_geometry.c */
void pmf_fill_geometry(struct pmf_fs *fs);

/* pmf_log.c */
int pmf_log_find_uuid(int fd, uint64_t start, uint64_t bbs, uuid_t *found);
int pmf_log_check_uuid(int fd, uint64_t start, uint64_t bbs,
		const uuid_t *uuid, char *errmsg, size_t len);
void pmf_log_find_live(struct pmf_fs *fs);
unsigned int pmf_log_hints(const struct pmf_fs *fs, uint64_t start,
		uint64_t len);

/* pmf_query.c: the sink every engine feeds */
size_t pmf_query_batch(void);
int pmf_sink_add(struct pmf_sink *sink, const struct xfs_failure_impact *imp);
int pmf_sink_add_inode(struct pmf_sink *sink, uint64_t ino);
int pmf_sink_named(struct pmf_fs *fs, struct pmf_sink *sink,
		const uint64_t **inos, size_t *nr);
int pmf_sink_unresolved(struct pmf_fs *fs, struct pmf_sink *sink,
		const struct xfs_failure_impact *imp);

/*
 * pmf_agslice.c: one AG's slice of a failed range, fed rmap records in
 * startblock order by any engine; the engine gives the hints of a clipped
 * impact and the allocated inodes of a damaged chunk.
 */
struct pmf_agslice;
struct pmf_agslice_ops {
	int	(*hints)(struct pmf_agslice *as, struct xfs_failure_impact *imp,
			unsigned int *hints);
	int	(*inodes)(struct pmf_agslice *as,
			const struct xfs_failure_impact *imp);
};

struct pmf_agslice {
	struct pmf_fs			*fs;
	const struct xfs_failure_range	*fr;
	struct pmf_sink			*sink;
	const struct pmf_agslice_ops	*ops;
	xfs_agnumber_t			agno;
	xfs_agblock_t			next;		/* first unseen block */
};

int pmf_agslice_gap(struct pmf_agslice *as, xfs_agblock_t end);
int pmf_agslice_record(struct pmf_agslice *as,
		const struct xfs_rmap_irec *rec);

/* pmf_rmap.c: the offline slice, for the rmap walk and the inode scan */
struct pmf_agwalk {
	struct pmf_agslice		as;
	struct xfs_perag		*pag;
	struct xfs_buf			*agbp;
	struct xfs_btree_cur		*refc_cur;	/* lazily made */
};

int pmf_agwalk_start(struct pmf_fs *fs, const struct xfs_failure_range *fr,
		const struct xfs_failure_group *grp, struct pmf_sink *sink,
		struct pmf_agwalk *info);
int pmf_agwalk_finish(struct pmf_agwalk *info,
		const struct xfs_failure_group *grp, int error);
void pmf_rmap_keys(const struct xfs_failure_group *grp,
		struct xfs_rmap_irec *low, struct xfs_rmap_irec *high);

/* pmf_rmap.c, pmf_scan.c: the data device engines; pmf_rt.c: realtime */
int pmf_rmap_walk(struct pmf_fs *fs, const struct xfs_failure_range *fr,
		struct pmf_sink *sink);
int pmf_scan_walk(struct pmf_fs *fs, const struct xfs_failure_range *fr,
		struct pmf_sink *sink);
int pmf_inobt_walk(struct pmf_fs *fs, xfs_btree_query_range_fn fn,
		void *priv);
int pmf_scan_fallback(struct pmf_fs *fs, const struct xfs_failure_range *fr,
		const struct xfs_failure_group *grp, struct pmf_sink *sink,
		const char *reason);
int pmf_named_chunk_inodes(struct pmf_agslice *as,
		const struct xfs_failure_impact *imp);
int pmf_rt_walk(struct pmf_fs *fs, const struct xfs_failure_range *fr,
		struct pmf_sink *sink);

/* pmf_repair.c; pmf_repair_rt.c builds on it */
int pmf_writable(struct pmf_fs *fs);
int pmf_quarantine_file(struct pmf_fs *fs, const char *name, uint16_t diflags,
		struct xfs_inode **ipp);
int pmf_rt_load_inodes(struct pmf_fs *fs);
void pmf_rt_done(struct pmf_fs *fs);
void pmf_rt_defer_fix(struct xfs_trans *tp);

/* pmf_itype.c: what the core needs besides the records */
const char *pmf_metafile_name(const struct pmf_fs *fs, uint64_t ino);
void pmf_set_itype(struct pmf_fs *fs, struct xfs_failure_impact *imp);
void pmf_refine_ag_btree(struct pmf_fs *fs, struct xfs_failure_impact *imp);
int pmf_offline_inode_kind(struct pmf_fs *fs, uint64_t ino, uint16_t *mode,
		bool *metafile, enum xfs_metafile_type *metatype);
void pmf_kind_remember(struct pmf_fs *fs, uint64_t ino, uint16_t mode,
		bool metafile, enum xfs_metafile_type metatype);
void pmf_kind_forget(struct pmf_fs *fs);
int pmf_dinode_read(struct pmf_fs *fs, uint64_t ino, struct xfs_buf **bpp,
		struct xfs_dinode **dipp);

/* pmf_inodes.c */
int pmf_inodes_expand(struct pmf_fs *fs, const struct xfs_failure_impact *imp,
		struct pmf_sink *sink);

/* pmf_pptr.c: offline */
int pmf_pptr_list(struct pmf_fs *fs, uint64_t ino, uint32_t *gen,
		pmf_pptr_fn fn, void *priv);

/* pmf_paths.c */
/*
 * pmf_paths_resolve() fills fs->paths; the rest read a cache it filled,
 * which the query may have taken for its emitting thread (pmf_query.c).
 */
int pmf_paths_resolve(struct pmf_fs *fs, const uint64_t *inos, size_t nr);
int pmf_paths_get(const struct pmf_fs *fs, struct pmf_pathcache *pc,
		uint64_t ino, const char * const **paths, unsigned int *npaths);
void pmf_paths_put(struct pmf_pathcache *pc);
void pmf_paths_free(struct pmf_pathcache *pc);
bool pmf_paths_complete(const struct pmf_pathcache *pc);
int pmf_offline_readdir(struct pmf_fs *fs, uint64_t dir, pmf_dirent_fn fn,
		void *priv);

/* pmf_online*.c: a mounted filesystem; the rest is in pmf_online.h */
bool pmf_online_wanted(const char *path);
int pmf_online_open(struct pmf_open_args *args, struct pmf_fs **fsp);

#endif /* PMF_PRIV_H */
