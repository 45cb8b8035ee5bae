// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Copyright (c) 2026 The pmemfail authors.
 *
 * The inventory: every name of the directory tree, walked from the root as
 * far as it reads, with each inode's generation and link count.  It needs
 * none of the metadata a failure may have taken (no inobt, no rmapbt): a
 * directory names its entries, and an inode number says where the inode
 * is.  So it can be taken on a damaged filesystem before xfs_repair
 * rebuilds it, and the two trees compared afterwards (pmf_account.c).
 */
#include "pmf_priv.h"

struct pmf_inv_walk {
	struct pmf_fs		*fs;
	struct pmf_inv		*inv;
	const struct pmf_range	*ranges;
	size_t			nranges;
	size_t			dir;		/* index of the directory read */
	struct pmf_iset		read;		/* directories read so far */
};

int
pmf_inv_add(
	struct pmf_inv			*inv,
	const struct pmf_inv_entry	*e)
{
	int				error;

	error = pmf_grow((void **)&inv->v, &inv->cap, inv->nr + 1,
			sizeof(*inv->v));
	if (error)
		return error;
	inv->v[inv->nr] = *e;
	inv->v[inv->nr].path = strdup(e->path);
	if (!inv->v[inv->nr].path)
		return -ENOMEM;
	inv->nr++;
	return 0;
}

void
pmf_inv_free(
	struct pmf_inv		*inv)
{
	for (size_t i = 0; i < inv->nr; i++)
		free(inv->v[i].path);
	free(inv->v);
	memset(inv, 0, sizeof(*inv));
}

/* Does the inode @ino itself lie in one of the failed data ranges? */
static bool
pmf_inv_in_range(
	struct pmf_inv_walk	*iw,
	uint64_t		ino)
{
	struct xfs_mount	*mp = iw->fs->mp;
	uint64_t		start;

	start = BBTOB(XFS_FSB_TO_DADDR(mp, XFS_INO_TO_FSB(mp, ino))) +
		((uint64_t)XFS_INO_TO_OFFSET(mp, ino) << mp->m_sb.sb_inodelog);
	for (size_t i = 0; i < iw->nranges; i++) {
		const struct pmf_range *r = &iw->ranges[i];

		if (r->dev == PMF_DEV_DATA && start < r->offset + r->length &&
		    start + mp->m_sb.sb_inodesize > r->offset)
			return true;
	}
	return false;
}

/* Fill in what the inode says of itself: generation, links, readable. */
static void
pmf_inv_stat(
	struct pmf_inv_walk	*iw,
	struct pmf_inv_entry	*e)
{
	struct xfs_inode	*ip;

	if (pmf_inv_in_range(iw, e->ino))
		e->flags |= PMF_INV_IN_RANGE;
	if (libxfs_iget(iw->fs->mp, NULL, e->ino, 0, &ip)) {
		e->flags |= PMF_INV_UNREAD | PMF_INV_NOSTAT;
		return;
	}
	e->gen = VFS_I(ip)->i_generation;
	e->nlink = VFS_I(ip)->i_nlink;
	if (S_ISDIR(VFS_I(ip)->i_mode))
		e->flags |= PMF_INV_DIR;
	libxfs_irele(ip);
}

static int
pmf_inv_dirent(
	void			*priv,
	uint64_t		ino,
	const char		*name,
	size_t			namelen,
	bool			isdir)
{
	struct pmf_inv_walk	*iw = priv;
	const struct pmf_inv_entry *dir = &iw->inv->v[iw->dir];
	struct pmf_inv_entry	e = {
		.ino	= ino,
		.parent	= dir->ino,
		.flags	= isdir ? PMF_INV_DIR : 0,
	};
	bool			root = dir->path[1] == '\0';
	int			error;

	/* Below a detached directory, only the lost directory is known. */
	if (dir->flags & PMF_INV_DETACHED) {
		e.flags |= PMF_INV_DETACHED;
		e.path = strdup(dir->path);
	} else if (asprintf(&e.path, "%s/%.*s", root ? "" : dir->path,
			(int)namelen, name) < 0) {
		e.path = NULL;
	}
	if (!e.path)
		return -ENOMEM;
	pmf_inv_stat(iw, &e);
	error = pmf_inv_add(iw->inv, &e);
	free(e.path);
	return error;
}

