# A protected module whose EL2 init fails: the system boots, is marked
# insecure, refuses protected VMs, does not try the modules after it, and
# gets the failed module's pages back.
#@ boot cortex-a72 2 1G
#@ append kvm-arm.protected_modules=pkvm_fail_init,pkvm_module
. /lib/pkvmkit/guest.sh
guest_setup

pk_load
pk_wait_deprivileged
t_eq "first module failed, the next not tried" \
	"pkvm_fail_init failed pkvm_module not-tried" \
	"$(tr '\n' ' ' <$PK_SYS/protected_modules | sed 's/ $//')"
t_check "the kernel log names the module and the error" \
	sh -c "dmesg | grep -q 'pkvm_fail_init: failed to init EL2 module: -5'"
t_check "and says the system is insecure" \
	sh -c "dmesg | grep -q 'failed to load protected module pkvm_fail_init.*' && dmesg | grep -q 'the system is insecure'"
t_check "its EL2 init did run, at EL2" grep -q "failing on purpose" $PK_DBG/log
t_eq "secure: 0" 0 "$(cat $PK_SYS/secure)"
t_check "the status file says why" grep -qx \
	"  why: protected module pkvm_fail_init failed to load: -5" $PK_DBG/status
t_eq "protected VM creation refused, EPERM" "refused: Operation not permitted" \
	"$(/root/kvm-test create protected)"
t_check "the reason in the kernel log" sh -c "dmesg | grep -q 'protected VM refused: the system is insecure'"
t_check "and in the status file" grep -q "INSECURE, protected VMs refused" $PK_DBG/status
t_eq "a non-protected VM is still created" created "$(/root/kvm-test create normal)"
pk_prog "and runs" /root/kvm-test basic normal
t_check "the module is gone" sh -c "! grep -q pkvm_fail_init /proc/modules"
t_check "pkvm_module was not loaded" sh -c "! grep -q '^pkvm_module ' /proc/modules"
hyp=$(awk '/^hyp_owned/ { print $2 }' $PK_SYS/page_states)
# the log and the hyp-trace rings: the hypervisor's, shared with the host
shared_pages() { awk '/^(log|trace) / { n += $3 / 4096 } END { print n }' $PK_DBG/layout; }
t_eq "its pages went back: hyp-owned pages are the hypervisor's own" \
	$(($(cat $PK_SYS/memory_bytes) / 4096 - $(shared_pages))) "$hyp"
t_eq "the host is deprivileged all the same" "$(pk_all_cpus)" "$(cat $PK_SYS/stage2_cpus)"

guest_finish
