// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (c) 2026 The pmemfail authors.
 *
 * repair --apply: arm the undo file, run xfsprogs' xfs_repair if metadata
 * is damaged, then, in a child, unmap the lost file data (it then reads as
 * a hole), record it in trusted.pmemfail.lost and quarantine the failed
 * blocks that are free; then the account of every path and, with
 * --restore-orphans, the orphans moved back; last, the manifest.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "config.h"
#include "repair.h"
#include "pmf_undo.h"

#ifndef PMF_PKGLIBDIR
# define PMF_PKGLIBDIR		"/usr/local/lib/pmemfail"
#endif

struct data_ctx {
	struct pmf_fs		*fs;
	FILE			*out;
	uint64_t		rtxbytes;	/* one realtime extent */
	uint64_t		ino;		/* of the file being reported */
	struct repair_plan	lost;		/* the lost ranges, before any unmap */
	struct pmf_extent	*free;		/* free extents in the range */
	size_t			nfree;
	size_t			capfree;
};

/*
 * After the unmapping, what is still mapped of a lost range is the lost
 * part of partial rt extents, turned unwritten.
 */
static int
data_left_mapped(
	uint64_t		offset,
	uint64_t		length,
	bool			unwritten,
	void			*priv)
{
	struct data_ctx		*dc = priv;
	struct repair_item	it = {
		.kind	= REPAIR_UNWRITTEN,
		.ino	= dc->ino,
		.start	= offset,
		.length	= length,
	};

	/* bunmapi leaves a partial rt extent mapped only as unwritten. */
	if (!unwritten) {
		xfs_pmem_err("repair: inode %llu: bytes %llu+%llu are still mapped, written, after the unmapping",
				(unsigned long long)dc->ino,
				(unsigned long long)offset,
				(unsigned long long)length);
		return -EUCLEAN;
	}
	return repair_wire_put(dc->out, &it);
}

/* Collect the lost ranges first: every unmap changes the rmapbt. */
static int
data_record(
	const struct pmf_impact	*imp,
	void			*priv)
{
	struct data_ctx		*dc = priv;
	struct repair_item	it = {
		.kind	= REPAIR_DATA,
		.ino	= imp->ino,
		.start	= imp->offset,
		.length	= imp->length,
	};
	int			error;

	if (!pmf_impact_unmaps(imp))
		return 0;
	error = repair_item_set_paths(&it, imp->paths, imp->npaths);
	if (error) {
		repair_item_free(&it);
		return error;
	}
	return repair_plan_add(&dc->lost, &it);
}

/* Free space in the failed range, after the unmapping: to quarantine. */
static int
data_free_record(
	const struct pmf_impact	*imp,
	void			*priv)
{
	struct data_ctx		*dc = priv;

	if (imp->owner != PMF_OWN_FREE)
		return 0;
	if (dc->nfree == dc->capfree) {
		size_t	ncap = dc->capfree ? dc->capfree * 2 : 16;
		void	*p = realloc(dc->free, ncap * sizeof(*dc->free));

		if (!p)
			return -ENOMEM;
		dc->free = p;
		dc->capfree = ncap;
	}
	dc->free[dc->nfree].daddr = imp->daddr;
	dc->free[dc->nfree++].bbcount = imp->bbcount;
	return 0;
}

/*
 * Quarantine the failed blocks that are free now, so that they are never
 * handed out again, and report each extent (bytes).  On the realtime
 * device the unit is the rt extent: what is reported is the whole rt
 * extents quarantined.
 */
static int
data_quarantine(
	struct data_ctx			*dc,
	const struct xfs_pmem_ranges	*rl)
{
	const struct pmf_range		*range = &rl->v[0];
	uint64_t			ino = 0;
	int				error = 0;

	for (size_t i = 0; !error && i < rl->nr; i++)
		error = pmf_query(dc->fs, &rl->v[i], 0, data_free_record, dc);
	if (!error && range->dev == PMF_DEV_RT)
		error = pmf_quarantine_rt(dc->fs, dc->free, dc->nfree, &ino);
	else if (!error)
		error = pmf_quarantine(dc->fs, dc->free, dc->nfree, &ino);
	for (size_t i = 0; !error && i < dc->nfree; i++) {
		uint64_t		start = dc->free[i].daddr << 9;
		uint64_t		end = start + (dc->free[i].bbcount << 9);
		struct repair_item	it = { .kind = REPAIR_QUARANTINE };

		if (range->dev == PMF_DEV_RT) {
			start -= start % dc->rtxbytes;
			end += (dc->rtxbytes - end % dc->rtxbytes) % dc->rtxbytes;
		}
		it.start = start;
		it.length = end - start;
		it.ino = ino;
		error = repair_wire_put(dc->out, &it);
	}
	return error;
}

