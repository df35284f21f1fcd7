# modules/smc_filter with permissive=1 (the EL1 half writes the EL2
# global before loading): a SiP SMC off the allow-list is logged and
# goes on to the firmware instead of being denied.
#@ boot cortex-a72 2 1G
#@ append kvm-arm.protected_modules=smc_filter smc_filter.permissive=1
. /lib/pkvmkit/guest.sh
guest_setup

pk_load
pk_wait_deprivileged
ID=$(dmesg | sed -n 's/.*smc_filter: filtering host SMCs (permissive), counters on hypercall \([0-9]*\)$/\1/p')
t_check "smc_filter loaded in permissive mode" test -n "$ID"
counters() { pk_hvc "$(pk_hc_id "$ID")" | cut -d' ' -f2-4; }
pk_smc 0x82000010 >/dev/null
t_eq "a SiP SMC: not denied, let through and counted" "0x0 0x1" \
	"$(counters | cut -d' ' -f1,3)"
t_check "  and logged at EL2" grep -q "smc_filter: permissive, would deny" $PK_DBG/log
guest_finish
