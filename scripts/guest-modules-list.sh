#!/usr/bin/env bash
# scripts/guest-modules-list.sh - print, one per line, SRC:DEST arguments for
# mkinitramfs.sh that put the guest's /lib/modules/<abi> tree (built by
# scripts/guest-modules.sh into build/guest/modules) into an initramfs.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ABI=$(cat "$ROOT/.deps/current/abi")
cd "$ROOT/build/guest/modules"
find . -type f | sed 's|^\./||' | while read -r f; do
	echo "$ROOT/build/guest/modules/$f:/lib/modules/$ABI/$f"
done
