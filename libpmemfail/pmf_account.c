// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Copyright (c) 2026 The pmemfail authors.
 *
 * The account of a repair: the inventory taken before xfs_repair compared
 * with the one taken after, so that every path that existed is intact or
 * has a fate (enum pmf_fate), and none goes silently.  An inode is the same
 * file before and after only with the same number and generation: the
 * repair may hand a lost inode's number to a new file (the quarantine,
 * lost+found).  An inode that did not read before has no generation to
 * compare: one bad inode fails its whole cluster buffer, and xfs_repair
 * keeps the cluster's good inodes, which must not count as lost.  The
 * comparison is all here, in one place; it reads no filesystem.
 */
#include "pmf_priv.h"

#define PMF_LOST_FOUND		"/lost+found"

static const char * const pmf_fate_names[PMF_FATE_NR] = {
	[PMF_FATE_DATA_LOST]	= "data-lost",
	[PMF_FATE_INODE_LOST]	= "inode-lost",
	[PMF_FATE_NAME_LOST]	= "name-lost",
	[PMF_FATE_ORPHANED]	= "orphaned",
	[PMF_FATE_ATTR_LOST]	= "attr-lost",
};

const char *
pmf_fate_name(
	enum pmf_fate	fate)
{
	return fate < PMF_FATE_NR ? pmf_fate_names[fate] : "unknown";
}

typedef const struct pmf_inv_entry *pmf_ent;

static int
pmf_ent_cmp_path(
	const void	*a,
	const void	*b)
{
	return strcmp((*(const pmf_ent *)a)->path, (*(const pmf_ent *)b)->path);
}

static int
pmf_ent_cmp_ino(
	const void	*a,
	const void	*b)
{
	pmf_ent		x = *(const pmf_ent *)a, y = *(const pmf_ent *)b;

	if (x->ino != y->ino)
		return x->ino < y->ino ? -1 : 1;
	return x->gen < y->gen ? -1 : x->gen > y->gen;
}

/* The entries of @inv sorted by @cmp; NULL without memory. */
static pmf_ent *
pmf_inv_sorted(
	const struct pmf_inv	*inv,
	int			(*cmp)(const void *, const void *))
{
	pmf_ent			*s = calloc(inv->nr + 1, sizeof(*s));

	if (!s)
		return NULL;
	for (size_t i = 0; i < inv->nr; i++)
		s[i] = &inv->v[i];
	if (inv->nr)
		qsort(s, inv->nr, sizeof(*s), cmp);
	return s;
}

