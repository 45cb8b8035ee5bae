// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (c) 2026 The pmemfail authors.
 *
 * What repair found and did, as JSON through libsmartcols: the plan
 * (repair --json) and the manifest of --apply share the "files" and
 * "metadata" tables.  Their members are impact columns (impact.c), so a
 * file range or a structure has the same names here as in simulate.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "repair.h"

enum { F_INODE, F_OFFSET, F_LENGTH, F_PATH, F_NR };
enum { M_OWNER, M_DEV, M_START, M_LENGTH, M_CHECK, M_DETAIL, M_NR };
enum { R_DATA, R_LOG, R_RT, R_UNDO, R_XFS_REPAIR, R_FILES, R_BYTES,
       R_QFILE, R_QINO, R_QBYTES, R_UBYTES, R_NR };
enum { Q_START, Q_LENGTH, Q_NR };
enum { P_CATEGORY, P_INODE, P_PATH, P_NOW, P_RESTORED, P_NOT_RESTORED, P_NR };
enum { A_INTACT, A_DATA, A_INODE, A_NAME, A_ORPHAN, A_ATTR, A_UNREAD,
       A_UNREAD_PATHS, A_UNACCOUNTED, A_RESTORED, A_NR };

/* The impact columns of each table, in the order of its enum above. */
static const int fids[F_NR] = {
	[F_INODE]  = XFS_PMEM_IC_INODE,
	[F_OFFSET] = XFS_PMEM_IC_FOFFSET,
	[F_LENGTH] = XFS_PMEM_IC_LENGTH,
	[F_PATH]   = XFS_PMEM_IC_PATH,
};
static const int mids[M_NR] = {
	[M_OWNER]  = XFS_PMEM_IC_OWNER,
	[M_DEV]	   = XFS_PMEM_IC_DEV,
	[M_START]  = XFS_PMEM_IC_START,
	[M_LENGTH] = XFS_PMEM_IC_LENGTH,
	[M_CHECK]  = XFS_PMEM_IC_CHECK,
	[M_DETAIL] = XFS_PMEM_IC_DETAIL,
};
static const int qids[Q_NR] = {
	[Q_START]  = XFS_PMEM_IC_START,
	[Q_LENGTH] = XFS_PMEM_IC_LENGTH,
};
static const struct xfs_pmem_col rcols[R_NR] = {
	[R_DATA]	= { "data", 0, 0, XFS_PMEM_STR, "" },
	[R_LOG]		= { "log", 0, 0, XFS_PMEM_STR, "" },
	[R_RT]		= { "rt", 0, 0, XFS_PMEM_STR, "" },
	[R_UNDO]	= { "undo", 0, 0, XFS_PMEM_STR, "" },
	[R_XFS_REPAIR]	= { "xfs_repair", 0, 0, XFS_PMEM_STR, "" },
	[R_FILES]	= { "ranges_unmapped", 0, 0, XFS_PMEM_NUM, "" },
	[R_BYTES]	= { "bytes_unmapped", 0, 0, XFS_PMEM_NUM, "" },
	[R_QFILE]	= { "quarantine_file", 0, 0, XFS_PMEM_STR, "" },
	[R_QINO]	= { "quarantine_inode", 0, 0, XFS_PMEM_NUM, "" },
	[R_QBYTES]	= { "bytes_quarantined", 0, 0, XFS_PMEM_NUM, "" },
	[R_UBYTES]	= { "bytes_unwritten", 0, 0, XFS_PMEM_NUM, "" },
};
static const int	ids[R_NR] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };
/* What became of the paths that are not intact: doc/design.md, "account". */
static const struct xfs_pmem_col pcols[P_NR] = {
	[P_CATEGORY]	= { "category", 0, 0, XFS_PMEM_STR, "" },
	[P_INODE]	= { "inode", 0, 0, XFS_PMEM_NUM, "" },
	[P_PATH]	= { "path", 0, 0, XFS_PMEM_STR, "" },
	[P_NOW]		= { "now", 0, 0, XFS_PMEM_STR, "" },
	/* --restore-orphans: where it went back, or why it did not. */
	[P_RESTORED]	= { "restored", 0, 0, XFS_PMEM_STR, "" },
	[P_NOT_RESTORED] = { "not_restored", 0, 0, XFS_PMEM_STR, "" },
};
static const int	pids[P_NR] = { 0, 1, 2, 3, 4, 5 };
/* The counts per category, in enum pmf_fate order after "intact". */
static const struct xfs_pmem_col acols[A_NR] = {
	[A_INTACT]	= { "intact", 0, 0, XFS_PMEM_NUM, "" },
	[A_DATA]	= { "data_lost", 0, 0, XFS_PMEM_NUM, "" },
	[A_INODE]	= { "inode_lost", 0, 0, XFS_PMEM_NUM, "" },
	[A_NAME]	= { "name_lost", 0, 0, XFS_PMEM_NUM, "" },
	[A_ORPHAN]	= { "orphaned", 0, 0, XFS_PMEM_NUM, "" },
	[A_ATTR]	= { "attr_lost", 0, 0, XFS_PMEM_NUM, "" },
	[A_UNREAD]	= { "unread_dirs", 0, 0, XFS_PMEM_NUM, "" },
	[A_UNREAD_PATHS] = { "unread_dir_paths", 0, 0, XFS_PMEM_LIST, "" },
	/* A number, or "unknown": never a 0 that means "not counted". */
	[A_UNACCOUNTED]	= { "unaccounted", 0, 0, XFS_PMEM_STR, "" },
	[A_RESTORED]	= { "restored", 0, 0, XFS_PMEM_NUM, "" },
};
static const int	aids[A_NR] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 };
static const struct xfs_pmem_out json_out = { .json = true, .bytes = true };

