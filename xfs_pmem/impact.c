// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (c) 2026 The pmemfail authors.
 *
 * The impact writer: one record of what a failed range held, as a row of
 * a libsmartcols table.  simulate, verify and watch print impacts through
 * it, and the repair plan, the repair manifest and invalidate name their
 * members after its columns, so that every command's JSON has one schema
 * (doc/simulate-json.md).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "xfs_pmem.h"

const struct xfs_pmem_col xfs_pmem_impact_cols[XFS_PMEM_IC_NR] = {
	[XFS_PMEM_IC_DEV]	= { "DEV", 4, 0, XFS_PMEM_STR, "device: data, log or rt" },
	[XFS_PMEM_IC_START]	= { "START", 12, SCOLS_FL_RIGHT, XFS_PMEM_NUM, "byte offset of the damaged part on the device" },
	[XFS_PMEM_IC_LENGTH]	= { "LENGTH", 8, SCOLS_FL_RIGHT, XFS_PMEM_SIZE, "length of the damaged part" },
	[XFS_PMEM_IC_OWNER]	= { "OWNER", 10, SCOLS_FL_TREE, XFS_PMEM_STR, "what owned it (data, attr, bmbt, inodes, ag-headers, ..., free)" },
	[XFS_PMEM_IC_INODE]	= { "INODE", 10, SCOLS_FL_RIGHT, XFS_PMEM_NUM, "inode number of a file owner" },
	[XFS_PMEM_IC_FOFFSET]	= { "FOFFSET", 10, SCOLS_FL_RIGHT, XFS_PMEM_NUM, "byte offset of the damaged part in the file" },
	[XFS_PMEM_IC_FLAGS]	= { "FLAGS", 8, 0, XFS_PMEM_STR, "unwritten, shared, live-log, dirty-log, unlinked, metafile, paths-partial, unresolved" },
	[XFS_PMEM_IC_EFFECT]	= { "EFFECT", 11, 0, XFS_PMEM_STR, "no-loss, data-lost, rebuildable or fatal" },
	[XFS_PMEM_IC_AG]	= { "AG", 4, SCOLS_FL_RIGHT, XFS_PMEM_NUM, "allocation group of a data device record" },
	[XFS_PMEM_IC_AGBNO]	= { "AGBNO", 8, SCOLS_FL_RIGHT, XFS_PMEM_NUM, "first block of the whole record in its AG" },
	[XFS_PMEM_IC_BLOCKS]	= { "BLOCKS", 8, SCOLS_FL_RIGHT, XFS_PMEM_NUM, "blocks in the whole record" },
	[XFS_PMEM_IC_HEADERS]	= { "HEADERS", 8, 0, XFS_PMEM_STR, "AG header sectors hit: sb, agf, agi, agfl" },
	[XFS_PMEM_IC_MEDIA]	= { "ON-MEDIA-LOSS", 12, 0, XFS_PMEM_STR, "kernel actions if the media failed" },
	[XFS_PMEM_IC_REMOVE]	= { "ON-REMOVE", 12, 0, XFS_PMEM_STR, "kernel actions if the device is being removed" },
	[XFS_PMEM_IC_METAFILE]	= { "METAFILE", 9, 0, XFS_PMEM_STR, "metadata inode: rtbitmap, rtsummary, usrquota, ..." },
	[XFS_PMEM_IC_PATH]	= { "PATH", 30, 0, XFS_PMEM_LIST, "every path of the inode (one per line)" },
	[XFS_PMEM_IC_CHECK]	= { "CHECK", 10, 0, XFS_PMEM_STR, "verify: intact, readable, corrupt, unreadable, unchecked or none" },
	[XFS_PMEM_IC_DETAIL]	= { "DETAIL", 30, 0, XFS_PMEM_STR, "verify: what the check found; why a part is unresolved" },
	[XFS_PMEM_IC_RANGE]	= { "RANGE", 14, 0, XFS_PMEM_STR, "the failed range it came from, START+LENGTH bytes (a list's merged entry)" },
};

static const char *
xfs_pmem_bits_fmt(
	unsigned int		bits,
	const char * const	*names,
	unsigned int		nnames,
	char			*buf,
	size_t			len)
{
	size_t			n = 0;

	buf[0] = '\0';
	for (unsigned int i = 0; i < nnames && n < len; i++)
		if (bits & (1U << i))
			n += snprintf(buf + n, len - n, "%s%s", n ? "," : "",
					names[i]);
	return buf;
}

static const char * const xfs_pmem_hdr_names[] = { "sb", "agf", "agi", "agfl" };
static const char * const xfs_pmem_act_names[] = {
	"unmap", "kill", "record", "sick", "shutdown",
};

