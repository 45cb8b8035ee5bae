// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (c) 2026 The pmemfail authors.
 *
 * repair --restore-orphans: after the account, move each orphan (a file
 * xfs_repair put in lost+found whose path before the repair the inventory
 * knows) back to that path, offline through libxfs (pmf_restore_path()),
 * under the undo file like every other write.  An orphan whose old
 * directory is gone, or whose old name another file has, stays where it
 * is, and the manifest says why; the account's categories do not change.
 * A file with several old names gets its lost+found name back as one of
 * them, and the others as hard links.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "repair.h"

/* Paths of each outcome the text summary shows. */
#define REPAIR_RESTORE_SHOW	5

static const char * const repair_restore_names[REPAIR_RESTORE_NR] = {
	[REPAIR_RESTORE_NONE]		= "",
	[REPAIR_RESTORE_MOVED]		= "moved back",
	[REPAIR_RESTORE_WITH_DIR]	= "back with its directory",
	[REPAIR_RESTORE_LINKED]		= "linked back beside another of its names",
	[REPAIR_RESTORE_NO_NAME]	= "old name unknown",
	[REPAIR_RESTORE_NO_DIR]		= "old directory gone",
	[REPAIR_RESTORE_TAKEN]		= "old name taken",
	[REPAIR_RESTORE_ELSEWHERE]	= "moved back under another of its names",
};

/* Is the path back where it was? */
bool
repair_restore_back(
	enum repair_restore	r)
{
	return r == REPAIR_RESTORE_MOVED || r == REPAIR_RESTORE_WITH_DIR ||
	       r == REPAIR_RESTORE_LINKED;
}

const char *
repair_restore_name(
	enum repair_restore	r)
{
	return r < REPAIR_RESTORE_NR ? repair_restore_names[r] : "unknown";
}

struct repair_orphan {
	size_t			idx;		/* of its REPAIR_FATE record */
	unsigned int		depth;		/* '/'s in its old path */
};

