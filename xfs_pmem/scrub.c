// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Copyright (c) 2026 The pmemfail authors.
 *
 * Targeted online scrub and repair.  After an event, xfs_scrub would walk
 * every structure of the filesystem; the impact report already says which
 * ones lived in the failed range, so only those go to the kernel's scrub
 * ioctl: per-AG headers and btrees by AG number, per-inode structures by
 * inode number and generation, and last the summary counters, which any
 * rebuild may have changed.
 *
 * The ioctl is XFS_IOC_SCRUB_METADATA, one structure per call: every
 * kernel with online scrub has it (the vectored XFS_IOC_SCRUBV_METADATA
 * of 6.10 and later only batches the same calls), and a per-structure
 * answer is what the report shows.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <xfs/xfs.h>
#include "scrub.h"

static const struct {
	const char	*name;
	bool		per_ag;
	bool		per_inode;
} scrub_types[XFS_SCRUB_TYPE_NR] = {
	[XFS_SCRUB_TYPE_PROBE]		= { "probe" },
	[XFS_SCRUB_TYPE_SB]		= { "sb", true },
	[XFS_SCRUB_TYPE_AGF]		= { "agf", true },
	[XFS_SCRUB_TYPE_AGFL]		= { "agfl", true },
	[XFS_SCRUB_TYPE_AGI]		= { "agi", true },
	[XFS_SCRUB_TYPE_BNOBT]		= { "bnobt", true },
	[XFS_SCRUB_TYPE_CNTBT]		= { "cntbt", true },
	[XFS_SCRUB_TYPE_INOBT]		= { "inobt", true },
	[XFS_SCRUB_TYPE_FINOBT]		= { "finobt", true },
	[XFS_SCRUB_TYPE_RMAPBT]		= { "rmapbt", true },
	[XFS_SCRUB_TYPE_REFCNTBT]	= { "refcountbt", true },
	[XFS_SCRUB_TYPE_INODE]		= { "inode", false, true },
	[XFS_SCRUB_TYPE_BMBTD]		= { "bmapbtd", false, true },
	[XFS_SCRUB_TYPE_BMBTA]		= { "bmapbta", false, true },
	[XFS_SCRUB_TYPE_BMBTC]		= { "bmapbtc", false, true },
	[XFS_SCRUB_TYPE_DIR]		= { "directory", false, true },
	[XFS_SCRUB_TYPE_XATTR]		= { "xattr", false, true },
	[XFS_SCRUB_TYPE_SYMLINK]	= { "symlink", false, true },
	[XFS_SCRUB_TYPE_PARENT]		= { "parent", false, true },
	[XFS_SCRUB_TYPE_RTBITMAP]	= { "rtbitmap" },
	[XFS_SCRUB_TYPE_RTSUM]		= { "rtsummary" },
	[XFS_SCRUB_TYPE_UQUOTA]		= { "usrquota" },
	[XFS_SCRUB_TYPE_GQUOTA]		= { "grpquota" },
	[XFS_SCRUB_TYPE_PQUOTA]		= { "prjquota" },
	[XFS_SCRUB_TYPE_FSCOUNTERS]	= { "fscounters" },
	[XFS_SCRUB_TYPE_QUOTACHECK]	= { "quotacheck" },
	[XFS_SCRUB_TYPE_NLINKS]		= { "nlinks" },
	[XFS_SCRUB_TYPE_HEALTHY]	= { "healthy" },
	[XFS_SCRUB_TYPE_DIRTREE]	= { "dirtree", false, true },
	[XFS_SCRUB_TYPE_METAPATH]	= { "metapath" },
	[XFS_SCRUB_TYPE_RGSUPER]	= { "rgsuper" },
};

const char *
pmf_scrub_type_name(
	uint32_t	type)
{
	if (type >= XFS_SCRUB_TYPE_NR || !scrub_types[type].name)
		return "?";
	return scrub_types[type].name;
}

bool
pmf_scrub_type_per_ag(
	uint32_t	type)
{
	return type < XFS_SCRUB_TYPE_NR && scrub_types[type].per_ag;
}

bool
pmf_scrub_type_per_inode(
	uint32_t	type)
{
	return type < XFS_SCRUB_TYPE_NR && scrub_types[type].per_inode;
}

