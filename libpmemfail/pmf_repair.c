// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Copyright (c) 2026 The pmemfail authors.
 *
 * The file data half of a repair, offline through libxfs transactions:
 * unmap the lost range of a file so that it reads back as a hole rather
 * than as whatever the failed media returns, and record the loss on the
 * file itself, in the trusted.pmemfail.lost attribute, so that it outlives
 * any report.  Unmapping a reflinked extent only drops this file's
 * reference; every sharer of a lost extent has a record of its own.
 */
#include "pmf_priv.h"

#define PMF_LOST_ATTR		"pmemfail.lost"

int
pmf_writable(
	struct pmf_fs	*fs)
{
	/* A capability, not a backend choice: writes need libxfs. */
	if (!fs->mp)
		return pmf_seterr(fs, -EOPNOTSUPP,
				"a mounted filesystem is changed through the kernel, not libxfs");
	if (!fs->writable)
		return pmf_seterr(fs, -EROFS,
				"the filesystem was opened read-only");
	return 0;
}

/*
 * Bring every rtgroup's metadata inodes into memory: bunmapi and the rt
 * bitmap code find the bitmap and summary there, and the deferred rmap and
 * refcount updates of a libxfs with realtime rmap the rmap and refcount
 * btree inodes.  libxfs_umount() lets them go.
 */
int
pmf_rt_load_inodes(
	struct pmf_fs		*fs)
{
	struct xfs_mount	*mp = fs->mp;
	struct xfs_rtgroup	*rtg = NULL;
	struct xfs_trans	*tp;
	int			error;

	error = pmf_trans_alloc_empty(mp, &tp);
	if (error)
		return error;
	if (xfs_has_rtgroups(mp) && !mp->m_rtdirip)
		error = libxfs_rtginode_load_parent(tp);
	while (!error && (rtg = xfs_rtgroup_next(mp, rtg))) {
		if (!rtg->rtg_inodes[XFS_RTGI_BITMAP])
			error = libxfs_rtginode_load(rtg, XFS_RTGI_BITMAP, tp);
		if (!error && !rtg->rtg_inodes[XFS_RTGI_SUMMARY])
			error = libxfs_rtginode_load(rtg, XFS_RTGI_SUMMARY, tp);
		if (!error && (!rtg->rtg_inodes[XFS_RTGI_BITMAP] ||
			       !rtg->rtg_inodes[XFS_RTGI_SUMMARY]))
			error = -EFSCORRUPTED;
#ifdef HAVE_LIBXFS_RTRMAP
		for (int t = XFS_RTGI_SUMMARY + 1; !error && t < XFS_RTGI_MAX; t++)
			if (xfs_rtginode_enabled(rtg, t) && !rtg->rtg_inodes[t])
				error = libxfs_rtginode_load(rtg, t, tp);
#endif
		if (error)
			xfs_rtgroup_rele(rtg);
	}
	libxfs_trans_cancel(tp);
	if (error)
		return pmf_seterr(fs, error,
				"cannot load the realtime bitmap inodes: %s",
				strerror(-error));
	/*
	 * libxfs keeps the free block count of a filesystem with realtime
	 * btrees wrong (pmf_rt_done() says how); count them again at close.
	 */
	if (fs->writable && xfs_has_metadir(mp))
		fs->rt_changed = true;
	return 0;
}

/*
 * xfs_sync_sb() is in libxfs but undeclared to its clients (as is
 * libxfs_trans_mod_sb(), pmf_repair_rt.c).
 */
int xfs_sync_sb(struct xfs_mount *mp, bool wait);

/*
 * Before the unmount of a filesystem whose realtime metadata changed:
 * count the free blocks again from the AGFs and write the superblock, as
 * the kernel's mount and xfs_db do with lazy counters.  Userspace libxfs
 * takes a new rtrmap or rtrefcount btree block from the in-core count
 * only (XFS_TRANS_SB_RES_FDBLOCKS changes no superblock there), and may
 * count a freed one back twice: once in the metafile reservation code,
 * which it never set up, and once in its extent free item, which frees
 * every extent as XFS_AG_RESV_NONE.  The superblock's count would be off
 * by a block for each.
 */
