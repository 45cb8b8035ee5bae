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
 * The steps run in child processes.  libxfs can be set up only once per
 * process, and the plan reads the filesystem read-only while the data step
 * writes it after xfs_repair: each gets a process of its own, and this one
 * never touches libxfs.  The children report back over a pipe, one
 * tab-separated record per line.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "config.h"
#include "xfs_pmem.h"
#include "pmf_undo.h"

/* fsck's exit codes, as xfs_repair's documentation promises them. */
#define REPAIR_EXIT_NOTHING	0	/* nothing to repair */
#define REPAIR_EXIT_FIXED	1	/* damage repaired */
#define REPAIR_EXIT_NEEDED	4	/* damage left (or, dry run, found) */

#ifndef PMF_XFS_REPAIR
# define PMF_XFS_REPAIR		"xfs_repair"
#endif
#ifndef PMF_PKGLIBDIR
# define PMF_PKGLIBDIR		"/usr/local/lib/pmemfail"
#endif

struct repair_args {
	const char		*data;
	const char		*log;
	const char		*rt;
	const char		*device;
	const char		*offset;
	const char		*length;
	const char		*undo;
	const char		*manifest;
	const char		*xfs_repair;
	bool			whole;
	bool			apply;
	bool			zap_log;
	enum pmf_device		dev;
};

/* A damaged structure, a lost range of a file, or a quarantined extent. */
struct repair_item {
	char			kind;		/* 'M' metadata, 'D' data, 'Q', 'U' */
	char			*owner;
	char			*dev;
	uint64_t		ino;
	uint64_t		start;		/* device byte, or file offset */
	uint64_t		length;
	char			*check;
	char			*detail;	/* or the paths, '|'-separated */
};

struct repair_plan {
	struct repair_item	*items;
	size_t			nr;
	size_t			cap;
	bool			meta;		/* xfs_repair must run */
	bool			log;		/* ... with -L */
	uint64_t		data_bytes;
	uint64_t		quarantine_bytes;
	uint64_t		quarantine_ino;
	uint64_t		unwritten_bytes;	/* of data_bytes */
};

static void
repair_usage(void)
{
	printf(
"Usage: %s repair DATA [-l LOGDEV] [-r RTDEV] --device data|log|rt\n"
"                 (--offset N --length N | --whole) [--apply]\n"
"                 [--undo FILE] [--manifest FILE] [--zap-log]\n"
"\nAfter a range of a device was lost: plan the repair and, with --apply,\n"
"carry it out: xfs_repair for damaged metadata, lost file data unmapped\n"
"(it then reads as a hole) and recorded in trusted.pmemfail.lost, the\n"
"failed blocks that are free then quarantined in /pmemfail-quarantine, and\n"
"a manifest of what was lost.  Every overwritten byte goes to the undo file\n"
"first; \"%s undo FILE --yes\" puts it back.\n"
"\nOptions:\n"
"  -l, --logdev DEV     external log device or image\n"
"  -r, --rtdev DEV      realtime device or image\n"
"  -d, --device DEV     the failed device: data, log or rt\n"
"      --offset N       start of the failed range\n"
"      --length N       length of the failed range\n"
"      --whole          the whole device failed\n"
"      --apply          carry the plan out (the default only shows it)\n"
"      --undo FILE      undo file to create (default DATA.pmemfail-undo)\n"
"      --manifest FILE  where the manifest goes\n"
"                       (default DATA.pmemfail-manifest.json)\n"
"      --zap-log        allow xfs_repair -L: changes only in the log are lost\n"
"      --xfs-repair P   the xfs_repair to run (default: the build's)\n"
"  -h, --help           this help\n"
"\nOn a mounted filesystem, \"%s repair --online MOUNTPOINT ...\" has the\n"
"kernel repair what the range held (see \"%s repair --online --help\").\n"
"\nExit status (as fsck): 0 nothing to repair, 1 repaired, 4 repair needed\n"
"(dry run) or left undone, 8 operational error, 16 usage error.\n",
		progname, progname, progname, progname);
}

