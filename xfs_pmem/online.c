// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (c) 2026 The pmemfail authors.
 *
 * A mounted filesystem: its geometry from XFS_IOC_FSGEOMETRY and the
 * impact records of a failed range from the kernel's GETFSMAP, in the
 * same struct pmf_impact that the offline engine reports.
 *
 * This is the seam between the commands that act on a mounted filesystem
 * (repair --online, watch) and the query.  The records carry what the
 * kernel's reverse mapping says: owner, AG, inode, file offset, and for
 * an inode chunk the allocated inodes in the failed part (by bulkstat).
 * Paths are not resolved here.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xfs/xfs.h>
#include <linux/fsmap.h>
#include "online.h"

static uint32_t
online_log2_roundup(
	uint64_t	v)
{
	uint32_t	l = 0;

	while ((1ULL << l) < v)
		l++;
	return l;
}

int
xfs_pmem_online_open(
	const char		*mnt,
	struct xfs_pmem_online	*on)
{
	struct xfs_fsop_geom	fg = { 0 };
	struct pmf_geometry	*g = &on->geo;
	struct stat		st;

	memset(on, 0, sizeof(*on));
	on->mnt = mnt;
	on->fd = open(mnt, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (on->fd < 0) {
		xfs_pmem_err("%s: %s", mnt, strerror(errno));
		return -errno;
	}
	if (fstat(on->fd, &st) < 0 ||
	    ioctl(on->fd, XFS_IOC_FSGEOMETRY, &fg) < 0) {
		xfs_pmem_err("%s: not a mounted XFS filesystem", mnt);
		close(on->fd);
		on->fd = -1;
		return -ENOTTY;
	}
	uuid_unparse(fg.uuid, g->uuid);
	g->blocksize = fg.blocksize;
	g->sectsize = fg.sectsize;
	g->inodesize = fg.inodesize;
	g->agcount = fg.agcount;
	g->agblocks = fg.agblocks;
	g->dblocks = fg.datablocks;
	g->logblocks = fg.logblocks;
	g->logstart = fg.logstart;
	g->rblocks = fg.rtblocks;
	g->rextsize = fg.rtextsize;
	g->rextents = fg.rtextents;
#define FEAT(geomflag, feat) \
	if (fg.flags & (geomflag)) \
		g->features |= (feat)
	FEAT(XFS_FSOP_GEOM_FLAGS_V5SB, PMF_FEAT_CRC);
	FEAT(XFS_FSOP_GEOM_FLAGS_FINOBT, PMF_FEAT_FINOBT);
	FEAT(XFS_FSOP_GEOM_FLAGS_SPINODES, PMF_FEAT_SPARSE_INODES);
	FEAT(XFS_FSOP_GEOM_FLAGS_RMAPBT, PMF_FEAT_RMAPBT);
	FEAT(XFS_FSOP_GEOM_FLAGS_REFLINK, PMF_FEAT_REFLINK);
	FEAT(XFS_FSOP_GEOM_FLAGS_PARENT, PMF_FEAT_PARENT);
	FEAT(XFS_FSOP_GEOM_FLAGS_METADIR, PMF_FEAT_METADIR);
	FEAT(XFS_FSOP_GEOM_FLAGS_BIGTIME, PMF_FEAT_BIGTIME);
	FEAT(XFS_FSOP_GEOM_FLAGS_FTYPE, PMF_FEAT_FTYPE);
#undef FEAT
	if (fg.rtblocks)
		g->features |= PMF_FEAT_REALTIME;
	if (!fg.logstart)
		g->features |= PMF_FEAT_EXTERNAL_LOG;
	g->dev[PMF_DEV_DATA].path = mnt;
	g->dev[PMF_DEV_DATA].size = fg.datablocks * fg.blocksize;
	g->dev[PMF_DEV_DATA].fs_bytes = g->dev[PMF_DEV_DATA].size;
	on->agblklog = online_log2_roundup(fg.agblocks);
	on->inopblog = online_log2_roundup(fg.blocksize / fg.inodesize);
	/* GETFSMAP names the data device as the kernel encodes st_dev. */
	on->datadev = st.st_dev;
	return 0;
}

void
xfs_pmem_online_close(
	struct xfs_pmem_online	*on)
{
	if (on->fd >= 0)
		close(on->fd);
	on->fd = -1;
}

/* The allocated inodes of an inode chunk's failed part, by bulkstat. */
static int
online_chunk_inodes(
	struct xfs_pmem_online	*on,
	struct pmf_impact	*imp,
	struct pmf_inode_hit	**hitsp)
{
	uint64_t		bs = on->geo.blocksize;
	uint64_t		agbno0 = imp->daddr * 512 / bs -
					 (uint64_t)imp->agno * on->geo.agblocks;
	uint64_t		nblocks = (imp->bbcount * 512 + bs - 1) / bs;
	uint64_t		first = ((uint64_t)imp->agno <<
					 (on->agblklog + on->inopblog)) |
					(agbno0 << on->inopblog);
	uint64_t		n = nblocks << on->inopblog;
	struct xfs_bulkstat_req	*req;
	struct pmf_inode_hit	*hits = NULL;
	unsigned int		nhits = 0;

