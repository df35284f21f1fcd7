// SPDX-License-Identifier: GPL-2.0-only
/*
 * The world switch between the host and a guest on one CPU: the EL1
 * system registers both use (PK_VCPU_SYSREGS), the virtual timer, FP/SIMD,
 * and the EL2 controls that confine the guest (its stage-2 and VMID, the
 * traps, its interrupt lines, the vectors it exits through). Done once
 * per HC_VCPU_RUN each way: exits the hypervisor handles itself go back
 * to the guest without it.
 *
 * The host's FP/SIMD registers are not saved: the driver runs the vCPU
 * between kernel_neon_begin() and kernel_neon_end(), so they hold
 * nothing of the host's then. The guest's are zeroed once saved: the
 * host kernel could read them otherwise.
 */
#include <hyp/compiler.h>
#include <hyp/entry.h>
#include <hyp/guest.h>
#include <hyp/sysreg.h>

_Static_assert(__builtin_offsetof(struct hyp_vcpu, fpsr) ==
	       __builtin_offsetof(struct hyp_vcpu, fp) + 512 &&
	       __builtin_offsetof(struct hyp_vcpu, fpcr) ==
	       __builtin_offsetof(struct hyp_vcpu, fp) + 520,
	       "__fpsimd_save/load: q0..q31, FPSR, FPCR, in a row");

/* Loaded over the guest's FP/SIMD registers once they are saved. */
static const u64 fpsimd_zero[66] __attribute__((aligned(16)));

/* What the host had in the registers a guest uses, per CPU. */
struct host_state {
	u64 sys[PK_NR_SYSREGS];
	u64 sp_el0, sp_el1, elr_el1, spsr_el1;
	u64 hcr, vttbr, vtcr, cptr, mdcr, cnthctl, icc_sre, ich_hcr, vmpidr;
};

static struct host_state host_states[HYP_MAX_CPUS];

/*
 * The guest's HCR_EL2: its stage-2, its interrupts (physical ones exit
 * to EL2, virtual ones from its lines), SMCs, WFI, ID registers, set/way
 * and implementation-defined registers, LORegions and RAS records
 * trapped; EL1 in AArch64. WFE runs natively.
 */
#define GUEST_HCR	(HCR_VM | HCR_SWIO | HCR_FMO | HCR_IMO | HCR_AMO |	\
			 HCR_FB | HCR_BSU_IS | HCR_TWI | HCR_TID3 | HCR_TSC |	\
			 HCR_TIDCP | HCR_TACR | HCR_TSW | HCR_RW | HCR_TLOR |	\
			 HCR_TERR)

u64 guest_hcr(const struct hyp_vcpu *vcpu)
{
	u64 lines = READ_ONCE(vcpu->page->irq_lines);
	u64 hcr = GUEST_HCR | (vcpu->hcr & HCR_VSE);

	if (lines & PK_IRQ_LINE_IRQ)
		hcr |= HCR_VI;
	if (lines & PK_IRQ_LINE_FIQ)
		hcr |= HCR_VF;
	return hcr;
}

