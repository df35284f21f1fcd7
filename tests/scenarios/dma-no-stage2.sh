# An SMMUv3 without stage 2 (QEMU 7.2's: stage 1 only). The hypervisor
# uses stage 2 as pKVM does and does not take this one (docs/
# dma-isolation.md says why): DMA is reported not protected, with the
# reason; the administrator allowed protected VMs anyway
# (allow_unprotected_dma=1), which sysfs reports, and one starts. The
# host keeps the SMMU's registers, but loses QEMU's fw_cfg (its DMA
# bypasses any IOMMU). One kernel (6.1): nothing here depends on the
# kernel but the driver's reading of the device tree, which dma-smmu.sh
# covers on both.
#@ kernel 6.1
#@ boot cortex-a72 2 1G
#@ machine iommu=smmuv3
#@ append initcall_blacklist=arm_smmu_driver_init deferred_probe_timeout=0
. /lib/pkvmkit/guest.sh
guest_setup

pk_load allow_unprotected_dma=1
pk_wait_deprivileged
t_eq "sysfs: not protected, no stage 2; protected VMs allowed by the parameter" \
	"not protected: the SMMU has no stage 2
protected VMs: allowed anyway (allow_unprotected_dma=1)" "$(cat $PK_SYS/dma)"
t_check "the hypervisor logged why" grep -q \
	"SMMU at .* not taken: the SMMU has no stage 2" $PK_DBG/log
t_check "the status file says so" grep -q "^dma: not protected: the SMMU has no stage 2" \
	$PK_DBG/status

t_check "the test module loads" insmod /root/pkvm_dma_test.ko
CMD=/sys/kernel/debug/pkvm_dma_test/cmd
# shellcheck disable=SC2046
set -- $(echo pages >$CMD && cat $CMD)
VM=$(pk_hvc "$HC_VM_CREATE" "$1" "$2" $((1 | 40 << 8)) | cut -d' ' -f2)
t_check "a protected VM starts (the administrator allowed it)" test "$((VM))" -ge 0
t_eq "  and goes" "0x0 0x0 0x0" \
	"$(pk_hvc "$HC_VM_TEARDOWN" "$VM" | cut -d' ' -f2) $(pk_hvc "$HC_VM_RECLAIM" "$VM" 64 | cut -d' ' -f2) $(pk_hvc "$HC_VM_DESTROY" "$VM" | cut -d' ' -f2)"
t_check "the host keeps the SMMU's registers" devmem 0x09050000 32
t_check "but not QEMU's fw_cfg (SIGBUS)" sh -c "! devmem 0x09020000 8 >/dev/null 2>&1"
guest_finish
