/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (c) 2026 The pmemfail authors.
 *
 * Decide what a failed range of an XFS device means, one reverse-mapping
 * record at a time.  This is shared, unchanged, between the kernel's
 * ->notify_failure() handler, the offline engine (libxfs) and the online
 * engine (GETFSMAP): none of them may decide differently.  It does no I/O and
 * allocates nothing; callers pass in the geometry and the records.
 *
 * The includer provides the XFS types (xfs_platform.h, xfs_format.h) first.
 */
#ifndef __XFS_FAILURE_H__
#define __XFS_FAILURE_H__

struct xfs_rmap_irec;

enum xfs_failure_dev {
	XFS_FAILURE_DEV_DATA = 0,
	XFS_FAILURE_DEV_LOG,
	XFS_FAILURE_DEV_RT,
	XFS_FAILURE_DEV_NR,
};

/* What owned the damaged blocks. */
enum xfs_failure_owner {
	XFS_FOWN_UNKNOWN = 0,	/* OWN_UNKNOWN / OWN_NULL or undecodable */
	XFS_FOWN_FILE_DATA,	/* data fork mapping of an inode */
	XFS_FOWN_ATTR,		/* attr fork mapping (leaf/node/remote) */
	XFS_FOWN_BMBT,		/* data fork bmbt block */
	XFS_FOWN_ATTR_BMBT,	/* attr fork bmbt block */
	XFS_FOWN_INODES,	/* inode chunk */
	XFS_FOWN_FS_HEADERS,	/* sb, agf, agi, agfl sectors */
	XFS_FOWN_AG_BTREE,	/* bnobt, cntbt, rmapbt (all OWN_AG) */
	XFS_FOWN_BNOBT,
	XFS_FOWN_CNTBT,
	XFS_FOWN_RMAPBT,
	XFS_FOWN_INOBT,		/* inobt or finobt (OWN_INOBT) */
	XFS_FOWN_FINOBT,
	XFS_FOWN_REFCOUNTBT,
	XFS_FOWN_COW,		/* CoW staging extent */
	XFS_FOWN_LOG,
	XFS_FOWN_FREE,		/* free space: no owner */
	XFS_FOWN_NR,
};

/* What the loss of the owner means for the filesystem. */
enum xfs_failure_consequence {
	XFS_FAILURE_NO_LOSS = 0,	/* free, unwritten, unused, dead log */
	XFS_FAILURE_DATA_LOST,		/* file data, xattrs or inodes gone */
	XFS_FAILURE_REBUILDABLE,	/* metadata other metadata can rebuild */
	XFS_FAILURE_FATAL,		/* the filesystem must go down */
	XFS_FAILURE_CONSEQUENCE_NR,
};

/*
 * What kind of inode owns a data fork or bmbt block.  The rmap record
 * cannot say, so the caller asks xfs_failure_inode_itype() with what it
 * knows (the kernel: an inode in memory; offline: the inode read through
 * libxfs; online: bulkstat) and passes the answer in with
 * xfs_failure_set_itype(); UNKNOWN gets the conservative answer.
 */
enum xfs_failure_itype {
	XFS_FAILURE_ITYPE_UNKNOWN = 0,
	XFS_FAILURE_ITYPE_REG,		/* regular file */
	XFS_FAILURE_ITYPE_DIR,		/* directory */
	XFS_FAILURE_ITYPE_SYMLINK,	/* symbolic link */
	XFS_FAILURE_ITYPE_RTBITMAP,	/* metadata files from here on */
	XFS_FAILURE_ITYPE_RTSUMMARY,
	XFS_FAILURE_ITYPE_QUOTA,	/* user, group or project quota */
	XFS_FAILURE_ITYPE_METADIR,	/* metadata directory */
	XFS_FAILURE_ITYPE_RTRMAP,	/* realtime rmap btree */
	XFS_FAILURE_ITYPE_RTREFC,	/* realtime refcount btree */
	XFS_FAILURE_ITYPE_NR,
};

/*
 * Impact flags.  SHARED and the LOG flags are also the hints a caller
 * passes in: whether a data extent is reflinked (from the refcount btree);
 * whether a log hit touches the part of the log in use (between tail and
 * head, or the last record of a clean log); and whether the log holds
 * changes not yet written back.  The kernel always sets both log hints; an
 * offline caller clears them only when it read the log and proved it.
 */
