// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (c) 2026 The pmemfail authors.
 *
 * xfs_pmem: what a lost range of an XFS device held, and what to do.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "config.h"
#include "xfs_pmem.h"

void
xfs_pmem_err(
	const char	*fmt,
	...)
{
	va_list		ap;

	fprintf(stderr, "%s: ", progname);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static const struct {
	const char	*name;
	int		(*fn)(int argc, char **argv);
	const char	*help;
} commands[] = {
	{ "info",	xfs_pmem_info,	   "show geometry and features" },
	{ "simulate",	xfs_pmem_simulate, "report what a lost range or device held" },
};

static void
usage(
	FILE		*f)
{
	fprintf(f, "Usage: %s COMMAND [ARGS]\n\nCommands:\n", progname);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].help);
	fprintf(f, "\n'%s COMMAND --help' describes a command; see xfs_pmem(8).\n",
		progname);
}

int
main(
	int		argc,
	char		**argv)
{
	/* libxfs owns progname and prints its own messages under it. */
	progname = "xfs_pmem";
	if (argc < 2) {
		usage(stderr);
		return XFS_PMEM_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		usage(stdout);
		return XFS_PMEM_EXIT_CLEAN;
	}
	if (!strcmp(argv[1], "-V") || !strcmp(argv[1], "--version")) {
		printf("%s (pmemfail) %s, xfsprogs %s\n", progname,
		       PACKAGE_VERSION, XFSPROGS_VERSION);
		return XFS_PMEM_EXIT_CLEAN;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].fn(argc - 1, argv + 1);
	xfs_pmem_err("unknown command '%s'", argv[1]);
	usage(stderr);
	return XFS_PMEM_EXIT_USAGE;
}
