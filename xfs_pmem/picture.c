// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (c) 2026 The pmemfail authors.
 *
 * A picture of the loss (--svg FILE): the device as strips, one per AG of
 * the data device (one for a log or realtime device), each owner class in
 * its own colour at the scale of its strip, the failed ranges outlined and
 * marked above the strip, and a legend.  The owners come from the same
 * query as the report, over each whole strip, without paths and best
 * effort: what damaged metadata hides is drawn as unknown.  A pixel
 * shared by several owners shows the one of highest rank, so that a block
 * of metadata among free space or file data stays visible; an outline is
 * at least XFS_PMEM_SVG_MINBOX pixels wide, so that one lost sector is as
 * easy to find as a lost AG.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "xfs_pmem.h"

#define XFS_PMEM_SVG_WIDTH	800	/* pixels of a strip */
#define XFS_PMEM_SVG_LABEL	70	/* left margin, for "AG 12" */
#define XFS_PMEM_SVG_STRIP	20	/* strip height */
#define XFS_PMEM_SVG_PITCH	34	/* strip to strip, with the marks */
#define XFS_PMEM_SVG_TOP	40	/* title */
#define XFS_PMEM_SVG_MINBOX	9	/* narrowest outline */

/* Owner classes, in rank order: a higher one wins a shared pixel. */
enum xfs_pmem_svg_class {
	SVG_NONE = 0,		/* nothing of the filesystem */
	SVG_FREE,
	SVG_DATA,
	SVG_ATTR,
	SVG_BMBT,
	SVG_INODES,
	SVG_FREESP,		/* bnobt, cntbt, AGFL */
	SVG_INOBT,
	SVG_RMAPBT,
	SVG_REFCOUNT,
	SVG_LOG,
	SVG_HEADERS,
	SVG_UNKNOWN,
	SVG_NR,
};

static const struct {
	const char	*name;
	const char	*colour;
} xfs_pmem_svg_classes[SVG_NR] = {
	[SVG_NONE]	= { "not the filesystem's", "#f4f4f4" },
	[SVG_FREE]	= { "free", "#ffffff" },
	[SVG_DATA]	= { "file data", "#4e79a7" },
	[SVG_ATTR]	= { "xattrs", "#9c755f" },
	[SVG_BMBT]	= { "extent maps (bmbt)", "#f28e2b" },
	[SVG_INODES]	= { "inodes", "#59a14f" },
	[SVG_FREESP]	= { "free space btrees", "#76b7b2" },
	[SVG_INOBT]	= { "inode btrees", "#b07aa1" },
	[SVG_RMAPBT]	= { "rmap btree", "#ff9da7" },
	[SVG_REFCOUNT]	= { "refcount btree, CoW", "#bab0ac" },
	[SVG_LOG]	= { "log", "#555555" },
	[SVG_HEADERS]	= { "AG headers", "#edc948" },
	[SVG_UNKNOWN]	= { "unknown", "#000000" },
};

#define XFS_PMEM_SVG_FAILED	"#e0007a"	/* the failed ranges */

static enum xfs_pmem_svg_class
xfs_pmem_svg_class(
	enum pmf_owner		owner)
{
	switch (owner) {
	case PMF_OWN_FREE:		return SVG_FREE;
	case PMF_OWN_DATA:		return SVG_DATA;
	case PMF_OWN_ATTR:		return SVG_ATTR;
	case PMF_OWN_BMBT:
	case PMF_OWN_ATTR_BMBT:		return SVG_BMBT;
	case PMF_OWN_INODES:		return SVG_INODES;
	case PMF_OWN_AG_BTREE:
	case PMF_OWN_BNOBT:
	case PMF_OWN_CNTBT:		return SVG_FREESP;
	case PMF_OWN_INOBT:
	case PMF_OWN_FINOBT:		return SVG_INOBT;
	case PMF_OWN_RMAPBT:		return SVG_RMAPBT;
	case PMF_OWN_REFCOUNTBT:
	case PMF_OWN_COW:		return SVG_REFCOUNT;
	case PMF_OWN_LOG:		return SVG_LOG;
	case PMF_OWN_AG_HEADERS:	return SVG_HEADERS;
	default:			return SVG_UNKNOWN;
	}
}