/* The first index of @s (sorted by @cmp) not below @key. */
static size_t
pmf_lower(
	const pmf_ent		*s,
	size_t			nr,
	pmf_ent			key,
	int			(*cmp)(const void *, const void *))
{
	size_t			lo = 0, hi = nr;

	while (lo < hi) {
		size_t	mid = (lo + hi) / 2;

		if (cmp(&s[mid], &key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

struct pmf_acct {
	const struct pmf_inv	*before, *after;
	pmf_ent			*b_path, *b_ino, *a_path, *a_ino;
	uint64_t		*data_lost;	/* sorted copies */
	size_t			ndata_lost;
	uint64_t		*attr_lost;
	size_t			nattr_lost;
	uint64_t		skip_ino;
	char			*lost_dir;	/* where unread names were, "/x/" */
	pmf_fate_fn		fn;
	void			*priv;
	struct pmf_account_sum	*sum;
};

static pmf_ent
pmf_find_path(
	const pmf_ent		*s,
	size_t			nr,
	const char		*path)
{
	struct pmf_inv_entry	k = { .path = (char *)path };
	size_t			i = pmf_lower(s, nr, &k, pmf_ent_cmp_path);

	return i < nr && !strcmp(s[i]->path, path) ? s[i] : NULL;
}

/* The entries of the same file as @e in @s (sorted by inode): [*first, ret). */
static size_t
pmf_find_file(
	const pmf_ent		*s,
	size_t			nr,
	pmf_ent			e,
	size_t			*first)
{
	size_t			i = pmf_lower(s, nr, e, pmf_ent_cmp_ino);

	*first = i;
	while (i < nr && !pmf_ent_cmp_ino(&s[i], &e))
		i++;
	return i;
}

/*
 * Is @a (after) the file @b (before)?  The same inode number and
 * generation; where @b's inode did not read, its generation is unknown and
 * the number decides -- unless the number is now lost+found's, which
 * xfs_repair may have made from a free (or freed) inode.
 */
static bool
pmf_same_file(
	pmf_ent			b,
	pmf_ent			a)
{
	if (a->ino != b->ino)
		return false;
	if (!(b->flags & PMF_INV_NOSTAT))
		return a->gen == b->gen;
	return strcmp(a->path, PMF_LOST_FOUND) || !strcmp(b->path, PMF_LOST_FOUND);
}

/* The entries of inode @ino in @s (sorted by inode): [*first, ret). */
static size_t
pmf_find_ino(
	const pmf_ent		*s,
	size_t			nr,
	uint64_t		ino,
	size_t			*first)
{
	struct pmf_inv_entry	k = { .ino = ino };
	size_t			i = pmf_lower(s, nr, &k, pmf_ent_cmp_ino);

	*first = i;
	while (i < nr && s[i]->ino == ino)
		i++;
	return i;
}

/* Does the inventory before have the file @a (after) at any path? */
static bool
pmf_had_file(
	struct pmf_acct		*ac,
	pmf_ent			a)
{
	size_t			first;
	size_t			end = pmf_find_ino(ac->b_ino, ac->before->nr,
						a->ino, &first);

	for (size_t i = first; i < end; i++)
		if (pmf_same_file(ac->b_ino[i], a))
			return true;
	return false;
}

static bool
pmf_in_lost_found(
	const char		*path)
{
	size_t			n = strlen(PMF_LOST_FOUND);

	return !strncmp(path, PMF_LOST_FOUND, n) && path[n] == '/';
}

/* A sorted copy of @v; NULL without memory. */
static uint64_t *
pmf_u64_sorted(
	const uint64_t		*v,
	size_t			nr)
{
	uint64_t		*s = calloc(nr + 1, sizeof(*s));

	if (!s)
		return NULL;
	if (nr) {
		memcpy(s, v, nr * sizeof(*s));
		qsort(s, nr, sizeof(*s), pmf_u64_cmp);
	}
	return s;
}

static int
pmf_fate_put(
	struct pmf_acct		*ac,
	enum pmf_fate		fate,
	uint64_t		ino,
	const char		*path,
	const char		*now)
{
	struct pmf_fate_row	row = {
		.fate = fate, .ino = ino, .path = path, .now = now,
	};

	ac->sum->n[fate]++;
	return ac->fn(&row, ac->priv);
}

/*
 * Where the names that did not read were: the deepest directory holding
 * every directory that did not read, as "/a/b/".  Without parent pointers
 * an orphan's own name died with its directory's blocks; this is all that
 * is known of its old path.
 */
static int
pmf_lost_dir(
	struct pmf_acct		*ac)
{
	const char		*common = NULL;
	size_t			len = 0;

	for (size_t i = 0; i < ac->before->nr; i++) {
		const struct pmf_inv_entry *e = &ac->before->v[i];
		size_t		n = 0;

		if ((e->flags & (PMF_INV_DIR | PMF_INV_UNREAD)) !=
		    (PMF_INV_DIR | PMF_INV_UNREAD))
			continue;
		ac->sum->unread_dirs++;
		if (!common) {
			common = e->path;
			len = strlen(common);
			continue;
		}
		while (n < len && e->path[n] == common[n])
			n++;
		/* Back to a whole component. */
		if (!(n == len && (e->path[n] == '/' || e->path[n] == '\0')))
			while (n > 0 && common[n] != '/')
				n--;
		len = n;
	}
	if (!common || (len == 1 && common[0] == '/'))
		len = 0;
	if (asprintf(&ac->lost_dir, "%.*s/", (int)len, common ? common : "") < 0)
		return -ENOMEM;
	return 0;
}

/* One path of the inventory: intact, or what became of it. */
static int
pmf_account_path(
	struct pmf_acct		*ac,
	pmf_ent			b)
{
	pmf_ent			a;
	size_t			first, end;
	const char		*now = NULL, *other = NULL;

	a = pmf_find_path(ac->a_path, ac->after->nr, b->path);
	if (a && pmf_same_file(b, a) && a->ino != ac->skip_ino) {
		/* Holes where the data was lost come first, then the xattrs. */
		if (pmf_u64_find(ac->data_lost, ac->ndata_lost, b->ino))
			return pmf_fate_put(ac, PMF_FATE_DATA_LOST, b->ino,
					b->path, NULL);
		if (pmf_u64_find(ac->attr_lost, ac->nattr_lost, b->ino))
			return pmf_fate_put(ac, PMF_FATE_ATTR_LOST, b->ino,
					b->path, NULL);
		ac->sum->intact++;
		return 0;
	}
	end = pmf_find_ino(ac->a_ino, ac->after->nr, b->ino, &first);
	for (size_t i = first; i < end; i++) {
		pmf_ent	o = ac->a_ino[i];

		if (o->ino == ac->skip_ino || !pmf_same_file(b, o))
			continue;
		/* A name under lost+found the inventory did not have. */
		if (pmf_in_lost_found(o->path) &&
		    !pmf_find_path(ac->b_path, ac->before->nr, o->path))
			now = o->path;
		else
			other = o->path;
	}
	if (now)
		return pmf_fate_put(ac, PMF_FATE_ORPHANED, b->ino, b->path, now);
	if (other)
		return pmf_fate_put(ac, PMF_FATE_NAME_LOST, b->ino, b->path,
				other);
	return pmf_fate_put(ac, PMF_FATE_INODE_LOST, b->ino, b->path, NULL);
}

/*
 * A file the walk found fewer names of than its link count: the others
 * were in directories that did not read.  Each is lost with the file, or
 * alone if the file lives on.
 */
static int
pmf_account_unread_links(
	struct pmf_acct		*ac)
{
	int			error = 0;

	for (size_t i = 0; !error && i < ac->before->nr;) {
		pmf_ent		b = ac->b_ino[i];
		size_t		first, end, afirst, aend;
		const char	*now;
		bool		alive, orphan;

		end = pmf_find_file(ac->b_ino, ac->before->nr, b, &first);
		i = end;
		if ((b->flags & (PMF_INV_DIR | PMF_INV_UNREAD)) ||
		    b->nlink <= end - first)
			continue;
		aend = pmf_find_file(ac->a_ino, ac->after->nr, b, &afirst);
		alive = aend > afirst && b->ino != ac->skip_ino;
		now = NULL;
		orphan = false;
		/* A name xfs_repair moved to lost+found with its directory. */
		for (size_t j = afirst; alive && j < aend; j++) {
			if (pmf_in_lost_found(ac->a_ino[j]->path) &&
			    !pmf_find_path(ac->b_path, ac->before->nr,
					ac->a_ino[j]->path)) {
				now = ac->a_ino[j]->path;
				orphan = true;
			}
		}
		/* Else, for name-lost, a name it still has. */
		if (alive && !now)
			now = ac->a_ino[afirst]->path;
		for (uint32_t n = end - first; !error && n < b->nlink; n++)
			error = pmf_fate_put(ac, !alive ? PMF_FATE_INODE_LOST :
					orphan ? PMF_FATE_ORPHANED :
					PMF_FATE_NAME_LOST, b->ino,
					ac->lost_dir, now);
	}
	return error;
}

/*
 * Files the walk before did not reach: named only in directories that did
 * not read.  In lost+found now, they are orphans.  Elsewhere their
 * directory came back whole for xfs_repair, and only lost data or xattrs
 * are theirs to report, at the path they have again.
 */
static int
pmf_account_unreached(
	struct pmf_acct		*ac)
{
	int			error = 0;

	for (size_t i = 0; !error && i < ac->after->nr; i++) {
		pmf_ent		a = &ac->after->v[i];

		if (i == 0 || a->ino == ac->skip_ino || pmf_had_file(ac, a))
			continue;
		if (pmf_in_lost_found(a->path))
			error = pmf_fate_put(ac, PMF_FATE_ORPHANED, a->ino,
					ac->lost_dir, a->path);
		else if (pmf_u64_find(ac->data_lost, ac->ndata_lost, a->ino))
			error = pmf_fate_put(ac, PMF_FATE_DATA_LOST, a->ino,
					a->path, NULL);
		else if (pmf_u64_find(ac->attr_lost, ac->nattr_lost, a->ino))
			error = pmf_fate_put(ac, PMF_FATE_ATTR_LOST, a->ino,
					a->path, NULL);
	}
	return error;
}

/*
 * The inodes in use before that no tree names: the superblock's count
 * less every inode the inventory before named and every one it lacked that
 * the tree after names (an orphan; a name in a directory block that did
 * not read, while others of the directory did for xfs_repair).
 */
static void
pmf_account_unnamed(
	struct pmf_acct		*ac)
{
	uint64_t		known = 0;

	if (!ac->before->inuse)
		return;
	for (size_t i = 0; i < ac->before->nr; i++)
		known += i == 0 || ac->b_ino[i]->ino != ac->b_ino[i - 1]->ino;
	for (size_t i = 0; i < ac->after->nr; i++) {
		pmf_ent		a = ac->a_ino[i];

		if (i > 0 && a->ino == ac->a_ino[i - 1]->ino)
			continue;
		if (a->ino != ac->skip_ino && a->ino != ac->after->v[0].ino &&
		    strcmp(a->path, PMF_LOST_FOUND) && !pmf_had_file(ac, a))
			known++;
	}
	ac->sum->unaccounted_known = true;
	ac->sum->unaccounted = ac->before->inuse > known ?
		ac->before->inuse - known : 0;
}

/*
 * Compare the inventory @before the repair with the one @after it, and
 * call @fn for every path that is not intact.  @data_lost lists the inodes
 * whose lost ranges were unmapped, @attr_lost those that lost extended
 * attributes; @skip_ino (the quarantine) is a file the
 * repair made.  @sum counts each fate, the intact paths, and the
 * directories that did not read: names in them whose inode was lost too
 * are named nowhere, and cannot be counted.
 */
int
pmf_account(
	const struct pmf_inv	*before,
	const struct pmf_inv	*after,
	const uint64_t		*data_lost,
	size_t			ndata_lost,
	const uint64_t		*attr_lost,
	size_t			nattr_lost,
	uint64_t		skip_ino,
	pmf_fate_fn		fn,
	void			*priv,
	struct pmf_account_sum	*sum)
{
	struct pmf_acct		ac = {
		.before = before, .after = after,
		.ndata_lost = ndata_lost, .nattr_lost = nattr_lost,
		.skip_ino = skip_ino, .fn = fn, .priv = priv, .sum = sum,
	};
	int			error = -ENOMEM;

	memset(sum, 0, sizeof(*sum));
	ac.b_path = pmf_inv_sorted(before, pmf_ent_cmp_path);
	ac.b_ino = pmf_inv_sorted(before, pmf_ent_cmp_ino);
	ac.a_path = pmf_inv_sorted(after, pmf_ent_cmp_path);
	ac.a_ino = pmf_inv_sorted(after, pmf_ent_cmp_ino);
	ac.data_lost = pmf_u64_sorted(data_lost, ndata_lost);
	ac.attr_lost = pmf_u64_sorted(attr_lost, nattr_lost);
	if (!ac.b_path || !ac.b_ino || !ac.a_path || !ac.a_ino ||
	    !ac.data_lost || !ac.attr_lost)
		goto out;
	error = pmf_lost_dir(&ac);
	/* The root is where the walk starts: it has no path to lose. */
	for (size_t i = 1; !error && i < before->nr; i++)
		error = pmf_account_path(&ac, &before->v[i]);
	if (!error)
		error = pmf_account_unread_links(&ac);
	if (!error)
		error = pmf_account_unreached(&ac);
	if (!error)
		pmf_account_unnamed(&ac);
out:
	free(ac.lost_dir);
	free(ac.b_path);
	free(ac.b_ino);
	free(ac.a_path);
	free(ac.a_ino);
	free(ac.data_lost);
	free(ac.attr_lost);
	return error;
}
