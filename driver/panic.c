// SPDX-License-Identifier: GPL-2.0-only
/*
 * Where the hypervisor sends the CPU when it panics (entered from EL2 with
 * interrupts masked, x0..x2 = ESR, ELR, FAR at EL2): print what the
 * hypervisor logged, backtrace included, and panic the kernel.
 */
#include "pkvmkit.h"
#include <linux/kallsyms.h>
#include <linux/kernel.h>
#include <linux/printk.h>

void pk_hyp_panic_entry(u64 esr, u64 elr, u64 far)
{
	char what[128], where[KSYM_SYMBOL_LEN];

	pk_esr_describe(esr, what, sizeof(what));
	pk_el2_symbol(elr, where, sizeof(where));
	pr_emerg("HYP PANIC: ESR_EL2 %#llx ELR_EL2 %#llx FAR_EL2 %#llx\n",
		 esr, elr, far);
	pr_emerg("HYP PANIC: %s at %s\n", what, where);
	pk_print_hyp_log();
	panic("pkvmkit: hypervisor panic");
}
