// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Copyright (c) 2026 The pmemfail authors.
 *
 * Geometry and features, read once from the in-core superblock.
 */
#include "pmf_priv.h"

static uint64_t
pmf_features(
	struct xfs_mount	*mp)
{
	uint64_t		f = 0;

	if (xfs_has_crc(mp))
		f |= PMF_FEAT_CRC;
	if (xfs_has_finobt(mp))
		f |= PMF_FEAT_FINOBT;
	if (xfs_has_sparseinodes(mp))
		f |= PMF_FEAT_SPARSE_INODES;
	if (xfs_has_rmapbt(mp))
		f |= PMF_FEAT_RMAPBT;
	if (xfs_has_reflink(mp))
		f |= PMF_FEAT_REFLINK;
	if (xfs_has_parent(mp))
		f |= PMF_FEAT_PARENT;
	if (xfs_has_metadir(mp))
		f |= PMF_FEAT_METADIR;
	if (mp->m_sb.sb_rblocks)
		f |= PMF_FEAT_REALTIME;
	if (xfs_has_rtgroups(mp))
		f |= PMF_FEAT_RTGROUPS;
	/* Realtime rmap is rmapbt on a filesystem with realtime groups. */
	if (xfs_has_rtgroups(mp) && xfs_has_rmapbt(mp) && mp->m_sb.sb_rblocks)
		f |= PMF_FEAT_RTRMAP;
	if (mp->m_sb.sb_logstart == 0)
		f |= PMF_FEAT_EXTERNAL_LOG;
	if (xfs_has_bigtime(mp))
		f |= PMF_FEAT_BIGTIME;
	if (xfs_has_ftype(mp))
		f |= PMF_FEAT_FTYPE;
	return f;
}

/* Fill the shared core's view and the public geometry of @fs->mp. */
void
pmf_fill_geometry(
	struct pmf_fs		*fs)
{
	struct xfs_sb		*sb = &fs->mp->m_sb;
	struct pmf_geometry	*geo = &fs->geo;
	struct xfs_failure_geo	*fgeo = &fs->fgeo;

	fgeo->blocklog = sb->sb_blocklog;
	fgeo->sectsize = sb->sb_sectsize;
	fgeo->agcount = sb->sb_agcount;
	fgeo->agblocks = sb->sb_agblocks;
	fgeo->dblocks = sb->sb_dblocks;
	fgeo->logblocks = sb->sb_logblocks;
	fgeo->logstart = sb->sb_logstart;
	fgeo->rblocks = sb->sb_rblocks;
	fgeo->rgblocks = xfs_has_rtgroups(fs->mp) ?
			 fs->mp->m_groups[XG_TYPE_RTG].blocks : 0;

	memset(geo, 0, sizeof(*geo));
	platform_uuid_unparse(&sb->sb_uuid, geo->uuid);
	memcpy(geo->label, sb->sb_fname, sizeof(sb->sb_fname));
	geo->label[sizeof(sb->sb_fname)] = '\0';
	geo->blocksize = sb->sb_blocksize;
	geo->sectsize = sb->sb_sectsize;
	geo->inodesize = sb->sb_inodesize;
	geo->agcount = sb->sb_agcount;
	geo->agblocks = sb->sb_agblocks;
	geo->dblocks = sb->sb_dblocks;
	geo->logblocks = sb->sb_logblocks;
	geo->logstart = sb->sb_logstart;
	geo->rblocks = sb->sb_rblocks;
	geo->rextsize = sb->sb_rextsize;
	geo->rextents = sb->sb_rextents;
	geo->icount = sb->sb_icount;
	geo->features = pmf_features(fs->mp);
#ifdef HAVE_LIBXFS_RTRMAP
	geo->rtrmap_supported = true;
#endif
	for (int i = 0; i < 3; i++)
		geo->dev[i].path = fs->path[i];
	geo->dev[PMF_DEV_DATA].fs_bytes = sb->sb_dblocks << sb->sb_blocklog;
	if (sb->sb_logstart == 0)
		geo->dev[PMF_DEV_LOG].fs_bytes =
			(uint64_t)sb->sb_logblocks << sb->sb_blocklog;
	geo->dev[PMF_DEV_RT].fs_bytes = sb->sb_rblocks << sb->sb_blocklog;
}

int
pmf_get_geometry(
	struct pmf_fs		*fs,
	struct pmf_geometry	*geo)
{
	*geo = fs->geo;
	geo->clean = fs->log.known && fs->log.clean;
	return 0;
}