/*
 * Unmap one lost range and record it; send it on.  A directory or symlink
 * (-EINVAL) was mended by xfs_repair: nothing to do.
 */
static int
data_unmap(
	struct data_ctx			*dc,
	const struct repair_item	*it)
{
	int				error;

	error = pmf_punch(dc->fs, it->ino, it->start, it->length);
	if (error == -EINVAL)
		return 0;
	if (!error)
		error = pmf_mark_lost(dc->fs, it->ino, it->start, it->length);
	if (!error)
		error = repair_wire_put(dc->out, it);
	return error;
}

/* The unmapping, after every lost range is known. */
static int
data_unmap_all(
	struct data_ctx		*dc,
	enum pmf_device		dev)
{
	int			error = 0;

	for (size_t i = 0; !error && i < dc->lost.nr; i++)
		error = data_unmap(dc, &dc->lost.items[i]);
	if (error || dev != PMF_DEV_RT)
		return error;
	/* After every unmapping: a later one may change an earlier's rt extent. */
	for (size_t i = 0; !error && i < dc->lost.nr; i++) {
		const struct repair_item	*it = &dc->lost.items[i];

		dc->ino = it->ino;
		error = pmf_mapped(dc->fs, it->ino, it->start, it->length,
				data_left_mapped, dc);
	}
	return error;
}

/* The data step, after xfs_repair: 0, or say why and exit 8. */
static int
repair_data_step(
	const struct repair_args	*ra,
	FILE				*out)
{
	struct pmf_open_args		args = {
		.data	= ra->data,
		.log	= ra->t.log,
		.rt	= ra->t.rt,
		.flags	= PMF_OPEN_WRITE,
	};
	struct data_ctx			dc = { .out = out };
	struct pmf_geometry		geo;
	struct xfs_pmem_ranges		rl = { 0 };
	int				error;

	error = pmf_open(&args, &dc.fs);
	if (error) {
		xfs_pmem_err("%s", args.errmsg[0] ? args.errmsg : strerror(-error));
		return XFS_PMEM_EXIT_ERROR;
	}
	pmf_get_geometry(dc.fs, &geo);
	dc.rtxbytes = (uint64_t)geo.rextsize * geo.blocksize;
	if (!geo.clean) {
		xfs_pmem_err("repair: the log is dirty after xfs_repair; nothing unmapped");
		pmf_close(dc.fs);
		return XFS_PMEM_EXIT_ERROR;
	}
	/* Every lost range first: each unmapping changes the rmapbt. */
	error = xfs_pmem_target_ranges(&ra->t, &geo, &rl);
	for (size_t i = 0; !error && i < rl.nr; i++)
		error = pmf_query(dc.fs, &rl.v[i], PMF_QUERY_PATHS, data_record,
				&dc);
	if (!error)
		error = data_unmap_all(&dc, ra->t.dev);
	/*
	 * A device lost whole cannot stay in service: the filesystem mounts
	 * again only on a replacement (doc/kernel.md), whose blocks are good.
	 * Quarantining them would leave nothing to allocate.
	 */
	if (!error && rl.nr && ra->t.dev != PMF_DEV_LOG && !ra->t.whole)
		error = data_quarantine(&dc, &rl);
	if (error)
		xfs_pmem_err("%s", pmf_errmsg(dc.fs)[0] ? pmf_errmsg(dc.fs) :
				strerror(-error));
	repair_plan_free(&dc.lost);
	xfs_pmem_ranges_free(&rl);
	free(dc.free);
	pmf_close(dc.fs);
	return error ? XFS_PMEM_EXIT_ERROR : 0;
}

/* The undo interposer for xfs_repair: beside us in the build, or installed. */
static char *
repair_undo_shim(void)
{
	char		exe[PATH_MAX], *p, *path = NULL;
	ssize_t		n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	const char	*env = getenv("PMF_UNDO_SHIM");

	if (env)
		return strdup(env);
	if (n > 0) {
		exe[n] = '\0';
		p = strrchr(exe, '/');
		if (p) {
			*p = '\0';
			if (asprintf(&path, "%s/../libpmemfail/.libs/libpmemfail-undo.so",
					exe) > 0 && access(path, R_OK) == 0)
				return path;
			free(path);
		}
	}
	return strdup(PMF_PKGLIBDIR "/libpmemfail-undo.so");
}