/*
 * Inodes in use that a directory names, per the superblock: all but the
 * metadata inodes.  0 (unknown) with a metadata directory tree, whose
 * inodes the superblock does not list.
 */
static uint64_t
pmf_inv_inuse(
	struct xfs_mount	*mp)
{
	const struct xfs_sb	*sb = &mp->m_sb;
	const xfs_ino_t		meta[] = {
		sb->sb_rbmino, sb->sb_rsumino, sb->sb_uquotino,
		sb->sb_gquotino, sb->sb_pquotino,
	};
	uint64_t		n;

	if (xfs_has_metadir(mp) || sb->sb_ifree > sb->sb_icount)
		return 0;
	n = sb->sb_icount - sb->sb_ifree;
	for (size_t i = 0; i < sizeof(meta) / sizeof(meta[0]); i++)
		if (meta[i] != NULLFSINO && meta[i] != 0 && n > 0)
			n--;
	return n;
}

/* Read every directory of @inv from entry @from on; the list is the queue. */
static int
pmf_inv_walk(
	struct pmf_inv_walk	*iw,
	size_t			from,
	size_t			*nread)
{
	struct pmf_fs		*fs = iw->fs;
	struct pmf_inv		*inv = iw->inv;
	bool			added;
	int			error = 0;

	for (size_t i = from; !error && i < inv->nr; i++) {
		if ((inv->v[i].flags & (PMF_INV_DIR | PMF_INV_UNREAD)) !=
		    PMF_INV_DIR)
			continue;
		/*
		 * A directory linked twice is corrupt: its entries are listed
		 * under its first path only.  Read again, a directory that
		 * names itself would list itself again one level deeper,
		 * each path longer than the last.
		 */
		error = pmf_iset_add(&iw->read, inv->v[i].ino, &added);
		if (error || !added)
			continue;
		if (++*nread > fs->geo.icount + 1)
			return pmf_seterr(fs, -EFSCORRUPTED,
				"directory tree has more directories than inodes (cycle?)");
		iw->dir = i;
		error = fs->ops->readdir(fs, inv->v[i].ino, pmf_inv_dirent, iw);
		/* What was read of it stays: the rest is what it lacks. */
		if (error && error != -ENOMEM) {
			inv->v[i].flags |= PMF_INV_UNREAD;
			error = 0;
		}
	}
	return error;
}

/* The directories the walk did not reach, from the inode scan. */
struct pmf_inv_scan {
	struct pmf_inv_walk	*iw;
	uint64_t		*known;		/* sorted inodes of the walk */
	size_t			nknown;
	uint64_t		*dirs;		/* directories (and, with parent
						   pointers, files) it missed */
	size_t			ndirs;
	size_t			cap;
};

static int
pmf_inv_scan_fn(
	struct xfs_btree_cur		*cur,
	const union xfs_btree_rec	*rec,
	void				*priv)
{
	struct pmf_inv_scan		*sc = priv;
	struct xfs_mount		*mp = cur->bc_mp;
	struct xfs_inobt_rec_incore	irec;
	xfs_agnumber_t			agno = pag_agno(to_perag(cur->bc_group));

	xfs_inobt_btrec_to_irec(mp, rec, &irec);
	for (unsigned int i = 0; i < XFS_INODES_PER_CHUNK; i++) {
		uint64_t		ino;
		struct xfs_inode	*ip;
		bool			isdir, keep;
		int			error;

		if ((irec.ir_holemask & (1U << (i / XFS_INODES_PER_HOLEMASK_BIT))) ||
		    (irec.ir_free & XFS_INOBT_MASK(i)))
			continue;
		ino = XFS_AGINO_TO_INO(mp, agno, irec.ir_startino + i);
		if (pmf_u64_find(sc->known, sc->nknown, ino) ||
		    libxfs_iget(mp, NULL, ino, 0, &ip))
			continue;
		isdir = S_ISDIR(VFS_I(ip)->i_mode);
		/* Files too, where their parent pointers can name them. */
		keep = !xfs_is_metadir_inode(ip) && VFS_I(ip)->i_nlink &&
		       (isdir || sc->iw->fs->has_parent);
		libxfs_irele(ip);
		if (!keep)
			continue;
		error = pmf_grow((void **)&sc->dirs, &sc->cap, sc->ndirs + 1,
				sizeof(*sc->dirs));
		if (error)
			return error;
		sc->dirs[sc->ndirs++] = ino;
	}
	return 0;
}

