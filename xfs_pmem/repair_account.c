// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (c) 2026 The pmemfail authors.
 *
 * The account of repair --apply: what became of every path.  The plan
 * step sends the inventory of the damaged tree (as far as it reads) before
 * xfs_repair runs; the account step, last, takes the inventory of the
 * repaired tree and has the library compare the two (pmf_account()), so
 * that a file xfs_repair dropped or moved to lost+found is named, never
 * silently gone.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "repair.h"

/* Paths of each fate the text summary shows. */
#define REPAIR_ACCOUNT_SHOW	5

/* The inventory of the damaged filesystem, before anything is written. */
int
repair_inventory_put(
	struct pmf_fs			*fs,
	const struct xfs_pmem_ranges	*rl,
	FILE				*out)
{
	struct pmf_inv			inv = { 0 };
	struct repair_item		inuse = { .kind = REPAIR_INUSE };
	int				error;

	error = pmf_inventory_take(fs, rl->v, rl->nr, &inv);
	inuse.start = inv.inuse;
	if (!error)
		error = repair_wire_put(out, &inuse);
	for (size_t i = 0; !error && i < inv.nr; i++) {
		const struct pmf_inv_entry *e = &inv.v[i];
		struct repair_item	it = {
			.kind	= REPAIR_INVENTORY,
			.ino	= e->ino,
			.start	= e->parent,
			.length	= ((uint64_t)e->gen << 32) | e->nlink,
			.aux	= e->flags,
			.paths	= (char **)&e->path,
			.npaths	= 1,
		};

		error = repair_wire_put(out, &it);
	}
	pmf_inv_free(&inv);
	return error;
}

/* The inventory the plan step sent, back in the library's form. */
static int
repair_inv_from_plan(
	const struct repair_plan	*plan,
	struct pmf_inv			*inv)
{
	int				error = 0;

	inv->inuse = plan->inuse;
	for (size_t i = 0; !error && i < plan->nr; i++) {
		const struct repair_item *it = &plan->items[i];
		struct pmf_inv_entry	e = {
			.ino	= it->ino,
			.parent	= it->start,
			.gen	= it->length >> 32,
			.nlink	= (uint32_t)it->length,
			.flags	= it->aux,
		};

		if (it->kind != REPAIR_INVENTORY || it->npaths != 1)
			continue;
		e.path = it->paths[0];
		error = pmf_inv_add(inv, &e);
	}
	return error;
}

static int
repair_fate_put(
	const struct pmf_fate_row	*row,
	void				*priv)
{
	const char			*paths[2] = { row->path, row->now };
	struct repair_item		it = {
		.kind	= REPAIR_FATE,
		.ino	= row->ino,
		.aux	= row->fate,
		.paths	= (char **)paths,
		.npaths	= row->now ? 2 : 1,
	};

	return repair_wire_put(priv, &it);
}

/* The directories that did not read before the repair, and how many. */
static int
repair_tally_put(
	const struct pmf_inv		*before,
	const struct pmf_account_sum	*sum,
	FILE				*out)
{
	struct repair_item		it = {
		.kind	= REPAIR_TALLY,
		.ino	= sum->unaccounted,
		.start	= sum->intact,
		.length	= sum->unread_dirs,
		.aux	= sum->unaccounted_known,
	};
	int				error;

	it.paths = calloc(sum->unread_dirs + 1, sizeof(*it.paths));
	if (!it.paths)
		return -ENOMEM;
	for (size_t i = 0; i < before->nr; i++)
		if ((before->v[i].flags & (PMF_INV_DIR | PMF_INV_UNREAD)) ==
		    (PMF_INV_DIR | PMF_INV_UNREAD))
			it.paths[it.npaths++] = before->v[i].path;
	error = repair_wire_put(out, &it);
	free(it.paths);
	return error;
}

