// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (c) 2026 The pmemfail authors.
 *
 * Table-driven test of the shared failure core (xfs_failure.c), built as
 * the core is, in the libxfs environment.  Every expectation below is
 * written out by hand from doc/design.md's decision table and the on-disk
 * format, never computed by the code under test: a change to a decision
 * must change a row here too.
 *
 * Usage: core-test [-v]
 * Exit 0 if every row holds, 1 otherwise (each failing row is printed).
 */
#include "xfs_platform.h"
#include "xfs_fs.h"
#include "xfs_shared.h"
#include "xfs_format.h"
#include "xfs_failure.h"
#include <stdio.h>
#include <string.h>

static int failures;
static int checks;
static bool verbose;

#define CHECK(cond, ...) do {						\
	checks++;							\
	if (!(cond)) {							\
		failures++;						\
		printf("FAIL %s:%d: ", __func__, __LINE__);		\
		printf(__VA_ARGS__);					\
		printf("\n");						\
	}								\
} while (0)

/*
 * The small geometry: 4 KiB blocks (8 sectors), 512-byte sectors, four AGs
 * of 1000 blocks with a short last one (3500 blocks in all), an external
 * log of 100 blocks, a realtime device of 10000 blocks in rtgroups of 1000.
 * AG n starts at daddr n * 8000.
 */
static const struct xfs_failure_geo geo = {
	.blocklog	= 12,
	.sectsize	= 512,
	.agcount	= 4,
	.agblocks	= 1000,
	.dblocks	= 3500,
	.logblocks	= 100,
	.logstart	= 0,
	.rblocks	= 10000,
	.rgblocks	= 1000,
};

/*
 * The large one: 2048 AGs of 2^20 blocks (8 TiB), so that daddrs pass 2^32
 * sectors from AG 512 on, and agno * agblocks passes 2^32 blocks at AG 4096
 * (not reached; the shift to sectors overflows 32 bits long before).
 */
static const struct xfs_failure_geo big = {
	.blocklog	= 12,
	.sectsize	= 4096,
	.agcount	= 2048,
	.agblocks	= 1U << 20,
	.dblocks	= 2048ULL << 20,
	.logblocks	= 1U << 18,
	.logstart	= 1ULL << 20,
	.rblocks	= 5ULL << 32,
	.rgblocks	= 1U << 31,
};

/* Actions as letters, in a fixed order: Unmap Kill Record Sick shutDown. */
static const char *
acts(
	unsigned int	a)
{
	static char	buf[4][8];
	static int	n;
	char		*s = buf[n++ & 3];
	char		*p = s;

	if (a & XFS_FAILURE_ACT_UNMAP)
		*p++ = 'U';
	if (a & XFS_FAILURE_ACT_KILL)
		*p++ = 'K';
	if (a & XFS_FAILURE_ACT_RECORD)
		*p++ = 'R';
	if (a & XFS_FAILURE_ACT_SICK)
		*p++ = 'S';
	if (a & XFS_FAILURE_ACT_SHUTDOWN)
		*p++ = 'D';
	if (p == s)
		*p++ = '-';
	*p = '\0';
	return s;
}

enum row_kind {
	ROW_RMAP,	/* a data device rmap record, 4 blocks at AG 1 block 100 */
	ROW_HDR,	/* OWN_FS block 0 of AG @agno, one sector @sector hit */
	ROW_FREE,	/* free data device space */
	ROW_LOG,	/* the external log device */
	ROW_RT,		/* a realtime mapping, 4 blocks at rt block 2500 */
	ROW_RTFREE,	/* free realtime extents */
	ROW_DAMAGE,	/* damage a sweep found: owner given directly */
};

#define INO	133ULL		/* an inode owner */
#define NO_ITYPE (-1)

struct decision_row {
	const char	*what;
	enum row_kind	kind;
	uint64_t	rm_owner;	/* ROW_DAMAGE: enum xfs_failure_owner */
	unsigned int	rm_flags;
	unsigned int	hints;
	int		itype;		/* given by the caller, or NO_ITYPE */
	bool		read;		/* the caller read the block */
	uint32_t	magic;		/* what it found there */
	uint32_t	agno;
	uint32_t	sector;
	/* expected */
	const char	*owner;
	const char	*effect;
	const char	*media;
	const char	*remove;
	unsigned int	headers;
};

#define LIVE_DIRTY	(XFS_FAILURE_LOG_LIVE | XFS_FAILURE_LOG_DIRTY)

/*
 * doc/design.md, "The decision table", row by row.  Columns: what, kind,
 * owner, rmap flags, hints, inode kind, magic read, magic, AG, sector;
 * then the expected owner, effect, media-loss actions, removal actions and
 * header sectors.
 */