#define XFS_FAILURE_UNWRITTEN	(1U << 0)	/* unwritten extent */
#define XFS_FAILURE_SHARED	(1U << 1)	/* reflinked extent */
#define XFS_FAILURE_LOG_LIVE	(1U << 2)	/* hits the log in use */
#define XFS_FAILURE_LOG_DIRTY	(1U << 3)	/* log has unreplayed changes */
#define XFS_FAILURE_LOG_HINTS	(XFS_FAILURE_LOG_LIVE | XFS_FAILURE_LOG_DIRTY)

/* Which AG header sectors an XFS_FOWN_FS_HEADERS impact covers. */
#define XFS_FAILURE_HDR_SB	(1U << 0)
#define XFS_FAILURE_HDR_AGF	(1U << 1)
#define XFS_FAILURE_HDR_AGI	(1U << 2)
#define XFS_FAILURE_HDR_AGFL	(1U << 3)

/*
 * What the kernel does for one impact.  The choice depends on whether the
 * device is about to be removed (its contents are still intact, so nothing
 * is lost yet and the filesystem only has to let go of it) or the media has
 * already failed (the contents are gone).
 */
#define XFS_FAILURE_ACT_UNMAP	(1U << 0)	/* invalidate cached/DAX mappings */
#define XFS_FAILURE_ACT_KILL	(1U << 1)	/* SIGBUS the tasks mapping it */
#define XFS_FAILURE_ACT_RECORD	(1U << 2)	/* record the lost file range */
#define XFS_FAILURE_ACT_SICK	(1U << 3)	/* mark the structure sick */
#define XFS_FAILURE_ACT_SHUTDOWN (1U << 4)	/* shut the filesystem down */
#define XFS_FAILURE_ACT_OFFLINE	(1U << 5)	/* take the section offline */

enum xfs_failure_mode {
	XFS_FAILURE_MEDIA = 0,		/* contents lost */
	XFS_FAILURE_PRE_REMOVE,		/* device going away, contents intact */
	XFS_FAILURE_DEVICE_LOST,	/* whole device gone, fs goes on */
};

/*
 * The geometry the core needs, filled from the superblock by the caller.
 * Everything is in units the on-disk format defines, so that the kernel,
 * libxfs and GETFSMAP users fill it the same way.
 */
struct xfs_failure_geo {
	uint32_t	blocklog;	/* log2 of the fs block size */
	uint32_t	sectsize;	/* data device sector size, bytes */
	uint32_t	agcount;
	uint32_t	agblocks;	/* blocks per AG (the last may be short) */
	uint64_t	dblocks;	/* data device blocks */
	uint64_t	logblocks;	/* log blocks */
	uint64_t	logstart;	/* internal log start fsblock, 0 if external */
	uint64_t	rblocks;	/* realtime device blocks */
	uint32_t	rgblocks;	/* blocks per rtgroup, 0 without rtgroups */
};

/* A failed range of one device, in 512-byte sectors (daddr). */
struct xfs_failure_range {
	enum xfs_failure_dev	dev;
	uint64_t		daddr;
	uint64_t		bbcount;
};

/* One group's slice of a failed range: [low_agbno, high_agbno] inclusive. */
struct xfs_failure_group {
	uint32_t	agno;
	uint32_t	low_agbno;
	uint32_t	high_agbno;
};

/* What one record (or gap) of the failed range means. */
struct xfs_failure_impact {
	enum xfs_failure_dev		dev;
	enum xfs_failure_owner		owner;
	enum xfs_failure_consequence	consequence;
	uint64_t	daddr;		/* clipped start, 512-byte sectors */
	uint64_t	bbcount;	/* clipped length, 512-byte sectors */
	uint32_t	agno;		/* AG, or rtgroup (0 without rtgroups) */
	uint32_t	agbno;		/* unclipped record start in its group */
	uint32_t	blockcount;	/* length of the unclipped record */
	uint64_t	startblock;	/* unclipped record start, device block */
	uint64_t	ino;		/* inode owner, else 0 */
	uint64_t	offset;		/* clipped file offset, bytes */
	uint64_t	length;		/* clipped length, bytes */
	unsigned int	flags;		/* XFS_FAILURE_* flags */
	enum xfs_failure_itype itype;	/* inode owners: what kind */
	unsigned int	headers;	/* XFS_FAILURE_HDR_* for FS_HEADERS */
	unsigned int	act_media;	/* XFS_FAILURE_ACT_* if media failed */
	unsigned int	act_remove;	/* XFS_FAILURE_ACT_* if pre-remove */
};

