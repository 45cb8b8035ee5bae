/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (c) 2026 The pmemfail authors.
 */
#ifndef XFS_PMEM_H
#define XFS_PMEM_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <libsmartcols.h>
#include "pmemfail.h"

/*
 * Exit codes, fsck-style: the analysis bits may be or'ed together; an
 * operational or usage error replaces them.
 */
#define XFS_PMEM_EXIT_CLEAN	0	/* nothing was or would be lost */
#define XFS_PMEM_EXIT_DATA	1	/* file data, xattrs or inodes lost */
#define XFS_PMEM_EXIT_META	2	/* rebuildable metadata hit */
#define XFS_PMEM_EXIT_FATAL	4	/* metadata loss that shuts the fs down */
#define XFS_PMEM_EXIT_ERROR	8	/* bad device, corrupt image, I/O error */
#define XFS_PMEM_EXIT_USAGE	16	/* bad command line */

extern char *progname;

/* Output options shared by the commands, as lsblk has them. */
struct xfs_pmem_out {
	bool		json;
	bool		raw;
	bool		noheadings;
	bool		bytes;
	const char	*columns;	/* -o list, or NULL for the default */
};

/* What a column holds, which decides its JSON type. */
enum xfs_pmem_coltype {
	XFS_PMEM_STR = 0,
	XFS_PMEM_NUM,
	XFS_PMEM_BOOL,
	XFS_PMEM_SIZE,		/* number with --bytes, "1.5M" without */
	XFS_PMEM_LIST,		/* one item per line, a JSON array */
};

/* Room for every column, and for -o naming some twice. */
#define XFS_PMEM_MAXCOLS	64

/* A column of an output table. */
struct xfs_pmem_col {
	const char		*name;
	double			whint;
	int			flags;		/* SCOLS_FL_* */
	enum xfs_pmem_coltype	type;
	const char		*help;
};

void xfs_pmem_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int xfs_pmem_bad_option(const char *cmd, int c, char **argv);

/* table.c */
int xfs_pmem_cols_select(const char *list, const struct xfs_pmem_col *cols,
		size_t ncols, const int *defaults, size_t ndefaults, int *ids,
		size_t *nids);
struct libscols_table *xfs_pmem_table_new(const char *name,
		const struct xfs_pmem_col *cols, const int *ids, size_t nids,
		const struct xfs_pmem_out *out);
char *xfs_pmem_size_str(uint64_t bytes, const struct xfs_pmem_out *out);
const char *xfs_pmem_size_fmt(uint64_t bytes, const struct xfs_pmem_out *out,
		char *buf, size_t len);
void xfs_pmem_json_str(FILE *f, const char *s);
struct xfs_pmem_hold;
struct xfs_pmem_hold *xfs_pmem_hold_open(FILE **fp);
int xfs_pmem_hold_close(struct xfs_pmem_hold *h, FILE *f, bool failed);
int xfs_pmem_line_setf(struct libscols_line *ln, size_t n, const char *fmt,
		...) __attribute__((format(printf, 3, 4)));
char *xfs_pmem_json_body(struct libscols_table *tb);
void xfs_pmem_json_oneline(FILE *f, const char *json);

/*
 * impact.c: the impact writer.  Its columns are the one schema of every
 * command's records (doc/simulate-json.md); tables of other records reuse
 * the members they share with it.
 */
enum xfs_pmem_icol {
	XFS_PMEM_IC_DEV, XFS_PMEM_IC_START, XFS_PMEM_IC_LENGTH,
	XFS_PMEM_IC_OWNER, XFS_PMEM_IC_INODE, XFS_PMEM_IC_FOFFSET,
	XFS_PMEM_IC_FLAGS, XFS_PMEM_IC_EFFECT, XFS_PMEM_IC_AG,
	XFS_PMEM_IC_AGBNO, XFS_PMEM_IC_BLOCKS, XFS_PMEM_IC_HEADERS,
	XFS_PMEM_IC_MEDIA, XFS_PMEM_IC_REMOVE, XFS_PMEM_IC_METAFILE,
	XFS_PMEM_IC_PATH, XFS_PMEM_IC_CHECK, XFS_PMEM_IC_DETAIL,
	XFS_PMEM_IC_RANGE, XFS_PMEM_IC_NR,
};

