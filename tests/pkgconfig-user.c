// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (c) 2026 The pmemfail authors.
 *
 * A program that knows libpmemfail only as an installed package: built with
 * `pkg-config --cflags --libs libpmemfail` and nothing else (tests/t/package.sh).
 * Usage: pkgconfig-user IMAGE OFFSET LENGTH; prints one line per record:
 * "owner inode foffset length path..." of the data device range.
 */
#include <stdio.h>
#include <string.h>
#include <pmemfail.h>

static int
print_impact(
	const struct pmf_impact	*imp,
	void			*priv)
{
	FILE			*out = priv;

	fprintf(out, "%s %llu %llu %llu", pmf_owner_name(imp->owner),
			(unsigned long long)imp->ino,
			(unsigned long long)imp->offset,
			(unsigned long long)imp->bbcount * 512);
	for (unsigned int i = 0; i < imp->npaths; i++)
		fprintf(out, " %s", imp->paths[i]);
	fputc('\n', out);
	return 0;
}

int
main(
	int			argc,
	char			**argv)
{
	struct pmf_open_args	args = { 0 };
	struct pmf_geometry	geo;
	struct pmf_range	range = { .dev = PMF_DEV_DATA };
	struct pmf_fs		*fs;
	int			error;

	if (argc != 4) {
		fprintf(stderr, "usage: pkgconfig-user IMAGE OFFSET LENGTH\n");
		return 16;
	}
	args.data = argv[1];
	error = pmf_open(&args, &fs);
	if (error) {
		fprintf(stderr, "%s\n", args.errmsg[0] ? args.errmsg :
				strerror(-error));
		return 8;
	}
	pmf_get_geometry(fs, &geo);
	if (pmf_parse_size(argv[2], geo.blocksize, &range.offset) ||
	    pmf_parse_size(argv[3], geo.blocksize, &range.length)) {
		pmf_close(fs);
		return 16;
	}
	error = pmf_query(fs, &range, PMF_QUERY_PATHS, print_impact, stdout);
	if (error)
		fprintf(stderr, "%s\n", pmf_errmsg(fs)[0] ? pmf_errmsg(fs) :
				strerror(-error));
	pmf_close(fs);
	return error ? 8 : 0;
}
