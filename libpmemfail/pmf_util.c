// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Copyright (c) 2026 The pmemfail authors.
 *
 * Helpers every part of the library uses: the error message, growing
 * arrays, progress reports, the best-effort policy, and how far the buffer
 * cache is trusted.  This file calls nothing else of the library, so that
 * everything can call it.
 */
#include <stdarg.h>
#include "pmf_priv.h"

int
pmf_seterr(
	struct pmf_fs	*fs,
	int		error,
	const char	*fmt,
	...)
{
	va_list		ap;

	va_start(ap, fmt);
	vsnprintf(fs->errmsg, sizeof(fs->errmsg), fmt, ap);
	va_end(ap);
	return error;
}

const char *
pmf_errmsg(
	const struct pmf_fs	*fs)
{
	return fs->errmsg;
}

void
pmf_set_progress(
	struct pmf_fs	*fs,
	pmf_progress_fn	fn,
	void		*priv)
{
	fs->progress = fn;
	fs->progress_priv = priv;
}

void
pmf_progress(
	struct pmf_fs	*fs,
	uint64_t	done,
	uint64_t	total)
{
	if (fs->progress)
		fs->progress(done, total > done ? total : done, fs->progress_priv);
}

void
pmf_progress_done(
	struct pmf_fs	*fs)
{
	if (fs->progress)
		fs->progress(0, 0, fs->progress_priv);
}

/* Make room for @need elements of @size in a growing array. */
int
pmf_grow(
	void		**array,
	size_t		*cap,
	size_t		need,
	size_t		size)
{
	size_t		ncap = *cap ? *cap : 64;
	void		*p;

	if (need <= *cap)
		return 0;
	while (ncap < need)
		ncap *= 2;
	p = realloc(*array, ncap * size);
	if (!p)
		return -ENOMEM;
	*array = p;
	*cap = ncap;
	return 0;
}

/* May a query go on past this error, under PMF_QUERY_BEST_EFFORT? */
bool
pmf_best_effort(
	struct pmf_fs	*fs,
	int		error)
{
	if (!(fs->qflags & PMF_QUERY_BEST_EFFORT))
		return false;
	return error == -EFSCORRUPTED || error == -EFSBADCRC || error == -EIO;
}

int
pmf_u64_cmp(
	const void	*a,
	const void	*b)
{
	uint64_t	x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

bool
pmf_u64_find(
	const uint64_t	*sorted,
	size_t		nr,
	uint64_t	v)
{
	return nr && bsearch(&v, sorted, nr, sizeof(*sorted), pmf_u64_cmp);
}

static uint64_t
pmf_iset_hash(
	uint64_t	ino)
{
	return ino * 0x9E3779B97F4A7C15ULL;
}

/* Add @ino; *added says whether it was new. */
int
pmf_iset_add(
	struct pmf_iset	*set,
	uint64_t	ino,
	bool		*added)
{
	size_t		i;

	if ((set->nr + 1) * 2 > set->size) {
		struct pmf_iset	grown = { .size = set->size ? set->size * 2 : 1024 };

		grown.slot = calloc(grown.size, sizeof(*grown.slot));
		if (!grown.slot)
			return -ENOMEM;
		for (size_t j = 0; j < set->size; j++) {
			bool	dummy;

			if (set->slot[j])
				pmf_iset_add(&grown, set->slot[j], &dummy);
		}
		free(set->slot);
		*set = grown;
	}
	for (i = pmf_iset_hash(ino) & (set->size - 1); set->slot[i];
	     i = (i + 1) & (set->size - 1)) {
		if (set->slot[i] == ino) {
			*added = false;
			return 0;
		}
	}
	set->slot[i] = ino;
	set->nr++;
	*added = true;
	return 0;
}

int __real_libxfs_buf_read_map(struct xfs_buftarg *btp,
		struct xfs_buf_map *map, int nmaps, int flags,
		struct xfs_buf **bpp, const struct xfs_buf_ops *ops);
int __wrap_libxfs_buf_read_map(struct xfs_buftarg *btp,
		struct xfs_buf_map *map, int nmaps, int flags,
		struct xfs_buf **bpp, const struct xfs_buf_ops *ops);

/*
 * Every cached metadata read, libxfs's own included (the link wraps
 * libxfs_buf_read_map, see Makefile.am).  libxfs 6.13's buffer cache trusts
 * a block once it has been read: a block that failed its verifier stays
 * cached as up to date and checked, and a block read without a verifier
 * is never verified by a later reader that has one.  Both then hand the
 * next reader whatever the block holds, and a btree lookup walks it
 * (issue 21: 65535 keys of a corrupt inobt root, SEGV).  A query that
 * goes on past damage reads such blocks again, so never let the cache
 * vouch for them: a block that failed is dropped from the cache (read and
 * refused again next time), and one read unchecked stays unchecked.
 */
int
__wrap_libxfs_buf_read_map(
	struct xfs_buftarg	*btp,
	struct xfs_buf_map	*map,
	int			nmaps,
	int			flags,
	struct xfs_buf		**bpp,
	const struct xfs_buf_ops *ops)
{
	struct xfs_buf		*bp;
	int			error;

	error = __real_libxfs_buf_read_map(btp, map, nmaps, flags, bpp, ops);
	if (!error) {
		/* A dirty block holds our own changes, its CRC not yet set. */
		if (!ops && !((*bpp)->b_flags & LIBXFS_B_DIRTY))
			(*bpp)->b_flags |= LIBXFS_B_UNCHECKED;
		return 0;
	}
	/* libxfs_buf_get_map() clears a clean cached buffer's state. */
	if (!libxfs_buf_get_map(btp, map, nmaps, 0, &bp))
		libxfs_buf_relse(bp);
	return error;
}