void
pmf_rt_done(
	struct pmf_fs		*fs)
{
	struct xfs_mount	*mp = fs->mp;
	int			error;

	if (!fs->rt_changed)
		return;
	fs->rt_changed = false;
	error = libxfs_initialize_perag_data(mp, mp->m_sb.sb_agcount);
	if (!error)
		error = xfs_sync_sb(mp, false);
	if (error)
		fprintf(stderr, "pmemfail: cannot write the free block count: %s\n",
				strerror(-error));
}

int
pmf_punch(
	struct pmf_fs		*fs,
	uint64_t		ino,
	uint64_t		offset,
	uint64_t		length)
{
	struct xfs_mount	*mp = fs->mp;
	xfs_fileoff_t		start, end;
	struct xfs_trans	*tp;
	struct xfs_inode	*ip;
	xfs_extnum_t		nexts = 2;
	int			done = 0;
	int			error;

	fs->errmsg[0] = '\0';
	error = pmf_writable(fs);
	if (error)
		return error;
	start = XFS_B_TO_FSBT(mp, offset);
	end = XFS_B_TO_FSB(mp, offset + length);
	if (length == 0 || offset + length < offset)
		return pmf_seterr(fs, -EINVAL, "bad range to unmap");
	error = libxfs_iget(mp, NULL, ino, 0, &ip);
	if (error)
		return pmf_seterr(fs, error, "inode %llu: %s",
				(unsigned long long)ino, strerror(-error));
	/* Directories and symlinks are metadata: xfs_repair's to mend. */
	if (!S_ISREG(VFS_I(ip)->i_mode)) {
		libxfs_irele(ip);
		return pmf_seterr(fs, -EINVAL, "inode %llu is not a regular file",
				(unsigned long long)ino);
	}
	/*
	 * bunmapi locks and joins the rt bitmap and summary inodes.
	 *
	 * One piece of the mapping per bunmapi call on the realtime device:
	 * the deferred rtrmap (and rtrefcount) update joins its btree inode
	 * to the transaction with XFS_ILOCK_EXCL, which is 0 in userspace
	 * libxfs, so every roll of the deferred chain joins it again as a
	 * held inode.  A second rtrmap update of the same rtgroup in one
	 * chain (freeing whole rt extents and turning the partial one beside
	 * them unwritten) then joins it twice, and the transaction's item
	 * list loops on itself: libxfs 6.18 never returned.
	 */
	if (XFS_IS_REALTIME_INODE(ip)) {
		nexts = 1;
		error = pmf_rt_load_inodes(fs);
		if (error) {
			libxfs_irele(ip);
			return error;
		}
	}
	/*
	 * Splitting an extent may need a new bmbt block; the reservation
	 * also lets bunmapi turn the lost part of a partial rt extent
	 * unwritten, which it does only with blocks reserved.
	 */
	error = libxfs_trans_alloc(mp, &M_RES(mp)->tr_itruncate,
			XFS_EXTENTADD_SPACE_RES(mp, XFS_DATA_FORK), 0, 0, &tp);
	if (error)
		goto out_rele;
	libxfs_trans_ijoin(tp, ip, 0);
	while (!done) {
		error = libxfs_bunmapi(tp, ip, start, end - start, 0, nexts,
				&done);
		if (!error) {
			/* A reflinked rt file's unmap queues rt refcount work. */
			if (XFS_IS_REALTIME_INODE(ip))
				pmf_rt_defer_fix(tp);
			error = libxfs_defer_finish(&tp);
		}
		if (!error && !done)
			error = libxfs_trans_roll_inode(&tp, ip);
		if (error) {
			libxfs_trans_cancel(tp);
			goto out_rele;
		}
	}
	error = libxfs_trans_commit(tp);
out_rele:
	libxfs_irele(ip);
	if (error)
		pmf_seterr(fs, error, "inode %llu: cannot unmap bytes %llu+%llu: %s",
				(unsigned long long)ino,
				(unsigned long long)offset,
				(unsigned long long)length, strerror(-error));
	return error;
}

