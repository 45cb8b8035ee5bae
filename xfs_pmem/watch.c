// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (c) 2026 The pmemfail authors.
 *
 * xfs_pmem watch MOUNTPOINT: a daemon on the kernel's XFS health monitor.
 * Every event becomes one JSON line on standard output; a media error
 * also gets the full report of its range (the impact records of the
 * mounted filesystem), and with --repair, on the data device, the
 * targeted online repair of that range and its result.
 *
 * The monitor holds no reference on the mount, and neither do we between
 * events: the mount point is opened for each report and checked to be
 * the monitored filesystem, so that an unmount is never blocked and a
 * filesystem mounted over the same directory is never reported on.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>
#include "xfs_pmem.h"
#include "online.h"
#include "healthmon.h"
#include "scrub.h"

struct watch_args {
	const char		*mnt;
	bool			repair;
	bool			invalidate;	/* run xfs_pmem invalidate */
	bool			kill;		/* ... with --kill */
	bool			verbose;
	unsigned long		count;		/* media events, then exit */
	unsigned long		timeout;	/* seconds, 0 forever */
};

static void
watch_usage(void)
{
	printf(
"Usage: %s watch MOUNTPOINT [--repair] [--invalidate | --kill]\n"
"                [--count N] [--timeout SECONDS]\n"
"\nWatch a mounted XFS filesystem through the kernel's health monitor\n"
"(Linux 7.x) and write one JSON line per event to standard output.  A\n"
"media error comes with the report of its range, what lived there, as\n"
"simulate tells it (data, log, or rt with realtime rmap).\n"
"\nOptions:\n"
"      --repair         after a data device media error, run the targeted\n"
"                       online repair of its range (repair --online) and\n"
"                       add its result to the line\n"
"      --invalidate     after a media error, run \"%s invalidate\" on its\n"
"                       range (report the processes mapping the lost file\n"
"                       ranges, drop them from the page cache) and add its\n"
"                       report to the line\n"
"      --kill           the same with --kill: SIGBUS those processes\n"
"      --count N        exit after N media error events\n"
"      --timeout SECS   exit after SECS seconds\n"
"  -v, --verbose        ask the kernel for every health event, not only\n"
"                       changes\n"
"  -h, --help           this help\n"
"\nExit status: 0 the filesystem was unmounted, or --count or --timeout was\n"
"reached; 8 operational error (also: the kernel has no health monitor);\n"
"16 usage error.\n", progname, progname);
}

