// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Copyright (c) 2026 The pmemfail authors.
 *
 * Opening a filesystem offline.  libxfs exits the process on some bad
 * inputs, so everything a user can get wrong (paths, a non-XFS file, a
 * truncated image, a log or realtime device that does not belong, a mounted
 * device) is checked here first and refused with one line.
 */
#include <sys/ioctl.h>
#include <linux/fs.h>
#include <sys/sysmacros.h>
#include "pmf_priv.h"

static const char * const pmf_devnames[3] = { "data", "log", "realtime" };

/* Size in bytes of an image file or block device. */
static int
pmf_dev_size(
	int		fd,
	const struct stat *st,
	uint64_t	*size)
{
	if (S_ISREG(st->st_mode)) {
		*size = st->st_size;
		return 0;
	}
	if (ioctl(fd, BLKGETSIZE64, size) < 0)
		return -errno;
	return 0;
}

/*
 * Is the device (or the loop device backing this image) mounted
 * read-write (or at all, if @any)?  Offline analysis of a live filesystem
 * would read stale metadata, and writing under a mount corrupts it, so
 * both are refused.  Returns the mount point in @mnt.
 */
static bool
pmf_mounted(
	const struct stat *st,
	const char	*path,
	bool		any,
	char		*mnt,
	size_t		mntlen)
{
	char		real[PATH_MAX], line[PATH_MAX * 2 + 256];
	dev_t		devs[64];
	int		ndevs = 0;
	FILE		*f;

	if (S_ISBLK(st->st_mode)) {
		devs[ndevs++] = st->st_rdev;
	} else if (S_ISREG(st->st_mode) && realpath(path, real)) {
		/* Find loop devices whose backing file is this image. */
		for (int i = 0; i < 256 && ndevs < 64; i++) {
			char	bf[PATH_MAX];
			char	p[96];
			FILE	*lf;
			unsigned int ma, mi;

			snprintf(p, sizeof(p), "/sys/block/loop%d/loop/backing_file", i);
			lf = fopen(p, "r");
			if (!lf)
				continue;
			if (fgets(bf, sizeof(bf), lf)) {
				bf[strcspn(bf, "\n")] = '\0';
				fclose(lf);
				snprintf(p, sizeof(p), "/sys/block/loop%d/dev", i);
				lf = fopen(p, "r");
				if (!lf)
					continue;
				if (!strcmp(bf, real) &&
				    fscanf(lf, "%u:%u", &ma, &mi) == 2)
					devs[ndevs++] = makedev(ma, mi);
			}
			fclose(lf);
		}
	}
	if (!ndevs)
		return false;

	f = fopen("/proc/self/mountinfo", "r");
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		unsigned int	ma, mi;
		char		point[PATH_MAX], opts[256];

		if (sscanf(line, "%*u %*u %u:%u %*s %4095s %255s",
			   &ma, &mi, point, opts) != 4)
			continue;
		for (int i = 0; i < ndevs; i++) {
			if (devs[i] != makedev(ma, mi))
				continue;
			if (!any && (strncmp(opts, "rw", 2) ||
				     (opts[2] && opts[2] != ',')))
				continue;
			snprintf(mnt, mntlen, "%s", point);
			fclose(f);
			return true;
		}
	}
	fclose(f);
	return false;
}

/* Is image @img the backing file of the loop device @blk? */
static bool
pmf_loop_backs(
	const struct stat *blk,
	const char	*img)
{
	char		p[96], bf[PATH_MAX], real[PATH_MAX];
	bool		same = false;
	FILE		*f;

	snprintf(p, sizeof(p), "/sys/dev/block/%u:%u/loop/backing_file",
		 major(blk->st_rdev), minor(blk->st_rdev));
	f = fopen(p, "r");
	if (!f)
		return false;
	if (fgets(bf, sizeof(bf), f) && realpath(img, real)) {
		bf[strcspn(bf, "\n")] = '\0';
		same = !strcmp(bf, real);
	}
	fclose(f);
	return same;
}

