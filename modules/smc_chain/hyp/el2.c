// SPDX-License-Identifier: GPL-2.0-only
/*
 * smc_chain, EL2 half: an android15-6.6 vendor module. Two host SMC
 * handlers chained, as two filters of different owners would be: the
 * first denies one SiP call, the second answers another; every other SMC
 * passes both and goes to the firmware. Each handler notes that it ran,
 * so that the order the hypervisor calls them in can be read back.
 *
 * Its module calls follow 6.6's convention: they get the host's
 * user_pt_regs with x0 still holding the function id, and set x0
 * themselves. smc_chain_leave_x0 deliberately does not.
 *
 * fill_chain (set by EL1 before loading): register dummy handlers until
 * the hypervisor refuses one, to see the chain's limit.
 *
 * Each SMC the first filter denies is a hyp trace event, smc_chain_denied
 * (events.h), which the host enables under /sys/kernel/tracing/hyp/.
 */
#include <asm/kvm_pkvm_module.h>

#include "events.h"
/* the Makefile passes events.h's absolute path: an out-of-tree module */
#define HYP_EVENT_FILE SMC_CHAIN_EVENTS
#include <define_events.h>

#define SMC_CHAIN_DENIED	0x82000f10	/* SiP calls nothing else uses */
#define SMC_CHAIN_ANSWERED	0x82000f11
#define SMC_CHAIN_ANSWER	0x66

bool fill_chain;			/* set by EL1 before loading */

static const struct pkvm_module_ops *pkvm_ops;
static u64 order_log;	/* a nibble per handler run: 1 deny, 2 answer */
static u64 nr_denied, nr_answered;
static int nr_filled, fill_err;

extern char __hyp_event_ids_start[], __hyp_event_ids_end[];

/* What trace_smc_chain_denied() writes with, as 6.6 modules provide it. */
void *tracing_reserve_entry(unsigned long length)
{
	return pkvm_ops->tracing_reserve_entry(length);
}

void tracing_commit_entry(void)
{
	pkvm_ops->tracing_commit_entry();
}

static void note_run(u64 who)
{
	order_log = order_log << 4 | who;
}

static bool deny_one_call(struct user_pt_regs *regs)
{
	note_run(1);
	if (regs->regs[0] != SMC_CHAIN_DENIED)
		return false;
	trace_smc_chain_denied(regs->regs[0], regs->regs[1]);
	nr_denied++;
	regs->regs[0] = SMCCC_RET_NOT_SUPPORTED;
	return true;
}

static bool answer_one_call(struct user_pt_regs *regs)
{
	note_run(2);
	if (regs->regs[0] != SMC_CHAIN_ANSWERED)
		return false;
	nr_answered++;
	regs->regs[0] = SMCCC_RET_SUCCESS;
	regs->regs[1] = SMC_CHAIN_ANSWER;
	return true;
}

static bool pass_all(struct user_pt_regs *regs)
{
	return false;
}

/* x1 = the order log (then cleared), x2 = denied, x3 = answered */
void smc_chain_stats(struct user_pt_regs *regs)
{
	regs->regs[0] = SMCCC_RET_SUCCESS;
	regs->regs[1] = order_log;
	regs->regs[2] = nr_denied;
	regs->regs[3] = nr_answered;
	order_log = 0;
}

/* x1 = handlers fill_chain registered, x2 = the error that stopped it, x3 = this CPU */
void smc_chain_limits(struct user_pt_regs *regs)
{
	regs->regs[0] = SMCCC_RET_SUCCESS;
	regs->regs[1] = nr_filled;
	regs->regs[2] = (u64)(s64)fill_err;
	regs->regs[3] = pkvm_ops->hyp_smp_processor_id();
}

/* Sets x1 only: the host sees x0 as it called (6.6: nothing presets it). */
void smc_chain_leave_x0(struct user_pt_regs *regs)
{
	regs->regs[1] = 0x1234;
}

int smc_chain_init(const struct pkvm_module_ops *ops)
{
	int ret;

	pkvm_ops = ops;
	ret = ops->register_hyp_event_ids((unsigned long)__hyp_event_ids_start,
					  (unsigned long)__hyp_event_ids_end);
	if (ret)
		return ret;
	ret = ops->register_host_smc_handler(deny_one_call);
	if (!ret)
		ret = ops->register_host_smc_handler(answer_one_call);
	if (ret)
		return ret;
	while (fill_chain && nr_filled < 64) {
		fill_err = ops->register_host_smc_handler(pass_all);
		if (fill_err)
			break;
		nr_filled++;
	}
	ops->udelay(10);
	ops->putc('s');
	ops->puts("mc_chain: two host SMC handlers chained");
	return 0;
}