static const struct decision_row rows[] = {
	/* File data by inode kind. */
	{ "regular file data", ROW_RMAP, INO, 0, 0, XFS_FAILURE_ITYPE_REG, false, 0, 1, 0,
	  "data", "data-lost", "UKR", "UK", 0 },
	{ "regular file data, shared", ROW_RMAP, INO, 0, XFS_FAILURE_SHARED, XFS_FAILURE_ITYPE_REG, false, 0, 1, 0,
	  "data", "data-lost", "UKR", "UK", 0 },
	{ "unwritten extent", ROW_RMAP, INO, XFS_RMAP_UNWRITTEN, 0, XFS_FAILURE_ITYPE_REG, false, 0, 1, 0,
	  "data", "no-loss", "-", "-", 0 },
	{ "file data, inode kind unknown", ROW_RMAP, INO, 0, 0, NO_ITYPE, false, 0, 1, 0,
	  "data", "data-lost", "UKRS", "UK", 0 },
	{ "file data, inode kind given as unknown", ROW_RMAP, INO, 0, 0, XFS_FAILURE_ITYPE_UNKNOWN, false, 0, 1, 0,
	  "data", "data-lost", "UKRS", "UK", 0 },
	{ "unwritten, inode kind unknown", ROW_RMAP, INO, XFS_RMAP_UNWRITTEN, 0, NO_ITYPE, false, 0, 1, 0,
	  "data", "no-loss", "-", "-", 0 },
	{ "directory block", ROW_RMAP, INO, 0, 0, XFS_FAILURE_ITYPE_DIR, false, 0, 1, 0,
	  "data", "data-lost", "RS", "-", 0 },
	{ "symlink target block", ROW_RMAP, INO, 0, 0, XFS_FAILURE_ITYPE_SYMLINK, false, 0, 1, 0,
	  "data", "data-lost", "RS", "-", 0 },
	{ "rtbitmap block", ROW_RMAP, INO, 0, 0, XFS_FAILURE_ITYPE_RTBITMAP, false, 0, 1, 0,
	  "data", "rebuildable", "S", "-", 0 },
	{ "rtsummary block", ROW_RMAP, INO, 0, 0, XFS_FAILURE_ITYPE_RTSUMMARY, false, 0, 1, 0,
	  "data", "rebuildable", "S", "-", 0 },
	{ "quota file block", ROW_RMAP, INO, 0, 0, XFS_FAILURE_ITYPE_QUOTA, false, 0, 1, 0,
	  "data", "rebuildable", "S", "-", 0 },
	{ "metadir directory block", ROW_RMAP, INO, 0, 0, XFS_FAILURE_ITYPE_METADIR, false, 0, 1, 0,
	  "data", "rebuildable", "S", "-", 0 },
	{ "data fork block of the rtrmap inode", ROW_RMAP, INO, 0, 0, XFS_FAILURE_ITYPE_RTRMAP, false, 0, 1, 0,
	  "data", "rebuildable", "S", "-", 0 },
	{ "data fork block of the rtrefcount inode", ROW_RMAP, INO, 0, 0, XFS_FAILURE_ITYPE_RTREFC, false, 0, 1, 0,
	  "data", "rebuildable", "S", "-", 0 },
	{ "attr fork block", ROW_RMAP, INO, XFS_RMAP_ATTR_FORK, 0, NO_ITYPE, false, 0, 1, 0,
	  "attr", "data-lost", "RS", "-", 0 },
	{ "attr fork block of a directory", ROW_RMAP, INO, XFS_RMAP_ATTR_FORK, 0, XFS_FAILURE_ITYPE_DIR, false, 0, 1, 0,
	  "attr", "data-lost", "RS", "-", 0 },
	/* Block maps: a file's bmbt, and the rt btrees that are bmbt blocks. */
	{ "bmbt block", ROW_RMAP, INO, XFS_RMAP_BMBT_BLOCK, 0, XFS_FAILURE_ITYPE_REG, false, 0, 1, 0,
	  "bmbt", "rebuildable", "S", "-", 0 },
	{ "bmbt block, inode kind unknown", ROW_RMAP, INO, XFS_RMAP_BMBT_BLOCK, 0, NO_ITYPE, false, 0, 1, 0,
	  "bmbt", "rebuildable", "S", "-", 0 },
	{ "attr bmbt block", ROW_RMAP, INO, XFS_RMAP_BMBT_BLOCK | XFS_RMAP_ATTR_FORK, 0, NO_ITYPE, false, 0, 1, 0,
	  "attr-bmbt", "rebuildable", "S", "-", 0 },
	{ "rtrmapbt block (as rmapbt)", ROW_RMAP, INO, XFS_RMAP_BMBT_BLOCK, 0, XFS_FAILURE_ITYPE_RTRMAP, false, 0, 1, 0,
	  "bmbt", "rebuildable", "S", "-", 0 },
	{ "rtrefcountbt block (as refcountbt)", ROW_RMAP, INO, XFS_RMAP_BMBT_BLOCK, 0, XFS_FAILURE_ITYPE_RTREFC, false, 0, 1, 0,
	  "bmbt", "rebuildable", "S", "-", 0 },
	/* OWN_AG: refined by magic where the block can be read. */
	{ "OWN_AG, not read", ROW_RMAP, XFS_RMAP_OWN_AG, 0, 0, NO_ITYPE, false, 0, 1, 0,
	  "ag-btree", "rebuildable", "S", "-", 0 },
	{ "OWN_AG, unreadable", ROW_RMAP, XFS_RMAP_OWN_AG, 0, 0, NO_ITYPE, true, 0, 1, 0,
	  "ag-btree", "rebuildable", "S", "-", 0 },
	{ "OWN_AG, bnobt magic", ROW_RMAP, XFS_RMAP_OWN_AG, 0, 0, NO_ITYPE, true, XFS_ABTB_CRC_MAGIC, 1, 0,
	  "bnobt", "rebuildable", "S", "-", 0 },
	{ "OWN_AG, v4 bnobt magic", ROW_RMAP, XFS_RMAP_OWN_AG, 0, 0, NO_ITYPE, true, XFS_ABTB_MAGIC, 1, 0,
	  "bnobt", "rebuildable", "S", "-", 0 },
	{ "OWN_AG, cntbt magic", ROW_RMAP, XFS_RMAP_OWN_AG, 0, 0, NO_ITYPE, true, XFS_ABTC_CRC_MAGIC, 1, 0,
	  "cntbt", "rebuildable", "S", "-", 0 },
	{ "OWN_AG, v4 cntbt magic", ROW_RMAP, XFS_RMAP_OWN_AG, 0, 0, NO_ITYPE, true, XFS_ABTC_MAGIC, 1, 0,
	  "cntbt", "rebuildable", "S", "-", 0 },
	{ "OWN_AG, rmapbt magic", ROW_RMAP, XFS_RMAP_OWN_AG, 0, 0, NO_ITYPE, true, XFS_RMAP_CRC_MAGIC, 1, 0,
	  "rmapbt", "rebuildable", "S", "-", 0 },
	{ "OWN_AG, spare AGFL block (inobt magic)", ROW_RMAP, XFS_RMAP_OWN_AG, 0, 0, NO_ITYPE, true, XFS_IBT_CRC_MAGIC, 1, 0,
	  "ag-btree", "rebuildable", "S", "-", 0 },
	{ "OWN_AG, refcount magic", ROW_RMAP, XFS_RMAP_OWN_AG, 0, 0, NO_ITYPE, true, XFS_REFC_CRC_MAGIC, 1, 0,
	  "ag-btree", "rebuildable", "S", "-", 0 },
	/* sector 1: the block header names another place (a stale copy) */
	{ "OWN_AG, stale rmapbt block on an AGFL spare", ROW_RMAP, XFS_RMAP_OWN_AG, 0, 0, NO_ITYPE, true, XFS_RMAP_CRC_MAGIC, 1, 1,
	  "ag-btree", "rebuildable", "S", "-", 0 },
	/* sector 2: the block header names another AG */
	{ "OWN_AG, bnobt block of another AG", ROW_RMAP, XFS_RMAP_OWN_AG, 0, 0, NO_ITYPE, true, XFS_ABTB_CRC_MAGIC, 1, 2,
	  "ag-btree", "rebuildable", "S", "-", 0 },
	/* OWN_INOBT is never refined: both inode btrees are rebuildable. */
	{ "OWN_INOBT", ROW_RMAP, XFS_RMAP_OWN_INOBT, 0, 0, NO_ITYPE, false, 0, 1, 0,
	  "inobt", "rebuildable", "S", "-", 0 },
	{ "OWN_INOBT, finobt magic", ROW_RMAP, XFS_RMAP_OWN_INOBT, 0, 0, NO_ITYPE, true, XFS_FIBT_CRC_MAGIC, 1, 0,
	  "inobt", "rebuildable", "S", "-", 0 },
	{ "inode chunk", ROW_RMAP, XFS_RMAP_OWN_INODES, 0, 0, NO_ITYPE, false, 0, 1, 0,
	  "inodes", "data-lost", "RS", "-", 0 },
	{ "refcountbt", ROW_RMAP, XFS_RMAP_OWN_REFC, 0, 0, NO_ITYPE, false, 0, 1, 0,
	  "refcountbt", "rebuildable", "S", "-", 0 },
	{ "CoW staging", ROW_RMAP, XFS_RMAP_OWN_COW, 0, 0, NO_ITYPE, false, 0, 1, 0,
	  "cow", "no-loss", "-", "-", 0 },
	{ "OWN_UNKNOWN", ROW_RMAP, XFS_RMAP_OWN_UNKNOWN, 0, 0, NO_ITYPE, false, 0, 1, 0,
	  "unknown", "fatal", "D", "-", 0 },
	{ "OWN_NULL", ROW_RMAP, XFS_RMAP_OWN_NULL, 0, 0, NO_ITYPE, false, 0, 1, 0,
	  "unknown", "fatal", "D", "-", 0 },
	{ "an itype on a non-inode owner changes nothing", ROW_RMAP, XFS_RMAP_OWN_REFC, 0, 0, XFS_FAILURE_ITYPE_DIR, false, 0, 1, 0,
	  "refcountbt", "rebuildable", "S", "-", 0 },
	/* Internal log: fatal only if live and dirty. */
	{ "internal log, live and dirty", ROW_RMAP, XFS_RMAP_OWN_LOG, 0, LIVE_DIRTY, NO_ITYPE, false, 0, 1, 0,
	  "log", "fatal", "D", "-", 0 },
	{ "internal log, live, clean", ROW_RMAP, XFS_RMAP_OWN_LOG, 0, XFS_FAILURE_LOG_LIVE, NO_ITYPE, false, 0, 1, 0,
	  "log", "rebuildable", "S", "-", 0 },
	{ "internal log, dirty, not live", ROW_RMAP, XFS_RMAP_OWN_LOG, 0, XFS_FAILURE_LOG_DIRTY, NO_ITYPE, false, 0, 1, 0,
	  "log", "rebuildable", "S", "-", 0 },
	{ "internal log, proven dead", ROW_RMAP, XFS_RMAP_OWN_LOG, 0, 0, NO_ITYPE, false, 0, 1, 0,
	  "log", "rebuildable", "S", "-", 0 },
	/* AG headers, sector by sector. */
	{ "primary superblock", ROW_HDR, XFS_RMAP_OWN_FS, 0, 0, NO_ITYPE, false, 0, 0, 0,
	  "ag-headers", "fatal", "D", "-", XFS_FAILURE_HDR_SB },
	{ "AGF of AG 0", ROW_HDR, XFS_RMAP_OWN_FS, 0, 0, NO_ITYPE, false, 0, 0, 1,
	  "ag-headers", "fatal", "D", "-", XFS_FAILURE_HDR_AGF },
	{ "AGI of AG 2", ROW_HDR, XFS_RMAP_OWN_FS, 0, 0, NO_ITYPE, false, 0, 2, 2,
	  "ag-headers", "fatal", "D", "-", XFS_FAILURE_HDR_AGI },
	{ "AGFL of the last AG", ROW_HDR, XFS_RMAP_OWN_FS, 0, 0, NO_ITYPE, false, 0, 3, 3,
	  "ag-headers", "fatal", "D", "-", XFS_FAILURE_HDR_AGFL },
	{ "secondary superblock", ROW_HDR, XFS_RMAP_OWN_FS, 0, 0, NO_ITYPE, false, 0, 1, 0,
	  "ag-headers", "rebuildable", "S", "-", XFS_FAILURE_HDR_SB },
	{ "secondary superblock of the last AG", ROW_HDR, XFS_RMAP_OWN_FS, 0, 0, NO_ITYPE, false, 0, 3, 0,
	  "ag-headers", "rebuildable", "S", "-", XFS_FAILURE_HDR_SB },
	{ "unused header sector", ROW_HDR, XFS_RMAP_OWN_FS, 0, 0, NO_ITYPE, false, 0, 1, 4,
	  "ag-headers", "no-loss", "-", "-", 0 },
	{ "free space", ROW_FREE, 0, 0, 0, NO_ITYPE, false, 0, 1, 0,
	  "free", "no-loss", "-", "-", 0 },
	/* External log device. */
	{ "log device, live and dirty", ROW_LOG, 0, 0, LIVE_DIRTY, NO_ITYPE, false, 0, 0, 0,
	  "log", "fatal", "D", "-", 0 },
	{ "log device, clean", ROW_LOG, 0, 0, XFS_FAILURE_LOG_LIVE, NO_ITYPE, false, 0, 0, 0,
	  "log", "rebuildable", "S", "-", 0 },
	/* Realtime device. */
	{ "rt file data", ROW_RT, INO, 0, 0, NO_ITYPE, false, 0, 0, 0,
	  "data", "data-lost", "UKR", "UK", 0 },
	{ "rt file data, unwritten", ROW_RT, INO, XFS_RMAP_UNWRITTEN, 0, NO_ITYPE, false, 0, 0, 0,
	  "data", "no-loss", "-", "-", 0 },
	{ "rt superblock", ROW_RT, XFS_RMAP_OWN_FS, 0, 0, NO_ITYPE, false, 0, 0, 0,
	  "ag-headers", "rebuildable", "S", "-", XFS_FAILURE_HDR_SB },
	{ "rt block nobody owns", ROW_RT, XFS_RMAP_OWN_UNKNOWN, 0, 0, NO_ITYPE, false, 0, 0, 0,
	  "unknown", "fatal", "D", "-", 0 },
	{ "free rt extent", ROW_RTFREE, 0, 0, 0, NO_ITYPE, false, 0, 0, 0,
	  "free", "no-loss", "-", "-", 0 },
	/* Damage a sweep found by itself (verify's "not predicted"). */
	{ "damage: secondary superblock", ROW_DAMAGE, XFS_FOWN_FS_HEADERS, 0, 0, NO_ITYPE, false, 0, 1, 0,
	  "ag-headers", "rebuildable", "S", "-", XFS_FAILURE_HDR_SB },
	{ "damage: AGF", ROW_DAMAGE, XFS_FOWN_FS_HEADERS, 0, 0, NO_ITYPE, false, 0, 1, 1,
	  "ag-headers", "fatal", "D", "-", XFS_FAILURE_HDR_AGF },
	{ "damage: primary superblock", ROW_DAMAGE, XFS_FOWN_FS_HEADERS, 0, 0, NO_ITYPE, false, 0, 0, 0,
	  "ag-headers", "fatal", "D", "-", XFS_FAILURE_HDR_SB },
	{ "damage: rmapbt block", ROW_DAMAGE, XFS_FOWN_RMAPBT, 0, 0, NO_ITYPE, false, 0, 2, 0,
	  "rmapbt", "rebuildable", "S", "-", 0 },
	{ "damage: finobt block", ROW_DAMAGE, XFS_FOWN_FINOBT, 0, 0, NO_ITYPE, false, 0, 2, 0,
	  "finobt", "rebuildable", "S", "-", 0 },
	{ "damage: refcountbt block", ROW_DAMAGE, XFS_FOWN_REFCOUNTBT, 0, 0, NO_ITYPE, false, 0, 2, 0,
	  "refcountbt", "rebuildable", "S", "-", 0 },
};

