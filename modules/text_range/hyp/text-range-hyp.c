// SPDX-License-Identifier: GPL-2.0-only
/*
 * text_range, EL2 half (android15-6.6), written as ACK's own modules in
 * drivers/misc are: its events header named by its path in ACK's tree,
 * the event ids registered in init, the tracing calls provided on top of
 * the ops table.
 *
 * text_start and text_end are the kernel text's physical range, which
 * the EL1 half sets (kvm_get_kernel_pa()) before loading this code, as
 * ACK's pkvm-text-prot does. text_range_report, a module call, reports
 * them in the text_range event together with the text's first
 * instruction, read here through this CPU's fixmap: the range as the
 * hypervisor uses it.
 */
#include <asm/kvm_pkvm_module.h>

#include "events.h"
#define HYP_EVENT_FILE ../../../../drivers/misc/text_range/hyp/events.h
#include <define_events.h>

phys_addr_t text_start, text_end;	/* set by EL1 before loading */

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

/* The text's first instruction; 0 if the fixmap cannot map it. */
static u32 first_insn(void)
{
	const u32 *insn = pkvm_ops->fixmap_map(text_start);
	u32 val;

	if (!insn)
		return 0;
	val = READ_ONCE(*insn);
	pkvm_ops->fixmap_unmap();
	return val;
}

void text_range_report(struct user_pt_regs *regs)
{
	trace_text_range(text_start, text_end, first_insn());
	regs->regs[0] = SMCCC_RET_SUCCESS;
	regs->regs[1] = 0;
}

int text_range_hyp_init(const struct pkvm_module_ops *ops)
{
	/* EL1 could not find the text: nothing to report */
	if (text_start >= text_end)
		return -EINVAL;
	pkvm_ops = ops;
	return ops->register_hyp_event_ids((unsigned long)__hyp_event_ids_start,
					   (unsigned long)__hyp_event_ids_end);
}
