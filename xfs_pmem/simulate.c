// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (c) 2026 The pmemfail authors.
 *
 * xfs_pmem simulate: what would be lost if this range or device went away.
 * xfs_pmem verify: the same prediction, with every structure it names read
 * back and checked, to tell what an event really damaged.
 * Nothing is written: the devices are opened read-only.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "xfs_pmem.h"

enum {
	COL_DEV, COL_START, COL_LENGTH, COL_OWNER, COL_INODE, COL_FOFFSET,
	COL_FLAGS, COL_EFFECT, COL_AG, COL_AGBNO, COL_BLOCKS, COL_HEADERS,
	COL_MEDIA, COL_REMOVE, COL_METAFILE, COL_PATH, COL_CHECK, COL_DETAIL,
	COL_NR,
};

static const struct xfs_pmem_col sim_cols[COL_NR] = {
	[COL_DEV]	= { "DEV", 4, 0, XFS_PMEM_STR, "device: data, log or rt" },
	[COL_START]	= { "START", 12, SCOLS_FL_RIGHT, XFS_PMEM_NUM, "byte offset of the damaged part on the device" },
	[COL_LENGTH]	= { "LENGTH", 8, SCOLS_FL_RIGHT, XFS_PMEM_SIZE, "length of the damaged part" },
	[COL_OWNER]	= { "OWNER", 10, SCOLS_FL_TREE, XFS_PMEM_STR, "what owned it (data, attr, bmbt, inodes, ag-headers, ..., free)" },
	[COL_INODE]	= { "INODE", 10, SCOLS_FL_RIGHT, XFS_PMEM_NUM, "inode number of a file owner" },
	[COL_FOFFSET]	= { "FOFFSET", 10, SCOLS_FL_RIGHT, XFS_PMEM_NUM, "byte offset of the damaged part in the file" },
	[COL_FLAGS]	= { "FLAGS", 8, 0, XFS_PMEM_STR, "unwritten, shared, live-log, dirty-log, unlinked, metafile, paths-partial, unresolved" },
	[COL_EFFECT]	= { "EFFECT", 11, 0, XFS_PMEM_STR, "no-loss, data-lost, rebuildable or fatal" },
	[COL_AG]	= { "AG", 4, SCOLS_FL_RIGHT, XFS_PMEM_NUM, "allocation group of a data device record" },
	[COL_AGBNO]	= { "AGBNO", 8, SCOLS_FL_RIGHT, XFS_PMEM_NUM, "first block of the whole record in its AG" },
	[COL_BLOCKS]	= { "BLOCKS", 8, SCOLS_FL_RIGHT, XFS_PMEM_NUM, "blocks in the whole record" },
	[COL_HEADERS]	= { "HEADERS", 8, 0, XFS_PMEM_STR, "AG header sectors hit: sb, agf, agi, agfl" },
	[COL_MEDIA]	= { "ON-MEDIA-LOSS", 12, 0, XFS_PMEM_STR, "kernel actions if the media failed" },
	[COL_REMOVE]	= { "ON-REMOVE", 12, 0, XFS_PMEM_STR, "kernel actions if the device is being removed" },
	[COL_METAFILE]	= { "METAFILE", 9, 0, XFS_PMEM_STR, "metadata inode: rtbitmap, rtsummary, usrquota, ..." },
	[COL_PATH]	= { "PATH", 30, 0, XFS_PMEM_LIST, "every path of the inode (one per line)" },
	[COL_CHECK]	= { "CHECK", 10, 0, XFS_PMEM_STR, "verify: intact, readable, corrupt, unreadable, unchecked or none" },
	[COL_DETAIL]	= { "DETAIL", 30, 0, XFS_PMEM_STR, "verify: what the check found; why a part is unresolved" },
};

static const int sim_defaults[] = {
	COL_DEV, COL_START, COL_LENGTH, COL_OWNER, COL_INODE, COL_FOFFSET,
	COL_FLAGS, COL_EFFECT, COL_PATH,
};

static const int verify_defaults[] = {
	COL_DEV, COL_START, COL_LENGTH, COL_OWNER, COL_INODE, COL_EFFECT,
	COL_CHECK, COL_DETAIL, COL_PATH,
};

/* The library's loss bits are our exit bits. */
_Static_assert(PMF_LOSS_DATA == XFS_PMEM_EXIT_DATA, "exit bits differ");
_Static_assert(PMF_LOSS_META == XFS_PMEM_EXIT_META, "exit bits differ");
_Static_assert(PMF_LOSS_FATAL == XFS_PMEM_EXIT_FATAL, "exit bits differ");

/* What verify found, against what the prediction said. */
struct verify_summary {
	uint64_t	checked[PMF_CHECK_UNREADABLE + 1];
	uint64_t	missed;		/* damage outside the prediction */
	/* Damaged blocks the prediction's rows already show. */
	struct xfs_pmem_spans shown;
};