/* The paths as one cell, one per line: libsmartcols makes it a list. */
static int
repair_set_paths(
	struct libscols_line		*ln,
	const struct repair_item	*it)
{
	return xfs_pmem_impact_set(ln, F_PATH, XFS_PMEM_IC_PATH,
			xfs_pmem_paths_str((const char * const *)it->paths,
				it->npaths));
}

typedef int (*repair_fill_fn)(struct libscols_line *ln,
		const struct repair_item *it);

/* A file range: inode, offset and length. */
static int
repair_fill_range(
	struct libscols_line		*ln,
	const struct repair_item	*it)
{
	return xfs_pmem_line_setf(ln, F_INODE, "%llu", (unsigned long long)it->ino) ||
	       xfs_pmem_line_setf(ln, F_OFFSET, "%llu", (unsigned long long)it->start) ||
	       xfs_pmem_line_setf(ln, F_LENGTH, "%llu", (unsigned long long)it->length);
}

/* A lost file range, with its paths. */
static int
repair_fill_file(
	struct libscols_line		*ln,
	const struct repair_item	*it)
{
	return repair_fill_range(ln, it) || repair_set_paths(ln, it);
}

static int
repair_fill_meta(
	struct libscols_line		*ln,
	const struct repair_item	*it)
{
	return scols_line_set_data(ln, M_OWNER, it->owner) ||
	       scols_line_set_data(ln, M_DEV, it->dev) ||
	       xfs_pmem_line_setf(ln, M_START, "%llu", (unsigned long long)it->start) ||
	       xfs_pmem_line_setf(ln, M_LENGTH, "%llu", (unsigned long long)it->length) ||
	       scols_line_set_data(ln, M_CHECK, it->check) ||
	       scols_line_set_data(ln, M_DETAIL, it->detail);
}

static int
repair_fill_quarantine(
	struct libscols_line		*ln,
	const struct repair_item	*it)
{
	return xfs_pmem_line_setf(ln, Q_START, "%llu", (unsigned long long)it->start) ||
	       xfs_pmem_line_setf(ln, Q_LENGTH, "%llu", (unsigned long long)it->length);
}

static int
repair_fill_fate(
	struct libscols_line		*ln,
	const struct repair_item	*it)
{
	bool				back;

	back = repair_restore_back(it->restore);
	return scols_line_set_data(ln, P_CATEGORY, pmf_fate_name(it->aux)) ||
	       xfs_pmem_line_setf(ln, P_INODE, "%llu", (unsigned long long)it->ino) ||
	       scols_line_set_data(ln, P_PATH, it->paths[0]) ||
	       scols_line_set_data(ln, P_NOW, it->npaths > 1 ? it->paths[1] : "") ||
	       scols_line_set_data(ln, P_RESTORED, back ? it->paths[0] : "") ||
	       scols_line_set_data(ln, P_NOT_RESTORED, back ? "" :
			repair_restore_name(it->restore));
}

