// SPDX-License-Identifier: GPL-2.0-only
/*
 * module_txn, EL2 half (android16-6.12): the module-memory members, each
 * made to fail half-way, from a module's init:
 *  - create_private_mapping and linear_map_early of an address they
 *    cannot map: the failed call must not keep the VA it would have used
 *    (the next mapping lands where the failed one would have);
 *  - map_module_pages whose last page cannot be mapped: nothing of the
 *    call may stay (no page mapped, every page still the host's);
 *  - unmap_module_pages of another module's text (victim_va, set by
 *    EL1): refused, since a module may only change its own memory.
 * The results are read back with a module call: x1 = result index ->
 * x1 = value.
 */
#include <asm/kvm_pkvm_module.h>
#include <asm/page-def.h>

enum {
	R_PRIV_STEP,		/* VA between two private mappings, a failed one between */
	R_EARLY_STEP,		/* the same for linear_map_early */
	R_MAP_PAGES,		/* map_module_pages over an occupied page */
	R_MAP_PAGES_PA0,	/* hyp_pa of its first page afterwards */
	R_MAP_PAGES_PA1,	/* and of its second */
	R_UNMAP_OTHER,		/* unmap_module_pages of another module's page */
	R_NR
};

u64 scratch_pfn;		/* set by EL1: 4 pages the host gives */
u64 victim_va;			/* set by EL1: a page of another module's text */
static s64 results[R_NR];

#define UNMAPPABLE_PA	(1UL << 50)	/* beyond any PA size: cannot be mapped */

static s64 private_mapping_step(const struct pkvm_module_ops *ops)
{
	unsigned long va1, va2, bad;
	u64 pa = scratch_pfn << PAGE_SHIFT;

	if (ops->create_private_mapping(pa, PAGE_SIZE, KVM_PGTABLE_PROT_R, &va1))
		return -1;
	if (!ops->create_private_mapping(UNMAPPABLE_PA, PAGE_SIZE,
					 KVM_PGTABLE_PROT_R, &bad))
		return -2;
	if (ops->create_private_mapping(pa, PAGE_SIZE, KVM_PGTABLE_PROT_R, &va2))
		return -3;
	return va2 - va1;
}

static s64 early_mapping_step(const struct pkvm_module_ops *ops)
{
	u64 pa = scratch_pfn << PAGE_SHIFT;
	void *va1, *va2;
	s64 step;

	va1 = ops->linear_map_early(pa, PAGE_SIZE, KVM_PGTABLE_PROT_R);
	if (!va1)
		return -1;
	if (ops->linear_map_early(UNMAPPABLE_PA, PAGE_SIZE, KVM_PGTABLE_PROT_R))
		return -2;
	va2 = ops->linear_map_early(pa, PAGE_SIZE, KVM_PGTABLE_PROT_R);
	if (!va2)
		return -3;
	step = (u64)va2 - (u64)va1;
	ops->linear_unmap_early(va1, PAGE_SIZE);
	ops->linear_unmap_early(va2, PAGE_SIZE);
	return step;
}

/* Three pages at fresh VA whose third is taken already: all or nothing. */
static void map_pages_over_occupied(const struct pkvm_module_ops *ops)
{
	u8 *va = ops->alloc_module_va(3);

	if (!va || ops->map_module_page(scratch_pfn + 3, va + 2 * PAGE_SIZE,
					KVM_PGTABLE_PROT_R, false)) {
		results[R_MAP_PAGES] = 1;
		return;
	}
	results[R_MAP_PAGES] = ops->map_module_pages(scratch_pfn + 1, va, 3,
						     KVM_PGTABLE_PROT_R, false);
	results[R_MAP_PAGES_PA0] = ops->hyp_pa(va);
	results[R_MAP_PAGES_PA1] = ops->hyp_pa(va + PAGE_SIZE);
}

int module_txn_init(const struct pkvm_module_ops *ops)
{
	u64 victim_pa = ops->hyp_pa((void *)victim_va);

	results[R_PRIV_STEP] = private_mapping_step(ops);
	results[R_EARLY_STEP] = early_mapping_step(ops);
	map_pages_over_occupied(ops);
	results[R_UNMAP_OTHER] = victim_pa ?
		ops->unmap_module_pages(victim_pa >> PAGE_SHIFT,
					(void *)victim_va, 1) : 1;
	return 0;
}

void module_txn_result(struct user_pt_regs *regs)
{
	u64 i = regs->regs[1];

	regs->regs[0] = 0;	/* SMCCC_RET_SUCCESS: 6.12 handlers set x0 */
	regs->regs[1] = i < R_NR ? results[i] : 0x7fff;
}
