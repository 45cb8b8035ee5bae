// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (c) 2026 The pmemfail authors.
 *
 * The damage as a list, the way a pmem administrator has it: the kernel's
 * bad-block list of a block device (/sys/block/pmem0/badblocks, one
 * "SECTOR COUNT" per line, 512-byte sectors from the start of the device).
 * The list becomes sorted byte ranges of one device of the filesystem,
 * overlapping and adjacent ones merged, so that a query walks each
 * affected record once however the list was written.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "xfs_pmem.h"

/* Bytes of device @dev that the filesystem uses. */
static uint64_t
xfs_pmem_fs_bytes(
	const struct pmf_geometry	*geo,
	enum pmf_device			dev)
{
	switch (dev) {
	case PMF_DEV_LOG:	return geo->logblocks * (uint64_t)geo->blocksize;
	case PMF_DEV_RT:	return geo->rblocks * (uint64_t)geo->blocksize;
	default:		return geo->dblocks * (uint64_t)geo->blocksize;
	}
}

int
xfs_pmem_ranges_add(
	struct xfs_pmem_ranges	*rl,
	const struct pmf_range	*r)
{
	if (rl->nr == rl->cap) {
		size_t		ncap = rl->cap ? rl->cap * 2 : 16;
		struct pmf_range *v = realloc(rl->v, ncap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		rl->v = v;
		rl->cap = ncap;
	}
	rl->v[rl->nr++] = *r;
	return 0;
}

void
xfs_pmem_ranges_free(
	struct xfs_pmem_ranges	*rl)
{
	free(rl->v);
	memset(rl, 0, sizeof(*rl));
}

static int
xfs_pmem_range_cmp(
	const void		*a,
	const void		*b)
{
	const struct pmf_range	*x = a, *y = b;

	if (x->offset != y->offset)
		return x->offset < y->offset ? -1 : 1;
	return x->length < y->length ? -1 : x->length > y->length;
}

/* Sort the list and merge the ranges that overlap or touch. */
static void
xfs_pmem_ranges_merge(
	struct xfs_pmem_ranges	*rl)
{
	size_t			u = 0;

	if (!rl->nr)
		return;
	qsort(rl->v, rl->nr, sizeof(*rl->v), xfs_pmem_range_cmp);
	for (size_t i = 1; i < rl->nr; i++) {
		struct pmf_range	*last = &rl->v[u];
		uint64_t		end = last->offset + last->length;

		if (rl->v[i].offset <= end) {
			uint64_t	iend = rl->v[i].offset + rl->v[i].length;

			if (iend > end)
				last->length = iend - last->offset;
			continue;
		}
		rl->v[++u] = rl->v[i];
	}
	rl->nr = u + 1;
}

/*
 * One line of the list: "SECTOR COUNT", decimal, as the kernel writes it.
 * A blank line is nothing.  0 with @r set, 1 for nothing, -EINVAL.
 */
static int
xfs_pmem_badblocks_line(
	char			*line,
	enum pmf_device		dev,
	struct pmf_range	*r)
{
	unsigned long long	sector, count;
	int			n = -1;

	line[strcspn(line, "\n")] = '\0';
	if (line[strspn(line, " \t")] == '\0')
		return 1;
	if (sscanf(line, " %llu %llu %n", &sector, &count, &n) != 2 ||
	    n < 0 || line[n] != '\0' || strchr(line, '-') || count == 0 ||
	    sector > UINT64_MAX / 512 || count > UINT64_MAX / 512 ||
	    (sector + count) * 512 < sector * 512)
		return -EINVAL;
	r->dev = dev;
	r->offset = sector * 512;
	r->length = count * 512;
	return 0;
}

/*
 * Read the bad-block list @file ("-" is standard input) of device @dev into
 * @rl, merged.  Sectors past the end of the device as the filesystem has
 * it are not the filesystem's: a line on stderr counts them, and the rest
 * of the list is kept.  0, or a negative errno after one line.
 */
int
xfs_pmem_badblocks_read(
	const char			*cmd,
	const char			*file,
	enum pmf_device			dev,
	const struct pmf_geometry	*geo,
	struct xfs_pmem_ranges		*rl)
{
	uint64_t			size = xfs_pmem_fs_bytes(geo, dev);
	uint64_t			past = 0;
	FILE				*f = strcmp(file, "-") ? fopen(file, "r") : stdin;
	char				*line = NULL;
	size_t				cap = 0;
	unsigned long			lineno = 0;
	int				error = 0;

	if (!geo->dev[dev].path) {
		xfs_pmem_err("the filesystem has no %s device",
				pmf_device_name(dev));
		if (f && f != stdin)
			fclose(f);
		return -ENODEV;
	}
	if (!f) {
		xfs_pmem_err("%s: %s: %s", cmd, file, strerror(errno));
		return -errno;
	}
	while (getline(&line, &cap, f) > 0) {
		struct pmf_range	r;
		int			ret;

		lineno++;
		ret = xfs_pmem_badblocks_line(line, dev, &r);
		if (ret < 0) {
			xfs_pmem_err("%s: %s:%lu: expected 'SECTOR COUNT', got '%.40s'",
					cmd, file, lineno, line);
			error = -EINVAL;
			break;
		}
		if (ret)
			continue;
		if (r.offset >= size) {
			past += r.length;
			continue;
		}
		if (r.offset + r.length > size) {
			past += r.offset + r.length - size;
			r.length = size - r.offset;
		}
		error = xfs_pmem_ranges_add(rl, &r);
		if (error) {
			xfs_pmem_err("out of memory");
			break;
		}
	}
	if (!error && ferror(f)) {
		xfs_pmem_err("%s: %s: read error", cmd, file);
		error = -EIO;
	}
	free(line);
	if (f != stdin)
		fclose(f);
	if (error)
		return error;
	if (past)
		fprintf(stderr, "%s: %s: %" PRIu64 " bytes of the list lie past the %" PRIu64 " bytes the filesystem uses of the %s device: not its\n",
				progname, file, past, size, pmf_device_name(dev));
	xfs_pmem_ranges_merge(rl);
	return 0;
}
