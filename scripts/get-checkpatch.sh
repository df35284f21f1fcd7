#!/usr/bin/env bash
# scripts/get-checkpatch.sh - the kernel's checkpatch.pl for make check.
#
# Takes scripts/checkpatch.pl and the two files it reads beside it
# (spelling.txt, const_structs.checkpatch) from Debian's linux-source of a
# kernel pkvmkit supports (linux-source-6.1 from bookworm, or
# linux-source-6.12 from trixie, whichever private apt configuration
# scripts/setup.sh made first: .deps/apt/<suite>/, the machine's /etc/apt
# is not touched), downloaded once into .deps/debs/, unpacked into
# .deps/checkpatch/. Prints the path of checkpatch.pl. A second run only
# prints it.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUT=$ROOT/.deps/checkpatch
CACHE=$ROOT/.deps/debs
FILES=(checkpatch.pl spelling.txt const_structs.checkpatch)

die() { echo "get-checkpatch: $*" >&2; exit 1; }

if [ -x "$OUT/checkpatch.pl" ] && [ -f "$OUT/spelling.txt" ] &&
	[ -f "$OUT/const_structs.checkpatch" ]; then
	echo "$OUT/checkpatch.pl"
	exit 0
fi
APT_CONFIG='' PKG=''
for suite in bookworm:6.1 trixie:6.12; do
	if [ -f "$ROOT/.deps/apt/${suite%%:*}/apt.conf" ]; then
		APT_CONFIG=$ROOT/.deps/apt/${suite%%:*}/apt.conf
		PKG=linux-source-${suite#*:}
		break
	fi
done
[ -n "$APT_CONFIG" ] || die "no private apt configuration: run scripts/setup.sh first"
export APT_CONFIG
mkdir -p "$CACHE" "$OUT"
deb=$(find "$CACHE" -maxdepth 1 -name "${PKG}_*_all.deb" | sort -V | tail -n1)
if [ -z "$deb" ]; then
	tmp=$(mktemp -d "$CACHE/.partial.XXXXXX")
	(cd "$tmp" && apt-get -q download "$PKG") >"$OUT/download.log" 2>&1 ||
		{ rm -rf "$tmp"; die "apt-get download $PKG failed (see $OUT/download.log)"; }
	mv -f "$tmp"/*.deb "$CACHE/"
	rmdir "$tmp"
	deb=$(find "$CACHE" -maxdepth 1 -name "${PKG}_*_all.deb" | sort -V | tail -n1)
fi
# The .deb holds the source as one tar.xz: stream it, keep three files.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
members=()
for f in "${FILES[@]}"; do members+=("$PKG/scripts/$f"); done
dpkg-deb --fsys-tarfile "$deb" | tar -xO "./usr/src/$PKG.tar.xz" | xz -dc |
	tar -x -C "$tmp" "${members[@]}"
for f in "${FILES[@]}"; do
	install -m 755 "$tmp/$PKG/scripts/$f" "$OUT/$f"
done
echo "$OUT/checkpatch.pl"
