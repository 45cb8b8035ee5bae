// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Copyright (c) 2026 The pmemfail authors.
 *
 * Can the libxfs this library was built on read the filesystem at all?
 * libxfs_mount() answers with messages of its own on stderr (some twice)
 * and a NULL mount; a user needs one line that says which xfsprogs would
 * read it.  The answer comes from the primary superblock alone, before
 * libxfs is started, and from what the build's libxfs has (configure's
 * feature checks), never from its version number.
 */
#include "pmf_priv.h"

/* Realtime rmap and reflink need their btrees in the build's libxfs. */
static const char *
pmf_rt_btree_needs(
	const struct xfs_sb	*sb)
{
	if (!sb->sb_rblocks)
		return NULL;
#ifndef HAVE_LIBXFS_RTRMAP
	if (sb->sb_features_ro_compat & XFS_SB_FEAT_RO_COMPAT_RMAPBT)
		return "needs xfsprogs >= 6.14 (realtime rmap)";
#endif
#ifndef HAVE_LIBXFS_RTREFCOUNT
	if (sb->sb_features_ro_compat & XFS_SB_FEAT_RO_COMPAT_REFLINK)
		return "needs xfsprogs >= 6.14 (realtime reflink)";
#else
	/* Even the libxfs that has it refuses rt extents of several blocks. */
	if ((sb->sb_features_ro_compat & XFS_SB_FEAT_RO_COMPAT_REFLINK) &&
	    sb->sb_rextsize > 1)
		return "needs an xfsprogs that reads realtime reflink with an rt extent over one block";
#endif
	return NULL;
}

/*
 * Incompatible features the build's libxfs does not know.  The zoned
 * allocator is the one a 7.x mkfs.xfs makes; a libxfs that knows it still
 * cannot be asked about it here (the failure core has no zone model yet).
 */
static const char *
pmf_incompat_needs(
	const struct xfs_sb	*sb)
{
	uint32_t		incompat = sb->sb_features_incompat;

#ifdef XFS_SB_FEAT_INCOMPAT_ZONED
	if (incompat & XFS_SB_FEAT_INCOMPAT_ZONED)
		return "has a zoned realtime device, which pmemfail does not analyse yet";
#else
	/* The bit 6.15 gave the zoned allocator. */
	if (incompat & (1U << 9))
		return "needs xfsprogs >= 6.15 (zoned realtime)";
#endif
	if (incompat & XFS_SB_FEAT_INCOMPAT_UNKNOWN)
		return "needs a newer xfsprogs (unknown incompatible features)";
	return NULL;
}

/*
 * Refuse, with one line naming what is needed, a v5 filesystem the build's
 * libxfs cannot mount.  Returns 0 or -EOPNOTSUPP with args->errmsg set.
 */
int
pmf_check_libxfs_support(
	struct pmf_open_args	*args,
	const struct xfs_sb	*sb)
{
	const char		*needs;

	if (!xfs_sb_is_v5(sb))
		return 0;
	needs = pmf_incompat_needs(sb);
	if (!needs)
		needs = pmf_rt_btree_needs(sb);
	if (!needs)
		return 0;
	snprintf(args->errmsg, sizeof(args->errmsg),
		 "%s: %s; this build's libxfs is xfsprogs %s", args->data, needs,
		 XFSPROGS_VERSION);
	return -EOPNOTSUPP;
}