/* Build and decide the impact a row describes. */
static bool
row_impact(
	const struct decision_row	*r,
	struct xfs_failure_impact	*imp)
{
	struct xfs_rmap_irec		rec = {
		.rm_startblock	= 100,
		.rm_blockcount	= 4,
		.rm_owner	= r->rm_owner,
		.rm_offset	= 7,
		.rm_flags	= r->rm_flags,
	};
	struct xfs_failure_range	fr = { XFS_FAILURE_DEV_DATA, 8800, 32 };
	bool				hit = false;

	switch (r->kind) {
	case ROW_RMAP:
		hit = xfs_failure_rmap_impact(&geo, &fr, 1, &rec, r->hints, imp);
		break;
	case ROW_HDR:
		rec.rm_startblock = 0;
		rec.rm_blockcount = 1;
		fr.daddr = r->agno * 8000ULL + r->sector;
		fr.bbcount = 1;
		hit = xfs_failure_rmap_impact(&geo, &fr, r->agno, &rec,
				r->hints, imp);
		break;
	case ROW_FREE:
		hit = xfs_failure_free_impact(&geo, &fr, 1, 100, 4, imp);
		break;
	case ROW_LOG:
		fr.dev = XFS_FAILURE_DEV_LOG;
		fr.daddr = 16;
		fr.bbcount = 8;
		hit = xfs_failure_log_impact(&geo, &fr, r->hints, imp);
		break;
	case ROW_RT:
		fr.dev = XFS_FAILURE_DEV_RT;
		fr.daddr = 20000;
		fr.bbcount = 32;
		hit = xfs_failure_rtmap_impact(&geo, &fr, 2500, &rec, r->hints,
				imp);
		break;
	case ROW_RTFREE:
		fr.dev = XFS_FAILURE_DEV_RT;
		fr.daddr = 20000;
		fr.bbcount = 32;
		hit = xfs_failure_rtfree_impact(&geo, &fr, 2500, 4, imp);
		break;
	case ROW_DAMAGE:
		hit = xfs_failure_damage_impact(&geo, r->rm_owner, r->agno,
				r->agno * 8000ULL + r->sector, 1, imp);
		break;
	}
	if (!hit)
		return false;
	if (r->read) {
		/*
		 * The block as read: its magic, and (v5) its own daddr and AG,
		 * which a stale copy (@sector 1) or another AG's block
		 * (@sector 2) gets wrong.
		 */
		struct xfs_btree_block	blk;

		memset(&blk, 0, sizeof(blk));
		blk.bb_magic = cpu_to_be32(r->magic);
		blk.bb_u.s.bb_blkno = cpu_to_be64(r->sector == 1 ? 16 : 8800);
		blk.bb_u.s.bb_owner = cpu_to_be32(r->sector == 2 ? 0 : 1);
		xfs_failure_refine_owner(imp,
				xfs_failure_btree_block_owner(&blk, 8800, 1));
	}
	if (r->itype != NO_ITYPE)
		xfs_failure_set_itype(imp, r->itype);
	return true;
}

