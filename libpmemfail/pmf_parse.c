// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Copyright (c) 2026 The pmemfail authors.
 *
 * Values every front end takes from users: sizes with units and device
 * names, parsed one way for xfs_pmem and xfs_db alike.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "pmemfail.h"

/*
 * Parse "N[unit]": no unit is bytes; b is filesystem blocks (@blocksize),
 * s is 512-byte sectors, k/m/g/t are binary multiples.  Signs, blanks,
 * trailing junk and results past 2^64 are refused with -EINVAL/-ERANGE.
 */
int
pmf_parse_size(
	const char		*str,
	uint32_t		blocksize,
	uint64_t		*val)
{
	unsigned long long	n;
	uint64_t		mult;
	char			*end;

	if (!str || !isdigit((unsigned char)str[0]))
		return -EINVAL;
	errno = 0;
	/* Decimal, or hex with 0x; a leading zero does not mean octal. */
	if (str[0] == '0' && (str[1] == 'x' || str[1] == 'X'))
		n = strtoull(str, &end, 16);
	else
		n = strtoull(str, &end, 10);
	if (errno == ERANGE)
		return -ERANGE;
	if (errno)
		return -EINVAL;
	switch (tolower((unsigned char)*end)) {
	case '\0':
		mult = 1;
		break;
	case 'b':
		mult = blocksize;
		break;
	case 's':
		mult = 512;
		break;
	case 'k':
		mult = 1ULL << 10;
		break;
	case 'm':
		mult = 1ULL << 20;
		break;
	case 'g':
		mult = 1ULL << 30;
		break;
	case 't':
		mult = 1ULL << 40;
		break;
	default:
		return -EINVAL;
	}
	if (*end) {
		end++;
		/* Allow KiB-style spellings: k, K, KiB. */
		if (mult >= 1024 && !strcasecmp(end, "ib"))
			end += 2;
		if (*end)
			return -EINVAL;
	}
	if (mult == 0)
		return -EINVAL;
	if (n > UINT64_MAX / mult)
		return -ERANGE;
	*val = n * mult;
	return 0;
}

int
pmf_parse_device(
	const char		*str,
	enum pmf_device		*dev)
{
	if (!strcmp(str, "data"))
		*dev = PMF_DEV_DATA;
	else if (!strcmp(str, "log"))
		*dev = PMF_DEV_LOG;
	else if (!strcmp(str, "rt") || !strcmp(str, "realtime"))
		*dev = PMF_DEV_RT;
	else
		return -EINVAL;
	return 0;
}
