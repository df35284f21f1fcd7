#!/usr/bin/env bash
# scripts/guest-modules.sh GUESTDIR - the guest's /lib/modules/<abi> tree:
# pkvmkit.ko, every vendor module built under modules/ and the hostile-host
# fuzzer tests/hostile/pkvm_hostile.ko, in extra/, with the modules.dep that
# busybox modprobe reads (made by the host's depmod).
# The scenario runner copies GUESTDIR/modules/ to /lib/modules/<abi>/.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
GUEST=$1
ABI=$(cat "$ROOT/.deps/current/abi")
STAGE=$(mktemp -d)
trap 'rm -rf "$STAGE"' EXIT

mkdir -p "$STAGE/lib/modules/$ABI/extra"
cp "$ROOT/driver/pkvmkit.ko" "$STAGE/lib/modules/$ABI/extra/"
for ko in "$ROOT"/modules/*/*.ko "$ROOT"/tests/hostile/*.ko; do
	[ -e "$ko" ] && cp "$ko" "$STAGE/lib/modules/$ABI/extra/"
done
touch "$STAGE/lib/modules/$ABI/modules.order" "$STAGE/lib/modules/$ABI/modules.builtin" \
	"$STAGE/lib/modules/$ABI/modules.builtin.modinfo"
depmod -b "$STAGE" "$ABI"
rm -rf "$GUEST/modules"
mkdir -p "$GUEST/modules"
cp -r "$STAGE/lib/modules/$ABI/." "$GUEST/modules/"
