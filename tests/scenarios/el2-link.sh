# Calls between EL2 modules, loaded by hand: link_importer's EL2 code
# calls link_exporter_mix(), which link_exporter's EL2 code defines and its
# EL1 side exports. The importer is refused, naming the function, while
# the exporter is not loaded or its EL2 code is not; once it is, the
# importer's call runs the exporter's code with the exporter's data, at
# EL2, also after deprivilege.
#@ boot cortex-a72 2 1G
#@ boot max 4 1G
. /lib/pkvmkit/guest.sh
guest_setup

EXTRA=/lib/modules/$(uname -r)/extra
SALT=0x6100	# modules/link_exporter/hyp/el2.c: mix(a, b) = a * 3 + b + SALT

pk_load deprivilege=0
echo "# the importer alone: the kernel's loader finds no exporter"
t_check "insmod link_importer fails" sh -c "! insmod $EXTRA/link_importer.ko"
t_check "  the kernel names the missing symbol" \
	sh -c "dmesg | grep -q 'link_importer: Unknown symbol __kvm_nvhe_link_exporter_mix'"

echo "# the exporter loaded without its EL2 code: the driver refuses"
t_check "insmod link_exporter el2=0" insmod $EXTRA/link_exporter.ko el2=0
t_check "insmod link_importer fails" sh -c "! insmod $EXTRA/link_importer.ko"
t_check "  the driver names the function and says why" \
	sh -c "dmesg | grep -q 'link_importer: EL2 code calls link_exporter_mix, which is in no module whose EL2 code is loaded'"
t_check "  nothing of it was registered" \
	sh -c "! dmesg | grep -q 'link_importer: call mix'"
t_check "rmmod link_exporter" rmmod link_exporter

echo "# the exporter with its EL2 code, then the importer"
t_check "insmod link_exporter" insmod $EXTRA/link_exporter.ko
t_check "insmod link_importer" insmod $EXTRA/link_importer.ko
t_check "  its two EL2 calls to another module were linked (init, handler)" \
	sh -c "dmesg | grep -q 'link_importer: 2 EL2 calls to other modules linked'"
t_eq "  its EL1 init's call: mix(2, 1) = 2 * 3 + 1 + salt" \
	"$(printf '%#x' $((2 * 3 + 1 + SALT)))" \
	"$(dmesg | sed -n 's/.*link_importer: call mix [0-9]*; mix(2, 1) = \(0x[0-9a-f]*\).*/\1/p')"
MIX=$(dmesg | sed -n 's/.*link_importer: call mix \([0-9]*\);.*/\1/p')
COUNT=$(dmesg | sed -n 's/.*link_exporter: call count \([0-9]*\).*/\1/p')
t_check "the exporter cannot be removed (its EL2 code stays)" \
	sh -c "! rmmod link_exporter"

t_check "deprivilege" sh -c "echo 1 > $PK_SYS/deprivilege"
t_eq "host deprivileged" 1 "$(cat $PK_SYS/deprivileged)"
t_eq "the importer's call: mix(5, 7) computed by the exporter at EL2" \
	"0x0 $(printf '%#x' $((5 * 3 + 7 + SALT)))" \
	"$(pk_hvc_x0x1 $(pk_hc_id $MIX) 5 7)"
ncpu=$(grep -c ^processor /proc/cpuinfo)
cpu=0
while [ $cpu -lt $ncpu ]; do
	t_eq "  on cpu$cpu: mix($cpu, 1)" \
		"0x0 $(printf '%#x' $((cpu * 3 + 1 + SALT)))" \
		"$(pk_hvc cpu $cpu $(pk_hc_id $MIX) $cpu 1 | cut -d' ' -f1,2)"
	cpu=$((cpu + 1))
done
t_eq "the exporter counted every call: init, EL1 init, 1 + $ncpu here" \
	"0x0 $(printf '%#x' $((3 + ncpu)))" "$(pk_hvc_x0x1 $(pk_hc_id $COUNT))"
t_eq "the host still answers" "0x0 $(printf '%#x' $HC_PING_MAGIC)" \
	"$(pk_hvc_x0x1 "$(pk_hc_id $HC_PING)")"
guest_finish
