// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Copyright (c) 2026 The pmemfail authors.
 *
 * Names of owners, consequences and devices: the shared core's, so that
 * every front end prints the same words.
 */
#include "pmf_priv.h"

/*
 * The public values are the core's, one for one, and the words printed
 * for them are the core's only (xfs_failure_*_name()).  Every value is
 * checked, the counts included, so that a value the core gains or moves
 * fails the build here until pmemfail.h has it too.  Two owners keep an
 * older public spelling: PMF_OWN_DATA and PMF_OWN_AG_HEADERS.
 */
#define PMF_SAME(pub, core) \
	_Static_assert((int)(pub) == (int)(core), #pub " is not " #core)

PMF_SAME(PMF_OWN_UNKNOWN,	XFS_FOWN_UNKNOWN);
PMF_SAME(PMF_OWN_DATA,		XFS_FOWN_FILE_DATA);
PMF_SAME(PMF_OWN_ATTR,		XFS_FOWN_ATTR);
PMF_SAME(PMF_OWN_BMBT,		XFS_FOWN_BMBT);
PMF_SAME(PMF_OWN_ATTR_BMBT,	XFS_FOWN_ATTR_BMBT);
PMF_SAME(PMF_OWN_INODES,	XFS_FOWN_INODES);
PMF_SAME(PMF_OWN_AG_HEADERS,	XFS_FOWN_FS_HEADERS);
PMF_SAME(PMF_OWN_AG_BTREE,	XFS_FOWN_AG_BTREE);
PMF_SAME(PMF_OWN_BNOBT,		XFS_FOWN_BNOBT);
PMF_SAME(PMF_OWN_CNTBT,		XFS_FOWN_CNTBT);
PMF_SAME(PMF_OWN_RMAPBT,	XFS_FOWN_RMAPBT);
PMF_SAME(PMF_OWN_INOBT,		XFS_FOWN_INOBT);
PMF_SAME(PMF_OWN_FINOBT,	XFS_FOWN_FINOBT);
PMF_SAME(PMF_OWN_REFCOUNTBT,	XFS_FOWN_REFCOUNTBT);
PMF_SAME(PMF_OWN_COW,		XFS_FOWN_COW);
PMF_SAME(PMF_OWN_LOG,		XFS_FOWN_LOG);
PMF_SAME(PMF_OWN_FREE,		XFS_FOWN_FREE);
PMF_SAME(PMF_OWN_NR,		XFS_FOWN_NR);

PMF_SAME(PMF_NO_LOSS,		XFS_FAILURE_NO_LOSS);
PMF_SAME(PMF_DATA_LOST,		XFS_FAILURE_DATA_LOST);
PMF_SAME(PMF_REBUILDABLE,	XFS_FAILURE_REBUILDABLE);
PMF_SAME(PMF_FATAL,		XFS_FAILURE_FATAL);
PMF_SAME(PMF_FATAL + 1,		XFS_FAILURE_CONSEQUENCE_NR);

PMF_SAME(PMF_DEV_DATA,		XFS_FAILURE_DEV_DATA);
PMF_SAME(PMF_DEV_LOG,		XFS_FAILURE_DEV_LOG);
PMF_SAME(PMF_DEV_RT,		XFS_FAILURE_DEV_RT);
PMF_SAME(PMF_DEV_RT + 1,	XFS_FAILURE_DEV_NR);

PMF_SAME(PMF_IMPACT_UNWRITTEN,	XFS_FAILURE_UNWRITTEN);
PMF_SAME(PMF_IMPACT_SHARED,	XFS_FAILURE_SHARED);
PMF_SAME(PMF_IMPACT_LOG_LIVE,	XFS_FAILURE_LOG_LIVE);
PMF_SAME(PMF_IMPACT_LOG_DIRTY,	XFS_FAILURE_LOG_DIRTY);

PMF_SAME(PMF_HDR_SB,		XFS_FAILURE_HDR_SB);
PMF_SAME(PMF_HDR_AGF,		XFS_FAILURE_HDR_AGF);
PMF_SAME(PMF_HDR_AGI,		XFS_FAILURE_HDR_AGI);
PMF_SAME(PMF_HDR_AGFL,		XFS_FAILURE_HDR_AGFL);

PMF_SAME(PMF_ACT_UNMAP,		XFS_FAILURE_ACT_UNMAP);
PMF_SAME(PMF_ACT_KILL,		XFS_FAILURE_ACT_KILL);
PMF_SAME(PMF_ACT_RECORD,	XFS_FAILURE_ACT_RECORD);
PMF_SAME(PMF_ACT_SICK,		XFS_FAILURE_ACT_SICK);
PMF_SAME(PMF_ACT_SHUTDOWN,	XFS_FAILURE_ACT_SHUTDOWN);

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
