// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Copyright (c) 2026 The pmemfail authors.
 *
 * Names of the metadata directory tree's inodes on a filesystem with
 * rtgroups: each rtgroup's bitmap, summary, rmap and refcount inodes, and
 * the /rtgroups directory, none of which the superblock names.  They are
 * found once, by loading them as libxfs does, and kept for the process
 * (libxfs mounts one filesystem per process).
 */
#include "pmf_priv.h"

struct pmf_metaname {
	uint64_t		ino;
	char			name[32];
};

static const struct xfs_mount	*pmf_metanames_mp;
static struct pmf_metaname	*pmf_metanames;
static size_t			pmf_nmetanames, pmf_metanames_cap;

static void
pmf_metaname_add(
	const struct xfs_inode	*ip,
	const char		*fmt,
	...)
{
	struct pmf_metaname	*m;
	va_list			ap;

	if (!ip || pmf_grow((void **)&pmf_metanames, &pmf_metanames_cap,
			pmf_nmetanames + 1, sizeof(*pmf_metanames)))
		return;
	m = &pmf_metanames[pmf_nmetanames++];
	m->ino = ip->i_ino;
	va_start(ap, fmt);
	vsnprintf(m->name, sizeof(m->name), fmt, ap);
	va_end(ap);
}

/* One rtgroup's metadata inodes; one that cannot be loaded goes unnamed. */
static void
pmf_metanames_rtg(
	struct xfs_rtgroup	*rtg,
	struct xfs_trans	*tp)
{
	for (int type = 0; type < XFS_RTGI_MAX; type++) {
		if (!xfs_rtginode_enabled(rtg, type))
			continue;
		/* libxfs_umount() lets go of whatever got loaded here. */
		if (!rtg->rtg_inodes[type])
			libxfs_rtginode_load(rtg, type, tp);
		pmf_metaname_add(rtg->rtg_inodes[type], "rtgroup %u %s",
				rtg_rgno(rtg), libxfs_rtginode_name(type));
	}
}

static void
pmf_metanames_load(
	struct xfs_mount	*mp)
{
	struct xfs_rtgroup	*rtg = NULL;
	struct xfs_trans	*tp;

	pmf_metanames_mp = mp;
	pmf_nmetanames = 0;
	if (!xfs_has_rtgroups(mp) || pmf_trans_alloc_empty(mp, &tp))
		return;
	if (!mp->m_rtdirip)
		libxfs_rtginode_load_parent(tp);
	pmf_metaname_add(mp->m_rtdirip, "rtgroups dir");
	if (mp->m_rtdirip)
		while ((rtg = xfs_rtgroup_next(mp, rtg)))
			pmf_metanames_rtg(rtg, tp);
	libxfs_trans_cancel(tp);
}

/* The metadir name of @ino, or NULL if it is none of these. */
const char *
pmf_metadir_name(
	const struct pmf_fs	*fs,
	uint64_t		ino)
{
	if (!fs->mp)
		return NULL;
	if (pmf_metanames_mp != fs->mp)
		pmf_metanames_load(fs->mp);
	for (size_t i = 0; i < pmf_nmetanames; i++)
		if (pmf_metanames[i].ino == ino)
			return pmf_metanames[i].name;
	return NULL;
}
