// SPDX-License-Identifier: GPL-2.0-only
/*
 * Small-object heap over pages from a caller-provided source.
 *
 * Each page serves one size class. Its header records the class, how many
 * objects are live, a bitmap of the live ones and two ways to find a free
 * object: a LIFO list of freed objects, linked through the page offset
 * stored in each freed object's first two bytes, and a bump offset of the
 * first object never handed out, so a new page needs only its header
 * written. Offsets rather than pointers keep the header at 64 bytes.
 *
 * The bitmap has one bit per 16-byte granule of the page (those of the
 * header stay clear), set for the first granule of each live object. One
 * layout thus serves every class, an object's bit is its page offset
 * shifted, and heap_free() needs nothing else to tell a live object's
 * start from any other offset.
 *
 * Pages with a free object sit on their class's doubly linked list; full
 * pages are on no list. A free moves its page to the head of the list, so
 * the next allocation of that class gets the freed object back.
 */
#include <pkvmkit/heap.h>

#define HEAP_GRANULE		16
#define HEAP_GRANULE_SHIFT	4
#define HEAP_PAYLOAD		HEAP_MAX_ALLOC
#define HEAP_NR_GRANULES	(PKVMKIT_PAGE_SIZE / HEAP_GRANULE)
#define HEAP_BITMAP_WORDS	((HEAP_NR_GRANULES + 63) / 64)
#define HEAP_MAGIC		0x6865617070616765ULL	/* "heappage" */

/* A freed object's link to the next one; may_alias: it overlays user data. */
typedef u16 __attribute__((may_alias)) heap_link_t;

struct heap_page {
	struct heap_page *next, *prev;	/* on the class's partial list */
	u32 magic;		/* heap_page_magic(): this page of this heap */
	u8 class;
	u8 pad;
	u16 nr_used;		/* live objects */
	u16 free;		/* offset of the last freed object, 0 if none */
	u16 fresh;		/* offset of the first object never handed out */
	/* The class's object size and objects per page, kept at hand. */
	u16 size;
	u16 capacity;
	u64 used[HEAP_BITMAP_WORDS];	/* live objects, by first granule */
};

_Static_assert(sizeof(struct heap_page) <= HEAP_PAGE_HDR_SIZE,
	       "heap page header does not fit HEAP_PAGE_HDR_SIZE");
_Static_assert(HEAP_PAGE_HDR_SIZE % HEAP_GRANULE == 0,
	       "objects must stay 16-byte aligned");

struct heap_class_info {
	u16 size;
	u16 capacity;		/* objects per page */
};

#define HEAP_CLASS(sz)	{ .size = (sz), .capacity = HEAP_PAYLOAD / (sz) }

/*
 * Powers of two up to 1024, then the largest 16-byte multiples that fit
 * two and one objects per page (heap_alloc() knows this layout).
 */
static const struct heap_class_info heap_classes[HEAP_NR_CLASSES] = {
	HEAP_CLASS(16), HEAP_CLASS(32), HEAP_CLASS(64), HEAP_CLASS(128),
	HEAP_CLASS(256), HEAP_CLASS(512), HEAP_CLASS(1024),
	HEAP_CLASS((HEAP_PAYLOAD / 2) & ~(HEAP_GRANULE - 1)),
	HEAP_CLASS(HEAP_PAYLOAD),
};

_Static_assert(HEAP_PAYLOAD % HEAP_GRANULE == 0,
	       "the last class must be a whole number of granules");

/*
 * Ties a header to its page and heap, so that a page of another heap, a
 * stale header left in memory, or random data is not taken for one.
 */
static u32 heap_page_magic(const struct heap *h, const struct heap_page *pg)
{
	return (u32)((unsigned long)pg >> PKVMKIT_PAGE_SHIFT) ^ h->key;
}

static void heap_list_push(struct heap_page **head, struct heap_page *pg)
{
	pg->prev = NULL;
	pg->next = *head;
	if (*head)
		(*head)->prev = pg;
	*head = pg;
}

static void heap_list_del(struct heap_page **head, struct heap_page *pg)
{
	if (pg->prev)
		pg->prev->next = pg->next;
	else
		*head = pg->next;
	if (pg->next)
		pg->next->prev = pg->prev;
}

static inline void heap_zero(void *p, size_t size)
{
	u64 *w = p, *end = (u64 *)((u8 *)p + size);

	/*
	 * @size is a non-zero multiple of 16: its 16 and 32 bits first, then
	 * 64 bytes a turn. The empty asm hides @w from the optimiser, so it
	 * cannot turn the loop into a memset() call (at EL2 a byte loop).
	 */
	if (size & 16) {
		w[0] = 0;
		w[1] = 0;
		w += 2;
	}
	if (size & 32) {
		w[0] = 0;
		w[1] = 0;
		w[2] = 0;
		w[3] = 0;
		w += 4;
	}
	while (w != end) {
		w[0] = 0;
		w[1] = 0;
		w[2] = 0;
		w[3] = 0;
		w[4] = 0;
		w[5] = 0;
		w[6] = 0;
		w[7] = 0;
		w += 8;
		__asm__ ("" : "+r" (w));
	}
}