/* Are @a and @b the same device, or an image and its loop device? */
static bool
pmf_same_dev(
	const char	*a,
	const char	*b)
{
	struct stat	sa, sb;

	if (!a || !b || stat(a, &sa) < 0 || stat(b, &sb) < 0)
		return false;
	if (S_ISBLK(sa.st_mode) && S_ISBLK(sb.st_mode))
		return sa.st_rdev == sb.st_rdev;
	if (S_ISBLK(sa.st_mode))
		return pmf_loop_backs(&sa, b);
	if (S_ISBLK(sb.st_mode))
		return pmf_loop_backs(&sb, a);
	return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

/*
 * PMF_OPEN_MOUNTED: a data device mounted read-write is asked about
 * through its mount point.  Returns 1 when it is not mounted so.
 */
static int
pmf_open_mounted(
	struct pmf_open_args	*args,
	struct pmf_fs		**fsp)
{
	struct pmf_open_args	on = { .flags = args->flags & PMF_OPEN_DAMAGED };
	char			mnt[PATH_MAX];
	struct pmf_geometry	*geo;
	struct stat		st;
	int			error;

	if (stat(args->data, &st) < 0 ||
	    !pmf_mounted(&st, args->data, false, mnt, sizeof(mnt)))
		return 1;
	on.data = mnt;
	error = pmf_online_open(&on, fsp);
	if (error) {
		memcpy(args->errmsg, on.errmsg, sizeof(args->errmsg));
		return error;
	}
	geo = &(*fsp)->geo;
	if ((args->log && !pmf_same_dev(args->log, geo->dev[PMF_DEV_LOG].path)) ||
	    (args->rt && !pmf_same_dev(args->rt, geo->dev[PMF_DEV_RT].path))) {
		snprintf(args->errmsg, sizeof(args->errmsg),
			 "%s is mounted on %s with other log or realtime devices than those given",
			 args->data, mnt);
		pmf_close(*fsp);
		*fsp = NULL;
		return -EINVAL;
	}
	return 0;
}

/*
 * Check that a device or image exists, can be opened the way libxfs will
 * open it, and is not mounted read-write.  Returns its size.
 */
static int
pmf_check_dev(
	struct pmf_open_args *args,
	int		which,
	const char	*path,
	uint64_t	*size)
{
	int		oflags = (args->flags & PMF_OPEN_WRITE) ? O_RDWR : O_RDONLY;
	struct stat	st;
	char		mnt[PATH_MAX];
	int		fd, error;

	fd = open(path, oflags);
	if (fd < 0) {
		error = -errno;
		snprintf(args->errmsg, sizeof(args->errmsg),
			 "cannot open %s device %s: %s", pmf_devnames[which],
			 path, strerror(errno));
		return error;
	}
	if (fstat(fd, &st) < 0 || (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode))) {
		close(fd);
		snprintf(args->errmsg, sizeof(args->errmsg),
			 "%s: not a regular file or block device", path);
		return -EINVAL;
	}
	error = pmf_dev_size(fd, &st, size);
	close(fd);
	if (error) {
		snprintf(args->errmsg, sizeof(args->errmsg),
			 "%s: cannot get size: %s", path, strerror(-error));
		return error;
	}
	if (pmf_mounted(&st, path,
			args->flags & (PMF_OPEN_WRITE | PMF_OPEN_UNMOUNTED),
			mnt, sizeof(mnt))) {
		snprintf(args->errmsg, sizeof(args->errmsg),
			 (args->flags & (PMF_OPEN_WRITE | PMF_OPEN_UNMOUNTED)) ?
			 "%s is mounted on %s; unmount it first" :
			 "%s is mounted read-write on %s; unmount it or query the mount point",
			 path, mnt);
		return -EBUSY;
	}
	return 0;
}

/* Read and sanity-check the primary superblock without libxfs. */
static int
pmf_read_sb(
	struct pmf_open_args *args,
	uint64_t	size,
	struct xfs_sb	*sb)
{
	char		buf[BBSIZE];
	ssize_t		n;
	int		fd;

