#!/usr/bin/env bash
# scripts/get-host-qemu.sh - the outer QEMU 10: Debian 13 (trixie)'s amd64
# QEMU 10.0 (package qemu-system-arm, binary qemu-system-aarch64) and the
# libraries it runs with, downloaded (never installed) through the private
# apt configuration .deps/apt/trixie/ (scripts/apt-private.sh) and unpacked
# with dpkg -x, for scenarios that boot under it (#@ qemu 10,
# tests/run-scenarios.sh; scripts/qemu-run.sh --qemu 10). The host's own
# QEMU 7.2 has an SMMUv3 without stage 2; 10.0's virt machine builds a
# nested (stage 1 + stage 2) one with -M virt,iommu=smmuv3. scripts/setup.sh
# runs this, after scripts/get-vmm.sh, whichever kernel is selected.
#
# Trixie's libc is newer than the bookworm host's, so the binary cannot run
# with the host's loader: scripts/qemu10 runs it through the unpacked
# root's own dynamic loader (usr/lib64/ld-linux-x86-64.so.2) with the
# root's library folder and no ld.so.cache.
#
# Which packages (scripts/deb-closure.sh, shared with scripts/get-vmm.sh):
# qemu-system-arm's Depends, then recursively the Depends
# and Pre-Depends of every library package among them (first alternative
# of each, amd64): the shared-library closure apt knows, without the
# maintainer-script and data packages (qemu-system-common, -data,
# debconf, ...). No data file is needed: scripts/qemu-run.sh's line
# (-kernel, -nographic, -nic none) with the PCI devices scenarios add
# (edu, virtio-blk-pci) opens none (strace); a NIC would want
# efi-virtio.rom, which is in ipxe-qemu, not qemu-system-data. Checked
# before root/ is accepted: the binary is an x86-64 ELF, every DT_NEEDED
# of it and of each library it loads resolves inside the unpacked tree,
# the unpacked loader resolves every library inside it too (ld.so
# --list), scripts/qemu10 --version runs and QEMU's data folders
# (-L help) are all inside the tree.
#
# Layout (git-ignored):
#   .deps/host-qemu/debs/        the .debs (cache; only this script writes it)
#   .deps/host-qemu/root/        every .deb unpacked
#   .deps/host-qemu/packages     "name version arch" of each package, sorted
#   .deps/host-qemu/resolved     the resolution, kept while the lists are the same
#   .deps/host-qemu/closure      the libraries it loads (the last check's list)
#   .deps/host-qemu/version      what scripts/qemu10 --version printed
#   .deps/host-qemu/.stamp       what root/ was made from
#
# Idempotent: with the stamp matching it returns at once (no apt call).
# Environment: PKVMKIT_SETUP_FORCE=1 redo it all.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DEPS=$ROOT/.deps
HQ=$DEPS/host-qemu
BINARY=usr/bin/qemu-system-aarch64
DC_DIR=$HQ DC_SUITE=trixie DC_ARCH=amd64 DC_TOP=qemu-system-arm
# Bump when the selection or the layout changes: invalidates old stamps.
DC_FORMAT=2
# What scripts/qemu10 runs it with (the loader trixie's libc6 ships; the
# PT_INTERP /lib64/... is a link into usr/ on a merged-/usr system).
LOADER=usr/lib64/ld-linux-x86-64.so.2
LIBDIR=usr/lib/x86_64-linux-gnu

log() { printf 'setup: host-qemu: %s\n' "$*"; }
die() {
	printf 'setup: host-qemu: ERROR: %s\n' "$1" >&2
	shift
	local l
	for l in "$@"; do printf 'setup: host-qemu:   %s\n' "$l" >&2; done
	exit 1
}

# shellcheck source=scripts/deb-closure.sh
. "$ROOT/scripts/deb-closure.sh"

tree_ok() {
	[ -x "$HQ/root/$BINARY" ] && [ -e "$HQ/root/$LOADER" ]
}

