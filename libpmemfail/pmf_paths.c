// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Copyright (c) 2026 The pmemfail authors.
 *
 * Paths of the inodes a query names, every hard link of each.  With parent
 * pointers, each inode names its links and each directory its parent, so
 * the cost follows the affected inodes and their ancestors.  Without them,
 * one walk of the directory tree per query keeps every directory (to climb
 * to the root) and only the entries of the inodes asked about, so memory
 * follows the number of directories and affected inodes, not of files.
 */
#include "pmf_priv.h"
#include "xfs_dir2_priv.h"

/* Deeper than this is a directory cycle in a corrupt filesystem. */
#define PMF_MAX_DEPTH		4096

struct pmf_dent {
	uint64_t	ino;		/* the entry's inode */
	uint64_t	parent;		/* the directory holding it */
	char		*name;
	/* Parent pointers name the parent's generation, to catch reuse. */
	bool		checkgen;
	uint32_t	pgen;		/* generation the pointer expects */
	uint32_t	gen;		/* a directory's own generation */
};

/*
 * Names, packed into blocks freed with the cache: a malloc per name cost
 * malloc's own header and rounding per name, a quarter of the directory
 * index without parent pointers (1M files: 105 MB, 79 MB packed).  A
 * block and its header fit a page, so a cache per batch stays small.
 */
#define PMF_NAMEBLK	4064
struct pmf_nameblk {
	struct pmf_nameblk *next;
	char		buf[];
};

struct pmf_pathcache {
	struct pmf_nameblk *names;	/* newest first */
	size_t		nused;		/* bytes used of the newest */
	size_t		nsize;		/* its size */
	/* Directories, in walk order, then sorted by ino for lookups. */
	struct pmf_dent	*dirs;
	size_t		ndirs;
	size_t		dcap;
	/* Links of the inodes asked about, sorted by ino. */
	struct pmf_dent	*links;
	size_t		nlinks;
	size_t		lcap;
	const uint64_t	*targets;	/* sorted, only during the walk */
	size_t		ntargets;
	size_t		bad_dirs;	/* directories that could not be read */
	/*
	 * Path arrays handed out by pmf_paths_get() until pmf_paths_put():
	 * a path is built when it is asked for, so that only the entries
	 * are kept, never a string per path of the whole range.
	 */
	char		***lent;
	size_t		nlent;
	size_t		lentcap;
};

/* A copy of @name, NUL-terminated, in the cache's name blocks. */
static char *
pmf_name_keep(
	struct pmf_pathcache	*pc,
	const char		*name,
	size_t			namelen)
{
	char			*p;

	if (!pc->names || pc->nused + namelen + 1 > pc->nsize) {
		size_t			size = namelen + 1 > PMF_NAMEBLK ?
						namelen + 1 : PMF_NAMEBLK;
		struct pmf_nameblk	*b = malloc(sizeof(*b) + size);

		if (!b)
			return NULL;
		b->next = pc->names;
		pc->names = b;
		pc->nused = 0;
		pc->nsize = size;
	}
	p = pc->names->buf + pc->nused;
	memcpy(p, name, namelen);
	p[namelen] = '\0';
	pc->nused += namelen + 1;
	return p;
}

/* A directory entry for @dir (pc->dirs) or a link of a target (pc->links). */
static int
pmf_dent_push(
	struct pmf_pathcache	*pc,
	bool			dir,
	uint64_t		ino,
	uint64_t		parent,
	const char		*name,
	size_t			namelen)
{
	struct pmf_dent		**arr = dir ? &pc->dirs : &pc->links;
	size_t			*nr = dir ? &pc->ndirs : &pc->nlinks;
	size_t			*cap = dir ? &pc->dcap : &pc->lcap;
	int			error;

	error = pmf_grow((void **)arr, cap, *nr + 1, sizeof(**arr));
	if (error)
		return error;
	(*arr)[*nr].name = pmf_name_keep(pc, name, namelen);
	if (!(*arr)[*nr].name)
		return -ENOMEM;
	(*arr)[*nr].ino = ino;
	(*arr)[*nr].parent = parent;
	(*arr)[*nr].checkgen = false;
	(*arr)[*nr].pgen = 0;
	(*arr)[*nr].gen = 0;
	(*nr)++;
	return 0;
}

