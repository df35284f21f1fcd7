#!/usr/bin/env bash
# scripts/test-all.sh - `make check`, then `make test` on every supported
# kernel, for `make test-all` and CI. The kernel-independent stages (unit tests,
# fuzzers) run once, with the first kernel. The kernel selected before
# (scripts/setup.sh --selected) runs last, so it is still selected after.
# Each kernel's stage outputs go to build/tap-all/<kernel>/; the last line
# is one "N passed, N failed[, N skipped]" over both.
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUT=$ROOT/build/tap-all
cd "$ROOT" || exit 2

mapfile -t KERNELS < <(scripts/setup.sh --kernels)
selected=$(scripts/setup.sh --selected) || exit 1
order=()
for k in "${KERNELS[@]}"; do [ "$k" = "$selected" ] || order+=("$k"); done
order+=("$selected")

rm -rf "$OUT"
# The static checks once, on the kernel selected now (docs/checks.md).
mkdir -p "$OUT/check"
echo "# === make check ==="
make -s check 2>&1 | tee "$OUT/check/check.tap" || true
host=1
for k in "${order[@]}"; do
	echo "# === make test on kernel $k ==="
	mkdir -p "$OUT/$k"
	PKVMKIT_KERNEL=$k make -s test TAP_DIR="$OUT/$k" HOST_TESTS=$host ||
		true
	# a kernel whose setup or build failed left no output: one failure
	[ -n "$(ls "$OUT/$k")" ] || echo "setup or build failed" >"$OUT/$k/build.tap"
	host=0
done

echo "# make check: $(scripts/tap-summary.sh "$OUT/check/check.tap" 2>&1 | tail -n1)"
for k in "${order[@]}"; do
	echo "# kernel $k: $(scripts/tap-summary.sh "$OUT/$k"/*.tap 2>&1 | tail -n1)"
done
scripts/tap-summary.sh "$OUT"/*/*.tap
