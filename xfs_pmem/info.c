// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (c) 2026 The pmemfail authors.
 *
 * xfs_pmem info: the geometry and features pmemfail sees, from the
 * superblock, for checking a device set before anything else is asked.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "xfs_pmem.h"

enum {
	COL_UUID, COL_LABEL, COL_BLOCKSIZE, COL_SECTSIZE, COL_INODESIZE,
	COL_AGCOUNT, COL_AGBLOCKS, COL_DBLOCKS, COL_LOGBLOCKS, COL_LOGSTART,
	COL_RBLOCKS, COL_REXTSIZE, COL_CRC, COL_FINOBT, COL_SPARSE, COL_RMAPBT,
	COL_REFLINK, COL_PARENT, COL_METADIR, COL_REALTIME, COL_RTGROUPS,
	COL_RTRMAP, COL_RTRMAP_SUPPORTED, COL_EXTLOG, COL_CLEAN, COL_DATADEV,
	COL_DATASIZE, COL_LOGDEV, COL_LOGSIZE, COL_RTDEV, COL_RTSIZE,
	COL_NR,
};

static const struct xfs_pmem_col info_cols[COL_NR] = {
	[COL_UUID]	= { "UUID", 36, 0, XFS_PMEM_STR, "filesystem UUID" },
	[COL_LABEL]	= { "LABEL", 12, 0, XFS_PMEM_STR, "filesystem label" },
	[COL_BLOCKSIZE]	= { "BLOCKSIZE", 6, SCOLS_FL_RIGHT, XFS_PMEM_NUM, "filesystem block size, bytes" },
	[COL_SECTSIZE]	= { "SECTSIZE", 6, SCOLS_FL_RIGHT, XFS_PMEM_NUM, "data device sector size, bytes" },
	[COL_INODESIZE]	= { "INODESIZE", 6, SCOLS_FL_RIGHT, XFS_PMEM_NUM, "inode size, bytes" },
	[COL_AGCOUNT]	= { "AGCOUNT", 6, SCOLS_FL_RIGHT, XFS_PMEM_NUM, "allocation groups" },
	[COL_AGBLOCKS]	= { "AGBLOCKS", 10, SCOLS_FL_RIGHT, XFS_PMEM_NUM, "blocks per allocation group" },
	[COL_DBLOCKS]	= { "DBLOCKS", 12, SCOLS_FL_RIGHT, XFS_PMEM_NUM, "data device blocks" },
	[COL_LOGBLOCKS]	= { "LOGBLOCKS", 10, SCOLS_FL_RIGHT, XFS_PMEM_NUM, "log blocks" },
	[COL_LOGSTART]	= { "LOGSTART", 10, SCOLS_FL_RIGHT, XFS_PMEM_NUM, "first block of an internal log, 0 if external" },
	[COL_RBLOCKS]	= { "RBLOCKS", 12, SCOLS_FL_RIGHT, XFS_PMEM_NUM, "realtime device blocks" },
	[COL_REXTSIZE]	= { "REXTSIZE", 6, SCOLS_FL_RIGHT, XFS_PMEM_NUM, "realtime extent size, blocks" },
	[COL_CRC]	= { "CRC", 3, 0, XFS_PMEM_BOOL, "metadata checksums (v5)" },
	[COL_FINOBT]	= { "FINOBT", 3, 0, XFS_PMEM_BOOL, "free inode btree" },
	[COL_SPARSE]	= { "SPARSE", 3, 0, XFS_PMEM_BOOL, "sparse inode chunks" },
	[COL_RMAPBT]	= { "RMAPBT", 3, 0, XFS_PMEM_BOOL, "reverse-mapping btree" },
	[COL_REFLINK]	= { "REFLINK", 3, 0, XFS_PMEM_BOOL, "shared extents (refcount btree)" },
	[COL_PARENT]	= { "PARENT", 3, 0, XFS_PMEM_BOOL, "parent pointers" },
	[COL_METADIR]	= { "METADIR", 3, 0, XFS_PMEM_BOOL, "metadata directory tree" },
	[COL_REALTIME]	= { "REALTIME", 3, 0, XFS_PMEM_BOOL, "has a realtime section" },
	[COL_RTGROUPS]	= { "RTGROUPS", 3, 0, XFS_PMEM_BOOL, "realtime allocation groups" },
	[COL_RTRMAP]	= { "RTRMAP", 3, 0, XFS_PMEM_BOOL, "realtime reverse-mapping btree on disk" },
	[COL_RTRMAP_SUPPORTED] = { "RTRMAP-SUPPORTED", 3, 0, XFS_PMEM_BOOL, "this build can read the realtime rmap" },
	[COL_EXTLOG]	= { "EXTLOG", 3, 0, XFS_PMEM_BOOL, "external log device" },
	[COL_CLEAN]	= { "CLEAN", 3, 0, XFS_PMEM_BOOL, "log is clean" },
	[COL_DATADEV]	= { "DATADEV", 20, 0, XFS_PMEM_STR, "data device" },
	[COL_DATASIZE]	= { "DATASIZE", 6, SCOLS_FL_RIGHT, XFS_PMEM_SIZE, "data device size" },
	[COL_LOGDEV]	= { "LOGDEV", 20, 0, XFS_PMEM_STR, "external log device" },
	[COL_LOGSIZE]	= { "LOGSIZE", 6, SCOLS_FL_RIGHT, XFS_PMEM_SIZE, "external log device size" },
	[COL_RTDEV]	= { "RTDEV", 20, 0, XFS_PMEM_STR, "realtime device" },
	[COL_RTSIZE]	= { "RTSIZE", 6, SCOLS_FL_RIGHT, XFS_PMEM_SIZE, "realtime device size" },
};

