# The lock order's run-time check (include/hyp/spinlock.h): the test
# hypercall (before deprivilege only) takes module_lock while holding
# mem_lock, the wrong way round. The check catches it before the lock is
# taken: a hypervisor panic that names both locks reaches the host
# console, and the kernel panics. 6.1 only: the check
# is the hypervisor's.
#@ boot cortex-a72 2 1G
#@ kernel 6.1
#@ expect-console hyp: pkvmkit: BUG: lock order: taking module_lock while holding mem_lock
#@ expect-console HYP PANIC on cpu slot [0-9]+: ESR f2000801 ELR 8000000[0-9a-f]{5}
#@ expect-console hyp: pkvmkit:  \[<8000000[0-9a-f]{5}>\] pkvmkit:hyp_test_lock_order\+0x[0-9a-f]+$
#@ expect-console Kernel panic - not syncing: pkvmkit: hypervisor panic
. /lib/pkvmkit/guest.sh
guest_setup

pk_load deprivilege=0
t_ok "asking the hypervisor to take two locks out of order"
dmesg -n 8	# let the panic reach the console
pk_hvc $HC_TEST_PANIC $PING_MAGIC $HC_TEST_LOCK_ORDER
t_fail "still running after the lock-order violation"