	fd = open(args->data, O_RDONLY);
	if (fd < 0)
		return -errno;
	n = pread(fd, buf, sizeof(buf), 0);
	close(fd);
	if (n < (ssize_t)sizeof(struct xfs_dsb)) {
		snprintf(args->errmsg, sizeof(args->errmsg),
			 "%s is not an XFS filesystem (too small for a superblock)",
			 args->data);
		return -EINVAL;
	}
	libxfs_sb_from_disk(sb, (struct xfs_dsb *)buf);
	if (sb->sb_magicnum != XFS_SB_MAGIC) {
		snprintf(args->errmsg, sizeof(args->errmsg),
			 "%s is not an XFS filesystem (bad superblock magic 0x%08x)",
			 args->data, sb->sb_magicnum);
		return -EINVAL;
	}
	if (sb->sb_blocklog < XFS_MIN_BLOCKSIZE_LOG ||
	    sb->sb_blocklog > XFS_MAX_BLOCKSIZE_LOG ||
	    sb->sb_blocksize != (1U << sb->sb_blocklog) ||
	    sb->sb_sectlog < XFS_MIN_SECTORSIZE_LOG ||
	    sb->sb_sectlog > XFS_MAX_SECTORSIZE_LOG ||
	    sb->sb_sectsize != (1U << sb->sb_sectlog) ||
	    sb->sb_agcount == 0 || sb->sb_agblocks == 0 ||
	    sb->sb_agblklog != libxfs_highbit32(sb->sb_agblocks - 1) + 1 ||
	    sb->sb_dblocks > (uint64_t)sb->sb_agcount * sb->sb_agblocks ||
	    sb->sb_dblocks <= (uint64_t)(sb->sb_agcount - 1) * sb->sb_agblocks ||
	    sb->sb_inodesize < XFS_DINODE_MIN_SIZE ||
	    sb->sb_inodesize > XFS_DINODE_MAX_SIZE ||
	    sb->sb_inodelog < XFS_DINODE_MIN_LOG ||
	    sb->sb_inodelog > XFS_DINODE_MAX_LOG ||
	    sb->sb_inodesize != (1U << sb->sb_inodelog) ||
	    sb->sb_inodelog > sb->sb_blocklog ||
	    /*
	     * libxfs mounts a debugger's filesystem without checking these,
	     * and every inode number is built from them: a wrong one makes
	     * shifts past 64 bits.
	     */
	    sb->sb_inopblock != sb->sb_blocksize / sb->sb_inodesize ||
	    sb->sb_inopblog != sb->sb_blocklog - sb->sb_inodelog ||
	    sb->sb_logblocks == 0) {
		snprintf(args->errmsg, sizeof(args->errmsg),
			 "%s: corrupt superblock (inconsistent geometry)",
			 args->data);
		return -EUCLEAN;
	}
	/*
	 * The log search (libxlog's xlog_init) sizes its sectors from these
	 * without a check; libxfs's superblock verifier would refuse them,
	 * but the superblock is read without it, as xfs_db reads it.
	 */
	if ((sb->sb_versionnum & XFS_SB_VERSION_SECTORBIT) ?
	    (sb->sb_logsectlog < BBSHIFT || sb->sb_logsectlog > sb->sb_sectlog ||
	     sb->sb_logsectsize != (1U << sb->sb_logsectlog)) :
	    (sb->sb_logsectlog || sb->sb_logsectsize)) {
		snprintf(args->errmsg, sizeof(args->errmsg),
			 "%s: corrupt superblock (bad log sector size %u, log2 %u)",
			 args->data, sb->sb_logsectsize, sb->sb_logsectlog);
		return -EUCLEAN;
	}
	/*
	 * libxfs_mount() exit(1)s on these, and 1 is our "data lost" status:
	 * refuse them here, with a message and an error code.
	 */
	if (!(sb->sb_versionnum & XFS_SB_VERSION_NLINKBIT) ||
	    !(sb->sb_versionnum & XFS_SB_VERSION_DIRV2BIT) ||
	    !xfs_sb_good_version(sb)) {
		snprintf(args->errmsg, sizeof(args->errmsg),
			 "%s: unsupported superblock version or features (versionnum 0x%x, incompat 0x%x)",
			 args->data, sb->sb_versionnum, sb->sb_features_incompat);
		return -EOPNOTSUPP;
	}
	/*
	 * With sparse inodes the inode alignment must be the chunk size, as
	 * the kernel's superblock verifier says.  Without it libxfs looks
	 * every inode up in the inode btree instead of computing where it
	 * is, and a corrupt AGI on that path overflows libxfs's btree cursor.
	 */
	if (xfs_sb_is_v5(sb) &&
	    (sb->sb_features_incompat & XFS_SB_FEAT_INCOMPAT_SPINODES) &&
	    sb->sb_inoalignmt != ((XFS_INODES_PER_CHUNK * sb->sb_inodesize) >>
				  sb->sb_blocklog)) {
		snprintf(args->errmsg, sizeof(args->errmsg),
			 "%s: corrupt superblock (inode alignment %u does not match the inode chunk)",
			 args->data, sb->sb_inoalignmt);
		return -EUCLEAN;
	}
	if (sb->sb_dblocks > (size >> sb->sb_blocklog)) {
		snprintf(args->errmsg, sizeof(args->errmsg),
			 "%s is truncated: the filesystem needs %llu bytes, the device has %llu",
			 args->data,
			 (unsigned long long)sb->sb_dblocks << sb->sb_blocklog,
			 (unsigned long long)size);
		return -EUCLEAN;
	}
	return 0;
}

