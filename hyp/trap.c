// SPDX-License-Identifier: GPL-2.0-only
/*
 * Everything the host does that reaches EL2 comes through here: HVCs
 * (hypercalls), SMCs (trapped by HCR_EL2.TSC, relayed or forwarded), and
 * stage-2 aborts (the host touched memory it does not own).
 */
#include <pkvmkit/hypercall.h>
#include <hyp/hyp.h>
#include <hyp/sysreg.h>

void handle_host_trap(struct host_ctxt *ctxt);

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
		/* nothing else is trapped on purpose: the host gets an UNDEF */
		inject_host_undef(ctxt);
		break;
	}

	/*
	 * Once the host stage-2 exists, a CPU that was not at the
	 * deprivilege call picks it up on its first trap.
	 */
	if (!this_cpu()->stage2_on && hyp_host_stage2_ready())
		hyp_enable_host_stage2();
}
