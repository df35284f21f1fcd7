// SPDX-License-Identifier: GPL-2.0-only
/*
 * Why a guest left and what happens next: handled at EL2 and back into
 * the guest (hypercalls, system registers, a WFI with an interrupt
 * pending), or an exit for the host to act on (a host interrupt, a WFI,
 * a stage-2 fault, PSCI news). What the host learns of an exit is in the
 * vCPU page and nothing else: for a fault, the IPA and whether it was a
 * write, an instruction fetch, an emulable access; never a register.
 */
#include <hyp/guest.h>
#include <hyp/log.h>
#include <hyp/sysreg.h>

#define ISS_WFX_WFE		BIT(0)

u64 guest_reg(const struct hyp_vcpu *vcpu, u32 rt)
{
	return rt == 31 ? 0 : vcpu->ctxt.regs[rt];	/* 31: xzr */
}

void guest_set_reg(struct hyp_vcpu *vcpu, u32 rt, u64 val)
{
	if (rt != 31)
		vcpu->ctxt.regs[rt] = val;
}

static u64 fault_ipa(const struct hyp_vcpu *vcpu)
{
	return ((vcpu->hpfar & GENMASK_ULL(47, 4)) << 8) |
	       (vcpu->far & (PKVMKIT_PAGE_SIZE - 1));
}

/* DFSC/IFSC: a translation, access-flag or permission fault of stage 2 */
static bool is_s2_fault(u64 esr)
{
	u64 fsc = ESR_ISS_FSC(esr);

	return (fsc >= 0x04 && fsc <= 0x07) || (fsc >= 0x09 && fsc <= 0x0b) ||
	       (fsc >= 0x0c && fsc <= 0x0f);
}

/*
 * No page at the IPA: the host maps one, or says it is not memory
 * (HC_VCPU_MMIO). Where the host took the page back, the guest cannot go
 * on: its VMM's KVM_RUN fails. The guest retries the access either way.
 */
static enum pk_exit handle_abort(struct hyp_vcpu *vcpu, bool dabt)
{
	u64 esr = vcpu->esr, ipa = fault_ipa(vcpu), flags = 0;

	if (!is_s2_fault(esr)) {	/* e.g. an external abort: the guest's */
		if (dabt)
			guest_inject_dabt(vcpu, vcpu->far);
		else
			guest_inject_pabt(vcpu, vcpu->far);
		return PK_EXIT_NONE;
	}
	vcpu->page->fault_ipa = ipa;
	if (hyp_guest_page_lost(vcpu, ipa))
		return PK_EXIT_LOST_PAGE;
	if (!dabt)
		flags |= PK_FAULT_EXEC;
	else if (esr & ESR_ISS_WNR)
		flags |= PK_FAULT_WRITE;
	if (dabt && (esr & ESR_ISS_ISV) && !(esr & ESR_ISS_S1PTW))
		flags |= PK_FAULT_ISV;
	vcpu->page->fault_flags = flags;
	vcpu->abort = VCPU_ABORT_FAULT;
	vcpu->abort_ipa = ipa;
	return PK_EXIT_S2_FAULT;
}

/* WFI: over it; the host waits for an interrupt unless one is pending. */
static enum pk_exit handle_wfx(struct hyp_vcpu *vcpu)
{
	guest_skip_insn(vcpu);
	if (vcpu->esr & ISS_WFX_WFE)
		return PK_EXIT_NONE;
	if (read_sysreg(hcr_el2) & (HCR_VI | HCR_VF))
		return PK_EXIT_NONE;
	return PK_EXIT_WFI;
}

static enum pk_exit handle_sync(struct hyp_vcpu *vcpu)
{
	vcpu->esr = read_sysreg(esr_el2);
	vcpu->far = read_sysreg(far_el2);
	vcpu->hpfar = read_sysreg(hpfar_el2);

	switch (ESR_EC(vcpu->esr)) {
	case ESR_EC_HVC64:
		return handle_guest_call(vcpu, false);
	case ESR_EC_SMC64:
		return handle_guest_call(vcpu, true);
	case ESR_EC_SYS64:
		handle_guest_sysreg(vcpu, vcpu->esr);
		return PK_EXIT_NONE;
	case ESR_EC_WFX:
		return handle_wfx(vcpu);
	case ESR_EC_DABT_LOW:
		return handle_abort(vcpu, true);
	case ESR_EC_IABT_LOW:
		return handle_abort(vcpu, false);
	default:
		/* SVE, SME, pointer authentication, AArch32 coprocessors... */
		guest_inject_undef(vcpu);
		return PK_EXIT_NONE;
	}
}

enum pk_exit handle_guest_exit(struct hyp_vcpu *vcpu, u64 code)
{
	switch (code) {
	case GUEST_EXIT_SYNC:
		return handle_sync(vcpu);
	case GUEST_EXIT_IRQ:
	case GUEST_EXIT_FIQ:
		return PK_EXIT_IRQ;
	default:
		/*
		 * An SError while the guest ran: the guest's doing as far as
		 * EL2 can tell; it gets a virtual SError for it.
		 */
		vcpu->hcr |= HCR_VSE;
		return PK_EXIT_NONE;
	}
}
