// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Copyright (c) 2026 The pmemfail authors.
 *
 * Parent pointers: the (parent, name) xattrs of an inode, one per link.
 * Reading them costs one inode and its attr fork, where a directory walk
 * costs the whole tree.  Every attr leaf block of a v5 filesystem says
 * what it is, so the fork's blocks are read in mapping order and the
 * leaves picked out by magic, without descending the dabtree.
 */
#include "pmf_priv.h"

struct pmf_pptr_ctx {
	struct xfs_mount	*mp;
	struct xfs_inode	*ip;	/* NULL: read from the inode's buffer */
	pmf_pptr_fn		fn;
	void			*priv;
};

static int
pmf_pptr_emit(
	struct pmf_pptr_ctx	*ctx,
	unsigned int		flags,
	const uint8_t		*name,
	unsigned int		namelen,
	const void		*value,
	unsigned int		valuelen)
{
	xfs_ino_t		parent;
	uint32_t		gen;

	if (!(flags & XFS_ATTR_PARENT) || (flags & XFS_ATTR_INCOMPLETE))
		return 0;
	/* A malformed pointer is not a link; it says nothing about paths. */
	if (libxfs_parent_from_attr(ctx->mp, flags, name, namelen,
			value, valuelen, &parent, &gen))
		return 0;
	return ctx->fn(ctx->priv, parent, gen, (const char *)name, namelen);
}

/* The entries of a short-form attr fork of @bytes bytes. */
static int
pmf_pptr_sf(
	struct pmf_pptr_ctx	*ctx,
	struct xfs_attr_sf_hdr	*hdr,
	int			bytes)
{
	char			*end = (char *)hdr + bytes;
	struct xfs_attr_sf_entry *sfe;
	int			error;

	if (bytes < (int)sizeof(*hdr))
		return -EFSCORRUPTED;
	sfe = libxfs_attr_sf_firstentry(hdr);
	for (unsigned int i = 0; i < hdr->count; i++) {
		if ((char *)sfe->nameval > end ||
		    (char *)sfe->nameval + sfe->namelen + sfe->valuelen > end)
			return -EFSCORRUPTED;
		error = pmf_pptr_emit(ctx, sfe->flags, sfe->nameval,
				sfe->namelen, sfe->nameval + sfe->namelen,
				sfe->valuelen);
		if (error)
			return error;
		sfe = xfs_attr_sf_nextentry(sfe);
	}
	return 0;
}

/* The local entries of one attr leaf block, with every offset checked. */
static int
pmf_pptr_leaf(
	struct pmf_pptr_ctx		*ctx,
	struct xfs_buf			*bp)
{
	struct xfs_mount		*mp = ctx->mp;
	struct xfs_attr_leafblock	*leaf = bp->b_addr;
	unsigned int			size = BBTOB(bp->b_length);
	struct xfs_attr3_icleaf_hdr	ichdr;
	struct xfs_attr_leaf_entry	*entry;
	size_t				hdrlen = offsetof(
				struct xfs_attr_leaf_name_local, nameval);
	int				error;

	libxfs_attr3_leaf_hdr_from_disk(mp->m_attr_geo, &ichdr, leaf);
	entry = xfs_attr3_leaf_entryp(leaf);
	if ((char *)(entry + ichdr.count) > (char *)leaf + size)
		return -EFSCORRUPTED;
	for (unsigned int i = 0; i < ichdr.count; i++, entry++) {
		struct xfs_attr_leaf_name_local	*nl;
		unsigned int			idx = be16_to_cpu(entry->nameidx);

		/* Parent pointer values are never remote. */
		if (!(entry->flags & XFS_ATTR_LOCAL))
			continue;
		/*
		 * The entry header is 3 bytes; sizeof() counts its padding,
		 * and the first entry made ends exactly at the end of the block.
		 */
		if (idx + hdrlen > size)
			return -EFSCORRUPTED;
		nl = xfs_attr3_leaf_name_local(leaf, i);
		if (idx + hdrlen + nl->namelen + be16_to_cpu(nl->valuelen) > size)
			return -EFSCORRUPTED;
		error = pmf_pptr_emit(ctx, entry->flags, nl->nameval,
				nl->namelen, nl->nameval + nl->namelen,
				be16_to_cpu(nl->valuelen));
		if (error)
			return error;
	}
	return 0;
}

