// SPDX-License-Identifier: GPL-2.0-only
/*
 * The hypervisor's own address space: the page pool every table comes
 * from, and the EL2 stage-1. Its linear part ([0, 2^47), VA == PA) holds
 * the pages the hypervisor owns or borrows and is kept by the ownership
 * code (mem_protect.c); this file keeps the rest: private VA for vendor
 * modules, the heap and the mappings modules ask for, and the per-CPU
 * fixmap, whose one table is pinned at boot.
 *
 * mem_lock, taken here and in mem_protect.c, guards the pool, both page
 * tables and page ownership (see hyp/mm.h).
 */
#include <pkvmkit/boot.h>
#include <pkvmkit/va_alloc.h>
#include <hyp/bug.h>
#include <hyp/log.h>
#include <hyp/mm.h>
#include <hyp/sysreg.h>

hyp_spinlock_t mem_lock = HYP_LOCK_INIT(mem_lock);
struct page_pool hyp_pool;
struct pgt hyp_s1;
static struct va_alloc private_va;	/* under mem_lock, like the rest */

static void *hyp_zalloc_page(void *arg)
{
	return pool_alloc_page(arg);
}

static void hyp_free_page(void *arg, void *va)
{
	pool_free_page(arg, va);
}

static u64 hyp_virt_to_phys(void *va)
{
	return (u64)va;
}

static void *hyp_phys_to_virt(u64 pa)
{
	return (void *)pa;
}

/*
 * Break-before-make on the EL2 stage-1: the entry for @addr at @level was
 * just cleared. A page entry is invalidated by address; a table entry
 * covers a range whose cached walks could all be stale (rare): flush all.
 */
static void hyp_s1_tlb_inval(void *arg, enum pgt_stage stage, u64 addr,
			     u32 level)
{
	(void)arg;
	(void)stage;
	dsb(ishst);
	if (level == 3)
		asm volatile("tlbi vae2is, %0" : : "r" (addr >> 12));
	else
		asm volatile("tlbi alle2is");
	dsb(ish);
	isb();
}

static const struct pgt_mm_ops hyp_s1_mm_ops = {
	.zalloc_page	= hyp_zalloc_page,
	.free_page	= hyp_free_page,
	.virt_to_phys	= hyp_virt_to_phys,
	.phys_to_virt	= hyp_phys_to_virt,
	.tlb_inval	= hyp_s1_tlb_inval,
	.arg		= &hyp_pool,
};

/*
 * The fixmap's table must never be freed, or a module's fixmap_map() at
 * run time would need a table page, which a host that exhausted the pool
 * could deny. An entry just past the last CPU's fixmap page, mapping the
 * (read-only, boot) parameters page, keeps that table non-empty for good.
 */
static int pin_fixmap_table(const struct hyp_params *p)
{
	u64 va = HYP_FIXMAP_VA + (u64)HYP_MAX_CPUS * PKVMKIT_PAGE_SIZE;
	u64 params_pa = (u64)p;	/* hyp VA == PA in the linear map */

	return pgt_map(&hyp_s1, va, params_pa, PKVMKIT_PAGE_SIZE, PGT_PROT_R);
}

_Static_assert(HYP_PEEK_VA + HYP_MAX_CPUS * PKVMKIT_PAGE_SIZE <=
	       HYP_FIXMAP_VA + (512 * PKVMKIT_PAGE_SIZE),
	       "the scrub and peek slots share the fixmap's pinned table");

/*
 * Map @pfn at this CPU's page of @base (HYP_SCRUB_VA, HYP_PEEK_VA): a
 * page entry in the fixmap's table, which is pinned, so nothing is
 * allocated and nothing can fail. Unmapped before the CPU leaves EL2.
 */