/*
 * A realtime device with rtgroups starts with a superblock of its own that
 * carries the filesystem's uuid; without rtgroups there is nothing on it to
 * check but its size.  After an event (PMF_OPEN_DAMAGED) the superblock may
 * be what was lost, but another filesystem's is still refused.
 */
static int
pmf_check_rtsb(
	struct pmf_open_args *args,
	const struct xfs_sb *sb)
{
	char		buf[BBSIZE];
	struct xfs_rtsb	*rsb = (struct xfs_rtsb *)buf;
	char		ours[64], theirs[64];
	ssize_t		n;
	int		fd;

	if (!xfs_sb_is_v5(sb) ||
	    !(sb->sb_features_incompat & XFS_SB_FEAT_INCOMPAT_METADIR) ||
	    !sb->sb_rgcount)
		return 0;
	fd = open(args->rt, O_RDONLY);
	if (fd < 0)
		return -errno;
	n = pread(fd, buf, sizeof(buf), XFS_RTSB_DADDR << BBSHIFT);
	close(fd);
	if (n != sizeof(buf) ||
	    be32_to_cpu(rsb->rsb_magicnum) != XFS_RTSB_MAGIC) {
		if (args->flags & PMF_OPEN_DAMAGED)
			return 0;
		snprintf(args->errmsg, sizeof(args->errmsg),
			 "realtime device %s has no realtime superblock (not the realtime device of this filesystem?)",
			 args->rt);
		return -EINVAL;
	}
	if (platform_uuid_compare(&rsb->rsb_uuid, (uuid_t *)&sb->sb_uuid)) {
		platform_uuid_unparse(&rsb->rsb_uuid, theirs);
		platform_uuid_unparse((uuid_t *)&sb->sb_uuid, ours);
		snprintf(args->errmsg, sizeof(args->errmsg),
			 "realtime device belongs to another filesystem (rt uuid %s, filesystem uuid %s)",
			 theirs, ours);
		return -EINVAL;
	}
	return 0;
}

