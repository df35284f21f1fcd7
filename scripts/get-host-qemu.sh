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
# Which packages: qemu-system-arm's Depends, then recursively the Depends
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
CACHE=$HQ/debs
SUITE=trixie
ARCH=amd64
TOP=qemu-system-arm
BINARY=usr/bin/qemu-system-aarch64
# What scripts/qemu10 runs it with (the loader trixie's libc6 ships; the
# PT_INTERP /lib64/... is a link into usr/ on a merged-/usr system).
LOADER=usr/lib64/ld-linux-x86-64.so.2
LIBDIR=usr/lib/x86_64-linux-gnu
# Bump when the selection or the layout changes: invalidates old stamps.
FORMAT=1

log() { printf 'setup: host-qemu: %s\n' "$*"; }
die() {
	printf 'setup: host-qemu: ERROR: %s\n' "$1" >&2
	shift
	local l
	for l in "$@"; do printf 'setup: host-qemu:   %s\n' "$l" >&2; done
	exit 1
}

mkdir -p "$CACHE"
# scripts/setup.sh holds .deps/.setup.lock already when it runs us (a
# second flock on a new descriptor of that file would wait for ever);
# on our own, serialise with it.
if [ -z "${PKVMKIT_SETUP_LOCKED:-}" ]; then
	exec 9>"$DEPS/.setup.lock"
	flock 9
fi

# shellcheck source=scripts/apt-private.sh
. "$ROOT/scripts/apt-private.sh"
apt_private "$SUITE"

# The resolution is valid while the lists are the same (apt-get update
# changes the folder's mtime) and the selection rules are.
resolved_key() {
	printf '# format=%s lists=%s\n' "$FORMAT" "$(stat -c %Y "$APTDIR/lists")"
}

# stamp_want: what root/ must have been made from (needs PKGS).
stamp_want() {
	printf 'format=%s\n' "$FORMAT"
	printf '%s\n' "${PKGS[@]}"
}

tree_ok() {
	[ -x "$HQ/root/$BINARY" ] && [ -e "$HQ/root/$LOADER" ] && [ -f "$HQ/packages" ]
}

if [ "${PKVMKIT_SETUP_FORCE:-0}" != 1 ] && [ -f "$HQ/resolved" ] &&
	[ "$(head -n1 "$HQ/resolved")" = "$(resolved_key)" ] && [ -f "$HQ/.stamp" ]; then
	mapfile -t PKGS < <(tail -n +2 "$HQ/resolved")
	if [ "$(cat "$HQ/.stamp")" = "$(stamp_want)" ] && tree_ok; then
		log "up to date: $(cat "$HQ/version" 2>/dev/null || echo "$TOP") ($ARCH)"
		exit 0
	fi
fi

have_lists() {
	apt-cache show --no-all-versions "$TOP:$ARCH" >/dev/null 2>&1
}

