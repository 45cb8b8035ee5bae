/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (c) 2026 The pmemfail authors.
 *
 * libpmemfail: what lived in a failed range of an XFS device.
 *
 * All functions return 0 or a negative errno.  After a failure,
 * pmf_errmsg() (or pmf_open_args.errmsg for pmf_open) holds a one-line
 * explanation.
 */
#ifndef PMEMFAIL_H
#define PMEMFAIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PMF_ERRMSG_LEN		256

enum pmf_device {
	PMF_DEV_DATA = 0,
	PMF_DEV_LOG,
	PMF_DEV_RT,
};

/* The shared core's enum xfs_failure_owner, checked in full (pmf_names.c). */
enum pmf_owner {
	PMF_OWN_UNKNOWN = 0,
	PMF_OWN_DATA,		/* file data */
	PMF_OWN_ATTR,		/* attr fork blocks */
	PMF_OWN_BMBT,		/* data fork bmbt block */
	PMF_OWN_ATTR_BMBT,	/* attr fork bmbt block */
	PMF_OWN_INODES,		/* inode chunk */
	PMF_OWN_AG_HEADERS,	/* sb, agf, agi, agfl */
	PMF_OWN_AG_BTREE,	/* bnobt, cntbt or rmapbt */
	PMF_OWN_BNOBT,
	PMF_OWN_CNTBT,
	PMF_OWN_RMAPBT,
	PMF_OWN_INOBT,		/* inobt or finobt */
	PMF_OWN_FINOBT,
	PMF_OWN_REFCOUNTBT,
	PMF_OWN_COW,		/* CoW staging */
	PMF_OWN_LOG,
	PMF_OWN_FREE,
	PMF_OWN_NR,
};

/* The core's enum xfs_failure_consequence, checked in full (pmf_names.c). */
enum pmf_consequence {
	PMF_NO_LOSS = 0,	/* free, unwritten, unused */
	PMF_DATA_LOST,		/* file data, xattrs or inodes lost */
	PMF_REBUILDABLE,	/* metadata repair can rebuild */
	PMF_FATAL,		/* the filesystem must shut down */
};

/* struct pmf_impact.flags, equal to the core's XFS_FAILURE_* flags */
#define PMF_IMPACT_UNWRITTEN	(1U << 0)
#define PMF_IMPACT_SHARED	(1U << 1)
#define PMF_IMPACT_LOG_LIVE	(1U << 2)	/* hits the log in use */
#define PMF_IMPACT_LOG_DIRTY	(1U << 3)	/* log has unreplayed changes */
/* Library only: a directory could not be read, so paths may be missing. */
#define PMF_IMPACT_PATHS_PARTIAL (1U << 16)
/*
 * PMF_QUERY_BEST_EFFORT only: metadata needed to resolve this part could
 * not be read (pmf_impact.unresolved says why).  An owner "unknown" impact
 * covers the rest of the AG slice; an inode chunk lacks its inode list.
 */
#define PMF_IMPACT_UNRESOLVED	(1U << 17)

/* struct pmf_impact.headers */
#define PMF_HDR_SB		(1U << 0)
#define PMF_HDR_AGF		(1U << 1)
#define PMF_HDR_AGI		(1U << 2)
#define PMF_HDR_AGFL		(1U << 3)

/* struct pmf_impact.act_media / act_remove */
#define PMF_ACT_UNMAP		(1U << 0)
#define PMF_ACT_KILL		(1U << 1)
#define PMF_ACT_RECORD		(1U << 2)
#define PMF_ACT_SICK		(1U << 3)
#define PMF_ACT_SHUTDOWN	(1U << 4)

/* pmf_open_args.flags */
#define PMF_OPEN_WRITE		(1U << 0)	/* read-write, for repair */
#define PMF_OPEN_UNMOUNTED	(1U << 1)	/* refuse read-only mounts too */
/* After an event: accept an external log with no records (it may be lost). */
#define PMF_OPEN_DAMAGED	(1U << 2)
/*
 * A data device mounted read-write is opened online, through its mount
 * point (see pmf_is_online()); -l and -r must then be the mount's devices.
 */