static int
repair_parse_args(
	int			argc,
	char			**argv,
	struct repair_args	*ra)
{
	enum { OPT_OFFSET = 256, OPT_LENGTH, OPT_WHOLE, OPT_APPLY, OPT_UNDO,
	       OPT_MANIFEST, OPT_ZAPLOG, OPT_XFS_REPAIR };
	static const struct option longopts[] = {
		{ "logdev",	required_argument, NULL, 'l' },
		{ "rtdev",	required_argument, NULL, 'r' },
		{ "device",	required_argument, NULL, 'd' },
		{ "offset",	required_argument, NULL, OPT_OFFSET },
		{ "length",	required_argument, NULL, OPT_LENGTH },
		{ "whole",	no_argument,	   NULL, OPT_WHOLE },
		{ "apply",	no_argument,	   NULL, OPT_APPLY },
		{ "undo",	required_argument, NULL, OPT_UNDO },
		{ "manifest",	required_argument, NULL, OPT_MANIFEST },
		{ "zap-log",	no_argument,	   NULL, OPT_ZAPLOG },
		{ "xfs-repair",	required_argument, NULL, OPT_XFS_REPAIR },
		{ "help",	no_argument,	   NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int			c;

	ra->xfs_repair = getenv("PMF_XFS_REPAIR");
	if (!ra->xfs_repair)
		ra->xfs_repair = PMF_XFS_REPAIR;
	while ((c = getopt_long(argc, argv, ":l:r:d:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'l': ra->log = optarg; break;
		case 'r': ra->rt = optarg; break;
		case 'd': ra->device = optarg; break;
		case OPT_OFFSET: ra->offset = optarg; break;
		case OPT_LENGTH: ra->length = optarg; break;
		case OPT_WHOLE: ra->whole = true; break;
		case OPT_APPLY: ra->apply = true; break;
		case OPT_UNDO: ra->undo = optarg; break;
		case OPT_MANIFEST: ra->manifest = optarg; break;
		case OPT_ZAPLOG: ra->zap_log = true; break;
		case OPT_XFS_REPAIR: ra->xfs_repair = optarg; break;
		case 'h': repair_usage(); return 1;
		default:  xfs_pmem_bad_option("repair", c, argv); return -EINVAL;
		}
	}
	if (optind != argc - 1) {
		xfs_pmem_err("repair: expected exactly one data device");
		return -EINVAL;
	}
	ra->data = argv[optind];
	if (!ra->device) {
		xfs_pmem_err("repair: --device data|log|rt is required");
		return -EINVAL;
	}
	if (ra->whole == !!(ra->offset || ra->length) ||
	    (!ra->whole && !(ra->offset && ra->length))) {
		xfs_pmem_err("repair: give --offset and --length, or --whole");
		return -EINVAL;
	}
	if (pmf_parse_device(ra->device, &ra->dev)) {
		xfs_pmem_err("repair: unknown device '%s' (data, log or rt)",
				ra->device);
		return -EINVAL;
	}
	return 0;
}

/* Tabs and newlines would break a record; paths may hold both. */
static void
repair_put_field(
	FILE		*f,
	const char	*s)
{
	for (; *s; s++) {
		if (*s == '\t' || *s == '\n' || *s == '\\')
			fprintf(f, "\\%03o", (unsigned char)*s);
		else
			fputc(*s, f);
	}
}

static char *
repair_get_field(
	char		**cursor)
{
	char		*s = *cursor, *out = s, *w = s;

	if (!s)
		return strdup("");
	while (*s && *s != '\t') {
		if (s[0] == '\\' && s[1] && s[2] && s[3]) {
			*w++ = (char)(((s[1] - '0') << 6) | ((s[2] - '0') << 3) |
				      (s[3] - '0'));
			s += 4;
		} else {
			*w++ = *s++;
		}
	}
	*cursor = *s ? s + 1 : NULL;
	*w = '\0';
	return strdup(out);
}

/* --- the plan: a child reads the damaged filesystem, read-only --- */

struct plan_ctx {
	struct pmf_fs	*fs;
	FILE		*out;
	bool		meta;
	bool		log;
	/* Data device sectors of the damaged rows already written. */
	struct xfs_pmem_spans shown;
};

static bool
repair_is_file_data(
	const struct pmf_impact	*imp)
{
	return imp->owner == PMF_OWN_DATA && !imp->metafile &&
	       imp->consequence == PMF_DATA_LOST;
}

static void
plan_put_paths(
	FILE			*f,
	const struct pmf_impact	*imp)
{
	for (unsigned int i = 0; i < imp->npaths; i++) {
		if (i)
			fputc('|', f);
		repair_put_field(f, imp->paths[i]);
	}
}

static int
plan_put_meta(
	struct plan_ctx			*pc,
	const struct pmf_impact		*imp,
	const struct pmf_check_result	*chk)
{
	if (imp->dev == PMF_DEV_DATA &&
	    xfs_pmem_spans_add(&pc->shown, imp->daddr, imp->bbcount))
		return -ENOMEM;
	fprintf(pc->out, "M\t%s\t%s\t%llu\t%llu\t%s\t",
			pmf_owner_name(imp->owner), pmf_device_name(imp->dev),
			(unsigned long long)imp->daddr << 9,
			(unsigned long long)imp->bbcount << 9,
			pmf_check_name(chk->check));
	repair_put_field(pc->out, imp->unresolved && chk->check < PMF_CHECK_CORRUPT ?
			imp->unresolved : chk->detail);
	fputc('\n', pc->out);
	return 0;
}

static int
plan_record(
	const struct pmf_impact	*imp,
	void			*priv)
{
	struct plan_ctx		*pc = priv;
	struct pmf_check_result	chk;
	int			error;

	if (!repair_is_file_data(imp) && imp->consequence == PMF_NO_LOSS &&
	    !(imp->flags & PMF_IMPACT_UNRESOLVED))
		return 0;
	error = pmf_check_impact(pc->fs, imp, &chk);
	if (error)
		return error;
	if (repair_is_file_data(imp) && chk.check != PMF_CHECK_INTACT &&
	    chk.check != PMF_CHECK_CORRUPT) {
		fprintf(pc->out, "D\t%llu\t%llu\t%llu\t",
				(unsigned long long)imp->ino,
				(unsigned long long)imp->offset,
				(unsigned long long)imp->length);
		plan_put_paths(pc->out, imp);
		fputc('\n', pc->out);
		return 0;
	}
	/*
	 * Metadata, directory and symlink blocks among it: what still passes
	 * its checks needs nothing, but a log hit needs the log reformatted,
	 * whatever its blocks hold.
	 */
	if (imp->owner == PMF_OWN_LOG)
		pc->log = true;
	else if (chk.check < PMF_CHECK_UNCHECKED &&
		 !(imp->flags & PMF_IMPACT_UNRESOLVED))
		return 0;
	else
		pc->meta = true;
	return plan_put_meta(pc, imp, &chk);
}

static int
plan_missed(
	const struct pmf_damage	*d,
	void			*priv)
{
	struct plan_ctx		*pc = priv;

	pc->meta = true;
	/* A damaged block the prediction's rows already name. */
	if (xfs_pmem_spans_meet(&pc->shown, d->daddr, d->bbcount))
		return 0;
	fprintf(pc->out, "M\t%s\tdata\t%llu\t%llu\t%s\t",
			pmf_owner_name(d->owner),
			(unsigned long long)d->daddr << 9,
			(unsigned long long)d->bbcount << 9,
			pmf_check_name(d->res.check));
	repair_put_field(pc->out, d->res.detail);
	fputc('\n', pc->out);
	return 0;
}

/*
 * --apply writes to every device it was given: xfs_repair, the unmapping
 * and the undo file's replay all need them writable.  Find out before the
 * plan, not halfway through the repair (an immutable or read-only image).
 */
static int
repair_check_writable(
	const struct repair_args	*ra)
{
	const char			*paths[3] = { ra->data, ra->log, ra->rt };

	for (int i = 0; i < 3; i++) {
		int			fd;

		if (!paths[i])
			continue;
		fd = open(paths[i], O_RDWR);
		if (fd < 0) {
			xfs_pmem_err("%s device %s is not writable: %s",
					pmf_device_name(i), paths[i],
					strerror(errno));
			return XFS_PMEM_EXIT_ERROR;
		}
		close(fd);
	}
	return 0;
}

/* The child's work: exit 0 with the plan on @fd, or print why and exit 8. */
static int
plan_child(
	const struct repair_args	*ra,
	int				fd)
{
	struct plan_ctx			pc = { 0 };
	struct pmf_geometry		geo;
	struct pmf_range		range;
	int				error;

	pc.out = fdopen(fd, "w");
	/* Before anything is written, not even a read-only mount may stay. */
	if (!pc.out || xfs_pmem_open_flags(ra->data, ra->log, ra->rt,
			PMF_OPEN_DAMAGED | (ra->apply ? PMF_OPEN_UNMOUNTED : 0),
			&pc.fs))
		return XFS_PMEM_EXIT_ERROR;
	if (ra->apply && repair_check_writable(ra)) {
		pmf_close(pc.fs);
		return XFS_PMEM_EXIT_ERROR;
	}
	pmf_get_geometry(pc.fs, &geo);
	error = xfs_pmem_range("repair", ra->dev, ra->whole, ra->offset,
			ra->length, &geo, &range);
	if (error) {
		pmf_close(pc.fs);
		return error == -ENODEV ? XFS_PMEM_EXIT_ERROR : XFS_PMEM_EXIT_USAGE;
	}
	error = pmf_query(pc.fs, &range, PMF_QUERY_PATHS | PMF_QUERY_BEST_EFFORT,
			plan_record, &pc);
	/* What damaged metadata kept the prediction from seeing. */
	if (!error && range.dev == PMF_DEV_DATA) {
		uint64_t	agbytes = (uint64_t)geo.agblocks * geo.blocksize;
		uint64_t	last = (range.offset + range.length - 1) / agbytes;

		for (uint64_t ag = range.offset / agbytes;
		     !error && ag <= last && ag < geo.agcount; ag++)
			error = pmf_check_ag(pc.fs, ag, plan_missed, &pc);
	}
	if (error) {
		xfs_pmem_err("%s", pmf_errmsg(pc.fs)[0] ? pmf_errmsg(pc.fs) :
				strerror(-error));
		xfs_pmem_spans_free(&pc.shown);
		pmf_close(pc.fs);
		return XFS_PMEM_EXIT_ERROR;
	}
	fprintf(pc.out, "X\t%d\t%d\n", pc.meta, pc.log);
	xfs_pmem_spans_free(&pc.shown);
	pmf_close(pc.fs);
	return fclose(pc.out) ? XFS_PMEM_EXIT_ERROR : 0;
}

/* --- the data step: a child unmaps and records, after xfs_repair --- */

struct data_ctx {
	struct pmf_fs	*fs;
	FILE		*out;
	int		error;
	uint64_t	rtxbytes;	/* one realtime extent */
	uint64_t	ino;		/* of the file being reported */
};

/*
 * After the unmapping, what is still mapped of a lost range is the lost
 * part of partial rt extents, turned unwritten: "U inode offset length".
 */
static int
data_left_mapped(
	uint64_t		offset,
	uint64_t		length,
	bool			unwritten,
	void			*priv)
{
	struct data_ctx		*dc = priv;

	/* bunmapi leaves a partial rt extent mapped only as unwritten. */
	if (!unwritten) {
		xfs_pmem_err("repair: inode %llu: bytes %llu+%llu are still mapped, written, after the unmapping",
				(unsigned long long)dc->ino,
				(unsigned long long)offset,
				(unsigned long long)length);
		return -EUCLEAN;
	}
	fprintf(dc->out, "U\t%llu\t%llu\t%llu\n", (unsigned long long)dc->ino,
			(unsigned long long)offset, (unsigned long long)length);
	return 0;
}

/* Remember a realtime range unmapped, to report what it left unwritten. */
static int
data_keep_punched(
	struct repair_item	**items,
	size_t			*nr,
	uint64_t		ino,
	uint64_t		start,
	uint64_t		length)
{
	struct repair_item	*p;

	/* Doubling at powers of two keeps the calls to realloc logarithmic. */
	if (!(*nr & (*nr - 1))) {
		p = realloc(*items, (*nr ? *nr * 2 : 1) * sizeof(*p));
		if (!p)
			return -ENOMEM;
		*items = p;
	}
	p = &(*items)[(*nr)++];
	memset(p, 0, sizeof(*p));
	p->kind = 'D';
	p->ino = ino;
	p->start = start;
	p->length = length;
	return 0;
}

static int
data_record(
	const struct pmf_impact	*imp,
	void			*priv)
{
	struct data_ctx		*dc = priv;

	if (!repair_is_file_data(imp))
		return 0;
	fprintf(dc->out, "D\t%llu\t%llu\t%llu\t", (unsigned long long)imp->ino,
			(unsigned long long)imp->offset,
			(unsigned long long)imp->length);
	plan_put_paths(dc->out, imp);
	fputc('\n', dc->out);
	return 0;
}

/* Free space in the failed range, after the unmapping: to quarantine. */
static int
data_free_record(
	const struct pmf_impact	*imp,
	void			*priv)
{
	FILE			*mem = priv;

	if (imp->owner == PMF_OWN_FREE)
		fprintf(mem, "F\t%llu\t%llu\n", (unsigned long long)imp->daddr,
				(unsigned long long)imp->bbcount);
	return 0;
}

/*
 * Quarantine the failed blocks that are free now, so that they are never
 * handed out again; report each extent as "Q start length inode" (bytes).
 * On the realtime device the unit is the rt extent: what is reported is
 * the whole rt extents quarantined.
 */
static int
data_quarantine(
	struct data_ctx		*dc,
	const struct pmf_range	*range)
{
	struct pmf_extent	*ext = NULL;
	size_t			n = 0, cap = 0;
	char			*buf = NULL, *line;
	size_t			size = 0;
	FILE			*mem = open_memstream(&buf, &size);
	uint64_t		ino = 0;
	int			error;

	if (!mem)
		return -ENOMEM;
	error = pmf_query(dc->fs, range, 0, data_free_record, mem);
	fclose(mem);
	for (line = buf ? strtok(buf, "\n") : NULL; !error && line;
	     line = strtok(NULL, "\n")) {
		unsigned long long	daddr, bbs;

		if (sscanf(line, "F\t%llu\t%llu", &daddr, &bbs) != 2)
			continue;
		if (n == cap) {
			void	*p = realloc(ext, (cap ? cap * 2 : 16) * sizeof(*ext));

			if (!p) {
				error = -ENOMEM;
				break;
			}
			ext = p;
			cap = cap ? cap * 2 : 16;
		}
		ext[n].daddr = daddr;
		ext[n++].bbcount = bbs;
	}
	free(buf);
	if (!error && range->dev == PMF_DEV_RT)
		error = pmf_quarantine_rt(dc->fs, ext, n, &ino);
	else if (!error)
		error = pmf_quarantine(dc->fs, ext, n, &ino);
	for (size_t i = 0; !error && i < n; i++) {
		uint64_t	start = ext[i].daddr << 9;
		uint64_t	end = start + (ext[i].bbcount << 9);

		if (range->dev == PMF_DEV_RT) {
			start -= start % dc->rtxbytes;
			end += (dc->rtxbytes - end % dc->rtxbytes) % dc->rtxbytes;
		}
		fprintf(dc->out, "Q\t%llu\t%llu\t%llu\n",
				(unsigned long long)start,
				(unsigned long long)(end - start),
				(unsigned long long)ino);
	}
	free(ext);
	return error;
}

static int
data_child(
	const struct repair_args	*ra,
	int				fd)
{
	struct pmf_open_args		args = {
		.data	= ra->data,
		.log	= ra->log,
		.rt	= ra->rt,
		.flags	= PMF_OPEN_WRITE,
	};
	struct data_ctx			dc = { 0 };
	struct pmf_geometry		geo;
	struct pmf_range		range;
	struct repair_item		*punched = NULL;
	size_t				npunched = 0;
	char				*buf = NULL, *line;
	size_t				size = 0;
	FILE				*mem;
	int				error;

	dc.out = fdopen(fd, "w");
	if (!dc.out)
		return XFS_PMEM_EXIT_ERROR;
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
	error = xfs_pmem_range("repair", ra->dev, ra->whole, ra->offset,
			ra->length, &geo, &range);
	/*
	 * Collect first, then write: the query reads the rmapbt that every
	 * unmap changes.
	 */
	mem = open_memstream(&buf, &size);
	if (!mem) {
		error = -ENOMEM;
	} else {
		FILE	*real = dc.out;

		dc.out = mem;
		if (!error)
			error = pmf_query(dc.fs, &range, PMF_QUERY_PATHS,
					data_record, &dc);
		dc.out = real;
		fclose(mem);
	}
	for (line = buf ? strtok(buf, "\n") : NULL; !error && line;
	     line = strtok(NULL, "\n")) {
		unsigned long long	ino, off, len;

		if (sscanf(line, "D\t%llu\t%llu\t%llu", &ino, &off, &len) != 3)
			continue;
		error = pmf_punch(dc.fs, ino, off, len);
		/* A directory or symlink: xfs_repair has mended it. */
		if (error == -EINVAL) {
			error = 0;
			continue;
		}
		if (!error)
			error = pmf_mark_lost(dc.fs, ino, off, len);
		if (!error)
			fprintf(dc.out, "%s\n", line);
		if (!error && range.dev == PMF_DEV_RT)
			error = data_keep_punched(&punched, &npunched, ino, off,
					len);
	}
	free(buf);
	/* After every unmapping: a later one may change an earlier's rt extent. */
	for (size_t i = 0; !error && i < npunched; i++) {
		dc.ino = punched[i].ino;
		error = pmf_mapped(dc.fs, punched[i].ino, punched[i].start,
				punched[i].length, data_left_mapped, &dc);
	}
	free(punched);
	if (!error && range.dev != PMF_DEV_LOG)
		error = data_quarantine(&dc, &range);
	if (error) {
		xfs_pmem_err("%s", pmf_errmsg(dc.fs)[0] ? pmf_errmsg(dc.fs) :
				strerror(-error));
		pmf_close(dc.fs);
		fclose(dc.out);
		return XFS_PMEM_EXIT_ERROR;
	}
	pmf_close(dc.fs);
	return fclose(dc.out) ? XFS_PMEM_EXIT_ERROR : 0;
}

/* --- the parent --- */

static int
repair_add_item(
	struct repair_plan	*plan,
	char			*line)
{
	struct repair_item	*it;
	char			*cur = line + 2;
	char			*f;

	if (plan->nr == plan->cap) {
		size_t	ncap = plan->cap ? plan->cap * 2 : 32;
		void	*p = realloc(plan->items, ncap * sizeof(*plan->items));

		if (!p)
			return -ENOMEM;
		plan->items = p;
		plan->cap = ncap;
	}
	it = &plan->items[plan->nr++];
	memset(it, 0, sizeof(*it));
	it->kind = line[0];
	if (it->kind == 'U') {
		f = repair_get_field(&cur); it->ino = strtoull(f, NULL, 10); free(f);
		f = repair_get_field(&cur); it->start = strtoull(f, NULL, 10); free(f);
		f = repair_get_field(&cur); it->length = strtoull(f, NULL, 10); free(f);
		plan->unwritten_bytes += it->length;
	} else if (it->kind == 'Q') {
		f = repair_get_field(&cur); it->start = strtoull(f, NULL, 10); free(f);
		f = repair_get_field(&cur); it->length = strtoull(f, NULL, 10); free(f);
		f = repair_get_field(&cur); it->ino = strtoull(f, NULL, 10); free(f);
		plan->quarantine_bytes += it->length;
		plan->quarantine_ino = it->ino;
	} else if (it->kind == 'M') {
		it->owner = repair_get_field(&cur);
		it->dev = repair_get_field(&cur);
		f = repair_get_field(&cur); it->start = strtoull(f, NULL, 10); free(f);
		f = repair_get_field(&cur); it->length = strtoull(f, NULL, 10); free(f);
		it->check = repair_get_field(&cur);
		it->detail = repair_get_field(&cur);
	} else {
		f = repair_get_field(&cur); it->ino = strtoull(f, NULL, 10); free(f);
		f = repair_get_field(&cur); it->start = strtoull(f, NULL, 10); free(f);
		f = repair_get_field(&cur); it->length = strtoull(f, NULL, 10); free(f);
		it->detail = repair_get_field(&cur);
		plan->data_bytes += it->length;
	}
	return 0;
}

static void
repair_free_plan(
	struct repair_plan	*plan)
{
	for (size_t i = 0; i < plan->nr; i++) {
		free(plan->items[i].owner);
		free(plan->items[i].dev);
		free(plan->items[i].check);
		free(plan->items[i].detail);
	}
	free(plan->items);
	memset(plan, 0, sizeof(*plan));
}

/* Run @fn in a child and read its records into @plan. */
static int
repair_run_child(
	const struct repair_args	*ra,
	int				(*fn)(const struct repair_args *, int),
	struct repair_plan		*plan)
{
	char				line[16384];
	int				pfd[2], status;
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
		close(pfd[0]);
		_exit(fn(ra, pfd[1]));
	}
	close(pfd[1]);
	in = fdopen(pfd[0], "r");
	while (in && fgets(line, sizeof(line), in)) {
		line[strcspn(line, "\n")] = '\0';
		if (line[0] == 'X') {
			int	meta = 0, log = 0;

			sscanf(line, "X\t%d\t%d", &meta, &log);
			plan->meta = meta;
			plan->log = log;
		} else if (strchr("MDQU", line[0]) && line[1] == '\t') {
			if (repair_add_item(plan, line))
				break;
		}
	}
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
	return status;
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
	if (ra->log) {
		argv[argc++] = "-l";
		argv[argc++] = ra->log;
	}
	if (ra->rt) {
		argv[argc++] = "-r";
		argv[argc++] = ra->rt;
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

static void
repair_print_plan(
	const struct repair_args	*ra,
	const struct repair_plan	*plan)
{
	size_t				nmeta = 0, ndata = 0;

	for (size_t i = 0; i < plan->nr; i++) {
		const struct repair_item	*it = &plan->items[i];

		if (it->kind == 'M') {
			printf("%s metadata: %s on %s at %llu+%llu: %s\n",
					nmeta++ ? "  " : "Damaged",
					it->owner, it->dev,
					(unsigned long long)it->start,
					(unsigned long long)it->length,
					it->detail[0] ? it->detail : it->check);
		}
	}
	for (size_t i = 0; i < plan->nr; i++) {
		const struct repair_item	*it = &plan->items[i];

		if (it->kind == 'D')
			printf("%s inode %llu bytes %llu+%llu: %s\n",
					ndata++ ? "  " : "Lost file data:",
					(unsigned long long)it->ino,
					(unsigned long long)it->start,
					(unsigned long long)it->length,
					it->detail[0] ? it->detail : "(no path)");
	}
	printf("\nPlan:\n");
	if (plan->meta || plan->log)
		printf("  1. run %s%s%s\n", ra->xfs_repair,
				plan->log ? " -L" : "",
				plan->log ? " (the log is hit: changes only in the log are lost)" : "");
	else
		printf("  1. no metadata is damaged: xfs_repair is not needed\n");
	if (ndata)
		printf("  2. unmap %zu lost file range(s), %llu bytes, so they read as holes, and record them in trusted.pmemfail.lost\n",
				ndata, (unsigned long long)plan->data_bytes);
	else
		printf("  2. no file data to unmap\n");
	if (ndata && ra->dev == PMF_DEV_RT)
		printf("     (the lost blocks of an rt extent lost only in part are turned unwritten: they read zeros but stay allocated)\n");
	if (ra->dev == PMF_DEV_RT)
		printf("  3. quarantine the failed rt extents that are free then in /pmemfail-quarantine-rt\n");
	else
		printf("  3. quarantine the failed blocks that are free then in /pmemfail-quarantine\n");
	printf("  4. write the manifest\n");
	if (plan->log && !ra->zap_log)
		printf("\nThe log is hit: --apply needs --zap-log to let xfs_repair -L reformat it.\n");
	if (!ra->apply)
		printf("\nDry run: nothing was written.  Add --apply to carry the plan out.\n");
}

static int
repair_manifest(
	const struct repair_args	*ra,
	const struct repair_plan	*before,
	const struct repair_plan	*done,
	const char			*manifest,
	const char			*undo,
	int				xfs_repair_rc)
{
	enum { F_INODE, F_OFFSET, F_LENGTH, F_PATH, F_NR };
	enum { M_OWNER, M_DEV, M_START, M_LENGTH, M_CHECK, M_DETAIL, M_NR };
	enum { R_DATA, R_LOG, R_RT, R_UNDO, R_XFS_REPAIR, R_FILES, R_BYTES,
	       R_QFILE, R_QINO, R_QBYTES, R_UBYTES, R_NR };
	enum { Q_START, Q_LENGTH, Q_NR };
	static const struct xfs_pmem_col fcols[F_NR] = {
		[F_INODE]  = { "inode", 0, 0, XFS_PMEM_NUM, "" },
		[F_OFFSET] = { "offset", 0, 0, XFS_PMEM_NUM, "" },
		[F_LENGTH] = { "length", 0, 0, XFS_PMEM_NUM, "" },
		[F_PATH]   = { "path", 0, 0, XFS_PMEM_LIST, "" },
	};
	static const struct xfs_pmem_col mcols[M_NR] = {
		[M_OWNER]  = { "owner", 0, 0, XFS_PMEM_STR, "" },
		[M_DEV]	   = { "dev", 0, 0, XFS_PMEM_STR, "" },
		[M_START]  = { "start", 0, 0, XFS_PMEM_NUM, "" },
		[M_LENGTH] = { "length", 0, 0, XFS_PMEM_NUM, "" },
		[M_CHECK]  = { "check", 0, 0, XFS_PMEM_STR, "" },
		[M_DETAIL] = { "detail", 0, 0, XFS_PMEM_STR, "" },
	};
	static const struct xfs_pmem_col rcols[R_NR] = {
		[R_DATA]	= { "data", 0, 0, XFS_PMEM_STR, "" },
		[R_LOG]		= { "log", 0, 0, XFS_PMEM_STR, "" },
		[R_RT]		= { "rt", 0, 0, XFS_PMEM_STR, "" },
		[R_UNDO]	= { "undo", 0, 0, XFS_PMEM_STR, "" },
		[R_XFS_REPAIR]	= { "xfs_repair", 0, 0, XFS_PMEM_STR, "" },
		[R_FILES]	= { "ranges_unmapped", 0, 0, XFS_PMEM_NUM, "" },
		[R_BYTES]	= { "bytes_unmapped", 0, 0, XFS_PMEM_NUM, "" },
		[R_QFILE]	= { "quarantine_file", 0, 0, XFS_PMEM_STR, "" },
		[R_QINO]	= { "quarantine_inode", 0, 0, XFS_PMEM_NUM, "" },
		[R_QBYTES]	= { "bytes_quarantined", 0, 0, XFS_PMEM_NUM, "" },
		[R_UBYTES]	= { "bytes_unwritten", 0, 0, XFS_PMEM_NUM, "" },
	};
	static const struct xfs_pmem_col qcols[Q_NR] = {
		[Q_START]  = { "start", 0, 0, XFS_PMEM_NUM, "" },
		[Q_LENGTH] = { "length", 0, 0, XFS_PMEM_NUM, "" },
	};
	static const int	ids[R_NR] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };
	struct xfs_pmem_out	out = { .json = true, .bytes = true };
	struct libscols_table	*ft, *mt, *rt, *qt, *ut;
	struct libscols_line	*ln;
	char			*a = NULL, *b = NULL, *c = NULL, *d = NULL;
	char			*e = NULL;
	size_t			nfiles = 0;
	int			error = -ENOMEM;
	FILE			*f;

	ft = xfs_pmem_table_new("files", fcols, ids, F_NR, &out);
	mt = xfs_pmem_table_new("metadata", mcols, ids, M_NR, &out);
	rt = xfs_pmem_table_new("repair", rcols, ids, R_NR, &out);
	qt = xfs_pmem_table_new("quarantine", qcols, ids, Q_NR, &out);
	/* Lost bytes that read zeros but stay allocated: partial rt extents. */
	ut = xfs_pmem_table_new("unwritten", fcols, ids, F_PATH, &out);
	if (!ft || !mt || !rt || !qt || !ut)
		goto out;
	for (size_t i = 0; i < done->nr; i++) {
		const struct repair_item	*it = &done->items[i];

		if (it->kind != 'U')
			continue;
		ln = scols_table_new_line(ut, NULL);
		if (!ln ||
		    xfs_pmem_line_setf(ln, F_INODE, "%llu", (unsigned long long)it->ino) ||
		    xfs_pmem_line_setf(ln, F_OFFSET, "%llu", (unsigned long long)it->start) ||
		    xfs_pmem_line_setf(ln, F_LENGTH, "%llu", (unsigned long long)it->length))
			goto out;
	}
	for (size_t i = 0; i < done->nr; i++) {
		const struct repair_item	*it = &done->items[i];

		if (it->kind != 'Q')
			continue;
		ln = scols_table_new_line(qt, NULL);
		if (!ln ||
		    xfs_pmem_line_setf(ln, Q_START, "%llu", (unsigned long long)it->start) ||
		    xfs_pmem_line_setf(ln, Q_LENGTH, "%llu", (unsigned long long)it->length))
			goto out;
	}
	for (size_t i = 0; i < done->nr; i++) {
		const struct repair_item	*it = &done->items[i];
		char				*paths, *p;

		if (it->kind != 'D')
			continue;
		nfiles++;
		ln = scols_table_new_line(ft, NULL);
		paths = strdup(it->detail);
		if (!ln || !paths ||
		    xfs_pmem_line_setf(ln, F_INODE, "%llu", (unsigned long long)it->ino) ||
		    xfs_pmem_line_setf(ln, F_OFFSET, "%llu", (unsigned long long)it->start) ||
		    xfs_pmem_line_setf(ln, F_LENGTH, "%llu", (unsigned long long)it->length)) {
			free(paths);
			goto out;
		}
		/* One path per line of the cell: libsmartcols makes it a list. */
		for (p = paths; (p = strchr(p, '|')); )
			*p = '\n';
		if (paths[0] && scols_line_refer_data(ln, F_PATH, paths))
			goto out;
		if (!paths[0])
			free(paths);
	}
	for (size_t i = 0; i < before->nr; i++) {
		const struct repair_item	*it = &before->items[i];

		if (it->kind != 'M')
			continue;
		ln = scols_table_new_line(mt, NULL);
		if (!ln || scols_line_set_data(ln, M_OWNER, it->owner) ||
		    scols_line_set_data(ln, M_DEV, it->dev) ||
		    xfs_pmem_line_setf(ln, M_START, "%llu", (unsigned long long)it->start) ||
		    xfs_pmem_line_setf(ln, M_LENGTH, "%llu", (unsigned long long)it->length) ||
		    scols_line_set_data(ln, M_CHECK, it->check) ||
		    scols_line_set_data(ln, M_DETAIL, it->detail))
			goto out;
	}
	ln = scols_table_new_line(rt, NULL);
	if (!ln || scols_line_set_data(ln, R_DATA, ra->data) ||
	    scols_line_set_data(ln, R_LOG, ra->log ? ra->log : "") ||
	    scols_line_set_data(ln, R_RT, ra->rt ? ra->rt : "") ||
	    scols_line_set_data(ln, R_UNDO, undo) ||
	    (xfs_repair_rc < 0 ?
	     scols_line_set_data(ln, R_XFS_REPAIR, "not needed") :
	     xfs_pmem_line_setf(ln, R_XFS_REPAIR, "ran%s, exit %d",
			ra->zap_log && before->log ? " with -L" : "", xfs_repair_rc)) ||
	    xfs_pmem_line_setf(ln, R_FILES, "%zu", nfiles) ||
	    xfs_pmem_line_setf(ln, R_BYTES, "%llu",
			(unsigned long long)done->data_bytes) ||
	    scols_line_set_data(ln, R_QFILE, !done->quarantine_bytes ? "" :
			ra->dev == PMF_DEV_RT ? "/pmemfail-quarantine-rt" :
			"/pmemfail-quarantine") ||
	    xfs_pmem_line_setf(ln, R_QINO, "%llu",
			(unsigned long long)done->quarantine_ino) ||
	    xfs_pmem_line_setf(ln, R_QBYTES, "%llu",
			(unsigned long long)done->quarantine_bytes) ||
	    xfs_pmem_line_setf(ln, R_UBYTES, "%llu",
			(unsigned long long)done->unwritten_bytes))
		goto out;
	a = xfs_pmem_json_body(rt);
	b = xfs_pmem_json_body(ft);
	c = xfs_pmem_json_body(mt);
	d = xfs_pmem_json_body(qt);
	e = xfs_pmem_json_body(ut);
	if (!a || !b || !c || !d || !e)
		goto out;
	f = fopen(manifest, "w");
	if (!f) {
		error = -errno;
		goto out;
	}
	fprintf(f, "{%s,%s,%s,%s,%s}\n", a, b, c, d, e);
	error = fclose(f) ? -EIO : 0;
out:
	free(a);
	free(b);
	free(c);
	free(d);
	free(e);
	if (ut)
		scols_unref_table(ut);
	if (qt)
		scols_unref_table(qt);
	if (ft)
		scols_unref_table(ft);
	if (mt)
		scols_unref_table(mt);
	if (rt)
		scols_unref_table(rt);
	return error;
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
	if (ra->log)
		given[n++] = ra->log;
	if (ra->rt)
		given[n++] = ra->rt;
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

static int
repair_apply(
	const struct repair_args	*ra,
	const struct repair_plan	*plan)
{
	struct repair_plan		done = { 0 };
	size_t				nranges = 0;
	char				*undo = NULL, *manifest = NULL, *rlog = NULL;
	int				rc, xrc = -1, ret = XFS_PMEM_EXIT_ERROR;

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
	rc = repair_run_child(ra, data_child, &done);
	if (rc != 0) {
		xfs_pmem_err("repair: unmapping the lost data failed; undo with: %s undo %s --yes",
				progname, undo);
		ret = REPAIR_EXIT_NEEDED | XFS_PMEM_EXIT_ERROR;
		goto out;
	}
	if (repair_manifest(ra, plan, &done, manifest, undo, xrc)) {
		xfs_pmem_err("repair: cannot write the manifest %s", manifest);
		goto out;
	}
	for (size_t i = 0; i < done.nr; i++)
		nranges += done.items[i].kind == 'D';
	printf("repaired: %s, %zu file range(s) unmapped (%llu bytes",
			xrc >= 0 ? "metadata rebuilt by xfs_repair" :
				   "no metadata damaged",
			nranges, (unsigned long long)done.data_bytes);
	if (done.unwritten_bytes)
		printf(", %llu of them left unwritten in partial rt extents",
				(unsigned long long)done.unwritten_bytes);
	printf("), %llu bytes quarantined in %s\nmanifest: %s\nundo file: %s\n",
			(unsigned long long)done.quarantine_bytes,
			ra->dev == PMF_DEV_RT ? "/pmemfail-quarantine-rt" :
			"/pmemfail-quarantine", manifest, undo);
	ret = (xrc >= 0 || done.nr) ? REPAIR_EXIT_FIXED : REPAIR_EXIT_NOTHING;
out:
	repair_free_plan(&done);
	free(undo);
	free(manifest);
	free(rlog);
	return ret;
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
	ret = repair_run_child(&ra, plan_child, &plan);
	if (ret != 0) {
		repair_free_plan(&plan);
		return ret < 0 ? XFS_PMEM_EXIT_ERROR : ret;
	}
	repair_print_plan(&ra, &plan);
	if (!ra.apply)
		ret = (plan.meta || plan.log || plan.nr) ?
			REPAIR_EXIT_NEEDED : REPAIR_EXIT_NOTHING;
	else
		ret = repair_apply(&ra, &plan);
	repair_free_plan(&plan);
	return ret;
}

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
