// SPDX-License-Identifier: GPL-2.0-only
/*
 * A guest's trapped system-register accesses (EC 0x18): the ID registers
 * read a fixed view of the CPU (below), debug registers read as zero
 * and ignore writes (but MDSCR_EL1, kept for ONE_REG), set/way cache
 * maintenance does nothing (the guest's memory is normal, coherent
 * memory), ACTLR_EL1 reads zero. Everything else trapped (PMU, the EL1
 * physical timer, the GIC's system registers, LORegions, RAS records,
 * implementation-defined registers) is an undefined instruction.
 */
#include <hyp/guest.h>
#include <hyp/sysreg.h>

#define ISS_SYS_READ		BIT(0)
#define ISS_SYS_OP0(esr)	(((esr) >> 20) & 3)
#define ISS_SYS_OP2(esr)	(((esr) >> 17) & 7)
#define ISS_SYS_OP1(esr)	(((esr) >> 14) & 7)
#define ISS_SYS_CRN(esr)	(((esr) >> 10) & 0xf)
#define ISS_SYS_RT(esr)		(((esr) >> 5) & 0x1f)
#define ISS_SYS_CRM(esr)	(((esr) >> 1) & 0xf)

#define ENC_ACTLR_EL1		PK_SYSREG_ENC(3, 0, 1, 0, 1)
#define ENC_MDSCR_EL1		PK_SYSREG_ENC(2, 0, 0, 2, 2)
#define ENC_OSLSR_EL1		PK_SYSREG_ENC(2, 0, 1, 1, 4)
#define ENC_DC_ISW		PK_SYSREG_ENC(1, 0, 7, 6, 2)
#define ENC_DC_CSW		PK_SYSREG_ENC(1, 0, 7, 10, 2)
#define ENC_DC_CISW		PK_SYSREG_ENC(1, 0, 7, 14, 2)

#define OSLSR_OSLM_IMPLEMENTED	BIT(3)

/* Field [shift + 3 : shift] of @reg, in place; the rest zero. */
static u64 keep(u64 reg, u32 shift)
{
	return reg & (0xfULL << shift);
}

static u64 keep_at_most(u64 reg, u32 shift, u64 max)
{
	u64 f = id_field(reg, shift);

	return (f > max ? max : f) << shift;
}

/*
 * AArch64 at EL0 and EL1 only; FP and AdvSIMD; no GIC system registers,
 * RAS, SVE, MPAM, AMU, EL2, EL3, secure EL2 or RME
 */
static u64 view_pfr0(void)
{
	u64 v = read_sysreg(id_aa64pfr0_el1);

	return 1ULL << 0 | 1ULL << 4 | keep(v, 16) | keep(v, 20) |
	       keep(v, 48) | keep_at_most(v, 56, 1) | keep(v, 60);
}

/* BTI and SSBS; no MTE, SME, NMI, RAS or MPAM fractions */
static u64 view_pfr1(void)
{
	u64 v = read_sysreg(SYS_ID_AA64PFR1_EL1);

	return keep(v, 0) | keep(v, 4);
}

/*
 * Armv8.0 debug, 2 breakpoints, 2 watchpoints (all inert), no PMU,
 * no OS double lock, no SPE, no trace
 */
static u64 view_dfr0(void)
{
	return 6ULL << 0 | 1ULL << 12 | 1ULL << 20 | 0xfULL << 36;
}

/* The instructions the CPU has, but transactional memory */
static u64 view_isar0(void)
{
	return read_sysreg(id_aa64isar0_el1) & ~(0xfULL << 24);
}

/* ... no pointer authentication, no LS64 */
static u64 view_isar1(void)
{
	u64 v = read_sysreg(id_aa64isar1_el1);

	return v & ~(0xfULL << 4 | 0xfULL << 8 | 0xfULL << 24 |
		     0xfULL << 28 | 0xfULL << 60);
}

/* RPRES and CLRBHB only (no WFxT, MOPS, QARMA3 authentication) */
static u64 view_isar2(void)
{
	u64 v = read_sysreg(s3_0_c0_c6_2);

	return keep(v, 4) | keep(v, 28);
}