# records NAME...: "name version arch deps" for each package, deps being
# the first alternative of each Depends and Pre-Depends entry, space
# separated, without versions or :any. arch is the package's own
# (amd64 or all: the file name apt-get download gives it). Dies on a name
# apt does not know (a virtual package first in an alternative, or lists
# without it).
records() {
	local q=() n
	for n in "$@"; do q+=("$n:$ARCH"); done
	apt-cache show --no-all-versions "${q[@]}" 2>"$HQ/apt-cache.log" | awk '
		function deps(s,   n, i, a, d, out) {
			n = split(s, a, ",")
			for (i = 1; i <= n; i++) {
				d = a[i]
				sub(/\|.*/, "", d)		# first alternative
				sub(/\(.*/, "", d)		# version constraint
				gsub(/[ \t]/, "", d)
				sub(/:any$/, "", d)
				out = out " " d
			}
			return out
		}
		/^Package: /      { p = $2 }
		/^Version: /      { v = $2 }
		/^Architecture: / { a = $2 }
		/^Depends: /      { sub(/^Depends: /, ""); dep = dep deps($0) }
		/^Pre-Depends: /  { sub(/^Pre-Depends: /, ""); dep = dep deps($0) }
		/^$/ { if (p != "") print p, v, a dep; p = ""; dep = "" }
		END  { if (p != "") print p, v, a dep }' ||
		die "apt-cache show failed for: $*" "$(cat "$HQ/apt-cache.log")"
}

# resolve: PKGS, "name version arch" for QEMU and its library closure.
resolve() {
	have_lists || apt_update
	local -A seen=() ver=() arch=()
	local todo=("$TOP") next name v a d deps out
	PKGS=()
	seen[$TOP]=1
	while [ "${#todo[@]}" -gt 0 ]; do
		next=()
		out=$(records "${todo[@]}")
		while read -r name v a deps; do
			ver[$name]=$v arch[$name]=$a
			for d in $deps; do
				# Only shared-library packages: lib*, and zlib1g.
				case $d in
				lib* | zlib1g) ;;
				*) continue ;;
				esac
				[ -n "${seen[$d]:-}" ] && continue
				seen[$d]=1
				next+=("$d")
			done
		done <<<"$out"
		for name in "${todo[@]}"; do
			[ -n "${ver[$name]:-}" ] ||
				die "apt knows no $ARCH package $name (needed by the $TOP closure)" \
					"see .deps/host-qemu/apt-cache.log; a virtual package needs a rule here"
		done
		todo=("${next[@]}")
	done
	for name in "${!ver[@]}"; do PKGS+=("$name ${ver[$name]} ${arch[$name]}"); done
	mapfile -t PKGS < <(printf '%s\n' "${PKGS[@]}" | LC_ALL=C sort)
}

# deb_file "NAME VERSION ARCH": the cache path apt-get download gives it
# (the epoch's colon URL-encoded).
deb_file() {
	local name v a
	read -r name v a <<<"$1"
	printf '%s/%s_%s_%s.deb\n' "$CACHE" "$name" "${v//:/%3a}" "$a"
}

download() { # "NAME VERSION ARCH"...
	local tmp rc=0 p name v a q=()
	for p in "$@"; do
		read -r name v a <<<"$p"
		q+=("$name:$ARCH=$v")
	done
	tmp=$(mktemp -d "$CACHE/.partial.XXXXXX")
	log "downloading ${#q[@]} packages ($ARCH)"
	(cd "$tmp" && apt-get -q download "${q[@]}") >"$HQ/download.log" 2>&1 || rc=$?
	# Only complete files go into the cache (apt writes in place).
	[ "$rc" -ne 0 ] || find "$tmp" -maxdepth 1 -name '*.deb' -exec mv -f {} "$CACHE/" \;
	rm -rf "$tmp"
	return "$rc"
}

fetch() {
	local p need=()
	for p in "${PKGS[@]}"; do
		[ -s "$(deb_file "$p")" ] || need+=("$p")
	done
	[ "${#need[@]}" -eq 0 ] || download "${need[@]}"
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

resolve
if ! fetch; then
	# Stale lists name files the (security) archive no longer has.
	[ "$APT_UPDATED" -eq 0 ] || die "apt-get download failed (see .deps/host-qemu/download.log)"
	apt_update
	resolve
	fetch || die "apt-get download failed (see .deps/host-qemu/download.log)"
fi
{ resolved_key; printf '%s\n' "${PKGS[@]}"; } >"$HQ/resolved"

# Unpack into a fresh folder, check it, swap it in.
NEW=$HQ/.root.new
rm -rf "$NEW"
mkdir -p "$NEW"
log "unpacking ${#PKGS[@]} packages into .deps/host-qemu/root"
for p in "${PKGS[@]}"; do
	f=$(deb_file "$p")
	dpkg-deb --info "$f" >/dev/null 2>&1 ||
		die "${f##*/} is not a valid .deb (interrupted download?)" "remove it and run again"
	dpkg -x "$f" "$NEW" || die "dpkg -x ${f##*/} failed"
done
[ -x "$NEW/$BINARY" ] || die "$TOP unpacked without /$BINARY"
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
rm -rf "$HQ/root"
mv -T "$NEW" "$HQ/root"
printf '%s\n' "${PKGS[@]}" >"$HQ/packages"
printf '%s\n' "$ver" >"$HQ/version"
stamp_want >"$HQ/.stamp"
log "done: $ver ($ARCH), ${#PKGS[@]} packages"
