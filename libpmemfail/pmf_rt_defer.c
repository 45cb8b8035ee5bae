// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Copyright (c) 2026 The pmemfail authors.
 *
 * A workaround for userspace libxfs's deferred realtime refcount updates,
 * which pmf_punch() applies after each realtime unmap.  It calls nothing
 * else of the library, so that the repair files do not depend on each
 * other through it.
 */
#include "pmf_priv.h"

#ifdef HAVE_LIBXFS_RTREFCOUNT
/*
 * Userspace libxfs (6.18) finishes its deferred realtime refcount updates
 * with the data device's code: xfs_rtrefcount_update_defer_type has
 * xfs_refcount_update_finish_item(), which calls xfs_refcount_finish_one(),
 * not xfs_rtrefcount_finish_one() as the kernel's does.  That takes the
 * rtgroup for a perag: xfs_alloc_read_agf() writes AG 0's AGF counters
 * over the rtgroup's metadata inode pointers (the next rtrmap update then
 * joins a garbage inode and crashes), and the decrease goes to an AG's
 * refcount btree, which frees a last reference as data device blocks.
 * The pending rt refcount work of a transaction is therefore moved onto a
 * copy of that op type that finishes it through the realtime code.
 */
static struct xfs_defer_op_type	pmf_rtrefcount_defer_type;

static bool
pmf_trans_has_inode(
	struct xfs_trans	*tp,
	struct xfs_inode	*ip)
{
	struct xfs_log_item	*lip;

	if (!ip || !ip->i_itemp)
		return false;
	list_for_each_entry(lip, &tp->t_items, li_trans)
		if (lip == &ip->i_itemp->ili_item)
			return true;
	return false;
}

static int
pmf_rtrefcount_finish_item(
	struct xfs_trans		*tp,
	struct xfs_log_item		*done,
	struct list_head		*item,
	struct xfs_btree_cur		**state)
{
	struct xfs_refcount_intent	*ri;
	struct xfs_rtgroup		*rtg;
	int				error;

	ri = container_of(item, struct xfs_refcount_intent, ri_list);
	rtg = to_rtg(ri->ri_group);
	/*
	 * A new cursor joins the refcount btree inode with XFS_ILOCK_EXCL,
	 * which is 0 in userspace libxfs, so the deferred chain holds the
	 * inode across each roll and joins it again after it.  An update
	 * continued in a new transaction (-EAGAIN: too many records for
	 * one) would join it twice, and the transaction's item list would
	 * loop on itself.  Where it is joined already, the cursor is made
	 * here, so that xfs_rtrefcount_finish_one() does not join it.
	 */
	if (!*state && pmf_trans_has_inode(tp, rtg_refcount(rtg)))
		*state = libxfs_rtrefcountbt_init_cursor(tp, rtg);
	error = xfs_rtrefcount_finish_one(tp, ri, state);
	/* Not all done: ask for a new transaction, as libxfs's item does. */
	if (!error && ri->ri_blockcount > 0)
		return -EAGAIN;
	pmf_rtrefcount_defer_type.cancel_item(item);
	return error;
}

/* Call after queueing rt refcount updates, before finishing them. */
void
pmf_rt_defer_fix(
	struct xfs_trans		*tp)
{
	struct xfs_defer_pending	*dfp;

	if (!pmf_rtrefcount_defer_type.finish_item) {
		pmf_rtrefcount_defer_type = xfs_rtrefcount_update_defer_type;
		pmf_rtrefcount_defer_type.finish_item =
				pmf_rtrefcount_finish_item;
	}
	list_for_each_entry(dfp, &tp->t_dfops, dfp_list)
		if (dfp->dfp_ops == &xfs_rtrefcount_update_defer_type)
			dfp->dfp_ops = &pmf_rtrefcount_defer_type;
}
#else
void
pmf_rt_defer_fix(
	struct xfs_trans		*tp)
{
}
#endif /* HAVE_LIBXFS_RTREFCOUNT */
