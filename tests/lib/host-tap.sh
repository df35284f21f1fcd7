# tests/lib/host-tap.sh - KTAP helpers for the host-side test scripts
# (tests/sdk/run.sh, tests/run/run.sh), sourced by bash. Counts in N,
# PASS, FAIL, SKIP; tap_end prints the plan and "N passed, N failed" and
# returns non-zero if anything failed. (Guest scenarios: tests/lib/guest.sh.)
# shellcheck shell=bash
N=0 PASS=0 FAIL=0 SKIP=0

ok() { N=$((N + 1)); PASS=$((PASS + 1)); echo "ok $N - $1"; }
# not_ok DESC [OUTPUT]: OUTPUT's last 15 lines as diagnostics
not_ok() {
	N=$((N + 1)); FAIL=$((FAIL + 1)); echo "not ok $N - $1"
	if [ -n "${2:-}" ]; then printf '%s\n' "$2" | tail -n 15 | sed 's/^/# /'; fi
}
# check DESC CMD...: a point, passed if CMD succeeds
check() { local d=$1; shift; if "$@" >/dev/null 2>&1; then ok "$d"; else not_ok "$d"; fi; }

# skip DESC REASON: a point that does not apply here, and why
skip() { N=$((N + 1)); SKIP=$((SKIP + 1)); echo "ok $N - $1 # SKIP $2"; }

tap_end() {
	echo "1..$N"
	if [ "$SKIP" -eq 0 ]; then echo "$PASS passed, $FAIL failed"
	else echo "$PASS passed, $FAIL failed, $SKIP skipped"; fi
	[ "$FAIL" -eq 0 ]
}
