// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (c) 2026 The pmemfail authors.
 *
 * xfs_pmem: what a lost range of an XFS device held, and what to do.
 */
#include <getopt.h>
#include <malloc.h>
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

/*
 * A bad option: one line, as for every other usage error.  Commands call
 * getopt with a leading ':' and opterr off, so that this is the only word.
 */
int
xfs_pmem_bad_option(
	const char	*cmd,
	int		c,
	char		**argv)
{
	const char	*arg = argv[optind - 1];

	if (c == ':')
		xfs_pmem_err("%s: option '%s' needs a value", cmd, arg);
	else
		xfs_pmem_err("%s: unknown option '%s' (see '%s %s --help')", cmd,
				arg, progname, cmd);
	return XFS_PMEM_EXIT_USAGE;
}

static const struct {
	const char	*name;
	int		(*fn)(int argc, char **argv);
	const char	*help;
} commands[] = {
	{ "info",	xfs_pmem_info,	   "show geometry and features" },
	{ "simulate",	xfs_pmem_simulate, "report what a lost range or device held" },
	{ "verify",	xfs_pmem_verify,   "check what an event really damaged in a range" },
	{ "repair",	xfs_pmem_repair,   "recover after a loss: xfs_repair, unmap lost data, record it" },
	{ "undo",	xfs_pmem_undo,	   "put back what a repair overwrote, from its undo file" },
	{ "inject",	xfs_pmem_inject,   "damage a range of an unmounted device (tests, demos)" },
	{ "invalidate",	xfs_pmem_invalidate, "SIGBUS the mappers of a lost range and drop it from the page cache" },
	{ "watch",	xfs_pmem_watch,	   "report every media error of a mounted filesystem as it happens" },
	{ "badblocks",	xfs_pmem_badblocks, "report what the kernel's bad-block lists of the devices hit" },
};

static void
usage(void)
{
	FILE		*f = stdout;

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
	/*
	 * A whole device's walk frees and allocates libxfs buffers all the
	 * way: give freed memory back to the system as it goes, so that the
	 * heap does not grow with the number of blocks read.
	 */
	mallopt(M_TOP_PAD, 0);
	mallopt(M_TRIM_THRESHOLD, 64 << 10);
	if (argc < 2) {
		xfs_pmem_err("no command given (see '%s --help')", progname);
		return XFS_PMEM_EXIT_USAGE;
	}
	opterr = 0;
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		usage();
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
	xfs_pmem_err("unknown command '%s' (see '%s --help')", argv[1], progname);
	return XFS_PMEM_EXIT_USAGE;
}