void *hyp_cpu_slot_map_locked(u64 base, u64 pfn, u32 prot)
{
	u64 va = base + this_cpu()->slot * PKVMKIT_PAGE_SIZE;
	int ret;

	hyp_assert_lock_held(&mem_lock);
	ret = pgt_map(&hyp_s1, va, pfn << PKVMKIT_PAGE_SHIFT, PKVMKIT_PAGE_SIZE,
		      prot);
	HYP_BUG_ON(ret, "per-CPU slot %lx: %d", (unsigned long)va, ret);
	return (void *)va;
}

void hyp_cpu_slot_unmap_locked(u64 base)
{
	u64 va = base + this_cpu()->slot * PKVMKIT_PAGE_SIZE;
	int ret;

	hyp_assert_lock_held(&mem_lock);
	ret = pgt_unmap(&hyp_s1, va, PKVMKIT_PAGE_SIZE);
	HYP_BUG_ON(ret, "per-CPU slot %lx: %d", (unsigned long)va, ret);
}

/* At install, on the first CPU, before any other CPU runs C at EL2. */
int hyp_mm_init(const struct hyp_params *p)
{
	pool_init(&hyp_pool, (void *)p->pool_pa, p->pool_nr_pages);
	hyp_s1.root = (pgt_pte_t *)p->s1_root_pa;
	hyp_s1.root_pa = p->s1_root_pa;
	hyp_s1.ia_bits = HYP_VA_BITS;
	hyp_s1.start_level = pgt_start_level(HYP_VA_BITS);
	hyp_s1.stage = PGT_STAGE1_EL2;
	hyp_s1.nr_tables = p->s1_nr_tables;
	hyp_s1.mm = &hyp_s1_mm_ops;
	/* live on every CPU at EL2: never a block to split (pgtable.h) */
	hyp_s1.flags = PGT_F_PAGES_ONLY;
	va_alloc_init(&private_va, HYP_PRIVATE_VA, HYP_PRIVATE_END);
	return pin_fixmap_table(p);
}

u64 hyp_pool_free_pages_locked(void)
{
	hyp_assert_lock_held(&mem_lock);
	return pool_nr_free(&hyp_pool);
}

u64 hyp_s1_tables_locked(void)
{
	hyp_assert_lock_held(&mem_lock);
	return hyp_s1.nr_tables;
}

/* ---- private VA ------------------------------------------------------ */

/*
 * Private VA comes in spans of whole pages, each followed by an unmapped
 * guard page, from lib/va_alloc.c (private_va): a span given back is
 * reused, and one at the top lowers it, so that a module whose init
 * failed leaves no hole.
 */

static u64 span_of(u64 nr_pages)
{
	return (nr_pages + 1) << PKVMKIT_PAGE_SHIFT;
}

static bool nr_pages_ok(u64 nr_pages)
{
	return nr_pages && nr_pages < (HYP_PRIVATE_END - HYP_PRIVATE_VA) >>
				      PKVMKIT_PAGE_SHIFT;
}

static void va_give_locked(u64 va, u64 nr_pages)
{
	int ret;

	hyp_assert_lock_held(&mem_lock);
	ret = va_alloc_give(&private_va, va, span_of(nr_pages));
	if (ret == -ENOSPC)
		hyp_log("pkvmkit: private VA %lx (%lu pages) lost: too many holes\n",
			(unsigned long)va, (unsigned long)nr_pages);
	else
		HYP_BUG_ON(ret, "private VA %lx was not taken", (unsigned long)va);
}

/* @nr_pages of private VA (and a guard page), nothing mapped: 0 / -ENOMEM. */
int hyp_private_va_reserve(u64 nr_pages, u64 *va)
{
	int ret = -ENOMEM;
	u64 found;

	if (!nr_pages_ok(nr_pages))
		return -EINVAL;

	hyp_spin_lock(&mem_lock);
	found = va_alloc_find(&private_va, span_of(nr_pages));
	if (found)
		ret = va_alloc_take(&private_va, found, span_of(nr_pages));
	hyp_spin_unlock(&mem_lock);
	if (!ret)
		*va = found;
	return ret;
}

