# Calls between EL2 modules, from the command line: only the importer is
# listed; modprobe loads the exporter first (modules.dep), both load
# before deprivilege and the system is secure.
#@ boot cortex-a72 2 1G
#@ append kvm-arm.protected_modules=link_importer
. /lib/pkvmkit/guest.sh
guest_setup

SALT=0x6100	# modules/link_exporter/hyp/el2.c: mix(a, b) = a * 3 + b + SALT

pk_load
pk_wait_deprivileged
t_eq "the importer was loaded from the command line" "link_importer loaded" \
	"$(cat $PK_SYS/protected_modules)"
t_check "  the exporter was loaded before it, with its EL2 code" \
	sh -c "dmesg | grep -q 'link_exporter: EL2 code loaded at .*android14-6.1)'"
t_check "  the importer's EL2 code loaded (android15-6.6), its call linked" \
	sh -c "dmesg | grep -q 'link_importer: EL2 code loaded at .*android15-6.6)' &&
	       dmesg | grep -q 'link_importer: 2 EL2 calls to other modules linked'"
MIX=$(dmesg | sed -n 's/.*link_importer: call mix \([0-9]*\);.*/\1/p')
t_eq "the importer's call after deprivilege: mix(4, 2)" \
	"0x0 $(printf '%#x' $((4 * 3 + 2 + SALT)))" \
	"$(pk_hvc_x0x1 $(pk_hc_id $MIX) 4 2)"
t_eq "the system is secure" 1 "$(cat $PK_SYS/secure)"
guest_finish
