# A deprivilege the hypervisor cannot do (its pool cannot hold the host
# stage-2's reservation) changes nothing for vendor modules either: the
# hypervisor builds the stage-2 before it closes module registration, so
# an early mapping a loaded module left is not yet taken away (nor the
# system marked insecure for it), and a module that registers a hook
# still loads afterwards. 6.1 only: the order is the
# hypervisor's.
#@ boot cortex-a72 2 1G
#@ kernel 6.1
#@ append kvm-arm.protected_modules=early_map early_map.leave_mapped=1
. /lib/pkvmkit/guest.sh
guest_setup

pk_load pool_pages=20 deprivilege=0
i=0
while ! grep -q "early_map loaded" $PK_SYS/protected_modules 2>/dev/null; do
	[ $i -lt 50 ] || break
	sleep 0.1; i=$((i + 1))
done
t_eq "early_map loaded (it leaves an early mapping)" "early_map loaded" \
	"$(cat $PK_SYS/protected_modules)"
t_check "deprivilege refused" sh -c "! echo 1 > $PK_SYS/deprivilege"
t_eq "deprivilege_error reads -ENOMEM" -12 "$(cat $PK_SYS/deprivilege_error)"
t_check "the early mapping was not taken away by the failed attempt" \
	sh -c "! grep -q 'left an early mapping' $PK_DBG/log"
t_eq "the system is still secure" 1 "$(cat $PK_SYS/secure)"
t_check "a module that registers a host SMC handler still loads" \
	modprobe smc_filter
info=$(pk_hvc_x0x1 $HC_HOOK_INFO $HC_HOOK_HOST_SMC)
t_check "  and its handler is registered ($info)" [ "$info" != "0x0 0x0" ]
t_eq "set-up calls still answered" "0x0 $PING_MAGIC" "$(pk_hvc_x0x1 $HC_SETUP_PING)"

guest_finish