int
pmf_scrub_set_add(
	struct pmf_scrub_set	*set,
	uint32_t		type,
	uint32_t		agno,
	uint64_t		ino,
	uint32_t		gen)
{
	struct pmf_scrub_target	*t;

	/* An impact report names a btree once per record: keep one. */
	for (size_t i = 0; i < set->nr; i++) {
		t = &set->v[i];
		if (t->type == type && t->agno == agno && t->ino == ino)
			return 0;
	}
	if (set->nr == set->cap) {
		size_t	cap = set->cap ? set->cap * 2 : 16;

		t = realloc(set->v, cap * sizeof(*t));
		if (!t)
			return -ENOMEM;
		set->v = t;
		set->cap = cap;
	}
	set->v[set->nr++] = (struct pmf_scrub_target){
		.type = type, .agno = agno, .ino = ino, .gen = gen,
	};
	return 0;
}

void
pmf_scrub_set_free(
	struct pmf_scrub_set	*set)
{
	free(set->v);
	memset(set, 0, sizeof(*set));
}

/*
 * The order xfs_scrub uses: AG headers before the btrees they root, the
 * space btrees before the inode btrees and rmapbt that cross-reference
 * them, inodes after the AG metadata, an inode's core before its forks,
 * and the summary counters last.
 */
static int
scrub_rank(
	uint32_t	type)
{
	static const uint32_t order[] = {
		XFS_SCRUB_TYPE_SB, XFS_SCRUB_TYPE_AGF, XFS_SCRUB_TYPE_AGFL,
		XFS_SCRUB_TYPE_AGI, XFS_SCRUB_TYPE_BNOBT, XFS_SCRUB_TYPE_CNTBT,
		XFS_SCRUB_TYPE_INOBT, XFS_SCRUB_TYPE_FINOBT,
		XFS_SCRUB_TYPE_RMAPBT, XFS_SCRUB_TYPE_REFCNTBT,
		XFS_SCRUB_TYPE_RTBITMAP, XFS_SCRUB_TYPE_RTSUM,
		XFS_SCRUB_TYPE_INODE, XFS_SCRUB_TYPE_BMBTD,
		XFS_SCRUB_TYPE_BMBTA, XFS_SCRUB_TYPE_BMBTC,
		XFS_SCRUB_TYPE_DIR, XFS_SCRUB_TYPE_XATTR,
		XFS_SCRUB_TYPE_SYMLINK, XFS_SCRUB_TYPE_PARENT,
		XFS_SCRUB_TYPE_UQUOTA, XFS_SCRUB_TYPE_GQUOTA,
		XFS_SCRUB_TYPE_PQUOTA, XFS_SCRUB_TYPE_FSCOUNTERS,
	};

	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		if (order[i] == type)
			return i;
	return sizeof(order) / sizeof(order[0]);
}

/* AG metadata, then the realtime metadata, then inodes, then the totals. */
static int
scrub_group(
	uint32_t	type)
{
	if (pmf_scrub_type_per_ag(type))
		return 0;
	if (type == XFS_SCRUB_TYPE_RTBITMAP || type == XFS_SCRUB_TYPE_RTSUM)
		return 1;
	if (pmf_scrub_type_per_inode(type))
		return 2;
	return 3;
}

static int
scrub_cmp(
	const void			*a,
	const void			*b)
{
	const struct pmf_scrub_target	*x = a, *y = b;

	if (scrub_group(x->type) != scrub_group(y->type))
		return scrub_group(x->type) - scrub_group(y->type);
	if (x->agno != y->agno)
		return x->agno < y->agno ? -1 : 1;
	if (x->ino != y->ino)
		return x->ino < y->ino ? -1 : 1;
	return scrub_rank(x->type) - scrub_rank(y->type);
}

/* Sort the targets from index @from on; those before it keep their place. */
void
pmf_scrub_set_sort(
	struct pmf_scrub_set	*set,
	size_t			from)
{
	if (set->nr > from)
		qsort(set->v + from, set->nr - from, sizeof(set->v[0]),
				scrub_cmp);
}

