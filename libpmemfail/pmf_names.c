// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Copyright (c) 2026 The pmemfail authors.
 *
 * Names of owners, consequences and devices: the shared core's, so that
 * every front end prints the same words.
 */
#include "pmf_priv.h"

const char *
pmf_owner_name(
	enum pmf_owner		owner)
{
	return xfs_failure_owner_name((enum xfs_failure_owner)owner);
}

const char *
pmf_consequence_name(
	enum pmf_consequence	c)
{
	return xfs_failure_consequence_name((enum xfs_failure_consequence)c);
}

const char *
pmf_device_name(
	enum pmf_device		dev)
{
	return xfs_failure_dev_name((enum xfs_failure_dev)dev);
}