/* All paths, one per line: libsmartcols wraps and lists at newlines. */
char *
xfs_pmem_paths_str(
	const char * const	*paths,
	unsigned int		npaths)
{
	size_t			len = 1;
	char			*s, *p;

	for (unsigned int i = 0; i < npaths; i++)
		len += strlen(paths[i]) + 1;
	s = p = malloc(len);
	if (!s)
		return NULL;
	*p = '\0';
	for (unsigned int i = 0; i < npaths; i++)
		p += sprintf(p, "%s%s", i ? "\n" : "", paths[i]);
	return s;
}

static bool
xfs_pmem_owner_is_file(
	enum pmf_owner		owner)
{
	return owner == PMF_OWN_DATA || owner == PMF_OWN_ATTR ||
	       owner == PMF_OWN_BMBT || owner == PMF_OWN_ATTR_BMBT;
}

#define XFS_PMEM_CELL_MAX	(PMF_FLAGS_NAME_MAX + 160)

/*
 * @n in decimal, in @buf: a whole device's report writes millions of
 * numbers, and snprintf() would be most of its time.
 */
static const char *
xfs_pmem_u64_fmt(
	uint64_t		n,
	char			*buf)
{
	char			tmp[24];
	size_t			i = sizeof(tmp);

	do {
		tmp[--i] = '0' + n % 10;
		n /= 10;
	} while (n);
	memcpy(buf, tmp + i, sizeof(tmp) - i);
	buf[sizeof(tmp) - i] = '\0';
	return buf;
}

/*
 * The text of column @col for @imp ("" for none), in @buf or a constant.
 * Every output format writes this text; PATH, a list, is not one cell.
 */
static const char *
xfs_pmem_impact_val(
	int				col,
	const struct xfs_pmem_impact_out *io,
	const struct pmf_impact		*imp,
	const struct pmf_check_result	*chk,
	bool				child,
	char				*buf)
{
	const size_t			len = XFS_PMEM_CELL_MAX;
	bool				file = xfs_pmem_owner_is_file(imp->owner);

	switch (col) {
	case XFS_PMEM_IC_DEV:
		return pmf_device_name(imp->dev);
	case XFS_PMEM_IC_START:
		return xfs_pmem_u64_fmt(imp->daddr << 9, buf);
	case XFS_PMEM_IC_LENGTH:
		return xfs_pmem_size_fmt(imp->bbcount << 9, io->out, buf, len);
	case XFS_PMEM_IC_OWNER:
		return child ? "inode" : pmf_owner_name(imp->owner);
	case XFS_PMEM_IC_INODE:
		if (!file && !child)
			return "";
		return xfs_pmem_u64_fmt(imp->ino, buf);
	case XFS_PMEM_IC_FOFFSET:
		if (imp->owner != PMF_OWN_DATA && imp->owner != PMF_OWN_ATTR)
			return "";
		return xfs_pmem_u64_fmt(imp->offset, buf);
	case XFS_PMEM_IC_FLAGS:
		return pmf_impact_flags_name(imp, buf, len);
	case XFS_PMEM_IC_EFFECT:
		return pmf_consequence_name(imp->consequence);
	case XFS_PMEM_IC_AG:
		if (imp->dev != PMF_DEV_DATA)
			return "";
		return xfs_pmem_u64_fmt(imp->agno, buf);
	case XFS_PMEM_IC_AGBNO:
		if (imp->dev != PMF_DEV_DATA)
			return "";
		return xfs_pmem_u64_fmt(imp->agbno, buf);
	case XFS_PMEM_IC_BLOCKS:
		return xfs_pmem_u64_fmt(imp->blockcount, buf);
	case XFS_PMEM_IC_HEADERS:
		return xfs_pmem_bits_fmt(imp->headers, xfs_pmem_hdr_names, 4,
				buf, len);
	case XFS_PMEM_IC_MEDIA:
		return xfs_pmem_bits_fmt(imp->act_media, xfs_pmem_act_names, 5,
				buf, len);
	case XFS_PMEM_IC_REMOVE:
		return xfs_pmem_bits_fmt(imp->act_remove, xfs_pmem_act_names,
				5, buf, len);
	case XFS_PMEM_IC_METAFILE:
		return imp->metafile ? imp->metafile : "";
	case XFS_PMEM_IC_CHECK:
		return chk ? pmf_check_name(chk->check) : "";
	case XFS_PMEM_IC_DETAIL:
		return chk ? chk->detail : "";
	case XFS_PMEM_IC_RANGE:
		if (!io->range)
			return "";
		snprintf(buf, len, "%llu+%llu",
				(unsigned long long)io->range->offset,
				(unsigned long long)io->range->length);
		return buf;
	default:
		return "";
	}
}

