// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (c) 2026 The pmemfail authors.
 *
 * The damage as a list, the way a pmem administrator has it: the kernel's
 * bad-block list of a block device (/sys/block/pmem0/badblocks, one
 * "SECTOR COUNT" per line, 512-byte sectors from the start of the device),
 * or `ndctl list --media-errors` (a namespace's "badblocks", each an
 * "offset" and "length" in 512-byte sectors of its block device).
 * The list becomes sorted byte ranges of one device of the filesystem,
 * overlapping and adjacent ones merged, so that a query walks each
 * affected record once however the list was written.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <json-c/json.h>
#include "xfs_pmem.h"

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

/*
 * pmf_check_ag() on every AG the data device ranges of the sorted list @rl
 * touch, each AG once.  0, or what the sweep returned.
 */
int
xfs_pmem_ranges_check_ags(
	struct pmf_fs			*fs,
	const struct xfs_pmem_ranges	*rl,
	pmf_damage_fn			fn,
	void				*priv)
{
	struct pmf_geometry		geo;
	uint64_t			agbytes;
	uint64_t			next = 0;	/* first AG not swept */
	int				error = 0;

	if (!rl->nr || rl->v[0].dev != PMF_DEV_DATA)
		return 0;
	pmf_get_geometry(fs, &geo);
	agbytes = (uint64_t)geo.agblocks * geo.blocksize;
	for (size_t i = 0; !error && i < rl->nr; i++) {
		uint64_t	first = rl->v[i].offset / agbytes;
		uint64_t	last = (rl->v[i].offset + rl->v[i].length - 1) /
					agbytes;

		for (uint64_t ag = first > next ? first : next;
		     !error && ag <= last && ag < geo.agcount; ag++)
			error = pmf_check_ag(fs, ag, fn, priv);
		if (last + 1 > next)
			next = last + 1;
	}
	return error;
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

/* Where a list's sectors lie: a partition's list is its disk's. */
struct xfs_pmem_bbwin {
	uint64_t	start;		/* first sector of the device on the list */
	uint64_t	sectors;	/* its size; UINT64_MAX: no end */
};

/*
 * Add the ranges of list @f (called @name in messages) to @rl: the part of
 * each entry inside window @win, relative to it, and inside the @size bytes
 * the filesystem uses; *@past counts the bytes of the window it does not.
 */
static int
xfs_pmem_badblocks_parse(
	const char			*cmd,
	FILE				*f,
	const char			*name,
	enum pmf_device			dev,
	const struct xfs_pmem_bbwin	*win,
	uint64_t			size,
	uint64_t			*past,
	struct xfs_pmem_ranges		*rl)
{
	char				*line = NULL;
	size_t				cap = 0;
	unsigned long			lineno = 0;
	int				error = 0;

	while (!error && getline(&line, &cap, f) > 0) {
		struct pmf_range	r;
		uint64_t		s, e, wend;
		int			ret;

		lineno++;
		ret = xfs_pmem_badblocks_line(line, dev, &r);
		if (ret < 0) {
			xfs_pmem_err("%s: %s:%lu: expected 'SECTOR COUNT', got '%.40s'",
					cmd, name, lineno, line);
			error = -EINVAL;
			break;
		}
		if (ret)
			continue;
		/* Sectors of the list, clipped to the window. */
		s = r.offset / 512;
		e = s + r.length / 512;
		wend = win->sectors == UINT64_MAX ? UINT64_MAX :
				win->start + win->sectors;
		if (e <= win->start || s >= wend)
			continue;
		s = (s > win->start ? s : win->start) - win->start;
		e = (e < wend ? e : wend) - win->start;
		r.offset = s * 512;
		r.length = (e - s) * 512;
		if (r.offset >= size) {
			*past += r.length;
			continue;
		}
		if (r.offset + r.length > size) {
			*past += r.offset + r.length - size;
			r.length = size - r.offset;
		}
		error = xfs_pmem_ranges_add(rl, &r);
		if (error)
			xfs_pmem_err("out of memory");
	}
	if (!error && ferror(f)) {
		xfs_pmem_err("%s: %s: read error", cmd, name);
		error = -EIO;
	}
	free(line);
	return error;
}

static void
xfs_pmem_badblocks_past(
	const char			*name,
	uint64_t			past,
	uint64_t			size,
	enum pmf_device			dev)
{
	if (past)
		fprintf(stderr, "%s: %s: %" PRIu64 " bytes of the list lie past the %" PRIu64 " bytes the filesystem uses of the %s device: not its\n",
				progname, name, past, size, pmf_device_name(dev));
}

static int
xfs_pmem_badblocks_nodev(
	const struct pmf_geometry	*geo,
	enum pmf_device			dev)
{
	if (geo->dev[dev].path)
		return 0;
	xfs_pmem_err("the filesystem has no %s device", pmf_device_name(dev));
	return -ENODEV;
}

/*
 * Read the bad-block list @buf (@len bytes, from @name) of device @dev into
 * @rl, merged.  Sectors past the end of the device as the filesystem has
 * it are not the filesystem's: a line on stderr counts them, and the rest
 * of the list is kept.  0, or a negative errno after one line.
 */
static int
xfs_pmem_badblocks_read(
	const char			*cmd,
	const char			*name,
	const char			*buf,
	size_t				len,
	enum pmf_device			dev,
	const struct pmf_geometry	*geo,
	struct xfs_pmem_ranges		*rl)
{
	const struct xfs_pmem_bbwin	all = { 0, UINT64_MAX };
	uint64_t			size = geo->dev[dev].fs_bytes;
	uint64_t			past = 0;
	FILE				*f;
	int				error;

	/* fmemopen() of nothing fails: an empty list is one blank line. */
	f = len ? fmemopen((void *)buf, len, "r") : fmemopen("\n", 1, "r");
	if (!f) {
		xfs_pmem_err("out of memory");
		return -ENOMEM;
	}
	error = xfs_pmem_badblocks_parse(cmd, f, name, dev, &all, size, &past,
			rl);
	fclose(f);
	if (error)
		return error;
	xfs_pmem_badblocks_past(name, past, size, dev);
	xfs_pmem_ranges_merge(rl);
	return 0;
}

/* Read one number from sysfs file @dir/@name. */
static int
xfs_pmem_sysfs_u64(
	const char		*dir,
	const char		*name,
	uint64_t		*v)
{
	char			path[PATH_MAX];
	unsigned long long	n;
	FILE			*f;
	int			ret;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "r");
	if (!f)
		return -errno;
	ret = fscanf(f, "%llu", &n) == 1 ? 0 : -EINVAL;
	fclose(f);
	*v = n;
	return ret;
}

