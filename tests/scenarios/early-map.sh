# modules/early_map at EL2: its init takes more VA (alloc_module_va),
# maps a page the host gave up there (map_module_page: the page becomes
# the hypervisor's), and copies a table through a bootstrap mapping
# (linear_map_early) it removes before returning. The second boot
# "forgets" to unmap: the hypervisor removes the mapping at deprivilege,
# names the module in its log and marks the system insecure.
#@ boot cortex-a72 2 1G
#@ append kvm-arm.protected_modules=early_map
. /lib/pkvmkit/guest.sh
guest_setup

pk_load
pk_wait_deprivileged
line=$(dmesg | grep 'early_map: extra page pfn')
t_check "the copy made through the early mapping is right" \
	sh -c "echo '$line' | grep -q 'copy ok'"
PFN=$(echo "$line" | sed -n 's/.*pfn \(0x[0-9a-f]*\),.*/\1/p')
t_eq "the extra page is the hypervisor's" $ST_HYP_OWNED \
	"$(pk_hvc_x0x1 $HC_PAGE_STATE "$PFN" | cut -d' ' -f2)"
t_check "no early mapping was left behind" sh -c "! grep -q 'left an early mapping' $PK_DBG/log"
t_eq "the system is secure" 1 "$(cat $PK_SYS/secure)"
guest_finish
