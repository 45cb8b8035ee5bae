// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (c) 2026 The pmemfail authors.
 *
 * xfs_pmem repair: after a range of a device was lost, make a plan, show
 * it, and with --apply carry it out:
 *
 *  1. damaged metadata: xfsprogs' xfs_repair (with -L only if --zap-log);
 *  2. lost file data: unmap it through libxfs transactions, so that it
 *     reads back as a hole, and record it in trusted.pmemfail.lost;
 *  3. the failed blocks that are free now go to /pmemfail-quarantine, so
 *     that they are never handed out again;
 *  4. a manifest (JSON) of the files, ranges and metadata lost, and of the
 *     quarantined extents.
 *
 * Every byte either step overwrites goes to an undo file first, and
 * xfs_pmem undo puts it back.
 *
 * The steps that open the filesystem run in child processes.  libxfs can
 * be set up only once per process, and the plan reads the filesystem
 * read-only while the data step writes it after xfs_repair: each gets a
 * process of its own, and this one never touches libxfs.  The children
 * send their records back over a pipe (repair_wire.c).
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "config.h"
#include "repair.h"

#ifndef PMF_XFS_REPAIR
# define PMF_XFS_REPAIR		"xfs_repair"
#endif

static void
repair_usage(void)
{
	printf(
"Usage: %s repair DATA [-l LOGDEV] [-r RTDEV] --device data|log|rt\n"
"                 (--offset N --length N | --whole | --badblocks FILE |\n"
"                  --ndctl-json FILE) [--apply]\n"
"                 [--undo FILE] [--manifest FILE] [--zap-log]\n"
"                 [--restore-orphans] [--json]\n"
"\nAfter a range of a device was lost: plan the repair and, with --apply,\n"
"carry it out: xfs_repair for damaged metadata, lost file data unmapped\n"
"(it then reads as a hole) and recorded in trusted.pmemfail.lost, the\n"
"failed blocks that are free then quarantined in /pmemfail-quarantine, and\n"
"a manifest of what was lost: with what became of every path (intact,\n"
"data-lost, inode-lost, name-lost, orphaned, attr-lost), from the tree as\n"
"it read before xfs_repair and after.  Every overwritten byte goes to the undo file\n"
"first; \"%s undo FILE --yes\" puts it back.\n"
"\nOptions:\n"
"  -l, --logdev DEV     external log device or image\n"
"  -r, --rtdev DEV      realtime device or image\n"
"  -d, --device DEV     the failed device: data, log or rt\n"
"      --offset N       start of the failed range\n"
"      --length N       length of the failed range\n"
"      --whole          the whole device failed\n"
"      --badblocks FILE the failed ranges as the kernel's bad-block list\n"
"      --ndctl-json FILE  the failed ranges as ndctl list --media-errors\n"
"      --apply          carry the plan out (the default only shows it)\n"
"      --undo FILE      undo file to create (default DATA.pmemfail-undo)\n"
"      --manifest FILE  where the manifest goes\n"
"                       (default DATA.pmemfail-manifest.json)\n"
"      --zap-log        allow xfs_repair -L: changes only in the log are lost\n"
"      --restore-orphans  move the files xfs_repair put in lost+found back\n"
"                       to their old paths, where those are known, their\n"
"                       directory is there and the name is free\n"
"  -J, --json           print the plan as JSON (the manifest's \"files\" and\n"
"                       \"metadata\"); not with --apply\n"
"      --xfs-repair P   the xfs_repair to run (default: the build's)\n"
"  -h, --help           this help\n"
"\nOn a mounted filesystem, \"%s repair --online MOUNTPOINT ...\" has the\n"
"kernel repair what the range held (see \"%s repair --online --help\").\n"
"\nExit status (as fsck): 0 nothing to repair, 1 repaired, 4 repair needed\n"
"(dry run), 8 operational error, 12 (4 and 8) a step failed and the repair\n"
"is left undone, 16 usage error.\n",
		progname, progname, progname, progname);
}

