// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (c) 2026 The pmemfail authors.
 *
 * xfs_pmem repair --online MOUNTPOINT: after an event, have the kernel
 * check and rebuild exactly the structures that lived in the failed
 * range, on the mounted filesystem, instead of a whole xfs_scrub run.
 *
 * The range is queried on the mount (xfs_pmem_online_query), every impact
 * record names the structures it hit (pmf_scrub_add_impact), and each is
 * scrubbed once to see its state, repaired if it is not clean, and
 * scrubbed again.  The summary counters come last: a rebuild changes them.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "xfs_pmem.h"
#include "online.h"
#include "scrub.h"
#include <xfs/xfs.h>

/* fsck's exit codes, as for the offline repair. */
#define RO_EXIT_NOTHING		0	/* every structure named was clean */
#define RO_EXIT_FIXED		1	/* damage found and repaired */
#define RO_EXIT_LEFT		4	/* damage left (or, --check, found) */

enum {
	COL_STRUCT = 0,
	COL_AG,
	COL_INO,
	COL_BEFORE,
	COL_ACTION,
	COL_AFTER,
	COL_NR,
};

static const struct xfs_pmem_col ro_cols[COL_NR] = {
	[COL_STRUCT] = { "STRUCTURE", 10, 0, XFS_PMEM_STR, "the scrub type (bnobt, inode, ...)" },
	[COL_AG]     = { "AG", 4, SCOLS_FL_RIGHT, XFS_PMEM_NUM, "allocation group of a per-AG structure" },
	[COL_INO]    = { "INO", 8, SCOLS_FL_RIGHT, XFS_PMEM_NUM, "inode of a per-inode structure" },
	[COL_BEFORE] = { "BEFORE", 8, 0, XFS_PMEM_STR, "the kernel's verdict before: ok, preen, corrupt, xcorrupt, xfail, incomplete, warning" },
	[COL_ACTION] = { "ACTION", 10, 0, XFS_PMEM_STR, "none, repaired, checked, or why the repair failed" },
	[COL_AFTER]  = { "AFTER", 8, 0, XFS_PMEM_STR, "the verdict of a second scrub after the repair" },
};

struct ro_args {
	struct xfs_pmem_target	t;
	const char		*mnt;
	bool			check;		/* scrub only, repair nothing */
	struct xfs_pmem_out	out;
};

struct ro_ctx {
	struct xfs_pmem_online	*on;
	struct pmf_scrub_set	set;
	uint64_t		lost_data;	/* regular file data, bytes */
	unsigned int		lost_files;
	uint64_t		last_ino;
	int			error;
};

static void
ro_usage(void)
{
	printf(
"Usage: %s repair --online MOUNTPOINT --device data\n"
"                 (--offset N --length N | --whole) [--check] [options]\n"
"\nAfter a range of the data device was lost, on the mounted filesystem:\n"
"ask the kernel to scrub exactly the structures that lived there (AG\n"
"headers and btrees, inodes and their forks, directories, xattrs, parent\n"
"pointers, then the summary counters) and to repair the damaged ones\n"
"(XFS_IOC_SCRUB_METADATA with XFS_SCRUB_IFLAG_REPAIR), then scrub them\n"
"again.  Needs a kernel with online repair; without it, unmount and run\n"
"the offline \"%s repair\".\n"
"\nOptions:\n"
"  -d, --device DEV     the failed device (only data has online repair)\n"
"      --offset N       start of the failed range\n"
"      --length N       length of the failed range\n"
"      --whole          the whole device failed\n"
"      --check          scrub only, repair nothing\n"
"  -o, --output LIST    columns to show (+LIST adds to the defaults)\n"
"  -J, --json           JSON output\n"
"  -R, --raw            raw output\n"
"  -n, --noheadings     don't print headings\n"
"  -h, --help           this help\n"
"\nExit status (as fsck): 0 nothing to repair, 1 repaired, 4 damage left\n"
"(or, with --check, found), 8 operational error (also: the kernel has no\n"
"online repair), 12 damage left and a scrub failed, 16 usage error.\n",
		progname, progname);
	xfs_pmem_cols_help(ro_cols, COL_NR);
}

