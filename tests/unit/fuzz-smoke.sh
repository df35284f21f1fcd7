#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# tests/unit/fuzz-smoke.sh BUILD SECONDS TARGET... - run each libFuzzer
# target for SECONDS seconds (one after the other: the machine is shared),
# print one TAP test point per target and, last, "fuzz: N passed, N failed"
# for scripts/tap-summary.sh.
#
#   ok 1 - fuzz_pgtable: 20 s, 123456 runs, no crash
#   not ok 2 - fuzz_ownership: crash after 3 s, 1234 runs
#   # reproducer: build/unit/fuzz-artifacts/fuzz_ownership/crash-...
#   # fuzz_ownership: op 0: ... (the target's own message)
#
# Each target's corpus grows in BUILD/fuzz-corpus/TARGET (seeded from
# tests/unit/corpus/NAME/ when there is one); its full output is kept in
# BUILD/TARGET.fuzz.log. A reproducer replays with: BUILD/TARGET FILE.
set -uo pipefail

if [ $# -lt 3 ]; then
	echo "usage: $0 BUILD SECONDS TARGET..." >&2
	exit 2
fi
BUILD=$1 SECS=$2
shift 2
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)

rel() { printf '%s\n' "${1#"$REPO"/}"; }

# runs_of LOG: the number of inputs libFuzzer executed, from its final
# statistics, else its "Done N runs" line, else its last "#N" status line.
runs_of() {
	local n
	n=$(sed -n 's/^stat::number_of_executed_units: *\([0-9]*\).*/\1/p' "$1" | tail -n1)
	[ -n "$n" ] || n=$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$1" | tail -n1)
	[ -n "$n" ] || n=$(sed -n 's/^#\([0-9]*\)[[:space:]].*/\1/p' "$1" | tail -n1)
	echo "${n:-0}"
}

nr=0 pass=0 fail=0
echo "TAP version 13"
for t in "$@"; do
	nr=$((nr + 1))
	bin=$BUILD/$t
	log=$BUILD/$t.fuzz.log
	corpus=$BUILD/fuzz-corpus/$t
	art=$BUILD/fuzz-artifacts/$t
	seeds=$HERE/corpus/${t#fuzz_}
	mkdir -p "$corpus" "$art"
	rm -f "$art"/crash-* "$art"/timeout-* "$art"/leak-* "$art"/oom-*
	args=(-max_total_time="$SECS" -timeout=10 -print_final_stats=1
	      -len_control=0 -max_len=4096 -artifact_prefix="$art/" "$corpus")
	[ -d "$seeds" ] && args+=("$seeds")
	start=$(date +%s)
	# A hang that libFuzzer's own -timeout misses must not stall make test.
	timeout --kill-after=10 $((SECS + 120)) "$bin" "${args[@]}" >"$log" 2>&1
	rc=$?
	secs=$(($(date +%s) - start))
	runs=$(runs_of "$log")
	# shellcheck disable=SC2012 # libFuzzer's artifact names are plain
	repro=$(ls "$art" 2>/dev/null | head -n1)
	if [ "$rc" -eq 0 ] && [ -z "$repro" ]; then
		echo "ok $nr - $t: $SECS s, $runs runs, no crash"
		pass=$((pass + 1))
		continue
	fi
	fail=$((fail + 1))
	if [ -n "$repro" ]; then
		echo "not ok $nr - $t: ${repro%%-*} after $secs s, $runs runs"
		echo "# reproducer: $(rel "$art/$repro") (replay: $(rel "$bin") $(rel "$art/$repro"))"
	else
		echo "not ok $nr - $t: exit status $rc after $secs s, $runs runs, no reproducer"
	fi
	# the target's own words first, then the sanitizer's summary
	grep -m3 -E "^$t: |^SUMMARY: |ERROR: libFuzzer" "$log" | sed 's/^/# /'
	echo "# full output: $(rel "$log")"
done
echo "1..$nr"
echo "fuzz: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
