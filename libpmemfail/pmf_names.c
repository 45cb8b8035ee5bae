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

/*
 * The flags of @imp as the words every front end prints, comma-separated,
 * in a fixed order (doc/simulate-json.md, "flags"), into @buf; "" if none.
 * Returns @buf.
 */
char *
pmf_impact_flags_name(
	const struct pmf_impact	*imp,
	char			*buf,
	size_t			size)
{
	const struct {
		bool		set;
		const char	*name;
	} words[] = {
		{ imp->flags & PMF_IMPACT_UNWRITTEN,	"unwritten" },
		{ imp->flags & PMF_IMPACT_SHARED,	"shared" },
		{ imp->flags & PMF_IMPACT_LOG_LIVE,	"live-log" },
		{ imp->flags & PMF_IMPACT_LOG_DIRTY,	"dirty-log" },
		{ imp->unlinked,			"unlinked" },
		{ imp->metafile != NULL,		"metafile" },
		{ imp->flags & PMF_IMPACT_PATHS_PARTIAL, "paths-partial" },
		{ imp->flags & PMF_IMPACT_UNRESOLVED,	"unresolved" },
	};
	size_t			len = 0;

	if (!size)
		return buf;
	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		if (!words[i].set)
			continue;
		len += snprintf(buf + len, len < size ? size - len : 0, "%s%s",
				len ? "," : "", words[i].name);
	}
	return buf;
}
