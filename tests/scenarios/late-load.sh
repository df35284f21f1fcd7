# After deprivilege no EL2 code gets in: a late module load fails with
# EOPNOTSUPP and says why, the hypervisor refuses every loading or
# registration hypercall whatever the arguments, and registered calls keep
# working.
#@ boot cortex-a72 2 1G
#@ append kvm-arm.protected_modules=pkvm_module
. /lib/pkvmkit/guest.sh
guest_setup

pk_load
pk_wait_deprivileged
t_check "a late insmod fails" sh -c "! insmod /lib/modules/$(uname -r)/extra/pkvm_reloc_test.ko"
t_check "with EOPNOTSUPP" \
	sh -c "insmod /lib/modules/$(uname -r)/extra/pkvm_reloc_test.ko 2>&1 | grep -q 'not supported'"
t_check "the log says why" \
	sh -c "dmesg | grep -q 'pkvmkit: pkvm_reloc_test: cannot load EL2 code: the host is already deprivileged'"
t_check "a late modprobe fails too" sh -c "! modprobe pkvm_hcall_limits"
for call in "$HC_ALLOC_MODULE_VA 1" \
	    "$HC_MAP_MODULE_PAGE 0x40000 0x800200000000 5" \
	    "$HC_DROP_MODULE 0x800200000000" \
	    "$HC_INIT_MODULE 0x800200000000" \
	    "$HC_REGISTER_HCALL 0x800200000000" "$HC_MARK_INSECURE" \
	    "$HC_ALLOC_MODULE_VA 0xffffffffffffffff"; do
	t_eq "loading call '$call' refused" "$NOT_SUPPORTED" \
		"$(pk_hvc_x0x1 $call | cut -d' ' -f1)"
done
t_eq "the sample's call still works" "0x0 0x0" "$(pk_hvc_x0x1 "$(pk_hc_id $HC_FIRST_DYNAMIC)" 5)"
t_eq "still secure (a late load is not a protected module)" 1 "$(cat $PK_SYS/secure)"

guest_finish
