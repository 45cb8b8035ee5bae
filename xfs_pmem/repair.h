/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (c) 2026 The pmemfail authors.
 *
 * xfs_pmem repair, split by job: repair.c parses the command line and runs
 * the steps, repair_wire.c carries records from a step's child process to
 * the parent, repair_plan.c makes and prints the plan, repair_apply.c
 * carries it out, repair_account.c says what became of every path,
 * repair_restore.c moves orphans back (--restore-orphans),
 * repair_manifest.c writes what was done as JSON, and undo.c is the undo
 * command.
 */
#ifndef XFS_PMEM_REPAIR_H
#define XFS_PMEM_REPAIR_H

#include <stdio.h>
#include "xfs_pmem.h"

/* fsck's exit codes, as xfs_repair's documentation promises them. */
#define REPAIR_EXIT_NOTHING	0	/* nothing to repair */
#define REPAIR_EXIT_FIXED	1	/* damage repaired */
#define REPAIR_EXIT_NEEDED	4	/* damage left (or, dry run, found) */

struct repair_args {
	struct xfs_pmem_target	t;
	const char		*data;
	const char		*undo;
	const char		*manifest;
	const char		*xfs_repair;
	bool			apply;
	bool			zap_log;
	bool			json;
	bool			restore_orphans;
	/* For the account step, which runs after the others. */
	const struct repair_plan *before;	/* the plan, with the inventory */
	const struct repair_plan *done;		/* what the data step did */
};

enum repair_kind {
	REPAIR_META		= 'M',	/* a damaged structure */
	REPAIR_DATA		= 'D',	/* a lost range of a file */
	REPAIR_QUARANTINE	= 'Q',	/* an extent quarantined */
	REPAIR_UNWRITTEN	= 'U',	/* lost, left unwritten in an rt extent */
	REPAIR_SUMMARY		= 'X',	/* the plan's verdict: meta, log */
	REPAIR_INVENTORY	= 'I',	/* a name of the tree before repair */
	REPAIR_FATE		= 'F',	/* a path not intact after repair */
	REPAIR_TALLY		= 'T',	/* the account's intact and unread */
	REPAIR_INUSE		= 'N',	/* inodes in use before, or 0 */
	REPAIR_ATTR		= 'A',	/* an inode whose xattrs are lost */
	REPAIR_RESTORE		= 'R',	/* an orphan moved back, or not */
};

/*
 * What --restore-orphans did with an orphaned path: a REPAIR_RESTORE
 * record's aux, for the REPAIR_FATE record at index start of the account.
 */
enum repair_restore {
	REPAIR_RESTORE_NONE = 0,	/* not tried */
	REPAIR_RESTORE_MOVED,		/* moved back to its old path */
	REPAIR_RESTORE_WITH_DIR,	/* back already, with its directory */
	REPAIR_RESTORE_LINKED,		/* linked back: another name went back */
	REPAIR_RESTORE_NO_NAME,		/* its old name is not known */
	REPAIR_RESTORE_NO_DIR,		/* its old directory is gone */
	REPAIR_RESTORE_TAKEN,		/* another file has its old name */
	REPAIR_RESTORE_ELSEWHERE,	/* another name went back; a directory */
	REPAIR_RESTORE_NR,
};

/* One record of a step, as the child sends it and the parent keeps it. */
struct repair_item {
	char			kind;		/* enum repair_kind */
	uint64_t		ino;		/* REPAIR_SUMMARY: xfs_repair needed */
	uint64_t		start;		/* device byte, or file offset;
						   REPAIR_SUMMARY: the log is hit */
	uint64_t		length;
	char			*owner;		/* REPAIR_META */
	char			*dev;
	char			*check;
	char			*detail;
	char			**paths;	/* REPAIR_DATA; REPAIR_INVENTORY:
						   its path; REPAIR_FATE: the
						   old path, then the new */
	uint32_t		npaths;
	uint64_t		aux;		/* REPAIR_INVENTORY: PMF_INV_*;
						   REPAIR_FATE: enum pmf_fate;
						   REPAIR_RESTORE: enum
						   repair_restore */
	/* REPAIR_FATE, in the parent only: what the restore step did. */
	enum repair_restore	restore;
};

struct repair_plan {
	struct repair_item	*items;
	size_t			nr;
	size_t			cap;
	bool			meta;		/* xfs_repair must run */
	bool			log;		/* ... with -L */
	uint64_t		data_bytes;
	uint64_t		quarantine_bytes;
	uint64_t		quarantine_ino;
	uint64_t		unwritten_bytes;	/* of data_bytes */
	uint64_t		inuse;		/* REPAIR_INUSE */
	bool			accounted;	/* the account step ran */
	uint64_t		restored;	/* orphaned paths moved back */
	struct pmf_account_sum	acct;
};

/* A repair step run in a child: 0, or an exit code after saying why. */
typedef int (*repair_step_fn)(const struct repair_args *ra, FILE *out);

/* repair_wire.c */
int repair_wire_put(FILE *f, const struct repair_item *it);
int repair_wire_get(FILE *f, struct repair_item *it);
void repair_item_free(struct repair_item *it);
int repair_item_set_paths(struct repair_item *it, const char * const *paths,
		uint32_t npaths);
int repair_plan_add(struct repair_plan *plan, struct repair_item *it);
void repair_plan_free(struct repair_plan *plan);

/* repair.c */
int repair_run_step(const struct repair_args *ra, repair_step_fn fn,
		struct repair_plan *plan);

/* repair_plan.c */
int repair_plan_step(const struct repair_args *ra, FILE *out);
void repair_print_plan(const struct repair_args *ra,
		const struct repair_plan *plan);

/* repair_apply.c */
int repair_apply(const struct repair_args *ra, const struct repair_plan *plan);

/* repair_account.c */
int repair_inventory_put(struct pmf_fs *fs, const struct xfs_pmem_ranges *rl,
		FILE *out);
int repair_account_step(const struct repair_args *ra, FILE *out);
void repair_print_account(const struct repair_plan *done);

/* repair_restore.c */
int repair_restore_step(const struct repair_args *ra, FILE *out);
int repair_restore_apply(struct repair_plan *done,
		const struct repair_plan *restored);
const char *repair_restore_name(enum repair_restore r);
bool repair_restore_back(enum repair_restore r);
void repair_print_restore(const struct repair_plan *done);

/* repair_manifest.c */
int repair_plan_json(const struct repair_plan *plan);
int repair_manifest(const struct repair_args *ra,
		const struct repair_plan *before, const struct repair_plan *done,
		const char *manifest, const char *undo, int xfs_repair_rc);

#endif /* XFS_PMEM_REPAIR_H */
