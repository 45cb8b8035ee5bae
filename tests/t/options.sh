#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The option errors every command shares (xfs_pmem/options.c), in every
# command that takes them: each is refused before any device is opened,
# with one line naming the command and exit 16.  The expected words are
# written here, per command, from doc/bad-input.md.
. "$PMF_SRC/tests/lib.sh"

x=/nonexistent/fs.img
# cmd LABEL DEVNAMES UNKNOWN WHOLE ARGS...: the command line before the
# range; DEVNAMES as "--device ... is required" names them, UNKNOWN as
# "unknown device" lists them, WHOLE 1 if --whole is an option.
check() {
	local label=$1 names=$2 unknown=$3 whole=$4 list=$5 range
	shift 5
	range="give --offset and --length"
	[ "$whole" = 1 ] && range="$range, or --whole"
	[ "$list" = 1 ] && range="$range, or --badblocks or --ndctl-json"
	pmf_bad 16 "$label: --device $names is required" "$@" --offset 0 --length 4k
	pmf_bad 16 "$label: $range\$" "$@" --device data --offset 0
	pmf_bad 16 "$label: $range\$" "$@" --device data --length 4k
	pmf_bad 16 "$label: unknown device 'floppy' ($unknown)" "$@" --device floppy --offset 0 --length 4k
	pmf_bad 16 "unknown option '--frob'" "$@" --device data --offset 0 --length 4k --frob
	pmf_bad 16 "option '--device' needs a value" "$@" --device
	pmf_bad 16 "option '--offset' needs a value" "$@" --device data --length 4k --offset
	if [ "$whole" = 1 ]; then
		pmf_bad 16 "$label: $range\$" "$@" --device data --whole --offset 0
		pmf_bad 16 "$label: $range\$" "$@" --device data --whole --length 4k
	else
		pmf_bad 16 "unknown option '--whole'" "$@" --device data --whole
	fi
	if [ "$list" = 1 ]; then
		pmf_bad 16 "$label: $range\$" "$@" --device data --badblocks - --whole
		pmf_bad 16 "$label: $range\$" "$@" --device data --badblocks - --offset 0
	else
		pmf_bad 16 "unknown option '--badblocks'" "$@" --device data --badblocks -
	fi
}

check simulate 'data|log|rt' 'data, log or rt' 1 1 "$XFS_PMEM" simulate "$x"
check verify 'data|log|rt' 'data, log or rt' 1 1 "$XFS_PMEM" verify "$x"
check repair 'data|log|rt' 'data, log or rt' 1 1 "$XFS_PMEM" repair "$x"
check inject 'data|log|rt' 'data, log or rt' 0 0 "$XFS_PMEM" inject "$x" --yes
check invalidate 'data|rt' 'data or rt' 0 0 "$XFS_PMEM" invalidate /nonexistent
check 'repair --online' 'data' 'data' 1 0 "$XFS_PMEM" repair --online /nonexistent

# Output options: a column that does not exist, where -o is taken.
for c in simulate verify; do
	pmf_bad 16 "unknown column: NOPE" "$XFS_PMEM" "$c" "$x" --device data --whole -o NOPE
done
pmf_bad 16 "unknown column: NOPE" "$XFS_PMEM" info "$x" -o NOPE
# A thread count is a whole number from 1 to 1024.
for n in 0 -1 1025 2x ''; do
	pmf_bad 16 "simulate: --threads takes a number from 1 to 1024: $n\$" \
		"$XFS_PMEM" simulate "$x" --device data --whole --threads "$n"
done
pmf_bad 16 "unknown column: NOPE" "$XFS_PMEM" invalidate /nonexistent --device data \
	--offset 0 --length 4k -o NOPE
echo "ok"