/* Give back VA of hyp_private_va_reserve(): nothing may be mapped there. */
void hyp_private_va_release(u64 va, u64 nr_pages)
{
	hyp_spin_lock(&mem_lock);
	va_give_locked(va, nr_pages);
	hyp_spin_unlock(&mem_lock);
}

/*
 * A mapping at fresh private VA: the VA and the tables are found and
 * checked first, the mapping made (pgt_map() checks its arguments before
 * it changes anything), and only then is the VA taken. A failure keeps
 * neither.
 */
int hyp_private_map(u64 pa, u64 size, u32 prot, u64 *va)
{
	u64 nr_pages = size >> PKVMKIT_PAGE_SHIFT;
	int ret = -ENOMEM;
	u64 found;

	if (!nr_pages_ok(nr_pages) || size % PKVMKIT_PAGE_SIZE)
		return -EINVAL;
	hyp_spin_lock(&mem_lock);
	found = va_alloc_find(&private_va, span_of(nr_pages));
	if (found)
		ret = hyp_s1_map_locked(found, pa, size, prot);
	if (!ret) {
		ret = va_alloc_take(&private_va, found, span_of(nr_pages));
		HYP_BUG_ON(ret, "private VA %lx was free a moment ago",
			   (unsigned long)found);
		*va = found;
	}
	hyp_spin_unlock(&mem_lock);
	return ret;
}

/* Undo hyp_private_map(): the mapping, then the VA. */
void hyp_private_unmap(u64 va, u64 size)
{
	int ret;

	hyp_spin_lock(&mem_lock);
	/* page entries only (PGT_F_PAGES_ONLY): unmapping needs no table */
	ret = pgt_unmap(&hyp_s1, va, size);
	HYP_BUG_ON(ret, "unmapping private VA %lx failed: %d",
		   (unsigned long)va, ret);
	va_give_locked(va, size >> PKVMKIT_PAGE_SHIFT);
	hyp_spin_unlock(&mem_lock);
}

/* ---- the stage-1 outside the linear map ------------------------------ */

int hyp_s1_lookup(u64 va, u64 *pa, u32 *prot)
{
	int ret;

	hyp_spin_lock(&mem_lock);
	ret = pgt_lookup(&hyp_s1, va, pa, prot, NULL);
	hyp_spin_unlock(&mem_lock);
	return ret;
}

int hyp_s1_map_locked(u64 va, u64 pa, u64 size, u32 prot)
{
	hyp_assert_lock_held(&mem_lock);
	if (pool_nr_free(&hyp_pool) < pgt_max_tables(&hyp_s1, va, size))
		return -ENOMEM;
	return pgt_map(&hyp_s1, va, pa, size, prot);
}

static int s1_unmap_locked(u64 va, u64 size)
{
	hyp_assert_lock_held(&mem_lock);
	if (pool_nr_free(&hyp_pool) < pgt_unmap_split_tables(&hyp_s1, va, size))
		return -ENOMEM;
	return pgt_unmap(&hyp_s1, va, size);
}

static bool outside_linear_map(u64 va)
{
	return va >= HYP_FIXMAP_VA && va < HYP_PRIVATE_END;
}

/* Map outside the linear map (callers pass private or fixmap VAs). */
int hyp_s1_map(u64 va, u64 pa, u64 size, u32 prot)
{
	int ret;

	if (!outside_linear_map(va))
		return -EINVAL;
	hyp_spin_lock(&mem_lock);
	ret = hyp_s1_map_locked(va, pa, size, prot);
	hyp_spin_unlock(&mem_lock);
	return ret;
}

int hyp_s1_unmap(u64 va, u64 size)
{
	int ret;

	if (!outside_linear_map(va))
		return -EINVAL;
	hyp_spin_lock(&mem_lock);
	ret = s1_unmap_locked(va, size);
	hyp_spin_unlock(&mem_lock);
	return ret;
}