/* The account's counts: one line, if the account step ran. */
static struct libscols_table *
repair_account_table(
	const struct repair_plan	*done)
{
	const struct pmf_account_sum	*s = &done->acct;
	struct libscols_table		*tb;
	struct libscols_line		*ln;
	int				error;

	tb = xfs_pmem_table_new("account", acols, aids, A_NR, &json_out);
	if (!tb || !done->accounted)
		return tb;
	ln = scols_table_new_line(tb, NULL);
	error = !ln || xfs_pmem_line_setf(ln, A_INTACT, "%llu",
			(unsigned long long)s->intact) ||
		xfs_pmem_line_setf(ln, A_UNREAD, "%llu",
			(unsigned long long)s->unread_dirs) ||
		xfs_pmem_line_setf(ln, A_RESTORED, "%llu",
			(unsigned long long)done->restored) ||
		(s->unaccounted_known ?
		 xfs_pmem_line_setf(ln, A_UNACCOUNTED, "%llu",
			(unsigned long long)s->unaccounted) :
		 scols_line_set_data(ln, A_UNACCOUNTED, "unknown"));
	for (int f = 0; !error && f < PMF_FATE_NR; f++)
		error = xfs_pmem_line_setf(ln, A_DATA + f, "%llu",
				(unsigned long long)s->n[f]);
	for (size_t i = 0; !error && i < done->nr; i++) {
		const struct repair_item *it = &done->items[i];
		char			*cell;

		if (it->kind != REPAIR_TALLY || !it->npaths)
			continue;
		cell = xfs_pmem_paths_str((const char * const *)it->paths,
				it->npaths);
		error = !cell || scols_line_refer_data(ln, A_UNREAD_PATHS, cell);
	}
	if (error) {
		scols_unref_table(tb);
		return NULL;
	}
	return tb;
}

/*
 * A table @name of the first @ncols impact columns of @cols: a line per
 * item of @kind.
 */
static struct libscols_table *
repair_cols_table(
	const char			*name,
	const struct xfs_pmem_col	*colv,
	const int			*cols,
	size_t				ncols,
	const struct repair_plan	*plan,
	char				kind,
	repair_fill_fn			fill)
{
	struct libscols_table		*tb;
	struct libscols_line		*ln;

	tb = xfs_pmem_table_new(name, colv, cols, ncols, &json_out);
	if (!tb)
		return NULL;
	for (size_t i = 0; i < plan->nr; i++) {
		if (plan->items[i].kind != kind)
			continue;
		ln = scols_table_new_line(tb, NULL);
		if (!ln || fill(ln, &plan->items[i])) {
			scols_unref_table(tb);
			return NULL;
		}
	}
	return tb;
}

static struct libscols_table *
repair_table(
	const char			*name,
	const int			*cols,
	size_t				ncols,
	const struct repair_plan	*plan,
	char				kind,
	repair_fill_fn			fill)
{
	return repair_cols_table(name, xfs_pmem_impact_cols, cols, ncols,
			plan, kind, fill);
}