extern const struct xfs_pmem_col xfs_pmem_impact_cols[XFS_PMEM_IC_NR];

/* An impacts table being filled, and how its cells are written. */
struct xfs_pmem_impact_out {
	struct libscols_table		*tb;
	const int			*ids;	/* enum xfs_pmem_icol */
	size_t				nids;
	const struct xfs_pmem_out	*out;
	const struct pmf_range		*range;	/* the query's, for RANGE */
	/* Streaming (xfs_pmem_impact_stream()): rows go to @f as they come. */
	FILE				*f;
	uint64_t			rows;	/* rows written */
	size_t				held;	/* text rows not yet printed */
	bool				headed;	/* text headings printed */
	char				keys[XFS_PMEM_IC_NR][24]; /* JSON names */
};

int xfs_pmem_impact_table(struct xfs_pmem_impact_out *io, const char *name,
		const int *ids, size_t nids, const struct xfs_pmem_out *out);
int xfs_pmem_impact_cols_select(const char *list, const int *defaults,
		size_t ndefaults, int *ids, size_t *nids);
int xfs_pmem_impact_stream(struct xfs_pmem_impact_out *io, FILE *f);
int xfs_pmem_impact_end(struct xfs_pmem_impact_out *io);
int xfs_pmem_impact_add(struct xfs_pmem_impact_out *io,
		const struct pmf_impact *imp,
		const struct pmf_check_result *chk);
int xfs_pmem_impact_set(struct libscols_line *ln, size_t i, int col,
		char *cell);
char *xfs_pmem_paths_str(const char * const *paths, unsigned int npaths);

/* inoset.c: inode numbers, one bit each in 64-inode chunks */
struct xfs_pmem_inoset {
	struct {
		uint64_t	key;	/* inode number >> 6 */
		uint64_t	mask;
	}		*v;
	size_t		size;		/* slots, a power of two */
	size_t		chunks;		/* slots used */
	uint64_t	count;		/* inodes in the set */
};

int xfs_pmem_inoset_add(struct xfs_pmem_inoset *set, uint64_t ino);
void xfs_pmem_inoset_free(struct xfs_pmem_inoset *set);

/* Ranges already reported, so that a second report can leave them out. */
struct xfs_pmem_spans {
	struct {
		uint64_t	start;
		uint64_t	len;
	}		*v;
	size_t		nr;
	size_t		cap;
};

int xfs_pmem_spans_add(struct xfs_pmem_spans *sp, uint64_t start,
		uint64_t len);
bool xfs_pmem_spans_meet(const struct xfs_pmem_spans *sp, uint64_t start,
		uint64_t len);
void xfs_pmem_spans_free(struct xfs_pmem_spans *sp);
void xfs_pmem_cols_help(const struct xfs_pmem_col *cols, size_t ncols);
int xfs_pmem_open(const char *data, const char *log, const char *rt,
		struct pmf_fs **fsp);
int xfs_pmem_range(const char *cmd, enum pmf_device dev, bool whole,
		const char *offset, const char *length,
		const struct pmf_geometry *geo, struct pmf_range *range);
int xfs_pmem_open_flags(const char *data, const char *log, const char *rt,
		unsigned int flags, struct pmf_fs **fsp);

/*
 * The command-line layer every command shares (options.c): the devices,
 * the failed range and the output options, parsed and checked one way.
 * A command lists the XFS_PMEM_LONGOPTS_* it takes in its getopt table
 * and hands every option it does not know itself to xfs_pmem_target_opt()
 * and xfs_pmem_out_opt().
 */
enum {
	XFS_PMEM_OPT_OFFSET = 0x1000,
	XFS_PMEM_OPT_LENGTH,
	XFS_PMEM_OPT_WHOLE,
	XFS_PMEM_OPT_BADBLOCKS,
	XFS_PMEM_OPT_NDCTL,
};
#define XFS_PMEM_LONGOPTS_DEVS \
	{ "logdev",	required_argument, NULL, 'l' }, \
	{ "rtdev",	required_argument, NULL, 'r' }