/* Read one attr fork block; visit it if it is a leaf. */
static int
pmf_pptr_block(
	struct pmf_pptr_ctx	*ctx,
	xfs_fsblock_t		fsb)
{
	struct xfs_mount	*mp = ctx->mp;
	struct xfs_da3_blkinfo	*info;
	struct xfs_buf		*bp;
	int			error;

	error = libxfs_buf_read(mp->m_ddev_targp, XFS_FSB_TO_DADDR(mp, fsb),
			XFS_FSB_TO_BB(mp, mp->m_attr_geo->fsbcount), 0, &bp,
			NULL);
	if (error)
		return error;
	info = bp->b_addr;
	if (be16_to_cpu(info->hdr.magic) != XFS_ATTR3_LEAF_MAGIC) {
		/* dabtree node or remote value block: nothing to list */
		libxfs_buf_relse(bp);
		return 0;
	}
	/* Now that we know what it is, hold it to its checksum and shape. */
	bp->b_ops = &xfs_attr3_leaf_buf_ops;
	bp->b_ops->verify_read(bp);
	error = bp->b_error;
	if (!error)
		error = pmf_pptr_leaf(ctx, bp);
	libxfs_buf_relse(bp);
	return error;
}

static int
pmf_pptr_blocks(
	struct pmf_pptr_ctx	*ctx)
{
	struct xfs_inode	*ip = ctx->ip;
	unsigned int		step = ip->i_mount->m_attr_geo->fsbcount;
	struct xfs_iext_cursor	icur;
	struct xfs_bmbt_irec	got;
	int			error;

	error = libxfs_iread_extents(NULL, ip, XFS_ATTR_FORK);
	if (error)
		return error;
	for_each_xfs_iext(&ip->i_af, &icur, &got) {
		for (xfs_filblks_t b = 0; b < got.br_blockcount; b += step) {
			error = pmf_pptr_block(ctx, got.br_startblock + b);
			if (error)
				return error;
		}
	}
	return 0;
}

/*
 * The parent pointers of an ordinary inode whose attr fork is in the
 * inode, read from its checked buffer: a whole device's report reads every
 * file, and building an incore inode for each would be most of its cost.
 * -EAGAIN: not such an inode; read it the long way.
 */
static int
pmf_pptr_dinode(
	struct pmf_fs		*fs,
	struct pmf_pptr_ctx	*ctx,
	uint64_t		ino,
	uint32_t		*gen)
{
	struct xfs_mount	*mp = fs->mp;
	struct xfs_attr_sf_hdr	*hdr = NULL;
	struct xfs_dinode	*dip;
	struct xfs_buf		*bp;
	int			error = -EAGAIN;

	if (pmf_dinode_read(fs, ino, &bp, &dip))
		return -EAGAIN;
	*gen = be32_to_cpu(dip->di_gen);
	if (dip->di_forkoff) {
		hdr = (struct xfs_attr_sf_hdr *)XFS_DFORK_APTR(dip);
		/* Other formats, and a header past the fork: the long way. */
		if (dip->di_aformat != XFS_DINODE_FMT_LOCAL ||
		    be16_to_cpu(hdr->totsize) > XFS_DFORK_ASIZE(dip, mp))
			goto out;
	}
	pmf_kind_remember(fs, ino, be16_to_cpu(dip->di_mode), false,
			XFS_METAFILE_UNKNOWN);
	error = 0;
	if (hdr)
		error = pmf_pptr_sf(ctx, hdr, be16_to_cpu(hdr->totsize));
out:
	libxfs_buf_relse(bp);
	return error;
}

/*
 * Call @fn for every parent pointer of @ino; @gen gets the inode's
 * generation, for checking pointers to it.  Returns what @fn returned if
 * that was non-zero.
 */
int
pmf_pptr_list(
	struct pmf_fs		*fs,
	uint64_t		ino,
	uint32_t		*gen,
	pmf_pptr_fn		fn,
	void			*priv)
{
	struct pmf_pptr_ctx	ctx = { .mp = fs->mp, .fn = fn, .priv = priv };
	int			error;

	error = pmf_pptr_dinode(fs, &ctx, ino, gen);
	if (error != -EAGAIN)
		return error;
	error = libxfs_iget(fs->mp, NULL, ino, 0, &ctx.ip);
	if (error)
		return error;
	*gen = VFS_I(ctx.ip)->i_generation;
	pmf_kind_remember(fs, ino, VFS_I(ctx.ip)->i_mode,
			xfs_is_metadir_inode(ctx.ip), ctx.ip->i_metatype);
	if (!xfs_inode_has_attr_fork(ctx.ip))
		error = 0;
	else if (ctx.ip->i_af.if_format == XFS_DINODE_FMT_LOCAL)
		error = pmf_pptr_sf(&ctx, ctx.ip->i_af.if_data,
				ctx.ip->i_af.if_bytes);
	else
		error = pmf_pptr_blocks(&ctx);
	libxfs_irele(ctx.ip);
	return error;
}
