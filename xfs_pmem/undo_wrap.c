// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Copyright (c) 2026 The pmemfail authors.
 *
 * The undo log of xfs_pmem repair, in the spirit of e2fsprogs' undo files:
 * before any write reaches one of the filesystem's devices, the bytes it
 * overwrites are appended to the undo file and made durable.  Replaying
 * the records newest first puts every byte back, however far the repair
 * got before it was stopped.
 *
 * The writes come from two kinds of process: xfs_pmem's own libxfs
 * transactions and xfsprogs' xfs_repair.  Neither knows about undo, so
 * the write calls themselves are intercepted -- by the linker's --wrap in
 * xfs_pmem, and by LD_PRELOAD of libpmemfail-undo.so in xfs_repair.  This
 * one file is both: PMF_UNDO_PRELOAD selects the interposer's names.
 *
 * The environment arms it: PMF_UNDO_FILE names the undo file, and
 * PMF_UNDO_DEVICES the devices (colon-separated paths) whose writes are
 * recorded.  PMF_UNDO_KILL_AFTER=N kills the process with SIGKILL just
 * before its N+1th recorded write reaches the device, after the undo
 * record is durable: the tests' way to interrupt a repair anywhere.
 *
 * The file's layout is in pmf_undo.h; xfs_pmem writes its header, with
 * the devices in the order of PMF_UNDO_DEVICES, before arming this.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/falloc.h>
#include <linux/fs.h>
#include <pthread.h>
#include <stdarg.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>
#include "pmf_undo.h"

struct pmf_undo_state {
	bool		init;
	bool		armed;
	int		fd;			/* the undo file */
	unsigned int	ndev;
	char		*path[PMF_UNDO_MAXDEV];
	dev_t		st_dev[PMF_UNDO_MAXDEV];
	ino_t		st_ino[PMF_UNDO_MAXDEV];
	dev_t		st_rdev[PMF_UNDO_MAXDEV];
	long		kill_after;		/* -1: never */
	long		writes;
};

static struct pmf_undo_state undo = { .fd = -1, .kill_after = -1 };

/*
 * xfs_repair writes from several threads.  A record and the write it
 * guards go together, one pair at a time, so that the newest record of a
 * block is always the one its last write overwrote.
 */
static pthread_mutex_t undo_lock = PTHREAD_MUTEX_INITIALIZER;

#ifdef PMF_UNDO_PRELOAD
typedef ssize_t (*pwrite_fn)(int, const void *, size_t, off_t);
typedef ssize_t (*pwritev_fn)(int, const struct iovec *, int, off_t);
typedef int (*fallocate_fn)(int, int, off_t, off_t);
typedef int (*ioctl_fn)(int, unsigned long, void *);

static int
real_fallocate(int fd, int mode, off_t off, off_t len)
{
	static fallocate_fn	fn;

	if (!fn)
		fn = (fallocate_fn)dlsym(RTLD_NEXT, "fallocate64");
	return fn(fd, mode, off, len);
}

static int
real_ioctl(int fd, unsigned long req, void *arg)
{
	static ioctl_fn		fn;

	if (!fn)
		fn = (ioctl_fn)dlsym(RTLD_NEXT, "ioctl");
	return fn(fd, req, arg);
}

static ssize_t
real_pwrite(int fd, const void *buf, size_t len, off_t off)
{
	static pwrite_fn	fn;

	if (!fn)
		fn = (pwrite_fn)dlsym(RTLD_NEXT, "pwrite64");
	return fn(fd, buf, len, off);
}

static ssize_t
real_pwritev(int fd, const struct iovec *iov, int cnt, off_t off)
{
	static pwritev_fn	fn;

	if (!fn)
		fn = (pwritev_fn)dlsym(RTLD_NEXT, "pwritev64");
	return fn(fd, iov, cnt, off);
}
#else
ssize_t __real_pwrite64(int fd, const void *buf, size_t len, off_t off);
ssize_t __real_pwritev64(int fd, const struct iovec *iov, int cnt, off_t off);
#define real_pwrite	__real_pwrite64
#define real_pwritev	__real_pwritev64
#endif

static void
pmf_undo_fatal(
	const char	*what)
{
	/* A write we cannot undo must not happen. */
	fprintf(stderr, "pmemfail undo: %s: %s; stopping before the write\n",
			what, strerror(errno));
	_exit(8);
}

static void
pmf_undo_setup(void)
{
	const char	*file = getenv(PMF_UNDO_ENV_FILE);
	const char	*devs = getenv(PMF_UNDO_ENV_DEVICES);
	const char	*kill = getenv(PMF_UNDO_ENV_KILL);
	char		*list, *tok, *save = NULL;

	undo.init = true;
	if (!file || !devs)
		return;
	undo.fd = open(file, O_WRONLY | O_APPEND | O_CLOEXEC);
	if (undo.fd < 0)
		pmf_undo_fatal(file);
	list = strdup(devs);
	if (!list)
		pmf_undo_fatal("out of memory");
	for (tok = strtok_r(list, ":", &save); tok && undo.ndev < PMF_UNDO_MAXDEV;
	     tok = strtok_r(NULL, ":", &save)) {
		struct stat	st;

		if (stat(tok, &st) < 0)
			pmf_undo_fatal(tok);
		undo.path[undo.ndev] = strdup(tok);
		undo.st_dev[undo.ndev] = st.st_dev;
		undo.st_ino[undo.ndev] = st.st_ino;
		undo.st_rdev[undo.ndev] = S_ISBLK(st.st_mode) ? st.st_rdev : 0;
		undo.ndev++;
	}
	free(list);
	if (kill)
		undo.kill_after = strtol(kill, NULL, 0);
	undo.armed = true;
}