/* Scan the inode btrees that read; an AG whose AGI does not is skipped. */
static int
pmf_inv_scan_ags(
	struct pmf_inv_scan	*sc)
{
	struct xfs_mount	*mp = sc->iw->fs->mp;
	struct xfs_perag	*pag = NULL;
	int			error = 0;

	while (!error && (pag = xfs_perag_next(mp, pag))) {
		struct xfs_btree_cur	*cur;
		struct xfs_buf		*agibp;

		if (libxfs_ialloc_read_agi(pag, NULL, 0, &agibp))
			continue;
		cur = libxfs_inobt_init_cursor(pag, NULL, agibp);
		error = xfs_btree_query_all(cur, pmf_inv_scan_fn, sc);
		libxfs_btree_del_cursor(cur, error ? XFS_BTREE_ERROR :
				XFS_BTREE_NOERROR);
		libxfs_buf_relse(agibp);
		/* A damaged inobt costs its AG, not the inventory. */
		if (error && error != -ENOMEM)
			error = 0;
	}
	if (pag)
		xfs_perag_rele(pag);
	return error;
}

/* The ".." of directory @ino, or 0. */
static uint64_t
pmf_inv_dotdot(
	struct xfs_mount	*mp,
	uint64_t		ino)
{
	struct xfs_inode	*dp;
	xfs_ino_t		parent = 0;

	if (libxfs_iget(mp, NULL, ino, 0, &dp))
		return 0;
	if (!S_ISDIR(VFS_I(dp)->i_mode) ||
	    libxfs_dir_lookup(NULL, dp, &xfs_name_dotdot, &parent, NULL))
		parent = 0;
	libxfs_irele(dp);
	return parent;
}

/* The entry of directory @ino in @inv, or -1. */
static ssize_t
pmf_inv_find_dir(
	const struct pmf_inv	*inv,
	uint64_t		ino)
{
	for (size_t i = 0; i < inv->nr; i++)
		if (inv->v[i].ino == ino && (inv->v[i].flags & PMF_INV_DIR))
			return i;
	return -1;
}

/* Placing a missed inode by its parent pointers. */
struct pmf_inv_pptr {
	struct pmf_inv_walk	*iw;
	uint64_t		ino;
	unsigned int		placed;
};

static int
pmf_inv_pptr_fn(
	void			*priv,
	uint64_t		parent,
	uint32_t		gen,
	const char		*name,
	size_t			namelen)
{
	struct pmf_inv_pptr	*pp = priv;
	struct pmf_inv		*inv = pp->iw->inv;
	ssize_t			d = pmf_inv_find_dir(inv, parent);
	struct pmf_inv_entry	e = { .ino = pp->ino, .parent = parent };
	const struct pmf_inv_entry *dir;
	int			error;

	/*
	 * Only a directory that did not read: the walk reads the others,
	 * and a name it reads must not come twice.
	 */
	if (d < 0 || !(inv->v[d].flags & PMF_INV_UNREAD) ||
	    (inv->v[d].gen && inv->v[d].gen != gen))
		return 0;
	dir = &inv->v[d];
	if (dir->flags & PMF_INV_DETACHED) {
		e.flags |= PMF_INV_DETACHED;
		e.path = strdup(dir->path);
	} else if (asprintf(&e.path, "%s/%.*s", dir->path[1] ? dir->path : "",
			(int)namelen, name) < 0) {
		e.path = NULL;
	}
	if (!e.path)
		return -ENOMEM;
	pmf_inv_stat(pp->iw, &e);
	error = pmf_inv_add(inv, &e);
	free(e.path);
	pp->placed++;
	return error;
}

/*
 * With parent pointers, a missed inode names its own directories and
 * names: place every one whose parent is known, as often as placing one
 * makes another's parent known.  What is placed is taken off @dirs.
 */
