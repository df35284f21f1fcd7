# modules/early_map with leave_mapped=1: an early mapping still present at
# deprivilege is removed, blamed on the module, and the system is marked
# insecure (no protected VM may start).
#@ boot cortex-a72 2 1G
#@ append kvm-arm.protected_modules=early_map early_map.leave_mapped=1
. /lib/pkvmkit/guest.sh
guest_setup

pk_load
pk_wait_deprivileged
t_check "the module's init itself succeeded" \
	sh -c "dmesg | grep -q 'early_map: extra page pfn .* copy ok'"
t_check "the hypervisor removed the mapping and named the module" \
	grep -q "module early_map left an early mapping at .* unmapped, system insecure" $PK_DBG/log
t_eq "the system is insecure" 0 "$(cat $PK_SYS/secure)"
t_eq "a protected VM is refused" "refused: Operation not permitted" \
	"$(/root/kvm-test create protected)"
guest_finish
