// SPDX-License-Identifier: GPL-2.0-only
/*
 * EL2 half of pkvm_fail_init: an init that fails, as a broken module's
 * would. With hook_in_flight (set by the EL1 half before loading), the
 * init first registers a host SMC handler and fails only once another
 * CPU is inside it; the handler then keeps that CPU in the module's code
 * for HOOK_BUSY_MS, past the moment the loader takes the module's pages
 * back unless the loader waits for it. With crash_at_el2, the init reads
 * an unmapped address in a function of its own: a hypervisor panic whose
 * call trace must name this module's functions.
 */
#include <asm/kvm_pkvm_module.h>

#define FAIL_INIT_SMC		0x82000ff0	/* SiP: nothing else uses it */
#define FAIL_INIT_ANSWER	0x5afe
#define HOOK_BUSY_MS		50
#define WAIT_FOR_HOOK_MS	2000

bool hook_in_flight;		/* set by EL1 before loading */
bool crash_at_el2;		/* likewise */
static bool in_handler;

static u64 ms_to_ticks(u64 ms)
{
	return read_sysreg(cntfrq_el0) / 1000 * ms;
}

static void spin_ms(u64 ms)
{
	u64 end = read_sysreg(cntpct_el0) + ms_to_ticks(ms);

	while (read_sysreg(cntpct_el0) < end)
		;
}

static bool busy_smc(struct kvm_cpu_context *ctxt)
{
	if (cpu_reg(ctxt, 0) != FAIL_INIT_SMC)
		return false;
	__atomic_store_n(&in_handler, true, __ATOMIC_RELEASE);
	spin_ms(HOOK_BUSY_MS);
	cpu_reg(ctxt, 0) = FAIL_INIT_ANSWER;
	return true;
}

/* true once another CPU runs busy_smc(), false after WAIT_FOR_HOOK_MS */
static bool wait_for_handler(void)
{
	u64 end = read_sysreg(cntpct_el0) + ms_to_ticks(WAIT_FOR_HOOK_MS);

	while (read_sysreg(cntpct_el0) < end)
		if (__atomic_load_n(&in_handler, __ATOMIC_ACQUIRE))
			return true;
	return false;
}

/* Nothing is mapped at EL2 VA 0x10: a data abort at EL2, here. */
static noinline u64 read_unmapped(u64 *p)
{
	return READ_ONCE(*p);
}

static noinline void crash_in_init(const struct pkvm_module_ops *ops)
{
	ops->puts("pkvm_fail_init: reading an unmapped address at EL2");
	ops->putx64(read_unmapped((u64 *)0x10));
}

int fail_hyp_init(const struct pkvm_module_ops *ops)
{
	if (crash_at_el2)
		crash_in_init(ops);
	if (hook_in_flight) {
		if (ops->register_host_smc_handler(busy_smc))
			return -22;	/* -EINVAL */
		if (wait_for_handler())
			ops->puts("pkvm_fail_init: another CPU is in the SMC handler");
		else
			ops->puts("pkvm_fail_init: no CPU entered the SMC handler");
	}
	ops->puts("pkvm_fail_init: EL2 init failing on purpose");
	return -5;	/* -EIO */
}