static int
repair_orphan_cmp(
	const void		*a,
	const void		*b)
{
	const struct repair_orphan *x = a, *y = b;

	if (x->depth != y->depth)
		return x->depth < y->depth ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/*
 * The orphaned paths of the account, shallowest first: a directory goes
 * back before what was below it, which then is back already.
 */
static struct repair_orphan *
repair_orphans(
	const struct repair_plan	*done,
	size_t				*nr)
{
	struct repair_orphan		*v = calloc(done->nr + 1, sizeof(*v));

	*nr = 0;
	if (!v)
		return NULL;
	for (size_t i = 0; i < done->nr; i++) {
		const struct repair_item *it = &done->items[i];
		unsigned int		depth = 0;

		if (it->kind != REPAIR_FATE || it->aux != PMF_FATE_ORPHANED)
			continue;
		for (const char *p = it->paths[0]; *p; p++)
			depth += *p == '/';
		v[*nr].idx = i;
		v[(*nr)++].depth = depth;
	}
	if (*nr)
		qsort(v, *nr, sizeof(*v), repair_orphan_cmp);
	return v;
}

/* Move one orphan back: its outcome, or a negative errno. */
static int
repair_restore_one(
	struct pmf_fs			*fs,
	const struct repair_item	*it)
{
	const char			*old = it->paths[0];
	size_t				len = strlen(old);
	int				error;

	/* "/dir/": only its directory is known. */
	if (it->npaths < 2 || !len || old[len - 1] == '/')
		return REPAIR_RESTORE_NO_NAME;
	error = pmf_restore_path(fs, it->ino, it->paths[1], old);
	switch (error) {
	case 0:		return REPAIR_RESTORE_MOVED;
	case 1:		return REPAIR_RESTORE_WITH_DIR;
	case 2:		return REPAIR_RESTORE_LINKED;
	case -ENOENT:
	case -ENOTDIR:	return REPAIR_RESTORE_NO_DIR;
	case -EEXIST:	return REPAIR_RESTORE_TAKEN;
	/* Its lost+found name went back to another of its old names. */
	case -ESTALE:	return REPAIR_RESTORE_ELSEWHERE;
	case -EINVAL:	return REPAIR_RESTORE_NO_NAME;
	default:	return error;
	}
}

/* The restore step, after the account: 0, or say why and exit 8. */
int
repair_restore_step(
	const struct repair_args	*ra,
	FILE				*out)
{
	struct pmf_fs			*fs;
	struct repair_orphan		*v;
	size_t				nr;
	int				error = 0;

	if (xfs_pmem_open_flags(ra->data, ra->t.log, ra->t.rt, PMF_OPEN_WRITE,
			&fs))
		return XFS_PMEM_EXIT_ERROR;
	v = repair_orphans(ra->done, &nr);
	if (!v)
		error = -ENOMEM;
	for (size_t i = 0; !error && i < nr; i++) {
		struct repair_item	it = {
			.kind	= REPAIR_RESTORE,
			.start	= v[i].idx,
		};

		error = repair_restore_one(fs, &ra->done->items[v[i].idx]);
		if (error < 0)
			break;
		it.aux = error;
		error = repair_wire_put(out, &it);
	}
	if (error)
		xfs_pmem_err("repair: moving the orphans back: %s",
				pmf_errmsg(fs)[0] ? pmf_errmsg(fs) :
				strerror(-error));
	free(v);
	pmf_close(fs);
	return error ? XFS_PMEM_EXIT_ERROR : 0;
}

/* What the restore step sent, onto the account's records in @done. */
int
repair_restore_apply(
	struct repair_plan		*done,
	const struct repair_plan	*restored)
{
	for (size_t i = 0; i < restored->nr; i++) {
		const struct repair_item *r = &restored->items[i];
		struct repair_item	*it;

		if (r->kind != REPAIR_RESTORE)
			continue;
		if (r->start >= done->nr || r->aux == REPAIR_RESTORE_NONE ||
		    r->aux >= REPAIR_RESTORE_NR)
			return -EPROTO;
		it = &done->items[r->start];
		if (it->kind != REPAIR_FATE || it->aux != PMF_FATE_ORPHANED)
			return -EPROTO;
		it->restore = r->aux;
		done->restored += repair_restore_back(r->aux);
	}
	return 0;
}

/* How many orphans went back, and why the others did not. */
void
repair_print_restore(
	const struct repair_plan	*done)
{
	uint64_t			n[REPAIR_RESTORE_NR] = { 0 };

	for (size_t i = 0; i < done->nr; i++)
		if (done->items[i].kind == REPAIR_FATE &&
		    done->items[i].restore != REPAIR_RESTORE_NONE)
			n[done->items[i].restore]++;
	printf("orphans: %llu back at their old paths (%llu of them with their directory, %llu as another link), %llu left in lost+found\n",
			(unsigned long long)done->restored,
			(unsigned long long)n[REPAIR_RESTORE_WITH_DIR],
			(unsigned long long)n[REPAIR_RESTORE_LINKED],
			(unsigned long long)(done->acct.n[PMF_FATE_ORPHANED] -
				done->restored));
	for (int r = REPAIR_RESTORE_NO_NAME; r < REPAIR_RESTORE_NR; r++) {
		unsigned int	shown = 0;

		if (!n[r])
			continue;
		printf("  %llu: %s\n", (unsigned long long)n[r],
				repair_restore_name(r));
		for (size_t i = 0; i < done->nr && shown < REPAIR_RESTORE_SHOW;
		     i++) {
			const struct repair_item *it = &done->items[i];

			if (it->kind != REPAIR_FATE || it->restore != (unsigned)r)
				continue;
			shown++;
			printf("    %s (at %s)\n", it->paths[0],
					it->npaths > 1 ? it->paths[1] : "?");
		}
	}
}
