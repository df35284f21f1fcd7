# Debian's unmodified QEMU on pkvmkit's /dev/kvm with the outer machine
# at its other extreme: -cpu max (pointer authentication, SVE, every
# feature QEMU emulates) and 4 CPUs, so the vCPU threads move over more
# physical CPUs. One protected 2-vCPU guest boots Debian's kernel to its
# marker, both vCPUs online, then every page is back. 6.1 only: vm-qemu
# covers the driver on both kernels; -cpu max makes the nested boot
# several times slower (reference: stock KVM), which CI's budget pays once.
#@ boot max 4 1G
#@ kernel 6.1
#@ vmm
#@ timeout 900
. /lib/pkvmkit/guest.sh
guest_setup
. /lib/pkvmkit/vm.sh

PARAM=/sys/module/pkvmkit/parameters/vm_protected

# No IOMMU on this machine, so DMA is not protected: protected VMs run
# only with the administrator's say-so (docs/dma-isolation.md).
pk_load allow_unprotected_dma=1
pk_wait_deprivileged

BEFORE=$(pk_vm_pages)
t_diag "before any VM: $BEFORE"

echo 1 >$PARAM
LOG=/tmp/vm-max-smp.log
start=$(cut -d' ' -f1 /proc/uptime)
pk_vm_run --smp 2 --task smp --log "$LOG" --timeout 700
rc=$?
t_eq "protected VM, 2 vCPUs, on -cpu max x4: QEMU exits 0" 0 "$rc" ||
	pk_vm_log_diag "$LOG"
t_eq "  both vCPUs online" "online=0-1 count=2" "$(pk_vm_line smp "$LOG")"
t_diag "  from $start s to $(cut -d' ' -f1 /proc/uptime) s of the outer guest's uptime"
echo 0 >$PARAM
t_eq "the VM gone, every page is back" "$BEFORE" "$(pk_vm_pages)"
guest_finish