/* Which of the filesystem's devices is @fd, if any? */
static int
pmf_undo_device(
	int		fd)
{
	struct stat	st;

	if (fstat(fd, &st) < 0)
		return -1;
	for (unsigned int i = 0; i < undo.ndev; i++) {
		if (S_ISBLK(st.st_mode) && undo.st_rdev[i] == st.st_rdev)
			return i;
		if (st.st_dev == undo.st_dev[i] && st.st_ino == undo.st_ino[i])
			return i;
	}
	return -1;
}

/* Append the bytes [off, off + len) of @fd hold now, and make them durable. */
static void
pmf_undo_record(
	int			fd,
	int			dev,
	uint64_t		off,
	size_t			len)
{
	struct pmf_undo_rec	rec = {
		.magic	= PMF_UNDO_REC_MAGIC,
		.dev	= dev,
		.len	= len,
		.off	= off,
	};
	unsigned char		*old;
	ssize_t			got;
	struct iovec		iov[2];

	if (posix_memalign((void **)&old, 4096, len ? len : 1))
		pmf_undo_fatal("out of memory");
	/* Past the end of an image file there is nothing to put back. */
	got = pread(fd, old, len, off);
	if (got < 0) {
		/* O_DIRECT wants alignment; the device path does not. */
		int	rfd = open(undo.path[dev], O_RDONLY);

		if (rfd < 0)
			pmf_undo_fatal(undo.path[dev]);
		got = pread(rfd, old, len, off);
		close(rfd);
		if (got < 0)
			pmf_undo_fatal("reading the old contents");
	}
	/* Past the end of an image, undo truncates back to the old size. */
	if ((size_t)got < len)
		memset(old + got, 0, len - got);
	rec.crc = pmf_undo_crc(0, old, len);
	iov[0].iov_base = &rec;
	iov[0].iov_len = sizeof(rec);
	iov[1].iov_base = old;
	iov[1].iov_len = len;
	if (writev(undo.fd, iov, 2) != (ssize_t)(sizeof(rec) + len))
		pmf_undo_fatal("writing the undo file");
	if (fdatasync(undo.fd) < 0)
		pmf_undo_fatal("syncing the undo file");
	free(old);
	if (undo.kill_after >= 0 && ++undo.writes > undo.kill_after)
		kill(getpid(), SIGKILL);
}

static void
pmf_undo_before(
	int		fd,
	uint64_t	off,
	size_t		len)
{
	int		dev;

	if (!undo.init)
		pmf_undo_setup();
	if (!undo.armed)
		return;
	dev = pmf_undo_device(fd);
	if (dev >= 0)
		pmf_undo_record(fd, dev, off, len);
}

#ifdef PMF_UNDO_PRELOAD
#define PMF_WRAP(name)	name
#else
#define PMF_WRAP(name)	__wrap_##name
#endif

ssize_t
PMF_WRAP(pwrite64)(
	int		fd,
	const void	*buf,
	size_t		len,
	off_t		off)
{
	ssize_t		ret;

	pthread_mutex_lock(&undo_lock);
	pmf_undo_before(fd, off, len);
	ret = real_pwrite(fd, buf, len, off);
	pthread_mutex_unlock(&undo_lock);
	return ret;
}

ssize_t
PMF_WRAP(pwrite)(
	int		fd,
	const void	*buf,
	size_t		len,
	off_t		off)
{
	return PMF_WRAP(pwrite64)(fd, buf, len, off);
}

ssize_t
PMF_WRAP(pwritev64)(
	int			fd,
	const struct iovec	*iov,
	int			cnt,
	off_t			off)
{
	size_t			len = 0;
	ssize_t			ret;

	for (int i = 0; i < cnt; i++)
		len += iov[i].iov_len;
	pthread_mutex_lock(&undo_lock);
	pmf_undo_before(fd, off, len);
	ret = real_pwritev(fd, iov, cnt, off);
	pthread_mutex_unlock(&undo_lock);
	return ret;
}

ssize_t
PMF_WRAP(pwritev)(
	int			fd,
	const struct iovec	*iov,
	int			cnt,
	off_t			off)
{
	return PMF_WRAP(pwritev64)(fd, iov, cnt, off);
}

#ifdef PMF_UNDO_PRELOAD
/*
 * xfs_repair -L zeroes the log with fallocate(ZERO_RANGE) on an image, and
 * with BLKZEROOUT or BLKDISCARD on a block device: those overwrite too.
 */
int
fallocate64(
	int		fd,
	int		mode,
	off_t		off,
	off_t		len)
{
	int		ret;

	pthread_mutex_lock(&undo_lock);
	if ((mode & (FALLOC_FL_PUNCH_HOLE | FALLOC_FL_ZERO_RANGE)) && len > 0)
		pmf_undo_before(fd, off, len);
	ret = real_fallocate(fd, mode, off, len);
	pthread_mutex_unlock(&undo_lock);
	return ret;
}

int
fallocate(
	int		fd,
	int		mode,
	off_t		off,
	off_t		len)
{
	return fallocate64(fd, mode, off, len);
}

int
ioctl(
	int		fd,
	unsigned long	req,
	...)
{
	va_list		ap;
	void		*arg;
	int		ret;

	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (req != BLKZEROOUT && req != BLKDISCARD)
		return real_ioctl(fd, req, arg);
	pthread_mutex_lock(&undo_lock);
	pmf_undo_before(fd, ((uint64_t *)arg)[0], ((uint64_t *)arg)[1]);
	ret = real_ioctl(fd, req, arg);
	pthread_mutex_unlock(&undo_lock);
	return ret;
}
#endif