struct sim_summary {
	uint64_t	bytes_lost;	/* written file data */
	uint64_t	attr_bytes_lost;
	uint64_t	bytes_noloss;	/* free, unwritten, unused */
	uint64_t	*files;		/* inodes with lost data or xattrs */
	size_t		nfiles;
	size_t		fcap;
	uint64_t	inodes_lost;	/* allocated inodes in damaged chunks */
	uint64_t	meta_rebuildable;
	uint64_t	meta_fatal;
	unsigned int	owners_hit;	/* bitmask of enum pmf_owner, metadata */
	struct pmf_tally tally;		/* verdict, next step, exit bits */
	uint64_t	records;
	/* What the range held, owner by owner: the whole-device page. */
	uint64_t	owner_records[PMF_OWN_NR];
	uint64_t	owner_bytes[PMF_OWN_NR];
};

struct sim_ctx {
	struct pmf_fs		*fs;
	bool			verify;
	struct verify_summary	ver;
	struct libscols_table	*missed;	/* verify: damage not shown */
	struct libscols_table	*tb;
	const int		*ids;
	size_t			nids;
	const struct xfs_pmem_out *out;
	struct sim_summary	sum;
	int			error;
};

static char *
sim_flags_str(
	const struct pmf_impact	*imp)
{
	char			buf[96] = "";

	if (imp->flags & PMF_IMPACT_UNWRITTEN)
		strcat(buf, ",unwritten");
	if (imp->flags & PMF_IMPACT_SHARED)
		strcat(buf, ",shared");
	if (imp->flags & PMF_IMPACT_LOG_LIVE)
		strcat(buf, ",live-log");
	if (imp->flags & PMF_IMPACT_LOG_DIRTY)
		strcat(buf, ",dirty-log");
	if (imp->unlinked)
		strcat(buf, ",unlinked");
	if (imp->metafile)
		strcat(buf, ",metafile");
	if (imp->flags & PMF_IMPACT_PATHS_PARTIAL)
		strcat(buf, ",paths-partial");
	if (imp->flags & PMF_IMPACT_UNRESOLVED)
		strcat(buf, ",unresolved");
	return strdup(buf[0] ? buf + 1 : "");
}

static char *
sim_bits_str(
	unsigned int		bits,
	const char * const	*names,
	unsigned int		nnames)
{
	char			buf[128] = "";

	for (unsigned int i = 0; i < nnames; i++) {
		if (!(bits & (1U << i)))
			continue;
		strcat(buf, ",");
		strcat(buf, names[i]);
	}
	return strdup(buf[0] ? buf + 1 : "");
}

static const char * const sim_hdr_names[] = { "sb", "agf", "agi", "agfl" };
static const char * const sim_act_names[] = {
	"unmap", "kill", "record", "sick", "shutdown",
};

/* All paths, one per line: the PATH column wraps at newlines. */
static char *
sim_paths_str(
	const char * const	*paths,
	unsigned int		npaths)
{
	size_t			len = 1;
	char			*s, *p;

	for (unsigned int i = 0; i < npaths; i++)
		len += strlen(paths[i]) + 1;
	s = p = malloc(len);
	if (!s)
		return NULL;
	*p = '\0';
	for (unsigned int i = 0; i < npaths; i++)
		p += sprintf(p, "%s%s", i ? "\n" : "", paths[i]);
	return s;
}

static char *
sim_u64_str(
	uint64_t		v)
{
	char			*s;

	return asprintf(&s, "%llu", (unsigned long long)v) < 0 ? NULL : s;
}

static bool
sim_owner_is_file(
	enum pmf_owner		owner)
{
	return owner == PMF_OWN_DATA || owner == PMF_OWN_ATTR ||
	       owner == PMF_OWN_BMBT || owner == PMF_OWN_ATTR_BMBT;
}

