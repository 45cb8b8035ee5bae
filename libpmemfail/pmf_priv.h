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

/* Where the live part of the log is, found once at open. */
struct pmf_loginfo {
	bool		known;		/* head and tail were found */
	bool		clean;		/* head == tail, unmount record last */
	uint64_t	live_start;	/* live part, log-relative sectors, */
	uint64_t	live_len;	/* circular from live_start */
};

struct pmf_fs {
	struct xfs_mount	*mp;
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
	unsigned int		qflags;		/* PMF_QUERY_* of the query */
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

int pmf_seterr(struct pmf_fs *fs, int error, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int pmf_grow(void **array, size_t *cap, size_t need, size_t size);

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
struct pmf_sink;
int pmf_sink_add(struct pmf_sink *sink, const struct xfs_failure_impact *imp);
int pmf_sink_add_inode(struct pmf_sink *sink, uint64_t ino);
int pmf_sink_unresolved(struct pmf_fs *fs, struct pmf_sink *sink,
		const struct xfs_failure_impact *imp);
bool pmf_best_effort(struct pmf_fs *fs, int error);

/* pmf_rmap.c: one AG's slice of a failed range, fed records in order */
struct pmf_agwalk {
	struct pmf_fs			*fs;
	const struct xfs_failure_range	*fr;
	struct pmf_sink			*sink;
	struct xfs_perag		*pag;
	struct xfs_buf			*agbp;
	struct xfs_btree_cur		*refc_cur;	/* lazily made */
	xfs_agblock_t			next;		/* first unseen block */
};

int pmf_agwalk_start(struct pmf_fs *fs, const struct xfs_failure_range *fr,
		const struct xfs_failure_group *grp, struct pmf_sink *sink,
		struct pmf_agwalk *info);
int pmf_agwalk_record(struct pmf_agwalk *info,
		const struct xfs_rmap_irec *rec);
int pmf_agwalk_finish(struct pmf_agwalk *info,
		const struct xfs_failure_group *grp, int error);
void pmf_rmap_keys(const struct xfs_failure_group *grp,
		struct xfs_rmap_irec *low, struct xfs_rmap_irec *high);

/* pmf_query.c: report how far a long scan has come */
void pmf_progress(struct pmf_fs *fs, uint64_t done, uint64_t total);
void pmf_progress_done(struct pmf_fs *fs);

/* pmf_rmap.c, pmf_scan.c: the data device engines; pmf_rt.c: realtime */
int pmf_rmap_walk(struct pmf_fs *fs, const struct xfs_failure_range *fr,
		struct pmf_sink *sink);
int pmf_scan_walk(struct pmf_fs *fs, const struct xfs_failure_range *fr,
		struct pmf_sink *sink);
int pmf_inobt_walk(struct pmf_fs *fs, xfs_btree_query_range_fn fn,
		void *priv);
int pmf_rt_walk(struct pmf_fs *fs, const struct xfs_failure_range *fr,
		struct pmf_sink *sink);

/* pmf_repair.c */
int pmf_writable(struct pmf_fs *fs);
int pmf_quarantine_file(struct pmf_fs *fs, const char *name, uint16_t diflags,
		struct xfs_inode **ipp);

/* pmf_repair_rt.c */
int pmf_rt_load_inodes(struct pmf_fs *fs);
void pmf_rt_done(struct pmf_fs *fs);
void pmf_rt_defer_fix(struct xfs_trans *tp);

/* pmf_itype.c: what the core needs besides the records */
const char *pmf_metafile_name(const struct pmf_fs *fs, uint64_t ino);
void pmf_set_itype(struct pmf_fs *fs, struct xfs_failure_impact *imp);
void pmf_refine_ag_btree(struct pmf_fs *fs, struct xfs_failure_impact *imp);

/* pmf_inodes.c */
int pmf_inodes_expand(struct pmf_fs *fs, const struct xfs_failure_impact *imp,
		struct pmf_sink *sink);

/* pmf_pptr.c */
typedef int (*pmf_pptr_fn)(void *priv, uint64_t parent, uint32_t gen,
		const char *name, size_t namelen);
int pmf_pptr_list(struct pmf_fs *fs, uint64_t ino, uint32_t *gen,
		pmf_pptr_fn fn, void *priv);

/* pmf_paths.c */
int pmf_paths_resolve(struct pmf_fs *fs, const uint64_t *inos, size_t nr);
int pmf_paths_get(struct pmf_fs *fs, uint64_t ino, const char * const **paths,
		unsigned int *npaths);
void pmf_paths_free(struct pmf_fs *fs);
bool pmf_paths_complete(const struct pmf_fs *fs);

/*
 * pmf_online*.c: a mounted filesystem, through GETFSMAP, inumbers, bulkstat,
 * handles and parent pointers; fs->mp is NULL.  The helpers below answer
 * for both kinds of handle.
 */
bool pmf_online_wanted(const char *path);
int pmf_online_open(struct pmf_open_args *args, struct pmf_fs **fsp);
void pmf_online_close(struct pmf_fs *fs);
int pmf_online_walk(struct pmf_fs *fs, const struct xfs_failure_range *fr,
		struct pmf_sink *sink);
typedef int (*pmf_online_dirent_fn)(void *priv, uint64_t ino,
		const char *name, size_t namelen, bool isdir);
int pmf_online_readdir(struct pmf_fs *fs, uint64_t dir,
		pmf_online_dirent_fn fn, void *priv);
int pmf_online_pptr_list(struct pmf_fs *fs, uint64_t ino, uint32_t *gen,
		pmf_pptr_fn fn, void *priv);
uint64_t pmf_root_ino(const struct pmf_fs *fs);
uint64_t pmf_icount(const struct pmf_fs *fs);
bool pmf_has_parent(const struct pmf_fs *fs);
const struct xfs_sb *pmf_meta_sb(const struct pmf_fs *fs, bool *metadir);

#endif /* PMF_PRIV_H */
