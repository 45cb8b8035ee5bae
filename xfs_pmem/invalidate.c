// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (c) 2026 The pmemfail authors.
 *
 * xfs_pmem invalidate: after media under a mounted filesystem failed (or
 * was replaced) on storage without DAX, where the kernel's
 * ->notify_failure() never runs.  It asks the online engine which file
 * ranges lived in the failed range, finds the processes whose mappings
 * cover exactly those ranges (a mapping of another part of the same file
 * does not count), reports them and with --kill sends them SIGBUS, as
 * memory_failure() would, then drops the ranges from the page cache so
 * that the next read asks the device.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include "xfs_pmem.h"

/* A file range the failed range held, and what became of its cache. */
struct inv_file {
	uint64_t	ino;
	uint64_t	offset;		/* bytes, as the impact says */
	uint64_t	length;
	char		*path;
	bool		kill;		/* the core says: SIGBUS the mappers */
	uint64_t	cached;		/* bytes left in the page cache */
	const char	*result;
	char		*detail;
};

/* One mapping of a process that covers part of an inv_file. */
struct inv_hit {
	pid_t		pid;
	size_t		file;		/* index into inv_ctx.files */
	char		comm[64];
	char		*path;		/* as /proc/PID/maps names it */
	uint64_t	ino;
	uint64_t	vstart;		/* the mapping's addresses */
	uint64_t	vend;
	uint64_t	offset;		/* file bytes of the overlap */
	uint64_t	length;
	const char	*action;
};

struct inv_ctx {
	struct pmf_fs	*fs;
	dev_t		dev;		/* st_dev of the filesystem */
	struct inv_file	*files;
	size_t		nfiles;
	struct inv_hit	*hits;
	size_t		nhits;
	bool		kill;
	bool		failed;
};

enum {
	COL_PID, COL_COMMAND, COL_INODE, COL_FILE, COL_MAPPING, COL_OFFSET,
	COL_LENGTH, COL_ACTION, COL_NR
};

static const struct xfs_pmem_col inv_cols[COL_NR] = {
	[COL_PID]	= { "PID", 7, SCOLS_FL_RIGHT, XFS_PMEM_NUM, "process mapping the range" },
	[COL_COMMAND]	= { "COMMAND", 12, 0, XFS_PMEM_STR, "its command (/proc/PID/comm)" },
	[COL_INODE]	= { "INODE", 10, SCOLS_FL_RIGHT, XFS_PMEM_NUM, "inode of the mapped file" },
	[COL_FILE]	= { "FILE", 30, 0, XFS_PMEM_STR, "the file, as /proc/PID/maps names it" },
	[COL_MAPPING]	= { "MAPPING", 30, 0, XFS_PMEM_STR, "the mapping's address range" },
	[COL_OFFSET]	= { "FOFFSET", 10, SCOLS_FL_RIGHT, XFS_PMEM_NUM, "file offset of the part mapped that was lost, bytes" },
	[COL_LENGTH]	= { "LENGTH", 6, SCOLS_FL_RIGHT, XFS_PMEM_SIZE, "length of that part" },
	[COL_ACTION]	= { "ACTION", 8, 0, XFS_PMEM_STR, "reported, or killed (SIGBUS sent)" },
};

static const int inv_defaults[] = {
	COL_PID, COL_COMMAND, COL_INODE, COL_OFFSET, COL_LENGTH, COL_ACTION,
	COL_FILE,
};

static void
inv_usage(void)
{
	printf(
"Usage: %s invalidate MOUNTPOINT --device data|rt --offset N --length N\n"
"                     [--kill] [options]\n"
"\nAfter media under a mounted XFS filesystem failed, on storage without\n"
"DAX: report the processes that map the file ranges the failed range held\n"
"(exactly those ranges), with --kill send them SIGBUS, and drop the ranges\n"
"from the page cache (dirty pages are written back first), so that the\n"
"next read asks the device.\n"
"\nOptions:\n"
"  -d, --device DEV     the failed device: data or rt\n"
"      --offset N       start of the failed range (units as for simulate)\n"
"      --length N       length of the failed range\n"
"      --kill           send SIGBUS to the processes mapping it\n"
"  -o, --output LIST    columns to show (+LIST adds to the defaults)\n"
"  -J, --json           JSON output\n"
"  -R, --raw            raw output\n"
"  -n, --noheadings     don't print headings\n"
"  -b, --bytes          sizes in bytes\n"
"  -h, --help           this help\n"
"\nExit status: 0 no process mapped the range, 1 some did (reported or\n"
"killed), 8 operational error, 16 usage error.\n",
		progname);
	xfs_pmem_cols_help(inv_cols, COL_NR);
}

