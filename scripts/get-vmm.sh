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
# Which packages: qemu-system-arm's Depends, then recursively the Depends
# and Pre-Depends of every library package among them (first alternative
# of each, arm64): the shared-library closure apt knows, without the
# maintainer-script and data packages (qemu-system-common, -data, debconf,
# ...) a binary run from an initramfs does not use. mkvmm-cpio.sh --list
# then checks that every DT_NEEDED of the binary and of each library it
# loads resolves inside the unpacked tree; setup fails if one does not.
#
# Layout (git-ignored):
#   .deps/vmm/debs/        the .debs (cache; only this script writes it)
#   .deps/vmm/root/        every .deb unpacked
#   .deps/vmm/packages     "name version" of each package, sorted
#   .deps/vmm/resolved     the resolution, kept while the lists are the same
#   .deps/vmm/.stamp       what root/ was made from
#
# Idempotent: with the stamp matching it returns at once (no apt call).
# Environment: PKVMKIT_SETUP_FORCE=1 redo it all.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DEPS=$ROOT/.deps
VMM=$DEPS/vmm
CACHE=$VMM/debs
SUITE=bookworm
TOP=qemu-system-arm
BINARY=usr/bin/qemu-system-aarch64
# Bump when the selection or the layout changes: invalidates old stamps.
FORMAT=1

log() { printf 'setup: vmm: %s\n' "$*"; }
die() {
	printf 'setup: vmm: ERROR: %s\n' "$1" >&2
	shift
	local l
	for l in "$@"; do printf 'setup: vmm:   %s\n' "$l" >&2; done
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
	[ -x "$VMM/root/$BINARY" ] && [ -f "$VMM/packages" ]
}

if [ "${PKVMKIT_SETUP_FORCE:-0}" != 1 ] && [ -f "$VMM/resolved" ] &&
	[ "$(head -n1 "$VMM/resolved")" = "$(resolved_key)" ] && [ -f "$VMM/.stamp" ]; then
	mapfile -t PKGS < <(tail -n +2 "$VMM/resolved")
	if [ "$(cat "$VMM/.stamp")" = "$(stamp_want)" ] && tree_ok; then
		log "up to date: $TOP $(sed -n "s/^$TOP //p" "$VMM/packages") (arm64)"
		exit 0
	fi
fi

have_lists() {
	apt-cache show --no-all-versions "$TOP:arm64" >/dev/null 2>&1
}

# records NAME...: "name version deps" for each arm64 package, deps being
# the first alternative of each Depends and Pre-Depends entry, space
# separated, without versions or :any. Dies on a name apt does not know
# (a virtual package first in an alternative, or lists without it).
records() {
	local q=() n
	for n in "$@"; do q+=("$n:arm64"); done
	apt-cache show --no-all-versions "${q[@]}" 2>"$VMM/apt-cache.log" | awk '
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
		/^Package: /     { p = $2 }
		/^Version: /     { v = $2 }
		/^Depends: /     { sub(/^Depends: /, ""); dep = dep deps($0) }
		/^Pre-Depends: / { sub(/^Pre-Depends: /, ""); dep = dep deps($0) }
		/^$/ { if (p != "") print p, v dep; p = ""; dep = "" }
		END  { if (p != "") print p, v dep }' ||
		die "apt-cache show failed for: $*" "$(cat "$VMM/apt-cache.log")"
}

# resolve: PKGS, "name version" for the VMM and its library closure.
resolve() {
	have_lists || apt_update
	local -A seen=() ver=()
	local todo=("$TOP") next name v d deps out
	PKGS=()
	seen[$TOP]=1
	while [ "${#todo[@]}" -gt 0 ]; do
		next=()
		out=$(records "${todo[@]}")
		while read -r name v deps; do
			ver[$name]=$v
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
				die "apt knows no arm64 package $name (needed by the $TOP closure)" \
					"see .deps/vmm/apt-cache.log; a virtual package needs a rule here"
		done
		todo=("${next[@]}")
	done
	for name in "${!ver[@]}"; do PKGS+=("$name ${ver[$name]}"); done
	mapfile -t PKGS < <(printf '%s\n' "${PKGS[@]}" | LC_ALL=C sort)
}

# deb_file "NAME VERSION": the cache path apt-get download gives it (the
# epoch's colon URL-encoded).
deb_file() {
	local name=${1%% *} v=${1#* }
	printf '%s/%s_%s_arm64.deb\n' "$CACHE" "$name" "${v//:/%3a}"
}

download() { # "NAME VERSION"...
	local tmp rc=0 p q=()
	for p in "$@"; do q+=("${p%% *}:arm64=${p#* }"); done
	tmp=$(mktemp -d "$CACHE/.partial.XXXXXX")
	log "downloading ${#q[@]} arm64 packages"
	(cd "$tmp" && apt-get -q download "${q[@]}") >"$VMM/download.log" 2>&1 || rc=$?
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

resolve
if ! fetch; then
	# Stale lists name files the (security) archive no longer has.
	[ "$APT_UPDATED" -eq 0 ] || die "apt-get download failed (see .deps/vmm/download.log)"
	apt_update
	resolve
	fetch || die "apt-get download failed (see .deps/vmm/download.log)"
fi
{ resolved_key; printf '%s\n' "${PKGS[@]}"; } >"$VMM/resolved"

# Unpack into a fresh folder, check it, swap it in.
NEW=$VMM/.root.new
rm -rf "$NEW"
mkdir -p "$NEW"
log "unpacking ${#PKGS[@]} packages into .deps/vmm/root"
for p in "${PKGS[@]}"; do
	f=$(deb_file "$p")
	dpkg-deb --info "$f" >/dev/null 2>&1 ||
		die "${f##*/} is not a valid .deb (interrupted download?)" "remove it and run again"
	dpkg -x "$f" "$NEW" || die "dpkg -x ${f##*/} failed"
done
[ -x "$NEW/$BINARY" ] || die "$TOP unpacked without /$BINARY"
# AArch64 ELF: e_machine 0xb7 at offset 18.
[ "$(od -An -tx1 -j18 -N2 "$NEW/$BINARY" | tr -d ' \n')" = b700 ] ||
	die "/$BINARY is not an AArch64 ELF"
# Every library the binary loads is there (the list itself is not kept).
"$ROOT/scripts/mkvmm-cpio.sh" --root "$NEW" --list >/dev/null ||
	die "the unpacked packages do not hold every library /$BINARY needs" \
		"(mkvmm-cpio.sh --list said why, above)"
rm -rf "$VMM/root"
mv -T "$NEW" "$VMM/root"
printf '%s\n' "${PKGS[@]}" >"$VMM/packages"
stamp_want >"$VMM/.stamp"
log "done: $TOP $(sed -n "s/^$TOP //p" "$VMM/packages") (arm64), ${#PKGS[@]} packages"