static int
pmf_inv_by_pptr(
	struct pmf_inv_walk	*iw,
	uint64_t		*dirs,
	size_t			*ndirs)
{
	struct pmf_fs		*fs = iw->fs;
	bool			progress = true;
	int			error = 0;

	while (!error && progress && fs->has_parent) {
		progress = false;
		for (size_t d = 0; !error && d < *ndirs;) {
			struct pmf_inv_pptr	pp = { .iw = iw, .ino = dirs[d] };
			uint32_t		gen;

			error = fs->ops->pptr_list(fs, dirs[d], &gen,
					pmf_inv_pptr_fn, &pp);
			if (error && error != -ENOMEM)
				error = 0;
			if (!pp.placed) {
				d++;
				continue;
			}
			dirs[d] = dirs[--*ndirs];
			progress = true;
		}
	}
	return error;
}

/*
 * Directories below one that did not read: the inode scan finds those the
 * walk missed, and each whose ".." is a directory that did not read is
 * walked in turn, under that directory's path.  Its own name died with
 * the directory that did not read; the names below it are known.
 */
static int
pmf_inv_detached(
	struct pmf_inv_walk	*iw,
	size_t			*nread)
{
	struct pmf_inv		*inv = iw->inv;
	struct pmf_inv_scan	sc = { .iw = iw };
	uint64_t		*lost = NULL;
	size_t			nlost = 0, cap = 0, from = inv->nr;
	int			error = 0;

	sc.known = calloc(inv->nr + 1, sizeof(*sc.known));
	if (!sc.known)
		return -ENOMEM;
	for (size_t i = 0; !error && i < inv->nr; i++) {
		sc.known[sc.nknown++] = inv->v[i].ino;
		if ((inv->v[i].flags & (PMF_INV_DIR | PMF_INV_UNREAD)) !=
		    (PMF_INV_DIR | PMF_INV_UNREAD))
			continue;
		error = pmf_grow((void **)&lost, &cap, nlost + 1, sizeof(*lost));
		if (!error)
			lost[nlost++] = i;
	}
	if (!nlost)
		goto out;
	qsort(sc.known, sc.nknown, sizeof(*sc.known), pmf_u64_cmp);
	if (!error)
		error = pmf_inv_scan_ags(&sc);
	if (!error)
		error = pmf_inv_by_pptr(iw, sc.dirs, &sc.ndirs);
	for (size_t d = 0; !error && d < sc.ndirs; d++) {
		uint64_t		parent = pmf_inv_dotdot(iw->fs->mp, sc.dirs[d]);

		for (size_t l = 0; !error && parent && l < nlost; l++) {
			struct pmf_inv_entry	e = {
				.ino	= sc.dirs[d],
				.parent	= parent,
				.flags	= PMF_INV_DIR | PMF_INV_DETACHED,
			};

			if (inv->v[lost[l]].ino != parent)
				continue;
			/* The root's path is "/" already. */
			if (asprintf(&e.path, "%s%s", inv->v[lost[l]].path,
					lost[l] ? "/" : "") < 0) {
				error = -ENOMEM;
				break;
			}
			pmf_inv_stat(iw, &e);
			error = pmf_inv_add(inv, &e);
			free(e.path);
			break;
		}
	}
	if (!error)
		error = pmf_inv_walk(iw, from, nread);
out:
	free(lost);
	free(sc.known);
	free(sc.dirs);
	return error;
}

/*
 * Breadth-first from the root.  A directory that does not read is marked,
 * and what is below it found by the inode scan where the inobt reads.
 */
int
pmf_inventory_take(
	struct pmf_fs		*fs,
	const struct pmf_range	*ranges,
	size_t			nranges,
	struct pmf_inv		*inv)
{
	struct pmf_inv_walk	iw = {
		.fs = fs, .inv = inv, .ranges = ranges, .nranges = nranges,
	};
	struct pmf_inv_entry	root = {
		.ino	= fs->rootino,
		.parent	= fs->rootino,
		.path	= "/",
		.flags	= PMF_INV_DIR,
	};
	size_t			nread = 0;
	int			error;

	if (!fs->mp)
		return pmf_seterr(fs, -EOPNOTSUPP,
				"the inventory reads an unmounted filesystem");
	inv->inuse = pmf_inv_inuse(fs->mp);
	pmf_inv_stat(&iw, &root);
	error = pmf_inv_add(inv, &root);
	if (!error)
		error = pmf_inv_walk(&iw, 0, &nread);
	if (!error)
		error = pmf_inv_detached(&iw, &nread);
	free(iw.read.slot);
	return error;
}