#define PMF_OPEN_MOUNTED	(1U << 3)

struct pmf_open_args {
	const char	*data;		/* data device or image */
	const char	*log;		/* external log, or NULL */
	const char	*rt;		/* realtime device, or NULL */
	unsigned int	flags;		/* PMF_OPEN_* */
	char		errmsg[PMF_ERRMSG_LEN];	/* out: why it failed */
};

struct pmf_fs;

int pmf_open(struct pmf_open_args *args, struct pmf_fs **fsp);
void pmf_close(struct pmf_fs *fs);
const char *pmf_errmsg(const struct pmf_fs *fs);

/*
 * Online: when pmf_open_args.data is a directory, it must be the mount
 * point of an XFS filesystem, and the handle asks the kernel (GETFSMAP,
 * inumbers, bulkstat, parent pointers) instead of reading the devices.  It
 * takes no log or realtime device and no PMF_OPEN_WRITE (write through the
 * kernel: pmf_open_inode()), and it does not use libxfs, so a process may
 * hold online handles besides its one offline one.  pmf_query() and
 * pmf_get_geometry() work as offline; the pmf_check_*, pmf_punch,
 * pmf_mark_lost and pmf_quarantine calls return -EOPNOTSUPP.
 */
bool pmf_is_online(const struct pmf_fs *fs);
/* The mount point's directory fd (owned by @fs), or -1 offline. */
int pmf_mount_fd(const struct pmf_fs *fs);
/* Open inode @ino by handle with open(2) @oflags: a new fd, or -errno. */
int pmf_open_inode(struct pmf_fs *fs, uint64_t ino, int oflags);

/* struct pmf_geometry.features */
#define PMF_FEAT_CRC		(1ULL << 0)
#define PMF_FEAT_FINOBT		(1ULL << 1)
#define PMF_FEAT_SPARSE_INODES	(1ULL << 2)
#define PMF_FEAT_RMAPBT		(1ULL << 3)
#define PMF_FEAT_REFLINK	(1ULL << 4)
#define PMF_FEAT_PARENT		(1ULL << 5)
#define PMF_FEAT_METADIR	(1ULL << 6)
#define PMF_FEAT_REALTIME	(1ULL << 7)	/* has a realtime section */
#define PMF_FEAT_RTGROUPS	(1ULL << 8)
#define PMF_FEAT_RTRMAP		(1ULL << 9)	/* realtime rmap on disk */
#define PMF_FEAT_EXTERNAL_LOG	(1ULL << 10)
#define PMF_FEAT_BIGTIME	(1ULL << 11)
#define PMF_FEAT_FTYPE		(1ULL << 12)

struct pmf_devinfo {
	const char	*path;		/* NULL if absent */
	uint64_t	size;		/* device or image size, bytes */
	uint64_t	fs_bytes;	/* part the filesystem uses */
};

struct pmf_geometry {
	char		uuid[37];
	char		label[13];
	uint32_t	blocksize;
	uint32_t	sectsize;
	uint32_t	inodesize;
	uint32_t	agcount;
	uint32_t	agblocks;
	uint64_t	dblocks;
	uint64_t	logblocks;
	uint64_t	logstart;	/* fs block of an internal log, else 0 */
	uint64_t	rblocks;
	uint32_t	rextsize;	/* realtime extent, fs blocks */
	uint64_t	rextents;
	uint64_t	icount;		/* allocated inodes (superblock counter) */
	uint64_t	features;	/* PMF_FEAT_* found on disk */
	bool		rtrmap_supported; /* this build can read rtrmap */
	bool		clean;		/* log is clean (unmounted cleanly) */
	struct pmf_devinfo dev[3];	/* indexed by enum pmf_device */
	const char	*mountpoint;	/* opened online: the mount point */
};

int pmf_get_geometry(struct pmf_fs *fs, struct pmf_geometry *geo);

/* A failed range of one device, in bytes. */
struct pmf_range {
	enum pmf_device	dev;
	uint64_t	offset;
	uint64_t	length;
};

