// SPDX-License-Identifier: GPL-2.0
/*
 * The online API as a consumer sees it.  Usage:
 *   lib-online MOUNTPOINT FILE UNMOUNTED.img
 * FILE is a file of MOUNTPOINT whose first data block starts the range
 * asked; UNMOUNTED.img another, unmounted filesystem.  Online handles must
 * not use up the one offline (libxfs) open of the process.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <pmemfail.h>

#define CHECK(cond, ...) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);	\
		fprintf(stderr, __VA_ARGS__);				\
		fputc('\n', stderr);					\
		exit(1);						\
	}								\
} while (0)

struct found {
	uint64_t	ino;
	unsigned int	records;
	bool		hit;
	const char	*want;		/* path of FILE in the filesystem */
};

static int
find_fn(
	const struct pmf_impact	*imp,
	void			*priv)
{
	struct found		*f = priv;

	f->records++;
	if (imp->owner != PMF_OWN_DATA || imp->ino != f->ino)
		return 0;
	for (unsigned int i = 0; i < imp->npaths; i++)
		if (!strcmp(imp->paths[i], f->want))
			f->hit = true;
	return 0;
}

static struct pmf_fs *
open_or_die(
	const char		*data,
	unsigned int		flags,
	int			*error)
{
	struct pmf_open_args	args = { .data = data, .flags = flags };
	struct pmf_fs		*fs = NULL;

	*error = pmf_open(&args, &fs);
	if (*error)
		printf("pmf_open(%s): %d: %s\n", data, *error, args.errmsg);
	return fs;
}

int
main(
	int			argc,
	char			**argv)
{
	struct pmf_geometry	geo;
	struct pmf_range	range = { .dev = PMF_DEV_DATA };
	struct pmf_check_result	res;
	struct pmf_impact	imp = { .owner = PMF_OWN_DATA };
	struct found		f = { 0 };
	struct pmf_fs		*on1, *on2, *off, *again;
	char			real[PATH_MAX];
	struct stat		st, fst;
	int			error, fd;

	CHECK(argc == 5, "usage: lib-online MOUNTPOINT FILE UNMOUNTED.img OFFSET");
	CHECK(realpath(argv[1], real), "realpath %s", argv[1]);
	CHECK(stat(argv[2], &st) == 0, "stat %s", argv[2]);
	f.ino = st.st_ino;
	f.want = argv[2] + strlen(argv[1]);

	on1 = open_or_die(argv[1], 0, &error);
	CHECK(on1, "online open");
	on2 = open_or_die(argv[1], 0, &error);
	CHECK(on2, "a second online open of the same mount point");
	CHECK(pmf_is_online(on1) && pmf_mount_fd(on1) >= 0, "online handle");
	pmf_get_geometry(on1, &geo);
	CHECK(geo.mountpoint && !strcmp(geo.mountpoint, real), "mountpoint %s",
	      geo.mountpoint ? geo.mountpoint : "(null)");
	CHECK((geo.features & PMF_FEAT_RMAPBT) && !geo.clean, "features, clean");
	printf("online: %s, %u AGs of %u blocks, data %s\n", geo.mountpoint,
	       geo.agcount, geo.agblocks, geo.dev[PMF_DEV_DATA].path);

	/* The file's first block: its record, with its path. */
	range.offset = strtoull(argv[4], NULL, 0);
	range.length = 4096;
	error = pmf_query(on2, &range, PMF_QUERY_PATHS, find_fn, &f);
	CHECK(!error && f.hit, "query: error %d (%s), hit %d", error,
	      pmf_errmsg(on2), f.hit);
	printf("query: %u records, inode %llu at %s\n", f.records,
	       (unsigned long long)f.ino, f.want);

	fd = pmf_open_inode(on1, f.ino, O_RDONLY);
	CHECK(fd >= 0 && fstat(fd, &fst) == 0 && fst.st_ino == st.st_ino,
	      "pmf_open_inode: %d %s", fd, pmf_errmsg(on1));
	close(fd);
	CHECK(pmf_open_inode(on1, 3, O_RDONLY) == -ENOENT ||
	      pmf_open_inode(on1, 3, O_RDONLY) == -EINVAL,
	      "an inode that is not allocated");
	CHECK(pmf_check_impact(on1, &imp, &res) == -EOPNOTSUPP, "check online");
	CHECK(pmf_punch(on1, f.ino, 0, 4096) == -EOPNOTSUPP, "punch online");
	CHECK(open_or_die(argv[1], PMF_OPEN_WRITE, &error) == NULL &&
	      error == -EINVAL, "PMF_OPEN_WRITE on a mount point");

	/* libxfs is still there for one offline open, and only one. */
	off = open_or_die(argv[3], 0, &error);
	CHECK(off && !pmf_is_online(off) && pmf_mount_fd(off) == -1,
	      "offline open after online ones");
	again = open_or_die(argv[3], 0, &error);
	CHECK(!again && error == -EBUSY, "a second offline open: %d", error);
	CHECK(pmf_open_inode(off, f.ino, O_RDONLY) == -EOPNOTSUPP,
	      "pmf_open_inode offline");
	pmf_close(off);
	pmf_close(on2);
	pmf_close(on1);
	printf("ok\n");
	return 0;
}