/* Keep every file data range the core says to unmap on media loss. */
static int
inv_impact(
	const struct pmf_impact	*imp,
	void			*priv)
{
	struct inv_ctx		*ctx = priv;
	struct inv_file		*f, *nf;

	if (imp->owner != PMF_OWN_DATA || !(imp->act_media & PMF_ACT_UNMAP))
		return 0;
	nf = realloc(ctx->files, (ctx->nfiles + 1) * sizeof(*nf));
	if (!nf)
		return -ENOMEM;
	ctx->files = nf;
	f = &ctx->files[ctx->nfiles++];
	memset(f, 0, sizeof(*f));
	f->ino = imp->ino;
	f->offset = imp->offset;
	f->length = imp->length;
	f->kill = imp->act_media & PMF_ACT_KILL;
	f->path = imp->npaths ? strdup(imp->paths[0]) : NULL;
	return 0;
}

/*
 * The device and inode of a mapping: /proc/PID/map_files says which file
 * it really is; if it cannot be read, the fields of the maps line.
 */
static void
inv_mapping_file(
	pid_t		pid,
	const char	*range,
	unsigned int	ma,
	unsigned int	mi,
	uint64_t	*ino,
	dev_t		*dev)
{
	char		p[96];
	struct stat	st;

	snprintf(p, sizeof(p), "/proc/%d/map_files/%s", (int)pid, range);
	if (stat(p, &st) == 0) {
		*ino = st.st_ino;
		*dev = st.st_dev;
		return;
	}
	*dev = makedev(ma, mi);
}

static int
inv_add_hit(
	struct inv_ctx		*ctx,
	pid_t			pid,
	const char		*comm,
	const char		*file,
	size_t			fidx,
	uint64_t		ino,
	uint64_t		vstart,
	uint64_t		vend,
	uint64_t		offset,
	uint64_t		length)
{
	struct inv_hit		*h, *nh;

	nh = realloc(ctx->hits, (ctx->nhits + 1) * sizeof(*nh));
	if (!nh)
		return -ENOMEM;
	ctx->hits = nh;
	h = &ctx->hits[ctx->nhits++];
	memset(h, 0, sizeof(*h));
	h->pid = pid;
	h->file = fidx;
	snprintf(h->comm, sizeof(h->comm), "%s", comm);
	h->path = strdup(file);
	h->ino = ino;
	h->vstart = vstart;
	h->vend = vend;
	h->offset = offset;
	h->length = length;
	h->action = "reported";
	return h->path ? 0 : -ENOMEM;
}

/* Every mapping of process @pid that covers part of an inv_file. */
static int
inv_scan_pid(
	struct inv_ctx		*ctx,
	pid_t			pid)
{
	char			p[64], comm[64] = "";
	char			*line = NULL;
	size_t			cap = 0;
	FILE			*f;
	int			error = 0;

	snprintf(p, sizeof(p), "/proc/%d/comm", (int)pid);
	f = fopen(p, "r");
	if (f) {
		if (fgets(comm, sizeof(comm), f))
			comm[strcspn(comm, "\n")] = '\0';
		fclose(f);
	}
	snprintf(p, sizeof(p), "/proc/%d/maps", (int)pid);
	f = fopen(p, "r");
	if (!f)
		return 0;	/* gone, or a kernel thread */
	while (!error && getline(&line, &cap, f) > 0) {
		unsigned long long	vs, ve, moff, ino;
		unsigned int		ma, mi;
		char			range[64];
		int			pos = 0;
		uint64_t		mino, mlen;
		dev_t			mdev;

		if (sscanf(line, "%llx-%llx %*4s %llx %x:%x %llu %n", &vs, &ve,
			   &moff, &ma, &mi, &ino, &pos) < 6 || ino == 0)
			continue;
		line[strcspn(line, "\n")] = '\0';
		snprintf(range, sizeof(range), "%llx-%llx", vs, ve);
		mino = ino;
		inv_mapping_file(pid, range, ma, mi, &mino, &mdev);
		if (mdev != ctx->dev)
			continue;
		mlen = ve - vs;
		/* The file window the mapping shows, against each lost range. */
		for (size_t i = 0; !error && i < ctx->nfiles; i++) {
			const struct inv_file	*fl = &ctx->files[i];
			uint64_t		s, e;

			if (fl->ino != mino)
				continue;
			s = moff > fl->offset ? moff : fl->offset;
			e = moff + mlen < fl->offset + fl->length ?
			    moff + mlen : fl->offset + fl->length;
			if (s >= e)
				continue;
			error = inv_add_hit(ctx, pid, comm,
					pos ? line + pos : "", i, mino, vs, ve, s,
					e - s);
		}
	}
	free(line);
	fclose(f);
	return error;
}

