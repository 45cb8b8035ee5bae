// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Copyright (c) 2026 The pmemfail authors.
 *
 * Opening a mounted filesystem: the online backend.  The kernel already
 * holds the filesystem, so everything is asked of it through ioctls on
 * the mount point (geometry, GETFSMAP, inumbers, bulkstat, handles and
 * parent pointers) and nothing goes through libxfs: an online open does
 * not use up the one libxfs bring-up a process gets, and it never reads
 * metadata the kernel may be changing under it.  The one exception is the
 * primary superblock, read once for the numbers of the metadata inodes,
 * which no ioctl reports and which do not change while mounted.
 */
#include <sys/ioctl.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <linux/fs.h>
#include <uuid/uuid.h>
#include "pmf_online.h"

#ifndef XFS_SUPER_MAGIC
#define XFS_SUPER_MAGIC		0x58465342
#endif

/* Is @path something pmf_open() should open online (a directory)? */
bool
pmf_online_wanted(
	const char	*path)
{
	struct stat	st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Undo the kernel's mountinfo escapes (\040 for a space, ...) in place. */
static void
pmf_unescape(
	char		*s)
{
	char		*d = s;

	while (*s) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '7' &&
		    s[2] >= '0' && s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
			*d++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 +
				      (s[3] - '0'));
			s += 4;
		} else {
			*d++ = *s++;
		}
	}
	*d = '\0';
}

/* The value of "key=" in a comma-separated mount option list, or NULL. */
static char *
pmf_mount_opt(
	const char	*opts,
	const char	*key)
{
	size_t		klen = strlen(key);
	const char	*p = opts;

	while (p && *p) {
		if (!strncmp(p, key, klen) && p[klen] == '=') {
			const char	*v = p + klen + 1;
			char		*val = strndup(v, strcspn(v, ","));

			if (val)
				pmf_unescape(val);
			return val;
		}
		p = strchr(p, ',');
		if (p)
			p++;
	}
	return NULL;
}

/*
 * Find the mount of @real (a canonical path) in mountinfo: its device
 * paths and whether it mounts the filesystem's root.  The last match wins,
 * as the last mount on a point is the one that path reaches.
 */
static int
pmf_find_mount(
	struct pmf_online	*on,
	const char		*given,
	const char		*real,
	dev_t			dev,
	char			*errmsg,
	size_t			len)
{
	char			*line = NULL;
	size_t			cap = 0;
	bool			found = false, subdir = false;
	FILE			*f;

	f = fopen("/proc/self/mountinfo", "r");
	if (!f) {
		snprintf(errmsg, len, "cannot read /proc/self/mountinfo: %s",
			 strerror(errno));
		return -errno;
	}
	while (getline(&line, &cap, f) > 0) {
		char		root[PATH_MAX], point[PATH_MAX];
		char		fstype[64], source[PATH_MAX], sopts[1024];
		unsigned int	ma, mi;
		char		*sep;

		line[strcspn(line, "\n")] = '\0';
		if (sscanf(line, "%*u %*u %u:%u %4095s %4095s", &ma, &mi, root,
			   point) != 4)
			continue;
		sep = strstr(line, " - ");
		if (!sep || sscanf(sep + 3, "%63s %4095s %1023s", fstype, source,
				   sopts) != 3)
			continue;
		pmf_unescape(point);
		pmf_unescape(root);
		pmf_unescape(source);
		if (strcmp(point, real) || makedev(ma, mi) != dev)
			continue;
		found = true;
		subdir = strcmp(root, "/") != 0;
		free(on->dev_path[PMF_DEV_DATA]);
		free(on->dev_path[PMF_DEV_LOG]);
		free(on->dev_path[PMF_DEV_RT]);
		on->dev_path[PMF_DEV_DATA] = strdup(source);
		on->dev_path[PMF_DEV_LOG] = pmf_mount_opt(sopts, "logdev");
		on->dev_path[PMF_DEV_RT] = pmf_mount_opt(sopts, "rtdev");
	}
	free(line);
	fclose(f);
	if (!found) {
		snprintf(errmsg, len, "%s is not a mount point", given);
		return -EINVAL;
	}
	if (subdir) {
		/* Paths would be relative to a directory we cannot see above. */
		snprintf(errmsg, len,
			 "%s mounts a subdirectory of its filesystem (a bind mount); give the filesystem's own mount point",
			 given);
		return -EINVAL;
	}
	return 0;
}

/* GETFSMAP names a device as the kernel's new_encode_dev() does. */
static uint32_t
pmf_encode_dev(
	dev_t		dev)
{
	unsigned int	ma = major(dev), mi = minor(dev);

	return (mi & 0xff) | (ma << 8) | ((mi & ~0xffU) << 12);
}

