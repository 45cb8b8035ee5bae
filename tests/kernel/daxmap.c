// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (c) 2026 The pmemfail authors.
 *
 * daxmap: the processes of tests/t/kernel-dax.sh, run in the QEMU guest
 * (linked statically: the guest has no libc of its own).
 *
 *   daxmap map LABEL FILE [PGOFF NPAGES]
 *	map the file (or NPAGES pages from page PGOFF) MAP_SHARED, read every
 *	page, then read them all again every 50ms until killed;
 *   daxmap open LABEL FILE
 *	keep the file open and pread() its first page every 50ms, no mapping;
 *   daxmap poison LABEL FILE PGOFF
 *	map page PGOFF of the file, read it and madvise(MADV_HWPOISON) it, as
 *	fstests xfs/550 does: memory_failure() on a DAX page of the file;
 *   daxmap dax FILE
 *	print "dax 1" if statx says the file is accessed with DAX, else "dax 0";
 *   daxmap cold LABEL DIR N
 *	over and over, open DIR/cK (K < N), map its first page, fault it in
 *	and close the file, keeping the last N/2 mappings: files that go cold
 *	(evicted) are opened, mapped and faulted again all the time.  Open
 *	and mmap failures (a shut-down filesystem) are retried, and so is a
 *	fault that gets SIGBUS.  On SIGUSR1, read every mapping kept: one
 *	that survived reads fine, one that was revoked faults and gets
 *	SIGBUS; print "survived N revoked M" and exit 3.  A SIGBUS sent by
 *	the kernel (a kill, not a fault of ours) ends it as in "map".
 *
 * Every line starts with "daxmap LABEL pid PID:".  On SIGBUS a process
 * prints the signal's si_code and the page of the mapping it hit, then
 * exits with status 42, so the job can tell who was killed and why.  Lines
 * also go to the file named by $DAXMAP_LOG, if set: the serial console
 * mixes kernel messages into lines, a file does not.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#ifndef STATX_ATTR_DAX
#define STATX_ATTR_DAX		0x00200000
#endif
#ifndef MADV_HWPOISON
#define MADV_HWPOISON		100
#endif

static const char	*label = "?";
static volatile sig_atomic_t	check_requested;
/* daxmap cold: a SIGBUS while touching a page jumps back to the toucher. */
static sigjmp_buf		touch_env;
static volatile sig_atomic_t	touching;
static int		logfd = -1;	/* $DAXMAP_LOG */
static char		*base;
static long		pagesize;

static const char *
code_name(
	int		code)
{
	switch (code) {
	case BUS_MCEERR_AR:
		return "BUS_MCEERR_AR";
	case BUS_MCEERR_AO:
		return "BUS_MCEERR_AO";
	case BUS_ADRERR:
		return "BUS_ADRERR";
	case BUS_OBJERR:
		return "BUS_OBJERR";
	default:
		return "other";
	}
}

/* Only async-signal-safe calls in here. */
static void
sigbus(
	int		sig,
	siginfo_t	*si,
	void		*uc)
{
	char		buf[160];
	int		n;

	(void)sig;
	(void)uc;
	if (touching)
		siglongjmp(touch_env, 1);
	n = snprintf(buf, sizeof(buf),
		"daxmap %s pid %d: SIGBUS %s page %ld\n", label, getpid(),
		code_name(si->si_code),
		base ? (long)(((char *)si->si_addr - base) / pagesize) : -1L);
	if (write(1, buf, n) < 0)
		_exit(43);
	if (logfd >= 0 && write(logfd, buf, n) < 0)
		_exit(43);
	_exit(42);
}

/*
 * One write() per line: the console is shared with other mappers and the
 * kernel, and a line written in pieces comes back interleaved.
 */
static void
say(
	const char	*fmt,
	const char	*arg)
{
	char		msg[160];
	char		buf[256];
	int		n;

	snprintf(msg, sizeof(msg), fmt, arg);
	n = snprintf(buf, sizeof(buf), "daxmap %s pid %d: %s\n", label,
			getpid(), msg);
	fflush(stdout);
	if (write(1, buf, n) < 0)
		exit(1);
	if (logfd >= 0 && write(logfd, buf, n) < 0)
		exit(1);
}

static void
nap(void)
{
	struct timespec	ts = { 0, 50 * 1000 * 1000 };

	nanosleep(&ts, NULL);
}

static int
open_file(
	const char	*path,
	off_t		*size)
{
	struct stat	st;
	int		fd = open(path, O_RDWR);

	if (fd < 0 || fstat(fd, &st) < 0) {
		say("cannot open %s", path);
		exit(1);
	}
	*size = st.st_size;
	return fd;
}

static char *
map_pages(
	int		fd,
	long		pgoff,
	long		npages)
{
	char		*p = mmap(NULL, npages * pagesize, PROT_READ | PROT_WRITE,
				  MAP_SHARED, fd, pgoff * pagesize);

	if (p == MAP_FAILED) {
		say("mmap failed: %s", strerror(errno));
		exit(1);
	}
	return p;
}

