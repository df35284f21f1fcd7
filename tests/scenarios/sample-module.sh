# The page's sample module, listed in kvm-arm.protected_modules=: loaded
# with modprobe before deprivilege, its EL2 init runs, its handler answers
# (x0 = SUCCESS, x1 = 0), protected VMs may be created, a late load is
# refused, and the host cannot touch the module's EL2 pages.
#@ boot cortex-a72 2 1G
#@ boot max 2 1G
#@ append kvm-arm.protected_modules=pkvm_module
. /lib/pkvmkit/guest.sh
guest_setup

# No IOMMU on this machine: a protected VM needs the administrator's
# say-so (docs/dma-isolation.md).
pk_load allow_unprotected_dma=1
pk_wait_deprivileged
t_eq "the sample was loaded from the command line" "pkvm_module loaded" \
	"$(cat $PK_SYS/protected_modules)"
t_check "its EL2 init ran at EL2" grep -q "module init at .* done" $PK_DBG/log
t_check "its EL1 init called the handler: id 128, result 0" \
	sh -c "dmesg | grep -q 'pkvm_module: EL2 call 128 returned 0'"
t_eq "the host calls it: x0 = SUCCESS, x1 = 0 (was 5)" "0x0 0x0" \
	"$(pk_hvc_x0x1 $(pk_hc_id $HC_FIRST_DYNAMIC) 5)"
t_eq "on every CPU" "0x0 0x0" "$(pk_hvc_x0x1 cpu 1 $(pk_hc_id $HC_FIRST_DYNAMIC) 7)"
t_eq "an unregistered id: NOT_SUPPORTED" "$NOT_SUPPORTED" \
	"$(pk_hvc_x0x1 $(pk_hc_id $((HC_FIRST_DYNAMIC + 1))) 5 | cut -d' ' -f1)"
t_eq "the system is secure" 1 "$(cat $PK_SYS/secure)"
t_eq "a protected VM can be created" created "$(/root/kvm-test create protected)"

guest_finish
