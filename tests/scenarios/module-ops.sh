# The pkvm_module_ops callbacks, used by a module at EL2
# (modules/pkvm_ops_test): its init maps the PL011 with
# create_private_mapping, prints through register_serial_driver and tries
# the hook registrations that must be refused; its handler runs each op on
# demand, checked here from the host side: the ownership members, the host
# stage-2 restrictions with every refusal (state unchanged), get_leaf,
# registrations after init, and the trap-configuration members.
#@ boot cortex-a72 2 1G
#@ boot max 2 1G
#@ append kvm-arm.protected_modules=pkvm_ops_test
#@ expect-console ^pkvm_ops_test: EL2 console registered
#@ expect-console ^pkvm_ops_test: hello from EL2 through the UART
#@ expect-console ^0x1234abcd
. /lib/pkvmkit/guest.sh
guest_setup

TOUCH=/root/hyp-mem-touch
SCRATCH=$PK_DBG/scratch
# The module's EL2 code writes to the UART directly, while the kernel's
# console may still be sending a test point's line out of its buffer: the
# two interleave character by character (seen on 6.12: "ok 1 - driver
# loadsp" then "kvm_ops_test: EL2 console registered"). So no point is
# printed while the EL2 init runs, and the console is left to drain before
# each EL2 print.
insmod /root/pkvmkit.ko
loaded=$?
pk_await_deprivileged
t_eq "driver loads" 0 "$loaded"
pk_wait_deprivileged
t_check "kern_hyp_va and hyp_pa (checked by the module's EL1 side)" \
	sh -c "dmesg | grep -q 'pkvm_ops_test: handler 128, kern_hyp_va ok, hyp_pa ok'"
call() { pk_hvc "cpu ${CPU:-0}" "$(pk_hc_id $HC_FIRST_DYNAMIC)" "$@"; }
# shellcheck disable=SC2046
set -- $(cat $SCRATCH)
A=$1 B=$2 C=$3
state() { pk_hvc_x0x1 $HC_PAGE_STATE "$1" | cut -d' ' -f2; }

sleep 0.3 # the console drains (above)
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
t_check "init: the one host SMC slot was free (0), 8 of 8 hooks outside module text refused (EINVAL)" \
	sh -c "dmesg | grep -q 'pkvm_ops_test: init: register_host_smc_handler 0, 8 of 8 bad hooks refused'"
t_eq "after init: hooks, alloc_module_va, map_module_page, linear_map_early refused (5 of 5)" \
	"0x0 0x5" "$(call 14 | cut -d' ' -f1-2)"

# host_stage2_mod_prot(_range): x2 = pfn, x3 = enum kvm_pgtable_prot, x4 = nr
# shellcheck disable=SC2034 # RW is unused, listed for the whole enum
R=0x4 RW=0x6 RX=0x5 RWX=0x7
prot() { pk_hvc "$(pk_hc_id $HC_FIRST_DYNAMIC)" 15 "$1" "$2" "${3:-1}" | cut -d' ' -f2; }
leaf() { pk_hvc "$(pk_hc_id $HC_FIRST_DYNAMIC)" 16 "$(printf '%#x' $(($1 * 4096)))" | cut -d' ' -f2-4; }
s2ap() { set -- $(leaf "$1"); echo "$(( ($2 >> 6) & 3 )) $(( $3 ))"; }
t_eq "get_leaf(A): a valid RW entry" 3 "$(s2ap "$A" | cut -d' ' -f1)"
t_eq "restrict A to R" 0x0 "$(prot "$A" $R)"
t_eq "  get_leaf(A): a level-3 page entry, S2AP read-only" "1 3" "$(s2ap "$A")"
t_eq "  the host can read A" ok "$($TOUCH $SCRATCH read 0 | cut -d' ' -f1)"
t_eq "  a host write to A (no fault handler registered): abort" SIGBUS \
	"$($TOUCH $SCRATCH write 0)"
t_eq "  the host cannot share a restricted page: EPERM" "0x0 $R_EPERM" \
	"$(pk_hvc_x0x1 $HC_HOST_SHARE_HYP "$A" 1)"
