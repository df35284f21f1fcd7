/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Small-object heap for EL2 code: the allocator behind the vendor-module
 * ops hyp_alloc() and hyp_free().
 *
 * Memory comes one page at a time from a source the caller provides (at
 * EL2, the hypervisor's page pool, which the host refills by donating
 * pages). Each page serves one size class and starts with a
 * HEAP_PAGE_HDR_SIZE-byte header; objects follow it. The classes are
 *
 *	16, 32, 64, 128, 256, 512, 1024, 2016, 4032 (= HEAP_MAX_ALLOC)
 *
 * bytes: powers of two up to 1024, then the sizes that fit exactly two and
 * one objects after the header (a 2048-byte class would only fit one per
 * page, the same as the last class). Every object is 16-byte aligned.
 *
 * Alloc and free are O(1): each class keeps a list of its pages that have
 * a free object, and each page a LIFO list of its freed objects, so the
 * object freed last is the next one handed out. A page whose objects are
 * all freed is kept if it is its class's only empty page, else it goes
 * back to the source at once; memory thus flows between classes and back
 * to the hypervisor.
 *
 * heap_free() rejects, without changing anything, pointers it did not hand
 * out and double frees: it checks the page header (a magic derived from
 * the page and heap addresses) and a per-page bitmap of live objects. This
 * catches bugs in trusted EL2 code; it is not a security boundary (a write
 * to an object after it was freed, for one, goes unnoticed). It reads
 * the header of the page @p points into when @p lies between the lowest
 * and highest page the heap ever got from its source, so that whole range
 * must be mapped where heap_free() runs (true for one contiguous pool).
 * Pointers outside the range are rejected without being dereferenced.
 *
 * Not locked: callers serialise, as for page_pool.
 */
#ifndef PKVMKIT_HEAP_H
#define PKVMKIT_HEAP_H

#include <pkvmkit/types.h>

#if defined(__KERNEL__) && !defined(_SIZE_T)
/*
 * <linux/types.h> defines size_t under this guard; the stand-in headers
 * of "make kernel-check" do not, so provide it the same way.
 */
#define _SIZE_T
typedef __SIZE_TYPE__ size_t;
#endif

/* Bytes at the start of each heap page that hold its header. */
#define HEAP_PAGE_HDR_SIZE	64
/* The largest allocation: what one page holds after its header (4032). */
#define HEAP_MAX_ALLOC		(PKVMKIT_PAGE_SIZE - HEAP_PAGE_HDR_SIZE)
#define HEAP_NR_CLASSES		9

/*
 * Where the heap gets its pages. get_page() returns a page-aligned
 * PKVMKIT_PAGE_SIZE-byte page (contents undefined) or NULL when none is
 * left; put_page() takes back a page get_page() returned.
 */
struct heap_source {
	void *(*get_page)(void *arg);
	void (*put_page)(void *arg, void *page);
	void *arg;
};

struct heap_page;

struct heap {
	struct heap_source src;
	/* Per class: its pages with a free object, most recently used first. */
	struct heap_page *partial[HEAP_NR_CLASSES];
	/*
	 * Per class: the page that last became wholly free and was kept. It
	 * may have been used again since; it is never given back while it
	 * is the spare, so the pointer stays valid.
	 */
	struct heap_page *spare[HEAP_NR_CLASSES];
	u64 nr_pages;		/* pages currently held from the source */
	u64 full_bytes;		/* heap_bytes_in_use() of the full pages */
	/* Lowest and one past the highest page ever held: bounds heap_free(). */
	unsigned long lo, hi;
	u32 key;		/* page header magic, less the page number */
};

/* An empty heap that will take its pages from @src (copied). */
void heap_init(struct heap *h, const struct heap_source *src);

/*
 * An object of at least @size bytes, 16-byte aligned and zeroed (all of
 * it, up to its class size), with *@err = 0. On failure NULL
 * and *@err = -EINVAL (@size is 0), -E2BIG (@size > HEAP_MAX_ALLOC) or
 * -ENOMEM (a new page was needed and the source had none; nothing
 * changed, so the same call succeeds once the source has pages again).
 */
void *heap_alloc(struct heap *h, size_t size, int *err);

/*
 * Free what heap_alloc() returned; NULL is a no-op returning 0. -EINVAL,
 * with nothing changed, for a pointer this heap did not hand out or one
 * already freed.
 */
int heap_free(struct heap *h, void *p);

/* Pages currently held from the source. */
static inline u64 heap_nr_pages(const struct heap *h)
{
	return h->nr_pages;
}

/* Bytes taken by live objects, each counted at its class size. */
u64 heap_bytes_in_use(const struct heap *h);

#endif /* PKVMKIT_HEAP_H */
