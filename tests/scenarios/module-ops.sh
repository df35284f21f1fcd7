# The pkvm_module_ops callbacks pkvmkit implements, used by a module at EL2
# (modules/pkvm_ops_test): its init maps the PL011 with
# create_private_mapping and prints through register_serial_driver; its
# handler runs each op on demand, checked here from the host side.
#@ boot cortex-a72 2 1G
#@ append kvm-arm.protected_modules=pkvm_ops_test
#@ expect-console ^pkvm_ops_test: EL2 console registered
#@ expect-console ^pkvm_ops_test: hello from EL2 through the UART
#@ expect-console ^0x1234abcd
. /lib/pkvmkit/guest.sh
guest_setup

TOUCH=/root/hyp-mem-touch
SCRATCH=$PK_DBG/scratch
pk_load
pk_wait_deprivileged
t_check "kern_hyp_va and hyp_pa (checked by the module's EL1 side)" \
	sh -c "dmesg | grep -q 'pkvm_ops_test: handler 128, kern_hyp_va ok, hyp_pa ok'"
call() { pk_hvc "cpu ${CPU:-0}" "$(pk_hc_id $HC_FIRST_DYNAMIC)" "$@"; }
# shellcheck disable=SC2046
set -- $(cat $SCRATCH)
A=$1 B=$2 C=$3
state() { pk_hvc_x0x1 $HC_PAGE_STATE "$1" | cut -d' ' -f2; }

t_eq "puts/putx64 through the registered serial driver" "0x0 0x0" \
	"$(call 12 | cut -d' ' -f1-2)"
t_check "puts also reaches the hypervisor log" grep -q "hello from EL2" $PK_DBG/log

t_eq "host_share_hyp(A)" "0x0 0x0" "$(call 3 "$A" | cut -d' ' -f1-2)"
t_eq "  A is shared" $ST_HOST_SHARED "$(state "$A")"
t_eq "memset + memcpy on A at EL2" "0x0 0x0 0xabababababababab" \
	"$(call 8 "$A" | cut -d' ' -f1-3)"
t_eq "  the host sees what EL2 wrote" "ok 0xabababababababab" \
	"$($TOUCH $SCRATCH read 0)"
t_eq "flush_dcache_to_poc(A)" "0x0 0x0" "$(call 11 "$A" | cut -d' ' -f1-2)"
t_eq "pin_shared_mem(A)" "0x0 0x0" "$(call 5 "$A" | cut -d' ' -f1-2)"
t_eq "  the host cannot unshare a pinned page: EBUSY" "0x0 $R_EBUSY" \
	"$(pk_hvc_x0x1 $HC_HOST_UNSHARE_HYP "$A" 1)"
t_eq "unpin_shared_mem(A)" "0x0 0x0" "$(call 6 "$A" | cut -d' ' -f1-2)"
t_eq "host_unshare_hyp(A)" "0x0 0x0" "$(call 4 "$A" | cut -d' ' -f1-2)"
t_eq "  A is the host's again" $ST_HOST_OWNED "$(state "$A")"

t_eq "host_donate_hyp(B)" "0x0 0x0" "$(call 1 "$B" | cut -d' ' -f1-2)"
t_eq "  B is the hypervisor's" $ST_HYP_OWNED "$(state "$B")"
t_eq "  the host cannot read B" SIGBUS "$($TOUCH $SCRATCH read 1)"
t_eq "  nor take it back" "0x0 $R_EPERM" "$(pk_hvc_x0x1 $HC_HOST_RECLAIM "$B" 1)"
t_eq "hyp_donate_host(B)" "0x0 0x0" "$(call 2 "$B" | cut -d' ' -f1-2)"
t_check "  the host can write B again" sh -c "$TOUCH $SCRATCH write 1 | grep -q '^ok'"

$TOUCH $SCRATCH write 2 >/dev/null
Cpa=$(printf '%#x' $((C * 4096)))
for CPU in 0 1; do
	t_eq "cpu$CPU: fixmap_map reads what the host wrote in C" \
		"0x0 0x0 0x5a5a5a5a5a5a5a5a" "$(call 7 "$Cpa" | cut -d' ' -f1-3)"
done
CPU=0
t_eq "hyp_pa(hyp_va(pa)) == pa" "0x0 0x0 $Cpa" "$(call 9 "$Cpa" | cut -d' ' -f1-3)"
t_eq "the ops pkvmkit lacks fail cleanly (NULL / EOPNOTSUPP)" "0x0 0x0 0x1" \
	"$(call 13 | cut -d' ' -f1-3)"
t_eq "an unknown test: EINVAL" "0x0 $R_EINVAL" "$(call 99 | cut -d' ' -f1-2)"

guest_finish