static int
pmf_dent_cmp(
	const void	*a,
	const void	*b)
{
	const struct pmf_dent *x = a, *y = b;

	return x->ino < y->ino ? -1 : x->ino > y->ino;
}

/*
 * Sort entries by inode.  Parent pointers give the links in the order of
 * the sorted targets already: only check that.  (Equal keys may come in
 * any order: a file's links are its own, whichever comes first.)
 */
static void
pmf_dents_sort(
	struct pmf_dent	*d,
	size_t		nr)
{
	for (size_t i = 1; i < nr; i++) {
		if (d[i - 1].ino > d[i].ino) {
			qsort(d, nr, sizeof(*d), pmf_dent_cmp);
			return;
		}
	}
}

static bool
pmf_is_target(
	const struct pmf_pathcache *pc,
	uint64_t	ino)
{
	return pmf_u64_find(pc->targets, pc->ntargets, ino);
}

/* Reading one directory offline. */
struct pmf_dirwalk {
	struct pmf_fs	*fs;
	pmf_dirent_fn	fn;
	void		*priv;
};

/* Is @ino a directory, when the entry has no file type? */
static bool
pmf_ino_is_dir(
	struct xfs_mount *mp,
	uint64_t	ino)
{
	struct xfs_inode *ip;
	bool		isdir;

	if (libxfs_iget(mp, NULL, ino, 0, &ip))
		return false;
	isdir = S_ISDIR(VFS_I(ip)->i_mode);
	libxfs_irele(ip);
	return isdir;
}

static int
pmf_dirent(
	struct pmf_dirwalk *dw,
	uint64_t	ino,
	const char	*name,
	size_t		namelen,
	uint8_t		ftype)
{
	struct xfs_mount *mp = dw->fs->mp;
	bool		isdir;

	if ((namelen == 1 && name[0] == '.') ||
	    (namelen == 2 && name[0] == '.' && name[1] == '.'))
		return 0;
	if (xfs_has_ftype(mp))
		isdir = ftype == XFS_DIR3_FT_DIR;
	else
		isdir = pmf_ino_is_dir(mp, ino);
	return dw->fn(dw->priv, ino, name, namelen, isdir);
}

static int
pmf_readdir_sf(
	struct pmf_dirwalk	*dw,
	struct xfs_inode	*dp)
{
	struct xfs_mount	*mp = dp->i_mount;
	struct xfs_dir2_sf_hdr	*sfp = dp->i_df.if_data;
	struct xfs_dir2_sf_entry *sfep;
	char			*end = (char *)sfp + dp->i_df.if_bytes;
	int			error;

	sfep = xfs_dir2_sf_firstentry(sfp);
	for (unsigned int i = 0; i < sfp->count; i++) {
		if ((char *)sfep + sizeof(*sfep) > end ||
		    (char *)sfep->name + sfep->namelen > end)
			return -EFSCORRUPTED;
		error = pmf_dirent(dw, libxfs_dir2_sf_get_ino(mp, sfp, sfep),
				(char *)sfep->name, sfep->namelen,
				libxfs_dir2_sf_get_ftype(mp, sfep));
		if (error)
			return error;
		sfep = libxfs_dir2_sf_nextentry(mp, sfp, sfep);
	}
	return 0;
}

/* Visit the entries of one directory data block in [start, end). */
static int
pmf_readdir_block(
	struct pmf_dirwalk	*dw,
	struct xfs_buf		*bp,
	unsigned int		start,
	unsigned int		end)
{
	struct xfs_mount	*mp = dw->fs->mp;
	unsigned int		offset = start;
	int			error;

	while (offset < end) {
		struct xfs_dir2_data_unused *dup = bp->b_addr + offset;
		struct xfs_dir2_data_entry *dep = bp->b_addr + offset;
		unsigned int		len;

		if (be16_to_cpu(dup->freetag) == XFS_DIR2_DATA_FREE_TAG) {
			len = be16_to_cpu(dup->length);
			if (len == 0 || offset + len > end)
				return -EFSCORRUPTED;
			offset += len;
			continue;
		}
		len = libxfs_dir2_data_entsize(mp, dep->namelen);
		if (dep->namelen == 0 || offset + len > end)
			return -EFSCORRUPTED;
		error = pmf_dirent(dw, be64_to_cpu(dep->inumber),
				(char *)dep->name, dep->namelen,
				libxfs_dir2_data_get_ftype(mp, dep));
		if (error)
			return error;
		offset += len;
	}
	return 0;
}