/* What trusted.pmemfail.lost says now, or an empty string. */
static int
pmf_lost_get(
	struct xfs_inode	*ip,
	char			**valp,
	int			*lenp)
{
	struct xfs_da_args	args = {
		.dp		= ip,
		.geo		= ip->i_mount->m_attr_geo,
		.whichfork	= XFS_ATTR_FORK,
		.attr_filter	= XFS_ATTR_ROOT,
		.name		= (const uint8_t *)PMF_LOST_ATTR,
		.namelen	= strlen(PMF_LOST_ATTR),
		.owner		= ip->i_ino,
		.op_flags	= XFS_DA_OP_OKNOENT,
		/* Room for any value: libxfs allocates what it finds. */
		.valuelen	= XFS_XATTR_SIZE_MAX,
	};
	int			error;

	*valp = NULL;
	*lenp = 0;
	if (!xfs_inode_hasattr(ip))
		return 0;
	libxfs_attr_sethash(&args);
	error = libxfs_attr_get(&args);
	if (error == -ENOATTR)
		return 0;
	if (error)
		return error;
	*valp = args.value;
	*lenp = args.valuelen;
	return 0;
}

int
pmf_mark_lost(
	struct pmf_fs		*fs,
	uint64_t		ino,
	uint64_t		offset,
	uint64_t		length)
{
	struct xfs_mount	*mp = fs->mp;
	struct xfs_da_args	args = {
		.whichfork	= XFS_ATTR_FORK,
		.attr_filter	= XFS_ATTR_ROOT,
		.name		= (const uint8_t *)PMF_LOST_ATTR,
		.namelen	= strlen(PMF_LOST_ATTR),
		.owner		= ino,
		.op_flags	= XFS_DA_OP_OKNOENT,
	};
	struct xfs_inode	*ip;
	char			*old, *val = NULL;
	int			oldlen, vlen, error;

	fs->errmsg[0] = '\0';
	error = pmf_writable(fs);
	if (error)
		return error;
	args.geo = mp->m_attr_geo;
	error = libxfs_iget(mp, NULL, ino, 0, &ip);
	if (error)
		return pmf_seterr(fs, error, "inode %llu: %s",
				(unsigned long long)ino, strerror(-error));
	/* One "offset length" line per lost range, added to what is there. */
	error = pmf_lost_get(ip, &old, &oldlen);
	if (!error) {
		vlen = asprintf(&val, "%.*s%llu %llu\n", oldlen, old ? old : "",
				(unsigned long long)offset,
				(unsigned long long)length);
		if (vlen < 0 || vlen > XFS_XATTR_SIZE_MAX)
			error = vlen < 0 ? -ENOMEM : -E2BIG;
	}
	free(old);
	if (!error) {
		args.dp = ip;
		args.value = val;
		args.valuelen = vlen;
		libxfs_attr_sethash(&args);
		error = libxfs_attr_set(&args, XFS_ATTRUPDATE_UPSERT, false);
	}
	free(val);
	libxfs_irele(ip);
	if (error)
		pmf_seterr(fs, error, "inode %llu: cannot record the lost range: %s",
				(unsigned long long)ino, strerror(-error));
	return error;
}

#define PMF_QUARANTINE		"pmemfail-quarantine"

/*
 * A quarantine file in the root directory: /pmemfail-quarantine, a regular
 * file that owns the failed data device blocks nobody else does, so that
 * they are never handed out again, or /pmemfail-quarantine-rt, its realtime
 * twin (@diflags XFS_DIFLAG_REALTIME).  Its file offsets are the blocks'
 * own block numbers, so that the file says where each one is.  An existing
 * file of that name is returned as it is: the caller checks its type.
 */
