# A protected module missing from the initramfs: the system boots, is
# marked insecure, refuses protected VMs and does not try the modules
# after it. The parameter is given twice: the last one counts.
#@ boot cortex-a72 2 1G
#@ append kvm-arm.protected_modules=pkvm_ops_test kvm-arm.protected_modules=pkvm_missing,pkvm_module
. /lib/pkvmkit/guest.sh
guest_setup

pk_load
pk_wait_deprivileged
t_eq "first module failed, the next not tried" \
	"pkvm_missing failed pkvm_module not-tried" \
	"$(tr '\n' ' ' <$PK_SYS/protected_modules | sed 's/ $//')"
t_check "the kernel log names the module" \
	sh -c "dmesg | grep -q 'failed to load protected module pkvm_missing'"
t_eq "secure: 0" 0 "$(cat $PK_SYS/secure)"
t_eq "protected VM creation refused" "refused: Operation not permitted" \
	"$(/root/kvm-test create protected)"
t_check "pkvm_module was not loaded" sh -c "! grep -q '^pkvm_module ' /proc/modules"
t_check "the earlier kvm-arm.protected_modules= was ignored" \
	sh -c "! grep -q '^pkvm_ops_test ' /proc/modules"
t_eq "the host is deprivileged all the same" "$(pk_all_cpus)" "$(cat $PK_SYS/stage2_cpus)"

guest_finish