static int
pmf_readdir_blockfmt(
	struct pmf_dirwalk	*dw,
	struct xfs_inode	*dp)
{
	struct xfs_da_geometry	*geo = dp->i_mount->m_dir_geo;
	struct xfs_buf		*bp;
	int			error;

	error = xfs_dir3_block_read(NULL, dp, dp->i_ino, &bp);
	if (error)
		return error;
	error = pmf_readdir_block(dw, bp, geo->data_entry_offset,
			xfs_dir3_data_end_offset(geo, bp->b_addr));
	libxfs_buf_relse(bp);
	return error;
}

/* Leaf and node directories: every data block below the leaf offset. */
static int
pmf_readdir_leaf(
	struct pmf_dirwalk	*dw,
	struct xfs_inode	*dp)
{
	struct xfs_da_geometry	*geo = dp->i_mount->m_dir_geo;
	struct xfs_ifork	*ifp = xfs_ifork_ptr(dp, XFS_DATA_FORK);
	struct xfs_iext_cursor	icur;
	struct xfs_bmbt_irec	map;
	xfs_dablk_t		dabno = 0;
	int			error;

	error = libxfs_iread_extents(NULL, dp, XFS_DATA_FORK);
	if (error)
		return error;
	while (dabno < geo->leafblk) {
		struct xfs_buf	*bp;

		if (!libxfs_iext_lookup_extent(dp, ifp, dabno, &icur, &map) ||
		    map.br_startoff >= geo->leafblk)
			break;
		/* Directory blocks are geo->fsbcount blocks each. */
		if (dabno < map.br_startoff)
			dabno = map.br_startoff;
		dabno = roundup_64(dabno, geo->fsbcount);
		if (dabno >= map.br_startoff + map.br_blockcount)
			continue;
		error = xfs_dir3_data_read(NULL, dp, dp->i_ino, dabno, 0, &bp);
		if (error)
			return error;
		error = pmf_readdir_block(dw, bp, geo->data_entry_offset,
				geo->blksize);
		libxfs_buf_relse(bp);
		if (error)
			return error;
		dabno += geo->fsbcount;
	}
	return 0;
}

/* The offline backend's readdir: the directory read through libxfs. */
int
pmf_offline_readdir(
	struct pmf_fs		*fs,
	uint64_t		dir,
	pmf_dirent_fn		fn,
	void			*priv)
{
	struct pmf_dirwalk	dw = { .fs = fs, .fn = fn, .priv = priv };
	struct xfs_inode	*dp;
	struct xfs_da_args	args = { .owner = dir };
	int			error;

	args.geo = fs->mp->m_dir_geo;
	error = libxfs_iget(fs->mp, NULL, dir, 0, &dp);
	if (error)
		return error;
	if (!S_ISDIR(VFS_I(dp)->i_mode)) {
		libxfs_irele(dp);
		return 0;
	}
	args.dp = dp;
	switch (libxfs_dir2_format(&args, &error)) {
	case XFS_DIR2_FMT_SF:
		error = pmf_readdir_sf(&dw, dp);
		break;
	case XFS_DIR2_FMT_BLOCK:
		error = pmf_readdir_blockfmt(&dw, dp);
		break;
	case XFS_DIR2_FMT_LEAF:
	case XFS_DIR2_FMT_NODE:
		error = pmf_readdir_leaf(&dw, dp);
		break;
	default:
		/* xfs_dir2_format() left its (negative) error in @error. */
		break;
	}
	libxfs_irele(dp);
	return error;
}

/* The resolver visits each entry of a directory through this. */
typedef int (*pmf_visit_fn)(struct pmf_fs *fs, uint64_t dir, uint64_t ino,
		const char *name, size_t namelen, bool isdir);

struct pmf_dirvisit {
	struct pmf_fs	*fs;
	uint64_t	dir;
	pmf_visit_fn	fn;
};

static int
pmf_visit_dirent(
	void		*priv,
	uint64_t	ino,
	const char	*name,
	size_t		namelen,
	bool		isdir)
{
	struct pmf_dirvisit *dv = priv;

	return dv->fn(dv->fs, dv->dir, ino, name, namelen, isdir);
}