static void
test_decisions(void)
{
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct decision_row	*r = &rows[i];
		struct xfs_failure_impact	imp;
		const char			*m, *rm;

		if (!row_impact(r, &imp)) {
			CHECK(false, "%s: no impact", r->what);
			continue;
		}
		m = acts(xfs_failure_actions(&imp, XFS_FAILURE_MEDIA));
		rm = acts(xfs_failure_actions(&imp, XFS_FAILURE_PRE_REMOVE));
		if (verbose)
			printf("%-45s %-11s %-12s %-5s %-3s\n", r->what,
					xfs_failure_owner_name(imp.owner),
					xfs_failure_consequence_name(imp.consequence),
					m, rm);
		CHECK(!strcmp(xfs_failure_owner_name(imp.owner), r->owner),
				"%s: owner %s, want %s", r->what,
				xfs_failure_owner_name(imp.owner), r->owner);
		CHECK(!strcmp(xfs_failure_consequence_name(imp.consequence),
				r->effect), "%s: effect %s, want %s", r->what,
				xfs_failure_consequence_name(imp.consequence),
				r->effect);
		CHECK(!strcmp(m, r->media), "%s: on media loss %s, want %s",
				r->what, m, r->media);
		CHECK(!strcmp(rm, r->remove), "%s: on removal %s, want %s",
				r->what, rm, r->remove);
		CHECK(imp.headers == r->headers, "%s: headers 0x%x, want 0x%x",
				r->what, imp.headers, r->headers);
	}
}

