#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The shared core's decision table, unit by unit: tests/core-test.c holds
# every row of doc/design.md's table, written out by hand, plus clipping at
# record and group edges, daddrs past 2^32 sectors, the last group, and the
# log and realtime devices.  Built with the tree, so it runs in both lanes.
. "$PMF_SRC/tests/lib.sh"

bin="$PMF_BUILD/tests/core-test"
[ -x "$bin" ] || pmf_fail "no $bin: build the tree first"
"$bin" > "$TMP/out" 2>&1 || { cat "$TMP/out"; pmf_fail "core-test failed"; }
cat "$TMP/out"
grep -q ' 0 failed$' "$TMP/out" || pmf_fail "core-test printed no verdict"
