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
#include <mntent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "xfs_pmem.h"

static const int sim_defaults[] = {
	XFS_PMEM_IC_DEV, XFS_PMEM_IC_START, XFS_PMEM_IC_LENGTH, XFS_PMEM_IC_OWNER, XFS_PMEM_IC_INODE, XFS_PMEM_IC_FOFFSET,
	XFS_PMEM_IC_FLAGS, XFS_PMEM_IC_EFFECT, XFS_PMEM_IC_PATH,
};

static const int verify_defaults[] = {
	XFS_PMEM_IC_DEV, XFS_PMEM_IC_START, XFS_PMEM_IC_LENGTH, XFS_PMEM_IC_OWNER, XFS_PMEM_IC_INODE, XFS_PMEM_IC_EFFECT,
	XFS_PMEM_IC_CHECK, XFS_PMEM_IC_DETAIL, XFS_PMEM_IC_PATH,
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
	struct xfs_pmem_inoset files;	/* inodes with lost data or xattrs */
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
	struct xfs_pmem_impact_out missed;	/* verify: damage not shown */
	struct xfs_pmem_impact_out imps;
	const struct xfs_pmem_out *out;
	FILE			*f;		/* the report */
	bool			rows;		/* not --summary: every record */
	struct sim_summary	sum;
	int			error;
};

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
		return xfs_pmem_inoset_add(&sum->files, imp->ino);
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
	if (!ctx->rows)
		return 0;
	return xfs_pmem_impact_add(&ctx->imps, imp, chkp);
}

static const int verify_missed_cols[] = {
	XFS_PMEM_IC_DEV, XFS_PMEM_IC_START, XFS_PMEM_IC_LENGTH,
	XFS_PMEM_IC_OWNER, XFS_PMEM_IC_AG, XFS_PMEM_IC_EFFECT,
	XFS_PMEM_IC_CHECK, XFS_PMEM_IC_DETAIL,
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

	/* Inside a row the prediction already showed damaged. */
	if (xfs_pmem_spans_meet(&ctx->ver.shown, d->daddr, d->bbcount))
		return 0;
	ctx->ver.missed++;
	pmf_tally_damage(&ctx->sum.tally, d);
	return xfs_pmem_impact_add(&ctx->missed, &imp, &d->res);
}

/*
 * A prediction made from damaged metadata can miss damage: sweep the
 * headers and btrees of every AG the data device ranges touch, each AG
 * once (the ranges are sorted).
 */