/* What lives in an inode's data fork decides how it is checked. */
static int
scrub_add_inode(
	struct pmf_scrub_set	*set,
	uint64_t		ino,
	enum pmf_owner		owner,
	uint64_t		features,
	int			(*stat)(uint64_t, struct pmf_scrub_inode *, void *),
	void			*priv)
{
	struct pmf_scrub_inode	si = { 0 };
	int			error;

	/*
	 * An inode whose core is damaged may not bulkstat: generation 0
	 * then asks the kernel not to compare it.
	 */
	if (stat)
		stat(ino, &si, priv);
#define ADD(type)	do { \
		error = pmf_scrub_set_add(set, (type), 0, ino, si.gen); \
		if (error) \
			return error; \
	} while (0)
	switch (owner) {
	case PMF_OWN_INODES:
		/* The inode core itself, then what hangs off it. */
		ADD(XFS_SCRUB_TYPE_INODE);
		ADD(XFS_SCRUB_TYPE_BMBTD);
		ADD(XFS_SCRUB_TYPE_BMBTA);
		if (S_ISDIR(si.mode))
			ADD(XFS_SCRUB_TYPE_DIR);
		if (S_ISLNK(si.mode))
			ADD(XFS_SCRUB_TYPE_SYMLINK);
		if (S_ISDIR(si.mode) || (features & PMF_FEAT_PARENT))
			ADD(XFS_SCRUB_TYPE_PARENT);
		break;
	case PMF_OWN_BMBT:
		ADD(XFS_SCRUB_TYPE_BMBTD);
		break;
	case PMF_OWN_ATTR_BMBT:
		ADD(XFS_SCRUB_TYPE_BMBTA);
		ADD(XFS_SCRUB_TYPE_XATTR);
		break;
	case PMF_OWN_ATTR:
		ADD(XFS_SCRUB_TYPE_XATTR);
		/* Parent pointers are xattrs: the parent scrub reads them. */
		if (features & PMF_FEAT_PARENT)
			ADD(XFS_SCRUB_TYPE_PARENT);
		break;
	case PMF_OWN_DATA:
		/*
		 * A directory's or symlink's data is metadata the kernel can
		 * check (and rebuild a directory from parent pointers); a
		 * regular file's data has nothing to scrub.
		 */
		if (S_ISDIR(si.mode)) {
			ADD(XFS_SCRUB_TYPE_DIR);
			ADD(XFS_SCRUB_TYPE_PARENT);
		} else if (S_ISLNK(si.mode)) {
			ADD(XFS_SCRUB_TYPE_SYMLINK);
		}
		break;
	default:
		break;
	}
#undef ADD
	return 0;
}

/* A metadata file's data is checked by its own scrub type. */
static uint32_t
scrub_metafile_type(
	const char	*name)
{
	if (!strcmp(name, "rtbitmap"))
		return XFS_SCRUB_TYPE_RTBITMAP;
	if (!strcmp(name, "rtsummary"))
		return XFS_SCRUB_TYPE_RTSUM;
	if (!strcmp(name, "usrquota"))
		return XFS_SCRUB_TYPE_UQUOTA;
	if (!strcmp(name, "grpquota"))
		return XFS_SCRUB_TYPE_GQUOTA;
	if (!strcmp(name, "prjquota"))
		return XFS_SCRUB_TYPE_PQUOTA;
	return XFS_SCRUB_TYPE_PROBE;
}

/*
 * Add the structures that an impact record names.  File data, free space
 * and the log name none: data has no redundancy to rebuild from, and the
 * log is not scrubbed.  @stat looks up an inode's generation and mode.
 */