int
pmf_quarantine_file(
	struct pmf_fs		*fs,
	const char		*name,
	uint16_t		diflags,
	struct xfs_inode	**ipp)
{
	struct xfs_mount	*mp = fs->mp;
	struct xfs_icreate_args	args = {
		.idmap		= libxfs_nop_idmap,
		.mode		= S_IFREG | 0400,
	};
	struct xfs_name		xname = {
		.name		= (const unsigned char *)name,
		.len		= strlen(name),
		.type		= XFS_DIR3_FT_REG_FILE,
	};
	struct xfs_dir_update	du = { .name = &xname };
	struct xfs_trans	*tp;
	xfs_ino_t		ino;
	unsigned int		nres;
	int			error;

	error = libxfs_iget(mp, NULL, mp->m_sb.sb_rootino, 0, &du.dp);
	if (error)
		return error;
	error = libxfs_dir_lookup(NULL, du.dp, &xname, &ino, NULL);
	if (!error) {
		libxfs_irele(du.dp);
		return libxfs_iget(mp, NULL, ino, 0, ipp);
	}
	error = libxfs_parent_start(mp, &du.ppargs);
	if (error)
		goto out_dp;
	args.pip = du.dp;
	nres = libxfs_create_space_res(mp, xname.len);
	error = libxfs_trans_alloc(mp, &M_RES(mp)->tr_create, nres, 0, 0, &tp);
	if (error)
		goto out_parent;
	error = libxfs_dialloc(&tp, &args, &ino);
	if (!error)
		error = libxfs_icreate(tp, ino, &args, &du.ip);
	if (error) {
		libxfs_trans_cancel(tp);
		goto out_parent;
	}
	if (diflags) {
		/* Empty yet, so it may still become a realtime file. */
		du.ip->i_diflags |= diflags;
		libxfs_trans_log_inode(tp, du.ip, XFS_ILOG_CORE);
	}
	libxfs_trans_ijoin(tp, du.dp, 0);
	error = libxfs_dir_create_child(tp, nres, &du);
	if (error) {
		libxfs_trans_cancel(tp);
		libxfs_irele(du.ip);
		goto out_parent;
	}
	error = libxfs_trans_commit(tp);
	if (error)
		libxfs_irele(du.ip);
	else
		*ipp = du.ip;
out_parent:
	libxfs_parent_finish(mp, du.ppargs);
out_dp:
	libxfs_irele(du.dp);
	return error;
}

/*
 * Take the free blocks [agbno, agbno + len) of AG @agno out of free space.
 * Nobody owns them yet (no rmap): pmf_quarantine_map() gives them to the
 * quarantine file once that exists, which it cannot before, or its inode
 * chunk could land on the very blocks being quarantined.
 */
static int
pmf_quarantine_alloc(
	struct pmf_fs		*fs,
	xfs_agnumber_t		agno,
	xfs_agblock_t		agbno,
	xfs_extlen_t		len)
{
	struct xfs_mount	*mp = fs->mp;
	xfs_fsblock_t		fsbno = XFS_AGB_TO_FSB(mp, agno, agbno);
	struct xfs_alloc_arg	args = {
		.mp		= mp,
		.minlen		= len,
		.maxlen		= len,
		.prod		= 1,
		.resv		= XFS_AG_RESV_NONE,
		.oinfo		= XFS_RMAP_OINFO_SKIP_UPDATE,
	};
	struct xfs_trans	*tp;
	int			error;

	error = libxfs_trans_alloc(mp, &M_RES(mp)->tr_write, len, 0, 0, &tp);
	if (error)
		return error;
	args.tp = tp;
	args.pag = libxfs_perag_get(mp, agno);
	error = xfs_alloc_vextent_exact_bno(&args, fsbno);
	libxfs_perag_put(args.pag);
	if (!error && args.fsbno != fsbno)
		error = -ENOSPC;	/* no longer free: someone owns it */
	if (error) {
		libxfs_trans_cancel(tp);
		return error;
	}
	return libxfs_trans_commit(tp);
}

