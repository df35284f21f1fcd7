// SPDX-License-Identifier: GPL-2.0-only
/*
 * The EL2 heap behind hyp_alloc/hyp_free (android15-6.6 on): lib/heap.c's
 * size classes over pages the host donates (HC_HEAP_TOPUP, from EL1's
 * __pkvm_topup_hyp_alloc). A donated page leaves the host's stage-2 and
 * the hypervisor's linear map and is mapped at the next page of one
 * private window, so every page the heap ever had is mapped for good in
 * one contiguous range (which heap_free's pointer checks rely on).
 *
 * Out of memory is a state, not a failure: hyp_alloc returns NULL, this
 * CPU's hyp_alloc_errno() says -ENOMEM and hyp_alloc_missing_donations()
 * how many pages would have done; the module reports that to its EL1
 * side, which donates with __pkvm_topup_hyp_alloc() and calls again.
 *
 * heap_lock protects the heap and the window; it is taken on its own.
 */
#include <pkvmkit/heap.h>
#include <hyp/hyp.h>
#include <hyp/module_ops.h>
#include <hyp/spinlock.h>

#define HEAP_WINDOW_PAGES	16384	/* 64 MiB of VA, no memory */

static hyp_spinlock_t heap_lock;
static struct heap heap;
static u64 window_va, window_used;	/* pages mapped so far */
static void *spare_pages;		/* donated, not the heap's yet */
static int heap_errno[HYP_MAX_CPUS];
static u8 heap_missing[HYP_MAX_CPUS];

static void *take_spare_page_locked(void *arg)
{
	void **page = spare_pages;

	(void)arg;
	hyp_assert_lock_held(&heap_lock);
	if (page)
		spare_pages = *page;
	return page;
}

static void give_spare_page_locked(void *arg, void *page)
{
	(void)arg;
	hyp_assert_lock_held(&heap_lock);
	*(void **)page = spare_pages;
	spare_pages = page;
}

static const struct heap_source heap_source = {
	.get_page = take_spare_page_locked,
	.put_page = give_spare_page_locked,
};

static bool heap_ready_locked(void)
{
	hyp_assert_lock_held(&heap_lock);
	if (!window_va) {
		window_va = hyp_alloc_private_va(HEAP_WINDOW_PAGES);
		if (window_va)
			heap_init(&heap, &heap_source);
	}
	return window_va;
}

/* HC_HEAP_TOPUP: the host gives page @pfn to the heap (for good). */
int hyp_heap_topup(u64 pfn)
{
	u64 va;
	int ret;

	hyp_spin_lock(&heap_lock);
	if (!heap_ready_locked()) {
		ret = -ENOMEM;
	} else if (window_used == HEAP_WINDOW_PAGES) {
		ret = -ENOSPC;
	} else {
		va = window_va + window_used * PKVMKIT_PAGE_SIZE;
		ret = hyp_donate_and_map(pfn, va, PGT_PROT_RW);
		if (!ret) {
			window_used++;
			give_spare_page_locked(NULL, (void *)va);
		}
	}
	hyp_spin_unlock(&heap_lock);
	return ret;
}

void *hyp_op_hyp_alloc(size_t size)
{
	u64 cpu = this_cpu()->slot;
	void *p = NULL;
	int err = -ENOMEM;

	hyp_spin_lock(&heap_lock);
	if (window_va)
		p = heap_alloc(&heap, size, &err);
	hyp_spin_unlock(&heap_lock);
	heap_errno[cpu] = err;
	heap_missing[cpu] = err == -ENOMEM ? 1 : 0;	/* a page holds any size */
	return p;
}

int hyp_op_hyp_alloc_errno(void)
{
	return heap_errno[this_cpu()->slot];
}

u8 hyp_op_hyp_alloc_missing_donations(void)
{
	return heap_missing[this_cpu()->slot];
}

void hyp_op_hyp_free(void *addr)
{
	int ret;

	hyp_spin_lock(&heap_lock);
	ret = window_va ? heap_free(&heap, addr) : (addr ? -EINVAL : 0);
	hyp_spin_unlock(&heap_lock);
	if (ret)
		hyp_log("pkvmkit: hyp_free(%lx): not an allocation of hyp_alloc\n",
			(unsigned long)addr);
}

/*
 * android16-6.12: ask the host for what this CPU's last allocation
 * missed. pkvmkit has no request channel of its own: the module returns
 * -ENOMEM from its call and its EL1 side donates (__pkvm_topup_hyp_alloc,
 * hyp_alloc_missing_donations() pages, or 1): 0 when there is something
 * to ask for, -EINVAL when the last allocation did not run out.
 */
int hyp_op_request_hyp_alloc(void)
{
	return heap_missing[this_cpu()->slot] ? 0 : -EINVAL;
}

/* For status and tests: pages the heap holds, pages waiting, bytes in use. */
void hyp_heap_stats(u64 *pages, u64 *spare, u64 *bytes)
{
	void **p;
	u64 n = 0;

	hyp_spin_lock(&heap_lock);
	for (p = spare_pages; p; p = *p)
		n++;
	*pages = window_va ? heap_nr_pages(&heap) : 0;
	*spare = n;
	*bytes = window_va ? heap_bytes_in_use(&heap) : 0;
	hyp_spin_unlock(&heap_lock);
}
