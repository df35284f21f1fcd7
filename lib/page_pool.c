// SPDX-License-Identifier: GPL-2.0-only
/*
 * Single-page allocator over a fixed range of memory.
 *
 * Pages that were never handed out are taken from a bump index, so
 * pool_init() does not touch the memory. Returned pages form a singly
 * linked list whose "next" pointer lives in the first word of each free
 * page. Pages are zeroed when handed out, not when freed, so the list link
 * never leaks into a caller's page.
 */
#include <pkvmkit/page_pool.h>

struct pool_free_node {
	struct pool_free_node *next;
};

static void pool_zero_page(void *va)
{
	volatile u64 *p = va;
	u64 i;

	/* volatile: keep the compiler from turning this into memset(). */
	for (i = 0; i < PKVMKIT_PAGE_SIZE / sizeof(u64); i++)
		p[i] = 0;
}

void pool_init(struct page_pool *pool, void *base, u64 nr_pages)
{
	pool->base = (unsigned long)base;
	pool->nr_pages = nr_pages;
	pool->next_unused = 0;
	pool->free_list = NULL;
	pool->nr_free = nr_pages;
	pool->nr_reserved = 0;
}

static void *pool_take_page(struct page_pool *pool)
{
	struct pool_free_node *page = pool->free_list;
	void *va;

	if (page) {
		pool->free_list = page->next;
		va = page;
	} else if (pool->next_unused < pool->nr_pages) {
		va = (void *)(unsigned long)(pool->base +
			(pool->next_unused << PKVMKIT_PAGE_SHIFT));
		pool->next_unused++;
	} else {
		return NULL;
	}
	pool->nr_free--;
	pool_zero_page(va);
	return va;
}

void *pool_alloc_page(struct page_pool *pool)
{
	if (pool->nr_free == pool->nr_reserved)
		return NULL;
	return pool_take_page(pool);
}

void *pool_alloc_reserved(struct page_pool *pool)
{
	void *va;

	if (!pool->nr_reserved)
		return NULL;
	va = pool_take_page(pool);
	if (va)
		pool->nr_reserved--;
	return va;
}

int pool_reserve(struct page_pool *pool, u64 nr)
{
	if (nr > pool->nr_free - pool->nr_reserved)
		return -ENOMEM;
	pool->nr_reserved += nr;
	return 0;
}

int pool_unreserve(struct page_pool *pool, u64 nr)
{
	if (nr > pool->nr_reserved)
		return -EINVAL;
	pool->nr_reserved -= nr;
	return 0;
}

int pool_free_reserved(struct page_pool *pool, void *va)
{
	int ret = pool_free_page(pool, va);

	if (!ret)
		pool->nr_reserved++;
	return ret;
}

int pool_free_page(struct page_pool *pool, void *va)
{
	u64 addr = (unsigned long)va;
	struct pool_free_node *page = va;

	if (addr < pool->base || (addr & (PKVMKIT_PAGE_SIZE - 1)))
		return -EINVAL;
	/* Only pages the bump index has already handed out can come back. */
	if (((addr - pool->base) >> PKVMKIT_PAGE_SHIFT) >= pool->next_unused)
		return -EINVAL;

	page->next = pool->free_list;
	pool->free_list = page;
	pool->nr_free++;
	return 0;
}
