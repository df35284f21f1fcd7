# A hypervisor panic (a real EL2 data abort, requested through the test
# hypercall, which only exists before deprivilege) reaches the host
# console with ESR/ELR/FAR and a backtrace, and the kernel panics.
#@ boot cortex-a72 2 1G
#@ expect-console HYP PANIC on cpu slot [0-9]+: ESR 9[4-7][0-9a-f]{6} ELR 8000000[0-9a-f]{5} FAR 7ffffffffff8
#@ expect-console hyp: pkvmkit: call trace:
#@ expect-console hyp: pkvmkit:  \[<8000000[0-9a-f]{5}>\] \(faulting pc\) pkvmkit:[a-z_0-9]+\+0x[0-9a-f]+$
#@ expect-console hyp: pkvmkit:  \[<8000000[0-9a-f]{5}>\] pkvmkit:handle_host_hcall\+0x[0-9a-f]+$
#@ expect-console HYP PANIC: ESR_EL2 0x9[4-7][0-9a-f]{6} ELR_EL2 0x8000000[0-9a-f]{5} FAR_EL2 0x7ffffffffff8
#@ expect-console HYP PANIC: data abort at the same EL \(EC 0x25\): read, .* at pkvmkit:[a-z_0-9]+\+0x[0-9a-f]+$
#@ expect-console Kernel panic - not syncing: pkvmkit: hypervisor panic
. /lib/pkvmkit/guest.sh
guest_setup

pk_load deprivilege=0
t_ok "asking the hypervisor to panic"
dmesg -n 8	# let the panic reach the console
pk_hvc $HC_TEST_PANIC $PING_MAGIC
t_fail "still running after the hypervisor panic"
