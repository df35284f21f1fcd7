// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host SMCs trap here (HCR_EL2.TSC). PSCI calls that start a CPU are
 * relayed so the CPU enters through the hypervisor and only then reaches
 * the kernel's entry point; CPU_OFF keeps the slot bookkeeping right.
 * Everything else goes to the firmware unchanged.
 */
#include <hyp/hyp.h>
#include <hyp/sysreg.h>

#define PSCI_0_2_FN_BASE		0x84000000UL
#define PSCI_0_2_FN64_BASE		0xC4000000UL
#define PSCI_FN_CPU_SUSPEND		1
#define PSCI_FN_CPU_OFF			2
#define PSCI_FN_CPU_ON			3
#define PSCI_FN_SYSTEM_SUSPEND		0xe

#define PSCI_RET_INVALID_PARAMS		(-2L)
#define PSCI_RET_ALREADY_ON		(-4L)
#define PSCI_RET_ON_PENDING		(-5L)
#define PSCI_RET_INTERNAL_FAILURE	(-6L)

#define PSCI_SUSPEND_POWER_DOWN		BIT(16)
#define MPIDR_AFF_MASK			0xff00ffffffUL

extern char __hyp_cpu_on_entry[];

static u64 cpu_entry_pa(void)
{
	/* .idmap.text is part of the image: PA = image PA + offset */
	return hyp_params->image_pa + ((u64)__hyp_cpu_on_entry - HYP_IMAGE_VA);
}

static u64 cpu_boot_pa(const struct hyp_cpu *cpu)
{
	return hyp_params->cpu_boot_pa +
	       (cpu - hyp_cpus) * sizeof(struct hyp_cpu_boot);
}

static bool is_psci_fn(u64 fn, u64 nr)
{
	return fn == (PSCI_0_2_FN_BASE | nr) || fn == (PSCI_0_2_FN64_BASE | nr);
}

/* The slot of @mpidr, claiming a free one for a CPU never seen before. */
static struct hyp_cpu *slot_for_mpidr(u64 mpidr)
{
	u64 i, n = hyp_params->nr_slots;
	u32 expected;

	for (i = 0; i < n; i++) {
		if (__atomic_load_n(&hyp_cpus[i].power, __ATOMIC_ACQUIRE) !=
		    CPU_SLOT_FREE &&
		    (READ_ONCE(hyp_cpus[i].mpidr) & MPIDR_AFF_MASK) == mpidr)
			return &hyp_cpus[i];
	}
	for (i = 0; i < n; i++) {
		expected = CPU_SLOT_FREE;
		if (__atomic_compare_exchange_n(&hyp_cpus[i].power, &expected,
						CPU_OFF, false, __ATOMIC_ACQ_REL,
						__ATOMIC_ACQUIRE)) {
			WRITE_ONCE(hyp_cpus[i].mpidr, mpidr);
			return &hyp_cpus[i];
		}
	}
	return NULL;
}

static void psci_cpu_on(struct host_ctxt *ctxt)
{
	u64 mpidr = ctxt->regs[1] & MPIDR_AFF_MASK;
	struct hyp_cpu *cpu = slot_for_mpidr(mpidr);
	u32 expected = CPU_OFF;

	if (!cpu) {
		ctxt->regs[0] = PSCI_RET_INTERNAL_FAILURE;
		return;
	}
	if (!__atomic_compare_exchange_n(&cpu->power, &expected, CPU_ON_PENDING,
					 false, __ATOMIC_ACQ_REL,
					 __ATOMIC_ACQUIRE)) {
		ctxt->regs[0] = expected == CPU_ON_PENDING ?
				PSCI_RET_ON_PENDING : PSCI_RET_ALREADY_ON;
		return;
	}
	cpu->boot_entry = ctxt->regs[2];
	cpu->boot_ctx = ctxt->regs[3];
	/* the firmware starts the CPU in our entry, with its boot slot */
	ctxt->regs[2] = cpu_entry_pa();
	ctxt->regs[3] = cpu_boot_pa(cpu);
	__hyp_forward_smc(ctxt);
	if (ctxt->regs[0] != 0)
		__atomic_store_n(&cpu->power, CPU_OFF, __ATOMIC_RELEASE);
}

static void psci_cpu_off(struct host_ctxt *ctxt)
{
	struct hyp_cpu *cpu = this_cpu();

	__atomic_store_n(&cpu->power, CPU_OFF, __ATOMIC_RELEASE);
	__hyp_forward_smc(ctxt);
	/* only returns on failure */
	__atomic_store_n(&cpu->power, CPU_ON, __ATOMIC_RELEASE);
}

/*
 * A power-down suspend (CPU_SUSPEND with the power-down bit, or
 * SYSTEM_SUSPEND) resumes from reset: resume in our entry like CPU_ON.
 * @ep is the index of the entry-point argument.
 */
static void psci_suspend(struct host_ctxt *ctxt, unsigned int ep)
{
	struct hyp_cpu *cpu = this_cpu();

	cpu->boot_entry = ctxt->regs[ep];
	cpu->boot_ctx = ctxt->regs[ep + 1];
	ctxt->regs[ep] = cpu_entry_pa();
	ctxt->regs[ep + 1] = cpu_boot_pa(cpu);
	__hyp_forward_smc(ctxt);
}

void handle_host_smc(struct host_ctxt *ctxt)
{
	u64 fn = ctxt->regs[0] & 0xffffffffUL;

	if (is_psci_fn(fn, PSCI_FN_CPU_ON))
		psci_cpu_on(ctxt);
	else if (is_psci_fn(fn, PSCI_FN_CPU_OFF))
		psci_cpu_off(ctxt);
	else if (is_psci_fn(fn, PSCI_FN_CPU_SUSPEND) &&
		 (ctxt->regs[1] & PSCI_SUSPEND_POWER_DOWN))
		psci_suspend(ctxt, 2);
	else if (is_psci_fn(fn, PSCI_FN_SYSTEM_SUSPEND))
		psci_suspend(ctxt, 1);
	else
		__hyp_forward_smc(ctxt);
}
