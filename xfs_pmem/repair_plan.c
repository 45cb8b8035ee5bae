// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (c) 2026 The pmemfail authors.
 *
 * The repair plan: a child reads the damaged filesystem, read-only, and
 * sends what the range lost: the lost ranges of files, the damaged
 * structures, and whether xfs_repair must run (with -L if the log is hit).
 * The parent prints it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "repair.h"

struct plan_ctx {
	struct pmf_fs	*fs;
	FILE		*out;
	bool		meta;
	bool		log;
	/* Data device sectors of the damaged rows already sent. */
	struct xfs_pmem_spans shown;
};

static int
plan_put_meta(
	struct plan_ctx			*pc,
	const struct pmf_impact		*imp,
	const struct pmf_check_result	*chk)
{
	struct repair_item		it = {
		.kind	= REPAIR_META,
		.start	= imp->daddr << 9,
		.length	= imp->bbcount << 9,
		.owner	= (char *)pmf_owner_name(imp->owner),
		.dev	= (char *)pmf_device_name(imp->dev),
		.check	= (char *)pmf_check_name(chk->check),
		.detail	= (char *)(imp->unresolved &&
				   chk->check < PMF_CHECK_CORRUPT ?
				   imp->unresolved : chk->detail),
	};

	if (imp->dev == PMF_DEV_DATA &&
	    xfs_pmem_spans_add(&pc->shown, imp->daddr, imp->bbcount))
		return -ENOMEM;
	return repair_wire_put(pc->out, &it);
}

static int
plan_put_data(
	struct plan_ctx			*pc,
	const struct pmf_impact		*imp)
{
	struct repair_item		it = {
		.kind	= REPAIR_DATA,
		.ino	= imp->ino,
		.start	= imp->offset,
		.length	= imp->length,
		.paths	= (char **)imp->paths,
		.npaths	= imp->npaths,
	};

	return repair_wire_put(pc->out, &it);
}

static int
plan_record(
	const struct pmf_impact	*imp,
	void			*priv)
{
	struct plan_ctx		*pc = priv;
	struct pmf_check_result	chk;
	int			error;

	if (!pmf_impact_unmaps(imp) && imp->consequence == PMF_NO_LOSS &&
	    !(imp->flags & PMF_IMPACT_UNRESOLVED))
		return 0;
	/* For the account: its paths are attr-lost if the file lives on. */
	if (pmf_impact_loses_attrs(imp)) {
		struct repair_item	attr = { .kind = REPAIR_ATTR, .ino = imp->ino };

		error = repair_wire_put(pc->out, &attr);
		if (error)
			return error;
	}
	error = pmf_check_impact(pc->fs, imp, &chk);
	if (error)
		return error;
	if (pmf_impact_unmaps(imp) && chk.check != PMF_CHECK_INTACT &&
	    chk.check != PMF_CHECK_CORRUPT)
		return plan_put_data(pc, imp);
	/*
	 * Metadata, directory and symlink blocks among it: what still passes
	 * its checks needs nothing, but a log hit needs the log reformatted,
	 * whatever its blocks hold.
	 */
	if (imp->owner == PMF_OWN_LOG)
		pc->log = true;
	else if (chk.check < PMF_CHECK_UNCHECKED &&
		 !(imp->flags & PMF_IMPACT_UNRESOLVED))
		return 0;
	else
		pc->meta = true;
	return plan_put_meta(pc, imp, &chk);
}

static int
plan_missed(
	const struct pmf_damage	*d,
	void			*priv)
{
	struct plan_ctx		*pc = priv;
	struct repair_item	it = {
		.kind	= REPAIR_META,
		.start	= d->daddr << 9,
		.length	= d->bbcount << 9,
		.owner	= (char *)pmf_owner_name(d->owner),
		.dev	= "data",
		.check	= (char *)pmf_check_name(d->res.check),
		.detail	= (char *)d->res.detail,
	};

	pc->meta = true;
	/* A damaged block the prediction's rows already name. */
	if (xfs_pmem_spans_meet(&pc->shown, d->daddr, d->bbcount))
		return 0;
	return repair_wire_put(pc->out, &it);
}

/*
 * --apply writes to every device it was given: xfs_repair, the unmapping
 * and the undo file's replay all need them writable.  Find out before the
 * plan, not halfway through the repair (an immutable or read-only image).
 */
static int
repair_check_writable(
	const struct repair_args	*ra)
{
	const char			*paths[3] = { ra->data, ra->t.log, ra->t.rt };

	for (int i = 0; i < 3; i++) {
		int			fd;

		if (!paths[i])
			continue;
		fd = open(paths[i], O_RDWR);
		if (fd < 0) {
			xfs_pmem_err("%s device %s is not writable: %s",
					pmf_device_name(i), paths[i],
					strerror(errno));
			return XFS_PMEM_EXIT_ERROR;
		}
		close(fd);
	}
	return 0;
}

