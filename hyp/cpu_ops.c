// SPDX-License-Identifier: GPL-2.0-only
/*
 * The CPU-local members of pkvm_module_ops (android15-6.6 on): which CPU
 * the module runs on, and a busy wait.
 */
#include <hyp/cpu.h>
#include <hyp/module_ops.h>
#include <hyp/sysreg.h>

/* The CPU's number as the host kernel counts (the slot is its cpu id). */
int hyp_op_hyp_smp_processor_id(void)
{
	return (int)this_cpu()->slot;
}

/*
 * Spin for @usecs on the generic timer's counter (EL2 cannot sleep). An
 * absurd delay is cut to one second: a module bug, not a hang of the CPU.
 */
void hyp_op_udelay(unsigned long usecs)
{
	u64 freq = read_sysreg(cntfrq_el0);
	u64 start, ticks;

	if (usecs > 1000000)
		usecs = 1000000;
	ticks = (freq * usecs + 999999) / 1000000;
	isb();
	start = read_sysreg(cntpct_el0);
	while (read_sysreg(cntpct_el0) - start < ticks)
		;
}