	req = calloc(1, sizeof(*req) + n * sizeof(struct xfs_bulkstat));
	if (!req)
		return -ENOMEM;
	req->hdr.ino = first;
	req->hdr.icount = n;
	if (ioctl(on->fd, XFS_IOC_BULKSTAT, req) < 0) {
		free(req);
		/* A damaged chunk may not bulkstat: report it without inodes. */
		return 0;
	}
	hits = calloc(req->hdr.ocount ? req->hdr.ocount : 1, sizeof(*hits));
	if (!hits) {
		free(req);
		return -ENOMEM;
	}
	for (uint32_t i = 0; i < req->hdr.ocount; i++) {
		uint64_t	ino = req->bulkstat[i].bs_ino;

		if (ino < first || ino >= first + n)
			break;
		hits[nhits++].ino = ino;
	}
	free(req);
	imp->ninodes = nhits;
	imp->inodes = hits;
	*hitsp = hits;
	return 0;
}

/* One GETFSMAP record, clipped to the range, as an impact record. */
static int
online_record(
	struct xfs_pmem_online	*on,
	const struct pmf_range	*range,
	const struct fsmap	*r,
	pmf_impact_fn		fn,
	void			*priv)
{
	uint64_t		agbytes = (uint64_t)on->geo.agblocks *
					  on->geo.blocksize;
	uint64_t		start = r->fmr_physical;
	uint64_t		end = r->fmr_physical + r->fmr_length;
	uint64_t		lo = range->offset;
	uint64_t		hi = range->offset + range->length;
	struct pmf_inode_hit	*hits = NULL;
	struct pmf_impact	imp = { .dev = PMF_DEV_DATA };
	int			ret;

	if (start < lo)
		start = lo;
	if (end > hi)
		end = hi;
	if (start >= end)
		return 0;
	imp.daddr = start / 512;
	imp.bbcount = (end - start + 511) / 512;
	imp.agno = r->fmr_physical / agbytes;
	imp.agbno = (r->fmr_physical - imp.agno * agbytes) / on->geo.blocksize;
	imp.blockcount = r->fmr_length / on->geo.blocksize;
	imp.startblock = r->fmr_physical / on->geo.blocksize;
	if (r->fmr_flags & FMR_OF_SPECIAL_OWNER) {
		switch (r->fmr_owner) {
		case XFS_FMR_OWN_FREE:
			imp.owner = PMF_OWN_FREE;
			break;
		case XFS_FMR_OWN_FS:
			imp.owner = PMF_OWN_AG_HEADERS;
			imp.consequence = PMF_FATAL;
			break;
		case XFS_FMR_OWN_LOG:
			imp.owner = PMF_OWN_LOG;
			imp.consequence = PMF_FATAL;
			break;
		case XFS_FMR_OWN_AG:
			imp.owner = PMF_OWN_AG_BTREE;
			imp.consequence = PMF_REBUILDABLE;
			break;
		case XFS_FMR_OWN_INOBT:
			imp.owner = PMF_OWN_INOBT;
			imp.consequence = PMF_REBUILDABLE;
			break;
		case XFS_FMR_OWN_INODES:
			imp.owner = PMF_OWN_INODES;
			imp.consequence = PMF_DATA_LOST;
			ret = online_chunk_inodes(on, &imp, &hits);
			if (ret)
				return ret;
			break;
		case XFS_FMR_OWN_REFC:
			imp.owner = PMF_OWN_REFCOUNTBT;
			imp.consequence = PMF_REBUILDABLE;
			break;
		case XFS_FMR_OWN_COW:
			imp.owner = PMF_OWN_COW;
			break;
		default:
			imp.owner = PMF_OWN_UNKNOWN;
			break;
		}
	} else {
		imp.ino = r->fmr_owner;
		if (r->fmr_flags & FMR_OF_EXTENT_MAP) {
			imp.owner = (r->fmr_flags & FMR_OF_ATTR_FORK) ?
				PMF_OWN_ATTR_BMBT : PMF_OWN_BMBT;
			imp.consequence = PMF_REBUILDABLE;
		} else {
			imp.owner = (r->fmr_flags & FMR_OF_ATTR_FORK) ?
				PMF_OWN_ATTR : PMF_OWN_DATA;
			imp.offset = r->fmr_offset + (start - r->fmr_physical);
			imp.length = end - start;
			imp.consequence = PMF_DATA_LOST;
			if (r->fmr_flags & FMR_OF_PREALLOC) {
				imp.flags |= PMF_IMPACT_UNWRITTEN;
				imp.consequence = PMF_NO_LOSS;
			}
			if (r->fmr_flags & FMR_OF_SHARED)
				imp.flags |= PMF_IMPACT_SHARED;
		}
	}
	ret = fn(&imp, priv);
	free(hits);
	return ret;
}

/*
 * The impact records of @range (data device only), from GETFSMAP.
 * Returns 0, a negative errno, or what @fn returned to stop.
 */
int
xfs_pmem_online_query(
	struct xfs_pmem_online	*on,
	const struct pmf_range	*range,
	pmf_impact_fn		fn,
	void			*priv)
{
	const unsigned int	count = 256;
	struct fsmap_head	*head;
	int			ret = 0;

	if (range->dev != PMF_DEV_DATA)
		return -EOPNOTSUPP;
	head = calloc(1, fsmap_sizeof(count));
	if (!head)
		return -ENOMEM;
	head->fmh_count = count;
	head->fmh_keys[0].fmr_device = on->datadev;
	head->fmh_keys[0].fmr_physical = range->offset;
	head->fmh_keys[1].fmr_device = on->datadev;
	head->fmh_keys[1].fmr_physical = range->offset + range->length - 1;
	head->fmh_keys[1].fmr_owner = ULLONG_MAX;
	head->fmh_keys[1].fmr_offset = ULLONG_MAX;
	head->fmh_keys[1].fmr_flags = UINT_MAX;
	for (;;) {
		if (ioctl(on->fd, FS_IOC_GETFSMAP, head) < 0) {
			ret = -errno;
			break;
		}
		if (head->fmh_entries == 0)
			break;
		for (unsigned int i = 0; i < head->fmh_entries && !ret; i++)
			ret = online_record(on, range, &head->fmh_recs[i], fn,
					priv);
		if (ret ||
		    (head->fmh_recs[head->fmh_entries - 1].fmr_flags & FMR_OF_LAST))
			break;
		fsmap_advance(head);
	}
	free(head);
	return ret;
}
