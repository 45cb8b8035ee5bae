// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (c) 2026 The pmemfail authors.
 *
 * failmap: what lived in a failed range, through libpmemfail, one line per
 * damaged record, the same records as xfs_pmem simulate prints.
 */
#include "libxfs.h"
#include "command.h"
#include "output.h"
#include "init.h"
#include "pmemfail.h"
#include "pmf_db.h"

static void
failmap_paths(
	const char * const	*paths,
	unsigned int		npaths)
{
	if (!npaths)
		dbprintf(" -");
	for (unsigned int i = 0; i < npaths; i++)
		dbprintf("%s%s", i ? "," : " ", paths[i]);
}

static int
failmap_fn(
	const struct pmf_impact	*imp,
	void			*priv)
{
	bool			file = imp->owner == PMF_OWN_DATA ||
				       imp->owner == PMF_OWN_ATTR;
	char			flags[PMF_FLAGS_NAME_MAX];

	pmf_impact_flags_name(imp, flags, sizeof(flags));
	dbprintf("%s %llu %llu %s", pmf_device_name(imp->dev),
		 (unsigned long long)imp->daddr, (unsigned long long)imp->bbcount,
		 pmf_owner_name(imp->owner));
	if (file || imp->owner == PMF_OWN_BMBT || imp->owner == PMF_OWN_ATTR_BMBT)
		dbprintf(" ino %llu", (unsigned long long)imp->ino);
	if (file)
		dbprintf(" off %llu", (unsigned long long)imp->offset);
	dbprintf(" flags %s %s", flags[0] ? flags : "-",
		 pmf_consequence_name(imp->consequence));
	if (imp->ino)
		failmap_paths(imp->paths, imp->npaths);
	dbprintf("\n");
	for (unsigned int i = 0; i < imp->ninodes; i++) {
		dbprintf("  inode %llu",
			 (unsigned long long)imp->inodes[i].ino);
		failmap_paths(imp->inodes[i].paths, imp->inodes[i].npaths);
		dbprintf("\n");
	}
	return 0;
}

/*
 * A number of 512-byte sectors, or of fs blocks with a 'b' suffix.  Hex
 * digits leave no room for a unit, so a 0x number is always sectors.
 */
static int
failmap_parse(
	const char		*arg,
	uint64_t		*bytes)
{
	size_t			len = strlen(arg);
	bool			hex = arg[0] == '0' && (arg[1] == 'x' || arg[1] == 'X');
	char			buf[64];

	if (len == 0 || len >= sizeof(buf) - 1)
		return -EINVAL;
	snprintf(buf, sizeof(buf), "%s%s", arg,
		 hex || isdigit((unsigned char)arg[len - 1]) ? "s" : "");
	return pmf_parse_size(buf, mp->m_sb.sb_blocksize, bytes);
}

static int
failmap_f(
	int			argc,
	char			**argv)
{
	struct pmf_range	range = { .dev = PMF_DEV_DATA };
	struct pmf_fs		*fs;
	unsigned int		flags = PMF_QUERY_PATHS;
	int			c, error;

	optind = 0;
	while ((c = getopt(argc, argv, "dlrnS")) != EOF) {
		switch (c) {
		case 'd': range.dev = PMF_DEV_DATA; break;
		case 'l': range.dev = PMF_DEV_LOG; break;
		case 'r': range.dev = PMF_DEV_RT; break;
		case 'n': flags &= ~PMF_QUERY_PATHS; break;
		case 'S': flags |= PMF_QUERY_SCAN; break;
		default:
			dbprintf(_("Bad option for failmap command.\n"));
			exitcode = 1;
			return 0;
		}
	}
	if (argc - optind != 2) {
		dbprintf(_("failmap needs a start and a length.\n"));
		exitcode = 1;
		return 0;
	}
	if (failmap_parse(argv[optind], &range.offset)) {
		dbprintf(_("Bad failmap start %s.\n"), argv[optind]);
		exitcode = 1;
		return 0;
	}
	if (failmap_parse(argv[optind + 1], &range.length)) {
		dbprintf(_("Bad failmap length %s.\n"), argv[optind + 1]);
		exitcode = 1;
		return 0;
	}
	fs = pmf_db_fs();
	if (!fs) {
		dbprintf(_("failmap: out of memory\n"));
		exitcode = 1;
		return 0;
	}
	error = pmf_query(fs, &range, flags, failmap_fn, NULL);
	if (error) {
		dbprintf(_("failmap: %s\n"), pmf_errmsg(fs));
		exitcode = 1;
	}
	return 0;
}

static void
failmap_help(void)
{
	dbprintf(_(
"\n"
" Show what lived in a failed range of a device, through libpmemfail.\n"
" START and LEN are 512-byte sectors, or filesystem blocks with a 'b'\n"
" suffix.  One line per damaged record:\n"
"   DEV DADDR SECTORS OWNER [ino INO] [off BYTES] flags FLAGS EFFECT PATHS\n"
" and one indented line per allocated inode of a damaged inode chunk.\n"
"\n"
" -d  data device (default)   -l  log   -r  realtime device\n"
" -n  don't resolve paths     -S  scan inodes instead of using rmap\n"
"\n"));
}

static const cmdinfo_t	failmap_cmd =
	{ "failmap", NULL, failmap_f, 2, 4, 0,
	  N_("[-d|-l|-r] [-nS] start len"),
	  N_("show what lived in a failed range"), failmap_help };

void
failmap_init(void)
{
	add_command(&failmap_cmd);
}