/* The external log and realtime devices must match what the sb says. */
static int
pmf_check_companions(
	struct pmf_open_args *args,
	const struct xfs_sb *sb,
	const uint64_t	*size)
{
	uint64_t	logbytes = (uint64_t)sb->sb_logblocks << sb->sb_blocklog;
	uint64_t	rtbytes = sb->sb_rblocks << sb->sb_blocklog;
	int		fd, error;

	if (sb->sb_logstart == 0 && !args->log) {
		snprintf(args->errmsg, sizeof(args->errmsg),
			 "%s has an external log: name the log device with -l",
			 args->data);
		return -EINVAL;
	}
	if (sb->sb_logstart != 0 && args->log) {
		snprintf(args->errmsg, sizeof(args->errmsg),
			 "%s has an internal log, but log device %s was given",
			 args->data, args->log);
		return -EINVAL;
	}
	if (sb->sb_rblocks && !args->rt) {
		snprintf(args->errmsg, sizeof(args->errmsg),
			 "%s has a realtime section: name the realtime device with -r",
			 args->data);
		return -EINVAL;
	}
	if (!sb->sb_rblocks && args->rt) {
		snprintf(args->errmsg, sizeof(args->errmsg),
			 "%s has no realtime section, but realtime device %s was given",
			 args->data, args->rt);
		return -EINVAL;
	}
	if (args->log && size[PMF_DEV_LOG] < logbytes) {
		snprintf(args->errmsg, sizeof(args->errmsg),
			 "log device %s is too small: the log needs %llu bytes, it has %llu",
			 args->log, (unsigned long long)logbytes,
			 (unsigned long long)size[PMF_DEV_LOG]);
		return -EINVAL;
	}
	if (args->rt && size[PMF_DEV_RT] < rtbytes) {
		snprintf(args->errmsg, sizeof(args->errmsg),
			 "realtime device %s is too small: it needs %llu bytes, it has %llu",
			 args->rt, (unsigned long long)rtbytes,
			 (unsigned long long)size[PMF_DEV_RT]);
		return -EINVAL;
	}
	if (args->rt) {
		error = pmf_check_rtsb(args, sb);
		if (error)
			return error;
	}
	if (!args->log)
		return 0;

	fd = open(args->log, O_RDONLY);
	if (fd < 0)
		return -errno;
	error = pmf_log_check_uuid(fd, 0, logbytes >> BBSHIFT, &sb->sb_uuid,
			args->errmsg, sizeof(args->errmsg));
	close(fd);
	/*
	 * After an event a log with no records at all may be the lost log
	 * itself; another filesystem's records are still refused.
	 */
	if (error == -ENODATA && (args->flags & PMF_OPEN_DAMAGED)) {
		args->errmsg[0] = '\0';
		return 0;
	}
	return error ? -EINVAL : 0;
}

/*
 * Is the superblock to be trusted?  pmf_read_sb() checked that the
 * geometry is self-consistent; this checks that it is the superblock as
 * written (its CRC) and that the log and realtime sections it describes
 * fit where they must.  libxfs takes a debugger's superblock as it is, and
 * an internal log outside the data device reads as an empty log: a query
 * of it would answer "nothing lost".  After an event (PMF_OPEN_DAMAGED) a
 * bad CRC is what verify reports, so only the geometry is refused there.
 */