static int
ro_parse_args(
	int			argc,
	char			**argv,
	struct ro_args		*ra)
{
	enum { OPT_CHECK = 256, OPT_ONLINE };
	static const struct option longopts[] = {
		XFS_PMEM_LONGOPTS_RANGE,
		XFS_PMEM_LONGOPTS_WHOLE,
		XFS_PMEM_LONGOPTS_OUTPUT,
		{ "online",	no_argument,	   NULL, OPT_ONLINE },
		{ "check",	no_argument,	   NULL, OPT_CHECK },
		{ "help",	no_argument,	   NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int			c;

	/* log and rt parse, to be told apart below: only data repairs online. */
	ra->t.cmd = "repair --online";
	ra->t.devmask = 1U << PMF_DEV_DATA;
	ra->t.whole_ok = true;
	while ((c = getopt_long(argc, argv, ":d:o:JRnh", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_ONLINE: break;
		case OPT_CHECK: ra->check = true; break;
		case 'h': ro_usage(); return 1;
		default:
			if (xfs_pmem_target_opt(&ra->t, c, optarg) ||
			    xfs_pmem_out_opt(&ra->out, c, optarg))
				break;
			xfs_pmem_bad_option("repair", c, argv);
			return -EINVAL;
		}
	}
	if (optind != argc - 1) {
		xfs_pmem_err("repair --online: expected exactly one mount point");
		return -EINVAL;
	}
	ra->mnt = argv[optind];
	return xfs_pmem_target_check(&ra->t);
}

static int
ro_stat(
	uint64_t		ino,
	struct pmf_scrub_inode	*si,
	void			*priv)
{
	struct ro_ctx		*ctx = priv;

	return pmf_scrub_bulkstat(ctx->on->fd, ino, si);
}

static int
ro_impact(
	const struct pmf_impact	*imp,
	void			*priv)
{
	struct ro_ctx		*ctx = priv;
	struct pmf_scrub_inode	si;
	int			error;

	error = pmf_scrub_add_impact(&ctx->set, imp, ctx->on->geo.features,
			ro_stat, ctx);
	if (error) {
		ctx->error = error;
		return 1;
	}
	/*
	 * A regular file's lost data names no structure: count it, once per
	 * file, for the last line (directories and symlinks are scrubbed).
	 */
	if (imp->owner == PMF_OWN_DATA && imp->consequence == PMF_DATA_LOST &&
	    !imp->metafile && imp->ino &&
	    pmf_scrub_bulkstat(ctx->on->fd, imp->ino, &si) == 0 &&
	    (!si.found || S_ISREG(si.mode))) {
		ctx->lost_data += imp->length;
		if (imp->ino != ctx->last_ino)
			ctx->lost_files++;
		ctx->last_ino = imp->ino;
	}
	return 0;
}

/* The kernel has no online scrub, or scrub without repair: say which. */
static int
ro_probe(
	const struct ro_args	*ra,
	int			fd)
{
	int			error = pmf_scrub_probe(fd, !ra->check);

	if (!error)
		return 0;
	if (error == -ENOTTY)
		xfs_pmem_err("repair --online: the kernel has no online scrub for %s (XFS_IOC_SCRUB_METADATA: %s); unmount it and run the offline '%s repair DEVICE ...'",
				ra->mnt, strerror(-error), progname);
	else if (error == -EOPNOTSUPP)
		xfs_pmem_err("repair --online: the kernel can scrub %s but has no online repair (%s); use --check, or unmount it and run the offline '%s repair DEVICE ...'",
				ra->mnt, strerror(-error), progname);
	else
		xfs_pmem_err("repair --online: %s: scrub probe: %s", ra->mnt,
				strerror(-error));
	return error;
}

static bool
ro_needs_repair(
	enum pmf_scrub_state	s)
{
	return s != PMF_SCRUB_OK && s != PMF_SCRUB_WARNING;
}

/* One structure's story: its state before, what was done, after. */
struct ro_row {
	int			berr;		/* the first scrub failed */
	enum pmf_scrub_state	before;
	int			aerr;
	enum pmf_scrub_state	after;
	int			rerr;		/* the last repair failed */
	unsigned int		repairs;	/* repair calls made */
	bool			no_repair_needed;
};

/*
 * Repair what is damaged, in dependency order, as xfs_scrub does: a
 * structure that only failed to cross-reference a damaged one (the AGFL
 * against a corrupt bnobt) is clean once that one is rebuilt, so each
 * pass retries what is still bad, until a pass changes nothing.
 */
static void
ro_repair_passes(
	int			fd,
	const struct pmf_scrub_set *set,
	struct ro_row		*rows)
{
	for (int pass = 0; pass < 4; pass++) {
		bool		progress = false;

		for (size_t i = 0; i < set->nr; i++) {
			struct ro_row	*r = &rows[i];
			uint32_t	of;

			if (r->berr || !ro_needs_repair(r->after))
				continue;
			r->rerr = pmf_scrub_one(fd, &set->v[i], true, &of);
			r->repairs++;
			r->no_repair_needed = !r->rerr &&
				(of & XFS_SCRUB_OFLAG_NO_REPAIR_NEEDED);
			/* The kernel's own answer is not the proof: scrub again. */
			r->aerr = pmf_scrub_one(fd, &set->v[i], false, &of);
			if (!r->aerr && pmf_scrub_state(of) != r->after) {
				r->after = pmf_scrub_state(of);
				progress = true;
			}
		}
		if (!progress)
			break;
	}
}

static const char *
ro_action(
	const struct ro_args	*ra,
	const struct ro_row	*r,
	char			*buf,
	size_t			len)
{
	if (r->berr)
		snprintf(buf, len, "scrub failed: %s", strerror(-r->berr));
	else if (ra->check)
		snprintf(buf, len, "checked");
	else if (!r->repairs)
		snprintf(buf, len, "none");
	else if (r->rerr)
		snprintf(buf, len, "repair failed: %s", strerror(-r->rerr));
	else if (ro_needs_repair(r->after) && r->no_repair_needed)
		snprintf(buf, len, "kernel found nothing to repair");
	else if (ro_needs_repair(r->after))
		snprintf(buf, len, "repair incomplete");
	else if (r->before == PMF_SCRUB_PREEN)
		snprintf(buf, len, "preened");
	else
		snprintf(buf, len, "repaired");
	return buf;
}

static int
ro_row_print(
	const struct ro_args		*ra,
	const struct pmf_scrub_target	*t,
	const struct ro_row		*r,
	struct libscols_table		*tb,
	const int			*ids,
	size_t				nids)
{
	struct libscols_line		*ln = scols_table_new_line(tb, NULL);
	char				action[96];
	int				error = 0;

	if (!ln)
		return -ENOMEM;
	for (size_t i = 0; i < nids && !error; i++) {
		switch (ids[i]) {
		case COL_STRUCT:
			error = scols_line_set_data(ln, i,
					pmf_scrub_type_name(t->type));
			break;
		case COL_AG:
			if (pmf_scrub_type_per_ag(t->type))
				error = xfs_pmem_line_setf(ln, i, "%u", t->agno);
			break;
		case COL_INO:
			if (pmf_scrub_type_per_inode(t->type))
				error = xfs_pmem_line_setf(ln, i, "%llu",
						(unsigned long long)t->ino);
			break;
		case COL_BEFORE:
			error = scols_line_set_data(ln, i, r->berr ? "error" :
					pmf_scrub_state_name(r->before));
			break;
		case COL_ACTION:
			error = scols_line_set_data(ln, i,
					ro_action(ra, r, action, sizeof(action)));
			break;
		case COL_AFTER:
			error = scols_line_set_data(ln, i,
					r->berr || r->aerr ? "error" :
					pmf_scrub_state_name(r->after));
			break;
		}
	}
	return error ? -ENOMEM : 0;
}

/* Scrub targets [from, nr) for their state before, then repair them all. */
static int
ro_scrub_rows(
	struct xfs_pmem_online	*on,
	struct ro_ctx		*ctx,
	size_t			from,
	bool			check,
	struct ro_row		**rowsp)
{
	struct ro_row		*rows;

	rows = realloc(*rowsp, (ctx->set.nr + 1) * sizeof(*rows));
	if (!rows)
		return -ENOMEM;
	*rowsp = rows;
	for (size_t i = from; i < ctx->set.nr; i++) {
		uint32_t	of;

		memset(&rows[i], 0, sizeof(rows[i]));
		rows[i].berr = pmf_scrub_one(on->fd, &ctx->set.v[i], false, &of);
		rows[i].before = rows[i].after = pmf_scrub_state(of);
	}
	if (!check)
		ro_repair_passes(on->fd, &ctx->set, rows);
	return 0;
}

/*
 * The query reads the reverse mapping btree: if a block of it is in the
 * range and damaged, GETFSMAP fails.  Rebuild the AGF and the rmapbt of
 * the AGs the range meets first (the rmapbt is rebuilt from every other
 * structure's owners), then the query can run.
 */
static bool
ro_rmap_damaged(
	int			error)
{
	return error == -EUCLEAN || error == -EBADMSG || error == -EIO;
}

static int
ro_rmap_rescue(
	struct xfs_pmem_online	*on,
	const struct pmf_range	*range,
	struct ro_ctx		*ctx,
	struct ro_row		**rowsp)
{
	uint64_t		agbytes = (uint64_t)on->geo.agblocks *
					  on->geo.blocksize;
	uint32_t		first = range->offset / agbytes;
	uint32_t		last = (range->offset + range->length - 1) / agbytes;
	int			error = 0;

	if (!(on->geo.features & PMF_FEAT_RMAPBT))
		return -EOPNOTSUPP;
	/* What the failed query named may be partial: start over. */
	ctx->set.nr = 0;
	for (uint32_t ag = first; ag <= last && ag < on->geo.agcount; ag++) {
		error = pmf_scrub_set_add(&ctx->set, XFS_SCRUB_TYPE_AGF, ag, 0, 0);
		if (!error)
			error = pmf_scrub_set_add(&ctx->set,
					XFS_SCRUB_TYPE_RMAPBT, ag, 0, 0);
		if (error)
			return error;
	}
	return ro_scrub_rows(on, ctx, 0, false, rowsp);
}

/* The structures of @range, scrubbed and (unless @check) repaired. */
static int
ro_scrub_range(
	struct xfs_pmem_online	*on,
	const struct pmf_range	*range,
	bool			check,
	struct ro_ctx		*ctx,
	struct ro_row		**rowsp)
{
	size_t			from = 0;
	int			error;

	ctx->on = on;
	error = xfs_pmem_online_query(on, range, 0, ro_impact, ctx);
	if (error == 1)
		error = ctx->error;
	if (ro_rmap_damaged(error) && !check) {
		error = ro_rmap_rescue(on, range, ctx, rowsp);
		if (error)
			return error;
		from = ctx->set.nr;
		ctx->lost_files = 0;
		ctx->lost_data = 0;
		ctx->last_ino = 0;
		error = xfs_pmem_online_query(on, range, 0, ro_impact, ctx);
		if (error == 1)
			error = ctx->error;
	}
	if (error)
		return error;
	/* Any rebuild changes the free space and inode totals. */
	if (ctx->set.nr &&
	    pmf_scrub_set_add(&ctx->set, XFS_SCRUB_TYPE_FSCOUNTERS, 0, 0, 0))
		return -ENOMEM;
	/* The rescued ones ran first and stay first: rows follow the set. */
	pmf_scrub_set_sort(&ctx->set, from);
	return ro_scrub_rows(on, ctx, from, check, rowsp);
}

/* fsck's exit bits for a set of rows; counts what was fixed and left. */
static int
ro_result(
	const struct ro_ctx	*ctx,
	const struct ro_row	*rows,
	unsigned int		*fixed,
	unsigned int		*left)
{
	int			ret = RO_EXIT_NOTHING;

	*fixed = *left = 0;
	for (size_t i = 0; i < ctx->set.nr; i++) {
		const struct ro_row *r = &rows[i];

		if (r->berr || r->aerr)
			ret |= XFS_PMEM_EXIT_ERROR;
		if (r->berr || r->aerr || ro_needs_repair(r->after)) {
			(*left)++;
			ret |= RO_EXIT_LEFT;
		} else if (r->repairs) {
			(*fixed)++;
			ret |= RO_EXIT_FIXED;
		}
	}
	if (ret & RO_EXIT_LEFT)
		ret &= ~RO_EXIT_FIXED;
	return ret;
}

/*
 * For watch: repair what @range held and write the rows to @f as one
 * JSON array, on one line.  Returns the exit bits, or a negative errno.
 */
int
xfs_pmem_repair_online_range(
	struct xfs_pmem_online	*on,
	const struct pmf_range	*range,
	FILE			*f)
{
	static const struct ro_args ra = { 0 };
	struct ro_ctx		ctx = { 0 };
	struct ro_row		*rows = NULL;
	unsigned int		fixed, left;
	char			action[96];
	int			ret;

	ret = ro_scrub_range(on, range, false, &ctx, &rows);
	if (ret) {
		free(rows);
		pmf_scrub_set_free(&ctx.set);
		return ret;
	}
	fputc('[', f);
	for (size_t i = 0; i < ctx.set.nr; i++) {
		const struct pmf_scrub_target	*t = &ctx.set.v[i];
		const struct ro_row		*r = &rows[i];

		fprintf(f, "%s{\"structure\":\"%s\"", i ? "," : "",
				pmf_scrub_type_name(t->type));
		if (pmf_scrub_type_per_ag(t->type))
			fprintf(f, ",\"ag\":%u", t->agno);
		if (pmf_scrub_type_per_inode(t->type))
			fprintf(f, ",\"ino\":%llu", (unsigned long long)t->ino);
		fprintf(f, ",\"before\":\"%s\",\"action\":\"%s\",\"after\":\"%s\"}",
				r->berr ? "error" : pmf_scrub_state_name(r->before),
				ro_action(&ra, r, action, sizeof(action)),
				r->berr || r->aerr ? "error" :
				pmf_scrub_state_name(r->after));
	}
	fputc(']', f);
	ret = ro_result(&ctx, rows, &fixed, &left);
	free(rows);
	pmf_scrub_set_free(&ctx.set);
	return ret;
}

static int
ro_run(
	const struct ro_args	*ra,
	struct xfs_pmem_online	*on,
	const struct pmf_range	*range)
{
	struct ro_ctx		ctx = { 0 };
	struct libscols_table	*tb = NULL;
	struct ro_row		*rows = NULL;
	int			ids[XFS_PMEM_MAXCOLS];
	int			defaults[COL_NR];
	size_t			nids;
	int			error, ret;
	unsigned int		fixed, left;

	for (int i = 0; i < COL_NR; i++)
		defaults[i] = i;
	if (xfs_pmem_cols_select(ra->out.columns, ro_cols, COL_NR, defaults,
			COL_NR, ids, &nids))
		return XFS_PMEM_EXIT_USAGE;

	error = ro_scrub_range(on, range, ra->check, &ctx, &rows);
	if (error == -ENOMEM)
		goto nomem;
	if (error) {
		xfs_pmem_err("repair --online: %s: query of the range failed: %s%s",
				ra->mnt, strerror(-error),
				ra->check && ro_rmap_damaged(error) ?
				" (the rmapbt may be damaged: without --check it is rebuilt first)" :
				"");
		free(rows);
		pmf_scrub_set_free(&ctx.set);
		return XFS_PMEM_EXIT_ERROR;
	}
	tb = xfs_pmem_table_new("structures", ro_cols, ids, nids, &ra->out);
	if (!tb)
		goto nomem;
	for (size_t i = 0; i < ctx.set.nr; i++)
		if (ro_row_print(ra, &ctx.set.v[i], &rows[i], tb, ids, nids))
			goto nomem;
	ret = ro_result(&ctx, rows, &fixed, &left);
	/* JSON always has the array, empty if the range held no metadata. */
	if (ctx.set.nr || ra->out.json)
		scols_print_table(tb);
	if (!ra->out.json) {
		printf("%zu structure(s) in the range: %u repaired, %u %s\n",
				ctx.set.nr, fixed, left,
				ra->check ? "damaged" : "left damaged");
		if (ctx.lost_files)
			printf("file data lost in %u file(s), %llu bytes: online repair cannot rebuild it (see '%s simulate' and the offline '%s repair')\n",
					ctx.lost_files,
					(unsigned long long)ctx.lost_data,
					progname, progname);
	}
	scols_unref_table(tb);
	free(rows);
	pmf_scrub_set_free(&ctx.set);
	return ret;
nomem:
	xfs_pmem_err("out of memory");
	if (tb)
		scols_unref_table(tb);
	free(rows);
	pmf_scrub_set_free(&ctx.set);
	return XFS_PMEM_EXIT_ERROR;
}

int
xfs_pmem_repair_online(
	int			argc,
	char			**argv)
{
	struct ro_args		ra = { 0 };
	struct xfs_pmem_online	on;
	struct pmf_range	range;
	enum pmf_device		dev;
	int			ret;

	ret = ro_parse_args(argc, argv, &ra);
	if (ret)
		return ret > 0 ? XFS_PMEM_EXIT_CLEAN : XFS_PMEM_EXIT_USAGE;
	dev = ra.t.dev;
	if (dev != PMF_DEV_DATA) {
		xfs_pmem_err("repair --online: only the data device has online repair here; for the %s device, unmount and run the offline '%s repair'",
				pmf_device_name(dev), progname);
		return XFS_PMEM_EXIT_USAGE;
	}
	if (xfs_pmem_online_open(ra.mnt, &on))
		return XFS_PMEM_EXIT_ERROR;
	if (ro_probe(&ra, on.fd)) {
		xfs_pmem_online_close(&on);
		return XFS_PMEM_EXIT_ERROR;
	}
	if (xfs_pmem_range("repair", dev, ra.t.whole, ra.t.offset, ra.t.length,
			&on.geo, &range)) {
		xfs_pmem_online_close(&on);
		return XFS_PMEM_EXIT_USAGE;
	}
	ret = ro_run(&ra, &on, &range);
	xfs_pmem_online_close(&on);
	return ret;
}
