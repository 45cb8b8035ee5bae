// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (c) 2026 The pmemfail authors.
 *
 * Hooks our commands into xfs_db without touching its sources:
 * init_commands() calls fsmap_init(), and the link wraps that symbol
 * (-Wl,--wrap=fsmap_init) so that our commands register right after it.
 */
#include "libxfs.h"
#include "init.h"
#include "pmf_priv.h"
#include "pmf_db.h"

void __real_fsmap_init(void);
void __wrap_fsmap_init(void);

static struct pmf_fs	*pmf_db_handle;

void
__wrap_fsmap_init(void)
{
	__real_fsmap_init();
	pmfinfo_init();
	failmap_init();
}

/* The library's view of xfs_db's filesystem, made on first use. */
struct pmf_fs *
pmf_db_fs(void)
{
	if (!pmf_db_handle && pmf_attach(mp, &x, &pmf_db_handle))
		return NULL;
	return pmf_db_handle;
}