static int
inv_scan(
	struct inv_ctx		*ctx)
{
	struct dirent		*de;
	DIR			*d;
	int			error = 0;

	d = opendir("/proc");
	if (!d) {
		xfs_pmem_err("cannot read /proc: %s", strerror(errno));
		return -errno;
	}
	while (!error && (de = readdir(d))) {
		char	*end;
		long	pid = strtol(de->d_name, &end, 10);

		if (*end || pid <= 0 || pid == getpid())
			continue;
		error = inv_scan_pid(ctx, pid);
	}
	closedir(d);
	return error;
}

/*
 * Has @pid let go of its mappings?  Not when /proc/PID/maps is empty:
 * exit_mm() detaches the mm before exit_mmap() unmaps its pages, so maps
 * reads empty while they are still mapped and cannot leave the page cache.
 * A zombie whose thread group is gone has finished exit_mmap().
 */
static bool
inv_gone(
	pid_t		pid)
{
	char		p[64];
	char		buf[1024];
	const char	*rp;
	FILE		*f;
	size_t		n;
	char		state;
	long		threads;

	snprintf(p, sizeof(p), "/proc/%d/stat", (int)pid);
	f = fopen(p, "r");
	if (!f)
		return true;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* The command name may hold anything: fields resume after its ')'. */
	rp = strrchr(buf, ')');
	if (!rp)
		return false;
	/* state is field 3, num_threads field 20: 16 fields between. */
	if (sscanf(rp + 1, " %c %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %ld",
		   &state, &threads) != 2)
		return false;
	return (state == 'Z' || state == 'X') && threads <= 1;
}

/*
 * SIGBUS each process once, as memory_failure() kills the tasks mapping a
 * poisoned page, then wait (up to 10 s) for their mappings to go: a mapped
 * page cannot leave the page cache.
 */
static void
inv_kill(
	struct inv_ctx		*ctx)
{
	struct timespec		ts = { 0, 20 * 1000 * 1000 };

	for (size_t i = 0; i < ctx->nhits; i++) {
		struct inv_hit	*h = &ctx->hits[i];
		bool		sent = false;

		/* Only where the core says to kill (not unwritten extents). */
		if (!ctx->files[h->file].kill)
			continue;
		for (size_t j = 0; j < i; j++)
			if (ctx->hits[j].pid == h->pid &&
			    !strcmp(ctx->hits[j].action, "killed"))
				sent = true;
		if (!sent && kill(h->pid, SIGBUS) < 0) {
			h->action = "kill failed";
			ctx->failed = true;
			continue;
		}
		h->action = "killed";
	}
	for (int t = 0; t < 500; t++) {
		bool	all = true;

		for (size_t i = 0; i < ctx->nhits; i++)
			if (!strcmp(ctx->hits[i].action, "killed") &&
			    !inv_gone(ctx->hits[i].pid))
				all = false;
		if (all)
			return;
		nanosleep(&ts, NULL);
	}
}

/* Bytes of [off, off + len) of @fd in the page cache, by mincore(). */
static uint64_t
inv_cached(
	int		fd,
	uint64_t	off,
	uint64_t	len)
{
	long		pg = sysconf(_SC_PAGESIZE);
	unsigned char	*vec;
	uint64_t	n = 0;
	size_t		pages = (len + pg - 1) / pg;
	void		*p;

	p = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, off);
	if (p == MAP_FAILED)
		return 0;
	vec = calloc(pages, 1);
	if (vec && mincore(p, len, vec) == 0)
		for (size_t i = 0; i < pages; i++)
			if (vec[i] & 1)
				n += pg;
	free(vec);
	munmap(p, len);
	return n;
}

