// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Copyright (c) 2026 The pmemfail authors.
 *
 * The realtime half of a repair.  With realtime rmap (a libxfs that has
 * it) libxfs's deferred rmap updates keep each rtgroup's rtrmapbt in step
 * with what is unmapped and quarantined here.
 *
 * Unmapping lost realtime file data is pmf_punch()'s bunmapi, once the
 * realtime bitmap and summary inodes it locks and joins are in memory.
 * With rt extents of more than one block, bunmapi cannot free part of an
 * rt extent: it converts the lost blocks of a partial one to unwritten,
 * which reads back as zeros but stays allocated to the file, on the failed
 * device.  pmf_mapped() tells the caller which pieces those are.
 *
 * The free rt extents of a failed range go to /pmemfail-quarantine-rt, a
 * realtime file, each at a file offset equal to its own rt block number.
 * libxfs has no exact-bno rt allocator (the kernel's lives outside
 * libxfs), so the bitmap and summary are edited here with libxfs's own rt
 * bitmap primitives, as xfs_rtfree_range() does in reverse.
 */
#include "pmf_priv.h"

/*
 * libxfs exports this (libxfs/trans.c) but declares it only in its private
 * libxfs_priv.h, which a libxfs client cannot include; without it the call
 * below is an implicit declaration, which gcc lets through silently because
 * xfs_trans_mod_sb expands from a system header (clang does not).
 */
void libxfs_trans_mod_sb(struct xfs_trans *tp, uint field, long delta);

#define PMF_QUARANTINE_RT	"pmemfail-quarantine-rt"

int
pmf_mapped(
	struct pmf_fs		*fs,
	uint64_t		ino,
	uint64_t		offset,
	uint64_t		length,
	pmf_mapped_fn		fn,
	void			*priv)
{
	struct xfs_mount	*mp = fs->mp;
	xfs_fileoff_t		start = XFS_B_TO_FSBT(mp, offset);
	xfs_fileoff_t		end = XFS_B_TO_FSB(mp, offset + length);
	struct xfs_iext_cursor	icur;
	struct xfs_bmbt_irec	got;
	struct xfs_inode	*ip;
	int			error;

	fs->errmsg[0] = '\0';
	if (length == 0 || offset + length < offset)
		return pmf_seterr(fs, -EINVAL, "bad range to map");
	error = libxfs_iget(mp, NULL, ino, 0, &ip);
	if (error)
		return pmf_seterr(fs, error, "inode %llu: %s",
				(unsigned long long)ino, strerror(-error));
	error = libxfs_iread_extents(NULL, ip, XFS_DATA_FORK);
	if (error) {
		pmf_seterr(fs, error, "inode %llu: cannot read its extents: %s",
				(unsigned long long)ino, strerror(-error));
		goto out;
	}
	if (!xfs_iext_lookup_extent(ip, &ip->i_df, start, &icur, &got))
		goto out;
	do {
		xfs_fileoff_t	s = max(start, got.br_startoff);
		xfs_fileoff_t	e = min(end, got.br_startoff + got.br_blockcount);

		if (got.br_startoff >= end)
			break;
		if (s < e && !isnullstartblock(got.br_startblock))
			error = fn(XFS_FSB_TO_B(mp, s), XFS_FSB_TO_B(mp, e - s),
					got.br_state == XFS_EXT_UNWRITTEN, priv);
	} while (!error && xfs_iext_next_extent(&ip->i_df, &icur, &got));
out:
	libxfs_irele(ip);
	return error;
}

/*
 * Mark the free rt extents [start, start + len) of @rtg allocated: the
 * mirror of xfs_rtfree_range().  The free extent around them loses its
 * summary entry, and what is left of it on either side gains one.
 */