/* The CPU's, but no FGT or ECV (EL2 features) */
static u64 view_mmfr0(void)
{
	return read_sysreg(id_aa64mmfr0_el1) & ~(0xfULL << 56 | 0xfULL << 60);
}

/* No VMID bits, VHE, LORegions, WFE trap delay, HCRX, TIDCP1 */
static u64 view_mmfr1(void)
{
	u64 v = read_sysreg(SYS_ID_AA64MMFR1_EL1);

	return v & ~(0xfULL << 4 | 0xfULL << 8 | 0xfULL << 16 | 0xfULL << 24 |
		     0xfULL << 32 | 0xfULL << 40 | 0xfULL << 52);
}

/* No nested virtualization, IDS, FWB or EVT */
static u64 view_mmfr2(void)
{
	u64 v = read_sysreg(s3_0_c0_c7_2);

	return v & ~(0xfULL << 24 | 0xfULL << 36 | 0xfULL << 40 |
		     0xfULL << 56);
}

/*
 * The ID register (op0 3, op1 0, CRn 0, CRm 1..7) a guest reads, the same
 * for every VM and for the host's ONE_REG (HC_GUEST_ID_REG). AArch32 and
 * unallocated ones read as zero.
 */
u64 guest_id_reg(u32 enc)
{
	switch (enc) {
	case PK_SYSREG_ENC(3, 0, 0, 4, 0): return view_pfr0();
	case PK_SYSREG_ENC(3, 0, 0, 4, 1): return view_pfr1();
	case PK_SYSREG_ENC(3, 0, 0, 5, 0): return view_dfr0();
	case PK_SYSREG_ENC(3, 0, 0, 6, 0): return view_isar0();
	case PK_SYSREG_ENC(3, 0, 0, 6, 1): return view_isar1();
	case PK_SYSREG_ENC(3, 0, 0, 6, 2): return view_isar2();
	case PK_SYSREG_ENC(3, 0, 0, 7, 0): return view_mmfr0();
	case PK_SYSREG_ENC(3, 0, 0, 7, 1): return view_mmfr1();
	case PK_SYSREG_ENC(3, 0, 0, 7, 2): return view_mmfr2();
	default: return 0;
	}
}

static bool is_id_reg(u64 esr)
{
	return ISS_SYS_OP0(esr) == 3 && ISS_SYS_OP1(esr) == 0 &&
	       ISS_SYS_CRN(esr) == 0 && ISS_SYS_CRM(esr) >= 1;
}

/* Emulate the access into *@val (a read) or from @val (a write); false: undef */
static bool emulate(struct hyp_vcpu *vcpu, u64 esr, u32 enc, u64 *val)
{
	bool read = esr & ISS_SYS_READ;

	if (is_id_reg(esr)) {
		*val = guest_id_reg(enc);
		return read;
	}
	switch (enc) {
	case ENC_MDSCR_EL1:
		if (read)
			*val = vcpu->sys[PK_SR_MDSCR_EL1];
		else
			vcpu->sys[PK_SR_MDSCR_EL1] = *val;
		return true;
	case ENC_OSLSR_EL1:
		*val = OSLSR_OSLM_IMPLEMENTED;
		return read;
	case ENC_ACTLR_EL1:
		*val = 0;
		return true;
	case ENC_DC_ISW:
	case ENC_DC_CSW:
	case ENC_DC_CISW:
		return !read;
	}
	if (ISS_SYS_OP0(esr) == 2) {	/* the other debug registers */
		*val = 0;
		return true;
	}
	return false;
}

void handle_guest_sysreg(struct hyp_vcpu *vcpu, u64 esr)
{
	u32 enc = PK_SYSREG_ENC(ISS_SYS_OP0(esr), ISS_SYS_OP1(esr),
				ISS_SYS_CRN(esr), ISS_SYS_CRM(esr),
				ISS_SYS_OP2(esr));
	u32 rt = ISS_SYS_RT(esr);
	u64 val = guest_reg(vcpu, rt);

	if (!emulate(vcpu, esr, enc, &val)) {
		guest_inject_undef(vcpu);
		return;
	}
	if (esr & ISS_SYS_READ)
		guest_set_reg(vcpu, rt, val);
	guest_skip_insn(vcpu);
}