/* Flags and inode numbers carried through, by owner. */
static void
test_fields(void)
{
	struct xfs_failure_range	fr = { XFS_FAILURE_DEV_DATA, 8800, 32 };
	struct xfs_rmap_irec		rec = {
		.rm_startblock = 100, .rm_blockcount = 4, .rm_owner = INO,
		.rm_offset = 7,
	};
	struct xfs_failure_impact	imp;

	xfs_failure_rmap_impact(&geo, &fr, 1, &rec,
			XFS_FAILURE_SHARED | LIVE_DIRTY, &imp);
	CHECK(imp.ino == INO, "data ino %llu", (unsigned long long)imp.ino);
	CHECK(imp.flags == XFS_FAILURE_SHARED, "data flags 0x%x", imp.flags);

	rec.rm_owner = XFS_RMAP_OWN_LOG;
	xfs_failure_rmap_impact(&geo, &fr, 1, &rec,
			XFS_FAILURE_SHARED | LIVE_DIRTY, &imp);
	CHECK(imp.ino == 0, "log ino %llu", (unsigned long long)imp.ino);
	CHECK(imp.flags == LIVE_DIRTY, "log flags 0x%x", imp.flags);

	rec.rm_owner = INO;
	rec.rm_flags = XFS_RMAP_BMBT_BLOCK;
	xfs_failure_rmap_impact(&geo, &fr, 1, &rec, XFS_FAILURE_SHARED, &imp);
	CHECK(imp.ino == INO && imp.flags == 0, "bmbt ino %llu flags 0x%x",
			(unsigned long long)imp.ino, imp.flags);
	CHECK(xfs_failure_wants_itype(&imp), "bmbt wants no inode kind");
	xfs_failure_set_itype(&imp, XFS_FAILURE_ITYPE_RTRMAP);
	CHECK(!xfs_failure_wants_itype(&imp), "bmbt still wants a kind");
	CHECK(imp.itype == XFS_FAILURE_ITYPE_RTRMAP, "itype %d", imp.itype);
}

/* A record of 4 blocks at AG 1 block 100 (daddr 8800..8831), file offset 7. */
static void
test_clip(void)
{
	struct xfs_rmap_irec		rec = {
		.rm_startblock = 100, .rm_blockcount = 4, .rm_owner = INO,
		.rm_offset = 7,
	};
	struct xfs_failure_range	fr = { XFS_FAILURE_DEV_DATA, 0, 0 };
	struct xfs_failure_impact	imp;

	/* Range inside the record, starting mid-block. */
	fr.daddr = 8811;
	fr.bbcount = 2;
	CHECK(xfs_failure_rmap_impact(&geo, &fr, 1, &rec, 0, &imp), "inside");
	CHECK(imp.daddr == 8811 && imp.bbcount == 2, "inside: %llu+%llu",
			(unsigned long long)imp.daddr,
			(unsigned long long)imp.bbcount);
	/* Block 7 + 1 of the file, plus 3 sectors. */
	CHECK(imp.offset == 8 * 4096 + 3 * 512, "inside: offset %llu",
			(unsigned long long)imp.offset);
	CHECK(imp.length == 1024, "inside: length %llu",
			(unsigned long long)imp.length);
	CHECK(imp.agno == 1 && imp.agbno == 100 && imp.blockcount == 4 &&
	      imp.startblock == 1100, "inside: record %u/%u+%u at %llu",
			imp.agno, imp.agbno, imp.blockcount,
			(unsigned long long)imp.startblock);

	/* Range over the record's start: clipped to it, offset 7 blocks. */
	fr.daddr = 8790;
	fr.bbcount = 20;
	xfs_failure_rmap_impact(&geo, &fr, 1, &rec, 0, &imp);
	CHECK(imp.daddr == 8800 && imp.bbcount == 10 &&
	      imp.offset == 7 * 4096, "head: %llu+%llu offset %llu",
			(unsigned long long)imp.daddr,
			(unsigned long long)imp.bbcount,
			(unsigned long long)imp.offset);

	/* Range over the record's end. */
	fr.daddr = 8830;
	fr.bbcount = 100;
	xfs_failure_rmap_impact(&geo, &fr, 1, &rec, 0, &imp);
	CHECK(imp.daddr == 8830 && imp.bbcount == 2 &&
	      imp.offset == 10 * 4096 + 6 * 512, "tail: %llu+%llu offset %llu",
			(unsigned long long)imp.daddr,
			(unsigned long long)imp.bbcount,
			(unsigned long long)imp.offset);

	/* Touching but not meeting, on either side. */
	fr.daddr = 8832;
	fr.bbcount = 8;
	CHECK(!xfs_failure_rmap_impact(&geo, &fr, 1, &rec, 0, &imp), "after");
	fr.daddr = 8792;
	fr.bbcount = 8;
	CHECK(!xfs_failure_rmap_impact(&geo, &fr, 1, &rec, 0, &imp), "before");
	/* The same blocks in another AG are another place. */
	fr.daddr = 8800;
	CHECK(!xfs_failure_rmap_impact(&geo, &fr, 2, &rec, 0, &imp), "AG 2");
	/* A data record never meets a range of another device. */
	fr.dev = XFS_FAILURE_DEV_RT;
	CHECK(!xfs_failure_rmap_impact(&geo, &fr, 1, &rec, 0, &imp), "rt");
	/* 8800 is past the 800 sectors of the log device. */
	fr.dev = XFS_FAILURE_DEV_LOG;
	CHECK(!xfs_failure_log_impact(&geo, &fr, 0, &imp), "past the log");
	fr.dev = XFS_FAILURE_DEV_DATA;
	CHECK(!xfs_failure_log_impact(&geo, &fr, 0, &imp), "log on data");
}