/*
 * Write back, then drop [start, end) of @fd.  DONTNEED leaves a page that
 * is dirty, locked or mapped, and a large folio that reaches past the
 * range; what is left is measured, not assumed.
 */
static int
inv_drop_range(
	int		fd,
	uint64_t	start,
	uint64_t	end)
{
	if (sync_file_range(fd, start, end - start, SYNC_FILE_RANGE_WAIT_BEFORE |
			SYNC_FILE_RANGE_WRITE | SYNC_FILE_RANGE_WAIT_AFTER) < 0)
		return -errno;
	return -posix_fadvise(fd, start, end - start, POSIX_FADV_DONTNEED);
}

/*
 * Drop one lost range from the page cache, in whole pages: a page is lost
 * when any of it is.  If pages stay and no process maps them any more,
 * a large folio straddles the edge: drop again over 2 MiB-aligned bounds
 * (the largest page cache folio on x86-64), which only costs clean pages
 * of good media a re-read.
 */
static void
inv_drop(
	struct inv_ctx		*ctx,
	struct inv_file		*f)
{
	long			pg = sysconf(_SC_PAGESIZE);
	const uint64_t		big = 2ULL << 20;
	uint64_t		start = f->offset & ~(uint64_t)(pg - 1);
	uint64_t		end = (f->offset + f->length + pg - 1) &
				      ~(uint64_t)(pg - 1);
	struct stat		st;
	int			fd, error;

	fd = pmf_open_inode(ctx->fs, f->ino, O_RDONLY);
	if (fd < 0) {
		f->result = "failed";
		if (asprintf(&f->detail, "%s", pmf_errmsg(ctx->fs)) < 0)
			f->detail = NULL;
		ctx->failed = true;
		return;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		/* Directories and symlinks live in the buffer cache. */
		f->result = "not a file";
		close(fd);
		return;
	}
	error = inv_drop_range(fd, start, end);
	if (!error && inv_cached(fd, start, end - start)) {
		bool	mapped = false;

		for (size_t i = 0; i < ctx->nhits; i++)
			if (ctx->hits[i].ino == f->ino &&
			    strcmp(ctx->hits[i].action, "killed"))
				mapped = true;
		if (!mapped)
			error = inv_drop_range(fd, start & ~(big - 1),
					(end + big - 1) & ~(big - 1));
	}
	f->cached = inv_cached(fd, start, end - start);
	if (error) {
		f->result = "failed";
		if (asprintf(&f->detail, "%s", strerror(-error)) < 0)
			f->detail = NULL;
		ctx->failed = true;
	} else {
		f->result = f->cached ? "still cached" : "dropped";
	}
	close(fd);
}

static struct libscols_table *
inv_mappings_table(
	struct inv_ctx			*ctx,
	const struct xfs_pmem_out	*out,
	const int			*ids,
	size_t				nids)
{
	struct libscols_table		*tb;

	tb = xfs_pmem_table_new("mappings", inv_cols, ids, nids, out);
	if (!tb)
		return NULL;
	for (size_t i = 0; i < ctx->nhits; i++) {
		const struct inv_hit	*h = &ctx->hits[i];
		struct libscols_line	*ln = scols_table_new_line(tb, NULL);

		if (!ln)
			break;
		for (size_t c = 0; c < nids; c++) {
			switch (ids[c]) {
			case COL_PID:
				xfs_pmem_line_setf(ln, c, "%d", (int)h->pid);
				break;
			case COL_COMMAND:
				scols_line_set_data(ln, c, h->comm);
				break;
			case COL_INODE:
				xfs_pmem_line_setf(ln, c, "%llu",
						(unsigned long long)h->ino);
				break;
			case COL_FILE:
				scols_line_set_data(ln, c, h->path);
				break;
			case COL_MAPPING:
				xfs_pmem_line_setf(ln, c, "%llx-%llx",
						(unsigned long long)h->vstart,
						(unsigned long long)h->vend);
				break;
			case COL_OFFSET:
				xfs_pmem_line_setf(ln, c, "%llu",
						(unsigned long long)h->offset);
				break;
			case COL_LENGTH:
				scols_line_refer_data(ln, c,
					xfs_pmem_size_str(h->length, out));
				break;
			case COL_ACTION:
				scols_line_set_data(ln, c, h->action);
				break;
			}
		}
	}
	return tb;
}

