// SPDX-License-Identifier: GPL-2.0-only
/*
 * CPU set-up: the first HVC of each CPU at install time, and the entry of
 * CPUs that the PSCI relay starts later. Also keeps the EL2 register state
 * Linux set up at boot, so CPUs started through us get the same.
 */
#include <pkvmkit/hypercall.h>
#include <hyp/compiler.h>
#include <hyp/dma.h>
#include <hyp/log.h>
#include <hyp/mem_protect.h>
#include <hyp/mm.h>
#include <hyp/module_ops.h>
#include <hyp/psci.h>
#include <hyp/setup.h>
#include <hyp/spinlock.h>
#include <hyp/sysreg.h>
#include <hyp/trace.h>
#include <hyp/trap.h>

struct hyp_cpu hyp_cpus[HYP_MAX_CPUS];
const struct hyp_params *hyp_params;

static hyp_spinlock_t init_lock = HYP_LOCK_INIT(init_lock);
static bool global_ready;
static int global_err;

/* EL2 controls Linux programmed for an EL1 host, replayed on new CPUs. */
static struct {
	u64 hcr, cnthctl, mdcr, hstr, cptr, icc_sre, ich_hcr;
	u64 zcr, hcrx, smcr, hfgrtr, hfgwtr, hfgitr, hdfgrtr, hdfgwtr;
	bool has_sve, has_hcx, has_sme, has_fgt;
} host_el2;

static void save_host_el2_state(void)
{
	u64 pfr0 = read_sysreg(id_aa64pfr0_el1);
	u64 pfr1 = read_sysreg(SYS_ID_AA64PFR1_EL1);
	u64 mmfr0 = read_sysreg(id_aa64mmfr0_el1);
	u64 mmfr1 = read_sysreg(SYS_ID_AA64MMFR1_EL1);

	host_el2.hcr = read_sysreg(hcr_el2);
	host_el2.cnthctl = read_sysreg(cnthctl_el2);
	host_el2.mdcr = read_sysreg(mdcr_el2);
	host_el2.hstr = read_sysreg(hstr_el2);
	host_el2.cptr = read_sysreg(cptr_el2);
	host_el2.icc_sre = read_sysreg(SYS_ICC_SRE_EL2);
	host_el2.ich_hcr = read_sysreg(SYS_ICH_HCR_EL2);
	host_el2.has_sve = id_field(pfr0, 32) != 0;
	host_el2.has_sme = id_field(pfr1, 24) != 0;
	host_el2.has_hcx = id_field(mmfr1, 40) != 0;
	host_el2.has_fgt = id_field(mmfr0, 56) != 0;
	if (host_el2.has_sve)
		host_el2.zcr = read_sysreg(SYS_ZCR_EL2);
	if (host_el2.has_sme)
		host_el2.smcr = read_sysreg(SYS_SMCR_EL2);
	if (host_el2.has_hcx)
		host_el2.hcrx = read_sysreg(SYS_HCRX_EL2);
	if (host_el2.has_fgt) {
		host_el2.hfgrtr = read_sysreg(SYS_HFGRTR_EL2);
		host_el2.hfgwtr = read_sysreg(SYS_HFGWTR_EL2);
		host_el2.hfgitr = read_sysreg(SYS_HFGITR_EL2);
		host_el2.hdfgrtr = read_sysreg(SYS_HDFGRTR_EL2);
		host_el2.hdfgwtr = read_sysreg(SYS_HDFGWTR_EL2);
	}
}

void hyp_restore_host_el2_state(void)
{
	write_sysreg(host_el2.cnthctl, cnthctl_el2);
	write_sysreg(0, cntvoff_el2);
	write_sysreg(host_el2.mdcr, mdcr_el2);
	write_sysreg(host_el2.hstr, hstr_el2);
	write_sysreg(host_el2.cptr, cptr_el2);
	write_sysreg(host_el2.icc_sre, SYS_ICC_SRE_EL2);
	isb();
	write_sysreg(host_el2.ich_hcr, SYS_ICH_HCR_EL2);
	if (host_el2.has_sve)
		write_sysreg(host_el2.zcr, SYS_ZCR_EL2);
	if (host_el2.has_sme)
		write_sysreg(host_el2.smcr, SYS_SMCR_EL2);
	if (host_el2.has_hcx)
		write_sysreg(host_el2.hcrx, SYS_HCRX_EL2);
	if (host_el2.has_fgt) {
		write_sysreg(host_el2.hfgrtr, SYS_HFGRTR_EL2);
		write_sysreg(host_el2.hfgwtr, SYS_HFGWTR_EL2);
		write_sysreg(host_el2.hfgitr, SYS_HFGITR_EL2);
		write_sysreg(host_el2.hdfgrtr, SYS_HDFGRTR_EL2);
		write_sysreg(host_el2.hdfgwtr, SYS_HDFGWTR_EL2);
	}
	/* what EL1 reads as MIDR/MPIDR */
	write_sysreg(read_sysreg(midr_el1), vpidr_el2);
	write_sysreg(read_sysreg(mpidr_el1), vmpidr_el2);
	isb();
}

