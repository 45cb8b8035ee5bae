// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (c) 2026 The pmemfail authors.
 *
 * xfs_pmem inject: damage a range of an unmounted filesystem's device the
 * way failed media does -- zeroes, random bytes or flipped bits -- for
 * tests and demonstrations.  This is the one command that writes to a
 * device without an undo file: it exists to destroy data, so it wants
 * --yes, and it refuses a mounted filesystem.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "xfs_pmem.h"

enum inject_mode { INJECT_ZERO, INJECT_RANDOM, INJECT_FLIP };

struct inject_args {
	struct xfs_pmem_target	t;
	enum inject_mode	mode;
	unsigned long long	seed;
	bool			yes;
};

static void
inject_usage(void)
{
	printf(
"Usage: %s inject DATA [-l LOGDEV] [-r RTDEV] --device data|log|rt\n"
"                 --offset N --length N [--mode zero|random|flip]\n"
"                 [--seed N] --yes\n"
"\nDamage a range of an unmounted filesystem's device, as failed media\n"
"would, for tests and demonstrations.  It writes without an undo file.\n"
"\nOptions:\n"
"  -l, --logdev DEV     external log device or image\n"
"  -r, --rtdev DEV      realtime device or image\n"
"  -d, --device DEV     the device to damage: data, log or rt\n"
"      --offset N       start of the range (units as for simulate)\n"
"      --length N       length of the range\n"
"      --mode MODE      zero (default), random bytes, or flip one bit\n"
"                       in every 512-byte sector\n"
"      --seed N         seed for random and flip (default: from the clock)\n"
"      --yes            really write\n"
"  -h, --help           this help\n"
"\nExit status: 0 done, 8 operational error, 16 usage error.\n",
		progname);
}

