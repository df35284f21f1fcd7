#!/usr/bin/env bash
# scripts/demo.sh - make demo: boot Debian's arm64 kernel under QEMU (virt,
# EL2 enabled, 2 CPUs) with kvm-arm.protected_modules=pkvm_module, load the
# pkvmkit driver, show it and the page's sample module at work, then a
# protected VM (Debian's own QEMU 7.2 on pkvmkit's /dev/kvm, booting this
# same kernel) holding a secret the host fails to read, and power off.
# The console is shown as it goes; it is also kept in build/logs/demo.log.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$ROOT/build/logs"

mapfile -t mods < <("$ROOT/scripts/guest-modules-list.sh")
"$ROOT/scripts/mkinitramfs.sh" "$WORK/demo.cpio.gz" "$ROOT/scripts/demo-init.sh" \
	"$ROOT/tests/lib/guest.sh:/lib/pkvmkit/guest.sh" \
	"$ROOT/build/guest/pkvmkit.ko:/root/pkvmkit.ko" \
	"$ROOT/build/guest/hc-ids.sh:/root/hc-ids.sh" \
	"$ROOT/build/guest/hyp-mem-touch:/root/hyp-mem-touch" "${mods[@]}" >/dev/null
# the VMM, the guest kernel and its initramfs (docs/vmm.md), uncompressed
"$ROOT/scripts/cpio-cat.sh" "$WORK/demo.cpio" "$WORK/demo.cpio.gz" \
	"$ROOT/build/vmm/vmm.cpio" "$ROOT/build/vmm/vm-guest.cpio"
# QEMU 10 (scripts/qemu10): its SMMUv3 has the stage 2 the hypervisor
# takes for DMA isolation; the host kernel's own SMMU driver is kept off.
"$ROOT/scripts/qemu-run.sh" --qemu 10 --machine-opts iommu=smmuv3 \
	--cpu "${DEMO_CPU:-cortex-a72}" --smp 2 --mem 1G \
	--append "kvm-arm.protected_modules=pkvm_module initcall_blacklist=arm_smmu_driver_init deferred_probe_timeout=0" \
	--timeout 400 --initrd "$WORK/demo.cpio" \
	--log "$ROOT/build/logs/demo.log" </dev/null >/dev/null
# Show the guest's part: from its first line to the poweroff.
tr -d '\r' <"$ROOT/build/logs/demo.log" |
	sed -n '/^== Kernel/,/^== Power off/p'
