// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (c) 2026 The pmemfail authors.
 *
 * Fuzz target: one mutated filesystem per process, through libpmemfail.
 *
 * Usage: pmf_fuzz KITDIR INPUT
 *
 * KITDIR (tests/fuzz/mkkit) holds tiny real XFS images made by mkfs.xfs
 * and filled through a loop mount (tN.data, tN.log for an external log)
 * and, for each, the map of its metadata (tN.map): every non-zero sector
 * of the image, trailing zeros cut (file data in the templates is all
 * zeros, so what is left is metadata: AG headers, btree blocks, inodes,
 * directory and parent pointer blocks, the log around its head).
 *
 * INPUT is one mode byte and then a "slice": the bytes of those regions,
 * in map order.  The harness lays the slice over the template (a memfd
 * made once, before the fork server starts, so nothing touches the disk;
 * every input first puts back the template's own bytes of every block the
 * slice touches, so what one input or its CRC fixes left there cannot
 * reach the next, even after a crash), recomputes the CRCs of the
 * blocks it recognises by their magic (else libxfs's verifiers would turn
 * nearly every mutation away at the first block), and runs a whole-device
 * query with paths, as `xfs_pmem simulate --whole` does.
 *
 * libxfs 6.13 can be started once per process (see pmf_mount()), so every
 * input gets a fresh process: run under afl-fuzz, the fork server forks a
 * child per input after the templates are loaded (__AFL_INIT, deferred
 * mode, not persistent mode).
 *
 * The mode byte:
 *   bit 0	template 0 (parent pointers, internal log) or 1 (external log,
 *		no parent pointers: paths by directory walk)
 *   bit 1	PMF_QUERY_SCAN (the inode scan engine instead of rmapbt)
 *   bit 2	verify: opened with PMF_OPEN_DAMAGED, pmf_check_impact() on
 *		every record, pmf_check_ag() on every AG
 *   bit 3	PMF_QUERY_BEST_EFFORT
 *   bit 4	query the log device too
 *   bits 5,6	both set: leave the CRCs as mutated
 *   bit 7	no paths
 *
 * Exit 0 whether the filesystem was accepted or refused; a refusal
 * without a message, a crash or a sanitizer report is a finding.
 */
#include "pmf_priv.h"
#include <sys/mman.h>

#define FZ_MAX_TEMPLATES	2
#define FZ_MAX_INPUT		(1U << 20)

enum {
	FZ_TEMPLATE	= 1U << 0,
	FZ_SCAN		= 1U << 1,
	FZ_VERIFY	= 1U << 2,
	FZ_BEST_EFFORT	= 1U << 3,
	FZ_LOG		= 1U << 4,
	FZ_NOCRC	= 3U << 5,
	FZ_NOPATHS	= 1U << 7,
};

struct fz_region {
	int		dev;		/* 0 data, 1 log */
	uint64_t	off;
	uint32_t	len;
};

/* Whole blocks around regions, merged, with the template's bytes. */
struct fz_span {
	int		dev;
	uint64_t	off;
	uint64_t	len;
	char		*pristine;
};

/* Where the template has data: holes stay holes in the copy. */
struct fz_extent {
	uint64_t	off;
	uint64_t	len;
	char		*buf;
};

struct fz_image {
	uint64_t	size;
	unsigned int	next;
	struct fz_extent *ext;
	int		fd;		/* the template, in a memfd */
};

struct fz_template {
	bool		present;
	bool		has_log;
	struct fz_image	img[2];		/* data, log */
	unsigned int	nregions;
	struct fz_region *regions;
	unsigned int	nspans;
	struct fz_span	*spans;
	uint32_t	blocksize;
	uint32_t	sectsize;
	uint32_t	inodesize;
	uint64_t	agbytes;
	uint64_t	logstart;	/* internal log, bytes, else 0 */
	uint64_t	logend;
};

static struct fz_template templates[FZ_MAX_TEMPLATES];

