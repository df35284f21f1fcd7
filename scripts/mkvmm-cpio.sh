#!/usr/bin/env bash
# scripts/mkvmm-cpio.sh [--root DIR] OUT.cpio
# scripts/mkvmm-cpio.sh [--root DIR] --list
#
# Pack the inner VMM, /usr/bin/qemu-system-aarch64 from DIR (default
# .deps/vmm/root, made by scripts/get-vmm.sh), into an uncompressed newc
# cpio fragment that can be appended to any initramfs (the kernel unpacks
# concatenated archives; scripts/cpio-cat.sh pads them): the binary, the
# program interpreter its PT_INTERP names (/lib/ld-linux-aarch64.so.1,
# with its symlink), and every shared library in its DT_NEEDED closure
# where the package put it (/lib/aarch64-linux-gnu, /usr/lib/
# aarch64-linux-gnu: the dynamic loader's own search path, so no
# ld.so.cache is needed), each soname link with the file it names.
# No data files: the standard command line (tests/vm/vm.sh: -kernel,
# -initrd, -nographic, -nic none) needs none; without -nic none QEMU
# would want efi-virtio.rom from qemu-system-data.
#
# Everything is owned by root with mtime 0, so the same packages give the
# same archive. Uncompressed on purpose: the outer guest's kernel unpacks
# it under TCG, where gunzip of some 60 MB would cost more than copying.
#
# --list: print the closure (paths relative to DIR, one a line) and check
# it: exit 1 naming each DT_NEEDED that resolves nowhere in DIR.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
R=$ROOT/.deps/vmm/root
BINARY=usr/bin/qemu-system-aarch64
# The dynamic loader's search order for aarch64 Debian (no RUNPATHs here).
LIBDIRS=(lib/aarch64-linux-gnu usr/lib/aarch64-linux-gnu lib usr/lib)
READELF=aarch64-linux-gnu-readelf

die() { echo "mkvmm-cpio: $*" >&2; exit 1; }
usage() { sed -n '2,3p' "${BASH_SOURCE[0]}" | sed 's/^# //' >&2; exit 2; }

LIST=0 OUT=
while [ $# -gt 0 ]; do
	case $1 in
	--root) R=${2:?}; shift 2 ;;
	--list) LIST=1; shift ;;
	-h | --help) usage ;;
	-*) usage ;;
	*) [ -z "$OUT" ] || usage; OUT=$1; shift ;;
	esac
done
[ "$LIST" -eq 1 ] || [ -n "$OUT" ] || usage
[ -x "$R/$BINARY" ] || die "no $R/$BINARY (run scripts/get-vmm.sh, or scripts/setup.sh)"
command -v "$READELF" >/dev/null || die "$READELF not found (scripts/setup.sh installs binutils-aarch64-linux-gnu)"

declare -A FILES=()	# path relative to R -> 1
declare -A FOLLOWED=()	# ELF files whose DT_NEEDED were followed
MISSING=()

# add PATH: PATH (relative to R) and, for a symlink, what it points to,
# hop by hop (Debian's library links are relative; an absolute one is
# taken inside R).
add() {
	local p=$1 t
	while :; do
		FILES[$p]=1
		[ -L "$R/$p" ] || break
		t=$(readlink "$R/$p")
		case $t in
		/*) p=${t#/} ;;
		*) p=$(dirname "$p")/$t ;;
		esac
		p=$(realpath -s -m --relative-to="$R" "$R/$p")
	done
	[ -f "$R/$p" ] || die "$p: not a file in $R"
}

# find_lib SONAME: its path relative to R, or nothing.
find_lib() {
	local d
	for d in "${LIBDIRS[@]}"; do
		if [ -e "$R/$d/$1" ]; then
			echo "$d/$1"
			return
		fi
	done
}

# follow PATH: add an ELF file and, recursively, the libraries it needs.
follow() {
	local p=$1 real so lib
	add "$p"
	real=$(realpath -m --relative-to="$R" "$R/$p")
	[ -z "${FOLLOWED[$real]:-}" ] || return 0
	FOLLOWED[$real]=1
	for so in $("$READELF" -d "$R/$real" | sed -n 's/.*(NEEDED).*\[\(.*\)\]$/\1/p'); do
		lib=$(find_lib "$so")
		if [ -z "$lib" ]; then
			MISSING+=("$so (needed by /$real)")
			continue
		fi
		follow "$lib"
	done
}

interp=$("$READELF" -l "$R/$BINARY" | sed -n 's/.*Requesting program interpreter: \(.*\)\]$/\1/p')
[ -n "$interp" ] || die "/$BINARY has no PT_INTERP: not a dynamic executable?"
[ -e "$R$interp" ] || die "its program interpreter $interp is not in $R"
follow "$BINARY"
follow "${interp#/}"
if [ "${#MISSING[@]}" -gt 0 ]; then
	printf 'mkvmm-cpio: not found in %s: %s\n' "$R" "${MISSING[@]}" >&2
	exit 1
fi

if [ "$LIST" -eq 1 ]; then
	printf '%s\n' "${!FILES[@]}" | LC_ALL=C sort
	exit 0
fi

STAGE=$(mktemp -d)
trap 'rm -rf "$STAGE"' EXIT
for p in "${!FILES[@]}"; do
	mkdir -p "$STAGE/$(dirname "$p")"
	cp -a "$R/$p" "$STAGE/$p"
done
find "$STAGE" -exec touch -h -d @0 {} +
mkdir -p "$(dirname "$OUT")"
# Names without "./", sorted, root-owned: reproducible. Directories come
# before their contents (sort), as the kernel's unpacker needs.
(cd "$STAGE" && find . -mindepth 1 -printf '%P\n' | LC_ALL=C sort |
	cpio --quiet -o -H newc -R 0:0 --reproducible) >"$OUT.tmp.$$"
mv -f "$OUT.tmp.$$" "$OUT"
