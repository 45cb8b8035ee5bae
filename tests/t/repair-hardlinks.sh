#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Every path of a file with many long names, through simulate, the repair
# plan and the --apply manifest (issue #18).  The file has 1,000 hard links
# of 200-character names (one of them a name with a '|', a tab and a
# backslash in it), in two directories; its first block is lost.  The repair
# children once sent each lost range to the parent as one text line read
# into 16 KiB, so 1,000 names came out as 145 and the manifest's last one
# cut mid-name.  On filesystems with and without parent pointers (paths
# from the pointers, or from a walk of the directory tree).
. "$PMF_SRC/tests/lib.sh"
pmf_require_root

nlinks=${PMF_HARDLINKS:-1000}

# name K: a 200-character name, unique for K.
name() {
	printf 'link%05d_%0190d' "$1" 0
}
odd=$'odd|name\twith\\bs'

# check_paths WHAT FILE: FILE holds one path per line; it must be exactly
# the names made, no more, none cut.
check_paths() {
	local what=$1 got=$2
	sort "$got" > "$got.s"
	if ! cmp -s "$got.s" "$TMP/want"; then
		echo "$what: $(wc -l < "$got.s") paths, want $(wc -l < "$TMP/want"); first differences:" >&2
		diff "$TMP/want" "$got.s" | head -n 6 | cut -c1-120 >&2
		pmf_fail "$what does not name every path of the file"
	fi
	echo "ok: $what names all $(wc -l < "$got.s") paths"
}

# json_paths ARRAY FILE: the paths of every file-data row of ARRAY.
json_paths() {
	"$PYTHON" -c '
import json, sys
for row in json.load(open(sys.argv[2]))[sys.argv[1]]:
    if row.get("owner", "data") == "data":
        for p in row.get("path") or []:
            print(p)' "$1" "$2"
}

run_shape() {
	local label=$1 img="$TMP/$1.img" fstart flen rc
	shift
	pmf_mkfs "$img" 512m -- -m rmapbt=1 "$@"
	pmf_mount "$img" "$TMP/mnt"
	mkdir "$TMP/mnt/a" "$TMP/mnt/b"
	"$XFS_IO" -f -c 'pwrite -q -S 0x5a 0 64k' -c fsync "$TMP/mnt/a/$(name 0)" ||
		pmf_fail "cannot write the file"
	: > "$TMP/want"
	echo "/a/$(name 0)" >> "$TMP/want"
	for ((k = 1; k < nlinks - 1; k++)); do
		d=a
		[ $((k % 2)) = 0 ] && d=b
		ln "$TMP/mnt/a/$(name 0)" "$TMP/mnt/$d/$(name "$k")" || pmf_fail "ln $k failed"
		echo "/$d/$(name "$k")" >> "$TMP/want"
	done
	ln "$TMP/mnt/a/$(name 0)" "$TMP/mnt/b/$odd" || pmf_fail "ln of the odd name failed"
	printf '/b/%s\n' "$odd" >> "$TMP/want"
	pmf_first_extent "$TMP/mnt/a/$(name 0)" fstart flen
	pmf_umount "$TMP/mnt"
	sort -o "$TMP/want" "$TMP/want"
	echo "== $label: $(wc -l < "$TMP/want") names, first block at sector $fstart"

	"$XFS_PMEM" simulate "$img" --device data --offset $((fstart * 512)) --length 4096 \
		--json -b > "$TMP/sim.json" || [ $? = 1 ] ||
		pmf_fail "simulate failed"
	json_paths impacts "$TMP/sim.json" > "$TMP/sim.paths"
	check_paths "$label: simulate" "$TMP/sim.paths"

	"$XFS_PMEM" inject "$img" --device data --offset $((fstart * 512)) --length 4096 \
		--mode random --seed 1 --yes > /dev/null || pmf_fail "inject failed"
	# The plan, as JSON: the manifest's schema.
	"$XFS_PMEM" repair "$img" --device data --offset $((fstart * 512)) --length 4096 \
		--json > "$TMP/plan.json" 2> "$TMP/plan.err"
	rc=$?
	[ $rc = 4 ] || pmf_fail "repair's plan exited $rc: $(head -c 300 "$TMP/plan.err")"
	json_paths files "$TMP/plan.json" > "$TMP/plan.paths"
	check_paths "$label: the repair plan" "$TMP/plan.paths"

	"$XFS_PMEM" repair "$img" --device data --offset $((fstart * 512)) --length 4096 \
		--apply --undo "$TMP/undo" --manifest "$TMP/man.json" > "$TMP/apply.out" 2>&1
	rc=$?
	[ $rc = 1 ] || pmf_fail "repair --apply exited $rc: $(tail -n 3 "$TMP/apply.out")"
	json_paths files "$TMP/man.json" > "$TMP/man.paths"
	check_paths "$label: the manifest" "$TMP/man.paths"
	# One schema: the plan and the manifest name the lost range as simulate does.
	"$PYTHON" - "$TMP/sim.json" "$TMP/plan.json" "$TMP/man.json" <<'PY' ||
import json, sys
sim, plan, man = (json.load(open(f)) for f in sys.argv[1:])
want = [(i["inode"], i["foffset"], i["length"])
        for i in sim["impacts"] if i["owner"] == "data"]
for name, doc in (("plan", plan), ("manifest", man)):
    got = [(f["inode"], f["foffset"], f["length"]) for f in doc["files"]]
    if not want or got != want:
        sys.exit("%s: files %r, simulate %r" % (name, got, want))
PY
		pmf_fail "$label: the plan or the manifest disagrees with simulate"
	rm -f "$img" "$TMP/undo" "$TMP/man.json"
}

run_shape pptr -n parent=1
run_shape nopptr -n parent=0
echo "ok"
