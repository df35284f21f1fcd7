// SPDX-License-Identifier: GPL-2.0-only
/*
 * trap_psci, EL2 half: trap a harmless EL1 system-register write, emulate
 * it, and follow the CPUs' power state.
 *
 * Init makes the host's writes to CONTEXTIDR_EL1 trap: with FEAT_FGT
 * through HFGWTR_EL2 (that register alone), without it through
 * HCR_EL2.TVM (which traps every stage-1 control register: all of them
 * are emulated). The default trap handler performs the write at EL2,
 * counts writes of CONTEXTIDR whose value carries TRAP_MAGIC in its top
 * half, and steps the host past the MSR. The PSCI notifier counts the
 * CPUs that enter the host through the hypervisor and the suspends. The
 * hypervisor keeps the trap for every CPU that comes up later.
 */
#include <asm/kvm_arm.h>
#include <asm/kvm_pkvm_module.h>
#include <asm/sysreg.h>

#define HFGWTR_CONTEXTIDR_EL1	(1UL << 11)
#define TRAP_MAGIC		0x5a5a

#define ESR_EC(esr)		(((esr) >> 26) & 0x3f)
#define ESR_EC_SYS64		0x18
/* ISS of a trapped MSR/MRS */
#define ISS_OP0(esr)		(((esr) >> 20) & 3)
#define ISS_OP2(esr)		(((esr) >> 17) & 7)
#define ISS_OP1(esr)		(((esr) >> 14) & 7)
#define ISS_CRN(esr)		(((esr) >> 10) & 15)
#define ISS_RT(esr)		(((esr) >> 5) & 31)
#define ISS_CRM(esr)		(((esr) >> 1) & 15)
#define ISS_READ(esr)		((esr) & 1)

/* op0 3, op1 0: (CRn, CRm, op2) of the registers HCR_EL2.TVM traps */
#define ENC(crn, crm, op2)	(((crn) << 8) | ((crm) << 4) | (op2))

static const struct pkvm_module_ops *ops;
static u64 nr_magic_writes, nr_cpu_entries, nr_cpu_suspends, nr_sys_suspends;
static u64 last_suspend_mpidr = ~0UL;	/* of the CPU of the last suspend */

#define MPIDR_AFFINITY		0xff00ffffffUL

static struct user_pt_regs *host_regs(struct kvm_cpu_context *ctxt)
{
	return (struct user_pt_regs *)ctxt;	/* the saved registers come first */
}

static bool write_el1_reg(u32 enc, u64 val)
{
	switch (enc) {
	case ENC(1, 0, 0):
		write_sysreg(val, sctlr_el1);
		break;
	case ENC(2, 0, 0):
		write_sysreg(val, ttbr0_el1);
		break;
	case ENC(2, 0, 1):
		write_sysreg(val, ttbr1_el1);
		break;
	case ENC(2, 0, 2):
		write_sysreg(val, tcr_el1);
		break;
	case ENC(5, 1, 0):
		write_sysreg(val, afsr0_el1);
		break;
	case ENC(5, 1, 1):
		write_sysreg(val, afsr1_el1);
		break;
	case ENC(5, 2, 0):
		write_sysreg(val, esr_el1);
		break;
	case ENC(6, 0, 0):
		write_sysreg(val, far_el1);
		break;
	case ENC(10, 2, 0):
		write_sysreg(val, mair_el1);
		break;
	case ENC(10, 3, 0):
		write_sysreg(val, amair_el1);
		break;
	case ENC(13, 0, 1):
		write_sysreg(val, contextidr_el1);
		break;
	default:
		return false;
	}
	isb();
	return true;
}

static bool emulate_sysreg_write(struct kvm_cpu_context *ctxt)
{
	u64 esr = read_sysreg(esr_el2);
	u32 enc = ENC(ISS_CRN(esr), ISS_CRM(esr), ISS_OP2(esr));
	u32 rt = ISS_RT(esr);
	u64 val = rt == 31 ? 0 : cpu_reg(ctxt, rt);

	if (ESR_EC(esr) != ESR_EC_SYS64 || ISS_READ(esr) ||
	    ISS_OP0(esr) != 3 || ISS_OP1(esr) != 0)
		return false;
	if (!write_el1_reg(enc, val))
		return false;
	if (enc == ENC(13, 0, 1) && (val >> 16) == TRAP_MAGIC)
		__atomic_fetch_add(&nr_magic_writes, 1, __ATOMIC_RELAXED);
	host_regs(ctxt)->pc += 4;	/* through the context, this time */
	return true;
}

static void count_psci(enum pkvm_psci_notification event,
		       struct kvm_cpu_context *ctxt)
{
	switch (event) {
	case PKVM_PSCI_CPU_ENTRY:
		__atomic_fetch_add(&nr_cpu_entries, 1, __ATOMIC_RELAXED);
		return;
	case PKVM_PSCI_CPU_SUSPEND:
		__atomic_fetch_add(&nr_cpu_suspends, 1, __ATOMIC_RELAXED);
		break;
	case PKVM_PSCI_SYSTEM_SUSPEND:
		__atomic_fetch_add(&nr_sys_suspends, 1, __ATOMIC_RELAXED);
		break;
	}
	/* the notifier runs on the CPU concerned: say which one it was */
	__atomic_store_n(&last_suspend_mpidr,
			 read_sysreg(mpidr_el1) & MPIDR_AFFINITY,
			 __ATOMIC_RELAXED);
}

/*
 * x1 = 0 -> x1 = magic CONTEXTIDR writes, x2 = CPU entries;
 * x1 = 1 -> x1 = CPU_SUSPEND and x2 = SYSTEM_SUSPEND notifications,
 *           x3 = MPIDR affinity of the CPU of the last of them
 */
void trap_psci_counters(struct kvm_cpu_context *ctxt)
{
	if (cpu_reg(ctxt, 1) == 1) {
		cpu_reg(ctxt, 1) = __atomic_load_n(&nr_cpu_suspends,
						   __ATOMIC_RELAXED);
		cpu_reg(ctxt, 2) = __atomic_load_n(&nr_sys_suspends,
						   __ATOMIC_RELAXED);
		cpu_reg(ctxt, 3) = __atomic_load_n(&last_suspend_mpidr,
						   __ATOMIC_RELAXED);
		return;
	}
	cpu_reg(ctxt, 1) = __atomic_load_n(&nr_magic_writes, __ATOMIC_RELAXED);
	cpu_reg(ctxt, 2) = __atomic_load_n(&nr_cpu_entries, __ATOMIC_RELAXED);
	cpu_reg(ctxt, 3) = 0;
}

static bool cpu_has_fgt(void)
{
	return ((read_sysreg(id_aa64mmfr0_el1) >> 56) & 0xf) != 0;
}

int trap_psci_init(const struct pkvm_module_ops *module_ops)
{
	int ret;

	ops = module_ops;
	ret = ops->register_default_trap_handler(emulate_sysreg_write);
	if (!ret)
		ret = ops->register_psci_notifier(count_psci);
	if (ret)
		return ret;
	if (cpu_has_fgt()) {
		ops->update_hfgwtr_el2(HFGWTR_CONTEXTIDR_EL1, 0);
		ops->puts("trap_psci: CONTEXTIDR_EL1 writes trap (HFGWTR_EL2)");
	} else {
		ops->update_hcr_el2(HCR_TVM, 0);
		ops->puts("trap_psci: CONTEXTIDR_EL1 writes trap (HCR_EL2.TVM)");
	}
	return 0;
}
