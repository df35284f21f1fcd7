// SPDX-License-Identifier: GPL-2.0-only
/*
 * EL2 half of pkvm_bench_66, an android15-6.6 module: handlers take the
 * host's user_pt_regs and set x0 themselves.
 */
#include <asm/kvm_pkvm_module.h>

#include "events.h"
#define HYP_EVENT_FILE BENCH_EVENTS
#include <define_events.h>

static const struct pkvm_module_ops *pkvm_ops;

void *tracing_reserve_entry(unsigned long length)
{
	return pkvm_ops->tracing_reserve_entry(length);
}

void tracing_commit_entry(void)
{
	pkvm_ops->tracing_commit_entry();
}

/* The cheapest useful handler, as pkvm_bench's: x1 + 1. */
void bench66_call(struct user_pt_regs *regs)
{
	regs->regs[0] = SMCCC_RET_SUCCESS;
	regs->regs[1] = regs->regs[1] + 1;
}

/* The same with a trace point the host has not enabled. */
void bench66_traced(struct user_pt_regs *regs)
{
	trace_bench_call(regs->regs[1]);
	regs->regs[0] = SMCCC_RET_SUCCESS;
	regs->regs[1] = regs->regs[1] + 1;
}

/*
 * Most handlers call into the hypervisor anyway (a non-leaf function,
 * with a frame): the same pair for such a handler, which also returns
 * hyp_smp_processor_id() in x2.
 */
void bench66_call_out(struct user_pt_regs *regs)
{
	regs->regs[2] = pkvm_ops->hyp_smp_processor_id();
	regs->regs[0] = SMCCC_RET_SUCCESS;
	regs->regs[1] = regs->regs[1] + 1;
}

void bench66_call_out_traced(struct user_pt_regs *regs)
{
	trace_bench_call(regs->regs[1]);
	regs->regs[2] = pkvm_ops->hyp_smp_processor_id();
	regs->regs[0] = SMCCC_RET_SUCCESS;
	regs->regs[1] = regs->regs[1] + 1;
}

/*
 * x1 times hyp_alloc(64) then hyp_free() of it: x1 = the count done, or
 * -errno (hyp_alloc_errno) when the heap needs a donation.
 */
void bench66_alloc(struct user_pt_regs *regs)
{
	u64 i, n = regs->regs[1];
	void *p;

	regs->regs[0] = SMCCC_RET_SUCCESS;
	for (i = 0; i < n; i++) {
		p = pkvm_ops->hyp_alloc(64);
		if (!p) {
			regs->regs[1] = (u64)(s64)pkvm_ops->hyp_alloc_errno();
			return;
		}
		pkvm_ops->hyp_free(p);
	}
	regs->regs[1] = n;
}

int bench66_init(const struct pkvm_module_ops *ops)
{
	pkvm_ops = ops;
	return 0;
}