/* Size and GETFSMAP number of one device of the mount. */
static void
pmf_online_dev(
	struct pmf_online	*on,
	int			which,
	dev_t			fallback)
{
	struct stat		st;
	int			fd;

	on->fmr_dev[which] = fallback ? pmf_encode_dev(fallback) : 0;
	if (!on->dev_path[which])
		return;
	if (stat(on->dev_path[which], &st) == 0 && S_ISBLK(st.st_mode))
		on->fmr_dev[which] = pmf_encode_dev(st.st_rdev);
	fd = open(on->dev_path[which], O_RDONLY);
	if (fd < 0)
		return;
	if (ioctl(fd, BLKGETSIZE64, &on->dev_size[which]) < 0)
		on->dev_size[which] = 0;
	close(fd);
}

/*
 * The primary superblock, for the metadata inode numbers only.  O_DIRECT,
 * so that a stale page cache of the block device cannot answer.
 */
static void
pmf_online_read_sb(
	struct pmf_fs		*fs)
{
	struct pmf_online	*on = fs->online;
	void			*buf;
	int			fd;

	if (!on->dev_path[PMF_DEV_DATA])
		return;
	if (posix_memalign(&buf, 4096, 4096))
		return;
	fd = open(on->dev_path[PMF_DEV_DATA], O_RDONLY | O_DIRECT);
	if (fd >= 0) {
		if (pread(fd, buf, 4096, 0) >= (ssize_t)sizeof(struct xfs_dsb)) {
			libxfs_sb_from_disk(&on->sb, buf);
			if (on->sb.sb_magicnum == XFS_SB_MAGIC)
				fs->meta_sb = &on->sb;
		}
		close(fd);
	}
	free(buf);
}

static uint64_t
pmf_online_features(
	const struct xfs_fsop_geom *g)
{
	static const struct {
		uint32_t	geom;
		uint64_t	feat;
	} map[] = {
		{ XFS_FSOP_GEOM_FLAGS_V5SB,	PMF_FEAT_CRC },
		{ XFS_FSOP_GEOM_FLAGS_FINOBT,	PMF_FEAT_FINOBT },
		{ XFS_FSOP_GEOM_FLAGS_SPINODES,	PMF_FEAT_SPARSE_INODES },
		{ XFS_FSOP_GEOM_FLAGS_RMAPBT,	PMF_FEAT_RMAPBT },
		{ XFS_FSOP_GEOM_FLAGS_REFLINK,	PMF_FEAT_REFLINK },
		{ XFS_FSOP_GEOM_FLAGS_PARENT,	PMF_FEAT_PARENT },
		{ XFS_FSOP_GEOM_FLAGS_METADIR,	PMF_FEAT_METADIR },
		{ XFS_FSOP_GEOM_FLAGS_BIGTIME,	PMF_FEAT_BIGTIME },
		{ XFS_FSOP_GEOM_FLAGS_FTYPE,	PMF_FEAT_FTYPE },
	};
	uint64_t		f = 0;

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (g->flags & map[i].geom)
			f |= map[i].feat;
	if (g->rtblocks)
		f |= PMF_FEAT_REALTIME;
	if (g->rgcount)
		f |= PMF_FEAT_RTGROUPS;
	if (g->rgcount && (g->flags & XFS_FSOP_GEOM_FLAGS_RMAPBT) && g->rtblocks)
		f |= PMF_FEAT_RTRMAP;
	if (g->logstart == 0)
		f |= PMF_FEAT_EXTERNAL_LOG;
	return f;
}

