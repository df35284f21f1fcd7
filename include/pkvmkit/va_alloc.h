/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A virtual-address allocator for one window: spans are handed out from
 * spans given back earlier (first fit), else from the top of what was
 * ever handed out. A span given back merges with its free neighbours, and
 * one that reaches the top lowers it, so undoing the latest allocations
 * leaves the window as it was. Free spans live in a fixed table; giving
 * back a span that would need one more entry than it has loses that VA
 * (-ENOSPC: address space only, never memory). Not locked: callers
 * serialise. Sizes and addresses in bytes, page aligned.
 *
 * Find and take are separate so that a caller can do what may fail (map
 * the span) between them and take the VA only once that worked.
 */
#ifndef PKVMKIT_VA_ALLOC_H
#define PKVMKIT_VA_ALLOC_H

#include <pkvmkit/types.h>

#define VA_ALLOC_MAX_HOLES	32

struct va_span {
	u64 start, end;		/* [start, end) */
};

struct va_alloc {
	u64 base, end;		/* the window */
	u64 top;		/* everything in [top, end) is free */
	struct va_span holes[VA_ALLOC_MAX_HOLES];	/* free, below top */
	u32 nr_holes;		/* sorted, disjoint, never adjacent */
};

void va_alloc_init(struct va_alloc *a, u64 base, u64 end);

/* Where a span of @size would go, or 0 if it does not fit (or is bad). */
u64 va_alloc_find(const struct va_alloc *a, u64 size);

/* Take [@va, @va + @size), which must be free: 0, or -EINVAL. */
int va_alloc_take(struct va_alloc *a, u64 va, u64 size);

/* Give back a span taken earlier: 0, -EINVAL (not taken), -ENOSPC (lost). */
int va_alloc_give(struct va_alloc *a, u64 va, u64 size);

/* Bytes free below the top and above it. */
u64 va_alloc_free_bytes(const struct va_alloc *a);

#endif /* PKVMKIT_VA_ALLOC_H */