static void __attribute__((noreturn, format(printf, 1, 2)))
fz_die(
	const char	*fmt,
	...)
{
	va_list		ap;

	fprintf(stderr, "pmf_fuzz: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

/* Keep the non-hole parts of a template image in memory. */
static void
fz_load_image(
	const char	*path,
	struct fz_image	*img)
{
	struct stat	st;
	off_t		data, hole = 0;
	int		fd;

	fd = open(path, O_RDONLY);
	if (fd < 0 || fstat(fd, &st) < 0)
		fz_die("%s: %s", path, strerror(errno));
	img->size = st.st_size;
	while ((data = lseek(fd, hole, SEEK_DATA)) >= 0) {
		struct fz_extent *e;

		hole = lseek(fd, data, SEEK_HOLE);
		if (hole < 0)
			fz_die("%s: %s", path, strerror(errno));
		img->ext = realloc(img->ext, (img->next + 1) * sizeof(*e));
		if (!img->ext)
			fz_die("out of memory");
		e = &img->ext[img->next++];
		e->off = data;
		e->len = hole - data;
		e->buf = malloc(e->len);
		if (!e->buf || pread(fd, e->buf, e->len, data) != (ssize_t)e->len)
			fz_die("%s: cannot read %llu bytes", path,
			       (unsigned long long)e->len);
	}
	close(fd);
}

static void
fz_load_map(
	const char		*path,
	struct fz_template	*t)
{
	unsigned long long	off;
	unsigned int		len;
	char			line[128];
	int			dev;
	FILE			*f;

	f = fopen(path, "r");
	if (!f)
		fz_die("%s: %s", path, strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		if (line[0] == '#')
			continue;
		if (sscanf(line, "%d %llu %u", &dev, &off, &len) != 3 ||
		    dev < 0 || dev > 1 || len == 0)
			fz_die("%s: bad line '%s'", path, line);
		t->regions = realloc(t->regions,
				(t->nregions + 1) * sizeof(*t->regions));
		if (!t->regions)
			fz_die("out of memory");
		t->regions[t->nregions++] = (struct fz_region){
			.dev = dev, .off = off, .len = len };
	}
	fclose(f);
}

/*
 * The template image in a memfd, made once before the fork server starts:
 * writing megabytes of log and headers per input was most of an input's
 * time.  Its extents are not needed after that.
 */
static void
fz_base_image(
	struct fz_image		*img,
	int			dev)
{
	img->fd = memfd_create(dev ? "pmf-fuzz-log" : "pmf-fuzz-data", 0);
	if (img->fd < 0 || ftruncate(img->fd, img->size) < 0)
		fz_die("memfd: %s", strerror(errno));
	for (unsigned int i = 0; i < img->next; i++) {
		if (pwrite(img->fd, img->ext[i].buf, img->ext[i].len,
			   img->ext[i].off) != (ssize_t)img->ext[i].len)
			fz_die("memfd write: %s", strerror(errno));
		free(img->ext[i].buf);
	}
	free(img->ext);
	img->ext = NULL;
	img->next = 0;
}

/*
 * Keep the template's bytes of the whole blocks around the regions (map
 * order is by device and offset): the CRC fixes rewrite whole blocks, so
 * that is what an input may change.
 */
static void
fz_save_pristine(
	struct fz_template	*t)
{
	struct fz_span		*sp = NULL;

	for (unsigned int i = 0; i < t->nregions; i++) {
		const struct fz_region *r = &t->regions[i];
		uint64_t	start = r->off - r->off % t->blocksize;
		uint64_t	end = r->off + r->len;

		if (r->dev == 1 && !t->has_log)
			continue;
		end = (end + t->blocksize - 1) / t->blocksize * t->blocksize;
		if (end > t->img[r->dev].size)
			end = t->img[r->dev].size;
		if (sp && sp->dev == r->dev && start >= sp->off &&
		    start <= sp->off + sp->len) {
			if (end > sp->off + sp->len)
				sp->len = end - sp->off;
			continue;
		}
		t->spans = realloc(t->spans, (t->nspans + 1) * sizeof(*sp));
		if (!t->spans)
			fz_die("out of memory");
		sp = &t->spans[t->nspans++];
		*sp = (struct fz_span){ .dev = r->dev, .off = start,
					.len = end - start };
	}
	for (unsigned int i = 0; i < t->nspans; i++) {
		sp = &t->spans[i];
		sp->pristine = malloc(sp->len);
		if (!sp->pristine ||
		    pread(t->img[sp->dev].fd, sp->pristine, sp->len, sp->off) !=
				(ssize_t)sp->len)
			fz_die("t%d: cannot keep the blocks at %llu",
			       (int)(t - templates), (unsigned long long)sp->off);
	}
}

static void
fz_load_template(
	const char		*kit,
	int			n)
{
	struct fz_template	*t = &templates[n];
	struct xfs_dsb		*dsb;
	char			path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/t%d.data", kit, n);
	if (access(path, R_OK) < 0)
		return;
	t->present = true;
	fz_load_image(path, &t->img[0]);
	snprintf(path, sizeof(path), "%s/t%d.log", kit, n);
	if (access(path, R_OK) == 0) {
		t->has_log = true;
		fz_load_image(path, &t->img[1]);
	}
	snprintf(path, sizeof(path), "%s/t%d.map", kit, n);
	fz_load_map(path, t);

	if (!t->img[0].next || t->img[0].ext[0].off != 0 ||
	    t->img[0].ext[0].len < sizeof(*dsb))
		fz_die("t%d.data has no superblock", n);
	dsb = (struct xfs_dsb *)t->img[0].ext[0].buf;
	t->blocksize = be32_to_cpu(dsb->sb_blocksize);
	t->sectsize = be16_to_cpu(dsb->sb_sectsize);
	t->inodesize = be16_to_cpu(dsb->sb_inodesize);
	t->agbytes = (uint64_t)be32_to_cpu(dsb->sb_agblocks) * t->blocksize;
	if (dsb->sb_logstart) {
		t->logstart = be64_to_cpu(dsb->sb_logstart) * t->blocksize;
		t->logend = t->logstart +
			    (uint64_t)be32_to_cpu(dsb->sb_logblocks) * t->blocksize;
	}
	if (!t->blocksize || !t->sectsize || !t->inodesize || !t->agbytes)
		fz_die("t%d.data: bad template superblock", n);
	fz_base_image(&t->img[0], 0);
	if (t->has_log)
		fz_base_image(&t->img[1], 1);
	fz_save_pristine(t);
}

/* The template with the slice laid over it: the fd of its shared memfd. */
static int
fz_make_image(
	const struct fz_template *t,
	int			dev,
	const unsigned char	*slice,
	size_t			slen)
{
	int			fd = t->img[dev].fd;
	size_t			pos = 0;

	for (unsigned int i = 0; i < t->nspans; i++) {
		const struct fz_span *sp = &t->spans[i];

		if (sp->dev == dev &&
		    pwrite(fd, sp->pristine, sp->len, sp->off) != (ssize_t)sp->len)
			fz_die("memfd write: %s", strerror(errno));
	}
	for (unsigned int i = 0; i < t->nregions && pos < slen; i++) {
		const struct fz_region *r = &t->regions[i];
		size_t		n = r->len < slen - pos ? r->len : slen - pos;

		if (r->dev == dev &&
		    pwrite(fd, slice + pos, n, r->off) != (ssize_t)n)
			fz_die("memfd write: %s", strerror(errno));
		pos += n;
	}
	fd = dup(fd);
	if (fd < 0)
		fz_die("dup: %s", strerror(errno));
	return fd;
}

static void
fz_cksum(
	char		*buf,
	size_t		len,
	unsigned long	off)
{
	xfs_update_cksum(buf, len, off);
}

/* Inode slots of a block: every v3 inode gets its CRC back. */
static void
fz_fix_inodes(
	const struct fz_template *t,
	char			*blk)
{
	for (uint32_t o = 0; o + t->inodesize <= t->blocksize; o += t->inodesize) {
		struct xfs_dinode *dip = (struct xfs_dinode *)(blk + o);

		if (dip->di_magic == cpu_to_be16(XFS_DINODE_MAGIC) &&
		    dip->di_version == 3)
			fz_cksum(blk + o, t->inodesize, XFS_DINODE_CRC_OFF);
	}
}

/*
 * Recompute the CRC of a metadata block, chosen by its magic, as the
 * kernel would have written it; an unknown magic (mutated, or data) is
 * left as it is.
 */
static void
fz_fix_block(
	const struct fz_template *t,
	char			*blk,
	bool			ag_start)
{
	__be32			magic = *(__be32 *)blk;
	__be16			magic16 = *(__be16 *)(blk + 8);
	uint32_t		bs = t->blocksize;

	if (ag_start) {
		/* sb, AGF, AGI, AGFL: one sector each. */
		for (int s = 0; s < 4 && (s + 1) * t->sectsize <= bs; s++) {
			char	*sec = blk + s * t->sectsize;
			__be32	m = *(__be32 *)sec;

			if (m == cpu_to_be32(XFS_SB_MAGIC))
				fz_cksum(sec, t->sectsize, XFS_SB_CRC_OFF);
			else if (m == cpu_to_be32(XFS_AGF_MAGIC))
				fz_cksum(sec, t->sectsize, XFS_AGF_CRC_OFF);
			else if (m == cpu_to_be32(XFS_AGI_MAGIC))
				fz_cksum(sec, t->sectsize, XFS_AGI_CRC_OFF);
			else if (m == cpu_to_be32(XFS_AGFL_MAGIC))
				fz_cksum(sec, t->sectsize, XFS_AGFL_CRC_OFF);
		}
		return;
	}
	if (magic == cpu_to_be32(XFS_ABTB_CRC_MAGIC) ||
	    magic == cpu_to_be32(XFS_ABTC_CRC_MAGIC) ||
	    magic == cpu_to_be32(XFS_IBT_CRC_MAGIC) ||
	    magic == cpu_to_be32(XFS_FIBT_CRC_MAGIC) ||
	    magic == cpu_to_be32(XFS_RMAP_CRC_MAGIC) ||
	    magic == cpu_to_be32(XFS_REFC_CRC_MAGIC))
		fz_cksum(blk, bs, XFS_BTREE_SBLOCK_CRC_OFF);
	else if (magic == cpu_to_be32(XFS_BMAP_CRC_MAGIC))
		fz_cksum(blk, bs, XFS_BTREE_LBLOCK_CRC_OFF);
	else if (magic == cpu_to_be32(XFS_DIR3_BLOCK_MAGIC) ||
		 magic == cpu_to_be32(XFS_DIR3_DATA_MAGIC) ||
		 magic == cpu_to_be32(XFS_DIR3_FREE_MAGIC))
		fz_cksum(blk, bs, XFS_DIR3_DATA_CRC_OFF);
	else if (magic == cpu_to_be32(XFS_SYMLINK_MAGIC))
		fz_cksum(blk, bs, offsetof(struct xfs_dsymlink_hdr, sl_crc));
	else if (magic16 == cpu_to_be16(XFS_DIR3_LEAF1_MAGIC) ||
		 magic16 == cpu_to_be16(XFS_DIR3_LEAFN_MAGIC) ||
		 magic16 == cpu_to_be16(XFS_DA3_NODE_MAGIC) ||
		 magic16 == cpu_to_be16(XFS_ATTR3_LEAF_MAGIC))
		fz_cksum(blk, bs, XFS_DIR3_LEAF_CRC_OFF);
	else if (*(__be32 *)blk == cpu_to_be32(XFS_ATTR3_RMT_MAGIC))
		fz_cksum(blk, bs, XFS_ATTR3_RMT_CRC_OFF);
	else
		fz_fix_inodes(t, blk);
}

/* Every data device block the slice touched gets a correct CRC. */
static void
fz_fix_crcs(
	const struct fz_template *t,
	int			fd,
	size_t			slen)
{
	uint64_t		last = UINT64_MAX;
	size_t			pos = 0;
	char			*blk;

	blk = malloc(t->blocksize);
	if (!blk)
		fz_die("out of memory");
	for (unsigned int i = 0; i < t->nregions && pos < slen; i++) {
		const struct fz_region *r = &t->regions[i];
		uint64_t	b = r->off - r->off % t->blocksize;

		pos += r->len;
		/* Log blocks have CRCs of their own, per record, not per block. */
		if (r->dev != 0 || b == last ||
		    (b >= t->logstart && b < t->logend))
			continue;
		last = b;
		if (pread(fd, blk, t->blocksize, b) != (ssize_t)t->blocksize)
			continue;
		fz_fix_block(t, blk, b % t->agbytes == 0);
		if (pwrite(fd, blk, t->blocksize, b) != (ssize_t)t->blocksize)
			fz_die("memfd write: %s", strerror(errno));
	}
	free(blk);
}

struct fz_ctx {
	struct pmf_fs	*fs;
	bool		verify;
	unsigned long	records;
	unsigned long	sum;		/* keeps the reads below live */
};

/* Touch everything an impact points to, so that ASan sees a bad pointer. */
static int
fz_record(
	const struct pmf_impact	*imp,
	void			*priv)
{
	struct fz_ctx		*ctx = priv;

	ctx->records++;
	for (unsigned int i = 0; i < imp->npaths; i++)
		ctx->sum += strlen(imp->paths[i]);
	for (unsigned int i = 0; i < imp->ninodes; i++) {
		ctx->sum += imp->inodes[i].ino;
		for (unsigned int j = 0; j < imp->inodes[i].npaths; j++)
			ctx->sum += strlen(imp->inodes[i].paths[j]);
		if (imp->inodes[i].metafile)
			ctx->sum += strlen(imp->inodes[i].metafile);
	}
	if (imp->metafile)
		ctx->sum += strlen(imp->metafile);
	if (imp->unresolved)
		ctx->sum += strlen(imp->unresolved);
	ctx->sum += strlen(pmf_owner_name(imp->owner));
	ctx->sum += strlen(pmf_consequence_name(imp->consequence));
	if (ctx->verify) {
		struct pmf_check_result	res;
		int			error;

		error = pmf_check_impact(ctx->fs, imp, &res);
		if (error && !pmf_errmsg(ctx->fs)[0]) {
			fprintf(stderr, "pmf_check_impact: %d without a message\n",
				error);
			abort();
		}
		if (!error)
			ctx->sum += strlen(res.detail) +
				    strlen(pmf_check_name(res.check));
	}
	return 0;
}

static int
fz_damage(
	const struct pmf_damage	*d,
	void			*priv)
{
	struct fz_ctx		*ctx = priv;

	ctx->sum += d->daddr + strlen(d->res.detail);
	return 0;
}

/* An error must come with the one line that names what was wrong. */
static void
fz_check_error(
	const char	*what,
	int		error,
	const char	*msg)
{
	if (error >= 0)
		return;
	if (!msg || !msg[0]) {
		fprintf(stderr, "%s failed with %d and no message\n", what, error);
		abort();
	}
	if (getenv("PMF_FUZZ_VERBOSE"))
		fprintf(stderr, "%s: %s\n", what, msg);
}

static void
fz_run(
	const struct fz_template *t,
	unsigned int		mode,
	const unsigned char	*slice,
	size_t			slen)
{
	struct pmf_open_args	args = { 0 };
	struct pmf_geometry	geo;
	struct fz_ctx		ctx = { 0 };
	struct pmf_range	range = { .dev = PMF_DEV_DATA };
	unsigned int		qflags = PMF_QUERY_PATHS;
	char			data[64], log[64];
	int			dfd, lfd = -1, error;

	dfd = fz_make_image(t, 0, slice, slen);
	if ((mode & FZ_NOCRC) != FZ_NOCRC)
		fz_fix_crcs(t, dfd, slen);
	snprintf(data, sizeof(data), "/proc/self/fd/%d", dfd);
	args.data = data;
	if (t->has_log) {
		lfd = fz_make_image(t, 1, slice, slen);
		snprintf(log, sizeof(log), "/proc/self/fd/%d", lfd);
		args.log = log;
	}

	/* As xfs_pmem verify opens: after an event the log may be the loss. */
	if (mode & FZ_VERIFY)
		args.flags |= PMF_OPEN_DAMAGED;
	error = pmf_open(&args, &ctx.fs);
	fz_check_error("pmf_open", error, args.errmsg);
	if (error)
		goto out;
	error = pmf_get_geometry(ctx.fs, &geo);
	fz_check_error("pmf_get_geometry", error, pmf_errmsg(ctx.fs));
	if (error)
		goto out_close;

	if (mode & FZ_SCAN)
		qflags |= PMF_QUERY_SCAN;
	if (mode & FZ_BEST_EFFORT)
		qflags |= PMF_QUERY_BEST_EFFORT;
	if (mode & FZ_NOPATHS)
		qflags &= ~PMF_QUERY_PATHS;
	ctx.verify = mode & FZ_VERIFY;

	range.length = geo.dev[PMF_DEV_DATA].size;
	error = pmf_query(ctx.fs, &range, qflags, fz_record, &ctx);
	fz_check_error("pmf_query data", error, pmf_errmsg(ctx.fs));
	if (mode & FZ_LOG) {
		range.dev = PMF_DEV_LOG;
		range.offset = 0;
		range.length = geo.logblocks * geo.blocksize;
		if (t->has_log)
			range.length = geo.dev[PMF_DEV_LOG].size;
		error = pmf_query(ctx.fs, &range, qflags & ~PMF_QUERY_SCAN,
				fz_record, &ctx);
		fz_check_error("pmf_query log", error, pmf_errmsg(ctx.fs));
	}
	if (ctx.verify) {
		for (uint32_t agno = 0; agno < geo.agcount; agno++) {
			error = pmf_check_ag(ctx.fs, agno, fz_damage, &ctx);
			fz_check_error("pmf_check_ag", error, pmf_errmsg(ctx.fs));
		}
	}
	if (getenv("PMF_FUZZ_VERBOSE"))
		fprintf(stderr, "%lu records\n", ctx.records);
out_close:
	pmf_close(ctx.fs);
out:
	close(dfd);
	if (lfd >= 0)
		close(lfd);
}

int
main(
	int			argc,
	char			**argv)
{
	static unsigned char	input[FZ_MAX_INPUT];
	const struct fz_template *t;
	ssize_t			n;
	int			fd;

	if (argc != 3)
		fz_die("usage: pmf_fuzz KITDIR INPUT");
	progname = "pmf_fuzz";
	for (int i = 0; i < FZ_MAX_TEMPLATES; i++)
		fz_load_template(argv[1], i);
	if (!templates[0].present)
		fz_die("%s/t0.data: no template", argv[1]);

#ifdef __AFL_HAVE_MANUAL_CONTROL
	/* Fork here: the templates are loaded once, libxfs starts per input. */
	__AFL_INIT();
#endif
	fd = open(argv[2], O_RDONLY);
	if (fd < 0)
		fz_die("%s: %s", argv[2], strerror(errno));
	n = read(fd, input, sizeof(input));
	close(fd);
	if (n < 1)
		return 0;
	t = &templates[input[0] & FZ_TEMPLATE];
	if (!t->present)
		t = &templates[0];
	fz_run(t, input[0], input + 1, n - 1);
	return 0;
}