t_eq "  nor donate it: EPERM" "0x0 $R_EPERM" "$(pk_hvc_x0x1 $HC_HOST_DONATE_HYP "$A" 1)"
t_eq "  A is still the host's" $ST_HOST_OWNED "$(state "$A")"
t_eq "restrict A further, to none" 0x0 "$(prot "$A" 0)"
t_eq "  get_leaf(A): no entry" "0x0" "$(leaf "$A" | cut -d' ' -f2)"
t_eq "  a host read of A: abort" SIGBUS "$($TOUCH $SCRATCH read 0)"
t_eq "lift A (RWX)" 0x0 "$(prot "$A" $RWX)"
t_eq "  S2AP read-write again" 3 "$(s2ap "$A" | cut -d' ' -f1)"
t_check "  the host writes A again" sh -c "$TOUCH $SCRATCH write 0 | grep -q '^ok'"
t_eq "lifting a page no module restricted: EPERM" "$R_EPERM" "$(prot "$A" $RWX)"
t_eq "RX on A, then lifted" "0x0 0x0" "$(prot "$A" $RX) $(prot "$A" $RWX)"
t_eq "write-only is not a protection the stage-2 can honour: EINVAL" "$R_EINVAL" \
	"$(prot "$A" 0x2)"
t_eq "nor DEVICE: EINVAL" "$R_EINVAL" "$(prot "$A" 0xc)"
t_eq "MMIO (the PL011): EINVAL" "$R_EINVAL" "$(prot 0x9000 $R)"
t_eq "a range that overflows: EINVAL" "$R_EINVAL" "$(prot "$A" $R 0xffffffffffffffff)"
t_eq "an empty range: EINVAL" "$R_EINVAL" "$(prot "$A" $R 0)"
t_eq "a range running off RAM: EINVAL" "$R_EINVAL" "$(prot 0x7ffff $R 2)"
pk_hvc_x0x1 $HC_HOST_SHARE_HYP "$C" 1 >/dev/null
t_eq "a page the host shares: EPERM" "$R_EPERM" "$(prot "$C" $R)"
t_eq "  C is still shared" $ST_HOST_SHARED "$(state "$C")"
pk_hvc_x0x1 $HC_HOST_UNSHARE_HYP "$C" 1 >/dev/null
t_eq "the scratch pages are contiguous (A, B, C)" "$((A + 1)) $((A + 2))" "$((B)) $((C))"
t_eq "A..C as a range with one hypervisor page (B donated): EPERM" \
	"$R_EPERM" "$(call 1 "$B" >/dev/null; prot "$A" $R 3)"
t_eq "  and nothing changed: A still read-write" 3 "$(s2ap "$A" | cut -d' ' -f1)"
call 2 "$B" >/dev/null
t_eq "the hypervisor's own page: EPERM" "$R_EPERM" \
	"$(prot $(($(sed -n 's/^image \(0x[0-9a-f]*\).*/\1/p' $PK_DBG/layout) / 4096)) $R)"

call 18 >/dev/null
t_check "update_hcr_el2 cannot clear HCR_EL2.VM: logged and ignored" \
	grep -q "update_hcr_el2(0, 1): bits 1 are the hypervisor's, ignored" $PK_DBG/log
t_eq "  the hypervisor's memory is still out of the host's reach" SIGBUS \
	"$($TOUCH $PK_DBG/hyp_mem read 0)"
call 17 >/dev/null
FGT=$(call 17 | cut -d' ' -f3)
if [ "$FGT" = 0x0 ]; then
	t_eq "update_hfgwtr_el2 without FEAT_FGT: ignored, logged once for two calls" 1 \
		"$(grep -c 'no FEAT_FGT' $PK_DBG/log)"
else
	t_eq "update_hfgwtr_el2 with FEAT_FGT: applied, nothing logged" 0 \
		"$(grep -c 'no FEAT_FGT' $PK_DBG/log)"
fi
t_eq "an unknown test: EINVAL" "0x0 $R_EINVAL" "$(call 99 | cut -d' ' -f1-2)"

guest_finish
