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
 * The bitmap has one bit per 16-byte granule of the object area, set
 * for the first granule of each live object. One layout thus serves every
 * class, an object's bit is found without a division, and heap_free()
 * needs nothing else to tell a live object's start from any other offset.
 *
 * Pages with a free object sit on their class's doubly linked list; full
 * pages are on no list. A free moves its page to the head of the list, so
 * the next allocation of that class gets the freed object back.
 */
#include <pkvmkit/heap.h>

#define HEAP_GRANULE		16
#define HEAP_GRANULE_SHIFT	4
#define HEAP_PAYLOAD		HEAP_MAX_ALLOC
#define HEAP_NR_GRANULES	(HEAP_PAYLOAD / HEAP_GRANULE)
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

static void heap_zero(void *p, size_t size)
{
	u64 *w = p, *end = (u64 *)((u8 *)p + size);

	/*
	 * @size is a non-zero multiple of 16. The empty asm hides @w from the
	 * optimiser, so it cannot turn the loop into a memset() call (at EL2
	 * a byte loop) yet still stores both words with one stp.
	 */
	do {
		w[0] = 0;
		w[1] = 0;
		w += 2;
		__asm__ ("" : "+r" (w));
	} while (w != end);
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
	h->bytes_in_use = 0;
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
	u32 g = (off - HEAP_PAGE_HDR_SIZE) >> HEAP_GRANULE_SHIFT;

	pg->used[g / 64] |= 1ULL << (g % 64);
}

static void heap_unmark(struct heap_page *pg, u32 off)
{
	u32 g = (off - HEAP_PAGE_HDR_SIZE) >> HEAP_GRANULE_SHIFT;

	pg->used[g / 64] &= ~(1ULL << (g % 64));
}

static bool heap_is_marked(const struct heap_page *pg, u32 off)
{
	u32 g = (off - HEAP_PAGE_HDR_SIZE) >> HEAP_GRANULE_SHIFT;

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
	if (used == pg->capacity)
		heap_list_del(&h->partial[c], pg);
	h->bytes_in_use += pg->size;

	obj = (u8 *)pg + off;
	heap_zero(obj, pg->size);
	return obj;
}

/*
 * The class has no page with a free object: get one. Out of line so that
 * the common path of heap_alloc() stays a leaf function.
 */
static __attribute__((noinline)) void *
heap_alloc_grow(struct heap *h, unsigned int c, int *err)
{
	struct heap_page *pg = heap_grow(h, c);

	if (!pg) {
		*err = -ENOMEM;
		return NULL;
	}
	*err = 0;
	return heap_take(h, pg, c);
}

void *heap_alloc(struct heap *h, size_t size, int *err)
{
	struct heap_page *pg;
	unsigned int c;

	/* One compare for the common sizes, 1 to 1024 (0 wraps around). */
	if (size - 1 < 1024) {
		/* Class c < 7 is 16 << c: the power of two at least @size. */
		c = 60 - __builtin_clzll((size - 1) | (HEAP_GRANULE - 1));
	} else if (!size) {
		*err = -EINVAL;
		return NULL;
	} else if (size > HEAP_MAX_ALLOC) {
		*err = -E2BIG;
		return NULL;
	} else {
		c = size <= heap_classes[7].size ? 7 : 8;
	}
	pg = h->partial[c];
	if (!pg)
		return heap_alloc_grow(h, c, err);
	*err = 0;
	return heap_take(h, pg, c);
}

/*
 * The header of the heap page @p is an object of, or NULL if @p is not an
 * object this heap handed out and has not freed since.
 */
static struct heap_page *heap_page_of(const struct heap *h, const void *p,
				      u32 *offp)
{
	unsigned long addr = (unsigned long)p;
	struct heap_page *pg;
	u32 off, rel;

	/* Outside every page the heap ever held: do not even read it. */
	if (addr < h->lo || addr >= h->hi)
		return NULL;
	pg = (struct heap_page *)(addr & ~(PKVMKIT_PAGE_SIZE - 1));
	if (pg->magic != heap_page_magic(h, pg) || pg->class >= HEAP_NR_CLASSES)
		return NULL;
	off = addr & (PKVMKIT_PAGE_SIZE - 1);
	/* A granule of the object area (off < HDR_SIZE wraps around). */
	rel = off - HEAP_PAGE_HDR_SIZE;
	if (rel >= HEAP_PAYLOAD || rel % HEAP_GRANULE)
		return NULL;
	/*
	 * Only the first granule of a live object has its bit set, so this
	 * also rejects offsets inside an object or past the page's last
	 * one, objects never handed out, and double frees.
	 */
	if (!heap_is_marked(pg, off))
		return NULL;
	*offp = off;
	return pg;
}

int heap_free(struct heap *h, void *p)
{
	struct heap_page *pg, *spare;
	unsigned int c;
	bool was_full;
	u32 off, used;

	if (!p)
		return 0;
	pg = heap_page_of(h, p, &off);
	if (!pg)
		return -EINVAL;
	c = pg->class;

	heap_unmark(pg, off);
	*(heap_link_t *)p = pg->free;
	pg->free = off;
	h->bytes_in_use -= pg->size;
	used = pg->nr_used;
	was_full = used == pg->capacity;	/* then on no list */
	pg->nr_used = --used;

	if (!used) {
		spare = h->spare[c];
		if (spare != pg && spare && !spare->nr_used) {
			/* The class already has its one empty page. */
			if (!was_full)
				heap_list_del(&h->partial[c], pg);
			heap_shrink(h, pg);
			return 0;
		}
		h->spare[c] = pg;
	}
	if (was_full) {
		heap_list_push(&h->partial[c], pg);
	} else if (h->partial[c] != pg) {
		/* The next allocation of this class gets @p back. */
		heap_list_del(&h->partial[c], pg);
		heap_list_push(&h->partial[c], pg);
	}
	return 0;
}