static unsigned int
read_pages(
	long		npages)
{
	unsigned int	sum = 0;
	long		i;

	for (i = 0; i < npages; i++)
		sum += ((volatile char *)base)[i * pagesize];
	return sum;
}

static void __attribute__((noreturn))
do_map(
	const char	*path,
	long		pgoff,
	long		npages)
{
	off_t		size;
	int		fd = open_file(path, &size);

	if (npages <= 0)
		npages = (size + pagesize - 1) / pagesize - pgoff;
	base = map_pages(fd, pgoff, npages);
	read_pages(npages);
	say("mapped %s", path);
	for (;;) {
		read_pages(npages);
		nap();
	}
}

static void __attribute__((noreturn))
do_open(
	const char	*path)
{
	char		buf[512];
	off_t		size;
	int		fd = open_file(path, &size);

	say("opened %s", path);
	for (;;) {
		/* After a shutdown this fails with EIO; we only must live. */
		if (pread(fd, buf, sizeof(buf), 0) < 0)
			nap();
		nap();
	}
}

static int
do_poison(
	const char	*path,
	long		pgoff)
{
	off_t		size;
	int		fd = open_file(path, &size);

	base = map_pages(fd, pgoff, 1);
	read_pages(1);
	if (madvise(base, pagesize, MADV_HWPOISON) < 0) {
		say("madvise(MADV_HWPOISON) failed: %s", strerror(errno));
		return 1;
	}
	say("poisoned %s", path);
	return 0;
}

static void
request_check(
	int		sig)
{
	(void)sig;
	check_requested = 1;
}

/* daxmap cold: see the top of the file. */
/* Read a byte of @p; false if that got SIGBUS. */
static bool
touch(
	char		*p)
{
	if (sigsetjmp(touch_env, 1)) {
		touching = 0;
		return false;
	}
	touching = 1;
	(void)((volatile char *)p)[0];
	touching = 0;
	return true;
}

static void __attribute__((noreturn))
do_cold(
	const char	*dir,
	long		nfiles)
{
	long		keep = nfiles / 2 > 0 ? nfiles / 2 : 1;
	char		**maps = calloc(keep, sizeof(*maps));
	char		path[4096], num[64];
	long		k = 0, slot = 0, i, alive = 0, gone = 0;

	if (!maps)
		exit(1);
	signal(SIGUSR1, request_check);
	say("cycling %s", dir);
	while (!check_requested) {
		int	fd;
		char	*p;

		snprintf(path, sizeof(path), "%s/c%ld", dir, k);
		k = (k + 1) % nfiles;
		fd = open(path, O_RDONLY);
		if (fd < 0) {
			nap();
			continue;
		}
		p = mmap(NULL, pagesize, PROT_READ, MAP_SHARED, fd, 0);
		close(fd);
		if (p == MAP_FAILED) {
			nap();
			continue;
		}
		if (!touch(p)) {
			munmap(p, pagesize);
			nap();
			continue;
		}
		if (maps[slot])
			munmap(maps[slot], pagesize);
		maps[slot] = p;
		slot = (slot + 1) % keep;
	}
	for (i = 0; i < keep; i++) {
		if (!maps[i])
			continue;
		if (touch(maps[i]))
			alive++;
		else
			gone++;
	}
	snprintf(num, sizeof(num), "%ld revoked %ld", alive, gone);
	say("survived %s", num);
	exit(3);
}

static int
do_dax(
	const char	*path)
{
	struct statx	stx;

	if (statx(AT_FDCWD, path, 0, STATX_BASIC_STATS, &stx) < 0) {
		perror(path);
		return 1;
	}
	printf("dax %d\n", (stx.stx_attributes_mask & STATX_ATTR_DAX) &&
			   (stx.stx_attributes & STATX_ATTR_DAX));
	return 0;
}

int
main(
	int		argc,
	char		**argv)
{
	struct sigaction sa = { .sa_sigaction = sigbus, .sa_flags = SA_SIGINFO };

	pagesize = sysconf(_SC_PAGESIZE);
	setvbuf(stdout, NULL, _IONBF, 0);
	if (argc == 3 && !strcmp(argv[1], "dax"))
		return do_dax(argv[2]);
	if (argc < 4)
		goto usage;
	label = argv[2];
	if (getenv("DAXMAP_LOG"))
		logfd = open(getenv("DAXMAP_LOG"),
			     O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	sigaction(SIGBUS, &sa, NULL);
	if (!strcmp(argv[1], "map") && (argc == 4 || argc == 6))
		do_map(argv[3], argc == 6 ? atol(argv[4]) : 0,
			      argc == 6 ? atol(argv[5]) : 0);
	if (!strcmp(argv[1], "open") && argc == 4)
		do_open(argv[3]);
	if (!strcmp(argv[1], "poison") && argc == 5)
		return do_poison(argv[3], atol(argv[4]));
	if (!strcmp(argv[1], "cold") && argc == 5 && atol(argv[4]) > 0)
		do_cold(argv[3], atol(argv[4]));
usage:
	fprintf(stderr,
"usage: daxmap map|open|poison LABEL FILE [PGOFF [NPAGES]] | daxmap cold LABEL DIR N | daxmap dax FILE\n");
	return 2;
}