/* The shared core's geometry and the public one, from XFS_IOC_FSGEOMETRY. */
static void
pmf_online_fill_geometry(
	struct pmf_fs		*fs,
	const struct xfs_fsop_geom *g)
{
	struct pmf_online	*on = fs->online;
	struct pmf_geometry	*geo = &fs->geo;
	struct xfs_failure_geo	*fgeo = &fs->fgeo;
	uint32_t		rextblocks = g->rtextsize / g->blocksize;

	fgeo->blocklog = libxfs_highbit32(g->blocksize);
	fgeo->sectsize = g->sectsize;
	fgeo->agcount = g->agcount;
	fgeo->agblocks = g->agblocks;
	fgeo->dblocks = g->datablocks;
	fgeo->logblocks = g->logblocks;
	fgeo->logstart = g->logstart;
	fgeo->rblocks = g->rtblocks;
	fgeo->rgblocks = g->rgcount ? g->rgextents * rextblocks : 0;

	memset(geo, 0, sizeof(*geo));
	uuid_unparse(g->uuid, geo->uuid);
	geo->blocksize = g->blocksize;
	geo->sectsize = g->sectsize;
	geo->inodesize = g->inodesize;
	geo->agcount = g->agcount;
	geo->agblocks = g->agblocks;
	geo->dblocks = g->datablocks;
	geo->logblocks = g->logblocks;
	geo->logstart = g->logstart;
	geo->rblocks = g->rtblocks;
	geo->rextsize = rextblocks;
	geo->rextents = g->rtextents;
	geo->features = pmf_online_features(g);
#ifdef HAVE_LIBXFS_RTRMAP
	geo->rtrmap_supported = true;
#endif
	for (int i = 0; i < 3; i++) {
		geo->dev[i].path = fs->path[i];
		geo->dev[i].size = on->dev_size[i];
	}
	geo->dev[PMF_DEV_DATA].fs_bytes = g->datablocks * g->blocksize;
	if (g->logstart == 0)
		geo->dev[PMF_DEV_LOG].fs_bytes =
			(uint64_t)g->logblocks * g->blocksize;
	geo->dev[PMF_DEV_RT].fs_bytes = g->rtblocks * g->blocksize;
	geo->mountpoint = on->mnt;
}

/* Counters, label and the root's handle: what geometry does not say. */
static int
pmf_online_probe(
	struct pmf_fs		*fs,
	char			*errmsg,
	size_t			len)
{
	struct pmf_online	*on = fs->online;
	struct xfs_fsop_counts	cnt;
	struct xfs_fsop_handlereq hreq = { 0 };
	char			label[FSLABEL_MAX];
	uint32_t		hlen = sizeof(on->root);

	if (ioctl(on->fd, XFS_IOC_FSCOUNTS, &cnt) == 0)
		fs->geo.icount = cnt.allocino;
	if (ioctl(on->fd, FS_IOC_GETFSLABEL, label) == 0) {
		label[FSLABEL_MAX - 1] = '\0';
		snprintf(fs->geo.label, sizeof(fs->geo.label), "%s", label);
	}
	/* The root's handle carries the fsid every other handle needs. */
	hreq.fd = on->fd;
	hreq.ohandle = &on->root;
	hreq.ohandlen = &hlen;
	if (ioctl(on->fd, XFS_IOC_FD_TO_HANDLE, &hreq) < 0 ||
	    hlen != sizeof(on->root)) {
		snprintf(errmsg, len, "%s: cannot get a file handle: %s",
			 on->mnt, strerror(errno));
		return errno ? -errno : -EIO;
	}
	return 0;
}

static int
pmf_online_setup(
	struct pmf_fs		*fs,
	const char		*path,
	char			*errmsg,
	size_t			len)
{
	struct pmf_online	*on = fs->online;
	struct xfs_fsop_geom	g = { 0 };
	struct statfs		sfs;
	struct stat		st;
	char			real[PATH_MAX];
	int			error;

	if (!realpath(path, real)) {
		snprintf(errmsg, len, "%s: %s", path, strerror(errno));
		return -errno;
	}
	on->mnt = strdup(real);
	if (!on->mnt)
		return -ENOMEM;
	on->fd = open(real, O_RDONLY | O_DIRECTORY);
	if (on->fd < 0) {
		snprintf(errmsg, len, "cannot open %s: %s", path, strerror(errno));
		return -errno;
	}
	if (fstatfs(on->fd, &sfs) < 0 || fstat(on->fd, &st) < 0) {
		snprintf(errmsg, len, "%s: %s", path, strerror(errno));
		return -errno;
	}
	if (sfs.f_type != XFS_SUPER_MAGIC) {
		snprintf(errmsg, len, "%s is not on an XFS filesystem", path);
		return -EINVAL;
	}
	error = pmf_find_mount(on, path, real, st.st_dev, errmsg, len);
	if (error)
		return error;
	if (ioctl(on->fd, XFS_IOC_FSGEOMETRY, &g) < 0) {
		snprintf(errmsg, len, "%s: XFS_IOC_FSGEOMETRY: %s", path,
			 strerror(errno));
		return -errno;
	}
	fs->rootino = st.st_ino;
	on->inodelog = libxfs_highbit32(g.inodesize);
	on->inopblog = libxfs_highbit32(g.blocksize) - on->inodelog;
	on->agblklog = libxfs_highbit32(g.agblocks - 1) + 1;
	fs->has_parent = g.flags & XFS_FSOP_GEOM_FLAGS_PARENT;
	fs->metadir = g.flags & XFS_FSOP_GEOM_FLAGS_METADIR;
	pmf_online_dev(on, PMF_DEV_DATA, st.st_dev);
	pmf_online_dev(on, PMF_DEV_LOG, 0);
	pmf_online_dev(on, PMF_DEV_RT, 0);
	for (int i = 0; i < 3; i++)
		if (on->dev_path[i] && !(fs->path[i] = strdup(on->dev_path[i])))
			return -ENOMEM;
	/* An internal log has no device of its own; GETFSMAP puts it on data. */
	if (g.logstart == 0 && !on->dev_path[PMF_DEV_LOG]) {
		snprintf(errmsg, len, "%s: external log device not in mountinfo",
			 path);
		return -EINVAL;
	}
	pmf_online_read_sb(fs);
	pmf_online_fill_geometry(fs, &g);
	return pmf_online_probe(fs, errmsg, len);
}

