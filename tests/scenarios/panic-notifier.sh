# A module's hyp panic notifier (pkvm_ops_test registers one) runs on a
# hypervisor panic, before the host is told: its line reaches the UART
# through the module's own serial driver, then the host prints the
# hypervisor's log (where the notifier's line also is) and panics.
#@ boot cortex-a72 2 1G
#@ append kvm-arm.protected_modules=pkvm_ops_test
#@ expect-console HYP PANIC on cpu slot [0-9]+: ESR
#@ expect-console ^pkvm_ops_test: panic notifier ran
#@ expect-console hyp: pkvmkit: calling the module panic notifier at 8[0-9a-f]+
#@ expect-console hyp: pkvm_ops_test: panic notifier ran
#@ expect-console Kernel panic - not syncing: pkvmkit: hypervisor panic
. /lib/pkvmkit/guest.sh
guest_setup

pk_load deprivilege=0
i=0
while ! dmesg | grep -q 'pkvm_ops_test: handler' && [ $i -lt 50 ]; do
	sleep 0.1; i=$((i + 1))
done
t_check "pkvm_ops_test loaded" sh -c "dmesg | grep -q 'pkvm_ops_test: handler'"
dmesg -n 8	# let the panic reach the console
# The notifier writes to the UART directly: let the console finish sending
# the last point first, or the two interleave (tests/scenarios/module-ops.sh).
sleep 0.3
pk_hvc $HC_TEST_PANIC $PING_MAGIC
t_fail "still running after the hypervisor panic"
