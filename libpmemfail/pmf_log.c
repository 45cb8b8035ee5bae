// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Copyright (c) 2026 The pmemfail authors.
 *
 * The log: whose it is, and which part of it is still needed.
 */
#include "pmf_priv.h"
#include "libxlog.h"

/*
 * A log record can be at most 256KiB plus its headers, so a device that has
 * no record header for our filesystem in its first megabyte is not our log.
 */
#define PMF_LOG_SCAN_BBS	2048

/*
 * Find the UUID of the filesystem that wrote the log at @start (sectors) on
 * @fd: every log record header carries it.  Block 0 may hold the tail of a
 * record that wrapped, so scan for the first header.  -ENODATA if none.
 */
int
pmf_log_find_uuid(
	int			fd,
	uint64_t		start,
	uint64_t		bbs,
	uuid_t			*found)
{
	struct xlog_rec_header	*head;
	char			buf[BBSIZE];
	uint64_t		n = bbs < PMF_LOG_SCAN_BBS ? bbs : PMF_LOG_SCAN_BBS;

	head = (struct xlog_rec_header *)buf;
	for (uint64_t i = 0; i < n; i++) {
		if (pread(fd, buf, BBSIZE, (start + i) << BBSHIFT) != BBSIZE)
			break;
		if (be32_to_cpu(head->h_magicno) != XLOG_HEADER_MAGIC_NUM)
			continue;
		memcpy(found, &head->h_fs_uuid, sizeof(*found));
		return 0;
	}
	return -ENODATA;
}

/* Check that the external log at @start on @fd belongs to @uuid's filesystem. */
int
pmf_log_check_uuid(
	int			fd,
	uint64_t		start,
	uint64_t		bbs,
	const uuid_t		*uuid,
	char			*errmsg,
	size_t			len)
{
	uuid_t			found;
	char			theirs[37], ours[37];

	if (pmf_log_find_uuid(fd, start, bbs, &found)) {
		snprintf(errmsg, len, "log device has no XFS log records (not a log of this filesystem?)");
		return -ENODATA;
	}
	if (!platform_uuid_compare(&found, (uuid_t *)uuid))
		return 0;
	platform_uuid_unparse(&found, theirs);
	platform_uuid_unparse((uuid_t *)uuid, ours);
	snprintf(errmsg, len,
		 "log device belongs to another filesystem (log uuid %s, filesystem uuid %s)",
		 theirs, ours);
	return -EINVAL;
}

/* Search back from @blk for the record header the head points past. */
static uint64_t
pmf_log_last_record(
	struct xfs_mount	*mp,
	struct xlog		*log,
	uint64_t		blk)
{
	uint64_t		n;

	for (n = 1; n <= PMF_LOG_SCAN_BBS && n <= blk; n++) {
		struct xfs_buf	*bp;
		bool		found;

		if (libxfs_buf_read_uncached(mp->m_logdev_targp,
				log->l_logBBstart + blk - n, 1, 0, &bp, NULL))
			break;
		found = be32_to_cpu(*(__be32 *)bp->b_addr) ==
				XLOG_HEADER_MAGIC_NUM;
		libxfs_buf_relse(bp);
		if (found)
			return n;
	}
	return 0;
}

/*
 * Find the live part of the log: [tail, head) of a dirty log, or the last
 * record (the unmount record) of a clean one, which mount needs to see the
 * log as clean.  If the head cannot be found, every log hit counts as live.
 */
void
pmf_log_find_live(
	struct pmf_fs		*fs)
{
	struct xlog		log;
	xfs_daddr_t		head, tail;
	int			skip_uuid, out;
	int			error;

	memset(&fs->log, 0, sizeof(fs->log));
	/* An external log nobody gave us can't be read: leave it unknown. */
	if (fs->mp->m_sb.sb_logstart == 0 && !fs->path[PMF_DEV_LOG])
		return;
	/*
	 * libxlog prints some of its complaints on stdout, which is our
	 * answer's (a table or JSON), and on a UUID mismatch copies the log's
	 * UUID over the superblock's.  pmf_open() has refused a log of
	 * another UUID already; keep libxlog quiet and off the superblock,
	 * and whatever it still prints on stderr.
	 */
	skip_uuid = print_skip_uuid;
	print_skip_uuid = 1;
	fflush(stdout);
	out = dup(STDOUT_FILENO);
	if (out >= 0)
		dup2(STDERR_FILENO, STDOUT_FILENO);
	xlog_init(fs->mp, &log);
	error = xlog_find_tail(&log, &head, &tail);
	fflush(stdout);
	if (out >= 0) {
		dup2(out, STDOUT_FILENO);
		close(out);
	}
	print_skip_uuid = skip_uuid;
	if (error)
		return;

	fs->log.known = true;
	if (head == tail) {
		uint64_t	n = pmf_log_last_record(fs->mp, &log, head);

		fs->log.clean = true;
		fs->log.live_start = head - n;
		fs->log.live_len = n;
		return;
	}
	fs->log.live_start = tail;
	if (head > tail)
		fs->log.live_len = head - tail;
	else
		fs->log.live_len = log.l_logBBsize - tail + head;
}

/* Does [start, start + len) of the log (log-relative sectors) meet the live part? */
static bool
pmf_log_range_live(
	const struct pmf_fs	*fs,
	uint64_t		start,
	uint64_t		len)
{
	uint64_t		size = (uint64_t)fs->mp->m_sb.sb_logblocks <<
					(fs->mp->m_sb.sb_blocklog - BBSHIFT);
	uint64_t		ls = fs->log.live_start;
	uint64_t		le = ls + fs->log.live_len;

	if (!fs->log.known)
		return true;
	if (start < le && start + len > ls)
		return true;
	/* The live part may wrap past the end of the log. */
	if (le > size && start < le - size)
		return true;
	return false;
}

/*
 * The shared core's log hints for a range of the log: whether it meets the
 * part in use, and whether that part holds unreplayed changes.  A log whose
 * head can't be found gets both: nothing was proved.
 */
unsigned int
pmf_log_hints(
	const struct pmf_fs	*fs,
	uint64_t		start,
	uint64_t		len)
{
	unsigned int		hints = 0;

	if (pmf_log_range_live(fs, start, len))
		hints |= XFS_FAILURE_LOG_LIVE;
	if (!fs->log.known || !fs->log.clean)
		hints |= XFS_FAILURE_LOG_DIRTY;
	return hints;
}

/*
 * libxlog calls back into its user to replay transactions.  We never
 * replay a log (analysis must not write), so the hook refuses; a program
 * that links libxlog for its own recovery (xfs_db) brings its own.
 */
int __attribute__((weak))
xlog_recover_do_trans(
	struct xlog		*log,
	struct xlog_recover	*trans,
	int			pass)
{
	return -EOPNOTSUPP;
}
