// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host SMCs (trapped by HCR_EL2.TSC). In order:
 *   1. an SMC with a non-zero immediate: NOT_SUPPORTED (SMCCC only
 *      defines SMC #0);
 *   2. PSCI: the relay (psci.c), which owns every way a CPU starts;
 *   3. the vendor modules' host SMC handlers (register_host_smc_handler:
 *      one slot for android14-6.1 modules, up to 16 chained from
 *      android15-6.6 on), in registration order: the first that returns
 *      true has handled it, x0..x3 are its answer;
 *   4. forwarded to the firmware if SMCCC lets it reach the firmware: fast
 *      calls owned by the architecture, the CPU, SiP, OEM, standard secure
 *      services and trusted applications or OSes, with the must-be-zero
 *      bits clear, and yielding calls. Calls for the hypervisor services
 *      (which are ours) or reserved owner ranges get NOT_SUPPORTED.
 * trap.c then steps the host past the SMC.
 */
#include <pkvmkit/hypercall.h>
#include <hyp/entry.h>
#include <hyp/hooks.h>
#include <hyp/psci.h>
#include <hyp/trap.h>
#include <hyp/module_ops.h>
#include <hyp/sysreg.h>
#include <hyp/trace.h>

#define SMCCC_FAST			BIT(31)
#define SMCCC_OWNER(fn)			(((fn) >> 24) & 0x3f)
#define SMCCC_MBZ(fn)			(((fn) >> 16) & 0xff)
#define SMCCC_OWNER_STD_HYP		5
#define SMCCC_OWNER_TRUSTED_APP		48

static struct hyp_hook_chain host_smc_hooks;

/* android14-6.1: the only handler, -EBUSY if there is one already */
int hyp_op_register_host_smc_handler(bool (*cb)(struct host_ctxt *))
{
	return hyp_module_add_hook(HC_HOOK_HOST_SMC, &host_smc_hooks, cb, true);
}

/* android15-6.6 on: one more in the chain, -EBUSY past 16 */
int hyp_op_add_host_smc_handler(bool (*cb)(struct host_ctxt *))
{
	return hyp_module_add_hook(HC_HOOK_HOST_SMC, &host_smc_hooks, cb, false);
}

static bool module_handles_smc(struct host_ctxt *ctxt)
{
	hyp_bool_hook_t hook;

	hyp_for_each_hook(&host_smc_hooks, i, hook) {
		u64 pc = hyp_hook_enter(ctxt);
		bool handled = hook(ctxt);

		hyp_hook_exit(ctxt, pc);
		if (handled)
			return true;
	}
	return false;
}

/* SMCCC: may this (non-PSCI) function id go to the firmware? */
static bool smc_may_forward(u32 fn)
{
	u32 owner = SMCCC_OWNER(fn);

	if (!(fn & SMCCC_FAST))
		return true;	/* yielding calls: the trusted OS's */
	if (SMCCC_MBZ(fn))
		return false;
	return owner < SMCCC_OWNER_STD_HYP || owner >= SMCCC_OWNER_TRUSTED_APP;
}

void handle_host_smc(struct host_ctxt *ctxt, u64 esr)
{
	if (ESR_ISS_IMM16(esr)) {
		ctxt->regs[0] = SMCCC_RET_NOT_SUPPORTED;
		return;
	}
	trace_host_smc(ctxt->regs[0], ctxt->regs[1]);
	if (hyp_psci_relay(ctxt) || module_handles_smc(ctxt))
		return;
	if (!smc_may_forward((u32)ctxt->regs[0])) {
		ctxt->regs[0] = SMCCC_RET_NOT_SUPPORTED;
		return;
	}
	__hyp_forward_smc(ctxt);
}
