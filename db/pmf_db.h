/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (c) 2026 The pmemfail authors.
 *
 * pmemfail commands for xfs_db.
 */
#ifndef PMF_DB_H
#define PMF_DB_H

struct pmf_fs;

void pmfinfo_init(void);
void failmap_init(void);
struct pmf_fs *pmf_db_fs(void);

#endif /* PMF_DB_H */
