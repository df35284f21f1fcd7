# modules/smc_filter at EL2: the hypervisor hands it every host SMC its
# PSCI relay does not take. A SiP id not on its allow-list is answered
# NOT_SUPPORTED by the module (its denied counter proves the firmware
# never saw it); SMCCC_VERSION passes to the firmware; PSCI never reaches
# the module; the permissive boot lets the SiP call through and logs it.
# A second host-SMC handler (pkvm_ops_test) is refused with EBUSY.
#@ boot cortex-a72 2 1G
#@ boot max 2 1G
#@ append kvm-arm.protected_modules=smc_filter,pkvm_ops_test
. /lib/pkvmkit/guest.sh
guest_setup

pk_load
pk_wait_deprivileged
ID=$(dmesg | sed -n 's/.*smc_filter: filtering host SMCs (enforcing), counters on hypercall \([0-9]*\)$/\1/p')
t_check "smc_filter loaded, enforcing, with a counters hypercall" test -n "$ID"
counters() { pk_hvc "$(pk_hc_id "$ID")" | cut -d' ' -f2-4; }
SIP=0x82000010
t_eq "counters start with nothing denied" "0x0" "$(counters | cut -d' ' -f1)"

t_eq "a SiP SMC is answered NOT_SUPPORTED" "0xffffffffffffffff" \
	"$(pk_smc $SIP 1 2 3 | cut -d' ' -f1)"
t_eq "  by the module: one denied" "0x1" "$(counters | cut -d' ' -f1)"
for cpu in 0 1; do
	pk_smc cpu $cpu $SIP >/dev/null
done
t_eq "  on every CPU: three denied" "0x3" "$(counters | cut -d' ' -f1)"

# (QEMU 7.2's firmware emulation itself answers SMCCC_VERSION with
# NOT_SUPPORTED: the counters tell who decided.)
set -- $(counters)
pk_smc 0x80000000 >/dev/null
t_eq "SMCCC_VERSION goes on to the firmware: passed, not denied" \
	"$(($1)) $(($2 + 1))" "$(set -- $(counters); echo "$(($1)) $(($2))")"

denied=$(counters | cut -d' ' -f1)
t_eq "PSCI_VERSION by SMC is the relay's (0x10001 or later)" 1 \
	"$(( $(pk_smc 0x84000000 | cut -d' ' -f1) >= 0x10001 ))"
t_eq "  and never reaches the module" "$denied" "$(counters | cut -d' ' -f1)"
t_check "CPU hotplug (PSCI CPU_OFF/CPU_ON) still works with the filter" \
	sh -c 'echo 0 > /sys/devices/system/cpu/cpu1/online && echo 1 > /sys/devices/system/cpu/cpu1/online'

t_check "a second host SMC handler is refused: EBUSY (pkvm_ops_test)" \
	sh -c "dmesg | grep -q 'pkvm_ops_test: .*register_host_smc_handler -16'"
t_eq "the host is still deprivileged and answers" "0x0 $(printf '%#x' $HC_PING_MAGIC)" \
	"$(pk_hvc_x0x1 "$(pk_hc_id $HC_PING)")"
guest_finish