void heap_init(struct heap *h, const struct heap_source *src)
{
	unsigned int c;
	u64 key;

	h->src.get_page = src->get_page;
	h->src.put_page = src->put_page;
	h->src.arg = src->arg;
	for (c = 0; c < HEAP_NR_CLASSES; c++) {
		h->partial[c] = NULL;
		h->spare[c] = NULL;
	}
	h->nr_pages = 0;
	h->full_bytes = 0;
	h->lo = ~0UL;
	h->hi = 0;
	/* Folded once here so that heap_free() only has to XOR it. */
	key = HEAP_MAGIC ^ (unsigned long)h;
	h->key = (u32)(key ^ (key >> 32));
}

/* A new empty page of class @c on the class's list, or NULL. */
static struct heap_page *heap_grow(struct heap *h, unsigned int c)
{
	struct heap_page *pg = h->src.get_page(h->src.arg);
	unsigned long addr = (unsigned long)pg;
	unsigned int i;

	if (!pg)
		return NULL;
	pg->magic = heap_page_magic(h, pg);
	pg->class = c;
	pg->pad = 0;
	pg->nr_used = 0;
	pg->free = 0;
	pg->fresh = HEAP_PAGE_HDR_SIZE;
	pg->size = heap_classes[c].size;
	pg->capacity = heap_classes[c].capacity;
	for (i = 0; i < HEAP_BITMAP_WORDS; i++)
		pg->used[i] = 0;
	heap_list_push(&h->partial[c], pg);
	h->nr_pages++;
	if (addr < h->lo)
		h->lo = addr;
	if (addr + PKVMKIT_PAGE_SIZE > h->hi)
		h->hi = addr + PKVMKIT_PAGE_SIZE;
	return pg;
}

/* @pg is empty and on no list: give it back to the source. */
static void heap_shrink(struct heap *h, struct heap_page *pg)
{
	/* A stale pointer into the page must not find a valid header. */
	pg->magic = ~heap_page_magic(h, pg);
	h->nr_pages--;
	h->src.put_page(h->src.arg, pg);
}

static void heap_mark(struct heap_page *pg, u32 off)
{
	u32 g = off >> HEAP_GRANULE_SHIFT;

	pg->used[g / 64] |= 1ULL << (g % 64);
}

static void heap_unmark(struct heap_page *pg, u32 off)
{
	u32 g = off >> HEAP_GRANULE_SHIFT;

	pg->used[g / 64] &= ~(1ULL << (g % 64));
}

static bool heap_is_marked(const struct heap_page *pg, u32 off)
{
	u32 g = off >> HEAP_GRANULE_SHIFT;

	return pg->used[g / 64] & (1ULL << (g % 64));
}

/* Hand out a zeroed free object of @pg, of class @c. */
static inline void *heap_take(struct heap *h, struct heap_page *pg,
			      unsigned int c)
{
	u16 off = pg->free;
	u32 used;
	void *obj;

	if (off) {
		pg->free = *(heap_link_t *)((u8 *)pg + off);
	} else {
		off = pg->fresh;
		pg->fresh += pg->size;
	}
	heap_mark(pg, off);
	used = pg->nr_used + 1;		/* no u16 wrap: used <= capacity */
	pg->nr_used = used;
	if (used == pg->capacity) {
		heap_list_del(&h->partial[c], pg);
		h->full_bytes += (u64)used * pg->size;
	}

	obj = (u8 *)pg + off;
	heap_zero(obj, pg->size);
	return obj;
}

/*
 * Alloc and free are each split in two. The fast half does the common
 * case, always inlined and with no call in it, or declines, having
 * changed nothing; the slow half, out of line, does everything (and
 * starts with no assumption, so a caller may drop its lock in between).
 * heap_alloc() and heap_free() chain the two; hyp/heap.c, which builds
 * this file into its own unit, calls the fast halves under its lock and
 * so stays a leaf function in its common path.
 */

/* The class of @size, 1 to 1024: 16 << c, the power of two at least @size. */
static inline unsigned int heap_small_class(size_t size)
{
	return 60 - __builtin_clzll((size - 1) | (HEAP_GRANULE - 1));
}

/*
 * An object of 1 to 1024 bytes from a page of its class that has a free
 * one, or NULL, with nothing changed: heap_alloc() then says why or grows.
 */
static __attribute__((always_inline)) inline void *
heap_alloc_fast(struct heap *h, size_t size)
{
	struct heap_page *pg;
	unsigned int c;

	/* One compare for the common sizes (0 wraps around). */
	if (size - 1 >= 1024)
		return NULL;
	c = heap_small_class(size);
	pg = h->partial[c];
	if (!pg)
		return NULL;
	return heap_take(h, pg, c);
}