static void
pmf_online_close(
	struct pmf_fs		*fs)
{
	struct pmf_online	*on = fs->online;

	if (!on)
		return;
	if (on->fd >= 0)
		close(on->fd);
	for (int i = 0; i < 3; i++)
		free(on->dev_path[i]);
	free(on->mnt);
	free(on);
	fs->online = NULL;
}

/* An inode scan reads every inode chunk on disk: not through the kernel. */
static int
pmf_online_walk_range(
	struct pmf_fs			*fs,
	const struct xfs_failure_range	*fr,
	struct pmf_sink			*sink)
{
	if (fs->qflags & PMF_QUERY_SCAN)
		return pmf_seterr(fs, -EOPNOTSUPP,
			"an inode scan needs the unmounted devices, not a mount point");
	return pmf_online_walk(fs, fr, sink);
}

/* Bulkstat knows the mode; whether it is a metadata file, only the sb. */
static int
pmf_online_inode_kind(
	struct pmf_fs			*fs,
	uint64_t			ino,
	uint16_t			*mode,
	bool				*metafile,
	enum xfs_metafile_type		*metatype)
{
	uint32_t			gen;

	*metafile = false;
	*metatype = XFS_METAFILE_UNKNOWN;
	return pmf_online_gen(fs, ino, &gen, mode);
}

static const struct pmf_backend_ops pmf_online_ops = {
	.walk		= pmf_online_walk_range,
	.inode_kind	= pmf_online_inode_kind,
	.readdir	= pmf_online_readdir,
	.pptr_list	= pmf_online_pptr_list,
	.close		= pmf_online_close,
};

int
pmf_online_open(
	struct pmf_open_args	*args,
	struct pmf_fs		**fsp)
{
	struct pmf_fs		*fs;
	int			error;

	if (args->log || args->rt) {
		snprintf(args->errmsg, sizeof(args->errmsg),
			 "%s is a directory: a mount point takes no log or realtime device (the kernel knows them)",
			 args->data);
		return -EINVAL;
	}
	if (args->flags & (PMF_OPEN_WRITE | PMF_OPEN_UNMOUNTED)) {
		snprintf(args->errmsg, sizeof(args->errmsg),
			 "%s is a directory: this needs the unmounted devices, not a mount point",
			 args->data);
		return -EINVAL;
	}
	fs = calloc(1, sizeof(*fs));
	if (!fs)
		return -ENOMEM;
	fs->online = calloc(1, sizeof(*fs->online));
	if (!fs->online) {
		free(fs);
		return -ENOMEM;
	}
	fs->online->fd = -1;
	fs->ops = &pmf_online_ops;
	error = pmf_online_setup(fs, args->data, args->errmsg,
			sizeof(args->errmsg));
	if (error) {
		pmf_online_close(fs);
		for (int i = 0; i < 3; i++)
			free(fs->path[i]);
		free(fs);
		return error;
	}
	*fsp = fs;
	return 0;
}

bool
pmf_is_online(
	const struct pmf_fs	*fs)
{
	return fs->online != NULL;
}

int
pmf_mount_fd(
	const struct pmf_fs	*fs)
{
	return fs->online ? fs->online->fd : -1;
}

int
pmf_open_inode(
	struct pmf_fs		*fs,
	uint64_t		ino,
	int			oflags)
{
	uint32_t		gen;
	int			fd, error;

	if (!fs->online)
		return pmf_seterr(fs, -EOPNOTSUPP,
				"opening an inode needs a mounted filesystem");
	error = pmf_online_gen(fs, ino, &gen, NULL);
	if (error)
		return pmf_seterr(fs, error, "inode %llu: %s",
				(unsigned long long)ino, strerror(-error));
	fd = pmf_online_open_handle(fs, ino, gen, oflags);
	if (fd < 0)
		return pmf_seterr(fs, fd, "inode %llu: cannot open by handle: %s",
				(unsigned long long)ino, strerror(-fd));
	return fd;
}