/* The one-line summary of what --apply did. */
static struct libscols_table *
repair_summary_table(
	const struct repair_args	*ra,
	const struct repair_plan	*before,
	const struct repair_plan	*done,
	const char			*undo,
	int				xfs_repair_rc)
{
	struct libscols_table		*tb;
	struct libscols_line		*ln;
	size_t				nfiles = 0;

	for (size_t i = 0; i < done->nr; i++)
		nfiles += done->items[i].kind == REPAIR_DATA;
	tb = xfs_pmem_table_new("repair", rcols, ids, R_NR, &json_out);
	if (!tb)
		return NULL;
	ln = scols_table_new_line(tb, NULL);
	if (!ln || scols_line_set_data(ln, R_DATA, ra->data) ||
	    scols_line_set_data(ln, R_LOG, ra->t.log ? ra->t.log : "") ||
	    scols_line_set_data(ln, R_RT, ra->t.rt ? ra->t.rt : "") ||
	    scols_line_set_data(ln, R_UNDO, undo) ||
	    (xfs_repair_rc < 0 ?
	     scols_line_set_data(ln, R_XFS_REPAIR, "not needed") :
	     xfs_pmem_line_setf(ln, R_XFS_REPAIR, "ran%s, exit %d",
			ra->zap_log && before->log ? " with -L" : "", xfs_repair_rc)) ||
	    xfs_pmem_line_setf(ln, R_FILES, "%zu", nfiles) ||
	    xfs_pmem_line_setf(ln, R_BYTES, "%llu",
			(unsigned long long)done->data_bytes) ||
	    scols_line_set_data(ln, R_QFILE, !done->quarantine_bytes ? "" :
			ra->t.dev == PMF_DEV_RT ? "/pmemfail-quarantine-rt" :
			"/pmemfail-quarantine") ||
	    xfs_pmem_line_setf(ln, R_QINO, "%llu",
			(unsigned long long)done->quarantine_ino) ||
	    xfs_pmem_line_setf(ln, R_QBYTES, "%llu",
			(unsigned long long)done->quarantine_bytes) ||
	    xfs_pmem_line_setf(ln, R_UBYTES, "%llu",
			(unsigned long long)done->unwritten_bytes)) {
		scols_unref_table(tb);
		return NULL;
	}
	return tb;
}

/*
 * Print the JSON body of each table in @tbs, in order, as one object to
 * @f; the tables are released.  0 or a negative errno.
 */
static int
repair_write_json(
	FILE			*f,
	struct libscols_table	**tbs,
	size_t			n)
{
	int			error = 0;

	for (size_t i = 0; i < n; i++)
		if (!tbs[i])
			error = -ENOMEM;
	fputc('{', f);
	for (size_t i = 0; !error && i < n; i++) {
		char	*body = xfs_pmem_json_body(tbs[i]);

		if (!body) {
			error = -ENOMEM;
			break;
		}
		fprintf(f, "%s%s", i ? "," : "", body);
		free(body);
	}
	fputs("}\n", f);
	for (size_t i = 0; i < n; i++)
		if (tbs[i])
			scols_unref_table(tbs[i]);
	return error;
}

/* repair --json: the plan on stdout. */
int
repair_plan_json(
	const struct repair_plan	*plan)
{
	struct libscols_table		*tbs[] = {
		repair_table("files", fids, F_NR, plan, REPAIR_DATA,
				repair_fill_file),
		repair_table("metadata", mids, M_NR, plan, REPAIR_META,
				repair_fill_meta),
	};

	return repair_write_json(stdout, tbs, sizeof(tbs) / sizeof(tbs[0]));
}

int
repair_manifest(
	const struct repair_args	*ra,
	const struct repair_plan	*before,
	const struct repair_plan	*done,
	const char			*manifest,
	const char			*undo,
	int				xfs_repair_rc)
{
	struct libscols_table		*tbs[] = {
		repair_summary_table(ra, before, done, undo, xfs_repair_rc),
		repair_table("files", fids, F_NR, done, REPAIR_DATA,
				repair_fill_file),
		repair_table("metadata", mids, M_NR, before, REPAIR_META,
				repair_fill_meta),
		repair_table("quarantine", qids, Q_NR, done, REPAIR_QUARANTINE,
				repair_fill_quarantine),
		/* Lost bytes that read zeros but stay allocated: partial rt extents. */
		repair_table("unwritten", fids, F_PATH, done, REPAIR_UNWRITTEN,
				repair_fill_range),
		repair_account_table(done),
		repair_cols_table("paths", pcols, pids, P_NR, done,
				REPAIR_FATE, repair_fill_fate),
	};
	size_t				n = sizeof(tbs) / sizeof(tbs[0]);
	FILE				*f;
	int				error;

	f = fopen(manifest, "w");
	if (!f) {
		error = -errno;
		for (size_t i = 0; i < n; i++)
			if (tbs[i])
				scols_unref_table(tbs[i]);
		return error;
	}
	error = repair_write_json(f, tbs, n);
	if (fclose(f) && !error)
		error = -EIO;
	return error;
}