static const uint64_t info_feature[COL_NR] = {
	[COL_CRC]	= PMF_FEAT_CRC,
	[COL_FINOBT]	= PMF_FEAT_FINOBT,
	[COL_SPARSE]	= PMF_FEAT_SPARSE_INODES,
	[COL_RMAPBT]	= PMF_FEAT_RMAPBT,
	[COL_REFLINK]	= PMF_FEAT_REFLINK,
	[COL_PARENT]	= PMF_FEAT_PARENT,
	[COL_METADIR]	= PMF_FEAT_METADIR,
	[COL_REALTIME]	= PMF_FEAT_REALTIME,
	[COL_RTGROUPS]	= PMF_FEAT_RTGROUPS,
	[COL_RTRMAP]	= PMF_FEAT_RTRMAP,
	[COL_EXTLOG]	= PMF_FEAT_EXTERNAL_LOG,
};

static char *
info_value(
	int				col,
	const struct pmf_geometry	*g,
	const struct xfs_pmem_out	*out)
{
	char				*s = NULL;
	unsigned long long		n;

	if (info_feature[col])
		return strdup((g->features & info_feature[col]) ? "yes" : "no");
	switch (col) {
	case COL_UUID:		return strdup(g->uuid);
	case COL_LABEL:		return strdup(g->label);
	case COL_BLOCKSIZE:	n = g->blocksize; break;
	case COL_SECTSIZE:	n = g->sectsize; break;
	case COL_INODESIZE:	n = g->inodesize; break;
	case COL_AGCOUNT:	n = g->agcount; break;
	case COL_AGBLOCKS:	n = g->agblocks; break;
	case COL_DBLOCKS:	n = g->dblocks; break;
	case COL_LOGBLOCKS:	n = g->logblocks; break;
	case COL_LOGSTART:	n = g->logstart; break;
	case COL_RBLOCKS:	n = g->rblocks; break;
	case COL_REXTSIZE:	n = g->rextsize; break;
	case COL_RTRMAP_SUPPORTED:
		return strdup(g->rtrmap_supported ? "yes" : "no");
	case COL_CLEAN:		return strdup(g->clean ? "yes" : "no");
	case COL_DATADEV:	return strdup(g->dev[PMF_DEV_DATA].path);
	case COL_LOGDEV:
		return strdup(g->dev[PMF_DEV_LOG].path ? g->dev[PMF_DEV_LOG].path : "");
	case COL_RTDEV:
		return strdup(g->dev[PMF_DEV_RT].path ? g->dev[PMF_DEV_RT].path : "");
	case COL_DATASIZE:
		return xfs_pmem_size_str(g->dev[PMF_DEV_DATA].size, out);
	case COL_LOGSIZE:
		if (!g->dev[PMF_DEV_LOG].path)
			return strdup("");
		return xfs_pmem_size_str(g->dev[PMF_DEV_LOG].size, out);
	case COL_RTSIZE:
		if (!g->dev[PMF_DEV_RT].path)
			return strdup("");
		return xfs_pmem_size_str(g->dev[PMF_DEV_RT].size, out);
	default:		return strdup("");
	}
	if (asprintf(&s, "%llu", n) < 0)
		return NULL;
	return s;
}