/* An allocated inode inside a damaged inode chunk. */
struct pmf_inode_hit {
	uint64_t		ino;
	unsigned int		npaths;
	const char * const	*paths;
	const char		*metafile;	/* see pmf_impact.metafile */
	bool			unlinked;
	bool			paths_partial;	/* see PMF_IMPACT_PATHS_PARTIAL */
};

struct pmf_impact {
	enum pmf_device		dev;
	enum pmf_owner		owner;
	enum pmf_consequence	consequence;
	uint64_t		daddr;		/* clipped, 512-byte sectors */
	uint64_t		bbcount;
	/*
	 * The unclipped record: its AG (rtgroup on the realtime device, 0
	 * without rtgroups) and block in it, its length, and its first block
	 * counted from the start of the device (a realtime block need not fit
	 * @agbno).
	 */
	uint32_t		agno;
	uint32_t		agbno;
	uint32_t		blockcount;
	uint64_t		startblock;
	uint64_t		ino;		/* file owners, else 0 */
	uint64_t		offset;		/* clipped file offset, bytes */
	uint64_t		length;		/* clipped length, bytes */
	unsigned int		flags;		/* PMF_IMPACT_* */
	unsigned int		headers;	/* PMF_HDR_* */
	unsigned int		act_media;	/* PMF_ACT_* on media loss */
	unsigned int		act_remove;	/* PMF_ACT_* on device removal */
	/* Paths of @ino: every hard link; none for an unlinked inode. */
	unsigned int		npaths;
	const char * const	*paths;
	bool			unlinked;	/* allocated but in no directory */
	/* Metadata inode ("rtbitmap", "usrquota", ...), or NULL. */
	const char		*metafile;
	/* PMF_OWN_INODES: the allocated inodes in the damaged part. */
	unsigned int		ninodes;
	const struct pmf_inode_hit *inodes;
	/* With PMF_IMPACT_UNRESOLVED: why, in one line. */
	const char		*unresolved;
};

/*
 * The inventory: the directory tree walked from the root as far as it
 * reads, one entry per name (hard links give one entry each), offline
 * only.  Taken on a damaged filesystem before xfs_repair and again after,
 * so that pmf_account() can say what became of every path.
 */
#define PMF_INV_DIR		(1U << 0)	/* a directory */
#define PMF_INV_UNREAD		(1U << 1)	/* its inode (or, a directory,
						   its entries) did not read */
#define PMF_INV_IN_RANGE	(1U << 2)	/* its inode is in a failed range */
/*
 * Below a directory that did not read, found by the inode scan of the AGs
 * whose inode btree reads: the path is that directory's followed by '/'
 * (the names from there down are known, the one in it is not).
 */
#define PMF_INV_DETACHED	(1U << 3)
/*
 * Its inode did not read (PMF_INV_UNREAD too): generation and link count
 * are unknown, so the inode number alone says whether it lives on.
 */
#define PMF_INV_NOSTAT		(1U << 4)

struct pmf_inv_entry {
	uint64_t	ino;
	uint64_t	parent;		/* the directory naming it */
	char		*path;		/* "/a/b"; the root is "/" */
	uint32_t	gen;		/* inode generation: catches reuse */
	uint32_t	nlink;		/* link count on disk; 0 if unread */
	unsigned int	flags;		/* PMF_INV_* */
};

struct pmf_inv {
	struct pmf_inv_entry *v;
	size_t		nr;
	size_t		cap;
	/* Files and directories in use per the superblock; 0: unknown. */
	uint64_t	inuse;
};

int pmf_inventory_take(struct pmf_fs *fs, const struct pmf_range *ranges,
		size_t nranges, struct pmf_inv *inv);
int pmf_inv_add(struct pmf_inv *inv, const struct pmf_inv_entry *e);
void pmf_inv_free(struct pmf_inv *inv);