/* One strip: a part of a device, and the class of each of its pixels. */
struct xfs_pmem_svg_strip {
	struct pmf_range	range;
	char			label[32];
	unsigned char		px[XFS_PMEM_SVG_WIDTH];
};

/* Pixel column of byte @off of @s, 0 .. XFS_PMEM_SVG_WIDTH. */
static unsigned int
xfs_pmem_svg_x(
	const struct xfs_pmem_svg_strip	*s,
	uint64_t			off)
{
	if (off <= s->range.offset)
		return 0;
	if (off >= s->range.offset + s->range.length)
		return XFS_PMEM_SVG_WIDTH;
	return (unsigned int)((double)(off - s->range.offset) *
			XFS_PMEM_SVG_WIDTH / s->range.length);
}

static int
xfs_pmem_svg_record(
	const struct pmf_impact		*imp,
	void				*priv)
{
	struct xfs_pmem_svg_strip	*s = priv;
	enum xfs_pmem_svg_class		c = xfs_pmem_svg_class(imp->owner);
	uint64_t			start = imp->daddr << 9;
	unsigned int			x0 = xfs_pmem_svg_x(s, start);
	unsigned int			x1 = xfs_pmem_svg_x(s, start +
						(imp->bbcount << 9));

	/* Every record shows, however small; metadata two pixels wide. */
	if (x1 == x0 && x0 < XFS_PMEM_SVG_WIDTH)
		x1 = x0 + 1;
	if (c > SVG_DATA && x1 - x0 < 2 && x0 + 2 <= XFS_PMEM_SVG_WIDTH)
		x1 = x0 + 2;
	for (unsigned int x = x0; x < x1; x++)
		if (c > s->px[x])
			s->px[x] = c;
	return 0;
}

/* The strips of device @dev: its AGs on the data device, else one. */
static int
xfs_pmem_svg_strips(
	const struct pmf_geometry	*geo,
	enum pmf_device			dev,
	struct xfs_pmem_svg_strip	**sp,
	size_t				*np)
{
	uint64_t			agbytes = (uint64_t)geo->agblocks *
						geo->blocksize;
	uint64_t			dbytes = geo->dblocks *
						(uint64_t)geo->blocksize;
	size_t				n = dev == PMF_DEV_DATA ? geo->agcount : 1;
	struct xfs_pmem_svg_strip	*s = calloc(n, sizeof(*s));

	if (!s)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		s[i].range.dev = dev;
		if (dev == PMF_DEV_DATA) {
			s[i].range.offset = i * agbytes;
			s[i].range.length = i == n - 1 ?
				dbytes - i * agbytes : agbytes;
			snprintf(s[i].label, sizeof(s[i].label), "AG %zu", i);
		} else {
			s[i].range.offset = 0;
			s[i].range.length = dev == PMF_DEV_LOG ?
				geo->logblocks * (uint64_t)geo->blocksize :
				geo->rblocks * (uint64_t)geo->blocksize;
			snprintf(s[i].label, sizeof(s[i].label), "%s",
					pmf_device_name(dev));
		}
	}
	*sp = s;
	*np = n;
	return 0;
}