enum { PC_INODE, PC_OFFSET, PC_LENGTH, PC_CACHED, PC_RESULT, PC_PATH, PC_NR };

static const struct xfs_pmem_col inv_pc_cols[PC_NR] = {
	[PC_INODE]	= { "INODE", 10, SCOLS_FL_RIGHT, XFS_PMEM_NUM, "" },
	[PC_OFFSET]	= { "FOFFSET", 10, SCOLS_FL_RIGHT, XFS_PMEM_NUM, "" },
	[PC_LENGTH]	= { "LENGTH", 6, SCOLS_FL_RIGHT, XFS_PMEM_SIZE, "" },
	[PC_CACHED]	= { "CACHED", 6, SCOLS_FL_RIGHT, XFS_PMEM_SIZE, "" },
	[PC_RESULT]	= { "RESULT", 10, 0, XFS_PMEM_STR, "" },
	[PC_PATH]	= { "PATH", 30, 0, XFS_PMEM_LIST, "" },
};

/* What became of the page cache of each lost range. */
static struct libscols_table *
inv_cache_table(
	struct inv_ctx			*ctx,
	const struct xfs_pmem_out	*out)
{
	static const int		ids[PC_NR] = { 0, 1, 2, 3, 4, 5 };
	struct libscols_table		*tb;

	tb = xfs_pmem_table_new("pagecache", inv_pc_cols, ids, PC_NR, out);
	if (!tb)
		return NULL;
	for (size_t i = 0; i < ctx->nfiles; i++) {
		const struct inv_file	*f = &ctx->files[i];
		struct libscols_line	*ln = scols_table_new_line(tb, NULL);

		if (!ln)
			break;
		xfs_pmem_line_setf(ln, PC_INODE, "%llu", (unsigned long long)f->ino);
		xfs_pmem_line_setf(ln, PC_OFFSET, "%llu",
				(unsigned long long)f->offset);
		scols_line_refer_data(ln, PC_LENGTH,
				xfs_pmem_size_str(f->length, out));
		scols_line_refer_data(ln, PC_CACHED,
				xfs_pmem_size_str(f->cached, out));
		if (f->detail)
			xfs_pmem_line_setf(ln, PC_RESULT, "%s: %s", f->result,
					f->detail);
		else
			scols_line_set_data(ln, PC_RESULT, f->result);
		if (f->path)
			scols_line_set_data(ln, PC_PATH, f->path);
	}
	return tb;
}

static int
inv_print(
	struct inv_ctx			*ctx,
	const struct xfs_pmem_out	*out,
	const int			*ids,
	size_t				nids)
{
	struct libscols_table		*tm = inv_mappings_table(ctx, out, ids, nids);
	struct libscols_table		*tc = inv_cache_table(ctx, out);
	int				error = 0;

	if (!tm || !tc) {
		error = -ENOMEM;
	} else if (out->json) {
		char	*a = xfs_pmem_json_body(tm);
		char	*b = xfs_pmem_json_body(tc);

		if (a && b)
			printf("{%s,%s}\n", a, b);
		else
			error = -ENOMEM;
		free(a);
		free(b);
	} else {
		if (ctx->nhits)
			scols_print_table(tm);
		else
			printf("No process maps the lost file ranges.\n");
		if (ctx->nfiles) {
			printf("\n");
			scols_print_table(tc);
		}
	}
	scols_unref_table(tm);
	scols_unref_table(tc);
	return error;
}

struct inv_args {
	struct xfs_pmem_target	t;
	bool			kill;
	struct xfs_pmem_out	out;
	int			ids[XFS_PMEM_MAXCOLS];
	size_t			nids;
};

