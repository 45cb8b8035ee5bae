// SPDX-License-Identifier: GPL-2.0
/*
 * libpmemfail as a consumer sees it: the installed header and the shared
 * library.  Usage: lib-api DATA.img LOG.img OTHER.img
 * Prints what it checks; exits non-zero on the first surprise.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pmemfail.h>

#define CHECK(cond, ...) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);	\
		fprintf(stderr, __VA_ARGS__);				\
		fputc('\n', stderr);					\
		exit(1);						\
	}								\
} while (0)

struct tally {
	unsigned int	records;
	unsigned int	stop_after;
	uint64_t	bytes;
	uint64_t	sum;		/* of each record's daddr times its place */
};

static int
count_fn(
	const struct pmf_impact	*imp,
	void			*priv)
{
	struct tally		*t = priv;

	CHECK(imp->dev == PMF_DEV_DATA, "device %d", imp->dev);
	CHECK(imp->owner < PMF_OWN_NR, "owner %d", imp->owner);
	CHECK(imp->bbcount > 0 && imp->length == imp->bbcount * 512,
	      "length %llu for %llu sectors", (unsigned long long)imp->length,
	      (unsigned long long)imp->bbcount);
	CHECK(strcmp(pmf_owner_name(imp->owner), "unknown") ||
	      imp->owner == PMF_OWN_UNKNOWN, "owner name");
	t->records++;
	t->bytes += imp->length;
	/* Another order gives another sum. */
	t->sum += imp->daddr * t->records;
	if (t->stop_after && t->records == t->stop_after)
		return 42;
	return 0;
}

