// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (c) 2026 The pmemfail authors.
 *
 * Output tables through libsmartcols, with lsblk's conventions: -o picks
 * columns by name, --json/--raw/--noheadings/--bytes.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <strings.h>
#include "xfs_pmem.h"

static int
xfs_pmem_col_find(
	const char			*name,
	size_t				len,
	const struct xfs_pmem_col	*cols,
	size_t				ncols)
{
	for (size_t i = 0; i < ncols; i++)
		if (strlen(cols[i].name) == len &&
		    !strncasecmp(cols[i].name, name, len))
			return i;
	return -1;
}

/*
 * Pick the columns named in the comma-separated @list, or the defaults.
 * A list starting with '+' extends the defaults, as in lsblk.  @ids holds
 * XFS_PMEM_MAXCOLS entries.
 */
int
xfs_pmem_cols_select(
	const char			*list,
	const struct xfs_pmem_col	*cols,
	size_t				ncols,
	const int			*defaults,
	size_t				ndefaults,
	int				*ids,
	size_t				*nids)
{
	const char			*p;

	/* Each column shows at most once, so @ids never holds more. */
	if (ncols > XFS_PMEM_MAXCOLS)
		return -EINVAL;
	*nids = 0;
	if (!list || *list == '+') {
		memcpy(ids, defaults, ndefaults * sizeof(*ids));
		*nids = ndefaults;
		if (!list)
			return 0;
		list++;
	}
	for (p = list; *p;) {
		size_t	len = strcspn(p, ",");
		int	id = xfs_pmem_col_find(p, len, cols, ncols);

		if (id < 0) {
			xfs_pmem_err("unknown column: %.*s", (int)len, p);
			return -EINVAL;
		}
		/* A column named twice (+LIST naming a default) shows once. */
		for (size_t i = 0; i < *nids; i++)
			if (ids[i] == id)
				id = -1;
		if (id < 0)
			goto next;
		ids[(*nids)++] = id;
next:
		p += len;
		if (*p == ',')
			p++;
	}
	if (*nids == 0) {
		xfs_pmem_err("no columns selected");
		return -EINVAL;
	}
	return 0;
}

static int
xfs_pmem_json_type(
	const struct xfs_pmem_col	*c,
	const struct xfs_pmem_out	*out)
{
	switch (c->type) {
	case XFS_PMEM_NUM:
		return SCOLS_JSON_NUMBER;
	case XFS_PMEM_BOOL:
		return SCOLS_JSON_BOOLEAN;
	case XFS_PMEM_SIZE:
		return out->bytes ? SCOLS_JSON_NUMBER : SCOLS_JSON_STRING;
	case XFS_PMEM_LIST:
		return SCOLS_JSON_ARRAY_STRING;
	default:
		return SCOLS_JSON_STRING;
	}
}

struct libscols_table *
xfs_pmem_table_new(
	const char			*name,
	const struct xfs_pmem_col	*cols,
	const int			*ids,
	size_t				nids,
	const struct xfs_pmem_out	*out)
{
	struct libscols_table		*tb;

	tb = scols_new_table();
	if (!tb)
		return NULL;
	scols_table_set_name(tb, name);
	scols_table_enable_json(tb, out->json);
	/* JSON is JSON whatever else was asked for. */
	scols_table_enable_raw(tb, out->raw && !out->json);
	scols_table_enable_noheadings(tb, out->noheadings);
	for (size_t i = 0; i < nids; i++) {
		const struct xfs_pmem_col	*c = &cols[ids[i]];
		struct libscols_column		*cl;

		/* Lists print one item per line, like lsblk's MOUNTPOINTS. */
		cl = scols_table_new_column(tb, c->name, c->whint, c->flags |
				(c->type == XFS_PMEM_LIST ? SCOLS_FL_WRAP : 0));
		if (!cl) {
			scols_unref_table(tb);
			return NULL;
		}
		scols_column_set_json_type(cl, xfs_pmem_json_type(c, out));
		if (c->type == XFS_PMEM_LIST) {
			scols_column_set_safechars(cl, "\n");
			scols_column_set_wrapfunc(cl, scols_wrapnl_chunksize,
					scols_wrapnl_nextchunk, NULL);
		}
	}
	return tb;
}