static char *
sim_cell(
	int			col,
	const struct pmf_impact	*imp,
	const struct pmf_check_result *chk,
	const struct xfs_pmem_out *out)
{
	char			*s = NULL;
	bool			file = sim_owner_is_file(imp->owner);
	int			ret = 0;

	switch (col) {
	case COL_DEV:
		return strdup(pmf_device_name(imp->dev));
	case COL_START:
		ret = asprintf(&s, "%llu", (unsigned long long)imp->daddr << 9);
		break;
	case COL_LENGTH:
		return xfs_pmem_size_str(imp->bbcount << 9, out);
	case COL_OWNER:
		return strdup(pmf_owner_name(imp->owner));
	case COL_INODE:
		if (!file)
			return strdup("");
		ret = asprintf(&s, "%llu", (unsigned long long)imp->ino);
		break;
	case COL_FOFFSET:
		if (imp->owner != PMF_OWN_DATA && imp->owner != PMF_OWN_ATTR)
			return strdup("");
		ret = asprintf(&s, "%llu", (unsigned long long)imp->offset);
		break;
	case COL_FLAGS:
		return sim_flags_str(imp);
	case COL_EFFECT:
		return strdup(pmf_consequence_name(imp->consequence));
	case COL_AG:
		if (imp->dev != PMF_DEV_DATA)
			return strdup("");
		ret = asprintf(&s, "%u", imp->agno);
		break;
	case COL_AGBNO:
		if (imp->dev != PMF_DEV_DATA)
			return strdup("");
		ret = asprintf(&s, "%u", imp->agbno);
		break;
	case COL_BLOCKS:
		ret = asprintf(&s, "%u", imp->blockcount);
		break;
	case COL_HEADERS:
		return sim_bits_str(imp->headers, sim_hdr_names, 4);
	case COL_MEDIA:
		return sim_bits_str(imp->act_media, sim_act_names, 5);
	case COL_REMOVE:
		return sim_bits_str(imp->act_remove, sim_act_names, 5);
	case COL_METAFILE:
		return strdup(imp->metafile ? imp->metafile : "");
	case COL_PATH:
		return sim_paths_str(imp->paths, imp->npaths);
	case COL_CHECK:
		return strdup(chk ? pmf_check_name(chk->check) : "");
	case COL_DETAIL:
		return strdup(chk ? chk->detail : "");
	default:
		return strdup("");
	}
	return ret < 0 ? NULL : s;
}

/*
 * Hand a cell to the line.  An empty list stays unset, so that JSON shows
 * an empty array rather than an array of one null.
 */
static int
sim_set_cell(
	struct libscols_line	*ln,
	size_t			i,
	int			col,
	char			*cell)
{
	if (!cell)
		return -ENOMEM;
	if (sim_cols[col].type == XFS_PMEM_LIST && !*cell) {
		free(cell);
		return 0;
	}
	return scols_line_refer_data(ln, i, cell) ? -ENOMEM : 0;
}

/* A row for one allocated inode of a damaged chunk, under the chunk's row. */
static int
sim_add_inode_line(
	struct sim_ctx			*ctx,
	struct libscols_line		*parent,
	const struct pmf_impact		*chunk,
	const struct pmf_inode_hit	*hit)
{
	struct libscols_line		*ln;
	struct pmf_impact		imp = *chunk;

	imp.owner = PMF_OWN_INODES;
	imp.ino = hit->ino;
	imp.paths = hit->paths;
	imp.npaths = hit->npaths;
	imp.metafile = hit->metafile;
	imp.unlinked = hit->unlinked;
	imp.flags &= ~PMF_IMPACT_PATHS_PARTIAL;
	if (hit->paths_partial)
		imp.flags |= PMF_IMPACT_PATHS_PARTIAL;
	imp.ninodes = 0;
	ln = scols_table_new_line(ctx->tb, parent);
	if (!ln)
		return -ENOMEM;
	for (size_t i = 0; i < ctx->nids; i++) {
		char	*cell;

		if (ctx->ids[i] == COL_INODE)
			cell = sim_u64_str(hit->ino);
		else if (ctx->ids[i] == COL_OWNER)
			cell = strdup("inode");
		else
			cell = sim_cell(ctx->ids[i], &imp, NULL, ctx->out);
		if (sim_set_cell(ln, i, ctx->ids[i], cell))
			return -ENOMEM;
	}
	return 0;
}

/* Remember an inode that lost data; sim_unique_files() counts it once. */
static int
sim_note_file(
	struct sim_summary	*sum,
	uint64_t		ino)
{
	if (sum->nfiles == sum->fcap) {
		size_t		ncap = sum->fcap ? sum->fcap * 2 : 64;
		uint64_t	*p = realloc(sum->files, ncap * sizeof(*p));

		if (!p)
			return -ENOMEM;
		sum->files = p;
		sum->fcap = ncap;
	}
	sum->files[sum->nfiles++] = ino;
	return 0;
}