int
pmf_scrub_add_impact(
	struct pmf_scrub_set	*set,
	const struct pmf_impact	*imp,
	uint64_t		features,
	int			(*stat)(uint64_t, struct pmf_scrub_inode *, void *),
	void			*priv)
{
	uint32_t		ag = imp->agno;
	int			error = 0;

	if (imp->dev != PMF_DEV_DATA)
		return 0;
	switch (imp->owner) {
	case PMF_OWN_AG_HEADERS: {
		unsigned int	h = imp->headers ? imp->headers :
				    PMF_HDR_SB | PMF_HDR_AGF | PMF_HDR_AGI |
				    PMF_HDR_AGFL;

		if (!error && (h & PMF_HDR_SB))
			error = pmf_scrub_set_add(set, XFS_SCRUB_TYPE_SB, ag, 0, 0);
		if (!error && (h & PMF_HDR_AGF))
			error = pmf_scrub_set_add(set, XFS_SCRUB_TYPE_AGF, ag, 0, 0);
		if (!error && (h & PMF_HDR_AGFL))
			error = pmf_scrub_set_add(set, XFS_SCRUB_TYPE_AGFL, ag, 0, 0);
		if (!error && (h & PMF_HDR_AGI))
			error = pmf_scrub_set_add(set, XFS_SCRUB_TYPE_AGI, ag, 0, 0);
		return error;
	}
	case PMF_OWN_AG_BTREE:
		/*
		 * The rmapbt owner of the free space btrees, the rmapbt and
		 * the AGFL's blocks: whichever it was, these three (and the
		 * AGFL) are what may be damaged.
		 */
		error = pmf_scrub_set_add(set, XFS_SCRUB_TYPE_AGFL, ag, 0, 0);
		if (!error)
			error = pmf_scrub_set_add(set, XFS_SCRUB_TYPE_BNOBT, ag, 0, 0);
		if (!error)
			error = pmf_scrub_set_add(set, XFS_SCRUB_TYPE_CNTBT, ag, 0, 0);
		if (!error && (features & PMF_FEAT_RMAPBT))
			error = pmf_scrub_set_add(set, XFS_SCRUB_TYPE_RMAPBT, ag, 0, 0);
		return error;
	case PMF_OWN_BNOBT:
		return pmf_scrub_set_add(set, XFS_SCRUB_TYPE_BNOBT, ag, 0, 0);
	case PMF_OWN_CNTBT:
		return pmf_scrub_set_add(set, XFS_SCRUB_TYPE_CNTBT, ag, 0, 0);
	case PMF_OWN_RMAPBT:
		return pmf_scrub_set_add(set, XFS_SCRUB_TYPE_RMAPBT, ag, 0, 0);
	case PMF_OWN_INOBT:
		/* One rmap owner covers the inobt and the finobt. */
		error = pmf_scrub_set_add(set, XFS_SCRUB_TYPE_INOBT, ag, 0, 0);
		if (!error && (features & PMF_FEAT_FINOBT))
			error = pmf_scrub_set_add(set, XFS_SCRUB_TYPE_FINOBT, ag, 0, 0);
		return error;
	case PMF_OWN_FINOBT:
		return pmf_scrub_set_add(set, XFS_SCRUB_TYPE_FINOBT, ag, 0, 0);
	case PMF_OWN_REFCOUNTBT:
	case PMF_OWN_COW:
		return pmf_scrub_set_add(set, XFS_SCRUB_TYPE_REFCNTBT, ag, 0, 0);
	case PMF_OWN_INODES:
		/* The chunk's records, then every allocated inode in it. */
		error = pmf_scrub_set_add(set, XFS_SCRUB_TYPE_INOBT, ag, 0, 0);
		for (unsigned int i = 0; !error && i < imp->ninodes; i++) {
			const struct pmf_inode_hit *h = &imp->inodes[i];

			if (h->metafile &&
			    scrub_metafile_type(h->metafile) != XFS_SCRUB_TYPE_PROBE)
				error = pmf_scrub_set_add(set,
					scrub_metafile_type(h->metafile), 0, 0, 0);
			if (!error)
				error = scrub_add_inode(set, h->ino, imp->owner,
						features, stat, priv);
		}
		return error;
	case PMF_OWN_DATA:
		if (imp->metafile &&
		    scrub_metafile_type(imp->metafile) != XFS_SCRUB_TYPE_PROBE)
			return pmf_scrub_set_add(set,
					scrub_metafile_type(imp->metafile), 0, 0, 0);
		__attribute__((fallthrough));
	case PMF_OWN_ATTR:
	case PMF_OWN_BMBT:
	case PMF_OWN_ATTR_BMBT:
		if (!imp->ino)
			return 0;
		return scrub_add_inode(set, imp->ino, imp->owner, features,
				stat, priv);
	default:
		return 0;
	}
}