/* JSON: one object with a member per column, as lsblk --json. */
static int
info_print_json(
	const struct pmf_geometry	*g,
	const int			*ids,
	size_t				nids,
	const struct xfs_pmem_out	*out)
{
	struct libscols_table		*tb;
	struct libscols_line		*ln;
	int				error = 0;

	tb = xfs_pmem_table_new("filesystems", info_cols, ids, nids, out);
	if (!tb)
		return -ENOMEM;
	ln = scols_table_new_line(tb, NULL);
	for (size_t i = 0; ln && i < nids; i++)
		if (scols_line_refer_data(ln, i, info_value(ids[i], g, out)))
			error = -ENOMEM;
	if (!ln)
		error = -ENOMEM;
	if (!error)
		scols_print_table(tb);
	scols_unref_table(tb);
	return error;
}

/* A terminal gets one field per row: the full set is too wide for a line. */
static int
info_print_fields(
	const struct pmf_geometry	*g,
	const int			*ids,
	size_t				nids,
	const struct xfs_pmem_out	*out)
{
	static const struct xfs_pmem_col kv_cols[] = {
		{ "FIELD", 16, 0, XFS_PMEM_STR, "" },
		{ "VALUE", 40, 0, XFS_PMEM_STR, "" },
	};
	static const int		kv_ids[] = { 0, 1 };
	struct libscols_table		*tb;
	int				error = 0;

	tb = xfs_pmem_table_new("filesystem", kv_cols, kv_ids, 2, out);
	if (!tb)
		return -ENOMEM;
	for (size_t i = 0; i < nids && !error; i++) {
		struct libscols_line	*ln = scols_table_new_line(tb, NULL);

		if (!ln ||
		    scols_line_set_data(ln, 0, info_cols[ids[i]].name) ||
		    scols_line_refer_data(ln, 1, info_value(ids[i], g, out)))
			error = -ENOMEM;
	}
	if (!error)
		scols_print_table(tb);
	scols_unref_table(tb);
	return error;
}

static void
info_usage(void)
{
	printf(
"Usage: %s info DATA [-l LOGDEV] [-r RTDEV] [options]\n"
"\nShow the geometry and features of an unmounted XFS filesystem.\n"
"\nOptions:\n"
"  -l, --logdev DEV     external log device or image\n"
"  -r, --rtdev DEV      realtime device or image\n"
"  -o, --output LIST    columns to show (+LIST adds to the defaults)\n"
"  -J, --json           JSON output\n"
"  -R, --raw            raw output\n"
"  -n, --noheadings     don't print headings\n"
"  -b, --bytes          sizes in bytes\n"
"  -h, --help           this help\n", progname);
	xfs_pmem_cols_help(info_cols, COL_NR);
}

int
xfs_pmem_info(
	int				argc,
	char				**argv)
{
	static const struct option	longopts[] = {
		XFS_PMEM_LONGOPTS_DEVS,
		XFS_PMEM_LONGOPTS_OUTPUT,
		XFS_PMEM_LONGOPTS_BYTES,
		{ "help",	no_argument,	   NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct xfs_pmem_out		out = { 0 };
	struct xfs_pmem_target		t = { .cmd = "info" };
	struct pmf_geometry		geo;
	struct pmf_fs			*fs;
	int				ids[XFS_PMEM_MAXCOLS];
	int				defaults[COL_NR];
	size_t				nids;
	int				c;

	while ((c = getopt_long(argc, argv, ":l:r:o:JRnbh", longopts, NULL)) != -1) {
		if (c == 'h') {
			info_usage();
			return XFS_PMEM_EXIT_CLEAN;
		}
		if (!xfs_pmem_target_opt(&t, c, optarg) &&
		    !xfs_pmem_out_opt(&out, c, optarg))
			return xfs_pmem_bad_option("info", c, argv);
	}
	if (optind != argc - 1) {
		xfs_pmem_err("info: expected exactly one data device");
		return XFS_PMEM_EXIT_USAGE;
	}
	for (int i = 0; i < COL_NR; i++)
		defaults[i] = i;
	if (xfs_pmem_cols_select(out.columns, info_cols, COL_NR, defaults,
			COL_NR, ids, &nids))
		return XFS_PMEM_EXIT_USAGE;

	if (xfs_pmem_open_flags(argv[optind], t.log, t.rt, PMF_OPEN_MOUNTED, &fs))
		return XFS_PMEM_EXIT_ERROR;
	pmf_get_geometry(fs, &geo);
	if (out.json ? info_print_json(&geo, ids, nids, &out) :
		       info_print_fields(&geo, ids, nids, &out)) {
		xfs_pmem_err("out of memory");
		pmf_close(fs);
		return XFS_PMEM_EXIT_ERROR;
	}
	pmf_close(fs);
	return XFS_PMEM_EXIT_CLEAN;
}
