// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Copyright (c) 2026 The pmemfail authors.
 *
 * What a whole answer means: the verdict, the next step and the loss bits
 * (which the commands turn into their exit codes).  The core decides each
 * impact; this folds the decisions of one query together, once, for every
 * command, so that a prediction, its check and its summary cannot disagree.
 */
#include "pmf_priv.h"

void
pmf_tally_init(
	struct pmf_tally	*t,
	bool			verify)
{
	memset(t, 0, sizeof(*t));
	t->verify = verify;
}

/* The loss bit of a consequence. */
static unsigned int
pmf_loss_bit(
	enum pmf_consequence	c)
{
	switch (c) {
	case PMF_DATA_LOST:
		return PMF_LOSS_DATA;
	case PMF_REBUILDABLE:
		return PMF_LOSS_META;
	case PMF_FATAL:
		return PMF_LOSS_FATAL;
	default:
		return 0;
	}
}

/* Add one impact of the prediction. */
void
pmf_tally_impact(
	struct pmf_tally	*t,
	const struct pmf_impact	*imp)
{
	if (imp->owner == PMF_OWN_LOG) {
		t->log_hit = true;
		if (imp->consequence == PMF_FATAL)
			t->log_lost = true;
		else if (imp->flags & PMF_IMPACT_LOG_DIRTY)
			t->log_dirty_intact = true;
	}
	/* A chunk with no inode allocated in the damaged part loses none. */
	if (imp->owner == PMF_OWN_INODES && imp->consequence == PMF_DATA_LOST &&
	    !imp->ninodes)
		return;
	t->predicted |= pmf_loss_bit(imp->consequence);
}

/*
 * Add what checking an impact found: metadata that still passes its checks
 * was not damaged; file data has no checksum, so its range counts as lost
 * even when it reads back.
 */
void
pmf_tally_check(
	struct pmf_tally		*t,
	const struct pmf_impact		*imp,
	const struct pmf_check_result	*chk)
{
	/*
	 * Something this part needed is damaged, wherever it is; an unknown
	 * owner's row carries its own consequence.
	 */
	if ((imp->flags & PMF_IMPACT_UNRESOLVED) && imp->owner != PMF_OWN_UNKNOWN)
		t->found |= PMF_LOSS_META;
	if (chk->check == PMF_CHECK_NONE || chk->check == PMF_CHECK_INTACT)
		return;
	t->found |= pmf_loss_bit(imp->consequence);
}

/* Add damage that a sweep found outside the prediction's rows. */
void
pmf_tally_damage(
	struct pmf_tally	*t,
	const struct pmf_damage	*d)
{
	t->found |= pmf_loss_bit(d->consequence);
}

unsigned int
pmf_tally_loss(
	const struct pmf_tally	*t)
{
	return t->verify ? t->found : t->predicted;
}

static const char *
pmf_verify_verdict(
	unsigned int	bits)
{
	if (bits & PMF_LOSS_FATAL)
		return "fatal metadata damage found";
	if (bits & PMF_LOSS_META)
		return bits & PMF_LOSS_DATA ?
			"metadata damage that repair can rebuild, and file data lost" :
			"metadata damage that repair can rebuild";
	if (bits & PMF_LOSS_DATA)
		return "file data lost (it has no checksum to prove it intact)";
	return "no damage found";
}

const char *
pmf_tally_verdict(
	const struct pmf_tally	*t)
{
	unsigned int		bits = t->predicted;

	if (t->verify)
		return pmf_verify_verdict(t->found);
	if (bits & PMF_LOSS_FATAL)
		return "fatal: the filesystem would have to shut down";
	if (bits & PMF_LOSS_DATA)
		return "data loss";
	if (bits & PMF_LOSS_META)
		return "metadata damage that repair can rebuild";
	return "nothing lost";
}

static const char *
pmf_verify_next_step(
	const struct pmf_tally	*t)
{
	if (t->log_hit)
		return "unmount and run xfs_repair -L (the log must be reformatted); then restore lost files from backup";
	if (t->found & (PMF_LOSS_FATAL | PMF_LOSS_META))
		return "unmount and run xfs_repair; then restore lost files from backup";
	if (t->found & PMF_LOSS_DATA)
		return "restore the listed files (or their lost ranges) from backup";
	return "nothing to do";
}

const char *
pmf_tally_next_step(
	const struct pmf_tally	*t)
{
	bool			files = t->predicted & PMF_LOSS_DATA;

	if (t->verify)
		return pmf_verify_next_step(t);
	/* Worst first: each step covers the ones below it. */
	if (t->log_lost)
		return "xfs_repair -L: the log's unwritten metadata changes are lost; then restore lost files from backup";
	if (t->predicted & PMF_LOSS_FATAL)
		return t->log_hit ?
			"unmount and run xfs_repair -L (this loses any changes still only in the log); if it cannot rebuild, restore from backup" :
			"unmount and run xfs_repair; if it cannot rebuild, restore from backup";
	if (t->log_dirty_intact)
		return "mount once so that the log replays from its intact part, unmount cleanly, then xfs_repair -L to reformat the log";
	if (t->log_hit)
		return files ?
			"xfs_repair -L to reformat the log (it is clean: nothing is lost there), then restore the listed files" :
			"xfs_repair -L to reformat the log (it is clean: nothing is lost)";
	if (t->predicted & PMF_LOSS_META)
		return files ?
			"unmount, run xfs_repair, then restore the listed files from backup" :
			"unmount and run xfs_repair to rebuild the damaged metadata";
	if (files)
		return "restore the listed files (or their lost ranges) from backup";
	return "nothing to do";
}

/*
 * What repair does with a lost range is what the kernel does with it on a
 * media failure: file data the core has the kernel unmap is unmapped (it
 * then reads as a hole); everything else, directory and symlink blocks
 * included, is xfs_repair's to rebuild.
 */
bool
pmf_impact_unmaps(
	const struct pmf_impact	*imp)
{
	return imp->owner == PMF_OWN_DATA && (imp->act_media & PMF_ACT_UNMAP);
}

/* The impact loses extended attributes of imp->ino (the core's verdict). */
bool
pmf_impact_loses_attrs(
	const struct pmf_impact	*imp)
{
	return (imp->owner == PMF_OWN_ATTR || imp->owner == PMF_OWN_ATTR_BMBT) &&
	       imp->ino && imp->consequence == PMF_DATA_LOST;
}
