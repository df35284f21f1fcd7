// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host accesses the stage-2 refuses: the host tried to touch memory it
 * does not own. The hypervisor does not die for that: it makes the access
 * look, to the kernel, like a synchronous external abort at the faulting
 * instruction, so the kernel reports it for the context that did it (a
 * SIGBUS for a user task, an oops for kernel code) and carries on.
 */
#include <hyp/hyp.h>
#include <hyp/sysreg.h>

#define VBAR_CURRENT_SP0	0x000
#define VBAR_CURRENT_SPX	0x200
#define VBAR_LOWER_A64		0x400

static u64 exception_vector_offset(u64 pstate)
{
	switch (pstate & PSR_MODE_MASK) {
	case PSR_MODE_EL1t:
		return VBAR_CURRENT_SP0;
	case PSR_MODE_EL1h:
		return VBAR_CURRENT_SPX;
	default:
		return VBAR_LOWER_A64;
	}
}

static bool from_el0(u64 pstate)
{
	return (pstate & PSR_MODE_MASK) == PSR_MODE_EL0t;
}

/* PSTATE on taking an exception to EL1, as the architecture sets it. */
static u64 el1_entry_pstate(u64 old)
{
	u64 sctlr = read_sysreg(sctlr_el1);
	u64 pfr1 = read_sysreg(SYS_ID_AA64PFR1_EL1);
	u64 new = PSR_MODE_EL1h | PSR_DAIF;

	new |= old & PSR_PAN;
	if (!(sctlr & SCTLR_EL1_SPAN))
		new |= PSR_PAN;
	if (sctlr & SCTLR_EL1_DSSBS)
		new |= PSR_SSBS;
	if (id_field(pfr1, 8) >= 2)	/* MTE2: tag checks off on entry */
		new |= PSR_TCO;
	return new;
}

static void inject_host_exception(struct host_ctxt *ctxt, u64 esr, u64 far)
{
	write_sysreg(esr, esr_el1);
	write_sysreg(far, far_el1);
	write_sysreg(ctxt->pc, elr_el1);
	write_sysreg(ctxt->pstate, spsr_el1);
	ctxt->pc = read_sysreg(vbar_el1) + exception_vector_offset(ctxt->pstate);
	ctxt->pstate = el1_entry_pstate(ctxt->pstate);
}

/* DFSC/IFSC 0b0001LL: translation fault at level LL */
static bool is_translation_fault(u64 esr)
{
	return (esr & 0x3c) == 0x04;
}

/* The faulting IPA: HPFAR_EL2.FIPA holds bits [51:12] (stage-2 faults). */
static u64 fault_ipa(u64 far)
{
	return ((read_sysreg(hpfar_el2) & GENMASK_ULL(47, 4)) << 8) |
	       (far & 0xfff);
}

void handle_host_abort(struct host_ctxt *ctxt, u64 esr)
{
	bool dabt = ESR_EC(esr) == ESR_EC_DABT_LOW;
	u64 far = read_sysreg(far_el2);
	u64 ipa = fault_ipa(far);
	u64 ec, iss;

	/*
	 * A translation fault: device space touched the first time (mapped
	 * now), or an entry another CPU was rebuilding: let the host retry.
	 */
	if (is_translation_fault(esr) && !hyp_host_s2_fault(ipa))
		return;

	if (dabt)
		ec = from_el0(ctxt->pstate) ? ESR_EC_DABT_LOW : ESR_EC_DABT_CUR;
	else
		ec = from_el0(ctxt->pstate) ? ESR_EC_IABT_LOW : ESR_EC_IABT_CUR;
	iss = ESR_FSC_SEA | (dabt ? (esr & ESR_ISS_WNR) : 0);

	hyp_log("pkvmkit: host %s at %lx (ipa %lx) from %s pc %lx: abort injected\n",
		dabt ? ((esr & ESR_ISS_WNR) ? "write" : "read") : "fetch",
		(unsigned long)far, (unsigned long)ipa,
		from_el0(ctxt->pstate) ? "EL0" : "EL1",
		(unsigned long)ctxt->pc);
	inject_host_exception(ctxt, (ec << ESR_EC_SHIFT) | ESR_IL | iss, far);
}

void inject_host_undef(struct host_ctxt *ctxt)
{
	hyp_log("pkvmkit: unexpected host trap, esr %lx pc %lx: undef injected\n",
		(unsigned long)read_sysreg(esr_el2), (unsigned long)ctxt->pc);
	inject_host_exception(ctxt, (ESR_EC_UNKNOWN << ESR_EC_SHIFT) | ESR_IL,
			      0);
}