/* The cell of column @col for a libsmartcols line; NULL: out of memory. */
static char *
xfs_pmem_impact_cell(
	int				col,
	const struct xfs_pmem_impact_out *io,
	const struct pmf_impact		*imp,
	const struct pmf_check_result	*chk,
	bool				child)
{
	char				buf[XFS_PMEM_CELL_MAX];

	if (col == XFS_PMEM_IC_PATH)
		return xfs_pmem_paths_str(imp->paths, imp->npaths);
	return strdup(xfs_pmem_impact_val(col, io, imp, chk, child, buf));
}

/*
 * Hand cell @i of a row to its line.  An empty list stays unset, so that
 * JSON shows [null] as lsblk does for a device with no mountpoint.
 */
int
xfs_pmem_impact_set(
	struct libscols_line	*ln,
	size_t			i,
	int			col,
	char			*cell)
{
	if (!cell)
		return -ENOMEM;
	if (xfs_pmem_impact_cols[col].type == XFS_PMEM_LIST && !*cell) {
		free(cell);
		return 0;
	}
	return scols_line_refer_data(ln, i, cell) ? -ENOMEM : 0;
}

/* Fill the cells @ids of @ln from @imp (and, for verify, @chk). */
static int
xfs_pmem_impact_fill(
	struct libscols_line		*ln,
	const struct xfs_pmem_impact_out *io,
	const struct pmf_impact		*imp,
	const struct pmf_check_result	*chk,
	bool				child)
{
	for (size_t i = 0; i < io->nids; i++)
		if (xfs_pmem_impact_set(ln, i, io->ids[i],
				xfs_pmem_impact_cell(io->ids[i], io, imp, chk,
					child)))
			return -ENOMEM;
	return 0;
}

/*
 * One allocated inode of a damaged chunk, as a child row of the chunk: the
 * chunk's place and effect, the inode's number, flags, metafile and paths.
 */
static void
xfs_pmem_impact_child(
	const struct pmf_impact		*chunk,
	const struct pmf_inode_hit	*hit,
	struct pmf_impact		*imp)
{
	*imp = *chunk;
	imp->ino = hit->ino;
	imp->paths = hit->paths;
	imp->npaths = hit->npaths;
	imp->metafile = hit->metafile;
	imp->unlinked = hit->unlinked;
	imp->flags &= ~PMF_IMPACT_PATHS_PARTIAL;
	if (hit->paths_partial)
		imp->flags |= PMF_IMPACT_PATHS_PARTIAL;
	imp->inodes = NULL;
	imp->ninodes = 0;
}

/* A row for @imp in the table, and a child row per inode of a chunk. */
static int
xfs_pmem_impact_line(
	const struct xfs_pmem_impact_out *io,
	const struct pmf_impact		*imp,
	const struct pmf_check_result	*chk)
{
	struct libscols_line		*ln, *cl;
	struct pmf_impact		cimp;
	int				error;

	ln = scols_table_new_line(io->tb, NULL);
	if (!ln)
		return -ENOMEM;
	error = xfs_pmem_impact_fill(ln, io, imp, chk, false);
	for (unsigned int i = 0; !error && i < imp->ninodes; i++) {
		xfs_pmem_impact_child(imp, &imp->inodes[i], &cimp);
		cl = scols_table_new_line(io->tb, ln);
		error = cl ? xfs_pmem_impact_fill(cl, io, &cimp, NULL, true) :
			     -ENOMEM;
	}
	return error;
}

/*
 * One JSON object, as libsmartcols writes it (doc/simulate-json.md): an
 * empty cell is null, a list an array, numbers bare.
 */
static void
xfs_pmem_impact_json(
	const struct xfs_pmem_impact_out *io,
	const struct pmf_impact		*imp,
	const struct pmf_check_result	*chk,
	bool				child)
{
	FILE				*f = io->f;
	char				buf[XFS_PMEM_CELL_MAX];
	struct pmf_impact		cimp;

	fputs_unlocked(child ? "{" : "\n      {", f);
	for (size_t i = 0; i < io->nids; i++) {
		const struct xfs_pmem_col *c = &xfs_pmem_impact_cols[io->ids[i]];
		const char	*v;

		fputs_unlocked(io->keys[i] + (i ? 0 : 2), f);
		if (c->type == XFS_PMEM_LIST) {
			putc_unlocked('[', f);
			for (unsigned int j = 0; j < imp->npaths; j++) {
				fputs_unlocked(j ? ", " : "", f);
				xfs_pmem_json_str(f, imp->paths[j]);
			}
			fputs_unlocked(imp->npaths ? "]" : "null]", f);
			continue;
		}
		v = xfs_pmem_impact_val(io->ids[i], io, imp, chk, child, buf);
		if (!*v)
			fputs_unlocked("null", f);
		else if (c->type == XFS_PMEM_NUM ||
			 (c->type == XFS_PMEM_SIZE && io->out->bytes))
			fputs_unlocked(v, f);
		else
			xfs_pmem_json_str(f, v);
	}
	if (imp->ninodes) {
		fputs(",\n         \"children\": [", f);
		for (unsigned int i = 0; i < imp->ninodes; i++) {
			fputs(i ? ",\n            " : "\n            ", f);
			xfs_pmem_impact_child(imp, &imp->inodes[i], &cimp);
			xfs_pmem_impact_json(io, &cimp, NULL, true);
		}
		fputs("\n         ]", f);
	}
	fputc('}', f);
}

