// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (c) 2026 The pmemfail authors.
 *
 * xfs_pmem undo: put back every byte a repair overwrote, from its undo
 * file (libpmemfail/pmf_undo_file.c reads it).
 */
#include <getopt.h>
#include <stdio.h>
#include "xfs_pmem.h"
#include "pmf_undo.h"

int
xfs_pmem_undo(
	int			argc,
	char			**argv)
{
	static const struct option longopts[] = {
		{ "yes",	no_argument,	NULL, 'y' },
		{ "dry-run",	no_argument,	NULL, 'n' },
		{ "help",	no_argument,	NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool			yes = false, dry = false;
	char			errmsg[512] = "";
	uint64_t		nrec;
	int			c, error;

	while ((c = getopt_long(argc, argv, ":nh", longopts, NULL)) != -1) {
		switch (c) {
		case 'y': yes = true; break;
		case 'n': dry = true; break;
		case 'h':
			printf("Usage: %s undo FILE (--yes | --dry-run)\n"
"\nPut back every byte a repair overwrote, newest first, from its undo\n"
"file.  The devices must be unmounted.\n"
"\nExit status: 0 done, 8 operational error, 16 usage error.\n", progname);
			return XFS_PMEM_EXIT_CLEAN;
		default:
			xfs_pmem_bad_option("undo", c, argv);
			return XFS_PMEM_EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		xfs_pmem_err("undo: expected exactly one undo file");
		return XFS_PMEM_EXIT_USAGE;
	}
	if (!yes && !dry) {
		xfs_pmem_err("undo: this rewrites the devices; add --yes (or --dry-run)");
		return XFS_PMEM_EXIT_USAGE;
	}
	error = pmf_undo_replay(argv[optind], dry, &nrec, errmsg, sizeof(errmsg));
	if (error) {
		xfs_pmem_err("undo: %s", errmsg);
		return XFS_PMEM_EXIT_ERROR;
	}
	printf("%s: %llu record(s) %s\n", argv[optind], (unsigned long long)nrec,
			dry ? "found" : "put back");
	return XFS_PMEM_EXIT_CLEAN;
}
