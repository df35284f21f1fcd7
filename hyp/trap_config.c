// SPDX-License-Identifier: GPL-2.0-only
/*
 * What the host traps to EL2, as vendor modules change it with
 * update_hcr_el2 and update_hfgwtr_el2. ACK changes only the calling CPU
 * (and keeps it for that CPU's resume). Here an update is kept globally:
 * the calling CPU takes it at once, every other CPU on its next entry to
 * the hypervisor, and a CPU that comes up later through the PSCI relay
 * (CPU_ON, hotplug, resume) on entry, so all CPUs trap alike.
 *
 * Bits the hypervisor's isolation rests on cannot be changed by a module:
 * HCR_EL2.VM (the host stage-2), TSC (SMCs reach the relay), RW, TGE and
 * E2H (the host stays an nVHE EL1 guest), FMO/IMO/AMO (interrupts stay
 * with the host) and SWIO. A request touching them is logged and those
 * bits ignored.
 */
#include <hyp/bug.h>
#include <hyp/log.h>
#include <hyp/mem_protect.h>
#include <hyp/module_ops.h>
#include <hyp/spinlock.h>
#include <hyp/sysreg.h>
#include <hyp/trap.h>

#define HCR_FMO			BIT(3)
#define HCR_IMO			BIT(4)
#define HCR_AMO			BIT(5)
#define HCR_TGE			BIT(27)
#define HCR_MODULE_FIXED	(HCR_VM | HCR_SWIO | HCR_FMO | HCR_IMO | \
				 HCR_AMO | HCR_TSC | HCR_TGE | HCR_RW | HCR_E2H)

struct trap_mask {
	u64 set;
	u64 clear;
};

static hyp_spinlock_t traps_lock = HYP_LOCK_INIT(traps_lock);
static struct trap_mask hcr_mask, hfgwtr_mask;	/* under traps_lock */
u32 hyp_traps_gen;			/* bumped by each update */
static bool fgt_missing_logged;

static bool cpu_has_fgt(void)
{
	return id_field(read_sysreg(id_aa64mmfr0_el1), 56) != 0;
}

static u64 apply_mask(u64 val, const struct trap_mask *m)
{
	return (val | m->set) & ~m->clear;
}

static void merge_mask(struct trap_mask *m, u64 set, u64 clear)
{
	m->set = (m->set & ~clear) | set;
	m->clear = (m->clear & ~set) | clear;
}

/* Every CPU rewrites its trap registers after its next host trap. */
static void bump_traps_gen_locked(void)
{
	hyp_assert_lock_held(&traps_lock);
	__atomic_store_n(&hyp_traps_gen, hyp_traps_gen + 1, __ATOMIC_RELEASE);
}

/* This CPU's registers, from what it has now plus the module masks. */
static void write_traps_locked(void)
{
	hyp_assert_lock_held(&traps_lock);
	write_sysreg(apply_mask(read_sysreg(hcr_el2), &hcr_mask), hcr_el2);
	if (cpu_has_fgt())
		write_sysreg(apply_mask(read_sysreg(SYS_HFGWTR_EL2), &hfgwtr_mask),
			     SYS_HFGWTR_EL2);
	isb();
	this_cpu()->traps_gen = hyp_traps_gen;
}

/*
 * Write this CPU's trap registers from the module masks: on a CPU entering
 * through the relay (its EL2 registers just reset), and after a host trap
 * when a module changed them elsewhere (hyp_apply_host_traps()).
 */
void hyp_reapply_host_traps(void)
{
	hyp_spin_lock(&traps_lock);
	write_traps_locked();
	hyp_spin_unlock(&traps_lock);
	/*
	 * The generation also announces the host stage-2: a CPU that was
	 * not at the deprivilege call enters it here, on its first trap
	 * after it (hyp_bump_host_traps_gen()).
	 */
	if (!this_cpu()->stage2_on && hyp_host_stage2_ready())
		hyp_enable_host_stage2();
}

/*
 * Make every CPU run hyp_reapply_host_traps() after its next host trap.
 * Under traps_lock: a CPU that sees the new generation takes the lock
 * before acting on it, and so sees whatever was published before this.
 */
void hyp_bump_host_traps_gen(void)
{
	hyp_spin_lock(&traps_lock);
	bump_traps_gen_locked();
	hyp_spin_unlock(&traps_lock);
}

void hyp_op_update_hcr_el2(unsigned long set_mask, unsigned long clear_mask)
{
	if ((set_mask | clear_mask) & HCR_MODULE_FIXED)
		hyp_log("pkvmkit: update_hcr_el2(%lx, %lx): bits %lx are the hypervisor's, ignored\n",
			set_mask, clear_mask,
			(unsigned long)((set_mask | clear_mask) & HCR_MODULE_FIXED));
	hyp_spin_lock(&traps_lock);
	merge_mask(&hcr_mask, set_mask & ~HCR_MODULE_FIXED,
		   clear_mask & ~HCR_MODULE_FIXED);
	bump_traps_gen_locked();
	write_traps_locked();
	hyp_spin_unlock(&traps_lock);
}

void hyp_op_update_hfgwtr_el2(unsigned long set_mask, unsigned long clear_mask)
{
	if (!cpu_has_fgt()) {
		if (!__atomic_exchange_n(&fgt_missing_logged, true,
					 __ATOMIC_RELAXED))
			hyp_log("pkvmkit: update_hfgwtr_el2: this CPU has no FEAT_FGT, ignored\n");
		return;
	}
	hyp_spin_lock(&traps_lock);
	merge_mask(&hfgwtr_mask, set_mask, clear_mask);
	bump_traps_gen_locked();
	write_traps_locked();
	hyp_spin_unlock(&traps_lock);
}