/*
 * The kernel's bad-block list of block device @path: its disk's
 * badblocks attribute, which a disk has when its driver keeps one (pmem,
 * nvdimm btt; not loop or virtio).  Sectors count from the disk's start,
 * so a partition's part of the list is shifted by its start.  0 with @f
 * open and @win set, -ENOTBLK or -ENOENT when there is no list.
 */
static int
xfs_pmem_badblocks_sysfs_open(
	const char		*path,
	FILE			**f,
	struct xfs_pmem_bbwin	*win)
{
	char			dir[PATH_MAX], list[PATH_MAX + 16];
	struct stat		st;
	uint64_t		partno;

	if (stat(path, &st) < 0)
		return -errno;
	if (!S_ISBLK(st.st_mode))
		return -ENOTBLK;
	snprintf(dir, sizeof(dir), "/sys/dev/block/%u:%u", major(st.st_rdev),
			minor(st.st_rdev));
	win->start = 0;
	win->sectors = UINT64_MAX;
	if (!xfs_pmem_sysfs_u64(dir, "partition", &partno)) {
		if (xfs_pmem_sysfs_u64(dir, "start", &win->start) ||
		    xfs_pmem_sysfs_u64(dir, "size", &win->sectors))
			return -ENOENT;
		strncat(dir, "/..", sizeof(dir) - strlen(dir) - 1);
	}
	snprintf(list, sizeof(list), "%s/badblocks", dir);
	*f = fopen(list, "r");
	return *f ? 0 : -ENOENT;
}

/*
 * Add the kernel's current bad-block list of each device the filesystem
 * has to @rl, merged per device.  A device that keeps no list (an image
 * file, a loop or virtio disk) is named on stderr and has none.  0, or a
 * negative errno after one line.
 */
