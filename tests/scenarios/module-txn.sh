# The module-memory members of pkvm_module_ops as transactions
# (modules/module_txn, android16-6.12, loaded after the sample): a
# mapping that fails keeps no VA; map_module_pages whose last page cannot
# be mapped leaves nothing mapped and every page the host's; a module
# cannot unmap another module's text (whose call must still answer).
# Kernel 6.1 only: the paths are the hypervisor's, the same on both.
#@ boot cortex-a72 2 1G
#@ kernel 6.1
#@ append kvm-arm.protected_modules=pkvm_module
. /lib/pkvmkit/guest.sh
guest_setup

pk_load deprivilege=0
i=0
while ! grep -q "pkvm_module loaded" $PK_SYS/protected_modules 2>/dev/null; do
	[ $i -lt 50 ] || break
	sleep 0.1; i=$((i + 1))
done
sample_call=$(pk_hc_id $HC_FIRST_DYNAMIC)
victim=$(awk '$1 == "'$HC_FIRST_DYNAMIC'" && $3 ~ /^pkvm_module:/ { print $2 }' $PK_DBG/status)
t_diag "the sample's handler is at $victim"
victim=$(printf '%#x' $((victim & ~0xfff)))
t_check "module_txn loads" modprobe module_txn victim_va=$victim
call=$(dmesg | sed -n 's/.*module_txn: scratch pfn \(0x[0-9a-f]*\), results call \([0-9]*\).*/\2/p')
pfn=$(dmesg | sed -n 's/.*module_txn: scratch pfn \(0x[0-9a-f]*\), results call.*/\1/p')
result() { pk_hvc_x0x1 $(pk_hc_id $call) $1 | cut -d' ' -f2; }

t_eq "create_private_mapping that fails keeps no VA (next one a page + guard on)" 0x2000 "$(result 0)"
t_eq "linear_map_early that fails keeps no VA" 0x2000 "$(result 1)"
t_eq "map_module_pages over an occupied page: -EEXIST" "$R_EEXIST" "$(result 2)"
t_eq "  its first page is not mapped" 0x0 "$(result 3)"
t_eq "  nor its second" 0x0 "$(result 4)"
t_eq "  both pages are still the host's" "0x0 $ST_HOST_OWNED 0x0 $ST_HOST_OWNED" \
	"$(pk_hvc_x0x1 $HC_PAGE_STATE $((pfn + 1))) $(pk_hvc_x0x1 $HC_PAGE_STATE $((pfn + 2)))"
t_check "unmap_module_pages of another module's text is refused" \
	sh -c "[ \$(( $(result 5) )) -lt 0 ]"
echo 1 >$PK_SYS/deprivilege
pk_wait_deprivileged
t_eq "the other module's call still answers" "0x0 0x0" "$(pk_hvc_x0x1 $sample_call 5)"
t_check "no hypervisor panic was logged" sh -c "! grep -q 'HYP PANIC' $PK_DBG/log"

guest_finish