# closure DIR: every DT_NEEDED of DIR/$BINARY and, recursively, of each
# library it names, looked up in DIR/$LIBDIR (where trixie's packages put
# them; the only folder scripts/qemu10 gives the loader). Prints one line
# per name found nowhere; the library files, relative to DIR, to
# $HQ/closure.
closure() {
	local dir=$1 so f
	local -A found=()
	local todo=("$BINARY") next
	: >"$HQ/closure"
	while [ "${#todo[@]}" -gt 0 ]; do
		next=()
		for f in "${todo[@]}"; do
			for so in $(readelf -d "$dir/$f" | sed -n 's/.*(NEEDED).*\[\(.*\)\]$/\1/p'); do
				[ -z "${found[$so]:-}" ] || continue
				found[$so]=1
				if [ ! -e "$dir/$LIBDIR/$so" ]; then
					printf '%s (needed by /%s)\n' "$so" "$f"
					continue
				fi
				printf '%s\n' "$LIBDIR/$so" >>"$HQ/closure"
				next+=("$LIBDIR/$so")
			done
		done
		todo=("${next[@]}")
	done
}

dc_begin
if dc_up_to_date tree_ok; then
	log "up to date: $(cat "$HQ/version" 2>/dev/null || echo "$DC_TOP") ($DC_ARCH)"
	exit 0
fi
dc_fetch

# Unpack into a fresh folder, check it, swap it in.
NEW=$HQ/.root.new
dc_unpack "$NEW"
[ -x "$NEW/$BINARY" ] || die "$DC_TOP unpacked without /$BINARY"
# QEMU looks for its data files and modules relative to its executable
# (/proc/self/exe), which, run through the loader, is the loader: in
# <its folder>/qemu-bundle/<configured path> when that exists, else at
# the configured path itself, the host's QEMU 7.2 files and modules (a
# 7.2 module loaded into 10.0 aborts it). This link makes <its
# folder>/qemu-bundle the tree, so QEMU takes usr/share/qemu and
# usr/lib/x86_64-linux-gnu/qemu from it and nothing from the host.
[ "$(readlink -f "$NEW/$LOADER")" = "$(readlink -f "$NEW/$LIBDIR")/${LOADER##*/}" ] ||
	die "/$LOADER is not in /$LIBDIR: the qemu-bundle link would not apply"
ln -sfn ../../.. "$NEW/$LIBDIR/qemu-bundle"
# x86-64 ELF: e_machine 0x3e at offset 18.
[ "$(od -An -tx1 -j18 -N2 "$NEW/$BINARY" | tr -d ' \n')" = 3e00 ] ||
	die "/$BINARY is not an x86-64 ELF"
interp=$(readelf -l "$NEW/$BINARY" | sed -n 's/.*Requesting program interpreter: \(.*\)\]$/\1/p')
if [ ! -e "$NEW/$LOADER" ] || [ ! -e "$NEW/usr$interp" ]; then
	die "no /$LOADER (or /usr$interp, for its PT_INTERP $interp) in the unpacked packages"
fi
# Every library the binary loads is there.
missing=$(closure "$NEW")
[ -z "$missing" ] || die "the unpacked packages do not hold every library /$BINARY needs:" \
	"$missing"
# ... and the unpacked loader finds each of them there, not on the host.
lds=$("$NEW/$LOADER" --inhibit-cache --library-path "$NEW/$LIBDIR" --list "$NEW/$BINARY" 2>&1) ||
	die "/$LOADER --list /$BINARY failed:" "$lds"
outside=$(awk -v r="$NEW/" '/=>/ && index($3, r) != 1' <<<"$lds")
[ -z "$outside" ] || die "the unpacked loader takes libraries from outside the tree:" "$outside"
# It runs (the wrapper, on the new tree).
ver=$(PKVMKIT_HOST_QEMU_ROOT=$NEW "$ROOT/scripts/qemu10" --version 2>&1) ||
	die "scripts/qemu10 --version failed on the new tree:" "$ver"
ver=${ver%%$'\n'*}
case $ver in
"QEMU emulator version "*) ;;
*) die "scripts/qemu10 --version said: $ver" ;;
esac
# Its data folders are all in the tree.
dirs=$(PKVMKIT_HOST_QEMU_ROOT=$NEW "$ROOT/scripts/qemu10" -L help 2>&1) ||
	die "scripts/qemu10 -L help failed:" "$dirs"
outside=$(grep -v "^$NEW/" <<<"$dirs" || true)
[ -z "$outside" ] || die "QEMU 10 looks for data files outside the tree:" "$outside"
dc_install "$NEW"
printf '%s\n' "$ver" >"$HQ/version"
log "done: $ver ($DC_ARCH), ${#PKGS[@]} packages"