/* HCR_EL2 for the host: Linux's bits, SMCs trapped, set/way made safe. */
static void set_host_hcr(void)
{
	write_sysreg(host_el2.hcr | HCR_TSC | HCR_SWIO, hcr_el2);
	isb();
}

static int global_init(const struct hyp_params *params)
{
	int ret;

	if (params->magic != HYP_PARAMS_MAGIC ||
	    params->nr_slots == 0 || params->nr_slots > HYP_MAX_CPUS)
		return -EINVAL;
	hyp_params = params;
	save_host_el2_state();
	ret = hyp_mm_init(params) ?: hyp_mem_protect_init(params);
	if (ret)
		return ret;
	hyp_log_init(params->log_pa, params->log_size);
	hyp_trace_init(params->trace_pa, params->nr_slots);
	ret = hyp_dma_init(params);
	if (ret)
		return ret;
	hyp_psci_init();
	hyp_log("pkvmkit: hypervisor up, %lu CPU slots, %lu pool pages\n",
		(unsigned long)params->nr_slots,
		(unsigned long)params->pool_nr_pages);
	return 0;
}

static void cpu_init_common(struct hyp_cpu *cpu, const struct hyp_cpu_boot *boot)
{
	cpu->slot = boot->slot;
	cpu->mpidr = read_sysreg(mpidr_el1);
	cpu->stack_hi = boot->sp;
	cpu->stack_lo = boot->sp - HYP_STACK_PAGES * PKVMKIT_PAGE_SIZE;
}

/* First HVC of a CPU at install time: x1 = its struct hyp_cpu_boot. */
void hyp_cpu_init(struct host_ctxt *ctxt)
{
	const struct hyp_cpu_boot *boot = (const void *)ctxt->regs[1];
	struct hyp_cpu *cpu = this_cpu();
	int ret;

	cpu_init_common(cpu, boot);
	hyp_spin_lock(&init_lock);
	if (!global_ready) {
		global_err = global_init((const void *)boot->params);
		global_ready = true;
	}
	ret = global_err;
	hyp_spin_unlock(&init_lock);

	ctxt->regs[0] = ret ? SMCCC_RET_NOT_SUPPORTED : 0;
	ctxt->regs[1] = ret;
	if (ret)
		return;
	set_host_hcr();
	__atomic_store_n(&cpu->power, CPU_ON, __ATOMIC_RELEASE);
	cpu->installed = 1;
	hyp_log("pkvmkit: cpu slot %lu (mpidr %lx) installed\n",
		(unsigned long)cpu->slot, (unsigned long)cpu->mpidr);
}

/*
 * A CPU started or resumed through the PSCI relay (init.S, MMU now on):
 * give it the host's EL2 set-up and the stage-2, then enter the host where
 * it asked, with its context id in x0 and nothing of ours in registers.
 */
void hyp_cpu_on_main(struct host_ctxt *ctxt)
{
	struct hyp_cpu *cpu = this_cpu();
	const struct hyp_cpu_boot *boot;
	unsigned int i;

	boot = (const struct hyp_cpu_boot *)hyp_params->cpu_boot_pa +
	       (cpu - hyp_cpus);
	cpu_init_common(cpu, boot);
	hyp_restore_host_el2_state();
	set_host_hcr();
	cpu->stage2_on = 0;
	if (hyp_host_stage2_ready())
		hyp_enable_host_stage2();
	hyp_reapply_host_traps();
	cpu->installed = 1;

	for (i = 0; i < ARRAY_SIZE(ctxt->regs); i++)
		ctxt->regs[i] = 0;
	ctxt->regs[0] = cpu->boot_ctx;
	ctxt->pc = cpu->boot_entry;
	ctxt->pstate = PSR_MODE_EL1h | PSR_DAIF;
	__atomic_store_n(&cpu->power, CPU_ON, __ATOMIC_RELEASE);
	hyp_psci_notify(PKVM_PSCI_CPU_ENTRY, ctxt);
}