int
xfs_pmem_badblocks_sysfs(
	const char			*cmd,
	const struct pmf_geometry	*geo,
	struct xfs_pmem_ranges		*rl)
{
	for (int d = PMF_DEV_DATA; d <= PMF_DEV_RT; d++) {
		const char		*path = geo->dev[d].path;
		uint64_t		size = geo->dev[d].fs_bytes;
		struct xfs_pmem_ranges	one = { 0 };
		struct xfs_pmem_bbwin	win;
		uint64_t		past = 0;
		FILE			*f;
		int			error;

		if (!path)
			continue;
		error = xfs_pmem_badblocks_sysfs_open(path, &f, &win);
		if (error == -ENOTBLK || error == -ENOENT) {
			fprintf(stderr, "%s: %s: %s keeps no bad-block list\n",
					progname, cmd, path);
			continue;
		}
		if (error) {
			xfs_pmem_err("%s: %s: %s", cmd, path, strerror(-error));
			return error;
		}
		error = xfs_pmem_badblocks_parse(cmd, f, path, d, &win, size,
				&past, &one);
		fclose(f);
		xfs_pmem_ranges_merge(&one);
		for (size_t i = 0; !error && i < one.nr; i++)
			error = xfs_pmem_ranges_add(rl, &one.v[i]);
		xfs_pmem_ranges_free(&one);
		if (error)
			return error;
		xfs_pmem_badblocks_past(path, past, size, d);
	}
	return 0;
}

/* The namespaces of an ndctl document, wherever ndctl nests them. */
struct xfs_pmem_ndns {
	const char		*blockdev;	/* "pmem0" */
	struct json_object	*badblocks;
};

#define XFS_PMEM_NDNS_MAX	256

static void
xfs_pmem_ndctl_collect(
	struct json_object	*o,
	struct xfs_pmem_ndns	*ns,
	size_t			*nr)
{
	struct json_object	*bd, *bb;

	if (json_object_is_type(o, json_type_array)) {
		for (size_t i = 0; i < json_object_array_length(o); i++)
			xfs_pmem_ndctl_collect(json_object_array_get_idx(o, i),
					ns, nr);
		return;
	}
	if (!json_object_is_type(o, json_type_object))
		return;
	/* A namespace with a block device; its badblocks are that device's. */
	if (json_object_object_get_ex(o, "blockdev", &bd) &&
	    json_object_is_type(bd, json_type_string)) {
		if (*nr < XFS_PMEM_NDNS_MAX) {
			ns[*nr].blockdev = json_object_get_string(bd);
			ns[*nr].badblocks =
				json_object_object_get_ex(o, "badblocks", &bb) ?
				bb : NULL;
			(*nr)++;
		}
		return;
	}
	/* Regions, buses: look inside ("namespaces", "regions", ...). */
	json_object_object_foreach(o, key, val) {
		(void)key;
		if (json_object_is_type(val, json_type_array) ||
		    json_object_is_type(val, json_type_object))
			xfs_pmem_ndctl_collect(val, ns, nr);
	}
}

/* The namespace backing @path (a device of the filesystem), or NULL. */
static const struct xfs_pmem_ndns *
xfs_pmem_ndctl_match(
	const struct xfs_pmem_ndns	*ns,
	size_t				nr,
	const char			*path)
{
	char				real[PATH_MAX];
	const char			*base;

	if (!path || !realpath(path, real))
		return NULL;
	base = strrchr(real, '/') ? strrchr(real, '/') + 1 : real;
	for (size_t i = 0; i < nr; i++)
		if (!strcmp(ns[i].blockdev, base))
			return &ns[i];
	return NULL;
}

/* A namespace's "badblocks" as "SECTOR COUNT" lines, for the parser. */
static int
xfs_pmem_ndctl_lines(
	const char			*cmd,
	const char			*file,
	const struct xfs_pmem_ndns	*n,
	FILE				*out)
{
	struct json_object		*bb = n->badblocks;

	if (!bb)
		return 0;
	if (!json_object_is_type(bb, json_type_array))
		goto bad;
	for (size_t i = 0; i < json_object_array_length(bb); i++) {
		struct json_object	*e = json_object_array_get_idx(bb, i);
		struct json_object	*off, *len;

		if (!json_object_object_get_ex(e, "offset", &off) ||
		    !json_object_object_get_ex(e, "length", &len) ||
		    !json_object_is_type(off, json_type_int) ||
		    !json_object_is_type(len, json_type_int) ||
		    json_object_get_int64(off) < 0 ||
		    json_object_get_int64(len) <= 0)
			goto bad;
		fprintf(out, "%lld %lld\n",
				(long long)json_object_get_int64(off),
				(long long)json_object_get_int64(len));
	}
	return 0;
bad:
	xfs_pmem_err("%s: %s: namespace %s: badblocks is not a list of offset and length",
			cmd, file, n->blockdev);
	return -EINVAL;
}

