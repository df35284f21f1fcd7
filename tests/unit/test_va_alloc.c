// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests for lib/va_alloc.c, with a random test against a page bitmap. */
#include <string.h>
#include "tap.h"
#include <pkvmkit/va_alloc.h>

#define PG	4096ULL
#define BASE	(1ULL << 40)
#define PAGES	256
#define END	(BASE + PAGES * PG)

static struct va_alloc a;

/* sorted, disjoint, never adjacent, below the top, inside the window */
static bool holes_sane(void)
{
	u32 i;

	if (a.top < a.base || a.top > a.end)
		return false;
	for (i = 0; i < a.nr_holes; i++) {
		if (a.holes[i].start >= a.holes[i].end || a.holes[i].start < a.base ||
		    a.holes[i].end >= a.top)
			return false;
		if (i && a.holes[i - 1].end >= a.holes[i].start)
			return false;
	}
	return true;
}

/* Take a span where find says, as the hypervisor does. */
static u64 alloc(u64 pages)
{
	u64 va = va_alloc_find(&a, pages * PG);

	if (va && va_alloc_take(&a, va, pages * PG))
		return 0;
	return va;
}

TEST(bump_and_give_back_top)
{
	u64 x, y;

	va_alloc_init(&a, BASE, END);
	x = alloc(2);
	y = alloc(3);
	EXPECT_EQ(x, BASE);
	EXPECT_EQ(y, BASE + 2 * PG);
	EXPECT_EQ(a.top, BASE + 5 * PG);
	/* the latest first: the top comes down, no hole */
	EXPECT_EQ(va_alloc_give(&a, y, 3 * PG), 0);
	EXPECT_EQ(a.top, BASE + 2 * PG);
	EXPECT_EQ(a.nr_holes, 0U);
	EXPECT_EQ(va_alloc_give(&a, x, 2 * PG), 0);
	EXPECT_EQ(a.top, BASE);
	EXPECT_EQ(va_alloc_free_bytes(&a), PAGES * PG);
}

TEST(holes_reused_and_merged)
{
	u64 x, y, z, w;

	va_alloc_init(&a, BASE, END);
	x = alloc(1);
	y = alloc(2);
	z = alloc(1);
	w = alloc(1);
	EXPECT_EQ(va_alloc_give(&a, y, 2 * PG), 0);	/* a hole */
	EXPECT_EQ(a.nr_holes, 1U);
	EXPECT_EQ(alloc(1), y);				/* first fit */
	EXPECT_EQ(a.holes[0].start, y + PG);
	EXPECT_EQ(va_alloc_give(&a, y, PG), 0);		/* merges after */
	EXPECT_EQ(a.nr_holes, 1U);
	EXPECT_EQ(a.holes[0].start, y);
	EXPECT_EQ(va_alloc_give(&a, x, PG), 0);		/* merges before */
	EXPECT_EQ(a.nr_holes, 1U);
	EXPECT_EQ(a.holes[0].start, x);
	EXPECT_EQ(va_alloc_give(&a, z, PG), 0);		/* joins two */
	EXPECT_EQ(a.nr_holes, 1U);
	EXPECT_EQ(a.holes[0].end, w);
	EXPECT_EQ(va_alloc_give(&a, w, PG), 0);		/* the top, and the hole below */
	EXPECT_EQ(a.nr_holes, 0U);
	EXPECT_EQ(a.top, BASE);
	EXPECT(holes_sane());
}

