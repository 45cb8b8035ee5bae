// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (c) 2026 The pmemfail authors.
 *
 * The options every command shares: the devices (-l, -r), the failed range
 * (--device, --offset, --length, --whole) and the output (-o, -J, -R, -n,
 * -b), taken and checked in one place so that each command refuses the
 * same mistakes with the same words.
 */
#include <errno.h>
#include <string.h>
#include "xfs_pmem.h"

/* Take @c if it is a device or range option; false if it is not one. */
bool
xfs_pmem_target_opt(
	struct xfs_pmem_target	*t,
	int			c,
	const char		*arg)
{
	switch (c) {
	case 'l':			t->log = arg; return true;
	case 'r':			t->rt = arg; return true;
	case 'd':			t->device = arg; return true;
	case XFS_PMEM_OPT_OFFSET:	t->offset = arg; return true;
	case XFS_PMEM_OPT_LENGTH:	t->length = arg; return true;
	case XFS_PMEM_OPT_WHOLE:	t->whole = true; return true;
	case XFS_PMEM_OPT_BADBLOCKS:	t->badblocks = arg; return true;
	case XFS_PMEM_OPT_NDCTL:	t->ndctl = arg; return true;
	default:			return false;
	}
}

/* Take @c if it is an output option; false if it is not one. */
bool
xfs_pmem_out_opt(
	struct xfs_pmem_out	*out,
	int			c,
	const char		*arg)
{
	switch (c) {
	case 'o':	out->columns = arg; return true;
	case 'J':	out->json = true; return true;
	case 'R':	out->raw = true; return true;
	case 'n':	out->noheadings = true; return true;
	case 'b':	out->bytes = true; return true;
	default:	return false;
	}
}

/*
 * The device names @mask takes, joined by @sep, the last by @last:
 * "data|log|rt", or "data, log or rt".
 */
static void
xfs_pmem_devnames(
	unsigned int		mask,
	const char		*sep,
	const char		*last,
	char			*buf,
	size_t			size)
{
	unsigned int		n = __builtin_popcount(mask), i = 0;

	buf[0] = '\0';
	for (int d = PMF_DEV_DATA; d <= PMF_DEV_RT; d++) {
		if (!(mask & (1U << d)))
			continue;
		if (i)
			strncat(buf, i == n - 1 ? last : sep,
					size - strlen(buf) - 1);
		strncat(buf, pmf_device_name(d), size - strlen(buf) - 1);
		i++;
	}
}

/*
 * After the options: a device is named, and either a range or (where the
 * command takes them) --whole or a bad-block list.  A known device outside the command's mask is
 * left to the command, which knows why it does not take it.  0, or
 * -EINVAL after one line.
 */
int
xfs_pmem_target_check(
	struct xfs_pmem_target	*t)
{
	char			names[64];
	bool			range = t->offset && t->length;
	bool			partial = t->offset || t->length;
	bool			list = t->badblocks || t->ndctl;

	if (!t->device) {
		xfs_pmem_devnames(t->devmask, "|", "|", names, sizeof(names));
		xfs_pmem_err("%s: --device %s is required", t->cmd, names);
		return -EINVAL;
	}
	/* Exactly one of: a range, --whole, a list. */
	if (list ? (partial || t->whole || (t->badblocks && t->ndctl)) :
	    t->whole_ok ? (t->whole == partial || (!t->whole && !range)) :
	    !range) {
		xfs_pmem_err("%s: give --offset and --length%s%s", t->cmd,
				t->whole_ok ? ", or --whole" : "",
				t->list_ok ? ", or --badblocks or --ndctl-json" : "");
		return -EINVAL;
	}
	if (pmf_parse_device(t->device, &t->dev)) {
		xfs_pmem_devnames(t->devmask, ", ", " or ", names,
				sizeof(names));
		xfs_pmem_err("%s: unknown device '%s' (%s)", t->cmd, t->device,
				names);
		return -EINVAL;
	}
	return 0;
}