/*
 * Read `ndctl list --media-errors` output @buf (from @name) into @rl for
 * device @dev of the filesystem: the bad blocks of the namespace whose
 * block device is that device.  An image has no namespace: then the one
 * namespace of the document that lists bad blocks stands for it.  0, or a
 * negative errno after one line.
 */
static int
xfs_pmem_ndctl_read(
	const char			*cmd,
	const char			*name,
	const char			*buf,
	enum pmf_device			dev,
	const struct pmf_geometry	*geo,
	struct xfs_pmem_ranges		*rl)
{
	struct xfs_pmem_ndns		ns[XFS_PMEM_NDNS_MAX];
	const struct xfs_pmem_ndns	*n;
	struct json_object		*doc;
	size_t				nr = 0, withbb = 0;
	char				*lines = NULL;
	size_t				len = 0;
	FILE				*f;
	int				error;

	doc = json_tokener_parse(buf);
	if (!doc) {
		xfs_pmem_err("%s: %s: not JSON (ndctl list --media-errors writes it)",
				cmd, name);
		return -EINVAL;
	}
	xfs_pmem_ndctl_collect(doc, ns, &nr);
	n = xfs_pmem_ndctl_match(ns, nr, geo->dev[dev].path);
	for (size_t i = 0; !n && i < nr; i++)
		withbb += ns[i].badblocks != NULL;
	for (size_t i = 0; !n && withbb == 1 && i < nr; i++)
		if (ns[i].badblocks)
			n = &ns[i];
	if (!n) {
		xfs_pmem_err("%s: %s: no namespace backs the %s device %s (%zu namespaces, %zu with bad blocks)",
				cmd, name, pmf_device_name(dev),
				geo->dev[dev].path, nr, withbb);
		json_object_put(doc);
		return -EINVAL;
	}
	f = open_memstream(&lines, &len);
	error = f ? xfs_pmem_ndctl_lines(cmd, name, n, f) : -ENOMEM;
	if (f)
		fclose(f);
	json_object_put(doc);
	if (!error)
		error = xfs_pmem_badblocks_read(cmd, name, lines, len, dev, geo,
				rl);
	free(lines);
	return error;
}

/*
 * Read a --badblocks or --ndctl-json file ("-": standard input) whole, now:
 * the commands that run in steps parse it in each.  0, or a negative errno
 * after one line.
 */
int
xfs_pmem_target_load(
	struct xfs_pmem_target	*t)
{
	const char		*file = t->badblocks ? t->badblocks : t->ndctl;
	FILE			*f, *mem;
	char			chunk[65536];
	size_t			n;
	int			error = 0;

	if (!file)
		return 0;
	f = strcmp(file, "-") ? fopen(file, "r") : stdin;
	if (!f) {
		error = -errno;
		xfs_pmem_err("%s: %s: %s", t->cmd, file, strerror(-error));
		return error;
	}
	mem = open_memstream(&t->list, &t->listlen);
	if (!mem) {
		xfs_pmem_err("out of memory");
		error = -ENOMEM;
		goto out;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		fwrite(chunk, 1, n, mem);
	if (ferror(f)) {
		xfs_pmem_err("%s: %s: read error", t->cmd, file);
		error = -EIO;
	}
	if (fclose(mem) && !error) {
		xfs_pmem_err("out of memory");
		error = -ENOMEM;
	}
out:
	if (f != stdin)
		fclose(f);
	return error;
}

/*
 * The failed ranges the command line names, for the filesystem of @geo:
 * the list loaded by xfs_pmem_target_load(), or the range, or the whole
 * device.  0, or after one line -EINVAL (the user's mistake), -ENODEV or
 * another negative errno.
 */
int
xfs_pmem_target_ranges(
	const struct xfs_pmem_target	*t,
	const struct pmf_geometry	*geo,
	struct xfs_pmem_ranges		*rl)
{
	struct pmf_range		range;
	int				error;

	if (t->badblocks || t->ndctl) {
		error = xfs_pmem_badblocks_nodev(geo, t->dev);
		if (error)
			return error;
	}
	if (t->badblocks)
		return xfs_pmem_badblocks_read(t->cmd, t->badblocks, t->list,
				t->listlen, t->dev, geo, rl);
	if (t->ndctl)
		return xfs_pmem_ndctl_read(t->cmd, t->ndctl, t->list, t->dev,
				geo, rl);
	error = xfs_pmem_range(t->cmd, t->dev, t->whole, t->offset, t->length,
			geo, &range);
	if (!error)
		error = xfs_pmem_ranges_add(rl, &range);
	return error;
}
