# modules/trap_psci at EL2: host writes to CONTEXTIDR_EL1 trap (HFGWTR_EL2
# with FEAT_FGT, HCR_EL2.TVM without: update_hfgwtr_el2 / update_hcr_el2)
# and its default trap handler emulates them; its PSCI notifier counts
# the CPUs entering the host through the hypervisor and the suspends, on
# the CPU that suspends (CPU_SUSPEND is issued on each CPU through the
# driver's smc file; QEMU answers it as standby). The trap must hold on
# every CPU, and still after CPU hotplug (the hypervisor re-applies module
# trap settings to each CPU it brings up). Debian 12's QEMU (7.2) has no
# FEAT_FGT even on max, so both boots use HCR_EL2.TVM there.
#@ boot cortex-a72 2 1G
#@ boot max 4 1G
#@ append kvm-arm.protected_modules=trap_psci
. /lib/pkvmkit/guest.sh
guest_setup

pk_load
pk_wait_deprivileged
ID=$(dmesg | sed -n 's/.*trap_psci: trapping CONTEXTIDR_EL1 writes, counters on hypercall \([0-9]*\)$/\1/p')
t_check "trap_psci loaded with its counters call" test -n "$ID"
counters() { pk_hvc "$(pk_hc_id "$ID")" 0 | cut -d' ' -f2-4; }
suspends() { pk_hvc "$(pk_hc_id "$ID")" 1 | cut -d' ' -f2-4; }
HOW=$(sed -n 's/.*CONTEXTIDR_EL1 writes trap (\(.*\))$/\1/p' $PK_DBG/log)
t_check "the trap is set (through ${HOW:-nothing})" test -n "$HOW"
KNOB=/sys/kernel/debug/trap_psci/contextidr
NCPU=$(grep -c ^processor /proc/cpuinfo)

writes_on() {	# CPU N: N magic writes on CPU; prints the new count and the run's result
	before=$(($(counters | cut -d' ' -f1)))
	echo "$1 $2" > $KNOB
	echo "$(( $(counters | cut -d' ' -f1) - before )) $(cat $KNOB)"
}
cpu=0
while [ $cpu -lt "$NCPU" ]; do
	t_eq "cpu$cpu: 100 writes trapped and emulated, each read back" \
		"100 cpu $cpu writes 100 mismatches 0" "$(writes_on $cpu 100)"
	cpu=$((cpu + 1))
done

# mpidr_of N: CPU N's MPIDR as the kernel printed it when it came up
mpidr_of() {
	if [ "$1" = 0 ]; then
		dmesg | sed -n 's/.*Booting Linux on physical CPU \(0x[0-9a-f]*\).*/\1/p'
	else
		dmesg | sed -n "s/.*CPU$1: Booted secondary processor \(0x[0-9a-f]*\).*/\1/p" | tail -1
	fi
}
PSCI_CPU_SUSPEND64=0xc4000001
PSCI_SYSTEM_SUSPEND64=0xc400000e
cpu=0
while [ $cpu -lt "$NCPU" ]; do
	set -- $(suspends)
	before=$(($1))
	x0=$(pk_smc cpu $cpu $PSCI_CPU_SUSPEND64 0 0 0 | cut -d' ' -f1)
	t_eq "cpu$cpu: CPU_SUSPEND (standby) returns SUCCESS" 0x0 "$x0"
	set -- $(suspends)
	t_eq "  the PSCI notifier saw it once, on cpu$cpu" \
		"1 $(printf '%#x' $(($(mpidr_of $cpu))))" \
		"$(($1 - before)) $(printf '%#x' $(($3)))"
	cpu=$((cpu + 1))
done
# SYSTEM_SUSPEND with other CPUs on: the firmware refuses it (PSCI DENIED,
# or NOT_SUPPORTED where it has none), but the notifier runs before.
set -- $(suspends)
before=$(($2))
x0=$(pk_smc cpu 1 $PSCI_SYSTEM_SUSPEND64 0 0 0 | cut -d' ' -f1)
case $x0 in
0xfffffffffffffffd | 0xffffffffffffffff) ok=1 ;;
*) ok=0 ;;
esac
t_eq "SYSTEM_SUSPEND with CPUs on is refused by the firmware (x0 $x0)" 1 $ok
set -- $(suspends)
t_eq "  the PSCI notifier saw it, on cpu1" \
	"1 $(printf '%#x' $(($(mpidr_of 1))))" "$(($2 - before)) $(printf '%#x' $(($3)))"

entries=$(($(counters | cut -d' ' -f2)))
ok=1
for _ in 1 2 3 4 5; do
	echo 0 > /sys/devices/system/cpu/cpu1/online || ok=0
	echo 1 > /sys/devices/system/cpu/cpu1/online || ok=0
done
t_eq "cpu1 offline and online five times" 1 $ok
t_eq "  the PSCI notifier saw five CPU entries" 5 \
	$(( $(counters | cut -d' ' -f2) - entries ))
t_eq "  the trap still holds on cpu1" "50 cpu 1 writes 50 mismatches 0" \
	"$(writes_on 1 50)"
t_eq "  and on cpu0" "50 cpu 0 writes 50 mismatches 0" "$(writes_on 0 50)"
t_eq "the host is still deprivileged and answers" "0x0 $(printf '%#x' $HC_PING_MAGIC)" \
	"$(pk_hvc_x0x1 "$(pk_hc_id $HC_PING)")"
guest_finish
