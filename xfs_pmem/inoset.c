// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (c) 2026 The pmemfail authors.
 *
 * A set of inode numbers, to count the files of a report once each however
 * many of their extents it names.  Inodes come in chunks of 64, so the set
 * keeps one 64-bit mask per chunk touched: a whole-device report of a
 * hundred million files needs well under a byte per file.
 */
#include <errno.h>
#include <stdlib.h>
#include "xfs_pmem.h"

static size_t
xfs_pmem_inoset_slot(
	const struct xfs_pmem_inoset	*set,
	uint64_t			key)
{
	size_t				i;

	i = (key * 0x9E3779B97F4A7C15ULL) >> 20;
	for (i &= set->size - 1; set->v[i].mask && set->v[i].key != key;
	     i = (i + 1) & (set->size - 1))
		;
	return i;
}

static int
xfs_pmem_inoset_grow(
	struct xfs_pmem_inoset	*set)
{
	struct xfs_pmem_inoset	n = { .size = set->size ? set->size * 2 : 256 };

	n.v = calloc(n.size, sizeof(*n.v));
	if (!n.v)
		return -ENOMEM;
	for (size_t i = 0; i < set->size; i++) {
		if (set->v[i].mask) {
			n.v[xfs_pmem_inoset_slot(&n, set->v[i].key)] = set->v[i];
			n.chunks++;
		}
	}
	n.count = set->count;
	free(set->v);
	*set = n;
	return 0;
}

/* Add @ino; set->count counts each inode once. */
int
xfs_pmem_inoset_add(
	struct xfs_pmem_inoset	*set,
	uint64_t		ino)
{
	uint64_t		key = ino >> 6, bit = 1ULL << (ino & 63);
	size_t			i;

	if ((set->chunks + 1) * 4 > set->size * 3 && xfs_pmem_inoset_grow(set))
		return -ENOMEM;
	i = xfs_pmem_inoset_slot(set, key);
	if (!set->v[i].mask) {
		set->v[i].key = key;
		set->chunks++;
	}
	if (!(set->v[i].mask & bit)) {
		set->v[i].mask |= bit;
		set->count++;
	}
	return 0;
}

void
xfs_pmem_inoset_free(
	struct xfs_pmem_inoset	*set)
{
	free(set->v);
	set->v = NULL;
	set->size = set->chunks = set->count = 0;
}