/* What became of a path of the inventory that is not intact. */
enum pmf_fate {
	PMF_FATE_DATA_LOST = 0,	/* same file, same name; holes where lost */
	PMF_FATE_INODE_LOST,	/* the file is gone */
	PMF_FATE_NAME_LOST,	/* the file lives, under other names only */
	PMF_FATE_ORPHANED,	/* moved by xfs_repair into lost+found */
	PMF_FATE_ATTR_LOST,	/* extended attributes lost */
	PMF_FATE_NR,
};

/*
 * One path's fate.  @path ends in '/' when only the directory is known:
 * the name was in a directory that did not read (no parent pointers).
 * @now is the path the file has now (orphaned, name-lost), or NULL.
 */
struct pmf_fate_row {
	enum pmf_fate	fate;
	uint64_t	ino;
	const char	*path;
	const char	*now;
};

struct pmf_account_sum {
	uint64_t	intact;			/* paths intact, data and all */
	uint64_t	n[PMF_FATE_NR];		/* paths per fate */
	uint64_t	unread_dirs;		/* directories that did not read */
	/*
	 * Inodes in use before that neither tree names (lost together with
	 * every directory naming them), from the superblock's count; valid
	 * only if @unaccounted_known.
	 */
	uint64_t	unaccounted;
	bool		unaccounted_known;
};

typedef int (*pmf_fate_fn)(const struct pmf_fate_row *row, void *priv);

int pmf_account(const struct pmf_inv *before, const struct pmf_inv *after,
		const uint64_t *data_lost, size_t ndata_lost,
		const uint64_t *attr_lost, size_t nattr_lost, uint64_t skip_ino,
		pmf_fate_fn fn, void *priv, struct pmf_account_sum *sum);
const char *pmf_fate_name(enum pmf_fate fate);

/*
 * Move inode @ino from absolute path @from (its lost+found path) back to
 * @to (its path before the repair), offline, on a filesystem opened with
 * PMF_OPEN_WRITE, in one rename transaction.  0 when moved; 1 when @to
 * names @ino already (it went back with its directory); 2 when @from no
 * longer names @ino (it went back under another of its names) and @to was
 * made a hard link to it; -ENOENT or -ENOTDIR when @to's directory is
 * gone, -EEXIST when @to names another file, -ESTALE when @from no longer
 * names @ino and it cannot be linked, -EINVAL for a path that cannot be
 * one.  Nothing is created but that link, and nothing replaced.
 */
int pmf_restore_path(struct pmf_fs *fs, uint64_t ino, const char *from,
		const char *to);

/* pmf_query() flags */
#define PMF_QUERY_PATHS		(1U << 0)	/* resolve paths */
#define PMF_QUERY_SCAN		(1U << 1)	/* scan inodes, not rmap */
/*
 * Damaged metadata in one AG (corrupt or unreadable) does not end the
 * query: what cannot be resolved is reported as PMF_IMPACT_UNRESOLVED.
 * For looking at a filesystem after an event; rmap engine only.
 */
#define PMF_QUERY_BEST_EFFORT	(1U << 2)
/*
 * Call @fn from a thread of the library's, one impact after the other and
 * in the same order, while the walk goes on to the next batch: for a
 * callback that only formats or counts, so that a big report takes both
 * CPUs.  @fn must then not call into @fs (pmf_check_impact() included),
 * and must not return before it is done with what the impact points to.
 */
#define PMF_QUERY_THREADED	(1U << 3)

/* Return non-zero to stop the query; pmf_query() then returns it. */
typedef int (*pmf_impact_fn)(const struct pmf_impact *imp, void *priv);

int pmf_query(struct pmf_fs *fs, const struct pmf_range *range,
		unsigned int flags, pmf_impact_fn fn, void *priv);

/*
 * A query that must read every inode (PMF_QUERY_SCAN, a filesystem without
 * rmapbt, a realtime device without realtime rmap) reports how many of the
 * allocated inodes it has seen; @total is the superblock's count.  A call
 * with both 0 ends the scan.  The callback must not call into @fs.
 */
typedef void (*pmf_progress_fn)(uint64_t done, uint64_t total, void *priv);

void pmf_set_progress(struct pmf_fs *fs, pmf_progress_fn fn, void *priv);

