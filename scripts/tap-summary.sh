#!/usr/bin/env bash
# scripts/tap-summary.sh LOGFILE... - add up the "N passed, N failed" lines.
#
# Every test stage of `make test` (unit tests, guest scenarios) ends its
# output with one line "N passed, N failed" (optionally ", N skipped", and
# optionally preceded by one word and a colon, e.g. "unit: 3 passed, 0 failed").
# Given the saved outputs, this prints one grand total line in the same
# format, to be the last line of `make test`:
#   "N passed, N failed" [", N skipped"]
# A file with no such line (the stage crashed before its summary) counts as
# one failure and is named on stderr. Exit status 0 iff the total of failures
# is 0 (2 on usage errors).
set -euo pipefail

if [ $# -eq 0 ]; then
	echo "usage: $0 LOGFILE..." >&2
	exit 2
fi

pass=0 fail=0 skip=0
for f in "$@"; do
	if [ ! -r "$f" ]; then
		echo "tap-summary: $f: cannot read; counted as 1 failure" >&2
		fail=$((fail + 1))
		continue
	fi
	# "P F S" per summary line found (S = 0 when absent).
	sums=$(tr -d '\r' <"$f" | sed -n -E \
		's/^([A-Za-z0-9_-]+: )?([0-9]+) passed, ([0-9]+) failed(, ([0-9]+) skipped)?[[:space:]]*$/\2 \3 \5/p')
	if [ -z "$sums" ]; then
		echo "tap-summary: $f: no 'N passed, N failed' line; counted as 1 failure" >&2
		fail=$((fail + 1))
		continue
	fi
	while read -r p f2 s; do
		pass=$((pass + p))
		fail=$((fail + f2))
		skip=$((skip + ${s:-0}))
	done <<<"$sums"
done

line="$pass passed, $fail failed"
[ "$skip" -eq 0 ] || line+=", $skip skipped"
echo "$line"
[ "$fail" -eq 0 ]
