// SPDX-License-Identifier: GPL-2.0-only
/*
 * page_guard, EL2 half: restrict the host's own pages in its stage-2.
 *
 * A hypercall makes a host page read-only (GUARD_RO) or inaccessible
 * (GUARD_NONE), lifts that again (GUARD_LIFT), or reports the host
 * stage-2 entry for it (GUARD_LEAF). A host write to a read-only page
 * reaches the permission-fault handler, which counts it and steps the
 * host past the store (the way text-protection modules skip or emulate
 * a write): the page keeps its content. Any other access to a guarded
 * page is refused, so the hypervisor injects an abort (the illegal-abort
 * notifier counts those).
 */
#include <asm/kvm_pkvm_module.h>
#include <asm/kvm_hyp.h>

enum guard_op {
	GUARD_RO = 1,		/* x2 = pfn -> x1 = 0 / -errno */
	GUARD_NONE,		/* x2 = pfn -> x1 */
	GUARD_LIFT,		/* x2 = pfn -> x1 */
	GUARD_LEAF,		/* x2 = pfn -> x1 = 0 / -errno, x2 = pte, x3 = level */
	GUARD_COUNTS,		/* -> x1 = writes skipped, x2 = refused, x3 = aborts */
};

#define MAX_GUARDED	16
#define ESR_WNR		(1UL << 6)

struct guarded {
	u64 pfn;
	bool read_only;
};

static const struct pkvm_module_ops *ops;
static struct guarded guarded[MAX_GUARDED];
static u64 nr_skipped, nr_refused, nr_aborts;

static struct guarded *find_guarded(u64 pfn)
{
	int i;

	for (i = 0; i < MAX_GUARDED; i++)
		if (guarded[i].pfn == pfn)
			return &guarded[i];
	return NULL;
}

/* Slots are taken and freed only by the hypercall, which runs one at a time per page. */
static int guard_page(u64 pfn, bool read_only)
{
	struct guarded *g = find_guarded(pfn);
	int ret;

	if (!pfn)
		return -EINVAL;
	if (!g)
		g = find_guarded(0);
	if (!g)
		return -ENOSPC;
	ret = ops->host_stage2_mod_prot(pfn, read_only ? KVM_PGTABLE_PROT_R : 0);
	if (!ret) {
		g->read_only = read_only;
		WRITE_ONCE(g->pfn, pfn);
	}
	return ret;
}

static int lift_guard(u64 pfn)
{
	struct guarded *g = find_guarded(pfn);
	int ret;

	if (!pfn || !g)
		return -ENOENT;
	ret = ops->host_stage2_mod_prot(pfn, KVM_PGTABLE_PROT_RWX);
	if (!ret)
		WRITE_ONCE(g->pfn, 0);
	return ret;
}

/*
 * A write to a read-only page: skip the store, as the host would see it
 * had it written to ROM. ELR_EL2 is how ACK modules step the host's PC.
 */
static int guard_fault(struct kvm_cpu_context *ctxt, u64 esr, u64 addr)
{
	struct guarded *g = find_guarded(addr >> PAGE_SHIFT);

	if (g && g->read_only && (esr & ESR_WNR)) {
		__atomic_fetch_add(&nr_skipped, 1, __ATOMIC_RELAXED);
		write_sysreg_el2(read_sysreg_el2(SYS_ELR) + 4, SYS_ELR);
		return 0;
	}
	__atomic_fetch_add(&nr_refused, 1, __ATOMIC_RELAXED);
	return -EPERM;
}

static void guard_abort(struct kvm_cpu_context *ctxt)
{
	__atomic_fetch_add(&nr_aborts, 1, __ATOMIC_RELAXED);
}

void page_guard_call(struct kvm_cpu_context *ctxt)
{
	u64 pfn = cpu_reg(ctxt, 2);
	kvm_pte_t pte = 0;
	u32 level = 0;

	switch (cpu_reg(ctxt, 1)) {
	case GUARD_RO:
		cpu_reg(ctxt, 1) = guard_page(pfn, true);
		break;
	case GUARD_NONE:
		cpu_reg(ctxt, 1) = guard_page(pfn, false);
		break;
	case GUARD_LIFT:
		cpu_reg(ctxt, 1) = lift_guard(pfn);
		break;
	case GUARD_LEAF:
		cpu_reg(ctxt, 1) = ops->host_stage2_get_leaf(pfn << PAGE_SHIFT,
							     &pte, &level);
		cpu_reg(ctxt, 2) = pte;
		cpu_reg(ctxt, 3) = level;
		break;
	case GUARD_COUNTS:
		cpu_reg(ctxt, 1) = __atomic_load_n(&nr_skipped, __ATOMIC_RELAXED);
		cpu_reg(ctxt, 2) = __atomic_load_n(&nr_refused, __ATOMIC_RELAXED);
		cpu_reg(ctxt, 3) = __atomic_load_n(&nr_aborts, __ATOMIC_RELAXED);
		break;
	default:
		cpu_reg(ctxt, 1) = -EINVAL;
		break;
	}
}

int page_guard_init(const struct pkvm_module_ops *module_ops)
{
	int ret;

	ops = module_ops;
	ret = ops->register_host_perm_fault_handler(guard_fault);
	if (!ret)
		ret = ops->register_illegal_abt_notifier(guard_abort);
	return ret;
}
