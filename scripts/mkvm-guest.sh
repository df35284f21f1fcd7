#!/usr/bin/env bash
# scripts/mkvm-guest.sh OUTDIR - the inner guest's image and the outer
# guest's VM helper (docs/vmm.md), for the selected kernel:
#   OUTDIR/guest.cpio     the inner guest's initramfs, uncompressed:
#                         busybox, /init = tests/vm/guest-init.sh,
#                         /lib/pkvmkit_guest.ko (tests/vm_guest, debug info
#                         stripped)
#   OUTDIR/vm-guest.cpio  an uncompressed newc fragment for the outer
#                         initramfs: /boot/guest-vmlinuz (.deps/current/
#                         vmlinuz: the same kernel as the outer guest's),
#                         /boot/guest.cpio, /lib/pkvmkit/vm.sh
#                         (tests/vm/vm.sh)
# pkvmkit_guest.ko must be built first (make vmm does both).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUT=${1:?usage: $0 OUTDIR}
KO=$ROOT/tests/vm_guest/pkvmkit_guest.ko
KERNEL=$ROOT/.deps/current/vmlinuz

die() { echo "mkvm-guest: $*" >&2; exit 1; }
[ -f "$KO" ] || die "no $KO: build it first (make vmm)"
[ -f "$KERNEL" ] || die "no $KERNEL (run scripts/setup.sh)"
# The module must be for the kernel the guest boots.
abi=$(cat "$ROOT/.deps/current/abi")
modinfo -F vermagic "$KO" | grep -q "^$abi " ||
	die "$KO is not built for $abi: make vmm"

STAGE=$(mktemp -d)
trap 'rm -rf "$STAGE"' EXIT
mkdir -p "$OUT" "$STAGE/frag/boot" "$STAGE/frag/lib/pkvmkit"
aarch64-linux-gnu-strip --strip-debug -o "$STAGE/pkvmkit_guest.ko" "$KO"
"$ROOT/scripts/mkinitramfs.sh" "$STAGE/frag/boot/guest.cpio" \
	"$ROOT/tests/vm/guest-init.sh" "$STAGE/pkvmkit_guest.ko:/lib/pkvmkit_guest.ko"
cp -L "$KERNEL" "$STAGE/frag/boot/guest-vmlinuz"
cp "$ROOT/tests/vm/vm.sh" "$STAGE/frag/lib/pkvmkit/vm.sh"
chmod 644 "$STAGE/frag/boot/"* "$STAGE/frag/lib/pkvmkit/vm.sh"
find "$STAGE/frag" -exec touch -h -d @0 {} +
(cd "$STAGE/frag" && find . -mindepth 1 -printf '%P\n' | LC_ALL=C sort |
	cpio --quiet -o -H newc -R 0:0 --reproducible) >"$OUT/vm-guest.cpio.tmp"
cp "$STAGE/frag/boot/guest.cpio" "$OUT/guest.cpio"
mv -f "$OUT/vm-guest.cpio.tmp" "$OUT/vm-guest.cpio"
