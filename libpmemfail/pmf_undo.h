/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (c) 2026 The pmemfail authors.
 *
 * The undo file of xfs_pmem repair: shared by the write interposer
 * (xfs_pmem/undo_wrap.c, also built as libpmemfail-undo.so) and the replay.
 *
 * Layout: struct pmf_undo_hdr, then for each device a u32 path length, the
 * path and its u64 size at the start; then records, each a struct
 * pmf_undo_rec and rec.len bytes of the old contents.  All little endian,
 * as written on the machine that repairs.
 */
#ifndef PMF_UNDO_H
#define PMF_UNDO_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>

#define PMF_UNDO_MAGIC		"PMFUNDO1"
#define PMF_UNDO_REC_MAGIC	0x444e5550U	/* "PUND" */
#define PMF_UNDO_MAXDEV		3

#define PMF_UNDO_ENV_FILE	"PMF_UNDO_FILE"
#define PMF_UNDO_ENV_DEVICES	"PMF_UNDO_DEVICES"	/* path:path:path */
#define PMF_UNDO_ENV_KILL	"PMF_UNDO_KILL_AFTER"

struct pmf_undo_hdr {
	char		magic[8];
	uint32_t	ndev;
	uint32_t	pad;
};

struct pmf_undo_rec {
	uint32_t	magic;
	uint32_t	dev;		/* index into the header's devices */
	uint64_t	off;		/* byte offset on the device */
	uint64_t	len;		/* bytes of old contents that follow */
	uint32_t	crc;		/* CRC32c of those bytes */
	uint32_t	pad;
};

/* CRC32c (Castagnoli), bitwise: undo records are few. */
static inline uint32_t
pmf_undo_crc(
	uint32_t		crc,
	const void		*buf,
	size_t			len)
{
	const unsigned char	*p = buf;

	crc = ~crc;
	while (len--) {
		crc ^= *p++;
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0x82F63B78U & -(crc & 1));
	}
	return ~crc;
}

#endif /* PMF_UNDO_H */
