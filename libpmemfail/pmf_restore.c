// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Copyright (c) 2026 The pmemfail authors.
 *
 * Move an orphan back: the file xfs_repair put in lost+found goes back to
 * the path the inventory knew it by, offline, in one libxfs rename
 * transaction, so that it is never nameless in between and the undo file
 * sees every block the rename writes.  Nothing is made: a directory that
 * is gone stays gone, and a name that is taken stays with its owner.
 */
#include "pmf_priv.h"

/*
 * None is a libxfs_ call, but all are in libxfs and declared by its
 * headers: the kernel's rename and link are built on them.
 */
#define pmf_dir_rename_children	xfs_dir_rename_children
#define pmf_rename_space_res	xfs_rename_space_res
#define pmf_dir_add_child	xfs_dir_add_child

/* The directory part of absolute @path ("/" for "/a") and its last name. */
static int
pmf_path_split(
	const char		*path,
	char			**dirp,
	const char		**namep)
{
	const char		*slash = strrchr(path, '/');

	if (path[0] != '/' || !slash || !slash[1] ||
	    strlen(slash + 1) > MAXNAMELEN - 1)
		return -EINVAL;
	*namep = slash + 1;
	*dirp = strndup(path, slash == path ? 1 : slash - path);
	return *dirp ? 0 : -ENOMEM;
}

/* The inode absolute @path names, looked up name by name from the root. */
static int
pmf_path_lookup(
	struct pmf_fs		*fs,
	const char		*path,
	xfs_ino_t		*inop)
{
	struct xfs_mount	*mp = fs->mp;
	xfs_ino_t		ino = mp->m_sb.sb_rootino;
	const char		*p = path;
	int			error = 0;

	while (!error && *p) {
		struct xfs_inode	*dp;
		struct xfs_name		xname;
		size_t			len;

		while (*p == '/')
			p++;
		len = strcspn(p, "/");
		if (!len)
			break;
		error = libxfs_iget(mp, NULL, ino, 0, &dp);
		if (error)
			break;
		if (!S_ISDIR(VFS_I(dp)->i_mode)) {
			error = -ENOTDIR;
		} else {
			xname.name = (const unsigned char *)p;
			xname.len = len;
			xname.type = 0;
			error = libxfs_dir_lookup(NULL, dp, &xname, &ino, NULL);
		}
		libxfs_irele(dp);
		p += len;
	}
	if (!error)
		*inop = ino;
	return error;
}

/*
 * One directory update in a transaction of its own: with @src, the rename
 * of @src->ip from @src to @tgt (which does not exist); without, a new
 * name @tgt for @tgt->ip, a file that lives.  The kernel's rename and link
 * do the same around the same libxfs calls.
 */
static int
pmf_dir_update(
	struct xfs_mount	*mp,
	struct xfs_dir_update	*src,
	struct xfs_dir_update	*tgt)
{
	struct xfs_dir_update	wip = { 0 };
	struct xfs_dir_update	*named = src ? src : tgt;
	struct xfs_trans	*tp;
	unsigned int		resblks;
	int			error;

	/* The parent pointer change goes with the inode that is named. */
	error = libxfs_parent_start(mp, &named->ppargs);
	if (error)
		return error;
	resblks = src ? pmf_rename_space_res(mp, src->name->len, false,
				tgt->name->len, false) :
			libxfs_link_space_res(mp, tgt->name->len);
	error = libxfs_trans_alloc(mp, src ? &M_RES(mp)->tr_rename :
			&M_RES(mp)->tr_link, resblks, 0, 0, &tp);
	if (error)
		goto out_parent;
	libxfs_trans_ijoin(tp, tgt->dp, 0);
	if (src && src->dp != tgt->dp)
		libxfs_trans_ijoin(tp, src->dp, 0);
	libxfs_trans_ijoin(tp, named->ip, 0);
	error = src ? pmf_dir_rename_children(tp, src, tgt, resblks, &wip) :
		      pmf_dir_add_child(tp, resblks, tgt);
	if (error)
		libxfs_trans_cancel(tp);
	else
		error = libxfs_trans_commit(tp);
out_parent:
	libxfs_parent_finish(mp, named->ppargs);
	return error;
}

