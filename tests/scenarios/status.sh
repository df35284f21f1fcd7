# The hypervisor's state for people (/sys/kernel/debug/pkvmkit/status)
# with three modules loaded: each with its EL2 range, their calls and
# hooks named module:function, page states, pool use, every CPU. (The
# insecure case, with its reason: fail-init.)
#@ boot cortex-a72 2 1G
#@ boot max 4 1G
#@ append kvm-arm.protected_modules=smc_filter,page_guard,pkvm_module
. /lib/pkvmkit/guest.sh
guest_setup

pk_load
pk_wait_deprivileged
ST=$(cat $PK_DBG/status)
t_diag "$ST"
has() {	# ERE...: every one matches a line of the status
	for _re in "$@"; do
		echo "$ST" | grep -Eq -- "$_re" || return 1
	done
}
t_check "secure, host deprivileged" has "^security: secure$" "^host: deprivileged$"
for m in smc_filter page_guard pkvm_module; do
	t_check "EL2 module $m with its EL2 range" \
		has "^  $m +EL2 0x8002[0-9a-f]{8}-0x8002[0-9a-f]{8} "
done
t_check "the sample's call, named" has "^  1[0-9]{2}  0x8002[0-9a-f]+  pkvm_module:pkvm_driver_hyp_hvc\+0x0$"
t_check "smc_filter's host SMC handler, named" \
	has "^  host SMC handler +0x8002[0-9a-f]+  smc_filter:filter_host_smc\+0x0$"
t_check "page_guard's fault handler and abort notifier, named" has \
	"permission-fault handler +0x8002[0-9a-f]+  page_guard:guard_fault\+0x0$" \
	"illegal-abort notifier +0x8002[0-9a-f]+  page_guard:guard_abort\+0x0$"
t_check "hooks nobody set say so" has "^  PSCI notifier +-$"
# no IOMMU on this machine (dma-*.sh has one)
t_check "DMA: not protected, no IOMMU, protected VMs refused" \
	has "^dma: not protected: no IOMMU on this platform$" "^protected VMs: refused$"
t_eq "  the same in sysfs" "not protected: no IOMMU on this platform
protected VMs: refused" "$(cat $PK_SYS/dma)"
t_eq "  a protected VM is refused" 0xffffffffffffffff \
	"$(pk_hvc "$HC_VM_CREATE" 0 0 $((1 | 40 << 8)) | cut -d' ' -f2)"
t_check "  and the hypervisor logged why" grep -q \
	"protected VM refused: DMA is not protected: no IOMMU on this platform" \
	$PK_DBG/log
hyp=$(awk '/^hyp_owned/ { print $2 }' $PK_SYS/page_states)
t_check "page states as the hypervisor counts them" has "^pages: host_owned [0-9]+ host_shared [0-9]+ hyp_owned $hyp hyp_shared [0-9]+ guest_owned 0 host_shared_guest 0 guest_shared_host 0$"
t_check "pool use" has "^pool: $(cat $PK_SYS/pool_free_pages) pages free, [0-9]+ page-table pages in use$"
NCPU=$(grep -c ^processor /proc/cpuinfo)
t_eq "every CPU under the hypervisor with its stage-2" "$NCPU" \
	"$(echo "$ST" | grep -Ec '^  cpu[0-9]+  under the hypervisor, host stage-2 on$')"
guest_finish
