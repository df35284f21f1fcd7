# A module whose EL1 half was built for android15-6.6 and its EL2 half
# for android14-6.1 (modules/pkvm_api_mismatch): the loader refuses it,
# naming both, before any of its EL2 code runs; as any failed protected
# module, the system is then insecure.
#@ boot cortex-a72 2 1G
#@ append kvm-arm.protected_modules=pkvm_api_mismatch
. /lib/pkvmkit/guest.sh
guest_setup

pk_load
pk_wait_deprivileged
t_check "refused: EL1 built for android15-6.6, EL2 for android14-6.1" \
	sh -c "dmesg | grep -q 'pkvm_api_mismatch: EL1 code built for android15-6.6, EL2 code for android14-6.1: rebuild both with one PKVM_MODULE_API'"
t_check "its EL2 init never ran" sh -c "! grep -q 'EL2 init ran' $PK_DBG/log"
t_eq "the list says it failed" "pkvm_api_mismatch failed" \
	"$(cat $PK_SYS/protected_modules | cut -d' ' -f1,2)"
t_eq "the system is insecure" 0 "$(cat $PK_SYS/secure)"
t_check "the module is gone" sh -c "! grep -q pkvm_api_mismatch /proc/modules"
guest_finish
