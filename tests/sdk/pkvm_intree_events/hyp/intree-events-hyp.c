// SPDX-License-Identifier: GPL-2.0-only
/*
 * EL2 side of the in-tree events-path build check, written as an
 * android16-6.12 module in ACK's drivers/misc is (<nvhe/define_events.h>,
 * no register_hyp_event_ids()): its events header named by its path in
 * ACK's tree. tests/sdk/run.sh builds copies with that path changed.
 */
#include <asm/kvm_pkvm_module.h>

#include "events.h"
#define HYP_EVENT_FILE ../../../../drivers/misc/pkvm_intree_events/hyp/events.h
#include <nvhe/define_events.h>

static const struct pkvm_module_ops *pkvm_ops;

void *tracing_reserve_entry(unsigned long length)
{
	return pkvm_ops->tracing_reserve_entry(length);
}

void tracing_commit_entry(void)
{
	pkvm_ops->tracing_commit_entry();
}

void intree_events_call(struct user_pt_regs *regs)
{
	trace_intree_events();
	regs->regs[0] = SMCCC_RET_SUCCESS;
}

int intree_events_hyp_init(const struct pkvm_module_ops *ops)
{
	pkvm_ops = ops;
	return 0;
}