/* Range validation and clipping to what the filesystem uses. */
static void
test_range_check(void)
{
	struct xfs_failure_range	fr;

	fr = (struct xfs_failure_range){ XFS_FAILURE_DEV_DATA, 27990, 100 };
	CHECK(xfs_failure_range_check(&geo, &fr) == 0 && fr.bbcount == 10,
			"data tail clipped to %llu",
			(unsigned long long)fr.bbcount);
	fr = (struct xfs_failure_range){ XFS_FAILURE_DEV_DATA, 28000, 1 };
	CHECK(xfs_failure_range_check(&geo, &fr) == -ERANGE, "past the end");
	fr = (struct xfs_failure_range){ XFS_FAILURE_DEV_DATA, 27999, 1 };
	CHECK(xfs_failure_range_check(&geo, &fr) == 0 && fr.bbcount == 1,
			"last sector");
	fr = (struct xfs_failure_range){ XFS_FAILURE_DEV_DATA, 0, 0 };
	CHECK(xfs_failure_range_check(&geo, &fr) == -EINVAL, "empty");
	fr = (struct xfs_failure_range){ XFS_FAILURE_DEV_DATA, 16, ~0ULL };
	CHECK(xfs_failure_range_check(&geo, &fr) == -EINVAL, "wraps");
	fr = (struct xfs_failure_range){ XFS_FAILURE_DEV_NR, 0, 1 };
	CHECK(xfs_failure_range_check(&geo, &fr) == -EINVAL, "no device");
	/* The log device: 100 blocks, 800 sectors. */
	fr = (struct xfs_failure_range){ XFS_FAILURE_DEV_LOG, 790, 100 };
	CHECK(xfs_failure_range_check(&geo, &fr) == 0 && fr.bbcount == 10,
			"log tail clipped to %llu",
			(unsigned long long)fr.bbcount);
	fr = (struct xfs_failure_range){ XFS_FAILURE_DEV_LOG, 800, 1 };
	CHECK(xfs_failure_range_check(&geo, &fr) == -ERANGE, "past the log");
	/* The rt device: 10000 blocks, 80000 sectors. */
	fr = (struct xfs_failure_range){ XFS_FAILURE_DEV_RT, 79999, 2 };
	CHECK(xfs_failure_range_check(&geo, &fr) == 0 && fr.bbcount == 1,
			"rt tail");
	/* 8 TiB: sectors past 2^32, and the whole device. */
	fr = (struct xfs_failure_range){ XFS_FAILURE_DEV_DATA, 1ULL << 33, 8 };
	CHECK(xfs_failure_range_check(&big, &fr) == 0 && fr.bbcount == 8,
			"big: 2^33");
	fr = (struct xfs_failure_range){ XFS_FAILURE_DEV_DATA, 1ULL << 34, 8 };
	CHECK(xfs_failure_range_check(&big, &fr) == -ERANGE, "big: 2^34");
	fr = (struct xfs_failure_range){ XFS_FAILURE_DEV_DATA, 0, ~0ULL >> 1 };
	CHECK(xfs_failure_range_check(&big, &fr) == 0 &&
	      fr.bbcount == 17179869184ULL, "big: whole %llu",
			(unsigned long long)fr.bbcount);
}

/*
 * The loss of a whole device: only a realtime device with rtgroups and
 * rtrmap btrees can go offline; the data device, the log and a realtime
 * device without rtgroups (nothing could name the files that lost data)
 * take the filesystem down.
 */
static void
test_device_loss(void)
{
	struct xfs_failure_geo		nogroups = geo;
	struct xfs_failure_range	fr;

	nogroups.rgblocks = 0;
	CHECK(xfs_failure_device_loss(&geo, XFS_FAILURE_DEV_RT, true) &
	      XFS_FAILURE_ACT_OFFLINE, "rt with rtgroups and rtrmap: offline");
	CHECK(!(xfs_failure_device_loss(&geo, XFS_FAILURE_DEV_RT, true) &
		XFS_FAILURE_ACT_SHUTDOWN), "rt with rtgroups: no shutdown");
	CHECK(xfs_failure_device_loss(&geo, XFS_FAILURE_DEV_RT, false) &
	      XFS_FAILURE_ACT_SHUTDOWN, "rt without rtrmap: shutdown");
	CHECK(xfs_failure_device_loss(&nogroups, XFS_FAILURE_DEV_RT, true) &
	      XFS_FAILURE_ACT_SHUTDOWN, "rt without rtgroups: shutdown");
	CHECK(xfs_failure_device_loss(&geo, XFS_FAILURE_DEV_DATA, true) &
	      XFS_FAILURE_ACT_SHUTDOWN, "data device: shutdown");
	CHECK(xfs_failure_device_loss(&geo, XFS_FAILURE_DEV_LOG, true) &
	      XFS_FAILURE_ACT_SHUTDOWN, "log device: shutdown");

	/* The rt device: 10000 blocks, 80000 sectors. */
	fr = (struct xfs_failure_range){ XFS_FAILURE_DEV_RT, 0, 80000 };
	CHECK(xfs_failure_range_whole(&geo, &fr), "rt: whole");
	fr = (struct xfs_failure_range){ XFS_FAILURE_DEV_RT, 0, 79999 };
	CHECK(!xfs_failure_range_whole(&geo, &fr), "rt: one sector short");
	fr = (struct xfs_failure_range){ XFS_FAILURE_DEV_RT, 8, 80000 };
	CHECK(!xfs_failure_range_whole(&geo, &fr), "rt: not from 0");
	fr = (struct xfs_failure_range){ XFS_FAILURE_DEV_DATA, 0, 28000 };
	CHECK(xfs_failure_range_whole(&geo, &fr), "data: whole");
	fr = (struct xfs_failure_range){ XFS_FAILURE_DEV_NR, 0, ~0ULL };
	CHECK(!xfs_failure_range_whole(&geo, &fr), "no device");
}

struct group_want {
	uint32_t	agno, low, high;
};

static void
check_groups(
	const char			*what,
	const struct xfs_failure_geo	*g,
	uint64_t			daddr,
	uint64_t			bbcount,
	const struct group_want		*want,
	size_t				nwant)
{
	struct xfs_failure_range	fr = { XFS_FAILURE_DEV_DATA, daddr, bbcount };
	struct xfs_failure_group	grp;
	size_t				n = 0;

	xfs_failure_first_group(&grp);
	while (xfs_failure_next_group(g, &fr, &grp)) {
		if (n < nwant)
			CHECK(grp.agno == want[n].agno &&
			      grp.low_agbno == want[n].low &&
			      grp.high_agbno == want[n].high,
			      "%s: group %zu is %u [%u, %u], want %u [%u, %u]",
			      what, n, grp.agno, grp.low_agbno, grp.high_agbno,
			      want[n].agno, want[n].low, want[n].high);
		n++;
	}
	CHECK(n == nwant, "%s: %zu groups, want %zu", what, n, nwant);
}