/* Map allocated blocks into @ip at their own block numbers, with rmap. */
static int
pmf_quarantine_map(
	struct pmf_fs		*fs,
	struct xfs_inode	*ip,
	xfs_fsblock_t		fsbno,
	xfs_extlen_t		len)
{
	struct xfs_mount	*mp = fs->mp;
	struct xfs_bmbt_irec	map = {
		.br_startoff	= fsbno,
		.br_startblock	= fsbno,
		.br_blockcount	= len,
		.br_state	= XFS_EXT_NORM,
	};
	struct xfs_trans	*tp;
	xfs_fsize_t		end = XFS_FSB_TO_B(mp, fsbno + len);
	int			error;

	error = libxfs_trans_alloc(mp, &M_RES(mp)->tr_write,
			XFS_EXTENTADD_SPACE_RES(mp, XFS_DATA_FORK), 0, 0, &tp);
	if (error)
		return error;
	libxfs_trans_ijoin(tp, ip, 0);
	xfs_bmap_map_extent(tp, ip, XFS_DATA_FORK, &map);
	if (end > ip->i_disk_size) {
		ip->i_disk_size = end;
		ip->i_size = end;
	}
	libxfs_trans_log_inode(tp, ip, XFS_ILOG_CORE);
	return libxfs_trans_commit(tp);
}

/*
 * Walk the blocks of the extents in pieces a mapping can hold, none
 * crossing an AG, block aligned whatever the sectors were.
 */
static int
pmf_quarantine_walk(
	struct pmf_fs			*fs,
	const struct pmf_extent		*ext,
	size_t				n,
	struct xfs_inode		*ip)
{
	struct xfs_mount		*mp = fs->mp;
	int				error = 0;

	for (size_t i = 0; i < n && !error; i++) {
		xfs_fsblock_t	fsb = XFS_DADDR_TO_FSB(mp, ext[i].daddr);
		xfs_fsblock_t	last = XFS_DADDR_TO_FSB(mp, ext[i].daddr +
						ext[i].bbcount - 1);

		while (!error && fsb <= last) {
			xfs_agnumber_t	agno = XFS_FSB_TO_AGNO(mp, fsb);
			xfs_agblock_t	agbno = XFS_FSB_TO_AGBNO(mp, fsb);
			uint64_t	len = last - fsb + 1;

			if (XFS_FSB_TO_AGNO(mp, last) != agno)
				len = mp->m_sb.sb_agblocks - agbno;
			if (len > (1U << 20))
				len = 1U << 20;
			if (ip)
				error = pmf_quarantine_map(fs, ip, fsb, len);
			else
				error = pmf_quarantine_alloc(fs, agno, agbno, len);
			if (error)
				pmf_seterr(fs, error,
					"cannot quarantine AG %u blocks %u+%llu: %s",
					agno, agbno, (unsigned long long)len,
					strerror(-error));
			fsb += len;
		}
	}
	return error;
}

int
pmf_quarantine(
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
	for (size_t i = 0; i < n; i++)
		if (!ext[i].bbcount || ext[i].daddr + ext[i].bbcount >
		    XFS_FSB_TO_BB(mp, mp->m_sb.sb_dblocks))
			return pmf_seterr(fs, -EINVAL,
					"quarantine range outside the data device");
	if (!n)
		return 0;
	error = pmf_quarantine_walk(fs, ext, n, NULL);
	if (!error) {
		error = pmf_quarantine_file(fs, PMF_QUARANTINE, 0, &ip);
		if (error)
			pmf_seterr(fs, error, "cannot make /%s: %s",
					PMF_QUARANTINE, strerror(-error));
	}
	if (!error && !S_ISREG(VFS_I(ip)->i_mode))
		error = pmf_seterr(fs, -EEXIST, "/%s is not a regular file",
				PMF_QUARANTINE);
	if (!error)
		error = pmf_quarantine_walk(fs, ext, n, ip);
	if (ip) {
		*ino = ip->i_ino;
		libxfs_irele(ip);
	}
	return error;
}