#define XFS_PMEM_LONGOPTS_RANGE \
	{ "device",	required_argument, NULL, 'd' }, \
	{ "offset",	required_argument, NULL, XFS_PMEM_OPT_OFFSET }, \
	{ "length",	required_argument, NULL, XFS_PMEM_OPT_LENGTH }
#define XFS_PMEM_LONGOPTS_WHOLE \
	{ "whole",	no_argument,	   NULL, XFS_PMEM_OPT_WHOLE }
#define XFS_PMEM_LONGOPTS_LIST \
	{ "badblocks",	required_argument, NULL, XFS_PMEM_OPT_BADBLOCKS }, \
	{ "ndctl-json",	required_argument, NULL, XFS_PMEM_OPT_NDCTL }
#define XFS_PMEM_LONGOPTS_OUTPUT \
	{ "output",	required_argument, NULL, 'o' }, \
	{ "json",	no_argument,	   NULL, 'J' }, \
	{ "raw",	no_argument,	   NULL, 'R' }, \
	{ "noheadings",	no_argument,	   NULL, 'n' }
#define XFS_PMEM_LONGOPTS_BYTES \
	{ "bytes",	no_argument,	   NULL, 'b' }

/* The devices and the failed range, as given. */
struct xfs_pmem_target {
	const char	*cmd;		/* for messages */
	unsigned int	devmask;	/* 1 << PMF_DEV_*: what --device takes */
	bool		whole_ok;	/* --whole is an option */
	bool		list_ok;	/* --badblocks, --ndctl-json are options */
	const char	*log;
	const char	*rt;
	const char	*device;
	const char	*offset;
	const char	*length;
	bool		whole;
	const char	*badblocks;	/* a bad-block list file, or "-" */
	const char	*ndctl;		/* ndctl list --media-errors output */
	char		*list;		/* either file, read whole */
	size_t		listlen;
	enum pmf_device	dev;		/* after xfs_pmem_target_check() */
};
#define XFS_PMEM_DEVS_ALL	((1U << PMF_DEV_DATA) | (1U << PMF_DEV_LOG) | \
				 (1U << PMF_DEV_RT))

bool xfs_pmem_target_opt(struct xfs_pmem_target *t, int c, const char *arg);
bool xfs_pmem_out_opt(struct xfs_pmem_out *out, int c, const char *arg);
int xfs_pmem_target_check(struct xfs_pmem_target *t);

/* badblocks.c: sorted, merged failed ranges of one device */
struct xfs_pmem_ranges {
	struct pmf_range	*v;
	size_t			nr;
	size_t			cap;
};

int xfs_pmem_ranges_add(struct xfs_pmem_ranges *rl, const struct pmf_range *r);
void xfs_pmem_ranges_free(struct xfs_pmem_ranges *rl);
int xfs_pmem_ranges_check_ags(struct pmf_fs *fs,
		const struct xfs_pmem_ranges *rl, pmf_damage_fn fn, void *priv);
int xfs_pmem_target_load(struct xfs_pmem_target *t);
int xfs_pmem_target_ranges(const struct xfs_pmem_target *t,
		const struct pmf_geometry *geo, struct xfs_pmem_ranges *rl);
int xfs_pmem_badblocks_sysfs(const char *cmd, const struct pmf_geometry *geo,
		struct xfs_pmem_ranges *rl);

/* picture.c */
int xfs_pmem_svg_write(struct pmf_fs *fs, const struct pmf_geometry *geo,
		const struct xfs_pmem_ranges *rl, const char *file);

/* commands */
int xfs_pmem_info(int argc, char **argv);
int xfs_pmem_simulate(int argc, char **argv);
int xfs_pmem_verify(int argc, char **argv);
int xfs_pmem_inject(int argc, char **argv);
int xfs_pmem_repair(int argc, char **argv);
int xfs_pmem_undo(int argc, char **argv);
int xfs_pmem_repair_online(int argc, char **argv);
int xfs_pmem_watch(int argc, char **argv);
int xfs_pmem_badblocks(int argc, char **argv);
int xfs_pmem_invalidate(int argc, char **argv);

#endif /* XFS_PMEM_H */