static int
repair_parse_args(
	int			argc,
	char			**argv,
	struct repair_args	*ra)
{
	enum { OPT_APPLY = 256, OPT_UNDO, OPT_MANIFEST, OPT_ZAPLOG,
	       OPT_XFS_REPAIR, OPT_RESTORE };
	static const struct option longopts[] = {
		XFS_PMEM_LONGOPTS_DEVS,
		XFS_PMEM_LONGOPTS_RANGE,
		XFS_PMEM_LONGOPTS_WHOLE,
		XFS_PMEM_LONGOPTS_LIST,
		{ "apply",	no_argument,	   NULL, OPT_APPLY },
		{ "undo",	required_argument, NULL, OPT_UNDO },
		{ "manifest",	required_argument, NULL, OPT_MANIFEST },
		{ "zap-log",	no_argument,	   NULL, OPT_ZAPLOG },
		{ "restore-orphans", no_argument,  NULL, OPT_RESTORE },
		{ "xfs-repair",	required_argument, NULL, OPT_XFS_REPAIR },
		{ "json",	no_argument,	   NULL, 'J' },
		{ "help",	no_argument,	   NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int			c;

	ra->t.cmd = "repair";
	ra->t.devmask = XFS_PMEM_DEVS_ALL;
	ra->t.whole_ok = true;
	ra->t.list_ok = true;
	ra->xfs_repair = getenv("PMF_XFS_REPAIR");
	if (!ra->xfs_repair)
		ra->xfs_repair = PMF_XFS_REPAIR;
	while ((c = getopt_long(argc, argv, ":l:r:d:Jh", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_APPLY: ra->apply = true; break;
		case OPT_UNDO: ra->undo = optarg; break;
		case OPT_MANIFEST: ra->manifest = optarg; break;
		case OPT_ZAPLOG: ra->zap_log = true; break;
		case OPT_RESTORE: ra->restore_orphans = true; break;
		case OPT_XFS_REPAIR: ra->xfs_repair = optarg; break;
		case 'J': ra->json = true; break;
		case 'h': repair_usage(); return 1;
		default:
			if (xfs_pmem_target_opt(&ra->t, c, optarg))
				break;
			xfs_pmem_bad_option("repair", c, argv);
			return -EINVAL;
		}
	}
	if (optind != argc - 1) {
		xfs_pmem_err("repair: expected exactly one data device");
		return -EINVAL;
	}
	ra->data = argv[optind];
	if (xfs_pmem_target_check(&ra->t))
		return -EINVAL;
	if (ra->json && ra->apply) {
		xfs_pmem_err("repair: --json prints the plan; the manifest of --apply is JSON already");
		return -EINVAL;
	}
	return 0;
}

/*
 * Run @fn in a child and keep the records it sends in @plan: 0, or the
 * child's exit code (8 or 16) after it said why.
 */
int
repair_run_step(
	const struct repair_args	*ra,
	repair_step_fn			fn,
	struct repair_plan		*plan)
{
	struct repair_item		it;
	int				pfd[2], status, got = 0;
	FILE				*in;
	pid_t				pid;

	fflush(stdout);
	fflush(stderr);
	if (pipe(pfd) < 0)
		return -errno;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		FILE	*out;
		int	rc;

		close(pfd[0]);
		out = fdopen(pfd[1], "w");
		if (!out)
			_exit(XFS_PMEM_EXIT_ERROR);
		rc = fn(ra, out);
		if (fclose(out) && !rc)
			rc = XFS_PMEM_EXIT_ERROR;
		_exit(rc);
	}
	close(pfd[1]);
	in = fdopen(pfd[0], "r");
	if (!in) {
		got = -errno;
		close(pfd[0]);
	}
	while (in && (got = repair_wire_get(in, &it)) > 0)
		if ((got = repair_plan_add(plan, &it)) < 0)
			break;
	if (in)
		fclose(in);
	if (waitpid(pid, &status, 0) < 0)
		return -errno;
	if (!WIFEXITED(status)) {
		xfs_pmem_err("repair: a repair step was killed by signal %d",
				WTERMSIG(status));
		return XFS_PMEM_EXIT_ERROR;
	}
	/* Ours exit 0, 8 or 16; anything else (libxfs's exit(1)) failed. */
	status = WEXITSTATUS(status);
	if (status != 0 && status != XFS_PMEM_EXIT_USAGE)
		status = XFS_PMEM_EXIT_ERROR;
	/* A step that ended well must have sent what it said it sent. */
	if (!status && got < 0) {
		xfs_pmem_err("repair: reading a repair step's records: %s",
				strerror(-got));
		status = XFS_PMEM_EXIT_ERROR;
	}
	return status;
}

int
xfs_pmem_repair(
	int			argc,
	char			**argv)
{
	struct repair_args	ra = { 0 };
	struct repair_plan	plan = { 0 };
	int			ret;

	/* On a mount point, the kernel repairs: another command line. */
	for (int i = 1; i < argc && strcmp(argv[i], "--"); i++)
		if (!strcmp(argv[i], "--online"))
			return xfs_pmem_repair_online(argc, argv);
	ret = repair_parse_args(argc, argv, &ra);
	if (ret)
		return ret > 0 ? XFS_PMEM_EXIT_CLEAN : XFS_PMEM_EXIT_USAGE;
	/* Read once, here: each step parses it in its own process. */
	if (xfs_pmem_target_load(&ra.t)) {
		free(ra.t.list);
		return XFS_PMEM_EXIT_ERROR;
	}
	ret = repair_run_step(&ra, repair_plan_step, &plan);
	if (ret != 0) {
		ret = ret < 0 ? XFS_PMEM_EXIT_ERROR : ret;
		goto out;
	}
	if (ra.json) {
		if (repair_plan_json(&plan)) {
			xfs_pmem_err("repair: out of memory");
			ret = XFS_PMEM_EXIT_ERROR;
			goto out;
		}
	} else {
		repair_print_plan(&ra, &plan);
	}
	if (!ra.apply)
		ret = (plan.meta || plan.log || plan.nr) ?
			REPAIR_EXIT_NEEDED : REPAIR_EXIT_NOTHING;
	else
		ret = repair_apply(&ra, &plan);
out:
	repair_plan_free(&plan);
	free(ra.t.list);
	return ret;
}