/* Runs of one class as rectangles. */
static void
xfs_pmem_svg_draw_strip(
	FILE				*f,
	const struct xfs_pmem_svg_strip	*s,
	unsigned int			y)
{
	unsigned int			x = 0;

	fprintf(f, "<text x=\"4\" y=\"%u\" font-size=\"12\">%s</text>\n",
			y + 15, s->label);
	while (x < XFS_PMEM_SVG_WIDTH) {
		unsigned int	e = x;

		while (e < XFS_PMEM_SVG_WIDTH && s->px[e] == s->px[x])
			e++;
		fprintf(f, "<rect x=\"%u\" y=\"%u\" width=\"%u\" height=\"%u\" fill=\"%s\"/>\n",
				XFS_PMEM_SVG_LABEL + x, y, e - x,
				XFS_PMEM_SVG_STRIP,
				xfs_pmem_svg_classes[s->px[x]].colour);
		x = e;
	}
	/* The frame lies outside the strip's pixels. */
	fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%u\" height=\"%u\" fill=\"none\" stroke=\"#888888\" stroke-width=\"1\"/>\n",
			XFS_PMEM_SVG_LABEL - 0.5, y - 0.5,
			XFS_PMEM_SVG_WIDTH + 1, XFS_PMEM_SVG_STRIP + 1);
}

/* The part of failed range @r in strip @s: an outline and a mark above. */
static void
xfs_pmem_svg_draw_failed(
	FILE				*f,
	const struct xfs_pmem_svg_strip	*s,
	const struct pmf_range		*r,
	unsigned int			y)
{
	uint64_t			send = s->range.offset + s->range.length;
	unsigned int			x0, x1;

	if (r->dev != s->range.dev || r->offset >= send ||
	    r->offset + r->length <= s->range.offset)
		return;
	x0 = xfs_pmem_svg_x(s, r->offset);
	x1 = xfs_pmem_svg_x(s, r->offset + r->length);
	if (x1 <= x0)
		x1 = x0 + 1;
	/* Widen a thin range around its middle, so that it can be seen. */
	if (x1 - x0 < XFS_PMEM_SVG_MINBOX) {
		int	mid = (x0 + x1) / 2;
		int	l = mid - XFS_PMEM_SVG_MINBOX / 2;

		x0 = l < 0 ? 0 : l;
		x1 = x0 + XFS_PMEM_SVG_MINBOX;
	}
	fprintf(f, "<rect x=\"%u\" y=\"%u\" width=\"%u\" height=\"%u\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\"/>\n",
			XFS_PMEM_SVG_LABEL + x0, y - 2, x1 - x0,
			XFS_PMEM_SVG_STRIP + 4, XFS_PMEM_SVG_FAILED);
	fprintf(f, "<rect x=\"%u\" y=\"%u\" width=\"%u\" height=\"5\" fill=\"%s\"/>\n",
			XFS_PMEM_SVG_LABEL + x0, y - 9, x1 - x0,
			XFS_PMEM_SVG_FAILED);
}

static void
xfs_pmem_svg_legend(
	FILE		*f,
	unsigned int	y)
{
	unsigned int	x = XFS_PMEM_SVG_LABEL;

	for (int c = SVG_FREE; c <= SVG_NR; c++) {
		const char	*name = c < SVG_NR ?
				xfs_pmem_svg_classes[c].name : "failed range";
		unsigned int	w = 34 + 7 * strlen(name);

		if (x + w > XFS_PMEM_SVG_LABEL + XFS_PMEM_SVG_WIDTH) {
			x = XFS_PMEM_SVG_LABEL;
			y += 20;
		}
		if (c < SVG_NR)
			fprintf(f, "<rect x=\"%u\" y=\"%u\" width=\"14\" height=\"14\" fill=\"%s\" stroke=\"#888888\"/>\n",
					x, y, xfs_pmem_svg_classes[c].colour);
		else
			fprintf(f, "<rect x=\"%u\" y=\"%u\" width=\"14\" height=\"14\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\"/>\n",
					x, y, XFS_PMEM_SVG_FAILED);
		fprintf(f, "<text x=\"%u\" y=\"%u\" font-size=\"12\">%s</text>\n",
				x + 18, y + 12, name);
		x += w;
	}
}