int
main(
	int			argc,
	char			**argv)
{
	struct pmf_open_args	args = { 0 };
	struct pmf_geometry	geo;
	struct pmf_range	range;
	struct tally		t = { 0 };
	struct pmf_fs		*fs;
	uint64_t		v;
	int			error;

	CHECK(argc == 4, "usage: lib-api DATA LOG OTHER");

	/* Size parsing is shared by every front end. */
	CHECK(!pmf_parse_size("4k", 4096, &v) && v == 4096, "4k");
	CHECK(!pmf_parse_size("3b", 4096, &v) && v == 12288, "3b");
	CHECK(!pmf_parse_size("2s", 4096, &v) && v == 1024, "2s");
	CHECK(!pmf_parse_size("1MiB", 4096, &v) && v == 1048576, "1MiB");
	CHECK(!pmf_parse_size("0x10", 4096, &v) && v == 16, "0x10");
	CHECK(!pmf_parse_size("010", 4096, &v) && v == 10, "010 is decimal");
	CHECK(pmf_parse_size("-1", 4096, &v) == -EINVAL, "-1");
	CHECK(pmf_parse_size("1q", 4096, &v) == -EINVAL, "1q");
	CHECK(pmf_parse_size("", 4096, &v) == -EINVAL, "empty");
	CHECK(pmf_parse_size("18446744073709551616", 4096, &v) == -ERANGE, "2^64");
	CHECK(pmf_parse_size("16777216t", 4096, &v) == -ERANGE, "2^64 in t");
	printf("parse ok\n");

	/* Refusals carry a message and leave no handle. */
	args.data = argv[1];
	error = pmf_open(&args, &fs);
	CHECK(error == -EINVAL && fs == NULL && strstr(args.errmsg, "external log"),
	      "no log: %d '%s'", error, args.errmsg);
	args.log = argv[3];
	error = pmf_open(&args, &fs);
	CHECK(error == -EINVAL && strstr(args.errmsg, "another filesystem"),
	      "wrong log: %d '%s'", error, args.errmsg);
	printf("refusals ok\n");

	args.log = argv[2];
	error = pmf_open(&args, &fs);
	CHECK(!error, "open: %d '%s'", error, args.errmsg);
	CHECK(!pmf_get_geometry(fs, &geo), "geometry");
	CHECK(geo.features & PMF_FEAT_RMAPBT, "rmapbt");
	CHECK(geo.features & PMF_FEAT_EXTERNAL_LOG, "external log");
	CHECK(geo.dev[PMF_DEV_LOG].path && !strcmp(geo.dev[PMF_DEV_LOG].path, argv[2]),
	      "log path");
	CHECK(geo.dblocks * geo.blocksize == geo.dev[PMF_DEV_DATA].fs_bytes,
	      "fs bytes");
	printf("geometry ok: %u AGs of %u blocks\n", geo.agcount, geo.agblocks);

	/* A whole-device query covers every byte of the filesystem once. */
	range = (struct pmf_range){ PMF_DEV_DATA, 0, geo.dev[PMF_DEV_DATA].fs_bytes };
	error = pmf_query(fs, &range, 0, count_fn, &t);
	CHECK(!error, "query: %d '%s'", error, pmf_errmsg(fs));
	CHECK(t.records > 10, "only %u records", t.records);
	printf("whole device: %u records, %llu bytes\n", t.records,
	       (unsigned long long)t.bytes);

	/* A callback's non-zero return stops the walk and comes back. */
	t = (struct tally){ .stop_after = 3 };
	error = pmf_query(fs, &range, PMF_QUERY_PATHS, count_fn, &t);
	CHECK(error == 42 && t.records == 3, "stop: %d after %u", error, t.records);

	/*
	 * Threaded, in batches of two records so that many are queued: the
	 * same records in the same order, and a stop is still a stop, with
	 * no call after it.
	 */
	{
		struct tally	one = { 0 }, two = { 0 };

		setenv("PMF_QUERY_BATCH", "2", 1);
		error = pmf_query(fs, &range, PMF_QUERY_PATHS, count_fn, &one);
		CHECK(!error, "query: %d '%s'", error, pmf_errmsg(fs));
		error = pmf_query(fs, &range,
				PMF_QUERY_PATHS | PMF_QUERY_THREADED,
				count_fn, &two);
		CHECK(!error, "threaded: %d '%s'", error, pmf_errmsg(fs));
		CHECK(one.records == two.records && one.bytes == two.bytes &&
		      one.sum == two.sum, "threaded: %u records, %u unthreaded",
		      two.records, one.records);
		two = (struct tally){ .stop_after = 5 };
		error = pmf_query(fs, &range,
				PMF_QUERY_PATHS | PMF_QUERY_THREADED,
				count_fn, &two);
		CHECK(error == 42 && two.records == 5, "threaded stop: %d after %u",
		      error, two.records);
		unsetenv("PMF_QUERY_BATCH");
		printf("threaded ok: %u records in order\n", one.records);
	}

	/* Bad ranges are refused with a message. */
	range = (struct pmf_range){ PMF_DEV_DATA, geo.dev[PMF_DEV_DATA].size, 1 };
	error = pmf_query(fs, &range, 0, count_fn, &t);
	CHECK(error == -ERANGE && strstr(pmf_errmsg(fs), "past the end"),
	      "past end: %d '%s'", error, pmf_errmsg(fs));
	range = (struct pmf_range){ PMF_DEV_RT, 0, 4096 };
	error = pmf_query(fs, &range, 0, count_fn, &t);
	CHECK(error == -ENODEV, "no rt: %d '%s'", error, pmf_errmsg(fs));
	range = (struct pmf_range){ PMF_DEV_DATA, 0, 0 };
	CHECK(pmf_query(fs, &range, 0, count_fn, &t) == -EINVAL, "zero length");
	printf("range errors ok\n");
	pmf_close(fs);

	/* libxfs 6.13 comes up once per process: a clean refusal, no crash. */
	error = pmf_open(&args, &fs);
	CHECK(error == -EBUSY && strstr(args.errmsg, "one filesystem per process"),
	      "reopen: %d '%s'", error, args.errmsg);
	printf("reopen refused ok\n");
	return 0;
}
