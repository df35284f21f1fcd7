#!/usr/bin/env bash
# scripts/cpio-cat.sh OUT IN... - one initramfs of several archives,
# compressed or not, for QEMU's single -initrd: IN files concatenated,
# each padded with zeros to a multiple of 4 bytes. The kernel unpacks
# archive after archive, skipping zeros between them, but takes a cpio
# header only at an offset that is a multiple of 4 from where the last
# compressed archive ended: a gzip'd archive followed by an uncompressed
# fragment (scripts/mkvmm-cpio.sh) needs the padding.
set -euo pipefail

[ $# -ge 2 ] || { echo "usage: $0 OUT IN..." >&2; exit 2; }
OUT=$1
shift
tmp=$OUT.tmp.$$
: >"$tmp"
for f in "$@"; do
	[ -f "$f" ] || { rm -f "$tmp"; echo "cpio-cat: $f: not a file" >&2; exit 1; }
	cat "$f" >>"$tmp"
	size=$(stat -c %s "$tmp")
	head -c $(((4 - size % 4) % 4)) /dev/zero >>"$tmp"
done
mv -f "$tmp" "$OUT"
