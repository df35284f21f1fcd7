# A protected module whose EL2 init fails while another CPU is inside the
# SMC handler it registered (pkvm_fail_init.hook_in_flight=1: the handler
# keeps that CPU in the module's code for 50 ms). The loader must not take
# the module's pages back under it: the handler's call ends normally, the
# hypervisor does not panic, and the system boots insecure as for any
# failed module. Without the loader's wait this boot dies with a
# hypervisor panic (an instruction abort at EL2 in the module's text).
#@ boot cortex-a72 2 1G
#@ boot max 4 1G
#@ append kvm-arm.protected_modules=pkvm_fail_init pkvm_fail_init.hook_in_flight=1
. /lib/pkvmkit/guest.sh
guest_setup

pk_load
pk_wait_deprivileged
t_check "the EL2 init failed while another CPU was in its SMC handler" \
	grep -q "another CPU is in the SMC handler" $PK_DBG/log
# (busybox modprobe tries a failing module twice: every try must hold)
N=$(dmesg | sed -n 's/.*pkvm_fail_init: the SMC handler answered \([0-9]*\) times.*/\1/p' | sort -n | head -1)
t_check "that call ended normally, answered by the handler (at least ${N:-no} answers a try)" \
	test "${N:-0}" -ge 1
t_check "the hypervisor did not panic" sh -c "! grep -qi 'panic' $PK_DBG/log"
t_eq "the system is insecure" 0 "$(cat $PK_SYS/secure)"
t_check "the module is gone" sh -c "! grep -q pkvm_fail_init /proc/modules"
hyp=$(awk '/^hyp_owned/ { print $2 }' $PK_SYS/page_states)
# the log and the hyp-trace rings: the hypervisor's, shared with the host
shared_pages() { awk '/^(log|trace) / { n += $3 / 4096 } END { print n }' $PK_DBG/layout; }
t_eq "its pages went back: hyp-owned pages are the hypervisor's own" \
	$(($(cat $PK_SYS/memory_bytes) / 4096 - $(shared_pages))) "$hyp"
t_eq "the host is deprivileged on every CPU" "$(pk_all_cpus)" "$(cat $PK_SYS/stage2_cpus)"
t_eq "the host still answers" "0x0 $(printf '%#x' $HC_PING_MAGIC)" \
	"$(pk_hvc_x0x1 "$(pk_hc_id $HC_PING)")"
guest_finish
