// SPDX-License-Identifier: GPL-2.0-only
/*
 * Exceptions the hypervisor makes a guest take (an undefined instruction
 * for a trap it refuses, an abort for an access nothing backs), and the
 * step over an instruction it emulated. The guest's EL1 registers are
 * live: they are written directly.
 */
#include <hyp/exception.h>
#include <hyp/guest.h>
#include <hyp/sysreg.h>

#define ESR_FSC_EXT_ABORT	0x10

static void inject(struct hyp_vcpu *vcpu, u64 esr, u64 far)
{
	struct guest_ctxt *c = &vcpu->ctxt;

	write_sysreg(esr, esr_el1);
	write_sysreg(far, far_el1);
	write_sysreg(c->pc, elr_el1);
	write_sysreg(c->pstate, spsr_el1);
	c->pc = el1_exception_vector(read_sysreg(vbar_el1), c->pstate);
	c->pstate = el1_exception_pstate(c->pstate);
}

void guest_inject_undef(struct hyp_vcpu *vcpu)
{
	inject(vcpu, (ESR_EC_UNKNOWN << ESR_EC_SHIFT) | ESR_IL, 0);
}

/* A synchronous external abort on a data access at @far. */
void guest_inject_dabt(struct hyp_vcpu *vcpu, u64 far)
{
	u64 ec = pstate_is_el0(vcpu->ctxt.pstate) ? ESR_EC_DABT_LOW :
						    ESR_EC_DABT_CUR;

	inject(vcpu, (ec << ESR_EC_SHIFT) | ESR_IL | ESR_FSC_EXT_ABORT, far);
}

/* ... and on an instruction fetch. */
void guest_inject_pabt(struct hyp_vcpu *vcpu, u64 far)
{
	u64 ec = pstate_is_el0(vcpu->ctxt.pstate) ? ESR_EC_IABT_LOW :
						    ESR_EC_IABT_CUR;

	inject(vcpu, (ec << ESR_EC_SHIFT) | ESR_IL | ESR_FSC_EXT_ABORT, far);
}

/* Past the trapped instruction (32 bits, or 16 for a T32 one at EL0). */
void guest_skip_insn(struct hyp_vcpu *vcpu)
{
	vcpu->ctxt.pc += (vcpu->esr & ESR_IL) ? 4 : 2;
	vcpu->ctxt.pstate &= ~PSR_BTYPE_MASK;
}
