# Handler registration: outside the EL2 text refused, ids handed out in
# order from 128, the 129th registration gets ENOMEM.
#@ boot cortex-a72 2 1G
#@ append kvm-arm.protected_modules=pkvm_hcall_limits
. /lib/pkvmkit/guest.sh
guest_setup

pk_load
pk_wait_deprivileged
line=$(dmesg | grep 'pkvm_hcall_limits: el1-fn')
t_diag "$line"
t_check "an EL1 function as handler: EINVAL" sh -c "echo '$line' | grep -q 'el1-fn -22 '"
t_check "EL2 data as handler: EINVAL" sh -c "echo '$line' | grep -q ' data -22 '"
t_check "128 registrations: ids 128..255 in order" \
	sh -c "echo '$line' | grep -q 'first 128 last 255 in-order 1 '"
t_check "the 129th: ENOMEM" sh -c "echo '$line' | grep -q '129th -12$'"
last=$((HC_FIRST_DYNAMIC + HC_MAX_DYNAMIC - 1))
t_eq "id $last answers" "0x0 0x11" "$(pk_hvc_x0x1 "$(pk_hc_id $last)")"
t_eq "id $((last + 1)) does not exist" "$NOT_SUPPORTED" \
	"$(pk_hvc_x0x1 "$(pk_hc_id $((last + 1)))" | cut -d' ' -f1)"

guest_finish
