// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (c) 2026 The pmemfail authors.
 *
 * pmfinfo: the geometry and features libpmemfail sees, from inside xfs_db.
 */
#include "libxfs.h"
#include "command.h"
#include "output.h"
#include "init.h"
#include "pmemfail.h"
#include "pmf_db.h"

static const struct {
	uint64_t	feat;
	const char	*name;
} pmfinfo_feats[] = {
	{ PMF_FEAT_CRC,			"crc" },
	{ PMF_FEAT_FINOBT,		"finobt" },
	{ PMF_FEAT_SPARSE_INODES,	"sparse" },
	{ PMF_FEAT_RMAPBT,		"rmapbt" },
	{ PMF_FEAT_REFLINK,		"reflink" },
	{ PMF_FEAT_PARENT,		"parent" },
	{ PMF_FEAT_METADIR,		"metadir" },
	{ PMF_FEAT_REALTIME,		"realtime" },
	{ PMF_FEAT_RTGROUPS,		"rtgroups" },
	{ PMF_FEAT_RTRMAP,		"rtrmap" },
	{ PMF_FEAT_EXTERNAL_LOG,	"extlog" },
};

static int
pmfinfo_f(
	int			argc,
	char			**argv)
{
	struct pmf_fs		*fs = pmf_db_fs();
	struct pmf_geometry	g;

	if (!fs) {
		dbprintf(_("pmfinfo: out of memory\n"));
		exitcode = 1;
		return 0;
	}
	pmf_get_geometry(fs, &g);
	dbprintf("uuid = %s\n", g.uuid);
	dbprintf("blocksize = %u\n", g.blocksize);
	dbprintf("sectsize = %u\n", g.sectsize);
	dbprintf("inodesize = %u\n", g.inodesize);
	dbprintf("agcount = %u\n", g.agcount);
	dbprintf("agblocks = %u\n", g.agblocks);
	dbprintf("dblocks = %llu\n", (unsigned long long)g.dblocks);
	dbprintf("logblocks = %llu\n", (unsigned long long)g.logblocks);
	dbprintf("logstart = %llu\n", (unsigned long long)g.logstart);
	dbprintf("rblocks = %llu\n", (unsigned long long)g.rblocks);
	dbprintf("rextsize = %u\n", g.rextsize);
	for (size_t i = 0; i < ARRAY_SIZE(pmfinfo_feats); i++)
		dbprintf("%s = %d\n", pmfinfo_feats[i].name,
			 !!(g.features & pmfinfo_feats[i].feat));
	dbprintf("rtrmap_supported = %d\n", g.rtrmap_supported);
	dbprintf("clean = %d\n", g.clean);
	return 0;
}

static const cmdinfo_t	pmfinfo_cmd =
	{ "pmfinfo", NULL, pmfinfo_f, 0, 0, 0, NULL,
	  N_("show the geometry and features pmemfail sees"), NULL };

void
pmfinfo_init(void)
{
	add_command(&pmfinfo_cmd);
}
