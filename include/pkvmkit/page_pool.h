/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Single-page allocator over a range of memory handed to the hypervisor.
 * Free pages are kept on a list threaded through the pages themselves;
 * pages never handed out yet are taken from a bump pointer, so init is O(1).
 *
 * A part of the free pages can be reserved for one user that must never
 * fail to get a page (the host stage-2, see ownership.h): ordinary
 * allocations only see the pages nobody reserved, reserved allocations
 * consume the reservation. Not locked: callers serialise.
 */
#ifndef PKVMKIT_PAGE_POOL_H
#define PKVMKIT_PAGE_POOL_H

#include <pkvmkit/types.h>

struct page_pool {
	u64 base;		/* virtual address of the first page */
	u64 nr_pages;
	u64 next_unused;	/* bump index of the first never-used page */
	void *free_list;	/* returned pages */
	u64 nr_free;		/* free pages (list + unused), reserved included */
	u64 nr_reserved;	/* free pages only pool_alloc_reserved() takes */
};

/* @base must be page aligned. */
void pool_init(struct page_pool *pool, void *base, u64 nr_pages);

/* A zeroed page, or NULL when every free page is reserved or none is left. */
void *pool_alloc_page(struct page_pool *pool);

/* A zeroed page out of the reservation, or NULL when it is used up. */
void *pool_alloc_reserved(struct page_pool *pool);

/*
 * Give a page back. Returns -EINVAL (and changes nothing) if @va is not a
 * page of this pool; double frees are not detected.
 */
int pool_free_page(struct page_pool *pool, void *va);

/* Give back a page that came from pool_alloc_reserved(): it is reserved again. */
int pool_free_reserved(struct page_pool *pool, void *va);

/* Set @nr free pages aside for pool_alloc_reserved(); -ENOMEM if too few. */
int pool_reserve(struct page_pool *pool, u64 nr);

/* Release @nr reserved free pages; -EINVAL (nothing changed) if fewer are. */
int pool_unreserve(struct page_pool *pool, u64 nr);

/* Free pages an ordinary allocation can still get. */
static inline u64 pool_nr_free(const struct page_pool *pool)
{
	return pool->nr_free - pool->nr_reserved;
}

static inline u64 pool_nr_reserved(const struct page_pool *pool)
{
	return pool->nr_reserved;
}

#endif /* PKVMKIT_PAGE_POOL_H */