/*
 * After an event: read back what an impact names and check it.  Metadata
 * blocks go through libxfs's CRC and structure checks; file data has no
 * checksum, so it is only read, to find I/O errors.  Ordered from best to
 * worst.  Nothing is written.  May be called from a pmf_query() callback.
 */
enum pmf_check {
	PMF_CHECK_NONE = 0,	/* nothing lived there (free space, CoW) */
	PMF_CHECK_INTACT,	/* metadata that passes its checks */
	PMF_CHECK_READABLE,	/* file data read back without an error */
	PMF_CHECK_UNCHECKED,	/* cannot be checked offline (log, unknown) */
	PMF_CHECK_CORRUPT,	/* fails its CRC or structure checks */
	PMF_CHECK_UNREADABLE,	/* the device returned an error */
};

struct pmf_check_result {
	enum pmf_check	check;		/* the worst block's */
	unsigned int	blocks;		/* blocks (or header sectors) read */
	unsigned int	bad_blocks;	/* corrupt or unreadable ones */
	char		detail[160];	/* one line on the worst block */
};

int pmf_check_impact(struct pmf_fs *fs, const struct pmf_impact *imp,
		struct pmf_check_result *res);

/*
 * A damaged metadata block found by pmf_check_ag(), with what losing it
 * means, decided as for an impact of that owner.
 */
struct pmf_damage {
	enum pmf_owner		owner;
	uint32_t		agno;
	uint64_t		daddr;		/* data device, 512-byte sectors */
	uint64_t		bbcount;
	struct pmf_check_result	res;
	enum pmf_consequence	consequence;
	unsigned int		headers;	/* PMF_HDR_* */
	unsigned int		act_media;	/* PMF_ACT_* */
	unsigned int		act_remove;
};

/* Return non-zero to stop the sweep; pmf_check_ag() then returns it. */
typedef int (*pmf_damage_fn)(const struct pmf_damage *d, void *priv);

/*
 * Check the headers and every block of the per-AG btrees of AG @agno that
 * is reachable from intact parents, and report the damaged ones: what a
 * prediction made from damaged metadata can miss.  Needs metadata CRCs
 * (v5); finds nothing on older filesystems.
 */
int pmf_check_ag(struct pmf_fs *fs, uint32_t agno, pmf_damage_fn fn,
		void *priv);
const char *pmf_check_name(enum pmf_check check);

/*
 * What a whole answer means, decided once for every command: add each
 * impact of a query (pmf_tally_impact), and for a check what checking it
 * found (pmf_tally_check) and the damage a sweep found outside it
 * (pmf_tally_damage); then ask for the loss bits, the verdict and the next
 * step.  With @verify the answer is about what the checks found, else about
 * the prediction.  The fields are the library's; read them, don't set them.
 */
#define PMF_LOSS_DATA		(1U << 0)	/* file data, xattrs or inodes */
#define PMF_LOSS_META		(1U << 1)	/* rebuildable metadata */
#define PMF_LOSS_FATAL		(1U << 2)	/* loss that shuts the fs down */

struct pmf_tally {
	bool		verify;
	unsigned int	predicted;	/* PMF_LOSS_* of the prediction */
	unsigned int	found;		/* PMF_LOSS_* that checking found */
	bool		log_hit;	/* the log must be reformatted */
	bool		log_lost;	/* unreplayed log changes are lost */
	bool		log_dirty_intact; /* dirty, its live part intact */
};

void pmf_tally_init(struct pmf_tally *t, bool verify);
void pmf_tally_impact(struct pmf_tally *t, const struct pmf_impact *imp);
void pmf_tally_check(struct pmf_tally *t, const struct pmf_impact *imp,
		const struct pmf_check_result *chk);
void pmf_tally_damage(struct pmf_tally *t, const struct pmf_damage *d);
unsigned int pmf_tally_loss(const struct pmf_tally *t);
const char *pmf_tally_verdict(const struct pmf_tally *t);
const char *pmf_tally_next_step(const struct pmf_tally *t);