TEST(bad_calls_change_nothing)
{
	struct va_alloc before;
	u64 x, y;

	va_alloc_init(&a, BASE, END);
	x = alloc(4);
	y = alloc(1);
	EXPECT_EQ(va_alloc_give(&a, x + PG, PG), 0);
	memcpy(&before, &a, sizeof(a));
	EXPECT_EQ(va_alloc_give(&a, x + PG, PG), -EINVAL);	/* twice */
	EXPECT_EQ(va_alloc_give(&a, y + PG, PG), -EINVAL);	/* above the top */
	EXPECT_EQ(va_alloc_give(&a, x, 2 * PG), -EINVAL);	/* overlaps the hole */
	EXPECT_EQ(va_alloc_give(&a, x + 1, PG), -EINVAL);	/* unaligned */
	EXPECT_EQ(va_alloc_give(&a, BASE - PG, PG), -EINVAL);	/* outside */
	EXPECT_EQ(va_alloc_take(&a, y, PG), -EINVAL);		/* taken */
	EXPECT_EQ(va_alloc_take(&a, a.top + PG, PG), -EINVAL);	/* a gap */
	EXPECT_EQ(va_alloc_take(&a, x + PG, 2 * PG), -EINVAL);	/* beyond the hole */
	EXPECT_EQ(va_alloc_find(&a, 0), 0ULL);
	EXPECT_EQ(va_alloc_find(&a, PG + 1), 0ULL);
	EXPECT_EQ(va_alloc_find(&a, (PAGES + 1) * PG), 0ULL);
	EXPECT(!memcmp(&before, &a, sizeof(a)));
}

TEST(full_table_loses_only_that_va)
{
	u64 va[2 * VA_ALLOC_MAX_HOLES + 2];
	u32 i;

	va_alloc_init(&a, BASE, END);
	for (i = 0; i < 2 * VA_ALLOC_MAX_HOLES + 2; i++)
		va[i] = alloc(1);
	/* every other one back: one hole each, until the table is full */
	for (i = 0; i < VA_ALLOC_MAX_HOLES; i++)
		EXPECT_EQ(va_alloc_give(&a, va[2 * i], PG), 0);
	EXPECT_EQ(a.nr_holes, (u32)VA_ALLOC_MAX_HOLES);
	EXPECT_EQ(va_alloc_give(&a, va[2 * VA_ALLOC_MAX_HOLES], PG), -ENOSPC);
	/* a merge needs no entry, and the top never does */
	EXPECT_EQ(va_alloc_give(&a, va[1], PG), 0);
	EXPECT_EQ(va_alloc_give(&a, va[2 * VA_ALLOC_MAX_HOLES + 1], PG), 0);
	EXPECT(holes_sane());
}

/* ---- random, against a page bitmap -------------------------------------- */

static u64 rnd(u64 *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ULL;
}

struct live {
	u64 va, pages;
};

TEST(random_against_model)
{
	static bool used[PAGES];
	static struct live live[PAGES];
	u64 seed = 0x9e3779b97f4a7c15ULL, lost = 0;
	u32 nr_live = 0, step, i;

	va_alloc_init(&a, BASE, END);
	memset(used, 0, sizeof(used));
	for (step = 0; step < 200000; step++) {
		u64 r = rnd(&seed), pages = 1 + r % 6, va, p, free = 0;

		if (nr_live && (r >> 8) % 2) {
			i = (r >> 16) % nr_live;
			int ret = va_alloc_give(&a, live[i].va, live[i].pages * PG);

			if (ret == -ENOSPC)
				lost += live[i].pages;
			else if (!EXPECT_EQ(ret, 0))
				return;
			if (!ret)
				for (p = 0; p < live[i].pages; p++)
					used[(live[i].va - BASE) / PG + p] = false;
			live[i] = live[--nr_live];
		} else {
			va = alloc(pages);
			if (va) {
				for (p = 0; p < pages; p++) {
					if (!EXPECT(!used[(va - BASE) / PG + p]))
						return;
					used[(va - BASE) / PG + p] = true;
				}
				live[nr_live++] = (struct live){ va, pages };
			}
		}
		for (p = 0; p < PAGES; p++)
			free += !used[p];
		if (!EXPECT(holes_sane()) ||
		    !EXPECT_EQ(va_alloc_free_bytes(&a), (free - lost) * PG))
			return;
		if (!nr_live && !lost && !EXPECT_EQ(a.top, BASE))
			return;
	}
}

int main(void)
{
	TAP_START();
	RUN(bump_and_give_back_top);
	RUN(holes_reused_and_merged);
	RUN(bad_calls_change_nothing);
	RUN(full_table_loses_only_that_va);
	RUN(random_against_model);
	return TAP_END("test_va_alloc");
}