/* The plan step: 0 with the plan sent to @out, or say why and exit 8. */
int
repair_plan_step(
	const struct repair_args	*ra,
	FILE				*out)
{
	struct plan_ctx			pc = { .out = out };
	struct pmf_geometry		geo;
	struct xfs_pmem_ranges		rl = { 0 };
	struct repair_item		sum = { .kind = REPAIR_SUMMARY };
	int				error;

	/* Before anything is written, not even a read-only mount may stay. */
	if (xfs_pmem_open_flags(ra->data, ra->t.log, ra->t.rt,
			PMF_OPEN_DAMAGED | (ra->apply ? PMF_OPEN_UNMOUNTED : 0),
			&pc.fs))
		return XFS_PMEM_EXIT_ERROR;
	if (ra->apply && repair_check_writable(ra)) {
		pmf_close(pc.fs);
		return XFS_PMEM_EXIT_ERROR;
	}
	pmf_get_geometry(pc.fs, &geo);
	error = xfs_pmem_target_ranges(&ra->t, &geo, &rl);
	if (error) {
		pmf_close(pc.fs);
		xfs_pmem_ranges_free(&rl);
		return error == -EINVAL ? XFS_PMEM_EXIT_USAGE : XFS_PMEM_EXIT_ERROR;
	}
	for (size_t i = 0; !error && i < rl.nr; i++)
		error = pmf_query(pc.fs, &rl.v[i],
				PMF_QUERY_PATHS | PMF_QUERY_BEST_EFFORT,
				plan_record, &pc);
	if (!error)
		error = xfs_pmem_ranges_check_ags(pc.fs, &rl, plan_missed,
				&pc);
	/* What survives, named, before xfs_repair rebuilds (or drops) it. */
	if (!error && ra->apply)
		error = repair_inventory_put(pc.fs, &rl, out);
	if (!error) {
		sum.ino = pc.meta;
		sum.start = pc.log;
		error = repair_wire_put(out, &sum);
	}
	if (error)
		xfs_pmem_err("%s", pmf_errmsg(pc.fs)[0] ? pmf_errmsg(pc.fs) :
				strerror(-error));
	xfs_pmem_spans_free(&pc.shown);
	xfs_pmem_ranges_free(&rl);
	pmf_close(pc.fs);
	return error ? XFS_PMEM_EXIT_ERROR : 0;
}

/* The paths of a lost range, as the plan prints them on its line. */
static void
repair_print_paths(
	const struct repair_item	*it)
{
	if (!it->npaths) {
		printf("(no path)");
		return;
	}
	for (uint32_t i = 0; i < it->npaths; i++)
		printf("%s%s", i ? "|" : "", it->paths[i]);
}

void
repair_print_plan(
	const struct repair_args	*ra,
	const struct repair_plan	*plan)
{
	size_t				nmeta = 0, ndata = 0;

	for (size_t i = 0; i < plan->nr; i++) {
		const struct repair_item	*it = &plan->items[i];

		if (it->kind == REPAIR_META) {
			printf("%s metadata: %s on %s at %llu+%llu: %s\n",
					nmeta++ ? "  " : "Damaged",
					it->owner, it->dev,
					(unsigned long long)it->start,
					(unsigned long long)it->length,
					it->detail[0] ? it->detail : it->check);
		}
	}
	for (size_t i = 0; i < plan->nr; i++) {
		const struct repair_item	*it = &plan->items[i];

		if (it->kind != REPAIR_DATA)
			continue;
		printf("%s inode %llu bytes %llu+%llu: ",
				ndata++ ? "  " : "Lost file data:",
				(unsigned long long)it->ino,
				(unsigned long long)it->start,
				(unsigned long long)it->length);
		repair_print_paths(it);
		putchar('\n');
	}
	printf("\nPlan:\n");
	if (plan->meta || plan->log)
		printf("  1. run %s%s%s\n", ra->xfs_repair,
				plan->log ? " -L" : "",
				plan->log ? " (the log is hit: changes only in the log are lost)" : "");
	else
		printf("  1. no metadata is damaged: xfs_repair is not needed\n");
	if (ndata)
		printf("  2. unmap %zu lost file range(s), %llu bytes, so they read as holes, and record them in trusted.pmemfail.lost\n",
				ndata, (unsigned long long)plan->data_bytes);
	else
		printf("  2. no file data to unmap\n");
	if (ndata && ra->t.dev == PMF_DEV_RT)
		printf("     (the lost blocks of an rt extent lost only in part are turned unwritten: they read zeros but stay allocated)\n");
	if (ra->t.whole)
		printf("  3. nothing to quarantine: a device lost whole is replaced\n");
	else if (ra->t.dev == PMF_DEV_RT)
		printf("  3. quarantine the failed rt extents that are free then in /pmemfail-quarantine-rt\n");
	else
		printf("  3. quarantine the failed blocks that are free then in /pmemfail-quarantine\n");
	printf("  4. write the manifest\n");
	if (plan->log && !ra->zap_log)
		printf("\nThe log is hit: --apply needs --zap-log to let xfs_repair -L reformat it.\n");
	if (!ra->apply)
		printf("\nDry run: nothing was written.  Add --apply to carry the plan out.\n");
}