/* The account step, after the others: 0, or say why and exit 8. */
int
repair_account_step(
	const struct repair_args	*ra,
	FILE				*out)
{
	struct pmf_inv			before = { 0 }, after = { 0 };
	struct pmf_account_sum		sum;
	struct pmf_fs			*fs;
	uint64_t			*lost = NULL, *attrs = NULL;
	size_t				nlost = 0, nattrs = 0;
	int				error;

	if (xfs_pmem_open_flags(ra->data, ra->t.log, ra->t.rt, 0, &fs))
		return XFS_PMEM_EXIT_ERROR;
	lost = calloc(ra->done->nr + 1, sizeof(*lost));
	error = lost ? 0 : -ENOMEM;
	for (size_t i = 0; !error && i < ra->done->nr; i++)
		if (ra->done->items[i].kind == REPAIR_DATA)
			lost[nlost++] = ra->done->items[i].ino;
	attrs = calloc(ra->before->nr + 1, sizeof(*attrs));
	if (!attrs)
		error = -ENOMEM;
	for (size_t i = 0; !error && i < ra->before->nr; i++)
		if (ra->before->items[i].kind == REPAIR_ATTR)
			attrs[nattrs++] = ra->before->items[i].ino;
	if (!error)
		error = repair_inv_from_plan(ra->before, &before);
	if (!error)
		error = pmf_inventory_take(fs, NULL, 0, &after);
	if (!error)
		error = pmf_account(&before, &after, lost, nlost, attrs,
				nattrs, ra->done->quarantine_ino,
				repair_fate_put, out, &sum);
	if (!error)
		error = repair_tally_put(&before, &sum, out);
	if (error)
		xfs_pmem_err("repair: the account of the paths: %s",
				pmf_errmsg(fs)[0] ? pmf_errmsg(fs) :
				strerror(-error));
	free(lost);
	free(attrs);
	pmf_inv_free(&before);
	pmf_inv_free(&after);
	pmf_close(fs);
	return error ? XFS_PMEM_EXIT_ERROR : 0;
}

/* Counts per fate and the first paths of each, for the user. */
void
repair_print_account(
	const struct repair_plan	*done)
{
	const struct pmf_account_sum	*s = &done->acct;
	const struct repair_item	*tally = NULL;

	if (!done->accounted)
		return;
	printf("paths: %llu intact", (unsigned long long)s->intact);
	for (int f = 0; f < PMF_FATE_NR; f++)
		printf(", %llu %s", (unsigned long long)s->n[f],
				pmf_fate_name(f));
	putchar('\n');
	for (int f = 0; f < PMF_FATE_NR; f++) {
		unsigned int	shown = 0;

		for (size_t i = 0; i < done->nr && shown < REPAIR_ACCOUNT_SHOW;
		     i++) {
			const struct repair_item *it = &done->items[i];

			if (it->kind != REPAIR_FATE || it->aux != (uint64_t)f)
				continue;
			printf("  %-10s %s%s%s%s\n", shown++ ? "" : pmf_fate_name(f),
					it->paths[0], it->npaths < 2 ? "" :
					f == PMF_FATE_ORPHANED ? " -> " : " (still at ",
					it->npaths > 1 ? it->paths[1] : "",
					it->npaths < 2 || f == PMF_FATE_ORPHANED ? "" : ")");
		}
		if (s->n[f] > shown)
			printf("  %-10s ... %llu more\n", "",
					(unsigned long long)(s->n[f] - shown));
	}
	for (size_t i = 0; i < done->nr; i++)
		if (done->items[i].kind == REPAIR_TALLY)
			tally = &done->items[i];
	if (s->unaccounted_known)
		printf("unaccounted: %llu file(s) in use before the repair are named nowhere, before or after it\n",
				(unsigned long long)s->unaccounted);
	else
		printf("unaccounted: unknown (the superblock's inode count is not usable here)\n");
	if (!s->unread_dirs)
		return;
	printf("%llu director%s did not read before the repair:",
			(unsigned long long)s->unread_dirs,
			s->unread_dirs == 1 ? "y" : "ies");
	for (uint32_t i = 0; tally && i < tally->npaths && i < REPAIR_ACCOUNT_SHOW; i++)
		printf(" %s", tally->paths[i]);
	printf("\n  their names are known only where the file survived: a path ending in '/' names the directory only\n");
}
