// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests for lib/page_pool.c. */
#include <string.h>
#include "tap.h"
#include <pkvmkit/page_pool.h>

#define NR	8
#define PG	4096

static unsigned char *mem;
static struct page_pool pool;

static void setup(u64 nr)
{
	mem = aligned_alloc(PG, (NR + 1) * PG);
	if (!mem)
		abort();
	/* Dirty memory: the pool must zero what it hands out. */
	memset(mem, 0x5a, (NR + 1) * PG);
	pool_init(&pool, mem, nr);
}

static bool page_is_zero(const void *p)
{
	const unsigned char *c = p;
	int i;

	for (i = 0; i < PG; i++)
		if (c[i])
			return false;
	return true;
}

static bool in_pool(const void *p)
{
	const unsigned char *c = p;

	return c >= mem && c < mem + NR * PG && !((c - mem) % PG);
}

TEST(init_counts_all_pages_free)
{
	setup(NR);
	EXPECT_EQ(pool_nr_free(&pool), NR);
	EXPECT_EQ(pool.nr_pages, NR);
	EXPECT_EQ(pool.base, (u64)(uintptr_t)mem);
	/* init does not touch the memory */
	EXPECT_EQ(mem[0], 0x5a);
	free(mem);
}

TEST(exhaust_then_null)
{
	void *p[NR];
	int i, j;

	setup(NR);
	for (i = 0; i < NR; i++) {
		p[i] = pool_alloc_page(&pool);
		ASSERT(p[i] != NULL);
		EXPECT(in_pool(p[i]));
		EXPECT(page_is_zero(p[i]));
		for (j = 0; j < i; j++)
			EXPECT(p[i] != p[j]);
		EXPECT_EQ(pool_nr_free(&pool), NR - i - 1);
		memset(p[i], 0xff, PG);	/* scribble: must not leak into others */
	}
	EXPECT(pool_alloc_page(&pool) == NULL);
	EXPECT(pool_alloc_page(&pool) == NULL);
	EXPECT_EQ(pool_nr_free(&pool), 0);
	/* The page after the pool was never touched. */
	EXPECT_EQ(mem[NR * PG], 0x5a);
	free(mem);
}

TEST(free_and_reuse_zeroed)
{
	void *p[NR], *q;
	int i;

	setup(NR);
	for (i = 0; i < NR; i++)
		p[i] = pool_alloc_page(&pool);
	memset(p[3], 0xee, PG);
	EXPECT_EQ(pool_free_page(&pool, p[3]), 0);
	EXPECT_EQ(pool_nr_free(&pool), 1);
	q = pool_alloc_page(&pool);
	EXPECT(q == p[3]);
	EXPECT(page_is_zero(q));
	EXPECT(pool_alloc_page(&pool) == NULL);

	/* Free everything, allocate everything again: all distinct, zero. */
	for (i = 0; i < NR; i++)
		EXPECT_EQ(pool_free_page(&pool, p[i]), 0);
	EXPECT_EQ(pool_nr_free(&pool), NR);
	for (i = 0; i < NR; i++) {
		q = pool_alloc_page(&pool);
		ASSERT(q != NULL);
		EXPECT(in_pool(q));
		EXPECT(page_is_zero(q));
		memset(q, 0x11, PG);
	}
	EXPECT(pool_alloc_page(&pool) == NULL);
	free(mem);
}

TEST(mixed_bump_and_free_list)
{
	void *a, *b, *c;

	setup(NR);
	a = pool_alloc_page(&pool);
	b = pool_alloc_page(&pool);
	EXPECT_EQ(pool_free_page(&pool, a), 0);
	EXPECT_EQ(pool_nr_free(&pool), NR - 1);
	c = pool_alloc_page(&pool);	/* reuses a */
	EXPECT(c == a);
	c = pool_alloc_page(&pool);	/* then the bump pointer */
	EXPECT(c != a && c != b && in_pool(c));
	EXPECT_EQ(pool_nr_free(&pool), NR - 3);
	free(mem);
}

TEST(bad_free_rejected)
{
	void *p;
	u64 before;

	setup(NR);
	p = pool_alloc_page(&pool);
	before = pool_nr_free(&pool);
	EXPECT_EQ(pool_free_page(&pool, (unsigned char *)p + 8), -EINVAL);
	EXPECT_EQ(pool_free_page(&pool, mem - PG), -EINVAL);
	EXPECT_EQ(pool_free_page(&pool, mem + NR * PG), -EINVAL);
	EXPECT_EQ(pool_free_page(&pool, NULL), -EINVAL);
	/* In range but never handed out. */
	EXPECT_EQ(pool_free_page(&pool, mem + 5 * PG), -EINVAL);
	EXPECT_EQ(pool_nr_free(&pool), before);
	/* Nothing was put on the free list: next alloc is from the bump. */
	EXPECT(pool_alloc_page(&pool) == mem + PG);
	EXPECT_EQ(pool_free_page(&pool, p), 0);
	free(mem);
}

/* Reserved pages: only pool_alloc_reserved() gets them, and gives them back. */
TEST(reservation_is_kept_apart)
{
	void *r1, *r2, *p;
	int n = 0;

	setup(8);
	EXPECT_EQ(pool_reserve(&pool, 9), -ENOMEM);
	EXPECT_EQ(pool_reserve(&pool, 3), 0);
	EXPECT_EQ(pool_nr_free(&pool), 5);
	EXPECT_EQ(pool_nr_reserved(&pool), 3);
	while (pool_alloc_page(&pool))
		n++;
	EXPECT_EQ(n, 5);
	EXPECT_EQ(pool_reserve(&pool, 1), -ENOMEM);
	r1 = pool_alloc_reserved(&pool);
	r2 = pool_alloc_reserved(&pool);
	EXPECT(r1 && r2 && page_is_zero(r1) && in_pool(r2));
	EXPECT_EQ(pool_nr_reserved(&pool), 1);
	EXPECT_EQ(pool_free_reserved(&pool, r1), 0);
	EXPECT_EQ(pool_nr_reserved(&pool), 2);
	EXPECT_EQ(pool_nr_free(&pool), 0);
	EXPECT(pool_alloc_page(&pool) == NULL);
	EXPECT_EQ(pool_unreserve(&pool, 3), -EINVAL);
	EXPECT_EQ(pool_unreserve(&pool, 2), 0);
	p = pool_alloc_page(&pool);
	EXPECT(p != NULL);
	EXPECT(pool_alloc_reserved(&pool) == NULL);
	free(mem);
}

TEST(empty_pool)
{
	setup(0);
	EXPECT_EQ(pool_nr_free(&pool), 0);
	EXPECT(pool_alloc_page(&pool) == NULL);
	EXPECT_EQ(pool_free_page(&pool, mem), -EINVAL);
	free(mem);
}

int main(void)
{
	TAP_START();
	RUN(init_counts_all_pages_free);
	RUN(exhaust_then_null);
	RUN(free_and_reuse_zeroed);
	RUN(mixed_bump_and_free_list);
	RUN(bad_free_rejected);
	RUN(empty_pool);
	RUN(reservation_is_kept_apart);
	return TAP_END("test_page_pool");
}
