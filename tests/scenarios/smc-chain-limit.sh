# Chained hooks (android15-6.6): up to 16 host SMC handlers; smc_chain
# registers its two and then dummies until the hypervisor refuses one:
# 14 more, then -EBUSY. The first two still run first, in order.
#@ boot cortex-a72 2 1G
#@ append kvm-arm.protected_modules=smc_chain smc_chain.fill_chain=1
. /lib/pkvmkit/guest.sh
guest_setup

pk_load
pk_wait_deprivileged
ids=$(dmesg | sed -n 's/.*smc_chain: calls stats \([0-9]*\) limits \([0-9]*\) .*/\1 \2/p')
set -- $ids
STATS=$1 LIMITS=$2
t_eq "14 dummies after its two, then the 17th is refused with -EBUSY" \
	"0xe $R_EBUSY" "$(pk_hvc $(pk_hc_id $LIMITS) | cut -d' ' -f2,3)"
pk_hvc $(pk_hc_id $STATS) >/dev/null
t_eq "the answered SiP call is still answered" "0x0 0x66" \
	"$(pk_smc 0x82000f11 | cut -d' ' -f1,2)"
t_eq "  by the second handler, after the first (log 0x12)" "0x12" \
	"$(pk_hvc $(pk_hc_id $STATS) | cut -d' ' -f2)"
t_eq "the system is secure" 1 "$(cat $PK_SYS/secure)"
guest_finish