static int
pmf_check_sb_trust(
	struct pmf_open_args *args,
	const struct xfs_sb *sb)
{
	char		buf[XFS_MAX_SECTORSIZE];
	uint64_t	agno = sb->sb_logstart >> sb->sb_agblklog;
	uint64_t	agbno = sb->sb_logstart & ((1ULL << sb->sb_agblklog) - 1);
	uint64_t	aglen = sb->sb_agblocks;
	struct xfs_sb	rsb = *sb;
	char		theirs[37], ours[37];
	uuid_t		found;
	ssize_t		n;
	int		fd, error;

	fd = open(args->data, O_RDONLY);
	if (fd < 0)
		return -errno;
	n = pread(fd, buf, sb->sb_sectsize, 0);
	if (xfs_sb_is_v5(sb) && !(args->flags & PMF_OPEN_DAMAGED) &&
	    (n != sb->sb_sectsize ||
	     !xfs_verify_cksum(buf, sb->sb_sectsize, XFS_SB_CRC_OFF))) {
		snprintf(args->errmsg, sizeof(args->errmsg),
			 "%s: corrupt superblock (CRC mismatch); 'xfs_pmem verify' reports it, xfs_repair mends it",
			 args->data);
		error = -EFSBADCRC;
		goto out;
	}
	error = -EUCLEAN;
	if (sb->sb_logblocks > XFS_MAX_LOG_BLOCKS ||
	    ((uint64_t)sb->sb_logblocks << sb->sb_blocklog) > XFS_MAX_LOG_BYTES) {
		snprintf(args->errmsg, sizeof(args->errmsg),
			 "%s: corrupt superblock (log of %u blocks, over the largest XFS log)",
			 args->data, sb->sb_logblocks);
		goto out;
	}
	/* An internal log lies inside one AG, past its headers. */
	if (agno == sb->sb_agcount - 1)
		aglen = sb->sb_dblocks - agno * sb->sb_agblocks;
	if (sb->sb_logstart &&
	    (agno >= sb->sb_agcount || agbno == 0 ||
	     agbno + sb->sb_logblocks > aglen)) {
		snprintf(args->errmsg, sizeof(args->errmsg),
			 "%s: corrupt superblock (internal log at block %llu+%u is outside the data device's AGs)",
			 args->data, (unsigned long long)sb->sb_logstart,
			 sb->sb_logblocks);
		goto out;
	}
	/* Every record of an internal log names the filesystem's UUID. */
	if (sb->sb_logstart &&
	    !pmf_log_find_uuid(fd,
			(agno * sb->sb_agblocks + agbno) << (sb->sb_blocklog - BBSHIFT),
			(uint64_t)sb->sb_logblocks << (sb->sb_blocklog - BBSHIFT),
			&found) &&
	    platform_uuid_compare(&found, (uuid_t *)&sb->sb_uuid)) {
		platform_uuid_unparse(&found, theirs);
		platform_uuid_unparse((uuid_t *)&sb->sb_uuid, ours);
		snprintf(args->errmsg, sizeof(args->errmsg),
			 "%s: corrupt superblock (uuid %s is not its log's, %s)",
			 args->data, ours, theirs);
		goto out;
	}
	if (!libxfs_validate_rt_geometry(&rsb)) {
		snprintf(args->errmsg, sizeof(args->errmsg),
			 "%s: corrupt superblock (inconsistent realtime geometry: %llu blocks, extent size %u, %llu extents, %llu bitmap blocks)",
			 args->data, (unsigned long long)sb->sb_rblocks,
			 sb->sb_rextsize, (unsigned long long)sb->sb_rextents,
			 (unsigned long long)sb->sb_rbmblocks);
		goto out;
	}
	error = 0;
out:
	close(fd);
	return error;
}

/*
 * Does the superblock pass libxfs's own checks of its fields?  libxfs
 * mounts a debugger's superblock unchecked, and a field the checks
 * bound (a directory block size of 2^149 bytes) sends the engines far
 * past their buffers.  pmf_check_sb_trust() has judged the CRC already
 * (after an event a bad one is verify's to report), so the check is of
 * the fields alone: the CRC of the private, uncached copy is set first,
 * or the verifier would stop at it.  Unknown features are
 * pmf_read_sb()'s to refuse.
 */
static int
pmf_check_sb_struct(
	struct xfs_buf		*bp,
	const struct xfs_sb	*sb)
{
	int			err, null;

	if (xfs_sb_is_v5(sb))
		xfs_update_cksum(bp->b_addr, BBTOB(bp->b_length),
				XFS_SB_CRC_OFF);
	/* Our one line says it; libxfs's notices would make it three. */
	fflush(stderr);
	err = dup(STDERR_FILENO);
	null = open("/dev/null", O_WRONLY);
	if (err >= 0 && null >= 0)
		dup2(null, STDERR_FILENO);
	bp->b_ops = &xfs_sb_buf_ops;
	bp->b_ops->verify_read(bp);
	bp->b_ops = NULL;
	fflush(stderr);
	if (err >= 0 && null >= 0)
		dup2(err, STDERR_FILENO);
	if (err >= 0)
		close(err);
	if (null >= 0)
		close(null);
	/*
	 * Any error: some of the field checks answer EINVAL, not
	 * EFSCORRUPTED (sparse inode alignment, rtgroups), and stop the
	 * verifier before the checks that bound the rest (a fuzzed
	 * sb_spino_align hid a dirblklog of 123, and a directory read then
	 * sized a 4 GiB buffer as 0 bytes).
	 */
	return bp->b_error ? -EUCLEAN : 0;
}

