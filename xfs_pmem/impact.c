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

static char *
xfs_pmem_impact_flags(
	const struct pmf_impact	*imp)
{
	char			buf[PMF_FLAGS_NAME_MAX];

	return strdup(pmf_impact_flags_name(imp, buf, sizeof(buf)));
}

static char *
xfs_pmem_bits_str(
	unsigned int		bits,
	const char * const	*names,
	unsigned int		nnames)
{
	char			buf[128] = "";

	for (unsigned int i = 0; i < nnames; i++) {
		if (!(bits & (1U << i)))
			continue;
		strcat(buf, ",");
		strcat(buf, names[i]);
	}
	return strdup(buf[0] ? buf + 1 : "");
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

/* The text of column @col for @imp; NULL when out of memory. */
static char *
xfs_pmem_impact_cell(
	int				col,
	const struct xfs_pmem_impact_out *io,
	const struct pmf_impact		*imp,
	const struct pmf_check_result	*chk)
{
	const struct xfs_pmem_out	*out = io->out;
	char				*s = NULL;
	bool				file = xfs_pmem_owner_is_file(imp->owner);
	int				ret = 0;

	switch (col) {
	case XFS_PMEM_IC_DEV:
		return strdup(pmf_device_name(imp->dev));
	case XFS_PMEM_IC_START:
		ret = asprintf(&s, "%llu", (unsigned long long)imp->daddr << 9);
		break;
	case XFS_PMEM_IC_LENGTH:
		return xfs_pmem_size_str(imp->bbcount << 9, out);
	case XFS_PMEM_IC_OWNER:
		return strdup(pmf_owner_name(imp->owner));
	case XFS_PMEM_IC_INODE:
		if (!file)
			return strdup("");
		ret = asprintf(&s, "%llu", (unsigned long long)imp->ino);
		break;
	case XFS_PMEM_IC_FOFFSET:
		if (imp->owner != PMF_OWN_DATA && imp->owner != PMF_OWN_ATTR)
			return strdup("");
		ret = asprintf(&s, "%llu", (unsigned long long)imp->offset);
		break;
	case XFS_PMEM_IC_FLAGS:
		return xfs_pmem_impact_flags(imp);
	case XFS_PMEM_IC_EFFECT:
		return strdup(pmf_consequence_name(imp->consequence));
	case XFS_PMEM_IC_AG:
		if (imp->dev != PMF_DEV_DATA)
			return strdup("");
		ret = asprintf(&s, "%u", imp->agno);
		break;
	case XFS_PMEM_IC_AGBNO:
		if (imp->dev != PMF_DEV_DATA)
			return strdup("");
		ret = asprintf(&s, "%u", imp->agbno);
		break;
	case XFS_PMEM_IC_BLOCKS:
		ret = asprintf(&s, "%u", imp->blockcount);
		break;
	case XFS_PMEM_IC_HEADERS:
		return xfs_pmem_bits_str(imp->headers, xfs_pmem_hdr_names, 4);
	case XFS_PMEM_IC_MEDIA:
		return xfs_pmem_bits_str(imp->act_media, xfs_pmem_act_names, 5);
	case XFS_PMEM_IC_REMOVE:
		return xfs_pmem_bits_str(imp->act_remove, xfs_pmem_act_names, 5);
	case XFS_PMEM_IC_METAFILE:
		return strdup(imp->metafile ? imp->metafile : "");
	case XFS_PMEM_IC_PATH:
		return xfs_pmem_paths_str(imp->paths, imp->npaths);
	case XFS_PMEM_IC_CHECK:
		return strdup(chk ? pmf_check_name(chk->check) : "");
	case XFS_PMEM_IC_DETAIL:
		return strdup(chk ? chk->detail : "");
	case XFS_PMEM_IC_RANGE:
		if (!io->range)
			return strdup("");
		ret = asprintf(&s, "%llu+%llu",
				(unsigned long long)io->range->offset,
				(unsigned long long)io->range->length);
		break;
	default:
		return strdup("");
	}
	return ret < 0 ? NULL : s;
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
	const struct pmf_check_result	*chk)
{
	for (size_t i = 0; i < io->nids; i++)
		if (xfs_pmem_impact_set(ln, i, io->ids[i],
				xfs_pmem_impact_cell(io->ids[i], io, imp, chk)))
			return -ENOMEM;
	return 0;
}

/*
 * One allocated inode of a damaged chunk, as a child row of the chunk: the
 * chunk's place and effect, the inode's number, flags, metafile and paths.
 */
static int
xfs_pmem_impact_inode(
	const struct xfs_pmem_impact_out *io,
	struct libscols_line		*parent,
	const struct pmf_impact		*chunk,
	const struct pmf_inode_hit	*hit)
{
	struct libscols_line		*ln;
	struct pmf_impact		imp = *chunk;

	imp.owner = PMF_OWN_INODES;
	imp.ino = hit->ino;
	imp.paths = hit->paths;
	imp.npaths = hit->npaths;
	imp.metafile = hit->metafile;
	imp.unlinked = hit->unlinked;
	imp.flags &= ~PMF_IMPACT_PATHS_PARTIAL;
	if (hit->paths_partial)
		imp.flags |= PMF_IMPACT_PATHS_PARTIAL;
	imp.ninodes = 0;
	ln = scols_table_new_line(io->tb, parent);
	if (!ln)
		return -ENOMEM;
	for (size_t i = 0; i < io->nids; i++) {
		char	*cell;

		if (io->ids[i] == XFS_PMEM_IC_INODE) {
			if (asprintf(&cell, "%llu",
				     (unsigned long long)hit->ino) < 0)
				cell = NULL;
		} else if (io->ids[i] == XFS_PMEM_IC_OWNER) {
			cell = strdup("inode");
		} else {
			cell = xfs_pmem_impact_cell(io->ids[i], io, &imp,
					NULL);
		}
		if (xfs_pmem_impact_set(ln, i, io->ids[i], cell))
			return -ENOMEM;
	}
	return 0;
}

/* A row for @imp, and a child row for each inode of a damaged chunk. */
int
xfs_pmem_impact_add(
	const struct xfs_pmem_impact_out *io,
	const struct pmf_impact		*imp,
	const struct pmf_check_result	*chk)
{
	struct libscols_line		*ln;
	int				error;

	ln = scols_table_new_line(io->tb, NULL);
	if (!ln)
		return -ENOMEM;
	error = xfs_pmem_impact_fill(ln, io, imp, chk);
	for (unsigned int i = 0; !error && i < imp->ninodes; i++)
		error = xfs_pmem_impact_inode(io, ln, imp, &imp->inodes[i]);
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
	io->ids = ids;
	io->nids = nids;
	io->out = out;
	io->range = NULL;
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