static int
inject_parse_args(
	int			argc,
	char			**argv,
	struct inject_args	*ia)
{
	enum { OPT_MODE = 256, OPT_SEED, OPT_YES };
	static const struct option longopts[] = {
		XFS_PMEM_LONGOPTS_DEVS,
		XFS_PMEM_LONGOPTS_RANGE,
		{ "mode",	required_argument, NULL, OPT_MODE },
		{ "seed",	required_argument, NULL, OPT_SEED },
		{ "yes",	no_argument,	   NULL, OPT_YES },
		{ "help",	no_argument,	   NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char			*end;
	int			c;

	ia->t.cmd = "inject";
	ia->t.devmask = XFS_PMEM_DEVS_ALL;
	ia->seed = (unsigned long long)time(NULL) ^ getpid();
	while ((c = getopt_long(argc, argv, ":l:r:d:h", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_MODE:
			if (!strcmp(optarg, "zero"))
				ia->mode = INJECT_ZERO;
			else if (!strcmp(optarg, "random"))
				ia->mode = INJECT_RANDOM;
			else if (!strcmp(optarg, "flip"))
				ia->mode = INJECT_FLIP;
			else {
				xfs_pmem_err("inject: unknown mode '%s' (zero, random or flip)",
						optarg);
				return -EINVAL;
			}
			break;
		case OPT_SEED:
			errno = 0;
			ia->seed = strtoull(optarg, &end, 0);
			if (errno || *end || end == optarg) {
				xfs_pmem_err("inject: bad seed '%s'", optarg);
				return -EINVAL;
			}
			break;
		case OPT_YES: ia->yes = true; break;
		case 'h': inject_usage(); return 1;
		default:
			if (xfs_pmem_target_opt(&ia->t, c, optarg))
				break;
			xfs_pmem_bad_option("inject", c, argv);
			return -EINVAL;
		}
	}
	if (optind != argc - 1) {
		xfs_pmem_err("inject: expected exactly one data device");
		return -EINVAL;
	}
	if (xfs_pmem_target_check(&ia->t))
		return -EINVAL;
	if (!ia->yes) {
		xfs_pmem_err("inject: this destroys data on the device; add --yes");
		return -EINVAL;
	}
	return 0;
}

static uint64_t
inject_rnd(
	uint64_t	*state)
{
	*state ^= *state >> 12;
	*state ^= *state << 25;
	*state ^= *state >> 27;
	return *state * 2685821657736338717ULL;
}

/* Damage @buf, which was read from device offset @off. */
static void
inject_damage(
	enum inject_mode	mode,
	unsigned char		*buf,
	size_t			len,
	uint64_t		*rng)
{
	switch (mode) {
	case INJECT_ZERO:
		memset(buf, 0, len);
		break;
	case INJECT_RANDOM:
		for (size_t i = 0; i < len; i++)
			buf[i] = inject_rnd(rng) >> 56;
		break;
	case INJECT_FLIP:
		for (size_t s = 0; s < len; s += 512) {
			size_t	n = len - s < 512 ? len - s : 512;
			uint64_t bit = inject_rnd(rng) % (n * 8);

			buf[s + bit / 8] ^= 1U << (bit % 8);
		}
		break;
	}
}

/* Read, damage and write back [off, off + len) of @path. */
static int
inject_write(
	const char		*path,
	uint64_t		off,
	uint64_t		len,
	enum inject_mode	mode,
	uint64_t		seed)
{
	static unsigned char	buf[1 << 20];
	uint64_t		rng = seed * 0x9E3779B97F4A7C15ULL | 1;
	int			fd = open(path, O_RDWR);

	if (fd < 0) {
		xfs_pmem_err("%s: %s", path, strerror(errno));
		return -errno;
	}
	while (len) {
		size_t	n = len < sizeof(buf) ? len : sizeof(buf);
		ssize_t	r = pread(fd, buf, n, off);

		if (r != (ssize_t)n) {
			xfs_pmem_err("%s: cannot read %zu bytes at %llu", path,
					n, (unsigned long long)off);
			close(fd);
			return -EIO;
		}
		inject_damage(mode, buf, n, &rng);
		if (pwrite(fd, buf, n, off) != (ssize_t)n) {
			xfs_pmem_err("%s: cannot write at %llu: %s", path,
					(unsigned long long)off, strerror(errno));
			close(fd);
			return -EIO;
		}
		off += n;
		len -= n;
	}
	if (fsync(fd)) {
		xfs_pmem_err("%s: fsync: %s", path, strerror(errno));
		close(fd);
		return -EIO;
	}
	close(fd);
	return 0;
}

/* A filesystem block number carries the AG in its high bits. */
static uint64_t
inject_fsb_to_bytes(
	const struct pmf_geometry	*geo,
	uint64_t			fsb)
{
	unsigned int			agblklog = 0;

	while ((1ULL << agblklog) < geo->agblocks)
		agblklog++;
	return ((fsb >> agblklog) * geo->agblocks +
		(fsb & ((1ULL << agblklog) - 1))) * geo->blocksize;
}

/* Check the range against the geometry, then damage it. */
static int
inject_range(
	const struct inject_args	*ia,
	enum pmf_device			dev,
	const struct pmf_geometry	*geo)
{
	static const char * const	modes[] = { "zero", "random", "flip" };
	uint64_t			off, len, base = 0;
	const char			*path;

	if (pmf_parse_size(ia->t.offset, geo->blocksize, &off) ||
	    pmf_parse_size(ia->t.length, geo->blocksize, &len) || len == 0 ||
	    off + len < off) {
		xfs_pmem_err("inject: bad range '%s' + '%s'", ia->t.offset, ia->t.length);
		return XFS_PMEM_EXIT_USAGE;
	}
	path = geo->dev[dev].path;
	if (dev == PMF_DEV_LOG && geo->logstart) {
		/* An internal log: offsets count from the start of the log. */
		if (off + len > geo->logblocks * (uint64_t)geo->blocksize) {
			xfs_pmem_err("inject: range ends past the end of the internal log");
			return XFS_PMEM_EXIT_USAGE;
		}
		base = inject_fsb_to_bytes(geo, geo->logstart);
		path = geo->dev[PMF_DEV_DATA].path;
	} else if (!path) {
		xfs_pmem_err("inject: the filesystem has no %s device open",
				pmf_device_name(dev));
		return XFS_PMEM_EXIT_USAGE;
	} else if (off + len > geo->dev[dev].size) {
		xfs_pmem_err("inject: range ends past the end of the %s device (%llu bytes)",
				pmf_device_name(dev),
				(unsigned long long)geo->dev[dev].size);
		return XFS_PMEM_EXIT_USAGE;
	}
	if (inject_write(path, base + off, len, ia->mode, ia->seed))
		return XFS_PMEM_EXIT_ERROR;
	printf("%s: %s %llu bytes at %llu (seed %llu)\n", path, modes[ia->mode],
			(unsigned long long)len, (unsigned long long)(base + off),
			ia->seed);
	return XFS_PMEM_EXIT_CLEAN;
}

int
xfs_pmem_inject(
	int			argc,
	char			**argv)
{
	struct inject_args	ia = { 0 };
	struct pmf_geometry	geo;
	struct pmf_fs		*fs;
	enum pmf_device		dev;
	int			ret;

	ret = inject_parse_args(argc, argv, &ia);
	if (ret)
		return ret > 0 ? XFS_PMEM_EXIT_CLEAN : XFS_PMEM_EXIT_USAGE;
	dev = ia.t.dev;
	/* The same checks as analysis (the right devices), and no mount. */
	if (xfs_pmem_open_flags(argv[optind], ia.t.log, ia.t.rt, PMF_OPEN_UNMOUNTED,
			&fs))
		return XFS_PMEM_EXIT_ERROR;
	pmf_get_geometry(fs, &geo);
	ret = inject_range(&ia, dev, &geo);
	pmf_close(fs);
	return ret;
}
