/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The hypervisor's own address space (mm.c): its page pool and its EL2
 * stage-1 beyond the linear map: private VA (vendor modules, the heap,
 * mappings modules ask for) and the fixmap.
 *
 * mem_lock guards the pool, both page tables and page ownership: the
 * ownership library (mem_protect.c) updates the linear map and the host
 * stage-2 in one commit, so one lock covers all of them. Functions named
 * *_locked expect it held and assert it.
 */
#ifndef HYP_MM_H
#define HYP_MM_H

#include <pkvmkit/boot.h>
#include <pkvmkit/page_pool.h>
#include <pkvmkit/pgtable.h>
#include <hyp/spinlock.h>

extern hyp_spinlock_t mem_lock;
/* Both under mem_lock. */
extern struct page_pool hyp_pool;
extern struct pgt hyp_s1;

int hyp_mm_init(const struct hyp_params *p);

/*
 * Private VA: spans of pages, each followed by an unmapped guard page.
 * hyp_private_va_reserve() takes VA only (a module's range, the heap's
 * window: mapped page by page later); hyp_private_va_release() gives it
 * back (what is mapped there must be gone). 0 / -errno.
 */
int hyp_private_va_reserve(u64 nr_pages, u64 *va);
void hyp_private_va_release(u64 va, u64 nr_pages);

/*
 * Map [pa, pa + size) (page aligned) at fresh private VA with @prot: the
 * VA and the tables are checked and reserved first, so a failure keeps
 * neither. hyp_private_unmap() undoes it, VA included.
 */
int hyp_private_map(u64 pa, u64 size, u32 prot, u64 *va);
void hyp_private_unmap(u64 va, u64 size);

/* The stage-1 outside the linear map (private VA, fixmap, fixblock). */
int hyp_s1_lookup(u64 va, u64 *pa, u32 *prot);
int hyp_s1_map(u64 va, u64 pa, u64 size, u32 prot);
int hyp_s1_unmap(u64 va, u64 size);
int hyp_s1_map_locked(u64 va, u64 pa, u64 size, u32 prot);

/* This CPU's scrub or peek page (boot.h), under mem_lock; cannot fail. */
void *hyp_cpu_slot_map_locked(u64 base, u64 pfn, u32 prot);
void hyp_cpu_slot_unmap_locked(u64 base);

/* Free pool pages and stage-1 table pages, under mem_lock. */
u64 hyp_pool_free_pages_locked(void);
u64 hyp_s1_tables_locked(void);

#endif /* HYP_MM_H */
