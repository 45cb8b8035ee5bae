// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Copyright (c) 2026 The pmemfail authors.
 *
 * Create an undo file, and replay one: put back, newest record first,
 * every byte a repair overwrote.  A record is made durable before the write
 * it guards, so a torn last record means that write never happened, and
 * it is skipped.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "pmemfail.h"
#include "pmf_undo.h"

static int
pmf_undo_err(
	char		*errmsg,
	size_t		len,
	int		error,
	const char	*fmt,
	...)
{
	va_list		ap;

	va_start(ap, fmt);
	vsnprintf(errmsg, len, fmt, ap);
	va_end(ap);
	return error;
}

static int
pmf_undo_devsize(
	const char	*path,
	uint64_t	*size)
{
	int		fd = open(path, O_RDONLY);
	off_t		end;

	if (fd < 0)
		return -errno;
	end = lseek(fd, 0, SEEK_END);
	close(fd);
	if (end < 0)
		return -errno;
	*size = end;
	return 0;
}

int
pmf_undo_create(
	const char		*file,
	const char * const	*devs,
	unsigned int		ndev,
	char			*errmsg,
	size_t			len)
{
	struct pmf_undo_hdr	hdr = { .ndev = ndev };
	FILE			*f;
	int			fd;

	if (ndev == 0 || ndev > PMF_UNDO_MAXDEV)
		return pmf_undo_err(errmsg, len, -EINVAL, "bad device count");
	/* Never overwrite an undo file: it may be all that can save data. */
	fd = open(file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return pmf_undo_err(errmsg, len, -errno, "%s: %s", file,
				strerror(errno));
	f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		return pmf_undo_err(errmsg, len, -ENOMEM, "out of memory");
	}
	memcpy(hdr.magic, PMF_UNDO_MAGIC, sizeof(hdr.magic));
	fwrite(&hdr, sizeof(hdr), 1, f);
	for (unsigned int i = 0; i < ndev; i++) {
		uint32_t	plen = strlen(devs[i]);
		uint64_t	size;
		int		error = pmf_undo_devsize(devs[i], &size);

		if (error) {
			fclose(f);
			unlink(file);
			return pmf_undo_err(errmsg, len, error, "%s: %s",
					devs[i], strerror(-error));
		}
		fwrite(&plen, sizeof(plen), 1, f);
		fwrite(devs[i], plen, 1, f);
		fwrite(&size, sizeof(size), 1, f);
	}
	if (fflush(f) || fdatasync(fileno(f)) || ferror(f)) {
		fclose(f);
		unlink(file);
		return pmf_undo_err(errmsg, len, -EIO, "%s: cannot write", file);
	}
	fclose(f);
	return 0;
}

struct pmf_undo_dev {
	char		*path;
	uint64_t	size;
	int		fd;
};

static int
pmf_undo_read_header(
	FILE			*f,
	struct pmf_undo_dev	*devs,
	unsigned int		*ndev,
	char			*errmsg,
	size_t			len)
{
	struct pmf_undo_hdr	hdr;

	if (fread(&hdr, sizeof(hdr), 1, f) != 1 ||
	    memcmp(hdr.magic, PMF_UNDO_MAGIC, sizeof(hdr.magic)) ||
	    hdr.ndev == 0 || hdr.ndev > PMF_UNDO_MAXDEV)
		return pmf_undo_err(errmsg, len, -EINVAL,
				"not a pmemfail undo file");
	for (unsigned int i = 0; i < hdr.ndev; i++) {
		uint32_t	plen;

		if (fread(&plen, sizeof(plen), 1, f) != 1 || plen == 0 ||
		    plen > 4096)
			return pmf_undo_err(errmsg, len, -EINVAL,
					"undo file header is damaged");
		devs[i].path = calloc(1, plen + 1);
		*ndev = i + 1;
		if (!devs[i].path)
			return pmf_undo_err(errmsg, len, -ENOMEM, "out of memory");
		if (fread(devs[i].path, plen, 1, f) != 1 ||
		    fread(&devs[i].size, sizeof(devs[i].size), 1, f) != 1)
			return pmf_undo_err(errmsg, len, -EINVAL,
					"undo file header is damaged");
	}
	return 0;
}

/* Where each whole, intact record starts; a torn last one is dropped. */
static int
pmf_undo_index(
	FILE			*f,
	unsigned int		ndev,
	long			**posp,
	size_t			*nrp,
	char			*errmsg,
	size_t			len)
{
	long			*pos = NULL;
	size_t			nr = 0, cap = 0;
	unsigned char		*buf = NULL;
	size_t			bufsz = 0;
	int			error = 0;

	for (;;) {
		long			at = ftell(f);
		struct pmf_undo_rec	rec;

		if (fread(&rec, sizeof(rec), 1, f) != 1)
			break;
		if (rec.magic != PMF_UNDO_REC_MAGIC || rec.dev >= ndev ||
		    rec.len > (1ULL << 30)) {
			error = pmf_undo_err(errmsg, len, -EINVAL,
					"undo record %zu is damaged", nr);
			break;
		}
		if (rec.len > bufsz) {
			unsigned char	*p = realloc(buf, rec.len);

			if (!p) {
				error = pmf_undo_err(errmsg, len, -ENOMEM,
						"out of memory");
				break;
			}
			buf = p;
			bufsz = rec.len;
		}
		if (fread(buf, 1, rec.len, f) != rec.len ||
		    pmf_undo_crc(0, buf, rec.len) != rec.crc) {
			/* Only the last record may be torn: its write never ran. */
			if (fgetc(f) != EOF)
				error = pmf_undo_err(errmsg, len, -EINVAL,
						"undo record %zu is damaged", nr);
			break;
		}
		if (nr == cap) {
			long	*p = realloc(pos, (cap ? cap * 2 : 64) * sizeof(*p));

			if (!p) {
				error = pmf_undo_err(errmsg, len, -ENOMEM,
						"out of memory");
				break;
			}
			pos = p;
			cap = cap ? cap * 2 : 64;
		}
		pos[nr++] = at;
	}
	free(buf);
	*posp = pos;
	*nrp = nr;
	return error;
}