static int
pmf_readdir(
	struct pmf_fs		*fs,
	uint64_t		dir,
	pmf_visit_fn		fn)
{
	struct pmf_dirvisit	dv = { .fs = fs, .dir = dir, .fn = fn };

	return fs->ops->readdir(fs, dir, pmf_visit_dirent, &dv);
}

static int
pmf_walk_entry(
	struct pmf_fs	*fs,
	uint64_t	dir,
	uint64_t	ino,
	const char	*name,
	size_t		namelen,
	bool		isdir)
{
	struct pmf_pathcache *pc = fs->paths;
	int		error;

	/*
	 * An entry naming its own directory is corrupt and names nothing
	 * new.  Kept, it would be the directory's second parent, and the
	 * lookup of a parent could take it and climb in place.
	 */
	if (ino == dir)
		return 0;
	if (isdir) {
		error = pmf_dent_push(pc, true, ino,
				dir, name, namelen);
		if (error)
			return error;
	}
	if (pmf_is_target(pc, ino))
		return pmf_dent_push(pc, false, ino,
				dir, name, namelen);
	return 0;
}

/*
 * Breadth-first over the tree: the directory list doubles as the queue.
 * A directory seen twice means a corrupt tree; it is read once only, or a
 * directory naming itself would be queued again each time it is read.
 */
static int
pmf_walk_tree(
	struct pmf_fs	*fs)
{
	struct pmf_pathcache *pc = fs->paths;
	struct pmf_iset	read = { 0 };
	uint64_t	root = fs->rootino;
	bool		added;
	int		error;

	error = pmf_dent_push(pc, true, root, root,
			"", 0);
	if (error)
		return error;
	for (size_t i = 0; i < pc->ndirs; i++) {
		error = pmf_iset_add(&read, pc->dirs[i].ino, &added);
		if (error)
			break;
		if (!added)
			continue;
		/*
		 * A damaged directory must not cost the paths of everything
		 * else: skip it, and let callers know paths may be missing.
		 * Running out of memory is another matter.
		 */
		error = pmf_readdir(fs, pc->dirs[i].ino, pmf_walk_entry);
		if (error == -ENOMEM)
			break;
		if (error)
			pc->bad_dirs++;
		error = 0;
		if (pc->ndirs > fs->geo.icount + 1) {
			error = pmf_seterr(fs, -EFSCORRUPTED,
				"directory tree has more directories than inodes (cycle?)");
			break;
		}
	}
	free(read.slot);
	return error;
}

static const struct pmf_dent *
pmf_find_dir(
	const struct pmf_pathcache *pc,
	uint64_t	ino)
{
	struct pmf_dent	key = { .ino = ino };

	/* bsearch() and qsort() may not be handed a NULL array, even empty. */
	if (!pc->ndirs)
		return NULL;
	return bsearch(&key, pc->dirs, pc->ndirs, sizeof(key), pmf_dent_cmp);
}

/* Build "/a/b/name" for a link by climbing the directory entries. */
static char *
pmf_build_path(
	const struct pmf_fs	*fs,
	const struct pmf_pathcache *pc,
	const struct pmf_dent	*link)
{
	const struct pmf_dent *chain[PMF_MAX_DEPTH];
	uint64_t	root = fs->rootino;
	size_t		depth = 0, len = 1;
	char		*path, *p;

	chain[depth++] = link;
	for (uint64_t dir = link->parent; dir != root;) {
		const struct pmf_dent *d = pmf_find_dir(pc, dir);

		if (!d || depth == PMF_MAX_DEPTH)
			return NULL;
		/* A parent pointer to a reused inode number is stale. */
		if (chain[depth - 1]->checkgen &&
		    chain[depth - 1]->pgen != d->gen)
			return NULL;
		chain[depth++] = d;
		dir = d->parent;
	}
	for (size_t i = 0; i < depth; i++)
		len += strlen(chain[i]->name) + 1;
	path = malloc(len);
	if (!path)
		return NULL;
	p = path;
	for (size_t i = depth; i-- > 0;) {
		size_t	n = strlen(chain[i]->name);

		*p++ = '/';
		memcpy(p, chain[i]->name, n);
		p += n;
	}
	*p = '\0';
	return path;
}

static void
pmf_names_free(
	struct pmf_pathcache	*pc)
{
	while (pc->names) {
		struct pmf_nameblk	*b = pc->names;

		pc->names = b->next;
		free(b);
	}
}