static int
pmf_rt_allocate_range(
	struct xfs_rtalloc_args	*args,
	xfs_rtxnum_t		start,
	xfs_rtxlen_t		len)
{
	struct xfs_mount	*mp = args->mp;
	xfs_rtxnum_t		end = start + len - 1;
	xfs_rtxnum_t		preblock, postblock;
	int			error;

	error = xfs_rtfind_back(args, start, &preblock);
	if (!error)
		error = xfs_rtfind_forw(args, end, args->rtg->rtg_extents - 1,
				&postblock);
	if (!error)
		error = xfs_rtmodify_summary(args,
				xfs_highbit64(postblock + 1 - preblock),
				xfs_rtx_to_rbmblock(mp, preblock), -1);
	if (!error && preblock < start)
		error = xfs_rtmodify_summary(args,
				xfs_highbit64(start - preblock),
				xfs_rtx_to_rbmblock(mp, preblock), 1);
	if (!error && postblock > end)
		error = xfs_rtmodify_summary(args,
				xfs_highbit64(postblock - end),
				xfs_rtx_to_rbmblock(mp, end + 1), 1);
	if (!error)
		error = xfs_rtmodify_range(args, start, len, 0);
	return error;
}

/*
 * Take the free rt extents at @rtbno (rt block number, rt extent aligned,
 * @len blocks, inside one rtgroup) out of free space and map them into
 * @ip at file offset @rtbno, in one transaction.
 */
static int
pmf_quarantine_rt_one(
	struct pmf_fs		*fs,
	struct xfs_inode	*ip,
	xfs_rtblock_t		rtbno,
	xfs_extlen_t		len)
{
	struct xfs_mount	*mp = fs->mp;
	struct xfs_rtgroup	*rtg;
	struct xfs_rtalloc_args	args = { .mp = mp };
	struct xfs_bmbt_irec	map = {
		.br_startoff	= rtbno,
		.br_startblock	= rtbno,
		.br_blockcount	= len,
		.br_state	= XFS_EXT_NORM,
	};
	xfs_rtxnum_t		rtx = xfs_rtb_to_rtx(mp, rtbno);
	xfs_rtxlen_t		rtxlen = xfs_extlen_to_rtxlen(mp, len);
	xfs_fsize_t		size = XFS_FSB_TO_B(mp, rtbno + len);
	xfs_rtxnum_t		next;
	struct xfs_trans	*tp;
	int			stat = 0;
	int			error;

	rtg = xfs_rtgroup_get(mp, xfs_rtb_to_rgno(mp, rtbno));
	if (!rtg)
		return -EFSCORRUPTED;
	error = libxfs_trans_alloc(mp, &M_RES(mp)->tr_write,
			XFS_EXTENTADD_SPACE_RES(mp, XFS_DATA_FORK), rtxlen, 0, &tp);
	if (error)
		goto out_rele;
	xfs_rtgroup_lock(rtg, XFS_RTGLOCK_BITMAP);
	xfs_rtgroup_trans_join(tp, rtg, XFS_RTGLOCK_BITMAP);
	args.rtg = rtg;
	args.tp = tp;
	error = xfs_rtcheck_range(&args, rtx, rtxlen, 1, &next, &stat);
	if (!error && !stat)
		error = -ENOSPC;	/* no longer free: someone owns it */
	if (!error)
		error = pmf_rt_allocate_range(&args, rtx, rtxlen);
	xfs_rtbuf_cache_relse(&args);
	if (error) {
		libxfs_trans_cancel(tp);
		goto out_rele;
	}
	xfs_trans_mod_sb(tp, XFS_TRANS_SB_FREXTENTS, -(long)rtxlen);
	libxfs_trans_ijoin(tp, ip, 0);
	xfs_bmap_map_extent(tp, ip, XFS_DATA_FORK, &map);
	if (size > ip->i_disk_size) {
		ip->i_disk_size = size;
		ip->i_size = size;
	}
	libxfs_trans_log_inode(tp, ip, XFS_ILOG_CORE);
	error = libxfs_trans_commit(tp);
out_rele:
	xfs_rtgroup_put(rtg);
	return error;
}

