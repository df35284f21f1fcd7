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
# Stock modules of the kernel the DMA scenarios need (docs/dma-isolation.md):
# virtio-pci and virtio-blk, where they are modules (6.12 builds virtio-pci
# in); .ko.xz unpacked, since busybox's modprobe loads plain .ko files.
KDIR=
for d in "$ROOT/.deps/current/root/lib/modules/$ABI" \
	"$ROOT/.deps/current/root/usr/lib/modules/$ABI"; do
	[ -d "$d/kernel" ] && KDIR=$d && break
done
[ -n "$KDIR" ] || { echo "guest-modules: no stock modules for $ABI" >&2; exit 1; }
for m in drivers/virtio/virtio_pci_modern_dev drivers/virtio/virtio_pci_legacy_dev \
	drivers/virtio/virtio_pci drivers/block/virtio_blk; do
	dest=$STAGE/lib/modules/$ABI/kernel/$m.ko
	mkdir -p "$(dirname "$dest")"
	if [ -f "$KDIR/kernel/$m.ko" ]; then
		cp "$KDIR/kernel/$m.ko" "$dest"
	elif [ -f "$KDIR/kernel/$m.ko.xz" ]; then
		xz -dc "$KDIR/kernel/$m.ko.xz" >"$dest"
	fi
done
touch "$STAGE/lib/modules/$ABI/modules.order" "$STAGE/lib/modules/$ABI/modules.builtin" \
	"$STAGE/lib/modules/$ABI/modules.builtin.modinfo"
depmod -b "$STAGE" "$ABI"
rm -rf "$GUEST/modules"
mkdir -p "$GUEST/modules"
cp -r "$STAGE/lib/modules/$ABI/." "$GUEST/modules/"