/*
 * Empty the cache for the next batch, keeping its arrays and one block of
 * names: a whole-device query resolves a batch after another, and giving
 * the memory back each time cost more than the lookups (page faults, and
 * the TLB flushes of every heap trim).
 */
static void
pmf_paths_reset(
	struct pmf_pathcache	*pc)
{
	struct pmf_nameblk	*keep = NULL;

	/* The newest block may be a long name's own: keep a standard one. */
	for (struct pmf_nameblk *b = pc->names, *next; b; b = next) {
		next = b->next;
		if (!keep && b == pc->names && pc->nsize == PMF_NAMEBLK) {
			keep = b;
			continue;
		}
		free(b);
	}
	pc->names = keep;
	if (keep)
		keep->next = NULL;
	pc->nused = 0;
	pc->nsize = keep ? PMF_NAMEBLK : 0;
	pc->ndirs = pc->nlinks = 0;
	pc->bad_dirs = 0;
}

void
pmf_paths_free(
	struct pmf_pathcache	*pc)
{
	if (!pc)
		return;
	pmf_paths_put(pc);
	free(pc->lent);
	free(pc->dirs);
	free(pc->links);
	pmf_names_free(pc);
	free(pc);
}

struct pmf_pptr_walk {
	struct pmf_fs	*fs;
	uint64_t	child;
	bool		isdir;		/* @child is a directory */
	uint64_t	*queue;		/* directories still to climb from */
	size_t		nq;
	size_t		qcap;
	struct pmf_iset	seen;
};

static int
pmf_pptr_queue(
	struct pmf_pptr_walk	*pw,
	uint64_t		dir)
{
	bool			added;
	int			error;

	if (dir == pw->fs->rootino)
		return 0;
	error = pmf_iset_add(&pw->seen, dir, &added);
	if (error || !added)
		return error;
	error = pmf_grow((void **)&pw->queue, &pw->qcap, pw->nq + 1,
			sizeof(*pw->queue));
	if (error)
		return error;
	pw->queue[pw->nq++] = dir;
	return 0;
}

/* One parent pointer of pw->child: a link, or a directory's one parent. */
static int
pmf_pptr_found(
	void			*priv,
	uint64_t		parent,
	uint32_t		gen,
	const char		*name,
	size_t			namelen)
{
	struct pmf_pptr_walk	*pw = priv;
	struct pmf_pathcache	*pc = pw->fs->paths;
	struct pmf_dent		*d;
	int			error;

	if (pw->isdir)
		error = pmf_dent_push(pc, true,
				pw->child, parent, name, namelen);
	else
		error = pmf_dent_push(pc, false,
				pw->child, parent, name, namelen);
	if (error)
		return error;
	d = pw->isdir ? &pc->dirs[pc->ndirs - 1] : &pc->links[pc->nlinks - 1];
	d->checkgen = true;
	d->pgen = gen;
	return pmf_pptr_queue(pw, parent);
}

/*
 * Read the parent pointers of @child.  An inode whose pointers can't be
 * read costs only its own paths: count it, like an unreadable directory.
 */
static int
pmf_pptr_visit(
	struct pmf_pptr_walk	*pw,
	uint64_t		child,
	bool			isdir,
	uint32_t		*gen)
{
	int			error;

	pw->child = child;
	pw->isdir = isdir;
	error = pw->fs->ops->pptr_list(pw->fs, child, gen, pmf_pptr_found, pw);
	if (error && error != -ENOMEM) {
		pw->fs->paths->bad_dirs++;
		return -ENOENT;
	}
	return error;
}

/*
 * Climb from the asked-for inodes to the root by parent pointers.  A
 * directory's entry carries its own generation, so that build_path can
 * hold each pointer to it to the generation it names.  *@unread counts the
 * asked-for inodes whose pointers could not be read.
 */
static int
pmf_pptr_resolve(
	struct pmf_fs		*fs,
	size_t			*unread)
{
	struct pmf_pathcache	*pc = fs->paths;
	struct pmf_pptr_walk	pw = { .fs = fs };
	uint64_t		root = fs->rootino;
	uint32_t		gen;
	int			error = 0;

	*unread = 0;
	for (size_t i = 0; i < pc->ntargets && error != -ENOMEM; i++) {
		if (pc->targets[i] == root)
			continue;
		error = pmf_pptr_visit(&pw, pc->targets[i], false, &gen);
		*unread += error == -ENOENT;
	}
	/* Each directory has one parent pointer, to its one parent. */
	for (size_t i = 0; i < pw.nq && error != -ENOMEM; i++) {
		size_t		first = pc->ndirs;

		error = pmf_pptr_visit(&pw, pw.queue[i], true, &gen);
		for (size_t j = first; !error && j < pc->ndirs; j++)
			pc->dirs[j].gen = gen;
	}
	free(pw.queue);
	free(pw.seen.slot);
	return error == -ENOMEM ? error : 0;
}

