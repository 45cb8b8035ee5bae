/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (c) 2026 The pmemfail authors.
 *
 * Targeted online scrub and repair: the structures an impact report names,
 * checked and rebuilt by the kernel through XFS_IOC_SCRUB_METADATA.
 */
#ifndef PMF_SCRUB_H
#define PMF_SCRUB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "pmemfail.h"

/* One structure for the kernel to scrub: an XFS_SCRUB_TYPE_* and its key. */
struct pmf_scrub_target {
	uint32_t	type;		/* XFS_SCRUB_TYPE_* */
	uint32_t	agno;		/* per-AG types, else 0 */
	uint64_t	ino;		/* per-inode types, else 0 */
	uint32_t	gen;		/* its generation, from bulkstat */
};

struct pmf_scrub_set {
	struct pmf_scrub_target	*v;
	size_t			nr;
	size_t			cap;
};

/* What the kernel said about a structure, worst bit first. */
enum pmf_scrub_state {
	PMF_SCRUB_OK = 0,
	PMF_SCRUB_PREEN,	/* could be optimised */
	PMF_SCRUB_WARNING,	/* something odd, not corruption */
	PMF_SCRUB_INCOMPLETE,	/* the check could not finish */
	PMF_SCRUB_XFAIL,	/* a cross-reference check failed */
	PMF_SCRUB_XCORRUPT,	/* disagrees with other metadata */
	PMF_SCRUB_CORRUPT,
};

/* Inode facts a per-inode target needs, from XFS_IOC_BULKSTAT. */
struct pmf_scrub_inode {
	uint32_t	gen;
	uint16_t	mode;		/* S_IF* of the inode */
	bool		found;
};

int pmf_scrub_set_add(struct pmf_scrub_set *set, uint32_t type,
		uint32_t agno, uint64_t ino, uint32_t gen);
int pmf_scrub_add_impact(struct pmf_scrub_set *set,
		const struct pmf_impact *imp, uint64_t features,
		int (*stat)(uint64_t ino, struct pmf_scrub_inode *si, void *priv),
		void *priv);
void pmf_scrub_set_sort(struct pmf_scrub_set *set, size_t from);
void pmf_scrub_set_free(struct pmf_scrub_set *set);

int pmf_scrub_probe(int fd, bool repair);
int pmf_scrub_one(int fd, const struct pmf_scrub_target *t, bool repair,
		uint32_t *oflags);
int pmf_scrub_bulkstat(int fd, uint64_t ino, struct pmf_scrub_inode *si);

enum pmf_scrub_state pmf_scrub_state(uint32_t oflags);
const char *pmf_scrub_state_name(enum pmf_scrub_state s);
const char *pmf_scrub_type_name(uint32_t type);
bool pmf_scrub_type_per_ag(uint32_t type);
bool pmf_scrub_type_per_inode(uint32_t type);

#endif /* PMF_SCRUB_H */
