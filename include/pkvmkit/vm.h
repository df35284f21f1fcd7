/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Virtual machines at EL2: what the host driver (driver/kvm/) and the
 * hypervisor (hyp/vm*.c, hyp/guest_*.c) share. The hypercalls themselves
 * are in PKVMKIT_HC_LIST (hypercall.h); their arguments and the per-vCPU
 * page they exchange state through are here, once.
 *
 * A VM lives in pages the host donates: one for the VM (struct hyp_vm),
 * one per vCPU (struct hyp_vcpu), and its stage-2 tables from a memcache
 * the host tops up. Each vCPU also has a page the host shares with the
 * hypervisor (struct pk_vcpu_page): the exit the host must deal with and
 * the inputs of the next run. The hypervisor reads every input once and
 * checks it; the page is the host's, whatever it holds.
 */
#ifndef PKVMKIT_VM_H
#define PKVMKIT_VM_H

#include <pkvmkit/types.h>

/* HC_VM_CREATE x2: flags, and the IPA size in bits 15:8 */
#define PK_VM_PROTECTED		BIT(0)
#define PK_VM_IPA_SHIFT		8
#define PK_VM_IPA_BITS(x2)	(((x2) >> PK_VM_IPA_SHIFT) & 0xff)
#define PK_VM_MIN_IPA_BITS	32
#define PK_VM_MAX_IPA_BITS	44	/* and no more than the CPU's PA size */

#define PK_MAX_VMS		64	/* VMIDs 1..64; 0 is the host's */
#define PK_MAX_VCPUS		8	/* per VM */

/*
 * The MPIDR a vCPU reads, from its index, as KVM gives it (Aff0 the low 4
 * bits, Aff1 the next 8, RES1 bit 31): QEMU reads it back through
 * ONE_REG and names the vCPU by it in the device tree and PSCI CPU_ON.
 */
static inline u64 pk_vcpu_mpidr(u32 idx)
{
	return (1ULL << 31) | ((u64)(idx & 0xf) << 0) |
	       ((u64)((idx >> 4) & 0xff) << 8) |
	       ((u64)((idx >> 12) & 0xff) << 16);
}

#define PK_MPIDR_AFF_MASK	0xff00ffffffULL

/*
 * The EL1 system registers of a vCPU that are its own: switched at every
 * entry and exit (PK_SR_SWITCHED), or kept for the host's ONE_REG while
 * the guest's accesses are trapped and emulated (PK_SR_EMULATED).
 * X(name, register as the assembler spells it, how, op0, op1, CRn, CRm, op2)
 */
#define PK_SR_SWITCHED		0
#define PK_SR_EMULATED		1