static void
test_groups(void)
{
	static const struct group_want one[] = { { 1, 100, 103 } };
	static const struct group_want edge[] = { { 0, 999, 999 }, { 1, 0, 0 } };
	static const struct group_want all[] = {
		{ 0, 0, 999 }, { 1, 0, 999 }, { 2, 0, 999 }, { 3, 0, 499 },
	};
	static const struct group_want last[] = { { 3, 499, 499 } };
	static const struct group_want partial_block[] = { { 2, 5, 5 } };
	static const struct group_want big1[] = { { 1500, 5, 6 } };
	static const struct group_want big2[] = {
		{ 1023, 1048575, 1048575 }, { 1024, 0, 0 },
	};
	struct xfs_failure_range	fr = { XFS_FAILURE_DEV_RT, 0, 8 };
	struct xfs_failure_group	grp;

	check_groups("one AG", &geo, 8800, 32, one, 1);
	check_groups("AG edge", &geo, 7992, 16, edge, 2);
	check_groups("whole device, short last AG", &geo, 0, 28000, all, 4);
	check_groups("last block", &geo, 27992, 8, last, 1);
	check_groups("sectors of one block", &geo, 16043, 2, partial_block, 1);
	/* AG 1500 block 5: daddr (1500 * 2^20 + 5) * 8, past 2^32. */
	check_groups("past 2^32 sectors", &big, 12582912040ULL, 16, big1, 1);
	check_groups("AG edge past 2^32", &big, 8589934584ULL, 16, big2, 2);
	xfs_failure_first_group(&grp);
	CHECK(!xfs_failure_next_group(&geo, &fr, &grp), "rt has no AGs");
	CHECK(xfs_failure_group_daddr(&big, 1500, 5) == 12582912040ULL,
			"big group daddr %llu", (unsigned long long)
			xfs_failure_group_daddr(&big, 1500, 5));
	CHECK(xfs_failure_group_daddr(&big, 2047, 1048575) == 17179869176ULL,
			"big last block daddr");
}

/* 64-bit placement of records, headers and rt groups. */
static void
test_big(void)
{
	struct xfs_rmap_irec		rec = {
		.rm_startblock = 5, .rm_blockcount = 2, .rm_owner = INO,
		.rm_offset = 1ULL << 40,
	};
	struct xfs_failure_range	fr = {
		XFS_FAILURE_DEV_DATA, 12582912044ULL, 8,
	};
	struct xfs_failure_impact	imp;

	CHECK(xfs_failure_rmap_impact(&big, &fr, 1500, &rec, 0, &imp),
			"big record");
	CHECK(imp.daddr == 12582912044ULL && imp.bbcount == 8 &&
	      imp.startblock == 1572864005ULL && imp.agbno == 5,
	      "big record at %llu+%llu start %llu",
	      (unsigned long long)imp.daddr, (unsigned long long)imp.bbcount,
	      (unsigned long long)imp.startblock);
	CHECK(imp.offset == (1ULL << 52) + 4 * 512, "big offset %llu",
			(unsigned long long)imp.offset);

	/*
	 * The AGF of the last AG, 4 KiB sectors: sector 1 of the AG is block
	 * 1, and OWN_FS covers the four header blocks.
	 */
	rec = (struct xfs_rmap_irec){ .rm_startblock = 0, .rm_blockcount = 4,
		.rm_owner = XFS_RMAP_OWN_FS };
	fr.daddr = 2047ULL * 8388608 + 8;
	fr.bbcount = 8;
	xfs_failure_rmap_impact(&big, &fr, 2047, &rec, 0, &imp);
	CHECK(imp.headers == XFS_FAILURE_HDR_AGF &&
	      imp.consequence == XFS_FAILURE_FATAL, "big AGF 0x%x",
	      imp.headers);

	/* An rt block in rtgroup 2 of 2^31 blocks. */
	rec = (struct xfs_rmap_irec){ .rm_startblock = 9, .rm_blockcount = 1,
		.rm_owner = INO };
	fr = (struct xfs_failure_range){ XFS_FAILURE_DEV_RT,
		((2ULL << 31) + 9) * 8, 8 };
	CHECK(xfs_failure_rtmap_impact(&big, &fr, (2ULL << 31) + 9, &rec, 0,
			&imp), "big rt");
	CHECK(imp.agno == 2 && imp.agbno == 9 && imp.startblock ==
	      (2ULL << 31) + 9, "big rt group %u/%u", imp.agno, imp.agbno);
}

static void
test_rt(void)
{
	struct xfs_rmap_irec		rec = {
		.rm_startblock = 500, .rm_blockcount = 4, .rm_owner = INO,
	};
	struct xfs_failure_range	fr = { XFS_FAILURE_DEV_RT, 20004, 100 };
	struct xfs_failure_geo		legacy = geo;
	struct xfs_failure_impact	imp;

	CHECK(xfs_failure_rtmap_impact(&geo, &fr, 2500, &rec, 0, &imp), "rt");
	CHECK(imp.agno == 2 && imp.agbno == 500 && imp.daddr == 20004 &&
	      imp.bbcount == 28 && imp.offset == 4 * 512,
	      "rt: group %u/%u at %llu+%llu offset %llu", imp.agno, imp.agbno,
	      (unsigned long long)imp.daddr, (unsigned long long)imp.bbcount,
	      (unsigned long long)imp.offset);
	/* The last rtgroup, block 999: daddr 79992. */
	fr.daddr = 79992;
	fr.bbcount = 8;
	CHECK(xfs_failure_rtfree_impact(&geo, &fr, 9999, 1, &imp) &&
	      imp.agno == 9 && imp.agbno == 999, "last rtgroup %u/%u",
	      imp.agno, imp.agbno);
	/* Without rtgroups there are no groups. */
	legacy.rgblocks = 0;
	CHECK(xfs_failure_rtfree_impact(&legacy, &fr, 9999, 1, &imp) &&
	      imp.agno == 0 && imp.agbno == 0 && imp.startblock == 9999,
	      "legacy rt %u/%u", imp.agno, imp.agbno);
	/* A free run longer than 2^32 blocks keeps a saturated count. */
	fr = (struct xfs_failure_range){ XFS_FAILURE_DEV_RT, 8, 8 };
	CHECK(xfs_failure_rtfree_impact(&big, &fr, 0, 5ULL << 32, &imp) &&
	      imp.blockcount == 0xFFFFFFFFU && imp.bbcount == 8,
	      "long free run %u", imp.blockcount);
}

static void
test_log(void)
{
	struct xfs_failure_range	fr = { XFS_FAILURE_DEV_LOG, 792, 8 };
	struct xfs_failure_impact	imp;

	CHECK(xfs_failure_log_impact(&geo, &fr, LIVE_DIRTY, &imp), "log");
	CHECK(imp.daddr == 792 && imp.bbcount == 8 && imp.blockcount == 100 &&
	      imp.length == 4096, "log at %llu+%llu",
	      (unsigned long long)imp.daddr, (unsigned long long)imp.bbcount);
	fr.daddr = 800;
	CHECK(!xfs_failure_log_impact(&geo, &fr, LIVE_DIRTY, &imp),
			"past the log");
}

/*
 * Which kind of inode: the metadata directory tree's own type first, then
 * the metadata inodes an older superblock names (and the metadir root),
 * then the mode.  Inode numbers here are made up; only equality counts.
 */