static int
sim_cmp_u64(
	const void	*a,
	const void	*b)
{
	uint64_t	x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Count each inode once, however many of its extents were hit. */
static void
sim_unique_files(
	struct sim_summary	*sum)
{
	size_t			u = 0;

	if (!sum->nfiles)
		return;
	qsort(sum->files, sum->nfiles, sizeof(*sum->files), sim_cmp_u64);
	for (size_t i = 1; i < sum->nfiles; i++)
		if (sum->files[i] != sum->files[u])
			sum->files[++u] = sum->files[i];
	sum->nfiles = u + 1;
}

static int
sim_account(
	struct sim_summary	*sum,
	const struct pmf_impact	*imp)
{
	uint64_t		bytes = imp->bbcount << 9;

	sum->records++;
	if (imp->owner < PMF_OWN_NR) {
		sum->owner_records[imp->owner]++;
		sum->owner_bytes[imp->owner] += bytes;
	}
	pmf_tally_impact(&sum->tally, imp);
	switch (imp->consequence) {
	case PMF_NO_LOSS:
		sum->bytes_noloss += bytes;
		return 0;
	case PMF_DATA_LOST:
		if (imp->owner == PMF_OWN_INODES) {
			sum->inodes_lost += imp->ninodes;
			return 0;
		}
		if (imp->owner == PMF_OWN_ATTR)
			sum->attr_bytes_lost += bytes;
		else
			sum->bytes_lost += bytes;
		return sim_note_file(sum, imp->ino);
	case PMF_REBUILDABLE:
		sum->meta_rebuildable++;
		break;
	default:
		sum->meta_fatal++;
		break;
	}
	sum->owners_hit |= 1U << imp->owner;
	return 0;
}

/* Rows found damaged: a sweep's finds inside them are nothing new. */
static int
verify_account(
	struct sim_ctx			*ctx,
	const struct pmf_impact		*imp,
	const struct pmf_check_result	*chk)
{
	ctx->ver.checked[chk->check]++;
	pmf_tally_check(&ctx->sum.tally, imp, chk);
	if (chk->check >= PMF_CHECK_CORRUPT && imp->dev == PMF_DEV_DATA &&
	    xfs_pmem_spans_add(&ctx->ver.shown, imp->daddr, imp->bbcount))
		return -ENOMEM;
	return 0;
}

static int
sim_record(
	const struct pmf_impact	*imp,
	void			*priv)
{
	struct sim_ctx		*ctx = priv;
	struct pmf_check_result	chk, *chkp = NULL;
	struct libscols_line	*ln;
	int			error;

	error = sim_account(&ctx->sum, imp);
	if (error)
		return error;
	if (ctx->verify) {
		error = pmf_check_impact(ctx->fs, imp, &chk);
		if (error)
			return error;
		if ((imp->flags & PMF_IMPACT_UNRESOLVED) && imp->unresolved &&
		    imp->owner != PMF_OWN_UNKNOWN) {
			size_t	n = strlen(chk.detail);

			snprintf(chk.detail + n, sizeof(chk.detail) - n,
					"%sunresolved: %s", n ? "; " : "",
					imp->unresolved);
		}
		error = verify_account(ctx, imp, &chk);
		if (error)
			return error;
		chkp = &chk;
	}
	ln = scols_table_new_line(ctx->tb, NULL);
	if (!ln)
		return -ENOMEM;
	for (size_t i = 0; i < ctx->nids; i++)
		if (sim_set_cell(ln, i, ctx->ids[i],
				sim_cell(ctx->ids[i], imp, chkp, ctx->out)))
			return -ENOMEM;
	for (unsigned int i = 0; i < imp->ninodes; i++) {
		error = sim_add_inode_line(ctx, ln, imp, &imp->inodes[i]);
		if (error)
			return error;
	}
	return 0;
}

static const int verify_missed_cols[] = {
	COL_DEV, COL_START, COL_LENGTH, COL_OWNER, COL_AG, COL_EFFECT, COL_CHECK,
	COL_DETAIL,
};
#define VERIFY_NMISSED	(sizeof(verify_missed_cols) / sizeof(int))

static int
verify_missed_fn(
	const struct pmf_damage	*d,
	void			*priv)
{
	struct sim_ctx		*ctx = priv;
	struct pmf_impact	imp = {
		.dev		= PMF_DEV_DATA,
		.owner		= d->owner,
		.consequence	= d->consequence,
		.daddr		= d->daddr,
		.bbcount	= d->bbcount,
		.agno		= d->agno,
		.headers	= d->headers,
		.act_media	= d->act_media,
		.act_remove	= d->act_remove,
	};
	struct libscols_line	*ln;

	/* Inside a row the prediction already showed damaged. */
	if (xfs_pmem_spans_meet(&ctx->ver.shown, d->daddr, d->bbcount))
		return 0;
	ctx->ver.missed++;
	pmf_tally_damage(&ctx->sum.tally, d);
	ln = scols_table_new_line(ctx->missed, NULL);
	if (!ln)
		return -ENOMEM;
	for (size_t i = 0; i < VERIFY_NMISSED; i++)
		if (sim_set_cell(ln, i, verify_missed_cols[i],
				sim_cell(verify_missed_cols[i], &imp, &d->res,
					 ctx->out)))
			return -ENOMEM;
	return 0;
}

/*
 * A prediction made from damaged metadata can miss damage: sweep the
 * headers and btrees of every AG the data device range touches.
 */
static int
verify_sweep(
	struct sim_ctx		*ctx,
	const struct pmf_range	*range)
{
	struct pmf_geometry	geo;
	uint64_t		agbytes;
	uint32_t		first, last;
	int			error = 0;

	if (range->dev != PMF_DEV_DATA)
		return 0;
	pmf_get_geometry(ctx->fs, &geo);
	agbytes = (uint64_t)geo.agblocks * geo.blocksize;
	first = range->offset / agbytes;
	last = (range->offset + range->length - 1) / agbytes;
	if (last >= geo.agcount)
		last = geo.agcount - 1;
	ctx->missed = xfs_pmem_table_new("missed", sim_cols, verify_missed_cols,
			VERIFY_NMISSED, ctx->out);
	if (!ctx->missed)
		return -ENOMEM;
	for (uint32_t agno = first; agno <= last && !error; agno++)
		error = pmf_check_ag(ctx->fs, agno, verify_missed_fn, ctx);
	return error;
}

static char *
sim_owners_str(
	unsigned int	owners)
{
	char		buf[512] = "";

	for (int i = 0; i < PMF_OWN_NR; i++) {
		if (!(owners & (1U << i)))
			continue;
		strcat(buf, ",");
		strcat(buf, pmf_owner_name(i));
	}
	return strdup(buf[0] ? buf + 1 : "");
}

enum {
	SUM_VERDICT, SUM_FILES, SUM_BYTES, SUM_ATTR_BYTES, SUM_INODES,
	SUM_META_REBUILD, SUM_META_FATAL, SUM_METADATA, SUM_SHUTDOWN,
	SUM_NOLOSS, SUM_NEXT, SUM_NR,
	/* verify only */
	SUM_INTACT = SUM_NR, SUM_READABLE, SUM_CORRUPT, SUM_UNREADABLE,
	SUM_UNCHECKED, SUM_MISSED, SUM_VERIFY_NR,
};

static const struct xfs_pmem_col sum_cols[SUM_VERIFY_NR] = {
	[SUM_VERDICT]	   = { "verdict", 0, 0, XFS_PMEM_STR, "" },
	[SUM_FILES]	   = { "files", 0, 0, XFS_PMEM_NUM, "" },
	[SUM_BYTES]	   = { "data_lost", 0, 0, XFS_PMEM_SIZE, "" },
	[SUM_ATTR_BYTES]   = { "attr_lost", 0, 0, XFS_PMEM_SIZE, "" },
	[SUM_INODES]	   = { "inodes_lost", 0, 0, XFS_PMEM_NUM, "" },
	[SUM_META_REBUILD] = { "metadata_rebuildable", 0, 0, XFS_PMEM_NUM, "" },
	[SUM_META_FATAL]   = { "metadata_fatal", 0, 0, XFS_PMEM_NUM, "" },
	[SUM_METADATA]	   = { "metadata_hit", 0, 0, XFS_PMEM_STR, "" },
	[SUM_SHUTDOWN]	   = { "shutdown", 0, 0, XFS_PMEM_BOOL, "" },
	[SUM_NOLOSS]	   = { "no_loss", 0, 0, XFS_PMEM_SIZE, "" },
	[SUM_NEXT]	   = { "next_step", 0, 0, XFS_PMEM_STR, "" },
	[SUM_INTACT]	   = { "checked_intact", 0, 0, XFS_PMEM_NUM, "" },
	[SUM_READABLE]	   = { "data_readable", 0, 0, XFS_PMEM_NUM, "" },
	[SUM_CORRUPT]	   = { "found_corrupt", 0, 0, XFS_PMEM_NUM, "" },
	[SUM_UNREADABLE]   = { "found_unreadable", 0, 0, XFS_PMEM_NUM, "" },
	[SUM_UNCHECKED]	   = { "unchecked", 0, 0, XFS_PMEM_NUM, "" },
	[SUM_MISSED]	   = { "missed", 0, 0, XFS_PMEM_NUM, "" },
};

static const char * const sum_labels[SUM_VERIFY_NR] = {
	[SUM_VERDICT]	   = "Verdict",
	[SUM_FILES]	   = "Files with lost data",
	[SUM_BYTES]	   = "File data lost",
	[SUM_ATTR_BYTES]   = "Xattr blocks lost",
	[SUM_INODES]	   = "Inodes lost",
	[SUM_META_REBUILD] = "Metadata, rebuildable",
	[SUM_META_FATAL]   = "Metadata, fatal",
	[SUM_METADATA]	   = "Metadata hit",
	[SUM_SHUTDOWN]	   = "Shutdown",
	[SUM_NOLOSS]	   = "Free or unwritten",
	[SUM_NEXT]	   = "Next step",
	[SUM_INTACT]	   = "Checked: intact",
	[SUM_READABLE]	   = "Data read back",
	[SUM_CORRUPT]	   = "Found corrupt",
	[SUM_UNREADABLE]   = "Found unreadable",
	[SUM_UNCHECKED]	   = "Not checkable",
	[SUM_MISSED]	   = "Damage not predicted",
};

static char *
sim_sum_value(
	int				col,
	const struct sim_ctx		*ctx)
{
	const struct sim_summary	*sum = &ctx->sum;
	const struct xfs_pmem_out	*out = ctx->out;
	const uint64_t			*chk = ctx->ver.checked;
	char				*s = NULL;
	unsigned long long		n;

	switch (col) {
	case SUM_INTACT:	n = chk[PMF_CHECK_INTACT]; break;
	case SUM_READABLE:	n = chk[PMF_CHECK_READABLE]; break;
	case SUM_CORRUPT:	n = chk[PMF_CHECK_CORRUPT]; break;
	case SUM_UNREADABLE:	n = chk[PMF_CHECK_UNREADABLE]; break;
	case SUM_UNCHECKED:	n = chk[PMF_CHECK_UNCHECKED]; break;
	case SUM_MISSED:	n = ctx->ver.missed; break;
	case SUM_VERDICT:	return strdup(pmf_tally_verdict(&sum->tally));
	case SUM_FILES:		n = sum->nfiles; break;
	case SUM_BYTES:		return xfs_pmem_size_str(sum->bytes_lost, out);
	case SUM_ATTR_BYTES:	return xfs_pmem_size_str(sum->attr_bytes_lost, out);
	case SUM_INODES:	n = sum->inodes_lost; break;
	case SUM_META_REBUILD:	n = sum->meta_rebuildable; break;
	case SUM_META_FATAL:	n = sum->meta_fatal; break;
	case SUM_METADATA:	return sim_owners_str(sum->owners_hit);
	case SUM_SHUTDOWN:	return strdup(sum->meta_fatal ? "yes" : "no");
	case SUM_NOLOSS:	return xfs_pmem_size_str(sum->bytes_noloss, out);
	default:		return strdup(pmf_tally_next_step(&sum->tally));
	}
	return asprintf(&s, "%llu", n) < 0 ? NULL : s;
}

static int
sim_sum_count(
	const struct sim_ctx	*ctx)
{
	return ctx->verify ? SUM_VERIFY_NR : SUM_NR;
}

static void
sim_print_summary_text(
	const struct sim_ctx	*ctx)
{
	printf("\n");
	for (int i = 0; i < sim_sum_count(ctx); i++) {
		char	*v = sim_sum_value(i, ctx);

		printf("%-22s %s\n", sum_labels[i], v ? v : "?");
		free(v);
	}
}

enum { BRK_OWNER, BRK_RECORDS, BRK_BYTES, BRK_NR };

static const struct xfs_pmem_col brk_cols[BRK_NR] = {
	[BRK_OWNER]	= { "OWNER", 12, 0, XFS_PMEM_STR, "" },
	[BRK_RECORDS]	= { "RECORDS", 8, SCOLS_FL_RIGHT, XFS_PMEM_NUM, "" },
	[BRK_BYTES]	= { "BYTES", 8, SCOLS_FL_RIGHT, XFS_PMEM_SIZE, "" },
};

/*
 * The first page of a whole-device loss: what the device held, owner by
 * owner, and the verdict -- before the list of every record, which for a
 * large device runs to thousands of lines.
 */
static int
sim_print_whole_page(
	const struct sim_ctx		*ctx,
	const struct pmf_range		*range)
{
	const struct sim_summary	*sum = &ctx->sum;
	const struct xfs_pmem_out	*out = ctx->out;
	static const int		ids[BRK_NR] = { 0, 1, 2 };
	struct xfs_pmem_out		o = *out;
	struct libscols_table		*tb;
	char				*size = xfs_pmem_size_str(range->length, out);

	printf("Whole %s device lost (%s): %llu records, %zu files\n\n",
			pmf_device_name(range->dev), size ? size : "?",
			(unsigned long long)sum->records, sum->nfiles);
	free(size);
	o.columns = NULL;
	tb = xfs_pmem_table_new("owners", brk_cols, ids, BRK_NR, &o);
	if (!tb)
		return -ENOMEM;
	for (int i = 0; i < PMF_OWN_NR; i++) {
		struct libscols_line	*ln;
		char			*n = NULL;

		if (!sum->owner_records[i])
			continue;
		ln = scols_table_new_line(tb, NULL);
		if (!ln || scols_line_set_data(ln, BRK_OWNER, pmf_owner_name(i)) ||
		    asprintf(&n, "%llu",
			     (unsigned long long)sum->owner_records[i]) < 0 ||
		    scols_line_refer_data(ln, BRK_RECORDS, n) ||
		    scols_line_refer_data(ln, BRK_BYTES,
			     xfs_pmem_size_str(sum->owner_bytes[i], out))) {
			scols_unref_table(tb);
			return -ENOMEM;
		}
	}
	scols_print_table(tb);
	scols_unref_table(tb);
	sim_print_summary_text(ctx);
	printf("\nEvery record:\n");
	return 0;
}

/*
 * One JSON document: {"impacts": [...], "summary": [{...}]}.  Both parts are
 * libsmartcols tables; only the outer braces are ours.
 */
static int
sim_print_json(
	struct sim_ctx		*ctx)
{
	int			sum_ids[SUM_VERIFY_NR];
	struct libscols_table	*st;
	struct libscols_line	*ln;
	char			*a = NULL, *b = NULL, *c = NULL;
	int			error = -ENOMEM;

	for (int i = 0; i < SUM_VERIFY_NR; i++)
		sum_ids[i] = i;
	st = xfs_pmem_table_new("summary", sum_cols, sum_ids, sim_sum_count(ctx),
			ctx->out);
	if (!st)
		return -ENOMEM;
	ln = scols_table_new_line(st, NULL);
	for (int i = 0; ln && i < sim_sum_count(ctx); i++)
		if (scols_line_refer_data(ln, i, sim_sum_value(i, ctx)))
			goto out;
	if (!ln)
		goto out;
	a = xfs_pmem_json_body(ctx->tb);
	b = xfs_pmem_json_body(st);
	if (!a || !b)
		goto out;
	if (ctx->missed) {
		c = xfs_pmem_json_body(ctx->missed);
		if (!c)
			goto out;
		printf("{%s,%s,%s}\n", a, c, b);
	} else {
		printf("{%s,%s}\n", a, b);
	}
	error = 0;
out:
	free(a);
	free(b);
	free(c);
	scols_unref_table(st);
	return error;
}

static void
sim_usage(
	bool		verify)
{
	const char	*cmd = verify ? "verify" : "simulate";

	printf(
"Usage: %s %s DATA [-l LOGDEV] [-r RTDEV] --device data|log|rt\n"
"                   (--offset N --length N | --whole) [options]\n"
"\n%s\n"
"Sizes take a unit: b (fs blocks), s (512-byte sectors), k, m, g, t.\n"
"\nOptions:\n"
"  -l, --logdev DEV     external log device or image\n"
"  -r, --rtdev DEV      realtime device or image\n"
"  -d, --device DEV     the failed device: data, log or rt\n"
"      --offset N       start of the failed range on that device\n"
"      --length N       length of the failed range\n"
"      --whole          the whole device failed\n"
"      --no-paths       don't resolve paths\n"
"      --scan           scan inodes instead of using rmap\n"
"  -o, --output LIST    columns to show (+LIST adds to the defaults)\n"
"  -J, --json           JSON output (see doc/simulate-json.md)\n"
"  -R, --raw            raw output\n"
"  -n, --noheadings     don't print headings\n"
"  -b, --bytes          sizes in bytes\n"
"  -h, --help           this help\n"
"\nExit status: 0 nothing lost, or'ed bits 1 data lost, 2 rebuildable\n"
"metadata, 4 fatal metadata; 8 operational error, 16 usage error.\n%s",
		progname, cmd, verify ?
"After an event: report what the range held, with every structure read\n"
"back and checked (metadata by CRC and verifier, file data by reading it)." :
"Report what a lost range of a device (or a whole device) held.",
		verify ?
"For verify the bits count only what checks found damaged; file data has\n"
"no checksum, so a hit data range counts as lost.\n" : "");
	xfs_pmem_cols_help(sim_cols, COL_NR);
}

struct sim_args {
	struct xfs_pmem_target	t;
	unsigned int		qflags;
	bool			verify;
	struct xfs_pmem_out	out;
	int			ids[XFS_PMEM_MAXCOLS];
	size_t			nids;
};

static const char *
sim_cmd(
	const struct sim_args	*sa)
{
	return sa->verify ? "verify" : "simulate";
}

static int
sim_parse_args(
	int			argc,
	char			**argv,
	struct sim_args		*sa)
{
	enum { OPT_NOPATHS = 256, OPT_SCAN };
	static const struct option longopts[] = {
		XFS_PMEM_LONGOPTS_DEVS,
		XFS_PMEM_LONGOPTS_RANGE,
		XFS_PMEM_LONGOPTS_WHOLE,
		XFS_PMEM_LONGOPTS_OUTPUT,
		XFS_PMEM_LONGOPTS_BYTES,
		{ "no-paths",	no_argument,	   NULL, OPT_NOPATHS },
		{ "scan",	no_argument,	   NULL, OPT_SCAN },
		{ "help",	no_argument,	   NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int			c;

	sa->t.cmd = sim_cmd(sa);
	sa->t.devmask = XFS_PMEM_DEVS_ALL;
	sa->t.whole_ok = true;
	sa->qflags = PMF_QUERY_PATHS;
	/* After an event, damaged metadata is what verify is looking for. */
	if (sa->verify)
		sa->qflags |= PMF_QUERY_BEST_EFFORT;
	while ((c = getopt_long(argc, argv, ":l:r:d:o:JRnbh", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_NOPATHS: sa->qflags &= ~PMF_QUERY_PATHS; break;
		case OPT_SCAN: sa->qflags |= PMF_QUERY_SCAN; break;
		case 'h': sim_usage(sa->verify); return 1;
		default:
			if (xfs_pmem_target_opt(&sa->t, c, optarg) ||
			    xfs_pmem_out_opt(&sa->out, c, optarg))
				break;
			xfs_pmem_bad_option(sim_cmd(sa), c, argv);
			return -EINVAL;
		}
	}
	if (optind != argc - 1) {
		xfs_pmem_err("%s: expected exactly one data device", sim_cmd(sa));
		return -EINVAL;
	}
	if (xfs_pmem_target_check(&sa->t))
		return -EINVAL;
	/* Everything the user can get wrong is refused before any I/O. */
	if (sa->verify ?
	    xfs_pmem_cols_select(sa->out.columns, sim_cols, COL_NR,
			verify_defaults, sizeof(verify_defaults) / sizeof(int),
			sa->ids, &sa->nids) :
	    xfs_pmem_cols_select(sa->out.columns, sim_cols, COL_NR,
			sim_defaults, sizeof(sim_defaults) / sizeof(int),
			sa->ids, &sa->nids))
		return -EINVAL;
	for (size_t i = 0; !sa->verify && i < sa->nids; i++) {
		if (sa->ids[i] == COL_CHECK || sa->ids[i] == COL_DETAIL) {
			xfs_pmem_err("%s: column %s is verify's", sim_cmd(sa),
					sim_cols[sa->ids[i]].name);
			return -EINVAL;
		}
	}
	return 0;
}

static int
sim_run(
	struct pmf_fs		*fs,
	const struct sim_args	*sa,
	const struct pmf_range	*range)
{
	struct sim_ctx		ctx = {
		.out	= &sa->out,
		.fs	= fs,
		.verify	= sa->verify,
	};
	int			error, ret;

	ctx.ids = sa->ids;
	ctx.nids = sa->nids;
	pmf_tally_init(&ctx.sum.tally, sa->verify);
	ctx.tb = xfs_pmem_table_new("impacts", sim_cols, sa->ids, sa->nids, &sa->out);
	if (!ctx.tb) {
		xfs_pmem_err("out of memory");
		return XFS_PMEM_EXIT_ERROR;
	}
	error = pmf_query(fs, range, sa->qflags, sim_record, &ctx);
	sim_unique_files(&ctx.sum);
	if (!error && sa->verify)
		error = verify_sweep(&ctx, range);
	if (error) {
		xfs_pmem_err("%s", pmf_errmsg(fs)[0] ? pmf_errmsg(fs) :
				strerror(-error));
		ret = XFS_PMEM_EXIT_ERROR;
		goto out;
	}
	if (sa->out.json) {
		if (sim_print_json(&ctx)) {
			xfs_pmem_err("out of memory");
			ret = XFS_PMEM_EXIT_ERROR;
			goto out;
		}
	} else if (sa->t.whole) {
		if (sim_print_whole_page(&ctx, range)) {
			xfs_pmem_err("out of memory");
			ret = XFS_PMEM_EXIT_ERROR;
			goto out;
		}
		scols_print_table(ctx.tb);
		if (ctx.ver.missed) {
			printf("\nDamage the prediction does not show:\n");
			scols_print_table(ctx.missed);
		}
	} else {
		scols_print_table(ctx.tb);
		if (ctx.ver.missed) {
			printf("\nDamage the prediction does not show:\n");
			scols_print_table(ctx.missed);
		}
		sim_print_summary_text(&ctx);
	}
	ret = (int)pmf_tally_loss(&ctx.sum.tally);
out:
	free(ctx.sum.files);
	xfs_pmem_spans_free(&ctx.ver.shown);
	scols_unref_table(ctx.tb);
	if (ctx.missed)
		scols_unref_table(ctx.missed);
	return ret;
}

static int
sim_main(
	int			argc,
	char			**argv,
	bool			verify)
{
	struct sim_args		sa = { .verify = verify };
	struct pmf_geometry	geo;
	struct pmf_range	range;
	struct pmf_fs		*fs;
	int			ret;

	ret = sim_parse_args(argc, argv, &sa);
	if (ret)
		return ret > 0 ? XFS_PMEM_EXIT_CLEAN : XFS_PMEM_EXIT_USAGE;
	if (xfs_pmem_open_flags(argv[optind], sa.t.log, sa.t.rt,
			verify ? PMF_OPEN_DAMAGED : PMF_OPEN_MOUNTED, &fs))
		return XFS_PMEM_EXIT_ERROR;
	pmf_get_geometry(fs, &geo);
	ret = xfs_pmem_range(sim_cmd(&sa), sa.t.dev, sa.t.whole, sa.t.offset,
			sa.t.length, &geo, &range);
	if (ret) {
		pmf_close(fs);
		return ret == -ENODEV ? XFS_PMEM_EXIT_ERROR : XFS_PMEM_EXIT_USAGE;
	}
	ret = sim_run(fs, &sa, &range);
	pmf_close(fs);
	return ret;
}

int
xfs_pmem_simulate(
	int			argc,
	char			**argv)
{
	return sim_main(argc, argv, false);
}

int
xfs_pmem_verify(
	int			argc,
	char			**argv)
{
	return sim_main(argc, argv, true);
}