#define PK_VCPU_SYSREGS(X)						\
	X(SCTLR_EL1,	  sctlr_el1,	  PK_SR_SWITCHED, 3, 0,  1, 0, 0) \
	X(CPACR_EL1,	  cpacr_el1,	  PK_SR_SWITCHED, 3, 0,  1, 0, 2) \
	X(TTBR0_EL1,	  ttbr0_el1,	  PK_SR_SWITCHED, 3, 0,  2, 0, 0) \
	X(TTBR1_EL1,	  ttbr1_el1,	  PK_SR_SWITCHED, 3, 0,  2, 0, 1) \
	X(TCR_EL1,	  tcr_el1,	  PK_SR_SWITCHED, 3, 0,  2, 0, 2) \
	X(AFSR0_EL1,	  afsr0_el1,	  PK_SR_SWITCHED, 3, 0,  5, 1, 0) \
	X(AFSR1_EL1,	  afsr1_el1,	  PK_SR_SWITCHED, 3, 0,  5, 1, 1) \
	X(ESR_EL1,	  esr_el1,	  PK_SR_SWITCHED, 3, 0,  5, 2, 0) \
	X(FAR_EL1,	  far_el1,	  PK_SR_SWITCHED, 3, 0,  6, 0, 0) \
	X(PAR_EL1,	  par_el1,	  PK_SR_SWITCHED, 3, 0,  7, 4, 0) \
	X(MAIR_EL1,	  mair_el1,	  PK_SR_SWITCHED, 3, 0, 10, 2, 0) \
	X(AMAIR_EL1,	  amair_el1,	  PK_SR_SWITCHED, 3, 0, 10, 3, 0) \
	X(VBAR_EL1,	  vbar_el1,	  PK_SR_SWITCHED, 3, 0, 12, 0, 0) \
	X(CONTEXTIDR_EL1, contextidr_el1, PK_SR_SWITCHED, 3, 0, 13, 0, 1) \
	X(TPIDR_EL1,	  tpidr_el1,	  PK_SR_SWITCHED, 3, 0, 13, 0, 4) \
	X(CNTKCTL_EL1,	  cntkctl_el1,	  PK_SR_SWITCHED, 3, 0, 14, 1, 0) \
	X(CSSELR_EL1,	  csselr_el1,	  PK_SR_SWITCHED, 3, 2,  0, 0, 0) \
	X(TPIDR_EL0,	  tpidr_el0,	  PK_SR_SWITCHED, 3, 3, 13, 0, 2) \
	X(TPIDRRO_EL0,	  tpidrro_el0,	  PK_SR_SWITCHED, 3, 3, 13, 0, 3) \
	X(MDSCR_EL1,	  mdscr_el1,	  PK_SR_EMULATED, 2, 0,  0, 2, 2)

#define PK_SR_ENUM(name, reg, how, op0, op1, crn, crm, op2)	PK_SR_##name,
enum pk_vcpu_sysreg {
	PK_VCPU_SYSREGS(PK_SR_ENUM)
	PK_NR_SYSREGS
};

/* A system register's encoding, as ESR_EL2's ISS for EC 0x18 gives it. */
#define PK_SYSREG_ENC(op0, op1, crn, crm, op2)				\
	(((u32)(op0) << 14) | ((u32)(op1) << 11) | ((u32)(crn) << 7) |	\
	 ((u32)(crm) << 3) | (u32)(op2))

/*
 * The architectural state of a vCPU, as the host sets it before the
 * first run (a protected VM takes only pc and x0..x3 from it: see
 * HC_VCPU_RESET) and reads or writes it for a non-protected VM
 * (HC_VCPU_SYNC). Laid out for the driver's ONE_REG: the general
 * registers as struct user_pt_regs, then as struct kvm_regs goes on.
 */
struct pk_vcpu_regs {
	u64 x[31];
	u64 sp_el0;
	u64 pc;
	u64 pstate;
	u64 sp_el1;
	u64 elr_el1;
	u64 spsr_el1;
	u64 vregs[64];		/* q0..q31, low half first */
	u32 fpsr;
	u32 fpcr;
	u64 sys[PK_NR_SYSREGS];
	u64 timer_ctl;		/* CNTV_CTL_EL0 */
	u64 timer_cval;		/* CNTV_CVAL_EL0 */
};

/* HC_VCPU_RUN's answer in x1 (>= 0), and pk_vcpu_page.exit */
enum pk_exit {
	PK_EXIT_NONE,		/* HC_VCPU_RUN with PK_RUN_NO_ENTRY */
	PK_EXIT_IRQ,		/* a host interrupt: take it, run again */
	PK_EXIT_WFI,		/* the guest waits for an interrupt */
	PK_EXIT_S2_FAULT,	/* no page at fault_ipa: map one, or HC_VCPU_MMIO */
	PK_EXIT_CPU_ON,		/* PSCI CPU_ON: wake vCPU target (it is ON_PENDING) */
	PK_EXIT_CPU_OFF,	/* this vCPU is off until a CPU_ON names it */
	PK_EXIT_SYSTEM_EVENT,	/* system_event: KVM_SYSTEM_EVENT_* */
	PK_EXIT_LOST_PAGE,	/* the guest needs fault_ipa, which the host took back */
	PK_EXIT_RELINQUISH,	/* the guest gave back fault_ipa (now the host's) */
	PK_EXIT_MEMCACHE,	/* a guest call needs stage-2 tables: top up, run again */
	PK_NR_EXITS
};