static __attribute__((noinline)) void *
heap_alloc_slow(struct heap *h, size_t size, int *err)
{
	struct heap_page *pg;
	unsigned int c;

	if (!size || size > HEAP_MAX_ALLOC) {
		*err = size ? -E2BIG : -EINVAL;
		return NULL;
	}
	if (size - 1 < 1024)
		c = heap_small_class(size);
	else
		c = size <= heap_classes[7].size ? 7 : 8;
	pg = h->partial[c];
	if (!pg)
		pg = heap_grow(h, c);
	if (!pg) {
		*err = -ENOMEM;
		return NULL;
	}
	*err = 0;
	return heap_take(h, pg, c);
}

/*
 * The header of the heap page @p is an object of, or NULL if @p is not an
 * object this heap handed out and has not freed since.
 */
static __attribute__((always_inline)) inline struct heap_page *
heap_page_of(const struct heap *h, const void *p, u32 *offp)
{
	unsigned long addr = (unsigned long)p;
	struct heap_page *pg;
	u32 off;

	/* Outside every page the heap ever held: do not even read it. */
	if (addr < h->lo || addr >= h->hi)
		return NULL;
	pg = (struct heap_page *)(addr & ~(PKVMKIT_PAGE_SIZE - 1));
	if (pg->magic != heap_page_magic(h, pg) || pg->class >= HEAP_NR_CLASSES)
		return NULL;
	off = addr & (PKVMKIT_PAGE_SIZE - 1);
	/*
	 * Only the first granule of a live object has its bit set, so this
	 * also rejects offsets in the header, inside an object or past the
	 * page's last one, objects never handed out, and double frees.
	 */
	if (off % HEAP_GRANULE || !heap_is_marked(pg, off))
		return NULL;
	*offp = off;
	return pg;
}

/*
 * Whether freeing an object of @pg gives the page back to the source:
 * it is the page's last one and its class already keeps another empty
 * page.
 */
static inline bool heap_free_shrinks(const struct heap *h,
				     const struct heap_page *pg)
{
	const struct heap_page *spare = h->spare[pg->class];

	return pg->nr_used == 1 && spare != pg && spare && !spare->nr_used;
}

/* Mark the object at @off of @pg free: whether @pg was full before. */
static inline bool heap_put_object(struct heap *h, struct heap_page *pg,
				   u32 off)
{
	u16 used = pg->nr_used, prev = pg->free;
	bool was_full = used == pg->capacity;	/* then on no list */

	/* Header fields first: the link below may alias nothing else. */
	heap_unmark(pg, off);
	pg->nr_used = used - 1;
	pg->free = off;
	if (was_full)
		h->full_bytes -= (u64)used * pg->size;
	*(heap_link_t *)((u8 *)pg + off) = prev;
	return was_full;
}

/* Free the object at @off of @pg, a page the heap keeps. */
static inline void heap_free_kept(struct heap *h, struct heap_page *pg,
				  u32 off)
{
	unsigned int c = pg->class;

	if (heap_put_object(h, pg, off)) {
		heap_list_push(&h->partial[c], pg);
	} else if (h->partial[c] != pg) {
		/* The next allocation of this class gets the object back. */
		heap_list_del(&h->partial[c], pg);
		heap_list_push(&h->partial[c], pg);
	}
	if (!pg->nr_used)
		h->spare[c] = pg;
}

/*
 * Free @p if it is a live object whose page stays: 0. Otherwise 1, with
 * nothing changed: heap_free() then rejects it or gives the page back.
 */
static __attribute__((always_inline)) inline int
heap_free_fast(struct heap *h, void *p)
{
	struct heap_page *pg;
	u32 off;

	pg = heap_page_of(h, p, &off);
	if (!pg || heap_free_shrinks(h, pg))
		return 1;
	heap_free_kept(h, pg, off);
	return 0;
}

static __attribute__((noinline)) int heap_free_slow(struct heap *h, void *p)
{
	struct heap_page *pg;
	u32 off;

	if (!p)
		return 0;
	pg = heap_page_of(h, p, &off);
	if (!pg)
		return -EINVAL;
	if (!heap_free_shrinks(h, pg)) {
		heap_free_kept(h, pg, off);
		return 0;
	}
	if (!heap_put_object(h, pg, off))
		heap_list_del(&h->partial[pg->class], pg);
	heap_shrink(h, pg);
	return 0;
}

void *heap_alloc(struct heap *h, size_t size, int *err)
{
	void *p = heap_alloc_fast(h, size);

	if (p) {
		*err = 0;
		return p;
	}
	return heap_alloc_slow(h, size, err);
}

int heap_free(struct heap *h, void *p)
{
	if (!heap_free_fast(h, p))
		return 0;
	return heap_free_slow(h, p);
}

/*
 * Counted, not kept: the fast paths then touch no counter. Full pages
 * are on no list, so they are summed as they fill and empty; the pages
 * with a free object are walked.
 */
u64 heap_bytes_in_use(const struct heap *h)
{
	const struct heap_page *pg;
	u64 bytes = h->full_bytes;
	unsigned int c;

	for (c = 0; c < HEAP_NR_CLASSES; c++)
		for (pg = h->partial[c]; pg; pg = pg->next)
			bytes += (u64)pg->nr_used * pg->size;
	return bytes;
}
