// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Copyright (c) 2026 The pmemfail authors.
 *
 * The exact fallback for filesystems without rmapbt: scan inode forks and
 * AG metadata for the owners of the failed range.
 */
#include "pmf_priv.h"

int
pmf_scan_walk(
	struct pmf_fs			*fs,
	const struct xfs_failure_range	*fr,
	struct pmf_sink			*sink)
{
	return pmf_seterr(fs, -EOPNOTSUPP,
		"the inode scan (for filesystems without rmapbt, or --scan) is not available yet");
}