/* Find every path of the sorted inodes @inos. */
int
pmf_paths_resolve(
	struct pmf_fs	*fs,
	const uint64_t	*inos,
	size_t		nr)
{
	struct pmf_pathcache *pc;
	int		error;

	pc = fs->paths;
	if (pc) {
		pmf_paths_put(pc);
		pmf_paths_reset(pc);
	} else {
		pc = calloc(1, sizeof(*pc));
		if (!pc)
			return -ENOMEM;
		fs->paths = pc;
	}
	if (nr == 0)
		return 0;
	pc->targets = inos;
	pc->ntargets = nr;
	/*
	 * Parent pointers cost a few reads per affected inode, the walk a
	 * read of every directory: past an eighth of the inodes, walk.
	 */
	if (fs->has_parent && nr <= fs->geo.icount / 8) {
		size_t	unread;

		error = pmf_pptr_resolve(fs, &unread);
		/*
		 * Parent pointers live in the inode: one that cannot be read
		 * (its own block is what failed) has none to give, but the
		 * directories naming it still can.  Walk them instead.
		 */
		if (!error && unread) {
			pmf_paths_reset(pc);
			error = pmf_walk_tree(fs);
		}
	} else {
		error = pmf_walk_tree(fs);
	}
	/* The root is in no directory; its one path is "/". */
	if (!error && pmf_is_target(pc, fs->rootino))
		error = pmf_dent_push(pc, false,
				fs->rootino, fs->rootino, "", 0);
	pc->targets = NULL;
	pc->ntargets = 0;
	if (error)
		return error;
	pmf_dents_sort(pc->dirs, pc->ndirs);
	pmf_dents_sort(pc->links, pc->nlinks);
	return 0;
}

/* Were all directories readable, so that a missing path means unlinked? */
bool
pmf_paths_complete(
	const struct pmf_pathcache *pc)
{
	return pc && pc->bad_dirs == 0;
}

/* The first link of @ino in the sorted links, or pc->nlinks. */
static size_t
pmf_first_link(
	const struct pmf_pathcache *pc,
	uint64_t		ino)
{
	size_t			lo = 0, hi = pc->nlinks;

	while (lo < hi) {
		size_t	mid = (lo + hi) / 2;

		if (pc->links[mid].ino < ino)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * Every path of @ino in @pc, the cache a resolve filled, valid until
 * pmf_paths_put().  A link whose directory isn't reachable has no path.
 */
int
pmf_paths_get(
	const struct pmf_fs	*fs,
	struct pmf_pathcache	*pc,
	uint64_t		ino,
	const char * const	**paths,
	unsigned int		*npaths)
{
	size_t			i, j;
	char			**arr;
	int			error;

	*paths = NULL;
	*npaths = 0;
	if (!pc)
		return 0;
	i = pmf_first_link(pc, ino);
	for (j = i; j < pc->nlinks && pc->links[j].ino == ino; j++)
		;
	if (i == j)
		return 0;
	error = pmf_grow((void **)&pc->lent, &pc->lentcap, pc->nlent + 1,
			sizeof(*pc->lent));
	if (error)
		return error;
	arr = calloc(j - i + 1, sizeof(*arr));
	if (!arr)
		return -ENOMEM;
	pc->lent[pc->nlent++] = arr;
	for (; i < j; i++) {
		char	*path = pmf_build_path(fs, pc, &pc->links[i]);

		if (path)
			arr[(*npaths)++] = path;
	}
	*paths = (const char * const *)arr;
	return 0;
}

/* Free the paths pmf_paths_get() handed out. */
void
pmf_paths_put(
	struct pmf_pathcache	*pc)
{
	if (!pc)
		return;
	for (size_t i = 0; i < pc->nlent; i++) {
		for (char **p = pc->lent[i]; *p; p++)
			free(*p);
		free(pc->lent[i]);
	}
	pc->nlent = 0;
}
