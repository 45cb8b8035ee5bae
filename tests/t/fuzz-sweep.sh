#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The field-by-field fuzz sweep of tests/fuzz/sweep.py (doc/fuzz.md): two
# small populated images, xfs_db's fuzz on a field of a structure with one
# verb per case, then info, simulate (rmapbt and --scan), verify (the
# damaged AG and a random range) and repair without --apply on the copy.
# Any signal, hang, sanitizer report, stdout that is not ours, exit status
# that is not documented, or change to the image fails the test.
#
# In CI a fixed spread of PMF_SWEEP_CASES (8) cases per image; the whole
# sweep (about 16,000 cases, hours) with PMF_SWEEP_FULL=1, stopped after
# PMF_SWEEP_SECONDS if set.  PMF_SEED sets the random ranges and the order.
. "$PMF_SRC/tests/lib.sh"
pmf_require_root

seed=${PMF_SEED:-$RANDOM}
args=(--xfsprogs "$XFSPROGS_DIR" --pmem "$XFS_PMEM" --work "$TMP/sweep"
      --seed "$seed" --keep "$TMP/failed" --report "$TMP/report")
if [ "${PMF_SWEEP_FULL:-0}" = 1 ]; then
	args+=(--jobs "${PMF_SWEEP_JOBS:-1}" --max-seconds "${PMF_SWEEP_SECONDS:-0}")
else
	args+=(--subset "${PMF_SWEEP_CASES:-8}")
fi
"$PYTHON" "$PMF_SRC/tests/fuzz/sweep.py" "${args[@]}"
rc=$?
cp "$TMP/report" "$PMF_BUILD/test-logs/fuzz-sweep.report" 2>/dev/null
if [ $rc != 0 ]; then
	mkdir -p "$PMF_BUILD/test-logs/fuzz-sweep-failed"
	cp "$TMP"/failed/*.img "$PMF_BUILD/test-logs/fuzz-sweep-failed/" 2>/dev/null
	pmf_fail "the sweep found problems (seed $seed; images in $PMF_BUILD/test-logs/fuzz-sweep-failed)"
fi