static int
watch_parse_args(
	int			argc,
	char			**argv,
	struct watch_args	*wa)
{
	enum { OPT_REPAIR = 256, OPT_INVALIDATE, OPT_KILL, OPT_COUNT,
	       OPT_TIMEOUT };
	static const struct option longopts[] = {
		{ "repair",	no_argument,	   NULL, OPT_REPAIR },
		{ "invalidate",	no_argument,	   NULL, OPT_INVALIDATE },
		{ "kill",	no_argument,	   NULL, OPT_KILL },
		{ "count",	required_argument, NULL, OPT_COUNT },
		{ "timeout",	required_argument, NULL, OPT_TIMEOUT },
		{ "verbose",	no_argument,	   NULL, 'v' },
		{ "help",	no_argument,	   NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char			*end;
	int			c;

	while ((c = getopt_long(argc, argv, ":vh", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_REPAIR: wa->repair = true; break;
		case OPT_INVALIDATE: wa->invalidate = true; break;
		case OPT_KILL: wa->invalidate = wa->kill = true; break;
		case OPT_COUNT:
		case OPT_TIMEOUT:
			errno = 0;
			if (*optarg < '0' || *optarg > '9')
				end = optarg;
			else
				*(c == OPT_COUNT ? &wa->count : &wa->timeout) =
					strtoul(optarg, &end, 10);
			if (*end || errno || end == optarg) {
				xfs_pmem_err("watch: bad %s '%s'",
					c == OPT_COUNT ? "count" : "timeout",
					optarg);
				return -EINVAL;
			}
			break;
		case 'v': wa->verbose = true; break;
		case 'h': watch_usage(); return 1;
		default:  xfs_pmem_bad_option("watch", c, argv); return -EINVAL;
		}
	}
	if (optind != argc - 1) {
		xfs_pmem_err("watch: expected exactly one mount point");
		return -EINVAL;
	}
	wa->mnt = argv[optind];
	return 0;
}

/*
 * Every impact member but verify's, sizes in bytes: the records of an
 * event have simulate's schema (doc/simulate-json.md).
 */
static const int watch_impact_ids[] = {
	XFS_PMEM_IC_DEV, XFS_PMEM_IC_START, XFS_PMEM_IC_LENGTH,
	XFS_PMEM_IC_OWNER, XFS_PMEM_IC_INODE, XFS_PMEM_IC_FOFFSET,
	XFS_PMEM_IC_FLAGS, XFS_PMEM_IC_EFFECT, XFS_PMEM_IC_AG,
	XFS_PMEM_IC_AGBNO, XFS_PMEM_IC_BLOCKS, XFS_PMEM_IC_HEADERS,
	XFS_PMEM_IC_MEDIA, XFS_PMEM_IC_REMOVE, XFS_PMEM_IC_METAFILE,
	XFS_PMEM_IC_PATH,
};
static const struct xfs_pmem_out watch_out = { .json = true, .bytes = true };

static int
watch_impact(
	const struct pmf_impact	*imp,
	void			*priv)
{
	return xfs_pmem_impact_add(priv, imp, NULL);
}

/*
 * The impacts of @range, as the member "impacts" on the event's line; an
 * error of the query after it.
 */
static void
watch_impacts(
	struct xfs_pmem_online	*on,
	const struct pmf_range	*range,
	FILE			*f)
{
	struct xfs_pmem_impact_out io;
	char			*body = NULL;
	int			error;

	error = xfs_pmem_impact_table(&io, "impacts", watch_impact_ids,
			sizeof(watch_impact_ids) / sizeof(int), &watch_out);
	if (error) {
		fputs(",\"impacts\":null,\"error\":", f);
		xfs_pmem_json_str(f, strerror(-error));
		return;
	}
	error = xfs_pmem_online_query(on, range, PMF_QUERY_PATHS,
			watch_impact, &io);
	body = xfs_pmem_json_body(io.tb);
	fputc(',', f);
	if (body)
		xfs_pmem_json_oneline(f, body);
	else
		fputs("\"impacts\":null", f);
	if (error || !body) {
		fputs(",\"error\":", f);
		xfs_pmem_json_str(f, strerror(error < 0 ? -error : error ? EIO : ENOMEM));
	}
	free(body);
	scols_unref_table(io.tb);
}

/*
 * xfs_pmem invalidate on @range, in a child (it has its own options and
 * output), its JSON document put on the line as one value.  libsmartcols
 * escapes control characters in strings, so every newline in its output
 * is layout, and it and the indentation after it can go.
 */
static void
watch_invalidate(
	const struct watch_args	*wa,
	const struct pmf_range	*range,
	FILE			*f)
{
	char			off[32], len[32];
	char			*argv[] = { "invalidate", (char *)wa->mnt,
				    "--device", (char *)pmf_device_name(range->dev),
				    "--offset", off, "--length", len, "--json",
				    "--bytes", wa->kill ? "--kill" : NULL, NULL };
	int			argc = wa->kill ? 11 : 10;
	int			p[2], status, c;
	char			*doc = NULL;
	size_t			n = 0;
	FILE			*in;
	pid_t			pid;

	snprintf(off, sizeof(off), "%llu", (unsigned long long)range->offset);
	snprintf(len, sizeof(len), "%llu", (unsigned long long)range->length);
	fflush(f);
	if (pipe(p) < 0)
		goto fail;
	pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		goto fail;
	}
	if (pid == 0) {
		close(p[0]);
		if (dup2(p[1], STDOUT_FILENO) < 0)
			_exit(XFS_PMEM_EXIT_ERROR);
		close(p[1]);
		optind = 0;
		c = xfs_pmem_invalidate(argc, argv);
		fflush(stdout);
		_exit(c);
	}
	close(p[1]);
	in = fdopen(p[0], "r");
	fputs(",\"invalidate\":", f);
	/* Its output holds no NUL: this reads it whole. */
	if (in && getdelim(&doc, &n, '\0', in) > 0 && strchr(doc, '{'))
		xfs_pmem_json_oneline(f, doc);
	else
		fputs("null", f);
	free(doc);
	if (in)
		fclose(in);
	else
		close(p[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	fprintf(f, ",\"invalidate_exit\":%d",
			WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	return;
fail:
	fputs(",\"invalidate\":null,\"invalidate_error\":", f);
	xfs_pmem_json_str(f, strerror(errno));
}

/*
 * The report of a media error's range on the data device: open the mount
 * point again, make sure it is still the monitored filesystem, query.
 */
static void
watch_media_report(
	const struct watch_args			*wa,
	int					monfd,
	const struct xfs_health_monitor_event	*ev,
	FILE					*f)
{
	struct pmf_range	range = {
		.dev = ev->domain == XFS_HEALTH_MONITOR_DOMAIN_LOGDEV ?
			PMF_DEV_LOG :
		       ev->domain == XFS_HEALTH_MONITOR_DOMAIN_RTDEV ?
			PMF_DEV_RT : PMF_DEV_DATA,
		.offset = ev->e.media.daddr * 512,
		.length = ev->e.media.bbcount * 512,
	};
	struct xfs_pmem_online	on;
	const char		*why = NULL;
	int			error;

	if (xfs_pmem_online_open(wa->mnt, &on)) {
		fputs(",\"impacts\":null,\"error\":\"cannot open the mount point\"", f);
		return;
	}
	error = pmf_healthmon_same_fs(monfd, on.fd);
	if (error && error != -ENOTTY) {
		why = "the mount point is no longer the monitored filesystem";
		goto out;
	}
	watch_impacts(&on, &range, f);
	/* Online repair is for the data device only. */
	if (wa->repair && range.dev == PMF_DEV_DATA) {
		fputs(",\"repair\":", f);
		error = xfs_pmem_repair_online_range(&on, &range, f);
		if (error < 0) {
			fputs("null,\"repair_error\":", f);
			xfs_pmem_json_str(f, strerror(-error));
		}
	}
	/* After the repair: its rebuilds never touch file data. */
	if (wa->invalidate && range.dev != PMF_DEV_LOG)
		watch_invalidate(wa, &range, f);
out:
	if (why) {
		fputs(",\"impacts\":null,\"error\":", f);
		xfs_pmem_json_str(f, why);
	}
	xfs_pmem_online_close(&on);
}

/* One event, one line. */
static void
watch_event(
	const struct watch_args			*wa,
	int					monfd,
	const struct xfs_health_monitor_event	*ev)
{
	FILE			*f = stdout;

	fprintf(f, "{\"event\":\"%s\",\"domain\":\"%s\",\"time_ns\":%llu",
			pmf_healthmon_type_name(ev->type),
			pmf_healthmon_domain_name(ev->domain),
			(unsigned long long)ev->time_ns);
	switch (ev->domain) {
	case XFS_HEALTH_MONITOR_DOMAIN_FS:
		fprintf(f, ",\"mask\":%u", ev->e.fs.mask);
		break;
	case XFS_HEALTH_MONITOR_DOMAIN_AG:
	case XFS_HEALTH_MONITOR_DOMAIN_RTGROUP:
		fprintf(f, ",\"group\":%u,\"mask\":%u", ev->e.group.gno,
				ev->e.group.mask);
		break;
	case XFS_HEALTH_MONITOR_DOMAIN_INODE:
		fprintf(f, ",\"inode\":%llu,\"gen\":%u,\"mask\":%u",
				(unsigned long long)ev->e.inode.ino,
				ev->e.inode.gen, ev->e.inode.mask);
		break;
	case XFS_HEALTH_MONITOR_DOMAIN_FILERANGE:
		fprintf(f, ",\"inode\":%llu,\"gen\":%u,\"foffset\":%llu,"
				"\"length\":%llu,\"error\":%u",
				(unsigned long long)ev->e.filerange.ino,
				ev->e.filerange.gen,
				(unsigned long long)ev->e.filerange.pos,
				(unsigned long long)ev->e.filerange.len,
				ev->e.filerange.error);
		break;
	case XFS_HEALTH_MONITOR_DOMAIN_DATADEV:
	case XFS_HEALTH_MONITOR_DOMAIN_RTDEV:
	case XFS_HEALTH_MONITOR_DOMAIN_LOGDEV:
		fprintf(f, ",\"dev\":\"%s\",\"offset\":%llu,\"length\":%llu",
			ev->domain == XFS_HEALTH_MONITOR_DOMAIN_DATADEV ? "data" :
			ev->domain == XFS_HEALTH_MONITOR_DOMAIN_RTDEV ? "rt" :
								       "log",
			(unsigned long long)ev->e.media.daddr * 512,
			(unsigned long long)ev->e.media.bbcount * 512);
		break;
	case XFS_HEALTH_MONITOR_DOMAIN_MOUNT:
		if (ev->type == XFS_HEALTH_MONITOR_TYPE_LOST)
			fprintf(f, ",\"count\":%llu",
				(unsigned long long)ev->e.lost.count);
		else if (ev->type == XFS_HEALTH_MONITOR_TYPE_SHUTDOWN)
			fprintf(f, ",\"reasons\":%u", ev->e.shutdown.reasons);
		break;
	}
	if (ev->type == XFS_HEALTH_MONITOR_TYPE_MEDIA_ERROR)
		watch_media_report(wa, monfd, ev, f);
	fputs("}\n", f);
	fflush(f);
}

static uint64_t
watch_now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000ULL + ts.tv_nsec / 1000000;
}

int
xfs_pmem_watch(
	int			argc,
	char			**argv)
{
	struct watch_args	wa = { 0 };
	struct xfs_pmem_online	on;
	struct xfs_health_monitor_event evs[64];
	unsigned long		media = 0;
	uint64_t		deadline;
	size_t			have = 0;
	int			monfd, ret;

	ret = watch_parse_args(argc, argv, &wa);
	if (ret)
		return ret > 0 ? XFS_PMEM_EXIT_CLEAN : XFS_PMEM_EXIT_USAGE;
	if (xfs_pmem_online_open(wa.mnt, &on))
		return XFS_PMEM_EXIT_ERROR;
	monfd = pmf_healthmon_open(on.fd, wa.verbose);
	/* A --repair that cannot work is better refused now than per event. */
	ret = monfd >= 0 && wa.repair ? pmf_scrub_probe(on.fd, true) : 0;
	xfs_pmem_online_close(&on);
	if (ret) {
		xfs_pmem_err("watch: --repair: the kernel has no online repair for %s (%s)",
				wa.mnt, strerror(-ret));
		close(monfd);
		return XFS_PMEM_EXIT_ERROR;
	}
	if (monfd == -ENOTTY || monfd == -EOPNOTSUPP) {
		xfs_pmem_err("watch: the kernel has no XFS health monitor for %s (XFS_IOC_HEALTH_MONITOR: %s)",
				wa.mnt, strerror(-monfd));
		return XFS_PMEM_EXIT_ERROR;
	}
	/* A mount has one monitor: another watch or xfs_healer has it. */
	if (monfd == -EEXIST || monfd == -EBUSY) {
		xfs_pmem_err("watch: %s already has a health monitor (another watch, or xfs_healer): %s",
				wa.mnt, strerror(-monfd));
		return XFS_PMEM_EXIT_ERROR;
	}
	if (monfd < 0) {
		xfs_pmem_err("watch: %s: XFS_IOC_HEALTH_MONITOR: %s", wa.mnt,
				strerror(-monfd));
		return XFS_PMEM_EXIT_ERROR;
	}
	printf("{\"event\":\"watching\",\"mount\":");
	xfs_pmem_json_str(stdout, wa.mnt);
	printf(",\"repair\":%s,\"invalidate\":%s}\n",
			wa.repair ? "true" : "false",
			wa.kill ? "\"kill\"" : wa.invalidate ? "true" : "false");
	fflush(stdout);

	deadline = wa.timeout ? watch_now() + wa.timeout * 1000ULL : 0;
	for (;;) {
		struct pollfd	pfd = { .fd = monfd, .events = POLLIN };
		int		wait_ms = -1;
		ssize_t		n;

		if (deadline) {
			uint64_t now = watch_now();

			if (now >= deadline)
				break;
			wait_ms = deadline - now;
		}
		n = poll(&pfd, 1, wait_ms);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			xfs_pmem_err("watch: poll: %s", strerror(errno));
			ret = XFS_PMEM_EXIT_ERROR;
			break;
		}
		if (n == 0)
			continue;
		n = read(monfd, (char *)evs + have, sizeof(evs) - have);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n < 0) {
			xfs_pmem_err("watch: reading the health monitor: %s",
					strerror(errno));
			ret = XFS_PMEM_EXIT_ERROR;
			break;
		}
		if (n == 0)	/* the monitor is gone with the filesystem */
			break;
		have += n;
		/* The kernel may split a record across reads: keep the rest. */
		for (size_t i = 0; i < have / sizeof(evs[0]); i++) {
			watch_event(&wa, monfd, &evs[i]);
			if (evs[i].type == XFS_HEALTH_MONITOR_TYPE_UNMOUNT)
				goto done;
			if (evs[i].type == XFS_HEALTH_MONITOR_TYPE_MEDIA_ERROR &&
			    wa.count && ++media >= wa.count)
				goto done;
		}
		memmove(evs, (char *)evs + have / sizeof(evs[0]) * sizeof(evs[0]),
				have % sizeof(evs[0]));
		have %= sizeof(evs[0]);
	}
done:
	close(monfd);
	return ret;
}
