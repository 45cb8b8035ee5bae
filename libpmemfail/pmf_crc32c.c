// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Copyright (c) 2026 The pmemfail authors.
 *
 * libxfs checks the CRC of every metadata block and inode it reads with
 * libfrog's table-driven crc32c_le().  A whole-device query checks each
 * inode twice (as the owner of its data and in its chunk): on two million
 * inodes that was an eighth of the time.  Where the CPU has SSE4.2's crc32
 * instruction (what the kernel's crc32c-intel uses), compute the same CRC
 * with it.  Every link of libxfs goes through here (-Wl,--wrap=crc32c_le,
 * Makefile.am), so libxfs's verifiers and ours agree on one function.
 */
#include "pmf_priv.h"

uint32_t __real_crc32c_le(uint32_t crc, unsigned char const *p, size_t len);
uint32_t __wrap_crc32c_le(uint32_t crc, unsigned char const *p, size_t len);

#if defined(__x86_64__)
/*
 * crc32c_le()'s contract: Castagnoli, bit-reflected, the running value
 * neither inverted on entry nor on exit, exactly what crc32 computes.
 */
__attribute__((target("sse4.2")))
static uint32_t
pmf_crc32c_sse42(
	uint32_t		crc,
	const unsigned char	*p,
	size_t			len)
{
	uint64_t		c = crc;

	for (; len && ((uintptr_t)p & 7); len--, p++)
		c = __builtin_ia32_crc32qi(c, *p);
	for (; len >= 8; len -= 8, p += 8) {
		uint64_t	v;

		memcpy(&v, p, sizeof(v));
		c = __builtin_ia32_crc32di(c, v);
	}
	for (; len; len--, p++)
		c = __builtin_ia32_crc32qi(c, *p);
	return c;
}
#endif

uint32_t
__wrap_crc32c_le(
	uint32_t		crc,
	unsigned char const	*p,
	size_t			len)
{
#if defined(__x86_64__)
	static int		sse42 = -1;

	if (sse42 < 0)
		sse42 = __builtin_cpu_supports("sse4.2");
	if (sse42)
		return pmf_crc32c_sse42(crc, p, len);
#endif
	return __real_crc32c_le(crc, p, len);
}
