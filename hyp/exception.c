// SPDX-License-Identifier: GPL-2.0-only
/*
 * The architecture's exception entry to EL1, for injecting one (into the
 * host: fault.c, trap.c; into a guest: guest_inject.c).
 */
#include <hyp/exception.h>
#include <hyp/sysreg.h>

#define VBAR_CURRENT_SP0	0x000
#define VBAR_CURRENT_SPX	0x200
#define VBAR_LOWER_A64		0x400
#define VBAR_LOWER_A32		0x600
#define PSR_AARCH32		BIT(4)

u64 el1_exception_vector(u64 vbar, u64 pstate)
{
	if (pstate & PSR_AARCH32)
		return vbar + VBAR_LOWER_A32;
	switch (pstate & PSR_MODE_MASK) {
	case PSR_MODE_EL1t:
		return vbar + VBAR_CURRENT_SP0;
	case PSR_MODE_EL1h:
		return vbar + VBAR_CURRENT_SPX;
	default:
		return vbar + VBAR_LOWER_A64;
	}
}

u64 el1_exception_pstate(u64 old)
{
	u64 sctlr = read_sysreg(sctlr_el1);
	u64 pfr1 = read_sysreg(SYS_ID_AA64PFR1_EL1);
	u64 new = PSR_MODE_EL1h | PSR_DAIF;

	if (!(old & PSR_AARCH32))
		new |= old & PSR_PAN;
	if (!(sctlr & SCTLR_EL1_SPAN))
		new |= PSR_PAN;
	if (sctlr & SCTLR_EL1_DSSBS)
		new |= PSR_SSBS;
	if (id_field(pfr1, 8) >= 2)	/* MTE2: tag checks off on entry */
		new |= PSR_TCO;
	return new;
}