/*
 * Free the buffer targets libxfs_buftarg_init() made, as libxfs_umount()
 * does (its helper is static), when the open stops before the mount.
 */
static void
pmf_buftargs_free(
	struct xfs_mount	*mp)
{
	struct xfs_buftarg	*targs[3] = { mp->m_rtdev_targp,
		mp->m_logdev_targp != mp->m_ddev_targp ? mp->m_logdev_targp : NULL,
		mp->m_ddev_targp };
	int			i;

	for (i = 0; i < 3; i++) {
		if (!targs[i])
			continue;
		cache_destroy(targs[i]->bcache);
		free(targs[i]);
	}
	mp->m_rtdev_targp = mp->m_logdev_targp = mp->m_ddev_targp = NULL;
}

/*
 * libxfs 6.13 can be brought up once per process: libxfs_destroy() frees
 * its buffer free list without emptying it, so a second libxfs_init() hands
 * out freed buffers.  Refuse cleanly rather than corrupt the heap.
 */
static bool pmf_libxfs_used;

/* Bring up libxfs on the checked devices, as xfs_db does. */
static int
pmf_mount(
	struct pmf_fs	*fs,
	struct pmf_open_args *args)
{
	struct xfs_buf	*bp;
	struct xfs_sb	sb;
	int		error;

	if (pmf_libxfs_used) {
		snprintf(args->errmsg, sizeof(args->errmsg),
			 "libxfs can open one filesystem per process; %s needs a new process",
			 args->data);
		return -EBUSY;
	}
	pmf_libxfs_used = true;

	fs->xi.data.name = fs->path[PMF_DEV_DATA];
	fs->xi.log.name = fs->path[PMF_DEV_LOG];
	fs->xi.rt.name = fs->path[PMF_DEV_RT];
	fs->xi.data.isfile = fs->xi.log.isfile = fs->xi.rt.isfile = false;
	fs->writable = args->flags & PMF_OPEN_WRITE;
	if (!fs->writable)
		fs->xi.flags = LIBXFS_ISREADONLY;
	fs->xi.bcache_flags = CACHE_MISCOMPARE_PURGE;
	/*
	 * A walk of a whole device reads every inode cluster once or twice;
	 * libxfs's default cache would keep 8192 of them (over 100 MiB), and
	 * fill it faster on a bigger filesystem.  A query reads its blocks
	 * in order, so a small cache costs nothing and keeps memory flat
	 * whatever the size of the filesystem.
	 */
	if (!libxfs_bhash_size)
		libxfs_bhash_size = PMF_BHASH_SIZE;
	if (!libxfs_init(&fs->xi)) {
		snprintf(args->errmsg, sizeof(args->errmsg),
			 "%s: cannot initialize the XFS library", args->data);
		return -EIO;
	}

	libxfs_buftarg_init(&fs->xmount, &fs->xi);
	/*
	 * One sector holds the superblock; reading more would also read the
	 * AGF, AGI and AGFL sectors, and fail the open when a damaged
	 * device cannot return them.
	 */
	error = libxfs_buf_read_uncached(fs->xmount.m_ddev_targp, XFS_SB_DADDR,
			1, 0, &bp, NULL);
	if (error) {
		snprintf(args->errmsg, sizeof(args->errmsg),
			 "%s: cannot read the superblock: %s", args->data,
			 strerror(-error));
		goto out_destroy;
	}
	libxfs_sb_from_disk(&sb, bp->b_addr);
	/* The verifier sizes AGs by the mount's; libxfs_mount() sets it too. */
	fs->xmount.m_sb = sb;
	error = pmf_check_sb_struct(bp, &sb);
	libxfs_buf_relse(bp);
	if (error) {
		snprintf(args->errmsg, sizeof(args->errmsg),
			 "%s: corrupt superblock (libxfs's superblock verifier refuses it)",
			 args->data);
		goto out_buftargs;
	}

