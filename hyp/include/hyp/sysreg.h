/* SPDX-License-Identifier: GPL-2.0-only */
/* System register access and the architectural constants EL2 code needs. */
#ifndef HYP_SYSREG_H
#define HYP_SYSREG_H

#include <pkvmkit/types.h>

#define __stringify_1(x)	#x
#define __stringify(x)		__stringify_1(x)

/* Distinct local names: write_sysreg(read_sysreg(a), b) nests them. */
#define read_sysreg(r) ({					\
	u64 __rval;						\
	asm volatile("mrs %0, " __stringify(r) : "=r" (__rval));	\
	__rval;							\
})

#define write_sysreg(v, r) do {					\
	u64 __wval = (u64)(v);					\
	asm volatile("msr " __stringify(r) ", %x0" : : "rZ" (__wval)); \
} while (0)

#define isb()		asm volatile("isb" : : : "memory")
#define dsb(opt)	asm volatile("dsb " #opt : : : "memory")

/* Registers newer than the assembler's baseline, by encoding. */
#define SYS_ZCR_EL2		s3_4_c1_c2_0
#define SYS_HCRX_EL2		s3_4_c1_c2_2
#define SYS_SMCR_EL2		s3_4_c1_c2_6
#define SYS_HFGRTR_EL2		s3_4_c1_c1_4
#define SYS_HFGWTR_EL2		s3_4_c1_c1_5
#define SYS_HFGITR_EL2		s3_4_c1_c1_6
#define SYS_HDFGRTR_EL2		s3_4_c3_c1_4
#define SYS_HDFGWTR_EL2		s3_4_c3_c1_5
#define SYS_ICC_SRE_EL2		s3_4_c12_c9_5
#define SYS_ICH_HCR_EL2		s3_4_c12_c11_0
#define SYS_ID_AA64MMFR1_EL1	s3_0_c0_c7_1
#define SYS_ID_AA64PFR1_EL1	s3_0_c0_c4_1

/* ESR_ELx */
#define ESR_EC_SHIFT		26
#define ESR_EC(esr)		(((esr) >> ESR_EC_SHIFT) & 0x3f)
#define ESR_IL			BIT(25)
#define ESR_EC_UNKNOWN		0x00
#define ESR_EC_WFX		0x01
#define ESR_EC_HVC64		0x16
#define ESR_EC_SMC64		0x17
#define ESR_EC_SYS64		0x18
#define ESR_EC_IABT_LOW		0x20
#define ESR_EC_IABT_CUR		0x21
#define ESR_EC_DABT_LOW		0x24
#define ESR_EC_DABT_CUR		0x25
#define ESR_ISS_WNR		BIT(6)
#define ESR_ISS_ISV		BIT(24)
#define ESR_ISS_SAS(esr)	(((esr) >> 22) & 3)
#define ESR_ISS_SSE		BIT(21)
#define ESR_ISS_SRT(esr)	(((esr) >> 16) & 0x1f)
#define ESR_ISS_SF		BIT(15)
#define ESR_ISS_S1PTW		BIT(7)
#define ESR_ISS_FSC(esr)	((esr) & 0x3f)
#define ESR_ISS_IMM16(esr)	((esr) & 0xffffUL)	/* HVC, SMC */
#define ESR_FSC_SEA		0x10	/* synchronous external abort */

/* HCR_EL2 */
#define HCR_VM			BIT(0)
#define HCR_SWIO		BIT(1)
#define HCR_FMO			BIT(3)
#define HCR_IMO			BIT(4)
#define HCR_AMO			BIT(5)
#define HCR_VF			BIT(6)
#define HCR_VI			BIT(7)
#define HCR_VSE			BIT(8)
#define HCR_FB			BIT(9)
#define HCR_BSU_IS		(1UL << 10)
#define HCR_TWI			BIT(13)
#define HCR_TID3		BIT(18)
#define HCR_TSC			BIT(19)
#define HCR_TIDCP		BIT(20)
#define HCR_TACR		BIT(21)
#define HCR_TSW			BIT(22)
#define HCR_RW			BIT(31)
#define HCR_E2H			BIT(34)
#define HCR_TLOR		BIT(35)
#define HCR_TERR		BIT(36)

/* CPTR_EL2 (nVHE) */
#define CPTR_TZ			BIT(8)
#define CPTR_TFP		BIT(10)
#define CPTR_TSM		BIT(12)
#define CPTR_TTA		BIT(20)
#define CPTR_TAM		BIT(30)

/* MDCR_EL2 */
#define MDCR_HPMN_MASK		0x1fUL
#define MDCR_TPMCR		BIT(5)
#define MDCR_TPM		BIT(6)
#define MDCR_TDA		BIT(9)
#define MDCR_TDOSA		BIT(10)
#define MDCR_TDRA		BIT(11)

/* CNTHCTL_EL2 (E2H = 0), CNTV_CTL_EL0 */
#define CNTHCTL_EL1PCTEN	BIT(0)
#define CNTHCTL_EL1PCEN		BIT(1)
#define CNTV_CTL_ENABLE		BIT(0)
#define CNTV_CTL_IMASK		BIT(1)
#define CNTV_CTL_ISTATUS	BIT(2)

/* ICC_SRE_EL2, ICH_HCR_EL2 */
#define ICC_SRE_EL2_ENABLE	BIT(3)
#define ICH_HCR_TC		BIT(10)
#define ICH_HCR_TALL0		BIT(11)
#define ICH_HCR_TALL1		BIT(12)

/* PSTATE / SPSR */
#define PSR_MODE_EL0t		0x0
#define PSR_MODE_EL1t		0x4
#define PSR_MODE_EL1h		0x5
#define PSR_MODE_MASK		0xf
#define PSR_F			BIT(6)
#define PSR_I			BIT(7)
#define PSR_A			BIT(8)
#define PSR_D			BIT(9)
#define PSR_DAIF		(PSR_D | PSR_A | PSR_I | PSR_F)
#define PSR_SSBS		BIT(12)
#define PSR_BTYPE_MASK		(3UL << 10)
#define PSR_SS			BIT(21)
#define PSR_PAN			BIT(22)
#define PSR_UAO			BIT(23)
#define PSR_TCO			BIT(25)
#define PSR_IL			BIT(20)

/* SCTLR_EL1 bits that shape exception entry */
#define SCTLR_EL1_SPAN		BIT(23)
#define SCTLR_EL1_DSSBS		BIT(44)

/* VTCR_EL2 */
#define VTCR_RES1		BIT(31)
#define VTCR_SL0_SHIFT		6
#define VTCR_IRGN0_WBWA		(1UL << 8)
#define VTCR_ORGN0_WBWA		(1UL << 10)
#define VTCR_SH0_INNER		(3UL << 12)
#define VTCR_PS_SHIFT		16

static inline u64 id_field(u64 reg, u32 shift)
{
	return (reg >> shift) & 0xf;
}

#endif /* HYP_SYSREG_H */