#define SAVE_SR(name, reg, how, op0, op1, crn, crm, op2)		\
	if (how == PK_SR_SWITCHED)					\
		sys[PK_SR_##name] = read_sysreg(reg);
#define LOAD_SR(name, reg, how, op0, op1, crn, crm, op2)		\
	if (how == PK_SR_SWITCHED)					\
		write_sysreg(sys[PK_SR_##name], reg);

static void save_el1_sysregs(u64 *sys)
{
	PK_VCPU_SYSREGS(SAVE_SR)
}

static void load_el1_sysregs(const u64 *sys)
{
	PK_VCPU_SYSREGS(LOAD_SR)
}

static void save_host(struct host_state *h)
{
	save_el1_sysregs(h->sys);
	h->sp_el0 = read_sysreg(sp_el0);
	h->sp_el1 = read_sysreg(sp_el1);
	h->elr_el1 = read_sysreg(elr_el1);
	h->spsr_el1 = read_sysreg(spsr_el1);
	h->hcr = read_sysreg(hcr_el2);
	h->vttbr = read_sysreg(vttbr_el2);
	h->vtcr = read_sysreg(vtcr_el2);
	h->cptr = read_sysreg(cptr_el2);
	h->mdcr = read_sysreg(mdcr_el2);
	h->cnthctl = read_sysreg(cnthctl_el2);
	h->icc_sre = read_sysreg(SYS_ICC_SRE_EL2);
	h->ich_hcr = read_sysreg(SYS_ICH_HCR_EL2);
	h->vmpidr = read_sysreg(vmpidr_el2);
}

static void restore_host(const struct host_state *h)
{
	load_el1_sysregs(h->sys);
	write_sysreg(h->sp_el0, sp_el0);
	write_sysreg(h->sp_el1, sp_el1);
	write_sysreg(h->elr_el1, elr_el1);
	write_sysreg(h->spsr_el1, spsr_el1);
	write_sysreg(h->vttbr, vttbr_el2);
	write_sysreg(h->vtcr, vtcr_el2);
	write_sysreg(h->cptr, cptr_el2);
	write_sysreg(h->mdcr, mdcr_el2);
	write_sysreg(h->cnthctl, cnthctl_el2);
	write_sysreg(h->icc_sre, SYS_ICC_SRE_EL2);
	isb();
	write_sysreg(h->ich_hcr, SYS_ICH_HCR_EL2);
	write_sysreg(h->vmpidr, vmpidr_el2);
	write_sysreg(h->hcr, hcr_el2);
	isb();
}

/*
 * The traps that confine a guest, from the host's values: SVE, SME,
 * trace and activity monitors trap (none is in its ID registers), FP/SIMD
 * does not; debug and PMU registers trap (emulated: none there); the EL1
 * physical timer traps, the counter does not; the GIC's system-register
 * interface traps entirely (the guest's GIC is the VMM's, in MMIO).
 */
static void confine_guest(const struct host_state *h)
{
	write_sysreg((h->cptr & ~CPTR_TFP) | CPTR_TZ | CPTR_TSM | CPTR_TTA |
		     CPTR_TAM, cptr_el2);
	write_sysreg((h->mdcr & MDCR_HPMN_MASK) | MDCR_TPMCR | MDCR_TPM |
		     MDCR_TDA | MDCR_TDOSA | MDCR_TDRA, mdcr_el2);
	write_sysreg((h->cnthctl & ~CNTHCTL_EL1PCEN) | CNTHCTL_EL1PCTEN,
		     cnthctl_el2);
	write_sysreg(h->icc_sre & ~ICC_SRE_EL2_ENABLE, SYS_ICC_SRE_EL2);
	isb();
	write_sysreg(ICH_HCR_TC | ICH_HCR_TALL0 | ICH_HCR_TALL1, SYS_ICH_HCR_EL2);
}

/*
 * Another vCPU of this VM ran on this CPU last: its stage-1 entries
 * (same VMID, maybe the same ASIDs) must not be this one's.
 */
static void flush_other_vcpu_tlb(struct hyp_vcpu *vcpu)
{
	struct hyp_vm *vm = vcpu->vm;
	u32 slot = this_cpu()->slot;

	if (vm->last_vcpu[slot] == vcpu->idx + 1)
		return;
	vm->last_vcpu[slot] = vcpu->idx + 1;
	asm volatile("tlbi vmalle1");
	dsb(nsh);
	isb();
}

void guest_switch_in(struct hyp_vcpu *vcpu)
{
	struct host_state *h = &host_states[this_cpu()->slot];

	save_host(h);
	load_el1_sysregs(vcpu->sys);
	write_sysreg(vcpu->sp_el0, sp_el0);
	write_sysreg(vcpu->sp_el1, sp_el1);
	write_sysreg(vcpu->elr_el1, elr_el1);
	write_sysreg(vcpu->spsr_el1, spsr_el1);
	write_sysreg(vcpu->mpidr, vmpidr_el2);
	confine_guest(h);
	write_sysreg(vcpu->vm->vtcr, vtcr_el2);
	write_sysreg(vcpu->vm->vttbr, vttbr_el2);
	isb();
	flush_other_vcpu_tlb(vcpu);
	/* CNTVOFF_EL2 is 0, always: the guest's virtual time is real time */
	write_sysreg(vcpu->timer_cval, cntv_cval_el0);
	write_sysreg(vcpu->timer_ctl, cntv_ctl_el0);
	__fpsimd_load(vcpu->fp);
	this_cpu()->loaded_vcpu = vcpu;
	write_sysreg(__guest_vectors, vbar_el2);
	isb();
}

void guest_switch_out(struct hyp_vcpu *vcpu)
{
	struct host_state *h = &host_states[this_cpu()->slot];

	write_sysreg(__hyp_vectors, vbar_el2);
	isb();
	this_cpu()->loaded_vcpu = NULL;
	__fpsimd_save(vcpu->fp);
	/* the host gets the CPU next: nothing of the guest's may stay in it */
	__fpsimd_load(fpsimd_zero);
	vcpu->timer_ctl = read_sysreg(cntv_ctl_el0);
	vcpu->timer_cval = read_sysreg(cntv_cval_el0);
	/* off while the host runs: its interrupt would only be noise then */
	write_sysreg(0, cntv_ctl_el0);
	save_el1_sysregs(vcpu->sys);
	vcpu->sp_el0 = read_sysreg(sp_el0);
	vcpu->sp_el1 = read_sysreg(sp_el1);
	vcpu->elr_el1 = read_sysreg(elr_el1);
	vcpu->spsr_el1 = read_sysreg(spsr_el1);
	restore_host(h);
}