int xfs_failure_range_check(const struct xfs_failure_geo *geo,
		struct xfs_failure_range *fr);
uint64_t xfs_failure_group_daddr(const struct xfs_failure_geo *geo,
		uint32_t agno, uint32_t agbno);
bool xfs_failure_next_group(const struct xfs_failure_geo *geo,
		const struct xfs_failure_range *fr,
		struct xfs_failure_group *grp);
void xfs_failure_first_group(struct xfs_failure_group *grp);
uint64_t xfs_failure_rtgroup_block(const struct xfs_failure_geo *geo,
		uint32_t rgno, uint32_t rgbno);
bool xfs_failure_next_rtgroup(const struct xfs_failure_geo *geo,
		const struct xfs_failure_range *fr,
		struct xfs_failure_group *grp);
bool xfs_failure_rmap_impact(const struct xfs_failure_geo *geo,
		const struct xfs_failure_range *fr, uint32_t agno,
		const struct xfs_rmap_irec *rec, unsigned int hints,
		struct xfs_failure_impact *imp);
bool xfs_failure_free_impact(const struct xfs_failure_geo *geo,
		const struct xfs_failure_range *fr, uint32_t agno,
		uint32_t agbno, uint32_t len, struct xfs_failure_impact *imp);
bool xfs_failure_rtmap_impact(const struct xfs_failure_geo *geo,
		const struct xfs_failure_range *fr, uint64_t rtblock,
		const struct xfs_rmap_irec *rec, unsigned int hints,
		struct xfs_failure_impact *imp);
bool xfs_failure_rtfree_impact(const struct xfs_failure_geo *geo,
		const struct xfs_failure_range *fr, uint64_t rtblock,
		uint64_t len, struct xfs_failure_impact *imp);
bool xfs_failure_log_impact(const struct xfs_failure_geo *geo,
		const struct xfs_failure_range *fr, unsigned int hints,
		struct xfs_failure_impact *imp);
bool xfs_failure_damage_impact(const struct xfs_failure_geo *geo,
		enum xfs_failure_owner owner, uint32_t agno, uint64_t daddr,
		uint64_t bbcount, struct xfs_failure_impact *imp);
enum xfs_failure_owner xfs_failure_btree_owner(uint32_t magic);
enum xfs_failure_owner xfs_failure_btree_block_owner(const void *buf,
		uint64_t daddr, uint32_t agno);
void xfs_failure_refine_owner(struct xfs_failure_impact *imp,
		enum xfs_failure_owner owner);
bool xfs_failure_wants_itype(const struct xfs_failure_impact *imp);
enum xfs_failure_itype xfs_failure_inode_itype(const struct xfs_sb *sb,
		uint64_t ino, uint16_t mode, bool metafile,
		enum xfs_metafile_type metatype);
void xfs_failure_set_itype(struct xfs_failure_impact *imp,
		enum xfs_failure_itype itype);
unsigned int xfs_failure_actions(const struct xfs_failure_impact *imp,
		enum xfs_failure_mode mode);
bool xfs_failure_range_whole(const struct xfs_failure_geo *geo,
		const struct xfs_failure_range *fr);
unsigned int xfs_failure_device_loss(const struct xfs_failure_geo *geo,
		enum xfs_failure_dev dev, bool rtrmap);
const char *xfs_failure_owner_name(enum xfs_failure_owner owner);
const char *xfs_failure_consequence_name(enum xfs_failure_consequence c);
const char *xfs_failure_dev_name(enum xfs_failure_dev dev);
const char *xfs_failure_itype_name(enum xfs_failure_itype itype);

#endif /* __XFS_FAILURE_H__ */