/* A size: exact bytes with --bytes, else "4K", "1.5M" as lsblk prints. */
const char *
xfs_pmem_size_fmt(
	uint64_t			bytes,
	const struct xfs_pmem_out	*out,
	char				*buf,
	size_t				len)
{
	static const char		units[] = "BKMGTPE";
	unsigned int			u = 0;
	uint64_t			whole = bytes, frac = 0;

	if (out->bytes || bytes < 1024) {
		snprintf(buf, len, "%llu%s", (unsigned long long)bytes,
				out->bytes ? "" : "B");
		return buf;
	}
	while (whole >= 1024 && u < sizeof(units) - 2) {
		frac = whole & 1023;
		whole >>= 10;
		u++;
	}
	/* One decimal, rounded, dropped when it is zero: 1048575 is 1M. */
	frac = (frac * 10 + 512) / 1024;
	if (frac == 10) {
		whole++;
		frac = 0;
	}
	if (whole == 1024 && u < sizeof(units) - 2) {
		whole = 1;
		u++;
	}
	if (frac)
		snprintf(buf, len, "%llu.%llu%c", (unsigned long long)whole,
				(unsigned long long)frac, units[u]);
	else
		snprintf(buf, len, "%llu%c", (unsigned long long)whole,
				units[u]);
	return buf;
}

char *
xfs_pmem_size_str(
	uint64_t			bytes,
	const struct xfs_pmem_out	*out)
{
	char				buf[32];

	return strdup(xfs_pmem_size_fmt(bytes, out, buf, sizeof(buf)));
}

/* A JSON string, escaped as libsmartcols escapes it. */
void
xfs_pmem_json_str(
	FILE		*f,
	const char	*s)
{
	putc_unlocked('"', f);
	while (*s) {
		size_t		n = 0;

		/* Runs of plain characters go out in one write. */
		while (s[n] && s[n] != '"' && s[n] != '\\' &&
		       (unsigned char)s[n] >= 0x20)
			n++;
		if (n) {
			fwrite_unlocked(s, 1, n, f);
			s += n;
			continue;
		}
		if (*s == '"' || *s == '\\')
			fprintf(f, "\\%c", *s);
		else
			fprintf(f, "\\u%04x", (unsigned char)*s);
		s++;
	}
	putc_unlocked('"', f);
}

/*
 * A report is held back in memory until it is complete or big, so that
 * an error found early leaves nothing on standard output; a report bigger
 * than the hold streams, and an error after that leaves it unfinished.
 */
#define XFS_PMEM_HOLD_MAX	(1U << 20)

struct xfs_pmem_hold {
	char		*buf;
	size_t		len;
	bool		spilled;	/* the hold went out: now streaming */
	bool		discard;	/* the report failed */
};