static void
test_inode_itype(void)
{
	struct xfs_sb	sb = {
		.sb_versionnum = XFS_SB_VERSION_5,
		.sb_rbmino = 129, .sb_rsumino = 130,
		.sb_uquotino = 131, .sb_gquotino = 132, .sb_pquotino = NULLFSINO,
		.sb_metadirino = 133,
	};
	const struct {
		const char		*what;
		const struct xfs_sb	*sb;
		uint64_t		ino;
		uint16_t		mode;
		bool			metafile;
		enum xfs_metafile_type	metatype;
		enum xfs_failure_itype	want;
	} t[] = {
		{ "regular file", &sb, 200, S_IFREG | 0644, false, 0, XFS_FAILURE_ITYPE_REG },
		{ "directory", &sb, 200, S_IFDIR | 0755, false, 0, XFS_FAILURE_ITYPE_DIR },
		{ "symlink", &sb, 200, S_IFLNK | 0777, false, 0, XFS_FAILURE_ITYPE_SYMLINK },
		{ "fifo", &sb, 200, S_IFIFO | 0644, false, 0, XFS_FAILURE_ITYPE_UNKNOWN },
		{ "mode unknown", &sb, 200, 0, false, 0, XFS_FAILURE_ITYPE_UNKNOWN },
		{ "no sb, regular", NULL, 129, S_IFREG, false, 0, XFS_FAILURE_ITYPE_REG },
		{ "sb rtbitmap", &sb, 129, S_IFREG, false, 0, XFS_FAILURE_ITYPE_RTBITMAP },
		{ "sb rtbitmap, mode unknown", &sb, 129, 0, false, 0, XFS_FAILURE_ITYPE_RTBITMAP },
		{ "sb rtsummary", &sb, 130, S_IFREG, false, 0, XFS_FAILURE_ITYPE_RTSUMMARY },
		{ "sb usrquota", &sb, 131, S_IFREG, false, 0, XFS_FAILURE_ITYPE_QUOTA },
		{ "sb grpquota", &sb, 132, 0, false, 0, XFS_FAILURE_ITYPE_QUOTA },
		{ "NULLFSINO names nothing", &sb, NULLFSINO, S_IFREG, false, 0, XFS_FAILURE_ITYPE_REG },
		{ "metadir root without metadir", &sb, 133, S_IFDIR, false, 0, XFS_FAILURE_ITYPE_DIR },
		{ "metadir dir", NULL, 300, S_IFDIR, true, XFS_METAFILE_DIR, XFS_FAILURE_ITYPE_METADIR },
		{ "metadir usrquota", NULL, 300, S_IFREG, true, XFS_METAFILE_USRQUOTA, XFS_FAILURE_ITYPE_QUOTA },
		{ "metadir grpquota", NULL, 300, S_IFREG, true, XFS_METAFILE_GRPQUOTA, XFS_FAILURE_ITYPE_QUOTA },
		{ "metadir prjquota", NULL, 300, S_IFREG, true, XFS_METAFILE_PRJQUOTA, XFS_FAILURE_ITYPE_QUOTA },
		{ "metadir rtbitmap", NULL, 300, S_IFREG, true, XFS_METAFILE_RTBITMAP, XFS_FAILURE_ITYPE_RTBITMAP },
		{ "metadir rtsummary", NULL, 300, S_IFREG, true, XFS_METAFILE_RTSUMMARY, XFS_FAILURE_ITYPE_RTSUMMARY },
		{ "metadir of unknown type", &sb, 200, S_IFREG, true, XFS_METAFILE_UNKNOWN, XFS_FAILURE_ITYPE_UNKNOWN },
		{ "metadir type wins over sb", &sb, 129, S_IFREG, true, XFS_METAFILE_DIR, XFS_FAILURE_ITYPE_METADIR },
#ifdef XFS_RTRMAP_CRC_MAGIC
		{ "metadir rtrmap", NULL, 300, S_IFREG, true, XFS_METAFILE_RTRMAP, XFS_FAILURE_ITYPE_RTRMAP },
#endif
#ifdef XFS_RTREFC_CRC_MAGIC
		{ "metadir rtrefcount", NULL, 300, S_IFREG, true, XFS_METAFILE_RTREFCOUNT, XFS_FAILURE_ITYPE_RTREFC },
#endif
	};
	struct xfs_sb	msb = sb;

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		enum xfs_failure_itype got = xfs_failure_inode_itype(t[i].sb,
				t[i].ino, t[i].mode, t[i].metafile,
				t[i].metatype);

		CHECK(got == t[i].want, "%s: got %s, want %s", t[i].what,
				xfs_failure_itype_name(got),
				xfs_failure_itype_name(t[i].want));
	}
	/* The metadir root is named only where the superblock has metadir. */
	msb.sb_features_incompat = XFS_SB_FEAT_INCOMPAT_METADIR;
	CHECK(xfs_failure_inode_itype(&msb, 133, S_IFDIR, false,
			XFS_METAFILE_UNKNOWN) == XFS_FAILURE_ITYPE_METADIR,
			"metadir root from the sb");
	msb.sb_versionnum = XFS_SB_VERSION_4;
	CHECK(xfs_failure_inode_itype(&msb, 133, S_IFDIR, false,
			XFS_METAFILE_UNKNOWN) == XFS_FAILURE_ITYPE_DIR,
			"metadir bit of a v4 superblock");
}

static void
test_names(void)
{
	CHECK(!strcmp(xfs_failure_owner_name(XFS_FOWN_NR), "unknown"), "owner");
	CHECK(!strcmp(xfs_failure_consequence_name(XFS_FAILURE_CONSEQUENCE_NR),
			"fatal"), "consequence");
	CHECK(!strcmp(xfs_failure_dev_name(XFS_FAILURE_DEV_RT), "rt"), "dev");
	CHECK(!strcmp(xfs_failure_itype_name(XFS_FAILURE_ITYPE_DIR),
			"directory"), "itype");
	CHECK(!strcmp(xfs_failure_itype_name(XFS_FAILURE_ITYPE_NR), "unknown"),
			"itype NR");
}

int
main(
	int		argc,
	char		**argv)
{
	verbose = argc > 1 && !strcmp(argv[1], "-v");
	test_decisions();
	test_fields();
	test_clip();
	test_range_check();
	test_device_loss();
	test_groups();
	test_big();
	test_rt();
	test_log();
	test_inode_itype();
	test_names();
	printf("core-test: %zu decision rows, %d checks, %d failed\n",
			sizeof(rows) / sizeof(rows[0]), checks, failures);
	return failures ? 1 : 0;
}
