# The host kernel's own SMMU driver was not kept off: it enabled the
# SMMUv3 before pkvmkit loaded. The hypervisor does not take an SMMU in
# use and does not pretend: DMA is reported not protected (sysfs, status
# file, kernel log), protected VMs are refused (the administrator did not
# allow otherwise), other VMs still start, and the host keeps the SMMU's
# registers its driver uses (it still reads its event queue). Both
# kernels: each has its own arm-smmu-v3
# driver enabling the SMMU.
#@ boot cortex-a72 2 1G
#@ qemu 10
#@ machine iommu=smmuv3
#@ qemu-args -device edu,dma_mask=0xffffffffffffffff
. /lib/pkvmkit/guest.sh
guest_setup

t_check "the host's arm-smmu-v3 driver runs" sh -c "dmesg | grep -q 'arm-smmu-v3.*ias'"
pk_load
pk_wait_deprivileged
t_check "the driver says why DMA will not be protected" sh -c \
	"dmesg | grep -q 'the host.s own SMMU driver enabled the SMMU at'"
t_eq "sysfs: not protected, the host enabled it; protected VMs refused" \
	"not protected: the host enabled the SMMU itself (its arm-smmu-v3 driver)
protected VMs: refused" "$(cat $PK_SYS/dma)"
t_check "the status file says the same" grep -q \
	"^dma: not protected: the host enabled the SMMU itself" $PK_DBG/status
t_check "the hypervisor logged it" grep -q \
	"SMMU at .* not taken: the host enabled the SMMU itself" $PK_DBG/log

t_check "the test module loads" insmod /root/pkvm_dma_test.ko
CMD=/sys/kernel/debug/pkvm_dma_test/cmd
# shellcheck disable=SC2046
set -- $(echo pages >$CMD && cat $CMD)
t_eq "a protected VM is refused" 0xffffffffffffffff \
	"$(pk_hvc "$HC_VM_CREATE" "$1" "$2" $((1 | 40 << 8)) | cut -d' ' -f2)"
t_check "  the hypervisor logged why" grep -q \
	"protected VM refused: DMA is not protected: the host enabled the SMMU itself" \
	$PK_DBG/log
VM=$(pk_hvc "$HC_VM_CREATE" "$1" "$2" $((40 << 8)) | cut -d' ' -f2)
t_check "a VM that is not protected starts" test "$((VM))" -ge 0
t_eq "  and goes" "0x0 0x0 0x0" \
	"$(pk_hvc "$HC_VM_TEARDOWN" "$VM" | cut -d' ' -f2) $(pk_hvc "$HC_VM_RECLAIM" "$VM" 64 | cut -d' ' -f2) $(pk_hvc "$HC_VM_DESTROY" "$VM" | cut -d' ' -f2)"
# edu's DMA to a raw address faults in the host's own translation; the
# host's driver reads the event from its registers and logs it
echo "to_dev $1" >$CMD
sleep 1
t_check "the host's SMMU driver still works its registers (it logs edu's fault)" \
	sh -c "dmesg | grep -q 'arm-smmu-v3.*event 0x'"
t_check "  and the hypervisor refused none of its accesses" sh -c \
	"! grep -q 'ipa 905' $PK_DBG/log"
guest_finish