static int
inv_parse_args(
	int			argc,
	char			**argv,
	struct inv_args		*ia)
{
	enum { OPT_KILL = 256 };
	static const struct option longopts[] = {
		XFS_PMEM_LONGOPTS_RANGE,
		XFS_PMEM_LONGOPTS_OUTPUT,
		XFS_PMEM_LONGOPTS_BYTES,
		{ "kill",	no_argument,	   NULL, OPT_KILL },
		{ "help",	no_argument,	   NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int			c;

	ia->t.cmd = "invalidate";
	ia->t.devmask = (1U << PMF_DEV_DATA) | (1U << PMF_DEV_RT);
	while ((c = getopt_long(argc, argv, ":d:o:JRnbh", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_KILL: ia->kill = true; break;
		case 'h': inv_usage(); return 1;
		default:
			if (xfs_pmem_target_opt(&ia->t, c, optarg) ||
			    xfs_pmem_out_opt(&ia->out, c, optarg))
				break;
			xfs_pmem_bad_option("invalidate", c, argv);
			return -EINVAL;
		}
	}
	if (optind != argc - 1) {
		xfs_pmem_err("invalidate: expected exactly one mount point");
		return -EINVAL;
	}
	if (xfs_pmem_target_check(&ia->t))
		return -EINVAL;
	return xfs_pmem_cols_select(ia->out.columns, inv_cols, COL_NR,
			inv_defaults, sizeof(inv_defaults) / sizeof(int),
			ia->ids, &ia->nids);
}

int
xfs_pmem_invalidate(
	int			argc,
	char			**argv)
{
	struct inv_args		ia = { 0 };
	struct inv_ctx		ctx = { 0 };
	struct pmf_geometry	geo;
	struct pmf_range	range;
	struct stat		st;
	const char		*mnt;
	int			ret = XFS_PMEM_EXIT_ERROR, error;

	error = inv_parse_args(argc, argv, &ia);
	if (error)
		return error > 0 ? XFS_PMEM_EXIT_CLEAN : XFS_PMEM_EXIT_USAGE;
	mnt = argv[optind];
	/* Only the kernel's view will do: the page cache is the kernel's. */
	if (stat(mnt, &st) == 0 && !S_ISDIR(st.st_mode)) {
		xfs_pmem_err("invalidate: %s is not a directory; give the mount point",
				mnt);
		return XFS_PMEM_EXIT_ERROR;
	}
	if (xfs_pmem_open(mnt, NULL, NULL, &ctx.fs))
		return XFS_PMEM_EXIT_ERROR;
	pmf_get_geometry(ctx.fs, &geo);
	if (fstat(pmf_mount_fd(ctx.fs), &st) < 0) {
		xfs_pmem_err("%s: %s", mnt, strerror(errno));
		goto out;
	}
	ctx.dev = st.st_dev;
	ctx.kill = ia.kill;
	error = xfs_pmem_range("invalidate", ia.t.dev, false, ia.t.offset,
			ia.t.length, &geo, &range);
	if (error) {
		/* A range that cannot be parsed is the command line's fault. */
		if (error == -EINVAL)
			ret = XFS_PMEM_EXIT_USAGE;
		goto out;
	}
	error = pmf_query(ctx.fs, &range, PMF_QUERY_PATHS, inv_impact, &ctx);
	if (error) {
		xfs_pmem_err("%s", pmf_errmsg(ctx.fs)[0] ? pmf_errmsg(ctx.fs) :
				strerror(-error));
		goto out;
	}
	if (inv_scan(&ctx))
		goto out;
	if (ia.kill)
		inv_kill(&ctx);
	for (size_t i = 0; i < ctx.nfiles; i++)
		inv_drop(&ctx, &ctx.files[i]);
	if (inv_print(&ctx, &ia.out, ia.ids, ia.nids))
		goto out;
	ret = ctx.failed ? XFS_PMEM_EXIT_ERROR :
	      ctx.nhits ? XFS_PMEM_EXIT_DATA : XFS_PMEM_EXIT_CLEAN;
out:
	for (size_t i = 0; i < ctx.nhits; i++)
		free(ctx.hits[i].path);
	for (size_t i = 0; i < ctx.nfiles; i++) {
		free(ctx.files[i].path);
		free(ctx.files[i].detail);
	}
	free(ctx.hits);
	free(ctx.files);
	pmf_close(ctx.fs);
	return ret;
}
