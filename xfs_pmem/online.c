// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (c) 2026 The pmemfail authors.
 *
 * A mounted filesystem for the commands that act on one (repair --online,
 * watch): the library's online handle, its mount point's fd, its geometry,
 * and the impact records of a failed range, the same struct pmf_impact
 * that the offline engine reports.
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include "online.h"

int
xfs_pmem_online_open(
	const char		*mnt,
	struct xfs_pmem_online	*on)
{
	struct pmf_open_args	args = { .data = mnt };
	struct stat		st;
	int			error;

	memset(on, 0, sizeof(*on));
	on->mnt = mnt;
	on->fd = -1;
	/* A device or image here would be opened offline: refuse it first. */
	if (stat(mnt, &st) < 0 || !S_ISDIR(st.st_mode)) {
		xfs_pmem_err("%s: not the mount point of an XFS filesystem", mnt);
		return -EINVAL;
	}
	error = pmf_open(&args, &on->fs);
	if (error) {
		xfs_pmem_err("%s", args.errmsg);
		return error;
	}
	on->fd = pmf_mount_fd(on->fs);
	pmf_get_geometry(on->fs, &on->geo);
	return 0;
}

void
xfs_pmem_online_close(
	struct xfs_pmem_online	*on)
{
	if (on->fs)
		pmf_close(on->fs);
	on->fs = NULL;
	on->fd = -1;
}

/*
 * The impact records of @range, as offline (the library's online backend:
 * GETFSMAP through the shared core).  Returns 0, a negative errno, or what
 * @fn returned to stop.
 */
int
xfs_pmem_online_query(
	struct xfs_pmem_online	*on,
	const struct pmf_range	*range,
	unsigned int		flags,
	pmf_impact_fn		fn,
	void			*priv)
{
	return pmf_query(on->fs, range, flags, fn, priv);
}
