#!/usr/bin/env bash
# scripts/get-vmm.sh - the inner VMM: Debian 12 (bookworm)'s arm64 QEMU
# 7.2 (package qemu-system-arm, binary qemu-system-aarch64) and the
# libraries it runs with, downloaded (never installed) through the private
# apt configuration .deps/apt/bookworm/ (scripts/apt-private.sh) and
# unpacked with dpkg -x. Always bookworm's QEMU, whichever kernel is
# selected: QEMU 7.2 is the VMM the project's /dev/kvm has to serve
# (docs/vmm.md). scripts/setup.sh runs this; scripts/mkvmm-cpio.sh packs
# the binary and what it loads into a cpio fragment.
#
# Which packages: qemu-system-arm and its shared-library closure, as
# scripts/deb-closure.sh (shared with scripts/get-host-qemu.sh) selects,
# downloads and unpacks them, without the maintainer-script and data
# packages a binary run from an initramfs does not use. mkvmm-cpio.sh
# --list then checks that every DT_NEEDED of the binary and of each
# library it loads resolves inside the unpacked tree; setup fails if one
# does not.
#
# Layout (git-ignored):
#   .deps/vmm/debs/        the .debs (cache; only this script writes it)
#   .deps/vmm/root/        every .deb unpacked
#   .deps/vmm/packages     "name version arch" of each package, sorted
#   .deps/vmm/resolved     the resolution, kept while the lists are the same
#   .deps/vmm/.stamp       what root/ was made from
#
# Idempotent: with the stamp matching it returns at once (no apt call).
# Environment: PKVMKIT_SETUP_FORCE=1 redo it all.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DEPS=$ROOT/.deps
VMM=$DEPS/vmm
BINARY=usr/bin/qemu-system-aarch64
DC_DIR=$VMM DC_SUITE=bookworm DC_ARCH=arm64 DC_TOP=qemu-system-arm
# Bump when the selection or the layout changes: invalidates old stamps.
DC_FORMAT=2

log() { printf 'setup: vmm: %s\n' "$*"; }
die() {
	printf 'setup: vmm: ERROR: %s\n' "$1" >&2
	shift
	local l
	for l in "$@"; do printf 'setup: vmm:   %s\n' "$l" >&2; done
	exit 1
}

# shellcheck source=scripts/deb-closure.sh
. "$ROOT/scripts/deb-closure.sh"

tree_ok() {
	[ -x "$VMM/root/$BINARY" ]
}

qemu_version() {
	sed -n "s/^$DC_TOP \([^ ]*\) .*/\1/p" "$VMM/packages"
}

dc_begin
if dc_up_to_date tree_ok; then
	log "up to date: $DC_TOP $(qemu_version) (arm64)"
	exit 0
fi
dc_fetch

# Unpack into a fresh folder, check it, swap it in.
NEW=$VMM/.root.new
dc_unpack "$NEW"
[ -x "$NEW/$BINARY" ] || die "$DC_TOP unpacked without /$BINARY"
# AArch64 ELF: e_machine 0xb7 at offset 18.
[ "$(od -An -tx1 -j18 -N2 "$NEW/$BINARY" | tr -d ' \n')" = b700 ] ||
	die "/$BINARY is not an AArch64 ELF"
# Every library the binary loads is there (the list itself is not kept).
"$ROOT/scripts/mkvmm-cpio.sh" --root "$NEW" --list >/dev/null ||
	die "the unpacked packages do not hold every library /$BINARY needs" \
		"(mkvmm-cpio.sh --list said why, above)"
dc_install "$NEW"
log "done: $DC_TOP $(qemu_version) (arm64), ${#PKGS[@]} packages"