static int
verify_sweep(
	struct sim_ctx			*ctx,
	const struct xfs_pmem_ranges	*rl)
{
	int				error;

	if (!rl->nr || rl->v[0].dev != PMF_DEV_DATA)
		return 0;
	error = xfs_pmem_impact_table(&ctx->missed, "missed",
			verify_missed_cols, VERIFY_NMISSED, ctx->out);
	if (!error)
		error = xfs_pmem_ranges_check_ags(ctx->fs, rl,
				verify_missed_fn, ctx);
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
	case SUM_FILES:		n = sum->files.count; break;
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
	fputc('\n', ctx->f);
	for (int i = 0; i < sim_sum_count(ctx); i++) {
		char	*v = sim_sum_value(i, ctx);

		fprintf(ctx->f, "%-22s %s\n", sum_labels[i], v ? v : "?");
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
	char				*size = range ?
				xfs_pmem_size_str(range->length, out) : NULL;

	if (range)
		fprintf(ctx->f, "Whole %s device lost (%s): %llu records, %llu files\n\n",
				pmf_device_name(range->dev), size ? size : "?",
				(unsigned long long)sum->records,
				(unsigned long long)sum->files.count);
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
	scols_table_set_stream(tb, ctx->f);
	scols_print_table(tb);
	scols_unref_table(tb);
	sim_print_summary_text(ctx);
	if (ctx->rows)
		fprintf(ctx->f, "\nEvery record:\n");
	return 0;
}

/*
 * The end of the JSON document {"impacts": [...], "summary": [{...}]}: the
 * rows went out as they came; "missed" and "summary" are libsmartcols
 * tables.  With --summary, the document is {"summary": [{...}]}.
 */
static int
sim_print_json(
	struct sim_ctx		*ctx)
{
	int			sum_ids[SUM_VERIFY_NR];
	struct libscols_table	*st;
	struct libscols_line	*ln;
	char			*b = NULL, *c = NULL;
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
	b = xfs_pmem_json_body(st);
	if (!b)
		goto out;
	if (ctx->rows && ctx->missed.tb) {
		c = xfs_pmem_json_body(ctx->missed.tb);
		if (!c)
			goto out;
		fprintf(ctx->f, ",%s", c);
	}
	fprintf(ctx->f, "%s%s}\n", ctx->rows ? "," : "{", b);
	error = 0;
out:
	free(b);
	free(c);
	scols_unref_table(st);
	return error;
}

/* Copy the spooled rows of a whole-device report after its first page. */
static int
sim_copy_spool(
	struct sim_ctx		*ctx,
	FILE			*spool)
{
	char			buf[65536];
	size_t			n;

	rewind(spool);
	while ((n = fread(buf, 1, sizeof(buf), spool)) > 0)
		if (fwrite(buf, 1, n, ctx->f) != n)
			return -EIO;
	return ferror(spool) ? -EIO : 0;
}

/*
 * The report as text.  For a whole device (@whole names its range) or
 * --summary, the first page (owners and verdict) comes first, and the
 * records a whole device held were spooled to @spool meanwhile; else the
 * summary comes after the records.
 */
static int
sim_print_text(
	struct sim_ctx		*ctx,
	const struct pmf_range	*whole,
	FILE			*spool)
{
	int			error;

	if ((whole || !ctx->rows) && sim_print_whole_page(ctx, whole))
		return -ENOMEM;
	if (!ctx->rows)
		return 0;
	if (spool) {
		error = sim_copy_spool(ctx, spool);
		if (error)
			return error;
	}
	if (ctx->ver.missed) {
		fprintf(ctx->f, "\nDamage the prediction does not show:\n");
		scols_table_set_stream(ctx->missed.tb, ctx->f);
		scols_print_table(ctx->missed.tb);
	}
	if (!whole)
		sim_print_summary_text(ctx);
	return 0;
}

static void
sim_usage_live(void)
{
	printf(
"Usage: %s badblocks MOUNTPOINT|DATADEV [-l LOGDEV] [-r RTDEV] [options]\n"
"       %s badblocks --all [options]\n"
"\nReport what the kernel's current bad-block lists of the filesystem's\n"
"devices (/sys/block/DEV/badblocks) hit, as simulate reports a range.\n"
"\nOptions:\n"
"      --all            every mounted XFS with a reverse mapping btree\n"
"  -l, --logdev DEV     external log device (of an unmounted filesystem)\n"
"  -r, --rtdev DEV      realtime device (of an unmounted filesystem)\n"
"      --no-paths       don't resolve paths\n"
"      --svg FILE       draw the devices and the bad ranges to FILE\n"
"  -o, --output LIST    columns to show (+LIST adds to the defaults)\n"
"  -J, --json           JSON output (see doc/simulate-json.md)\n"
"  -R, --raw            raw output\n"
"  -n, --noheadings     don't print headings\n"
"  -b, --bytes          sizes in bytes\n"
"  -h, --help           this help\n"
"\nExit status: as simulate's.\n", progname, progname);
	xfs_pmem_cols_help(xfs_pmem_impact_cols, XFS_PMEM_IC_NR);
}

static void
sim_usage(
	bool		verify)
{
	const char	*cmd = verify ? "verify" : "simulate";


	printf(
"Usage: %s %s DATA [-l LOGDEV] [-r RTDEV] --device data|log|rt\n"
"                   (--offset N --length N | --whole | --badblocks FILE |\n"
"                    --ndctl-json FILE)\n"
"                   [options]\n"
"\n%s\n"
"Sizes take a unit: b (fs blocks), s (512-byte sectors), k, m, g, t.\n"
"\nOptions:\n"
"  -l, --logdev DEV     external log device or image\n"
"  -r, --rtdev DEV      realtime device or image\n"
"  -d, --device DEV     the failed device: data, log or rt\n"
"      --offset N       start of the failed range on that device\n"
"      --length N       length of the failed range\n"
"      --whole          the whole device failed\n"
"      --badblocks FILE the failed ranges as the kernel's bad-block list of\n"
"                       the device (SECTOR COUNT per line; - reads stdin)\n"
"      --ndctl-json FILE  the failed ranges as 'ndctl list --media-errors'\n"
"                       gives them for the namespace backing the device\n"
"      --no-paths       don't resolve paths\n"
"      --scan           scan inodes instead of using rmap\n"
"      --summary        only what the range held, owner by owner, and the\n"
"                       verdict: no record list, no paths\n"
"      --threads N      1: one thread; more: format the records on a second\n"
"                       thread while the walk goes on (default: the CPUs)\n"
"      --svg FILE       draw the device and the failed ranges to FILE\n"
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
	xfs_pmem_cols_help(xfs_pmem_impact_cols, XFS_PMEM_IC_NR);
}

struct sim_args {
	struct xfs_pmem_target	t;
	unsigned int		qflags;
	bool			verify;
	bool			live;		/* badblocks: the kernel's lists */
	const char		*svg;		/* --svg: the picture's file */
	bool			all;		/* badblocks --all: every XFS mounted */
	bool			summary;	/* --summary: the first page only */
	long			threads;	/* --threads, or the CPUs */
	struct xfs_pmem_out	out;
	int			ids[XFS_PMEM_MAXCOLS];
	size_t			nids;
};

static const char *
sim_cmd(
	const struct sim_args	*sa)
{
	return sa->live ? "badblocks" : sa->verify ? "verify" : "simulate";
}

/*
 * The -o columns, or the command's defaults; with a bad-block list the
 * defaults name the range each row came from.
 */
static int
sim_cols_select(
	struct sim_args		*sa)
{
	const int		*defs = sa->verify ? verify_defaults : sim_defaults;
	size_t			ndefs = sa->verify ?
					sizeof(verify_defaults) / sizeof(int) :
					sizeof(sim_defaults) / sizeof(int);
	int			listdefs[XFS_PMEM_MAXCOLS];

	if (sa->t.badblocks || sa->t.ndctl || sa->live) {
		listdefs[0] = defs[0];
		listdefs[1] = XFS_PMEM_IC_RANGE;
		memcpy(listdefs + 2, defs + 1, (ndefs - 1) * sizeof(int));
		defs = listdefs;
		ndefs++;
	}
	return xfs_pmem_impact_cols_select(sa->out.columns, defs, ndefs,
			sa->ids, &sa->nids);
}

static int
sim_parse_threads(
	struct sim_args		*sa,
	const char		*arg)
{
	char			*end;

	errno = 0;
	sa->threads = strtol(arg, &end, 10);
	if (errno || end == arg || *end || sa->threads < 1 ||
	    sa->threads > 1024) {
		xfs_pmem_err("%s: --threads takes a number from 1 to 1024: %s",
				sim_cmd(sa), arg);
		return -EINVAL;
	}
	return 0;
}

static int
sim_parse_args(
	int			argc,
	char			**argv,
	struct sim_args		*sa)
{
	enum { OPT_NOPATHS = 256, OPT_SCAN, OPT_ALL, OPT_SVG, OPT_SUMMARY,
	       OPT_THREADS };
	/* badblocks: the ranges are the kernel's lists, not options. */
	static const struct option live_longopts[] = {
		XFS_PMEM_LONGOPTS_DEVS,
		XFS_PMEM_LONGOPTS_OUTPUT,
		XFS_PMEM_LONGOPTS_BYTES,
		{ "no-paths",	no_argument,	   NULL, OPT_NOPATHS },
		{ "all",	no_argument,	   NULL, OPT_ALL },
		{ "svg",	required_argument, NULL, OPT_SVG },
		{ "help",	no_argument,	   NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const struct option longopts[] = {
		XFS_PMEM_LONGOPTS_DEVS,
		XFS_PMEM_LONGOPTS_RANGE,
		XFS_PMEM_LONGOPTS_WHOLE,
		XFS_PMEM_LONGOPTS_LIST,
		XFS_PMEM_LONGOPTS_OUTPUT,
		XFS_PMEM_LONGOPTS_BYTES,
		{ "no-paths",	no_argument,	   NULL, OPT_NOPATHS },
		{ "scan",	no_argument,	   NULL, OPT_SCAN },
		{ "summary",	no_argument,	   NULL, OPT_SUMMARY },
		{ "threads",	required_argument, NULL, OPT_THREADS },
		{ "svg",	required_argument, NULL, OPT_SVG },
		{ "help",	no_argument,	   NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int			c;

	sa->t.cmd = sim_cmd(sa);
	sa->t.devmask = XFS_PMEM_DEVS_ALL;
	sa->t.whole_ok = true;
	sa->t.list_ok = true;
	sa->qflags = PMF_QUERY_PATHS;
	sa->threads = sysconf(_SC_NPROCESSORS_ONLN);
	/* After an event, damaged metadata is what verify is looking for. */
	if (sa->verify)
		sa->qflags |= PMF_QUERY_BEST_EFFORT;
	while ((c = getopt_long(argc, argv, sa->live ? ":l:r:o:JRnbh" :
			":l:r:d:o:JRnbh", sa->live ? live_longopts : longopts,
			NULL)) != -1) {
		switch (c) {
		case OPT_NOPATHS: sa->qflags &= ~PMF_QUERY_PATHS; break;
		case OPT_SCAN: sa->qflags |= PMF_QUERY_SCAN; break;
		case OPT_SUMMARY: sa->summary = true; break;
		case OPT_THREADS:
			if (sim_parse_threads(sa, optarg))
				return -EINVAL;
			break;
		case OPT_ALL: sa->all = true; break;
		case OPT_SVG: sa->svg = optarg; break;
		case 'h':
			if (sa->live)
				sim_usage_live();
			else
				sim_usage(sa->verify);
			return 1;
		default:
			if (xfs_pmem_target_opt(&sa->t, c, optarg) ||
			    xfs_pmem_out_opt(&sa->out, c, optarg))
				break;
			xfs_pmem_bad_option(sim_cmd(sa), c, argv);
			return -EINVAL;
		}
	}
	if (sa->all) {
		if (optind != argc || sa->t.log || sa->t.rt || sa->svg) {
			xfs_pmem_err("%s: --all takes no device and no --svg",
					sim_cmd(sa));
			return -EINVAL;
		}
	} else if (optind != argc - 1) {
		xfs_pmem_err("%s: expected exactly one %s", sim_cmd(sa),
				sa->live ? "mount point or data device" :
				"data device");
		return -EINVAL;
	}
	if (!sa->live && xfs_pmem_target_check(&sa->t))
		return -EINVAL;
	/* Everything the user can get wrong is refused before any I/O. */
	if (sim_cols_select(sa))
		return -EINVAL;
	for (size_t i = 0; !sa->verify && i < sa->nids; i++) {
		if (sa->ids[i] == XFS_PMEM_IC_CHECK || sa->ids[i] == XFS_PMEM_IC_DETAIL) {
			xfs_pmem_err("%s: column %s is verify's", sim_cmd(sa),
					xfs_pmem_impact_cols[sa->ids[i]].name);
			return -EINVAL;
		}
	}
	return 0;
}

/*
 * Where the records go as they come: a JSON document is written in order;
 * a whole device's text spools them, for its first page comes first.
 */
static int
sim_start_rows(
	struct sim_ctx		*ctx,
	bool			whole,
	FILE			**spool)
{
	*spool = NULL;
	if (ctx->out->json) {
		fputs("{\n", ctx->f);
		return xfs_pmem_impact_stream(&ctx->imps, ctx->f);
	}
	if (whole) {
		*spool = tmpfile();
		if (!*spool)
			return -errno;
		return xfs_pmem_impact_stream(&ctx->imps, *spool);
	}
	return xfs_pmem_impact_stream(&ctx->imps, ctx->f);
}

/* Query each range, the records out as they come. */
static int
sim_query_all(
	struct sim_ctx			*ctx,
	const struct sim_args		*sa,
	const struct xfs_pmem_ranges	*rl)
{
	unsigned int			qflags = sa->qflags;
	int				error = 0;

	/* The first page alone names no file: no paths to look up. */
	if (!ctx->rows)
		qflags &= ~PMF_QUERY_PATHS;
	/*
	 * Records are formatted on a thread of their own while the walk
	 * reads on; verify checks each record through the handle, which
	 * only the walk's thread may use.
	 */
	if (sa->threads > 1 && ctx->rows && !sa->verify)
		qflags |= PMF_QUERY_THREADED;
	/* One table and one summary, whatever the number of ranges. */
	for (size_t i = 0; !error && i < rl->nr; i++) {
		ctx->imps.range = &rl->v[i];
		error = pmf_query(ctx->fs, &rl->v[i], qflags, sim_record, ctx);
	}
	if (!error && ctx->rows)
		error = xfs_pmem_impact_end(&ctx->imps);
	if (!error && sa->verify)
		error = verify_sweep(ctx, rl);
	return error;
}

static int
sim_run(
	struct pmf_fs			*fs,
	const struct sim_args		*sa,
	const struct xfs_pmem_ranges	*rl)
{
	struct sim_ctx		ctx = {
		.out	= &sa->out,
		.fs	= fs,
		.verify	= sa->verify,
		.rows	= !sa->summary,
	};
	struct xfs_pmem_hold	*hold;
	FILE			*spool = NULL;
	int			error = 0, ret;

	pmf_tally_init(&ctx.sum.tally, sa->verify);
	hold = xfs_pmem_hold_open(&ctx.f);
	if (!hold || xfs_pmem_impact_table(&ctx.imps, "impacts", sa->ids,
			sa->nids, &sa->out)) {
		if (hold)
			xfs_pmem_hold_close(hold, ctx.f, true);
		xfs_pmem_err("out of memory");
		return XFS_PMEM_EXIT_ERROR;
	}
	if (ctx.rows)
		error = sim_start_rows(&ctx, sa->t.whole, &spool);
	if (!error)
		error = sim_query_all(&ctx, sa, rl);
	if (error) {
		xfs_pmem_err("%s", pmf_errmsg(fs)[0] ? pmf_errmsg(fs) :
				strerror(-error));
		ret = XFS_PMEM_EXIT_ERROR;
		goto out;
	}
	if (sa->out.json)
		error = sim_print_json(&ctx);
	else
		error = sim_print_text(&ctx, sa->t.whole ? &rl->v[0] : NULL,
				spool);
	if (error) {
		xfs_pmem_err("%s", strerror(-error));
		ret = XFS_PMEM_EXIT_ERROR;
		goto out;
	}
	ret = (int)pmf_tally_loss(&ctx.sum.tally);
out:
	if (xfs_pmem_hold_close(hold, ctx.f, ret >= XFS_PMEM_EXIT_ERROR) &&
	    ret < XFS_PMEM_EXIT_ERROR) {
		xfs_pmem_err("writing the report: %s", strerror(errno));
		ret = XFS_PMEM_EXIT_ERROR;
	}
	if (spool)
		fclose(spool);
	xfs_pmem_inoset_free(&ctx.sum.files);
	xfs_pmem_spans_free(&ctx.ver.shown);
	scols_unref_table(ctx.imps.tb);
	if (ctx.missed.tb)
		scols_unref_table(ctx.missed.tb);
	return ret;
}

/* Open @target, find its failed ranges, and report them: an exit code. */
static int
sim_target(
	const struct sim_args	*sa,
	const char		*target)
{
	struct xfs_pmem_ranges	rl = { 0 };
	struct pmf_geometry	geo;
	struct pmf_fs		*fs;
	int			ret;

	if (xfs_pmem_open_flags(target, sa->t.log, sa->t.rt,
			sa->verify ? PMF_OPEN_DAMAGED : PMF_OPEN_MOUNTED, &fs))
		return XFS_PMEM_EXIT_ERROR;
	pmf_get_geometry(fs, &geo);
	if (sa->all && !(geo.features & PMF_FEAT_RMAPBT)) {
		/* No index of owners to ask: not this tool's filesystem. */
		fprintf(stderr, "%s: %s: %s: no reverse mapping btree: skipped\n",
				progname, sim_cmd(sa), target);
		pmf_close(fs);
		return XFS_PMEM_EXIT_CLEAN;
	}
	if (sa->live)
		ret = xfs_pmem_badblocks_sysfs(sim_cmd(sa), &geo, &rl);
	else
		ret = xfs_pmem_target_ranges(&sa->t, &geo, &rl);
	if (ret) {
		pmf_close(fs);
		xfs_pmem_ranges_free(&rl);
		return ret == -EINVAL ? XFS_PMEM_EXIT_USAGE : XFS_PMEM_EXIT_ERROR;
	}
	ret = sim_run(fs, sa, &rl);
	if (sa->svg && ret < XFS_PMEM_EXIT_ERROR &&
	    xfs_pmem_svg_write(fs, &geo, &rl, sa->svg))
		ret = XFS_PMEM_EXIT_ERROR;
	pmf_close(fs);
	xfs_pmem_ranges_free(&rl);
	return ret;
}

/*
 * badblocks --all: every mounted XFS, one report each (a text report after
 * a line naming it), for the timer's service.  The exit code ors the loss
 * bits; an error of any filesystem makes it 8.
 */
static int
sim_all(
	const struct sim_args	*sa)
{
	struct mntent		*me;
	FILE			*f = setmntent("/proc/self/mounts", "r");
	int			ret = XFS_PMEM_EXIT_CLEAN;
	unsigned int		n = 0;

	if (!f) {
		xfs_pmem_err("%s: /proc/self/mounts: %s", sim_cmd(sa),
				strerror(errno));
		return XFS_PMEM_EXIT_ERROR;
	}
	while ((me = getmntent(f)) != NULL) {
		int		rc;

		if (strcmp(me->mnt_type, "xfs"))
			continue;
		if (!sa->out.json)
			printf("%s%s (%s):\n", n ? "\n" : "", me->mnt_dir,
					me->mnt_fsname);
		fflush(stdout);
		rc = sim_target(sa, me->mnt_dir);
		fflush(stdout);
		ret = rc >= XFS_PMEM_EXIT_ERROR || ret >= XFS_PMEM_EXIT_ERROR ?
			XFS_PMEM_EXIT_ERROR : ret | rc;
		n++;
	}
	endmntent(f);
	if (!n)
		fprintf(stderr, "%s: %s: no XFS filesystem is mounted\n",
				progname, sim_cmd(sa));
	return ret;
}

static int
sim_main(
	int			argc,
	char			**argv,
	bool			verify,
	bool			live)
{
	struct sim_args		sa = { .verify = verify, .live = live };
	int			ret;

	ret = sim_parse_args(argc, argv, &sa);
	if (ret)
		return ret > 0 ? XFS_PMEM_EXIT_CLEAN : XFS_PMEM_EXIT_USAGE;
	if (xfs_pmem_target_load(&sa.t))
		return XFS_PMEM_EXIT_ERROR;
	if (sa.all)
		ret = sim_all(&sa);
	else
		ret = sim_target(&sa, argv[optind]);
	free(sa.t.list);
	return ret;
}

int
xfs_pmem_simulate(
	int			argc,
	char			**argv)
{
	return sim_main(argc, argv, false, false);
}

int
xfs_pmem_verify(
	int			argc,
	char			**argv)
{
	return sim_main(argc, argv, true, false);
}

/* What the kernel's current bad-block lists of the devices hit. */
int
xfs_pmem_badblocks(
	int			argc,
	char			**argv)
{
	return sim_main(argc, argv, false, true);
}