/*
 * Print the table's rows and start an empty one: the headings go out once,
 * with the first rows.
 */
static int
xfs_pmem_impact_table_flush(
	struct xfs_pmem_impact_out	*io)
{
	if (!io->held && io->headed)
		return 0;
	scols_table_set_stream(io->tb, io->f);
	if (scols_print_table(io->tb))
		return -EIO;
	io->headed = true;
	io->held = 0;
	scols_table_remove_lines(io->tb);
	scols_table_enable_noheadings(io->tb, 1);
	return 0;
}

/* Lines of a streamed table held before they are printed. */
#define XFS_PMEM_STREAM_BATCH	4096

/* A row for @imp, and a child row for each inode of a damaged chunk. */
int
xfs_pmem_impact_add(
	struct xfs_pmem_impact_out	*io,
	const struct pmf_impact		*imp,
	const struct pmf_check_result	*chk)
{
	int				error;

	if (io->f && io->out->json) {
		if (io->rows++)
			fputc(',', io->f);
		xfs_pmem_impact_json(io, imp, chk, false);
		return ferror(io->f) ? -EIO : 0;
	}
	error = xfs_pmem_impact_line(io, imp, chk);
	if (error || !io->f)
		return error;
	io->rows++;
	/* An inode chunk's row brings up to 64 more. */
	io->held += 1 + imp->ninodes;
	if (io->held < XFS_PMEM_STREAM_BATCH)
		return 0;
	return xfs_pmem_impact_table_flush(io);
}

/*
 * Write the rows to @f as they are added, rather than keep them for one
 * table: the report of a whole device takes no more memory than a batch.
 * JSON is the member "NAME": [...] alone; the caller writes the braces.
 * The text table's columns are sized batch by batch.
 */
int
xfs_pmem_impact_stream(
	struct xfs_pmem_impact_out	*io,
	FILE				*f)
{
	io->f = f;
	io->rows = 0;
	io->held = 0;
	io->headed = false;
	/*
	 * libsmartcols names a member after its column, in lower case: each
	 * key is kept as ', "name": ', ready to write.
	 */
	for (size_t i = 0; i < io->nids; i++) {
		const char	*name = xfs_pmem_impact_cols[io->ids[i]].name;
		char		*k = io->keys[i];

		k += sprintf(k, ", \"");
		for (; *name; name++)
			*k++ = tolower((unsigned char)*name);
		strcpy(k, "\": ");
	}
	if (io->out->json)
		fprintf(f, "   \"%s\": [", scols_table_get_name(io->tb));
	return ferror(f) ? -EIO : 0;
}

/* The end of a streamed table. */
int
xfs_pmem_impact_end(
	struct xfs_pmem_impact_out	*io)
{
	int				error = 0;

	if (io->out->json)
		fputs(io->rows ? "\n   ]" : "]", io->f);
	else
		error = xfs_pmem_impact_table_flush(io);
	if (!error && (fflush(io->f) || ferror(io->f)))
		error = -EIO;
	return error;
}

/* The impacts table @name of the columns @ids. */
int
xfs_pmem_impact_table(
	struct xfs_pmem_impact_out	*io,
	const char			*name,
	const int			*ids,
	size_t				nids,
	const struct xfs_pmem_out	*out)
{
	memset(io, 0, sizeof(*io));
	io->ids = ids;
	io->nids = nids;
	io->out = out;
	io->tb = xfs_pmem_table_new(name, xfs_pmem_impact_cols, ids, nids,
			out);
	return io->tb ? 0 : -ENOMEM;
}

/* Pick the impact columns of -o @list, or @defaults. */
int
xfs_pmem_impact_cols_select(
	const char			*list,
	const int			*defaults,
	size_t				ndefaults,
	int				*ids,
	size_t				*nids)
{
	return xfs_pmem_cols_select(list, xfs_pmem_impact_cols,
			XFS_PMEM_IC_NR, defaults, ndefaults, ids, nids);
}