static int
repair_run_xfs_repair(
	const struct repair_args	*ra,
	const char			*logfile)
{
	const char			*argv[12];
	int				argc = 0, status, fd;
	char				*shim = repair_undo_shim();
	pid_t				pid;

	argv[argc++] = ra->xfs_repair;
	if (ra->zap_log)
		argv[argc++] = "-L";
	if (ra->t.log) {
		argv[argc++] = "-l";
		argv[argc++] = ra->t.log;
	}
	if (ra->t.rt) {
		argv[argc++] = "-r";
		argv[argc++] = ra->t.rt;
	}
	argv[argc++] = ra->data;
	argv[argc] = NULL;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		free(shim);
		return -errno;
	}
	if (pid == 0) {
		fd = open(logfile, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd >= 0) {
			dup2(fd, STDOUT_FILENO);
			dup2(fd, STDERR_FILENO);
		}
		if (!shim || access(shim, R_OK) < 0) {
			fprintf(stderr, "no undo interposer at %s\n", shim);
			_exit(127);
		}
		setenv("LD_PRELOAD", shim, 1);
		execvp(argv[0], (char * const *)argv);
		fprintf(stderr, "cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	free(shim);
	if (waitpid(pid, &status, 0) < 0)
		return -errno;
	if (!WIFEXITED(status))
		return 128 + WTERMSIG(status);	/* as a shell reports it */
	return WEXITSTATUS(status);
}

/*
 * --restore-orphans, after the account (which it needs): each orphan
 * whose old path is known goes back.  0, or an exit code after saying why.
 */
static int
repair_restore(
	const struct repair_args	*ra,
	struct repair_plan		*done)
{
	struct repair_plan		restored = { 0 };
	int				rc;

	rc = repair_run_step(ra, repair_restore_step, &restored);
	if (rc < 0 || repair_restore_apply(done, &restored)) {
		xfs_pmem_err("repair: the restore step sent a bad record");
		rc = XFS_PMEM_EXIT_ERROR;
	}
	repair_plan_free(&restored);
	return rc;
}

/* Arm the undo log for every child from now on. */
static int
repair_arm_undo(
	const struct repair_args	*ra,
	const char			*undo)
{
	const char			*given[PMF_UNDO_MAXDEV];
	char				*devs[PMF_UNDO_MAXDEV] = { NULL };
	char				errmsg[256] = "", *list = NULL;
	unsigned int			n = 0;
	int				error = 0;

	given[n++] = ra->data;
	if (ra->t.log)
		given[n++] = ra->t.log;
	if (ra->t.rt)
		given[n++] = ra->t.rt;
	/* undo may run from anywhere: keep where the devices really are. */
	for (unsigned int i = 0; i < n; i++) {
		devs[i] = realpath(given[i], NULL);
		if (!devs[i] || strchr(devs[i], ':')) {
			xfs_pmem_err("repair: %s: %s", given[i], devs[i] ?
					"a device path with ':' cannot be recorded" :
					strerror(errno));
			error = -EINVAL;
			goto out;
		}
	}
	error = pmf_undo_create(undo, (const char * const *)devs, n, errmsg,
			sizeof(errmsg));
	if (error) {
		xfs_pmem_err("repair: undo file %s", errmsg);
		goto out;
	}
	if (asprintf(&list, "%s%s%s%s%s", devs[0], n > 1 ? ":" : "",
			n > 1 ? devs[1] : "", n > 2 ? ":" : "",
			n > 2 ? devs[2] : "") < 0) {
		error = -ENOMEM;
		goto out;
	}
	setenv(PMF_UNDO_ENV_FILE, undo, 1);
	setenv(PMF_UNDO_ENV_DEVICES, list, 1);
	free(list);
out:
	for (unsigned int i = 0; i < n; i++)
		free(devs[i]);
	return error;
}

static void
repair_print_done(
	const struct repair_args	*ra,
	const struct repair_plan	*done,
	const char			*manifest,
	const char			*undo,
	int				xrc)
{
	size_t				nranges = 0;

	for (size_t i = 0; i < done->nr; i++)
		nranges += done->items[i].kind == REPAIR_DATA;
	printf("repaired: %s, %zu file range(s) unmapped (%llu bytes",
			xrc >= 0 ? "metadata rebuilt by xfs_repair" :
				   "no metadata damaged",
			nranges, (unsigned long long)done->data_bytes);
	if (done->unwritten_bytes)
		printf(", %llu of them left unwritten in partial rt extents",
				(unsigned long long)done->unwritten_bytes);
	printf("), %llu bytes quarantined in %s\nmanifest: %s\nundo file: %s\n",
			(unsigned long long)done->quarantine_bytes,
			ra->t.dev == PMF_DEV_RT ? "/pmemfail-quarantine-rt" :
			"/pmemfail-quarantine", manifest, undo);
}

int
repair_apply(
	const struct repair_args	*ra,
	const struct repair_plan	*plan)
{
	struct repair_plan		done = { 0 };
	struct repair_args		ara;
	char				*undo = NULL, *manifest = NULL, *rlog = NULL;
	int				rc, xrc = -1, ret = XFS_PMEM_EXIT_ERROR;
	int				acct_rc;
	bool				changed;

	if (plan->log && !ra->zap_log) {
		xfs_pmem_err("repair: the log is hit and must be reformatted (xfs_repair -L), which loses changes only in the log; add --zap-log");
		return XFS_PMEM_EXIT_USAGE;
	}
	if ((ra->undo ? !(undo = strdup(ra->undo)) :
	     asprintf(&undo, "%s.pmemfail-undo", ra->data) < 0) ||
	    (ra->manifest ? !(manifest = strdup(ra->manifest)) :
	     asprintf(&manifest, "%s.pmemfail-manifest.json", ra->data) < 0) ||
	    asprintf(&rlog, "%s.xfs_repair.log", manifest) < 0) {
		xfs_pmem_err("out of memory");
		goto out;
	}
	if (repair_arm_undo(ra, undo))
		goto out;
	if (plan->meta || plan->log) {
		printf("running %s%s ...\n", ra->xfs_repair,
				plan->log ? " -L" : "");
		xrc = repair_run_xfs_repair(ra, rlog);
		if (xrc != 0) {
			xfs_pmem_err("repair: %s failed (exit %d; see %s); undo with: %s undo %s --yes",
					ra->xfs_repair, xrc, rlog, progname, undo);
			ret = REPAIR_EXIT_NEEDED | XFS_PMEM_EXIT_ERROR;
			goto out;
		}
	}
	rc = repair_run_step(ra, repair_data_step, &done);
	if (rc != 0) {
		xfs_pmem_err("repair: unmapping the lost data failed; undo with: %s undo %s --yes",
				progname, undo);
		ret = REPAIR_EXIT_NEEDED | XFS_PMEM_EXIT_ERROR;
		goto out;
	}
	changed = xrc >= 0 || done.nr;
	/* Last: what became of every path, now that nothing more changes. */
	ara = *ra;
	ara.before = plan;
	ara.done = &done;
	rc = repair_run_step(&ara, repair_account_step, &done);
	if (rc != 0)
		xfs_pmem_err("repair: the account of the paths failed; the manifest lacks it");
	acct_rc = rc ? XFS_PMEM_EXIT_ERROR : 0;
	if (!rc && ra->restore_orphans && done.acct.n[PMF_FATE_ORPHANED]) {
		rc = repair_restore(&ara, &done);
		if (rc != 0) {
			xfs_pmem_err("repair: moving the orphans back failed; the manifest says which went back; undo with: %s undo %s --yes",
					progname, undo);
			acct_rc = REPAIR_EXIT_NEEDED | XFS_PMEM_EXIT_ERROR;
		}
	}
	if (repair_manifest(ra, plan, &done, manifest, undo, xrc)) {
		xfs_pmem_err("repair: cannot write the manifest %s", manifest);
		goto out;
	}
	repair_print_done(ra, &done, manifest, undo, xrc);
	repair_print_account(&done);
	if (ra->restore_orphans && done.acct.n[PMF_FATE_ORPHANED])
		repair_print_restore(&done);
	/* A failed move leaves the repair as undone as a failed unmap. */
	if (acct_rc & REPAIR_EXIT_NEEDED)
		ret = acct_rc;
	else
		ret = (changed ? REPAIR_EXIT_FIXED : REPAIR_EXIT_NOTHING) |
			acct_rc;
out:
	repair_plan_free(&done);
	free(undo);
	free(manifest);
	free(rlog);
	return ret;
}
