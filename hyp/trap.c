// SPDX-License-Identifier: GPL-2.0-only
/*
 * Everything the host does that reaches EL2 comes through here: HVCs
 * (hypercalls), SMCs (trapped by HCR_EL2.TSC, relayed or forwarded), and
 * stage-2 aborts (the host touched memory it does not own).
 */
#include <pkvmkit/hypercall.h>
#include <hyp/hooks.h>
#include <hyp/hcall.h>
#include <hyp/module.h>
#include <hyp/trap.h>
#include <hyp/module_ops.h>
#include <hyp/sysreg.h>

/*
 * Traps the hypervisor does not handle itself (e.g. system-register
 * accesses a module made trap with update_hcr_el2): a module's default
 * trap handler, one slot as android14-6.1. It returns true once it has
 * dealt with the trap (emulated it and stepped the host's PC, typically).
 * Where ACK BUGs on an unhandled trap, the host gets an UNDEF here.
 */
static hyp_bool_hook_t default_trap_hook;

int hyp_op_register_default_trap_handler(bool (*cb)(struct host_ctxt *))
{
	return hyp_module_set_hook(HC_HOOK_DEFAULT_TRAP, (void **)&default_trap_hook, cb);
}

/*
 * android15-6.6 on: a module's pair to unmask and mask SErrors around the
 * windows where ACK's hypervisor takes them at EL2. pkvmkit keeps SErrors
 * masked at EL2 throughout (PSTATE.A from the exception entry; an SError
 * the host caused is taken by the host once it runs again), so it has no
 * such window: the pair is registered, checked as every hook, and never
 * called. Both or neither: one without the other is refused.
 */
static bool (*serror_unmask)(void);
static void (*serror_mask)(void);

int hyp_op_register_unmask_serror(bool (*unmask)(void), void (*mask)(void))
{
	int ret;

	if (!unmask || !mask || !hyp_module_owns((u64)mask, 4))
		return -EINVAL;
	ret = hyp_module_set_hook(HC_HOOK_UNMASK_SERROR, (void **)&serror_unmask,
				  unmask);
	if (!ret)
		serror_mask = mask;
	return ret;
}

void handle_host_trap(struct host_ctxt *ctxt)
{
	u64 esr = read_sysreg(esr_el2);

	switch (ESR_EC(esr)) {
	case ESR_EC_HVC64:
		/*
		 * SMCCC calls are HVC #0; other immediates mean nothing here,
		 * so they are refused before any handler reads the call.
		 */
		if (ESR_ISS_IMM16(esr))
			ctxt->regs[0] = SMCCC_RET_NOT_SUPPORTED;
		else
			handle_host_hcall(ctxt);
		break;
	case ESR_EC_SMC64:
		handle_host_smc(ctxt, esr);
		/* a trapped SMC returns to the SMC itself: step over it */
		ctxt->pc += 4;
		break;
	case ESR_EC_DABT_LOW:
	case ESR_EC_IABT_LOW:
		handle_host_abort(ctxt, esr);
		break;
	default:
		if (!hyp_run_bool_hook(default_trap_hook, ctxt))
			inject_host_undef(ctxt);
		break;
	}
	/* Trap registers a module changed, or the new host stage-2. */
	hyp_apply_host_traps();
}