/* @text as SVG character data. */
static void
xfs_pmem_svg_text(
	FILE		*f,
	const char	*text)
{
	for (; *text; text++) {
		switch (*text) {
		case '&':	fputs("&amp;", f); break;
		case '<':	fputs("&lt;", f); break;
		case '>':	fputs("&gt;", f); break;
		default:	fputc(*text, f); break;
		}
	}
}

/* How many devices @rl names, and which (a bit per enum pmf_device). */
static unsigned int
xfs_pmem_svg_devices(
	const struct xfs_pmem_ranges	*rl)
{
	unsigned int			mask = 0;

	for (size_t i = 0; i < rl->nr; i++)
		mask |= 1U << rl->v[i].dev;
	return mask;
}

/*
 * Draw the devices the failed ranges @rl lie on, with the ranges, as SVG
 * to @file.  0, or a negative errno after one line.
 */
int
xfs_pmem_svg_write(
	struct pmf_fs			*fs,
	const struct pmf_geometry	*geo,
	const struct xfs_pmem_ranges	*rl,
	const char			*file)
{
	struct xfs_pmem_svg_strip	*strips[PMF_DEV_RT + 1] = { NULL };
	size_t				nstrips[PMF_DEV_RT + 1] = { 0 };
	unsigned int			mask = xfs_pmem_svg_devices(rl);
	unsigned int			y, total = 0;
	FILE				*f = NULL;
	int				error = 0;

	for (int d = PMF_DEV_DATA; d <= PMF_DEV_RT && !error; d++) {
		if (!(mask & (1U << d)))
			continue;
		error = xfs_pmem_svg_strips(geo, d, &strips[d], &nstrips[d]);
		for (size_t i = 0; !error && i < nstrips[d]; i++)
			error = pmf_query(fs, &strips[d][i].range,
					PMF_QUERY_BEST_EFFORT,
					xfs_pmem_svg_record, &strips[d][i]);
		total += nstrips[d];
	}
	if (error) {
		xfs_pmem_err("--svg: %s", pmf_errmsg(fs)[0] ? pmf_errmsg(fs) :
				strerror(-error));
		goto out;
	}
	f = fopen(file, "w");
	if (!f) {
		error = -errno;
		xfs_pmem_err("--svg: %s: %s", file, strerror(-error));
		goto out;
	}
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%u\" height=\"%u\" font-family=\"sans-serif\">\n"
		"<rect width=\"100%%\" height=\"100%%\" fill=\"#ffffff\"/>\n"
		"<text x=\"4\" y=\"20\" font-size=\"15\">",
		XFS_PMEM_SVG_LABEL + XFS_PMEM_SVG_WIDTH + 10,
		XFS_PMEM_SVG_TOP + total * XFS_PMEM_SVG_PITCH + 90);
	xfs_pmem_svg_text(f, geo->dev[PMF_DEV_DATA].path ?
			geo->dev[PMF_DEV_DATA].path : geo->uuid);
	fprintf(f, ": %zu failed range%s; each strip at its own scale</text>\n",
			rl->nr, rl->nr == 1 ? "" : "s");
	y = XFS_PMEM_SVG_TOP;
	for (int d = PMF_DEV_DATA; d <= PMF_DEV_RT; d++) {
		for (size_t i = 0; i < nstrips[d]; i++) {
			xfs_pmem_svg_draw_strip(f, &strips[d][i], y);
			for (size_t r = 0; r < rl->nr; r++)
				xfs_pmem_svg_draw_failed(f, &strips[d][i],
						&rl->v[r], y);
			y += XFS_PMEM_SVG_PITCH;
		}
	}
	xfs_pmem_svg_legend(f, y + 10);
	fprintf(f, "</svg>\n");
	if (fclose(f)) {
		error = -errno;
		xfs_pmem_err("--svg: %s: %s", file, strerror(-error));
	}
out:
	for (int d = PMF_DEV_DATA; d <= PMF_DEV_RT; d++)
		free(strips[d]);
	return error;
}