/*
 * Walk the rt extents the ranges touch in pieces one mapping can hold,
 * none crossing an rtgroup: an rt extent is the unit of allocation, so a
 * range that covers part of one quarantines all of it.
 */
static int
pmf_quarantine_rt_walk(
	struct pmf_fs			*fs,
	const struct pmf_extent		*ext,
	size_t				n,
	struct xfs_inode		*ip)
{
	struct xfs_mount		*mp = fs->mp;
	uint64_t			rext = mp->m_sb.sb_rextsize;
	uint64_t			gblocks = xfs_has_rtgroups(mp) ?
		(uint64_t)mp->m_sb.sb_rgextents * rext : mp->m_sb.sb_rblocks;
	uint64_t			maxlen = XFS_MAX_BMBT_EXTLEN / rext * rext;
	int				error = 0;

	for (size_t i = 0; i < n && !error; i++) {
		/* Device blocks; rt extents never straddle an rtgroup. */
		uint64_t	first = XFS_BB_TO_FSBT(mp, ext[i].daddr);
		uint64_t	last = XFS_BB_TO_FSBT(mp, ext[i].daddr +
						ext[i].bbcount - 1);
		uint64_t	dev;

		first = first / gblocks * gblocks +
			(first % gblocks) / rext * rext;
		last = last / gblocks * gblocks +
			((last % gblocks) / rext + 1) * rext - 1;
		for (dev = first; !error && dev <= last; ) {
			uint64_t	gend = (dev / gblocks + 1) * gblocks;
			uint64_t	len = min(last + 1, gend) - dev;
			xfs_rtblock_t	rtbno;

			len = min(len, maxlen);
			rtbno = xfs_daddr_to_rtb(mp, XFS_FSB_TO_BB(mp, dev));
			error = pmf_quarantine_rt_one(fs, ip, rtbno, len);
			if (error)
				pmf_seterr(fs, error,
					"cannot quarantine rt blocks %llu+%llu: %s",
					(unsigned long long)dev,
					(unsigned long long)len,
					strerror(-error));
			dev += len;
		}
	}
	return error;
}

int
pmf_quarantine_rt(
	struct pmf_fs			*fs,
	const struct pmf_extent		*ext,
	size_t				n,
	uint64_t			*ino)
{
	struct xfs_mount		*mp = fs->mp;
	struct xfs_inode		*ip = NULL;
	int				error;

	fs->errmsg[0] = '\0';
	error = pmf_writable(fs);
	if (error)
		return error;
#ifndef HAVE_LIBXFS_RTRMAP
	if (xfs_has_rtgroups(mp) && xfs_has_rmapbt(mp))
		return pmf_seterr(fs, -EOPNOTSUPP,
				"this build's libxfs cannot keep realtime rmap btrees");
#endif
	for (size_t i = 0; i < n; i++)
		if (!ext[i].bbcount || ext[i].daddr + ext[i].bbcount >
		    XFS_FSB_TO_BB(mp, mp->m_sb.sb_rblocks))
			return pmf_seterr(fs, -EINVAL,
					"quarantine range outside the realtime device");
	if (!n)
		return 0;
	error = pmf_rt_load_inodes(fs);
	if (error)
		return error;
	/* The file is on the data device: it cannot land on rt blocks. */
	error = pmf_quarantine_file(fs, PMF_QUARANTINE_RT, XFS_DIFLAG_REALTIME,
			&ip);
	if (error)
		return pmf_seterr(fs, error, "cannot make /%s: %s",
				PMF_QUARANTINE_RT, strerror(-error));
	if (!S_ISREG(VFS_I(ip)->i_mode) || !XFS_IS_REALTIME_INODE(ip)) {
		libxfs_irele(ip);
		return pmf_seterr(fs, -EEXIST,
				"/%s exists and is not a realtime regular file",
				PMF_QUARANTINE_RT);
	}
	error = pmf_quarantine_rt_walk(fs, ext, n, ip);
	*ino = ip->i_ino;
	libxfs_irele(ip);
	return error;
}