/*
 * Is @imp a range of a file's data that repair unmaps, as the kernel does
 * on a media failure (the core's PMF_ACT_UNMAP)?  Directory, symlink and
 * metadata file blocks are not: xfs_repair rebuilds those.
 */
bool pmf_impact_unmaps(const struct pmf_impact *imp);
bool pmf_impact_loses_attrs(const struct pmf_impact *imp);

/*
 * Repair, on a filesystem opened with PMF_OPEN_WRITE whose metadata is
 * consistent (xfs_repair has run) and whose log is clean.  pmf_punch()
 * unmaps [offset, offset + length) bytes (widened to whole blocks) of
 * inode @ino, which then read back as a hole (on a realtime file, the lost
 * blocks of an rt extent lost only in part are turned unwritten instead:
 * they read zeros but stay allocated; see pmf_mapped()); pmf_mark_lost() appends
 * "offset length" to the inode's trusted.pmemfail.lost attribute.
 */
int pmf_punch(struct pmf_fs *fs, uint64_t ino, uint64_t offset,
		uint64_t length);
int pmf_mark_lost(struct pmf_fs *fs, uint64_t ino, uint64_t offset,
		uint64_t length);
/*
 * Allocate the free data device blocks that the extents cover (whole
 * blocks) to /pmemfail-quarantine, made when first needed, so that they
 * are never handed out again.  Its file offsets are the blocks' own
 * filesystem block numbers.  They are taken out of free space before the
 * file is made, so its inode cannot land on them.  @ino returns its inode.
 */
struct pmf_extent {
	uint64_t	daddr;		/* data device, 512-byte sectors */
	uint64_t	bbcount;
};

int pmf_quarantine(struct pmf_fs *fs, const struct pmf_extent *ext,
		size_t n, uint64_t *ino);
/*
 * The same on the realtime device (no realtime rmap): @ext in rt device
 * sectors, every rt extent they touch allocated whole, at its own place, to
 * the realtime file /pmemfail-quarantine-rt, at a file offset equal to its
 * rt block number.
 */
int pmf_quarantine_rt(struct pmf_fs *fs, const struct pmf_extent *ext,
		size_t n, uint64_t *ino);
/*
 * Call @fn for each mapped piece of bytes [offset, offset + length) of
 * inode @ino (widened to whole blocks), in file order, with whether it is
 * unwritten.  After pmf_punch() on a realtime file whose rt extents are
 * larger than a block, what is left mapped is the lost part of partial rt
 * extents, turned unwritten: it reads zeros but stays allocated.
 */
typedef int (*pmf_mapped_fn)(uint64_t offset, uint64_t length,
		bool unwritten, void *priv);
int pmf_mapped(struct pmf_fs *fs, uint64_t ino, uint64_t offset,
		uint64_t length, pmf_mapped_fn fn, void *priv);

/*
 * Undo files (xfs_pmem repair --undo): create one naming the devices whose
 * overwritten bytes it will hold, and replay one, newest record first.
 * @nrec returns the records replayed (or, with @dry_run, found).
 */
int pmf_undo_create(const char *file, const char * const *devs,
		unsigned int ndev, char *errmsg, size_t len);
int pmf_undo_replay(const char *file, bool dry_run, uint64_t *nrec,
		char *errmsg, size_t len);

/*
 * "N[unit]" to bytes: no unit is bytes, b is filesystem blocks of
 * @blocksize, s is 512-byte sectors, k/m/g/t (or KiB...) binary multiples.
 */
int pmf_parse_size(const char *str, uint32_t blocksize, uint64_t *bytes);
/* "data", "log", "rt" (or "realtime") */
int pmf_parse_device(const char *str, enum pmf_device *dev);

const char *pmf_owner_name(enum pmf_owner owner);
const char *pmf_consequence_name(enum pmf_consequence c);
/* Room for every flag word of an impact, comma-separated. */
#define PMF_FLAGS_NAME_MAX	96
char *pmf_impact_flags_name(const struct pmf_impact *imp, char *buf,
		size_t size);
const char *pmf_device_name(enum pmf_device dev);

#ifdef __cplusplus
}
#endif

#endif /* PMEMFAIL_H */