static int
pmf_undo_apply(
	FILE			*f,
	struct pmf_undo_dev	*devs,
	long			at,
	char			*errmsg,
	size_t			len)
{
	struct pmf_undo_rec	rec;
	unsigned char		*buf;
	int			error = 0;

	if (fseek(f, at, SEEK_SET) || fread(&rec, sizeof(rec), 1, f) != 1)
		return pmf_undo_err(errmsg, len, -EIO, "cannot reread the undo file");
	buf = malloc(rec.len ? rec.len : 1);
	if (!buf)
		return pmf_undo_err(errmsg, len, -ENOMEM, "out of memory");
	if (fread(buf, 1, rec.len, f) != rec.len)
		error = pmf_undo_err(errmsg, len, -EIO, "cannot reread the undo file");
	else if (pwrite(devs[rec.dev].fd, buf, rec.len, rec.off) != (ssize_t)rec.len)
		error = pmf_undo_err(errmsg, len, -EIO, "%s: cannot write at %llu: %s",
				devs[rec.dev].path, (unsigned long long)rec.off,
				strerror(errno));
	free(buf);
	return error;
}

/* Open the devices, which must still be there and no smaller than before. */
static int
pmf_undo_open_devs(
	struct pmf_undo_dev	*devs,
	unsigned int		ndev,
	bool			dry_run,
	char			*errmsg,
	size_t			len)
{
	for (unsigned int i = 0; i < ndev; i++) {
		uint64_t	size;
		int		error = pmf_undo_devsize(devs[i].path, &size);

		if (error)
			return pmf_undo_err(errmsg, len, error, "%s: %s",
					devs[i].path, strerror(-error));
		if (size < devs[i].size)
			return pmf_undo_err(errmsg, len, -EINVAL,
					"%s is smaller than when the undo file was made",
					devs[i].path);
		devs[i].fd = open(devs[i].path, dry_run ? O_RDONLY : O_RDWR);
		if (devs[i].fd < 0)
			return pmf_undo_err(errmsg, len, -errno, "%s: %s",
					devs[i].path, strerror(errno));
	}
	return 0;
}

/* Images the repair made longer go back to their old size. */
static int
pmf_undo_finish_devs(
	struct pmf_undo_dev	*devs,
	unsigned int		ndev,
	char			*errmsg,
	size_t			len)
{
	for (unsigned int i = 0; i < ndev; i++) {
		struct stat	st;

		if (fstat(devs[i].fd, &st) == 0 && S_ISREG(st.st_mode) &&
		    (uint64_t)st.st_size > devs[i].size &&
		    ftruncate(devs[i].fd, devs[i].size) < 0)
			return pmf_undo_err(errmsg, len, -errno, "%s: %s",
					devs[i].path, strerror(errno));
		if (fsync(devs[i].fd) < 0)
			return pmf_undo_err(errmsg, len, -errno, "%s: %s",
					devs[i].path, strerror(errno));
	}
	return 0;
}

int
pmf_undo_replay(
	const char		*file,
	bool			dry_run,
	uint64_t		*nrec,
	char			*errmsg,
	size_t			len)
{
	struct pmf_undo_dev	devs[PMF_UNDO_MAXDEV];
	unsigned int		ndev = 0;
	long			*pos = NULL;
	size_t			nr = 0;
	FILE			*f;
	int			error;

	for (unsigned int i = 0; i < PMF_UNDO_MAXDEV; i++) {
		devs[i].path = NULL;
		devs[i].fd = -1;
	}
	*nrec = 0;
	f = fopen(file, "r");
	if (!f)
		return pmf_undo_err(errmsg, len, -errno, "%s: %s", file,
				strerror(errno));
	error = pmf_undo_read_header(f, devs, &ndev, errmsg, len);
	if (!error)
		error = pmf_undo_index(f, ndev, &pos, &nr, errmsg, len);
	if (!error)
		error = pmf_undo_open_devs(devs, ndev, dry_run, errmsg, len);
	for (size_t i = nr; !error && !dry_run && i-- > 0; )
		error = pmf_undo_apply(f, devs, pos[i], errmsg, len);
	if (!error && !dry_run)
		error = pmf_undo_finish_devs(devs, ndev, errmsg, len);
	if (!error)
		*nrec = nr;
	for (unsigned int i = 0; i < ndev; i++) {
		if (devs[i].fd >= 0)
			close(devs[i].fd);
		free(devs[i].path);
	}
	free(pos);
	fclose(f);
	return error;
}