/* fault_flags */
#define PK_FAULT_WRITE		BIT(0)
#define PK_FAULT_EXEC		BIT(1)
#define PK_FAULT_ISV		BIT(2)	/* the access can be emulated (ESR.ISV) */

/* irq_lines */
#define PK_IRQ_LINE_IRQ		BIT(0)
#define PK_IRQ_LINE_FIQ		BIT(1)

/* HC_VCPU_RUN x3 */
#define PK_RUN_NO_ENTRY		BIT(0)	/* complete a pending MMIO read only */

/* HC_VCPU_RESET: boot flags */
#define PK_BOOT_POWER_OFF	BIT(0)	/* the vCPU waits for PSCI CPU_ON */

/* HC_VCPU_SYNC x3 */
#define PK_SYNC_GET		0
#define PK_SYNC_PUT		1

/* KVM_SYSTEM_EVENT_* values system_event carries (linux/kvm.h) */
#define PK_SYSTEM_EVENT_SHUTDOWN	1
#define PK_SYSTEM_EVENT_RESET		2

/*
 * The page a vCPU shares with the hypervisor. "out": written by the
 * hypervisor at every exit; "in": read once by the hypervisor.
 */
struct pk_vcpu_page {
	/* out */
	u32 exit;		/* enum pk_exit */
	u32 system_event;	/* PK_EXIT_SYSTEM_EVENT */
	u64 fault_ipa;		/* PK_EXIT_S2_FAULT, _LOST_PAGE, _RELINQUISH */
	u64 fault_flags;	/* PK_FAULT_* */
	u64 target;		/* PK_EXIT_CPU_ON: the vCPU index to wake */
	u64 timer_ctl;		/* the guest's CNTV_CTL_EL0 and CNTV_CVAL_EL0 */
	u64 timer_cval;
	/* out, filled by HC_VCPU_MMIO */
	u64 mmio_ipa;
	u64 mmio_data;		/* a write's value */
	u32 mmio_len;		/* 1, 2, 4 or 8 */
	u32 mmio_write;
	/* in */
	u64 irq_lines;		/* PK_IRQ_LINE_*: what the guest sees asserted */
	u64 mmio_read;		/* a pending MMIO read's value */
	u64 boot_flags;		/* HC_VCPU_RESET: PK_BOOT_* */
	/* in (HC_VCPU_RESET, HC_VCPU_SYNC put), out (HC_VCPU_SYNC get) */
	struct pk_vcpu_regs regs;
};

_Static_assert(sizeof(struct pk_vcpu_page) <= PKVMKIT_PAGE_SIZE,
	       "the vCPU page is one page");

/*
 * Guest hypercalls the hypervisor answers (SMCCC, owner "vendor
 * hypervisor"): KVM's, as pKVM numbers them (HVC only; Linux's
 * include/linux/arm-smccc.h).
 */
#define PK_SMCCC_KVM_FEATURES		0x86000000	/* n = 0 */
#define PK_SMCCC_KVM_UID		0x8600ff01
#define PK_SMCCC_KVM_HYP_MEMINFO	0xc6000002
#define PK_SMCCC_KVM_MEM_SHARE		0xc6000003
#define PK_SMCCC_KVM_MEM_UNSHARE	0xc6000004
#define PK_SMCCC_KVM_MMIO_GUARD_INFO	0xc6000005
#define PK_SMCCC_KVM_MMIO_GUARD_ENROLL	0xc6000006
#define PK_SMCCC_KVM_MMIO_GUARD_MAP	0xc6000007
#define PK_SMCCC_KVM_MMIO_GUARD_UNMAP	0xc6000008
#define PK_SMCCC_KVM_MEM_RELINQUISH	0xc6000009

#endif /* PKVMKIT_VM_H */