/*
 * Move inode @ino from absolute path @from back to @to.  0 when moved, 1
 * when @to names @ino already (it went back with its directory), 2 when
 * @from no longer names @ino (it went back under another of its names)
 * and @to was made a hard link to it, or a negative errno: -ENOENT or
 * -ENOTDIR when @to's directory is gone, -EEXIST when another file has
 * @to, -ESTALE when @from no longer names @ino and it cannot be linked (a
 * directory, gone), -EINVAL for a path that cannot be one (not absolute,
 * a directory into itself).
 */
int
pmf_restore_path(
	struct pmf_fs		*fs,
	uint64_t		ino,
	const char		*from,
	const char		*to)
{
	struct xfs_mount	*mp = fs->mp;
	struct xfs_inode	*sdp = NULL, *tdp = NULL, *ip = NULL;
	struct xfs_name		from_name, to_name;
	struct xfs_dir_update	src = { 0 }, tgt = { 0 };
	const char		*fname, *tname;
	char			*fdir = NULL, *tdir = NULL;
	xfs_ino_t		found, sdino, tdino;
	size_t			flen = strlen(from);
	int			error;

	fs->errmsg[0] = '\0';
	error = pmf_writable(fs);
	if (error)
		return error;
	error = pmf_path_split(from, &fdir, &fname) ?:
		pmf_path_split(to, &tdir, &tname);
	if (error)
		goto out;
	error = pmf_path_lookup(fs, to, &found);
	if (!error) {
		error = found == ino ? 1 : -EEXIST;
		goto out;
	}
	if (error != -ENOENT)
		goto out;
	error = pmf_path_lookup(fs, tdir, &tdino);
	if (error)
		goto out;
	error = libxfs_iget(mp, NULL, tdino, 0, &tdp);
	if (!error && !S_ISDIR(VFS_I(tdp)->i_mode))
		error = -ENOTDIR;
	if (!error)
		error = libxfs_iget(mp, NULL, ino, 0, &ip);
	if (error)
		goto out;
	to_name.name = (const unsigned char *)tname;
	to_name.len = strlen(tname);
	to_name.type = libxfs_mode_to_ftype(VFS_I(ip)->i_mode);
	tgt.dp = tdp;
	tgt.name = &to_name;
	error = pmf_path_lookup(fs, from, &found);
	if (error == -ENOENT || (!error && found != ino)) {
		/* Its lost+found name went back already: a link, as before. */
		if (S_ISDIR(VFS_I(ip)->i_mode) || !VFS_I(ip)->i_nlink) {
			error = -ESTALE;
			goto out;
		}
		tgt.ip = ip;
		error = pmf_dir_update(mp, NULL, &tgt);
		if (!error)
			error = 2;
		goto out_err;
	}
	if (!error && !strncmp(tdir, from, flen) &&
	    (tdir[flen] == '/' || !tdir[flen]))
		error = -EINVAL;
	if (!error)
		error = pmf_path_lookup(fs, fdir, &sdino);
	if (!error)
		error = libxfs_iget(mp, NULL, sdino, 0, &sdp);
	if (error)
		goto out;
	from_name.name = (const unsigned char *)fname;
	from_name.len = strlen(fname);
	from_name.type = to_name.type;
	src.dp = sdp;
	src.name = &from_name;
	src.ip = ip;
	error = pmf_dir_update(mp, &src, &tgt);
out_err:
	if (error < 0)
		pmf_seterr(fs, error, "cannot move %s back to %s: %s", from,
				to, strerror(-error));
out:
	if (ip)
		libxfs_irele(ip);
	if (tdp)
		libxfs_irele(tdp);
	if (sdp)
		libxfs_irele(sdp);
	free(fdir);
	free(tdir);
	return error;
}
