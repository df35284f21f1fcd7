// SPDX-License-Identifier: GPL-2.0-only
/* Virtual-address spans in one window (see include/pkvmkit/va_alloc.h). */
#include <pkvmkit/va_alloc.h>

void va_alloc_init(struct va_alloc *a, u64 base, u64 end)
{
	a->base = base;
	a->end = end;
	a->top = base;
	a->nr_holes = 0;
}

static bool span_ok(const struct va_alloc *a, u64 va, u64 size)
{
	return size && !((va | size) & (PKVMKIT_PAGE_SIZE - 1)) &&
	       va >= a->base && va < a->end && size <= a->end - va;
}

u64 va_alloc_find(const struct va_alloc *a, u64 size)
{
	u32 i;

	if (!size || size & (PKVMKIT_PAGE_SIZE - 1))
		return 0;
	for (i = 0; i < a->nr_holes; i++)
		if (a->holes[i].end - a->holes[i].start >= size)
			return a->holes[i].start;
	return size <= a->end - a->top ? a->top : 0;
}

static void remove_hole(struct va_alloc *a, u32 i)
{
	for (; i + 1 < a->nr_holes; i++)
		a->holes[i] = a->holes[i + 1];
	a->nr_holes--;
}

int va_alloc_take(struct va_alloc *a, u64 va, u64 size)
{
	struct va_span *h;
	u32 i;

	if (!span_ok(a, va, size))
		return -EINVAL;
	if (va >= a->top) {
		if (va != a->top)
			return -EINVAL;	/* would leave a gap no table records */
		a->top += size;
		return 0;
	}
	for (i = 0; i < a->nr_holes; i++) {
		h = &a->holes[i];
		if (va < h->start || va >= h->end)
			continue;
		if (size > h->end - va)
			return -EINVAL;
		if (va == h->start) {
			h->start += size;
			if (h->start == h->end)
				remove_hole(a, i);
			return 0;
		}
		if (va + size == h->end) {
			h->end = va;
			return 0;
		}
		return -EINVAL;		/* from the middle: never asked for */
	}
	return -EINVAL;
}

/* Lower the top while the highest hole touches it. */
static void lower_top(struct va_alloc *a)
{
	if (a->nr_holes && a->holes[a->nr_holes - 1].end == a->top) {
		a->top = a->holes[a->nr_holes - 1].start;
		a->nr_holes--;
	}
}

/* Taken: below the top and in no hole. */
static bool span_taken(const struct va_alloc *a, u64 va, u64 size)
{
	u32 i;

	if (!span_ok(a, va, size) || va + size > a->top)
		return false;
	for (i = 0; i < a->nr_holes; i++)
		if (va < a->holes[i].end && a->holes[i].start < va + size)
			return false;
	return true;
}

int va_alloc_give(struct va_alloc *a, u64 va, u64 size)
{
	u64 end = va + size;
	u32 i, j;

	if (!span_taken(a, va, size))
		return -EINVAL;
	if (end == a->top) {
		a->top = va;
		lower_top(a);
		return 0;
	}
	for (i = 0; i < a->nr_holes && a->holes[i].end < va; i++)
		;
	if (i < a->nr_holes && a->holes[i].end == va) {
		a->holes[i].end = end;
		if (i + 1 < a->nr_holes && a->holes[i + 1].start == end) {
			a->holes[i].end = a->holes[i + 1].end;
			remove_hole(a, i + 1);
		}
		return 0;
	}
	if (i < a->nr_holes && a->holes[i].start == end) {
		a->holes[i].start = va;
		return 0;
	}
	if (a->nr_holes == VA_ALLOC_MAX_HOLES)
		return -ENOSPC;
	for (j = a->nr_holes++; j > i; j--)
		a->holes[j] = a->holes[j - 1];
	a->holes[i] = (struct va_span){ va, end };
	return 0;
}

u64 va_alloc_free_bytes(const struct va_alloc *a)
{
	u64 n = a->end - a->top;
	u32 i;

	for (i = 0; i < a->nr_holes; i++)
		n += a->holes[i].end - a->holes[i].start;
	return n;
}
