// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Copyright (c) 2026 The pmemfail authors.
 *
 * Paths online: the two primitives the path resolver (pmf_paths.c) is
 * built on, answered by the kernel.  A directory's entries come from
 * getdents on the directory opened by handle (so a mount stacked on a
 * subdirectory hides nothing), an inode's parent pointers from
 * XFS_IOC_GETPARENTS_BY_HANDLE.  The resolver, and so what a path is, stays
 * the one the offline engine uses.
 */
#include <sys/ioctl.h>
#include <dirent.h>
#include "pmf_online.h"

/* The generation of @ino, which its handle must name. */
int
pmf_online_gen(
	struct pmf_fs		*fs,
	uint64_t		ino,
	uint32_t		*gen,
	uint16_t		*mode)
{
	struct {
		struct xfs_bulk_ireq	hdr;
		struct xfs_bulkstat	bs;
	} req = { .hdr = { .ino = ino, .icount = 1 } };

	if (ioctl(fs->online->fd, XFS_IOC_BULKSTAT, &req) < 0)
		return -errno;
	/* Bulkstat starts at @ino and goes on to the next allocated inode. */
	if (req.hdr.ocount != 1 || req.bs.bs_ino != ino)
		return -ENOENT;
	*gen = req.bs.bs_gen;
	if (mode)
		*mode = req.bs.bs_mode;
	return 0;
}

/* A handle for inode @ino of generation @gen on this filesystem. */
void
pmf_online_handle(
	const struct pmf_fs	*fs,
	uint64_t		ino,
	uint32_t		gen,
	struct xfs_handle	*h)
{
	*h = fs->online->root;
	h->ha_fid.fid_len = sizeof(xfs_fid_t) - sizeof(h->ha_fid.fid_len);
	h->ha_fid.fid_pad = 0;
	h->ha_fid.fid_gen = gen;
	h->ha_fid.fid_ino = ino;
}

/* Open inode @ino of generation @gen by handle: an fd, or -errno. */
int
pmf_online_open_handle(
	const struct pmf_fs	*fs,
	uint64_t		ino,
	uint32_t		gen,
	int			oflags)
{
	struct xfs_fsop_handlereq hreq = { 0 };
	struct xfs_handle	h;
	int			fd;

	pmf_online_handle(fs, ino, gen, &h);
	hreq.fd = fs->online->fd;
	hreq.oflags = oflags;
	hreq.ihandle = &h;
	hreq.ihandlen = sizeof(h);
	fd = ioctl(fs->online->fd, XFS_IOC_OPEN_BY_HANDLE, &hreq);
	return fd < 0 ? -errno : fd;
}

/* Open directory @ino read-only by handle; -ENOTDIR if it is not one. */
static int
pmf_online_open_dir(
	struct pmf_fs		*fs,
	uint64_t		ino)
{
	uint32_t		gen;
	uint16_t		mode;
	int			error;

	if (ino == fs->rootino)
		return openat(fs->online->fd, ".", O_RDONLY | O_DIRECTORY);
	error = pmf_online_gen(fs, ino, &gen, &mode);
	if (error)
		return error;
	if (!S_ISDIR(mode))
		return -ENOTDIR;
	return pmf_online_open_handle(fs, ino, gen, O_RDONLY);
}

int
pmf_online_readdir(
	struct pmf_fs		*fs,
	uint64_t		dir,
	pmf_dirent_fn	fn,
	void			*priv)
{
	struct dirent		*de;
	DIR			*d;
	int			fd, error = 0;

	fd = pmf_online_open_dir(fs, dir);
	/* Not a directory: nothing in it, as offline. */
	if (fd == -ENOTDIR)
		return 0;
	if (fd < 0)
		return fd;
	d = fdopendir(fd);
	if (!d) {
		error = -errno;
		close(fd);
		return error;
	}
	while (!error) {
		struct stat	st;
		bool		isdir;

		errno = 0;
		de = readdir(d);
		if (!de) {
			error = -errno;
			break;
		}
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (de->d_type != DT_UNKNOWN)
			isdir = de->d_type == DT_DIR;
		else
			isdir = fstatat(dirfd(d), de->d_name, &st,
					AT_SYMLINK_NOFOLLOW) == 0 &&
				S_ISDIR(st.st_mode);
		error = fn(priv, de->d_ino, de->d_name, strlen(de->d_name),
				isdir);
	}
	closedir(d);
	return error;
}

int
pmf_online_pptr_list(
	struct pmf_fs		*fs,
	uint64_t		ino,
	uint32_t		*gen,
	pmf_pptr_fn		fn,
	void			*priv)
{
	struct xfs_getparents_by_handle gph = { 0 };
	const size_t		bufsize = 65536;
	char			*buf;
	int			error;

	error = pmf_online_gen(fs, ino, gen, NULL);
	if (error)
		return error;
	buf = malloc(bufsize);
	if (!buf)
		return -ENOMEM;
	pmf_online_handle(fs, ino, *gen, &gph.gph_handle);
	gph.gph_request.gp_buffer = (uintptr_t)buf;
	while (!error) {
		struct xfs_getparents_rec *gpr;

		/* An unused record reads as an empty name (as libfrog's walk). */
		memset(buf, 0, bufsize);
		gph.gph_request.gp_bufsize = bufsize;
		if (ioctl(fs->online->fd, XFS_IOC_GETPARENTS_BY_HANDLE, &gph) < 0) {
			error = -errno;
			break;
		}
		/* The root is in no directory. */
		if (gph.gph_request.gp_oflags & XFS_GETPARENTS_OFLAG_ROOT)
			break;
		for (gpr = xfs_getparents_first_rec(&gph.gph_request);
		     gpr && !error && gpr->gpr_reclen && gpr->gpr_name[0];
		     gpr = xfs_getparents_next_rec(&gph.gph_request, gpr)) {
			error = fn(priv, gpr->gpr_parent.ha_fid.fid_ino,
					gpr->gpr_parent.ha_fid.fid_gen,
					gpr->gpr_name, strlen(gpr->gpr_name));
		}
		if (gph.gph_request.gp_oflags & XFS_GETPARENTS_OFLAG_DONE)
			break;
	}
	free(buf);
	return error;
}