/*
 * Can this kernel scrub (and, with @repair, repair)?  -ENOTTY: no online
 * scrub at all; -EOPNOTSUPP: scrub but no repair.
 */
int
pmf_scrub_probe(
	int				fd,
	bool				repair)
{
	struct xfs_scrub_metadata	sm = {
		.sm_type = XFS_SCRUB_TYPE_PROBE,
		.sm_flags = repair ? XFS_SCRUB_IFLAG_REPAIR : 0,
	};

	if (ioctl(fd, XFS_IOC_SCRUB_METADATA, &sm) < 0)
		return -errno;
	return 0;
}

/* Scrub one structure, repairing it with @repair; @oflags: the outcome. */
int
pmf_scrub_one(
	int				fd,
	const struct pmf_scrub_target	*t,
	bool				repair,
	uint32_t			*oflags)
{
	struct xfs_scrub_metadata	sm = {
		.sm_type = t->type,
		.sm_flags = repair ? XFS_SCRUB_IFLAG_REPAIR : 0,
		.sm_agno = pmf_scrub_type_per_ag(t->type) ? t->agno : 0,
		.sm_ino = t->ino,
		.sm_gen = t->gen,
	};
	int				error = 0;

	/* The kernel answers EAGAIN while it cannot take the locks it needs. */
	for (int tries = 0; tries < 10; tries++) {
		if (ioctl(fd, XFS_IOC_SCRUB_METADATA, &sm) == 0) {
			error = 0;
			break;
		}
		error = -errno;
		if (error != -EAGAIN && error != -EBUSY && error != -EDEADLOCK)
			break;
	}
	*oflags = sm.sm_flags & XFS_SCRUB_FLAGS_OUT;
	return error;
}

/* An inode's generation and mode, for a per-inode scrub. */
int
pmf_scrub_bulkstat(
	int				fd,
	uint64_t			ino,
	struct pmf_scrub_inode		*si)
{
	struct {
		struct xfs_bulk_ireq	hdr;
		struct xfs_bulkstat	bs;
	}				req = {
		.hdr = { .ino = ino, .icount = 1 },
	};

	memset(si, 0, sizeof(*si));
	if (ioctl(fd, XFS_IOC_BULKSTAT, &req) < 0)
		return -errno;
	/* Bulkstat starts at @ino but skips to the next allocated one. */
	if (req.hdr.ocount != 1 || req.bs.bs_ino != ino)
		return 0;
	si->found = true;
	si->gen = req.bs.bs_gen;
	si->mode = req.bs.bs_mode;
	return 0;
}

enum pmf_scrub_state
pmf_scrub_state(
	uint32_t	oflags)
{
	if (oflags & XFS_SCRUB_OFLAG_CORRUPT)
		return PMF_SCRUB_CORRUPT;
	if (oflags & XFS_SCRUB_OFLAG_XCORRUPT)
		return PMF_SCRUB_XCORRUPT;
	if (oflags & XFS_SCRUB_OFLAG_XFAIL)
		return PMF_SCRUB_XFAIL;
	if (oflags & XFS_SCRUB_OFLAG_INCOMPLETE)
		return PMF_SCRUB_INCOMPLETE;
	if (oflags & XFS_SCRUB_OFLAG_WARNING)
		return PMF_SCRUB_WARNING;
	if (oflags & XFS_SCRUB_OFLAG_PREEN)
		return PMF_SCRUB_PREEN;
	return PMF_SCRUB_OK;
}

const char *
pmf_scrub_state_name(
	enum pmf_scrub_state	s)
{
	static const char * const names[] = {
		[PMF_SCRUB_OK]		= "ok",
		[PMF_SCRUB_PREEN]	= "preen",
		[PMF_SCRUB_WARNING]	= "warning",
		[PMF_SCRUB_INCOMPLETE]	= "incomplete",
		[PMF_SCRUB_XFAIL]	= "xfail",
		[PMF_SCRUB_XCORRUPT]	= "xcorrupt",
		[PMF_SCRUB_CORRUPT]	= "corrupt",
	};

	return names[s];
}