static bool
xfs_pmem_write_all(
	const char	*buf,
	size_t		len)
{
	while (len) {
		ssize_t	n = write(STDOUT_FILENO, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		buf += n;
		len -= n;
	}
	return true;
}

static ssize_t
xfs_pmem_hold_write(
	void		*cookie,
	const char	*buf,
	size_t		len)
{
	struct xfs_pmem_hold *h = cookie;

	if (!h->spilled && h->len + len <= XFS_PMEM_HOLD_MAX) {
		memcpy(h->buf + h->len, buf, len);
		h->len += len;
		return len;
	}
	if (!h->spilled) {
		h->spilled = true;
		if (!xfs_pmem_write_all(h->buf, h->len))
			return -1;
		h->len = 0;
	}
	return xfs_pmem_write_all(buf, len) ? (ssize_t)len : -1;
}

static int
xfs_pmem_hold_release(
	void		*cookie)
{
	struct xfs_pmem_hold *h = cookie;
	bool		ok = true;

	if (!h->discard || h->spilled)
		ok = xfs_pmem_write_all(h->buf, h->len);
	free(h->buf);
	free(h);
	return ok ? 0 : EOF;
}

/*
 * Standard output, held back (see XFS_PMEM_HOLD_MAX), as *@fp.  NULL: out
 * of memory.
 */
struct xfs_pmem_hold *
xfs_pmem_hold_open(
	FILE			**fp)
{
	static const cookie_io_functions_t fns = {
		.write	= xfs_pmem_hold_write,
		.close	= xfs_pmem_hold_release,
	};
	struct xfs_pmem_hold	*h = calloc(1, sizeof(*h));

	if (!h)
		return NULL;
	h->buf = malloc(XFS_PMEM_HOLD_MAX);
	*fp = h->buf ? fopencookie(h, "w", fns) : NULL;
	if (!*fp) {
		free(h->buf);
		free(h);
		return NULL;
	}
	fflush(stdout);
	setvbuf(*fp, NULL, _IOFBF, 1 << 16);
	return h;
}

/*
 * Close a held output: on success write what is held; on failure drop it,
 * unless it already went out.  -EIO if writing failed.
 */
int
xfs_pmem_hold_close(
	struct xfs_pmem_hold	*h,
	FILE			*f,
	bool			failed)
{
	if (failed) {
		fflush(f);
		h->discard = true;
	}
	return fclose(f) ? -EIO : 0;
}

int
xfs_pmem_line_setf(
	struct libscols_line	*ln,
	size_t			n,
	const char		*fmt,
	...)
{
	va_list			ap;
	char			*s;
	int			ret;

	va_start(ap, fmt);
	ret = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (ret < 0)
		return -ENOMEM;
	return scols_line_refer_data(ln, n, s);
}

void
xfs_pmem_cols_help(
	const struct xfs_pmem_col	*cols,
	size_t				ncols)
{
	printf("\nAvailable output columns:\n");
	for (size_t i = 0; i < ncols; i++)
		printf(" %12s  %s\n", cols[i].name, cols[i].help);
}

/* Open the filesystem; a failure is one line on stderr. */
/*
 * A scan of every inode can take minutes on a big filesystem: on a
 * terminal, show how far it has come, at most five times a second.
 */
static void
xfs_pmem_progress(
	uint64_t		done,
	uint64_t		total,
	void			*priv)
{
	static struct timespec	last;
	struct timespec		now;

	if (!total) {
		if (last.tv_sec)
			fprintf(stderr, "\r\033[K");
		last.tv_sec = 0;
		return;
	}
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (last.tv_sec && (now.tv_sec - last.tv_sec) * 1000000000L +
			   (now.tv_nsec - last.tv_nsec) < 200000000L)
		return;
	last = now;
	fprintf(stderr, "\rscanning inodes: %llu of %llu (%llu%%)",
			(unsigned long long)done, (unsigned long long)total,
			(unsigned long long)(done * 100 / total));
}

int
xfs_pmem_open_flags(
	const char		*data,
	const char		*log,
	const char		*rt,
	unsigned int		flags,
	struct pmf_fs		**fsp)
{
	struct pmf_open_args	args = {
		.data	= data,
		.log	= log,
		.rt	= rt,
		.flags	= flags,
	};
	int			error;

	error = pmf_open(&args, fsp);
	if (error)
		xfs_pmem_err("%s", args.errmsg[0] ? args.errmsg : strerror(-error));
	else if (isatty(STDERR_FILENO))
		pmf_set_progress(*fsp, xfs_pmem_progress, NULL);
	return error;
}

/* The body of a one-member JSON object printed by libsmartcols. */
char *
xfs_pmem_json_body(
	struct libscols_table	*tb)
{
	char			*s = NULL, *open, *close;

	if (scols_print_table_to_string(tb, &s) || !s)
		return NULL;
	open = strchr(s, '{');
	close = strrchr(s, '}');
	if (!open || !close || close < open) {
		free(s);
		return NULL;
	}
	*close = '\0';
	memmove(s, open + 1, strlen(open + 1) + 1);
	return s;
}

/*
 * Write the JSON text @json to @f on one line, for line-per-event output.
 * libsmartcols escapes control characters inside strings, so a newline is
 * layout, and it and the indentation after it can go.
 */
void
xfs_pmem_json_oneline(
	FILE		*f,
	const char	*json)
{
	bool		skip = false;

	for (; *json; json++) {
		if (*json == '\n') {
			skip = true;
			continue;
		}
		if (skip && *json == ' ')
			continue;
		skip = false;
		fputc(*json, f);
	}
}

int
xfs_pmem_open(
	const char		*data,
	const char		*log,
	const char		*rt,
	struct pmf_fs		**fsp)
{
	return xfs_pmem_open_flags(data, log, rt, 0, fsp);
}

/*
 * Turn a command's range arguments into bytes of device @dev ('b' needs
 * the block size); --whole is the whole device, or the internal log.
 * Prints why it fails: -ENODEV for a device the filesystem lacks, -EINVAL
 * for a bad range.
 */
int
xfs_pmem_range(
	const char			*cmd,
	enum pmf_device			dev,
	bool				whole,
	const char			*offset,
	const char			*length,
	const struct pmf_geometry	*geo,
	struct pmf_range		*range)
{
	range->dev = dev;
	if (whole) {
		range->offset = 0;
		if (dev == PMF_DEV_LOG && geo->logstart)
			range->length = geo->logblocks * (uint64_t)geo->blocksize;
		else
			range->length = geo->dev[dev].size;
		if (!geo->dev[dev].path &&
		    !(dev == PMF_DEV_LOG && geo->logstart)) {
			xfs_pmem_err("the filesystem has no %s device",
					pmf_device_name(dev));
			return -ENODEV;
		}
		return 0;
	}
	if (pmf_parse_size(offset, geo->blocksize, &range->offset)) {
		xfs_pmem_err("%s: bad offset '%s'", cmd, offset);
		return -EINVAL;
	}
	if (pmf_parse_size(length, geo->blocksize, &range->length)) {
		xfs_pmem_err("%s: bad length '%s'", cmd, length);
		return -EINVAL;
	}
	if (range->length == 0) {
		xfs_pmem_err("%s: bad length '%s': it must be positive", cmd,
				length);
		return -EINVAL;
	}
	if (range->offset + range->length < range->offset) {
		xfs_pmem_err("%s: offset + length overflows", cmd);
		return -EINVAL;
	}
	return 0;
}

/* Remember [start, start + len), in whatever units the caller counts. */
int
xfs_pmem_spans_add(
	struct xfs_pmem_spans	*sp,
	uint64_t		start,
	uint64_t		len)
{
	if (sp->nr == sp->cap) {
		size_t	ncap = sp->cap ? sp->cap * 2 : 16;
		void	*p = realloc(sp->v, ncap * sizeof(*sp->v));

		if (!p)
			return -ENOMEM;
		sp->v = p;
		sp->cap = ncap;
	}
	sp->v[sp->nr].start = start;
	sp->v[sp->nr++].len = len;
	return 0;
}

/* Does [start, start + len) meet any span remembered? */
bool
xfs_pmem_spans_meet(
	const struct xfs_pmem_spans *sp,
	uint64_t		start,
	uint64_t		len)
{
	for (size_t i = 0; i < sp->nr; i++)
		if (start < sp->v[i].start + sp->v[i].len &&
		    start + len > sp->v[i].start)
			return true;
	return false;
}

void
xfs_pmem_spans_free(
	struct xfs_pmem_spans	*sp)
{
	free(sp->v);
	memset(sp, 0, sizeof(*sp));
}
