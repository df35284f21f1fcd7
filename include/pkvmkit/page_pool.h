/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Single-page allocator over a range of memory handed to the hypervisor.
 * Free pages are kept on a list threaded through the pages themselves;
 * pages never handed out yet are taken from a bump pointer, so init is O(1).
 * Not locked: callers serialise.
 */
#ifndef PKVMKIT_PAGE_POOL_H
#define PKVMKIT_PAGE_POOL_H

#include <pkvmkit/types.h>

struct page_pool {
	u64 base;		/* virtual address of the first page */
	u64 nr_pages;
	u64 next_unused;	/* bump index of the first never-used page */
	void *free_list;	/* returned pages */
	u64 nr_free;		/* pages available (list + unused) */
};

/* @base must be page aligned. */
void pool_init(struct page_pool *pool, void *base, u64 nr_pages);

/* A zeroed page, or NULL when the pool is empty. */
void *pool_alloc_page(struct page_pool *pool);

/*
 * Give a page back. Returns -EINVAL (and changes nothing) if @va is not a
 * page of this pool; double frees are not detected.
 */
int pool_free_page(struct page_pool *pool, void *va);

static inline u64 pool_nr_free(const struct page_pool *pool)
{
	return pool->nr_free;
}

#endif /* PKVMKIT_PAGE_POOL_H */
