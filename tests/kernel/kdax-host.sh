# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# The host half shared by the kernel DAX tests (tests/t/kernel-dax*.sh):
# build the job, boot the guest with the stock and with our xfs.ko, read
# back the "kdax: " lines, and tabulate per-check verdicts.  Sourced after
# tests/lib.sh.  A test defines kdax_check NAME CHECK, which sets ok=1 when
# CHECK holds in boot NAME.

kdax_guest="$PMF_SRC/tests/guest"

# kdax_setup JOB: $TMP/job holds the static daxmap, the guest helpers and
# JOB as job.sh; sets kdax_ko to our xfs.ko.
kdax_setup() {
	local start

	mkdir -p "$TMP/job"
	gcc -static -O2 -Wall -Wextra -Werror -o "$TMP/job/daxmap" \
		"$PMF_SRC/tests/kernel/daxmap.c" ||
		pmf_fail "cannot build tests/kernel/daxmap.c statically"
	cp "$1" "$TMP/job/job.sh"
	cp "$PMF_SRC/tests/kernel/kdax-guest.sh" "$TMP/job/"
	start=$(date +%s)
	kdax_ko=$("$kdax_guest/xfs-ko-build") || pmf_fail "tests/guest/xfs-ko-build failed"
	echo "our xfs.ko: $kdax_ko (ready after $(( $(date +%s) - start ))s)"
}

# kdax_boot TEST NAME [run args]: one guest boot of $TMP/job; its exit status
# goes to rc_NAME, its kdax lines (and daxmap's) to $TMP/NAME.kdax, its
# console to build/test-logs/TEST-NAME.console.
kdax_boot() {
	local test=$1 name=$2 rc t0
	shift 2
	t0=$(date +%s)
	# A guest wedged by an oops (RCU stalls) only waits for its timeout.
	"$kdax_guest/run" --timeout "${PMF_GUEST_TIMEOUT:-900}" --xfsprogs "$XFSPROGS_DIR" \
		--wedge-kill 10 --job "$TMP/job" --out "$TMP/out-$name" "$@" \
		2> "$TMP/run-$name.err"
	rc=$?
	echo "$name: guest exit $rc after $(( $(date +%s) - t0 ))s"
	[ -f "$TMP/out-$name/console.log" ] ||
		pmf_fail "$name: no console came back: $(tail -n 3 "$TMP/run-$name.err")"
	# The job's own copy of its lines if it finished (the console mixes
	# kernel messages into them), else what the console caught.
	if [ "$(tail -n 1 "$TMP/out-$name/kdax.log" 2>/dev/null)" = done ]; then
		cp "$TMP/out-$name/kdax.log" "$TMP/$name.kdax"
	else
		tr -d '\r' < "$TMP/out-$name/console.log" | sed -n -e 's/.*kdax: //p' -e t \
			-e 's/.*\(daxmap [a-z0-9_]* pid [0-9]*: .*\)/\1/p' > "$TMP/$name.kdax"
	fi
	mkdir -p "$PMF_BUILD/test-logs"
	cp "$TMP/out-$name/console.log" "$PMF_BUILD/test-logs/$test-$name.console"
	eval "rc_$name=$rc"
}

# Facts from one boot's kdax lines.
k() { grep -E "$2" "$TMP/$1.kdax"; }
proc() { k "$1" "^proc $2 " | awk '{ print $3 }' | sed -n 1p; }
hexino() { printf '0x%x' "$(k "$1" "^file $2 ino " | awk '{ print $4 }')"; }
# The dmesg lines of one step: from "step NAME" to the next step.
step_dmesg() {
	awk -v s="step $2" '$0 ~ /^step / { on = ($0 ~ "^" s) } on && /^dmesg / { print }' \
		"$TMP/$1.kdax"
}
# kdax_unbind_time NAME: ok=1 if the (first) unbind returned; t_NAME is how
# long it took, or "hung".
kdax_unbind_time() {
	local t
	t=$(k "$1" '^unbind returned ' | awk '{ print $3 }' | sed -n 1p)
	[ -n "$t" ] && ok=1
	eval "t_$1=\${t:-hung}"
}
# kdax_sigbused NAME LABEL: did daxmap LABEL die of the kernel's SIGBUS?
kdax_sigbused() {
	k "$1" "^proc $2 exit 42$" > /dev/null &&
		k "$1" "^daxmap $2 pid [0-9]+: SIGBUS BUS_MCEERR_A[OR]" > /dev/null
}

# kdax_rt_setup FILES FILE: fail unless boot "ours" made the realtime
# filesystem of the rt tests: sid's mkfs with rmapbt, the realtime files
# FILES (a grep pattern) in 2 rtgroups, FILE realtime, DAX on the realtime
# device and not on the data device.
kdax_rt_setup() {
	local ngroups
	k ours '^mkfs 0$' > /dev/null || pmf_fail "sid's mkfs.xfs failed in the guest"
	k ours '^mkfs-out .*rmapbt=1' > /dev/null || pmf_fail "the filesystem has no rmapbt"
	ngroups=$(k ours "^file /mnt/r/rt/$1 " | awk '{ print $NF }' | sort -u | wc -l)
	echo "realtime files in $ngroups distinct rtgroups"
	[ "$ngroups" = 2 ] || pmf_fail "the realtime files sit in $ngroups rtgroups, not 2"
	k ours "^xflags /mnt/r/rt/$2 r" > /dev/null || pmf_fail "$2 is not a realtime file"
	k ours '^dax rt dax 1$' > /dev/null || pmf_fail "the realtime files are not DAX (statx)"
	k ours '^dax data dax 0$' > /dev/null || pmf_fail "the data device's files are DAX"
}

# Did the guest log a kernel warning, BUG or oops?
kdax_complained() { grep -qaE 'WARNING:|BUG:|Oops' "$TMP/out-$1/console.log"; }

# kdax_verdicts NAME CHECK...: v_NAME_CHECK=ok|FAIL for every check.
kdax_verdicts() {
	local n=$1 c ok
	shift
	for c in "$@"; do
		ok=0
		kdax_check "$n" "$c"
		if [ $ok = 1 ]; then
			eval "v_${n}_${c//-/_}=ok"
		else
			eval "v_${n}_${c//-/_}=FAIL"
		fi
	done
}

# kdax_table CHECK...: the table of both boots; kdax_fails lists the checks
# our module failed.
kdax_table() {
	local c s o
	kdax_fails=""
	printf '%-20s %-8s %-8s\n' CHECK stock ours
	for c in "$@"; do
		s=v_stock_${c//-/_}
		o=v_ours_${c//-/_}
		printf '%-20s %-8s %-8s\n' "$c" "${!s}" "${!o}"
		[ "${!o}" = ok ] || kdax_fails="$kdax_fails $c"
	done
}

# kdax_finish TEST CHECK...: print the table of both boots and the unbind
# times; fail if our module failed a check or its guest did not finish.
kdax_finish() {
	local test=$1
	shift
	kdax_table "$@"
	printf '%-20s %-8s %-8s\n' "unbind time (s)" "$t_stock" "$t_ours"
	echo "stock guest exit $rc_stock, ours $rc_ours"
	# Show what the kernel complained of, if it did.
	grep -aE 'WARNING:|BUG:|Oops' "$TMP/out-ours/console.log" | sed -n 1,3p
	[ -z "$kdax_fails" ] ||
		pmf_fail "our xfs.ko failed:$kdax_fails (console: $PMF_BUILD/test-logs/$test-ours.console)"
	[ "$rc_ours" = 0 ] || pmf_fail "our guest did not finish cleanly (exit $rc_ours)"
}
