// SPDX-License-Identifier: GPL-2.0-only
/*
 * fail_registers, EL2 half: an android15-6.6 module whose init registers
 * one of everything a module can leave behind, then fails: its hyp event
 * ids (its loader registered them already; 6.6 modules may do it again),
 * a host SMC handler, more module VA, an early linear mapping and a
 * private mapping of a page its EL1 half gave, and a trace record. What
 * it registered must go with it, before the host gets its pages back:
 * afterwards nothing in the hypervisor may point into them (an
 * HC_TRACE_EVENT for its id would otherwise read unmapped memory at
 * EL2), and the VA it took is free again.
 */
#include <asm/kvm_pkvm_module.h>
#include <asm/page-def.h>

#include "events.h"
#define HYP_EVENT_FILE FAIL_REGISTERS_EVENTS
#include <define_events.h>

u64 scratch_pa;			/* set by EL1: a page to map */
static const struct pkvm_module_ops *pkvm_ops;

extern char __hyp_event_ids_start[], __hyp_event_ids_end[];

void *tracing_reserve_entry(unsigned long length)
{
	return pkvm_ops->tracing_reserve_entry(length);
}

void tracing_commit_entry(void)
{
	pkvm_ops->tracing_commit_entry();
}

static bool never_handles(struct user_pt_regs *regs)
{
	return false;
}

static int register_everything(const struct pkvm_module_ops *ops)
{
	unsigned long priv;

	if (ops->register_hyp_event_ids((unsigned long)__hyp_event_ids_start,
					(unsigned long)__hyp_event_ids_end))
		return -1;
	if (ops->register_host_smc_handler(never_handles))
		return -2;
	if (!ops->alloc_module_va(2))
		return -3;
	if (!ops->linear_map_early(scratch_pa, PAGE_SIZE, KVM_PGTABLE_PROT_R))
		return -4;
	if (ops->create_private_mapping(scratch_pa, PAGE_SIZE,
					KVM_PGTABLE_PROT_R, &priv))
		return -5;
	return 0;
}

int fail_registers_init(const struct pkvm_module_ops *ops)
{
	int step;

	pkvm_ops = ops;
	step = register_everything(ops);
	if (step) {
		ops->puts("fail_registers: a registration failed at step");
		ops->putx64(-step);
		return -22;	/* -EINVAL */
	}
	trace_fail_registers_init(1);
	ops->puts("fail_registers: registered everything, EL2 init failing on purpose");
	return -5;	/* -EIO */
}
