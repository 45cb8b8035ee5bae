#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A short, bounded AFL++ run of the fuzz target (tests/fuzz/pmf_fuzz.c):
# mutated metadata of tiny real XFS images, a whole-device query with paths
# per input, in a fresh process each.  A crash, a sanitizer report or a hang
# (an input that still runs after 60 s, every time) fails the test.  First the inputs
# the fuzzer once broke us with (tests/fuzz/regress/) must pass.
#
# Once per run, in the -Werror lane: the fuzz target carries ASan and UBSan
# of its own.  PMF_FUZZ_SECONDS (default 120) and PMF_SEED set the run.
. "$PMF_SRC/tests/lib.sh"
pmf_require_root
grep -q '^PMF_SAN_FLAGS = -fsanitize' "$PMF_BUILD/Makefile" &&
	pmf_skip "the fuzz smoke runs once, in the -Werror lane (its target has ASan+UBSan of its own)"

fuzzbuild=$("$PMF_SRC/tests/fuzz/build" "${PMF_BUILD%/}-fuzz") ||
	pmf_fail "tests/fuzz/build failed"
target="$fuzzbuild/tests/fuzz/pmf_fuzz"
"$PMF_SRC/tests/fuzz/mkkit" "$XFSPROGS_DIR" "$TMP/kit" > "$TMP/mkkit.log" 2>&1 ||
	pmf_fail "mkkit failed: $(tail -5 "$TMP/mkkit.log")"
seeds=("$TMP/kit"/seeds/*)
echo "kit: ${#seeds[@]} seeds"

# Outside afl-fuzz, LeakSanitizer too (afl-fuzz wants symbolize=0, and the
# libxfs leaks can only be suppressed by their symbols: tests/lsan.supp;
# libxfs has no frame pointers, so unwind the slow way to see them).
lsan() {
	ASAN_OPTIONS=abort_on_error=1:detect_leaks=1:fast_unwind_on_malloc=0 \
	LSAN_OPTIONS=suppressions=$PMF_SRC/tests/lsan.supp:print_suppressions=0 \
	UBSAN_OPTIONS=halt_on_error=1:abort_on_error=1:print_stacktrace=1 \
		timeout 60 "$target" "$TMP/kit" "$1" > /dev/null 2> "$TMP/err"
}

# Regressions: each is a small patch over a template's own slice.
for r in "$PMF_SRC"/tests/fuzz/regress/*.patch; do
	[ -f "$r" ] || continue
	"$PYTHON" "$PMF_SRC/tests/fuzz/slice.py" patch "$TMP/kit" "$r" > "$TMP/input" ||
		pmf_fail "cannot apply $r"
	lsan "$TMP/input"
	rc=$?
	[ $rc = 0 ] || pmf_fail "regression $(basename "$r"): exit $rc: $(grep -m3 -E 'ERROR|runtime error|#[0-3] ' "$TMP/err")"
	echo "ok: regression $(basename "$r")"
done

seed=${PMF_SEED:-$RANDOM}
secs=${PMF_FUZZ_SECONDS:-120}
echo "afl-fuzz: seed $seed, $secs s"
export AFL_SKIP_CPUFREQ=1 AFL_NO_AFFINITY=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1
export AFL_NO_UI=1 AFL_FAST_CAL=1
export ASAN_OPTIONS=abort_on_error=1:detect_leaks=0:symbolize=0
export UBSAN_OPTIONS=halt_on_error=1:abort_on_error=1
# An exec normally takes milliseconds; one over 5 s afl-fuzz keeps as a
# hang, which is checked again below.
env -u LSAN_OPTIONS timeout $((secs + 120)) afl-fuzz -V "$secs" -s "$seed" -t 5000 -m none \
	-i "$TMP/kit/seeds" -o "$TMP/out" -- "$target" "$TMP/kit" @@ \
	> "$TMP/afl.log" 2>&1 ||
	pmf_fail "afl-fuzz failed: $(tail -5 "$TMP/afl.log")"
stats="$TMP/out/default/fuzzer_stats"
[ -f "$stats" ] || pmf_fail "afl-fuzz left no statistics: $(tail -5 "$TMP/afl.log")"
afl_stat() { sed -n "s/^$1 *: //p" "$stats"; }
echo "afl-fuzz: $(afl_stat execs_done) execs, $(afl_stat corpus_count) inputs, edges $(afl_stat bitmap_cvg), $(afl_stat saved_crashes) crashes, $(afl_stat saved_hangs) hangs"
[ "$(afl_stat execs_done)" -gt 0 ] || pmf_fail "afl-fuzz ran nothing"
for kind in crashes hangs; do
	for f in "$TMP/out/default/$kind"/id:*; do
		[ -f "$f" ] || continue
		lsan "$f"
		echo "$kind: $(basename "$f"): exit $?: $(grep -m5 -E 'ERROR|runtime error|#[0-4] ' "$TMP/err")"
		cp "$f" "$PMF_BUILD/test-logs/fuzz-$kind-$(basename "$f" | cut -c1-9)"
	done
done
[ "$(afl_stat saved_crashes)" = 0 ] || pmf_fail "the fuzzer found crashes (seed $seed; inputs copied to $PMF_BUILD/test-logs)"
# afl-fuzz calls an input a hang when one run of it took over 5 s, which a
# box busy with QEMU guests can cause: a hang is an input that still runs
# past 60 s on its own (lsan's timeout exits 124), three times out of three.
hangs=0
for f in "$TMP/out/default/hangs"/id:*; do
	[ -f "$f" ] || continue
	slow=0
	for try in 1 2 3; do
		t0=$(date +%s)
		lsan "$f"
		rc=$?
		echo "hang check $try: $(basename "$f"): exit $rc after $(( $(date +%s) - t0 )) s"
		[ $rc = 124 ] && slow=$((slow + 1))
		[ $rc = 0 ] || [ $rc = 124 ] ||
			pmf_fail "hang input $(basename "$f") fails on its own: exit $rc: $(grep -m3 -E 'ERROR|runtime error' "$TMP/err")"
	done
	[ $slow = 3 ] && hangs=$((hangs + 1))
done
[ $hangs = 0 ] || pmf_fail "the fuzzer found $hangs hangs (seed $seed; inputs copied to $PMF_BUILD/test-logs)"
# Every input the fuzzer kept, once more, with leak checking.
leaks=0 kept=0
for f in "$TMP/out/default/queue"/id:*; do
	kept=$((kept + 1))
	lsan "$f" && continue
	leaks=$((leaks + 1))
	echo "$(basename "$f"): $(grep -m5 -E 'ERROR|runtime error|#[0-4] ' "$TMP/err")"
	cp "$f" "$PMF_BUILD/test-logs/fuzz-leak-$(basename "$f" | cut -c1-9)"
done
[ $leaks = 0 ] || pmf_fail "$leaks inputs of the corpus fail under LeakSanitizer (seed $seed)"
echo "no crashes, no hangs; $kept corpus inputs clean under LeakSanitizer"