	fs->mp = libxfs_mount(&fs->xmount, &sb, &fs->xi, LIBXFS_MOUNT_DEBUGGER);
	if (!fs->mp) {
		snprintf(args->errmsg, sizeof(args->errmsg),
			 "%s: libxfs cannot mount this filesystem", args->data);
		error = -EUCLEAN;
		goto out_destroy;
	}
	return 0;

out_buftargs:
	pmf_buftargs_free(&fs->xmount);
out_destroy:
	libxfs_destroy(&fs->xi);
	return error;
}

static void
pmf_free(
	struct pmf_fs	*fs)
{
	for (int i = 0; i < 3; i++)
		free(fs->path[i]);
	free(fs->kinds);
	free(fs);
}

int
pmf_open(
	struct pmf_open_args	*args,
	struct pmf_fs		**fsp)
{
	const char		*paths[3] = { args->data, args->log, args->rt };
	uint64_t		size[3] = { 0 };
	struct pmf_fs		*fs;
	struct xfs_sb		sb;
	int			error;

	args->errmsg[0] = '\0';
	*fsp = NULL;
	/* libxfs prints its messages under the program's name. */
	if (!progname)
		progname = "libpmemfail";
	if (!args->data) {
		snprintf(args->errmsg, sizeof(args->errmsg), "no data device given");
		return -EINVAL;
	}
	/* A mount point: ask the kernel, without libxfs (pmf_online.c). */
	if (pmf_online_wanted(args->data))
		return pmf_online_open(args, fsp);
	if ((args->flags & PMF_OPEN_MOUNTED) &&
	    !(args->flags & (PMF_OPEN_WRITE | PMF_OPEN_UNMOUNTED))) {
		error = pmf_open_mounted(args, fsp);
		if (error <= 0)
			return error;
	}
	for (int i = 0; i < 3; i++) {
		if (!paths[i])
			continue;
		error = pmf_check_dev(args, i, paths[i], &size[i]);
		if (error)
			return error;
	}
	error = pmf_read_sb(args, size[PMF_DEV_DATA], &sb);
	if (error)
		return error;
	error = pmf_check_libxfs_support(args, &sb);
	if (error)
		return error;
	error = pmf_check_companions(args, &sb, size);
	if (error)
		return error;
	error = pmf_check_sb_trust(args, &sb);
	if (error)
		return error;

	fs = calloc(1, sizeof(*fs));
	if (!fs)
		return -ENOMEM;
	for (int i = 0; i < 3; i++) {
		if (paths[i] && !(fs->path[i] = strdup(paths[i]))) {
			pmf_free(fs);
			return -ENOMEM;
		}
	}
	error = pmf_mount(fs, args);
	if (error) {
		pmf_free(fs);
		return error;
	}
	pmf_offline_setup(fs);
	pmf_fill_geometry(fs);
	for (int i = 0; i < 3; i++)
		fs->geo.dev[i].size = size[i];
	pmf_log_find_live(fs);
	*fsp = fs;
	return 0;
}

/*
 * Wrap a filesystem someone else mounted through libxfs (xfs_db).  The
 * caller keeps the mount and the devices; pmf_close() frees only our state.
 */
int
pmf_attach(
	struct xfs_mount		*mp,
	const struct libxfs_init	*xi,
	struct pmf_fs			**fsp)
{
	const struct libxfs_dev		*devs[3] = { &xi->data, &xi->log, &xi->rt };
	struct pmf_fs			*fs;

	fs = calloc(1, sizeof(*fs));
	if (!fs)
		return -ENOMEM;
	fs->mp = mp;
	fs->attached = true;
	for (int i = 0; i < 3; i++) {
		if (devs[i]->name && !(fs->path[i] = strdup(devs[i]->name))) {
			pmf_free(fs);
			return -ENOMEM;
		}
	}
	pmf_offline_setup(fs);
	pmf_fill_geometry(fs);
	for (int i = 0; i < 3; i++)
		fs->geo.dev[i].size = BBTOB((uint64_t)devs[i]->size);
	pmf_log_find_live(fs);
	*fsp = fs;
	return 0;
}

void
pmf_close(
	struct pmf_fs	*fs)
{
	if (!fs)
		return;
	pmf_paths_free(fs->paths);
	fs->paths = NULL;
	fs->ops->close(fs);
	pmf_free(fs);
}
