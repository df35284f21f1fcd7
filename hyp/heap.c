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
 * el2_heap.lock (heap_lock) protects the heap and the window; mem_lock
 * may be taken under it (donating a page).
 *
 * lib/heap.c is built into this unit, not linked, so that its fast
 * halves of alloc and free inline into the ops below: their common path
 * is then a leaf function (no call, no registers to save), and only what
 * the fast halves decline takes the lock a second time, out of line.
 */
#include "../lib/heap.c"
#include <hyp/bug.h>
#include <hyp/compiler.h>
#include <hyp/heap.h>
#include <hyp/log.h>
#include <hyp/mem_protect.h>
#include <hyp/mm.h>
#include <hyp/module_ops.h>
#include <hyp/spinlock.h>

#define HEAP_WINDOW_PAGES	16384	/* 64 MiB of VA, no memory */

/*
 * The lock first, and this file built without section anchors (Makefile):
 * the lock's exclusive accesses then need no offset from the address.
 */
static struct {
	hyp_spinlock_t lock;
	struct heap heap;
} el2_heap = { .lock = HYP_LOCK_INIT(heap_lock) };
static u64 window_va, window_used;	/* pages mapped so far */
static void *spare_pages;		/* donated, not the heap's yet */

static void *take_spare_page_locked(void *arg)
{
	void **page = spare_pages;

	(void)arg;
	hyp_assert_lock_held(&el2_heap.lock);
	if (page)
		spare_pages = *page;
	return page;
}

static void give_spare_page_locked(void *arg, void *page)
{
	(void)arg;
	hyp_assert_lock_held(&el2_heap.lock);
	*(void **)page = spare_pages;
	spare_pages = page;
}

static const struct heap_source heap_source = {
	.get_page = take_spare_page_locked,
	.put_page = give_spare_page_locked,
};

static bool heap_ready_locked(void)
{
	hyp_assert_lock_held(&el2_heap.lock);
	if (!window_va && !hyp_private_va_reserve(HEAP_WINDOW_PAGES, &window_va))
		heap_init(&el2_heap.heap, &heap_source);
	return window_va;
}

/* HC_HEAP_TOPUP: the host gives page @pfn to the heap (for good). */
int hyp_heap_topup(u64 pfn)
{
	u64 va;
	int ret;

	hyp_spin_lock(&el2_heap.lock);
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
	hyp_spin_unlock(&el2_heap.lock);
	return ret;
}

static noinline void *hyp_alloc_slow(size_t size)
{
	void *p = NULL;
	int err = -ENOMEM;

	hyp_spin_lock(&el2_heap.lock);
	if (window_va)
		p = heap_alloc(&el2_heap.heap, size, &err);
	hyp_spin_unlock(&el2_heap.lock);
	this_cpu()->heap_errno = err;
	return p;
}

void *hyp_op_hyp_alloc(size_t size)
{
	void *p;

	/* Before the first donation every class is empty: the slow path. */
	hyp_spin_lock(&el2_heap.lock);
	p = heap_alloc_fast(&el2_heap.heap, size);
	hyp_spin_unlock(&el2_heap.lock);
	if (unlikely(!p))
		return hyp_alloc_slow(size);
	this_cpu()->heap_errno = 0;
	return p;
}

int hyp_op_hyp_alloc_errno(void)
{
	return this_cpu()->heap_errno;
}

/* One page holds any size: out of memory is one page missing. */
u8 hyp_op_hyp_alloc_missing_donations(void)
{
	return this_cpu()->heap_errno == -ENOMEM;
}

static noinline void hyp_free_slow(void *addr)
{
	int ret;

	hyp_spin_lock(&el2_heap.lock);
	ret = window_va ? heap_free(&el2_heap.heap, addr) : (addr ? -EINVAL : 0);
	hyp_spin_unlock(&el2_heap.lock);
	if (ret)
		hyp_log("pkvmkit: hyp_free(%lx): not an allocation of hyp_alloc\n",
			(unsigned long)addr);
}

void hyp_op_hyp_free(void *addr)
{
	int declined;

	/* A zeroed heap (no donation yet) holds no page: the slow path. */
	hyp_spin_lock(&el2_heap.lock);
	declined = heap_free_fast(&el2_heap.heap, addr);
	hyp_spin_unlock(&el2_heap.lock);
	if (unlikely(declined))
		hyp_free_slow(addr);
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
	return this_cpu()->heap_errno == -ENOMEM ? 0 : -EINVAL;
}

/* For status and tests: pages the heap holds, pages waiting, bytes in use. */
void hyp_heap_stats(u64 *pages, u64 *spare, u64 *bytes)
{
	void **p;
	u64 n = 0;

	hyp_spin_lock(&el2_heap.lock);
	for (p = spare_pages; p; p = *p)
		n++;
	*pages = window_va ? heap_nr_pages(&el2_heap.heap) : 0;
	*spare = n;
	*bytes = window_va ? heap_bytes_in_use(&el2_heap.heap) : 0;
	hyp_spin_unlock(&el2_heap.lock);
}
