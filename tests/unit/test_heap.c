// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests for lib/heap.c.
 *
 * The heap's pages come from a fake source: one aligned_alloc'd arena
 * handed out page by page up to a limit the test sets, counting gets and
 * puts. Handed-out pages are filled with junk (get_page's contents are
 * undefined) and returned ones scribbled over, so the heap can rely on
 * neither. The whole arena is readable, which heap_free() needs for the
 * pointers between its pages (see heap.h).
 */
#include <string.h>
#include "tap.h"
#include <pkvmkit/heap.h>

#define PG		4096
#define ARENA_PAGES	160

static const size_t class_sizes[HEAP_NR_CLASSES] = {
	16, 32, 64, 128, 256, 512, 1024, 2016, 4032,
};

struct fake_src {
	unsigned char *mem;
	bool out[ARENA_PAGES];
	u64 nr_out;
	u64 limit;		/* get_page fails while nr_out == limit */
	u64 gets, puts;		/* successful calls */
	u64 failed_gets;
	u64 bad_puts;		/* puts of pages not handed out */
	/* Leave returned pages as they are, bar the first word (page_pool). */
	bool keep_contents;
};

static struct fake_src fs;
static struct heap heap;

static void *fake_get(void *arg)
{
	struct fake_src *f = arg;
	int i;

	if (f->nr_out >= f->limit) {
		f->failed_gets++;
		return NULL;
	}
	for (i = 0; i < ARENA_PAGES; i++) {
		if (!f->out[i]) {
			f->out[i] = true;
			f->nr_out++;
			f->gets++;
			memset(f->mem + (size_t)i * PG, 0xa5, PG);
			return f->mem + (size_t)i * PG;
		}
	}
	f->failed_gets++;
	return NULL;
}

static void fake_put(void *arg, void *page)
{
	struct fake_src *f = arg;
	unsigned char *c = page;
	size_t i;

	if (c < f->mem || c >= f->mem + (size_t)ARENA_PAGES * PG ||
	    (c - f->mem) % PG) {
		f->bad_puts++;
		return;
	}
	i = (c - f->mem) / PG;
	if (!f->out[i]) {
		f->bad_puts++;
		return;
	}
	f->out[i] = false;
	f->nr_out--;
	f->puts++;
	if (f->keep_contents)
		memset(page, 0x5a, sizeof(u64));
	else
		memset(page, 0x5a, PG);
}

static const struct heap_source fake_source = {
	.get_page = fake_get,
	.put_page = fake_put,
	.arg = &fs,
};

static void setup(u64 limit)
{
	memset(&fs, 0, sizeof(fs));
	fs.mem = aligned_alloc(PG, (size_t)ARENA_PAGES * PG);
	if (!fs.mem)
		abort();
	memset(fs.mem, 0x3c, (size_t)ARENA_PAGES * PG);
	fs.limit = limit;
	heap_init(&heap, &fake_source);
}

static void teardown(void)
{
	EXPECT_EQ(fs.bad_puts, 0);
	free(fs.mem);
	fs.mem = NULL;
}

static size_t class_size(size_t size)
{
	int c;

	for (c = 0; c < HEAP_NR_CLASSES; c++)
		if (size <= class_sizes[c])
			return class_sizes[c];
	return 0;
}

static size_t capacity(size_t csize)
{
	return (PG - HEAP_PAGE_HDR_SIZE) / csize;
}

static bool in_arena(const void *p)
{
	const unsigned char *c = p;

	return c >= fs.mem && c < fs.mem + (size_t)ARENA_PAGES * PG;
}

static size_t granule_of(const void *p)
{
	return ((const unsigned char *)p - fs.mem) / 16;
}

static size_t page_of(const void *p)
{
	return ((const unsigned char *)p - fs.mem) / PG;
}

static bool is_zero(const void *p, size_t n)
{
	const unsigned char *c = p;
	size_t i;

	for (i = 0; i < n; i++)
		if (c[i])
			return false;
	return true;
}

static unsigned long page_off(const void *p)
{
	return (unsigned long)p & (PG - 1);
}

static void *alloc_ok(size_t size)
{
	int err = 12345;
	void *p = heap_alloc(&heap, size, &err);

	if (!EXPECT(p != NULL) || !EXPECT_EQ(err, 0))
		return NULL;
	return p;
}

TEST(init_is_empty)
{
	setup(ARENA_PAGES);
	EXPECT_EQ(heap_nr_pages(&heap), 0);
	EXPECT_EQ(heap_bytes_in_use(&heap), 0);
	EXPECT_EQ(fs.gets + fs.failed_gets, 0);
	EXPECT_EQ(HEAP_MAX_ALLOC, 4032);
	teardown();
}

/* Every class and both sides of every class boundary. */
TEST(every_class_and_boundary_size)
{
	static const size_t sizes[] = {
		1, 8, 15, 16, 17, 31, 32, 33, 48, 63, 64, 65, 127, 128, 129,
		255, 256, 257, 511, 512, 513, 1000, 1023, 1024, 1025, 2015,
		2016, 2017, 2048, 2049, 3000, 4031, 4032,
	};
	unsigned int i;
	void *p;

	setup(ARENA_PAGES);
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		size_t sz = sizes[i], cs = class_size(sz);

		p = alloc_ok(sz);
		if (!p)
			return;
		EXPECT(in_arena(p));
		EXPECT_EQ((unsigned long)p % 16, 0);
		/* After the page header, and the whole class size fits. */
		EXPECT(page_off(p) >= HEAP_PAGE_HDR_SIZE);
		EXPECT(page_off(p) + cs <= PG);
		if (!EXPECT(is_zero(p, sz)))
			FAIL("size %zu not zeroed", sz);
		EXPECT_EQ(heap_bytes_in_use(&heap), cs);
		memset(p, 0xee, sz);
		EXPECT_EQ(heap_free(&heap, p), 0);
		EXPECT_EQ(heap_bytes_in_use(&heap), 0);
	}
	teardown();
}

/* A class's page holds exactly its capacity of distinct aligned objects. */
TEST(class_capacity_per_page)
{
	static void *objs[256];
	int c;
	size_t i, j;

	for (c = 0; c < HEAP_NR_CLASSES; c++) {
		size_t cs = class_sizes[c], cap = capacity(cs);
		unsigned char *page;

		setup(ARENA_PAGES);
		for (i = 0; i < cap; i++) {
			objs[i] = alloc_ok(cs);
			if (!objs[i])
				return;
			EXPECT_EQ(heap_nr_pages(&heap), 1);
			EXPECT_EQ((unsigned long)objs[i] % 16, 0);
			memset(objs[i], (int)i, cs);
		}
		page = (unsigned char *)((unsigned long)objs[0] & ~(PG - 1UL));
		for (i = 0; i < cap; i++) {
			unsigned char *o = objs[i];

			EXPECT(o >= page + HEAP_PAGE_HDR_SIZE && o + cs <= page + PG);
			/* No object was overwritten by a later allocation. */
			for (j = 0; j < cs; j++)
				if (o[j] != (unsigned char)i) {
					FAIL("class %zu obj %zu byte %zu", cs, i, j);
					break;
				}
		}
		EXPECT_EQ(heap_bytes_in_use(&heap), cap * cs);
		/* One more needs a second page. */
		objs[cap] = alloc_ok(cs);
		EXPECT_EQ(heap_nr_pages(&heap), 2);
		EXPECT_EQ(fs.gets, 2);
		for (i = 0; i <= cap; i++)
			EXPECT_EQ(heap_free(&heap, objs[i]), 0);
		EXPECT_EQ(heap_bytes_in_use(&heap), 0);
		teardown();
	}
}

TEST(freed_memory_is_zeroed_when_reused)
{
	int c;

	setup(ARENA_PAGES);
	for (c = 0; c < HEAP_NR_CLASSES; c++) {
		size_t cs = class_sizes[c];
		void *keep = alloc_ok(cs);	/* keeps the page alive */
		void *p = alloc_ok(cs), *q;

		if (!p)
			return;
		memset(p, 0xff, cs);
		EXPECT_EQ(heap_free(&heap, p), 0);
		q = alloc_ok(cs);
		EXPECT(q == p);
		EXPECT(is_zero(q, cs));
		/* Also when the page was the spare, wholly free. */
		memset(q, 0x77, cs);
		EXPECT_EQ(heap_free(&heap, q), 0);
		memset(keep, 0x77, cs);
		EXPECT_EQ(heap_free(&heap, keep), 0);
		q = alloc_ok(cs);
		/* With one object per page, keep's page went back instead. */
		EXPECT(q == (capacity(cs) > 1 ? keep : p));
		EXPECT(is_zero(q, cs));
		EXPECT_EQ(heap_free(&heap, q), 0);
	}
	teardown();
}

TEST(freed_object_is_next_allocation)
{
	static void *objs2[126];
	void *a, *b, *c, *objs[64];
	int i;

	setup(ARENA_PAGES);
	a = alloc_ok(64);
	b = alloc_ok(64);
	c = alloc_ok(64);
	EXPECT(a != b && b != c && a != c);
	EXPECT_EQ(heap_free(&heap, b), 0);
	EXPECT(alloc_ok(64) == b);
	/* LIFO: the last one freed comes back first. */
	EXPECT_EQ(heap_free(&heap, a), 0);
	EXPECT_EQ(heap_free(&heap, c), 0);
	EXPECT(alloc_ok(50) == c);
	EXPECT(alloc_ok(33) == a);
	/* Sizes of one class share the objects. */
	EXPECT_EQ(heap_free(&heap, b), 0);
	EXPECT(alloc_ok(40) == b);
	EXPECT_EQ(heap_free(&heap, a), 0);
	EXPECT_EQ(heap_free(&heap, b), 0);
	EXPECT_EQ(heap_free(&heap, c), 0);

	/* Across pages: a free in a page that is not the list head. */
	for (i = 0; i < 64; i++)
		objs[i] = alloc_ok(64);	/* 63 per page: two pages */
	EXPECT_EQ(heap_nr_pages(&heap), 2);
	EXPECT_EQ(heap_free(&heap, objs[63]), 0);	/* page 2 */
	EXPECT_EQ(heap_free(&heap, objs[5]), 0);	/* page 1, was full */
	EXPECT(alloc_ok(64) == objs[5]);
	EXPECT_EQ(heap_free(&heap, objs[7]), 0);	/* page 1 */
	EXPECT_EQ(heap_free(&heap, objs[62]), 0);	/* page 1 */
	EXPECT(alloc_ok(64) == objs[62]);
	EXPECT(alloc_ok(64) == objs[7]);
	for (i = 0; i < 63; i++)
		EXPECT_EQ(heap_free(&heap, objs[i]), 0);
	EXPECT_EQ(heap_bytes_in_use(&heap), 0);
	teardown();

	/* Two partial pages: a free in the one behind moves it to the front. */
	setup(ARENA_PAGES);
	for (i = 0; i < 126; i++)
		objs2[i] = alloc_ok(64);	/* two full pages */
	EXPECT_EQ(heap_nr_pages(&heap), 2);
	EXPECT_EQ(heap_free(&heap, objs2[0]), 0);	/* page 1 */
	EXPECT_EQ(heap_free(&heap, objs2[70]), 0);	/* page 2, now first */
	EXPECT_EQ(heap_free(&heap, objs2[1]), 0);	/* page 1 again */
	EXPECT(alloc_ok(64) == objs2[1]);
	EXPECT(alloc_ok(64) == objs2[0]);
	EXPECT(alloc_ok(64) == objs2[70]);
	for (i = 0; i < 126; i++)
		EXPECT_EQ(heap_free(&heap, objs2[i]), 0);
	teardown();
}

TEST(exhaustion_reports_enomem_and_changes_nothing)
{
	struct heap before;
	void *objs[63], *p;
	int err, i;

	/* Nothing at all in the source. */
	setup(0);
	err = 0;
	EXPECT(heap_alloc(&heap, 64, &err) == NULL);
	EXPECT_EQ(err, -ENOMEM);
	EXPECT_EQ(heap_nr_pages(&heap), 0);
	EXPECT_EQ(heap_bytes_in_use(&heap), 0);
	EXPECT_EQ(fs.failed_gets, 1);
	fs.limit = 1;
	p = alloc_ok(64);
	EXPECT(p && in_arena(p));
	EXPECT_EQ(heap_free(&heap, p), 0);
	teardown();

	/* A full page and an empty source. */
	setup(1);
	for (i = 0; i < 63; i++)
		objs[i] = alloc_ok(64);
	memcpy(&before, &heap, sizeof(before));
	err = 0;
	EXPECT(heap_alloc(&heap, 64, &err) == NULL);
	EXPECT_EQ(err, -ENOMEM);
	EXPECT(!memcmp(&before, &heap, sizeof(before)));
	/* Another class needs a page of its own too. */
	err = 0;
	EXPECT(heap_alloc(&heap, HEAP_MAX_ALLOC, &err) == NULL);
	EXPECT_EQ(err, -ENOMEM);
	EXPECT(!memcmp(&before, &heap, sizeof(before)));
	/* A free makes room without a page from the source. */
	EXPECT_EQ(heap_free(&heap, objs[10]), 0);
	EXPECT(alloc_ok(64) == objs[10]);
	/* The host donates: the same allocations now succeed. */
	fs.limit = 3;
	p = alloc_ok(64);
	EXPECT(p && in_arena(p));
	EXPECT(alloc_ok(HEAP_MAX_ALLOC) != NULL);
	EXPECT_EQ(heap_nr_pages(&heap), 3);
	EXPECT_EQ(heap_bytes_in_use(&heap), 64 * 64 + HEAP_MAX_ALLOC);
	teardown();
}

TEST(bad_sizes)
{
	int err;

	setup(ARENA_PAGES);
	err = 0;
	EXPECT(heap_alloc(&heap, 0, &err) == NULL);
	EXPECT_EQ(err, -EINVAL);
	err = 0;
	EXPECT(heap_alloc(&heap, HEAP_MAX_ALLOC + 1, &err) == NULL);
	EXPECT_EQ(err, -E2BIG);
	err = 0;
	EXPECT(heap_alloc(&heap, PG, &err) == NULL);
	EXPECT_EQ(err, -E2BIG);
	err = 0;
	EXPECT(heap_alloc(&heap, (size_t)-1, &err) == NULL);
	EXPECT_EQ(err, -E2BIG);
	err = 0;
	EXPECT(heap_alloc(&heap, (size_t)1 << 63, &err) == NULL);
	EXPECT_EQ(err, -E2BIG);
	/* None of it touched the source or the counts. */
	EXPECT_EQ(fs.gets + fs.failed_gets, 0);
	EXPECT_EQ(heap_nr_pages(&heap), 0);
	EXPECT_EQ(heap_bytes_in_use(&heap), 0);
	teardown();
}

/* A rejected free leaves the heap, its pages and the source as they were. */
static unsigned char *arena_copy;
static struct heap heap_copy;
static struct fake_src fs_copy;

static void snapshot(void)
{
	memcpy(arena_copy, fs.mem, (size_t)ARENA_PAGES * PG);
	memcpy(&heap_copy, &heap, sizeof(heap));
	memcpy(&fs_copy, &fs, sizeof(fs));
}

static bool unchanged(void)
{
	return !memcmp(arena_copy, fs.mem, (size_t)ARENA_PAGES * PG) &&
	       !memcmp(&heap_copy, &heap, sizeof(heap)) &&
	       !memcmp(&fs_copy, &fs, sizeof(fs));
}

#define EXPECT_REJECTED(ptr) do {					\
	snapshot();							\
	EXPECT_EQ(heap_free(&heap, (ptr)), -EINVAL);			\
	if (!EXPECT(unchanged()))					\
		FAIL("heap_free(%s) changed state", #ptr);		\
} while (0)

TEST(bad_frees_rejected)
{
	unsigned char *p, *q, *big, *page, *p512, *other;
	void *stale;
	unsigned char local[64];
	void *objs[31 + 31];
	struct heap heap2;
	int err, i;

	arena_copy = malloc((size_t)ARENA_PAGES * PG);
	if (!arena_copy)
		abort();
	setup(ARENA_PAGES);
	EXPECT_EQ(heap_free(&heap, NULL), 0);
	/* Nothing handed out yet: every pointer is outside. */
	EXPECT_REJECTED(fs.mem + HEAP_PAGE_HDR_SIZE);

	p = alloc_ok(64);
	q = alloc_ok(64);
	big = alloc_ok(HEAP_MAX_ALLOC);
	p512 = alloc_ok(512);
	page = (unsigned char *)((unsigned long)p & ~(PG - 1UL));
	memset(p, 0x11, 64);

	/* Outside every heap page. */
	EXPECT_REJECTED(local);
	EXPECT_REJECTED(fs.mem + (size_t)ARENA_PAGES * PG - 64);
	EXPECT_REJECTED((void *)16);
	/* Inside a slab page but not an object start. */
	EXPECT_REJECTED(p + 1);
	EXPECT_REJECTED(p + 8);
	EXPECT_REJECTED(p + 16);
	EXPECT_REJECTED(p + 48);
	EXPECT_REJECTED(p - 1);
	EXPECT_REJECTED(page);
	EXPECT_REJECTED(page + 16);
	EXPECT_REJECTED(page + PG - 16);
	EXPECT_REJECTED(big + 16);
	/* 512: 7 objects fit; the 8th slot's offset is a multiple of 512. */
	EXPECT_REJECTED((unsigned char *)((unsigned long)p512 & ~(PG - 1UL)) +
			HEAP_PAGE_HDR_SIZE + 7 * 512);
	/* An object slot never handed out. */
	EXPECT_REJECTED(q + 64);
	/* A freed object, twice. */
	EXPECT_EQ(heap_free(&heap, q), 0);
	EXPECT_REJECTED(q);
	EXPECT_REJECTED(q);
	EXPECT_EQ(heap_free(&heap, big), 0);
	EXPECT_REJECTED(big);
	/* The free list was not corrupted: q comes back once, then fresh. */
	EXPECT(alloc_ok(64) == q);
	EXPECT(alloc_ok(64) == q + 64);

	/* A header whose magic (bytes 16..19, see heap.c) is wrong. */
	page[16] ^= 1;
	EXPECT_REJECTED(p);
	page[16] ^= 1;
	page[19] ^= 0x80;
	EXPECT_REJECTED(p);
	page[19] ^= 0x80;

	/* A page given back to the source, between two heap pages. */
	for (i = 0; i < 62; i++)
		objs[i] = alloc_ok(128);	/* 31 per page: two pages */
	other = alloc_ok(256);			/* a page after them */
	EXPECT(other != NULL);
	for (i = 0; i < 62; i++)
		EXPECT_EQ(heap_free(&heap, objs[i]), 0);
	EXPECT_EQ(fs.puts, 1);			/* one 128 page kept */
	EXPECT_REJECTED(objs[0]);
	EXPECT_REJECTED(objs[40]);
	/* Also when the source left the old header in place. */
	stale = objs[40];
	fs.keep_contents = true;
	for (i = 0; i < 62; i++)
		objs[i] = alloc_ok(128);	/* the kept page, then stale's */
	EXPECT(page_of(objs[61]) == page_of(stale));
	for (i = 0; i < 62; i++)
		EXPECT_EQ(heap_free(&heap, objs[i]), 0);
	EXPECT_EQ(fs.puts, 2);
	EXPECT_REJECTED(stale);
	EXPECT_REJECTED(objs[61]);
	/* Whoever gets the page next may write anything past the magic. */
	memset((unsigned char *)((unsigned long)stale & ~(PG - 1UL)) + 24,
	       0xff, PG - 24);
	EXPECT_REJECTED(stale);
	fs.keep_contents = false;

	/* A page of another heap inside this heap's range: the freed one. */
	heap_init(&heap2, &fake_source);
	objs[0] = heap_alloc(&heap2, 64, &err);
	EXPECT(objs[0] != NULL && err == 0);
	EXPECT(page_of(objs[0]) == page_of(stale));
	EXPECT_REJECTED(objs[0]);
	EXPECT_EQ(heap_free(&heap2, objs[0]), 0);
	EXPECT_REJECTED(objs[0]);

	/* Still all consistent. */
	EXPECT_EQ(heap_free(&heap, p), 0);
	EXPECT_EQ(heap_free(&heap, p512), 0);
	EXPECT_EQ(heap_free(&heap, other), 0);
	free(arena_copy);
	teardown();
}

/* Wholly free pages: one per class is kept, the others go back. */
TEST(empty_pages_go_back_to_the_source)
{
	void *objs[3 * 63], *a, *b;
	int i;

	setup(ARENA_PAGES);
	/* The only page of a class is kept when it empties. */
	a = alloc_ok(64);
	EXPECT_EQ(heap_free(&heap, a), 0);
	EXPECT_EQ(heap_nr_pages(&heap), 1);
	EXPECT_EQ(fs.puts, 0);
	EXPECT(alloc_ok(64) == a);		/* from the kept page */
	EXPECT_EQ(fs.gets, 1);
	EXPECT_EQ(heap_free(&heap, a), 0);

	/* Three pages of 64: all freed, two go back. */
	for (i = 0; i < 3 * 63; i++)
		objs[i] = alloc_ok(64);
	EXPECT_EQ(heap_nr_pages(&heap), 3);
	for (i = 0; i < 3 * 63; i++)
		EXPECT_EQ(heap_free(&heap, objs[i]), 0);
	EXPECT_EQ(heap_nr_pages(&heap), 1);
	EXPECT_EQ(fs.puts, 2);
	EXPECT_EQ(fs.nr_out, 1);
	/* Freed in the other order too. */
	for (i = 0; i < 3 * 63; i++)
		objs[i] = alloc_ok(64);
	EXPECT_EQ(heap_nr_pages(&heap), 3);
	for (i = 3 * 63 - 1; i >= 0; i--)
		EXPECT_EQ(heap_free(&heap, objs[i]), 0);
	EXPECT_EQ(heap_nr_pages(&heap), 1);

	/* One object per page: the second page to empty goes back. */
	a = alloc_ok(3000);
	b = alloc_ok(4000);
	EXPECT_EQ(heap_nr_pages(&heap), 3);
	EXPECT_EQ(heap_free(&heap, a), 0);
	EXPECT_EQ(heap_nr_pages(&heap), 3);
	EXPECT_EQ(heap_free(&heap, b), 0);
	EXPECT_EQ(heap_nr_pages(&heap), 2);
	EXPECT_EQ(fs.nr_out, 2);
	EXPECT_EQ(fs.bad_puts, 0);
	teardown();

	/* Memory flows between classes through the source. */
	setup(2);
	a = alloc_ok(HEAP_MAX_ALLOC);
	b = alloc_ok(HEAP_MAX_ALLOC);
	EXPECT(heap_alloc(&heap, 16, &i) == NULL && i == -ENOMEM);
	EXPECT_EQ(heap_free(&heap, a), 0);
	EXPECT_EQ(heap_free(&heap, b), 0);	/* a's page is kept */
	EXPECT_EQ(heap_nr_pages(&heap), 1);
	a = alloc_ok(16);
	EXPECT(a != NULL);
	EXPECT(alloc_ok(HEAP_MAX_ALLOC) != NULL);	/* the kept page */
	EXPECT_EQ(fs.gets, 3);
	EXPECT(heap_alloc(&heap, HEAP_MAX_ALLOC, &i) == NULL && i == -ENOMEM);
	teardown();
}

/* Randomised allocs and frees checked against a model. */
#define MAX_LIVE	600
#define NR_OPS		60000
#define ARENA_GRANULES	(ARENA_PAGES * PG / 16)

struct live_obj {
	unsigned char *p;
	size_t size, csize;
	unsigned char fill;
};

static struct live_obj live[MAX_LIVE];
static int nr_live;
static short owner[ARENA_GRANULES];	/* live index + 1, or 0 */
static int page_live[ARENA_PAGES];	/* live objects per page */
static size_t page_class[ARENA_PAGES];	/* class size of its last alloc */

static u64 rng_state = 0x9e3779b97f4a7c15ULL;
static u64 nr_allocs, nr_enomem, nr_bad_frees, max_pages;

static u64 rnd(void)
{
	/* xorshift64*: fixed seed, same run every time. */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

static size_t random_size(void)
{
	u64 r = rnd() % 100;

	if (r < 50)
		return 1 + rnd() % 128;
	if (r < 80)
		return 1 + rnd() % 1024;
	if (r < 90) {
		/* A class size or one more: both sides of a boundary. */
		size_t s = class_sizes[rnd() % HEAP_NR_CLASSES] + rnd() % 2;

		return s > HEAP_MAX_ALLOC ? HEAP_MAX_ALLOC : s;
	}
	return 1 + rnd() % HEAP_MAX_ALLOC;
}

static bool check_model(void)
{
	u64 bytes = 0, pages_live = 0;
	size_t empty_per_class[HEAP_NR_CLASSES] = { 0 };
	int i, c;

	for (i = 0; i < nr_live; i++)
		bytes += live[i].csize;
	if (!EXPECT_EQ(heap_bytes_in_use(&heap), bytes))
		return false;
	if (!EXPECT_EQ(heap_nr_pages(&heap), fs.nr_out))
		return false;
	for (i = 0; i < ARENA_PAGES; i++) {
		if (page_live[i]) {
			if (!EXPECT(fs.out[i]))
				return false;
			pages_live++;
		} else if (fs.out[i]) {
			for (c = 0; c < HEAP_NR_CLASSES; c++)
				if (page_class[i] == class_sizes[c])
					empty_per_class[c]++;
		}
	}
	/* At most one wholly free page per class is held. */
	for (c = 0; c < HEAP_NR_CLASSES; c++)
		if (!EXPECT(empty_per_class[c] <= 1))
			return false;
	return EXPECT(fs.nr_out <= pages_live + HEAP_NR_CLASSES);
}

static void model_alloc(void)
{
	size_t size = random_size(), cs = class_size(size), g, i;
	struct heap before;
	unsigned char *p;
	int err = 1;

	memcpy(&before, &heap, sizeof(before));
	p = heap_alloc(&heap, size, &err);
	if (!p) {
		nr_enomem++;
		EXPECT_EQ(err, -ENOMEM);
		EXPECT(fs.nr_out >= fs.limit);
		if (!EXPECT(!memcmp(&before, &heap, sizeof(before))))
			FAIL("failed alloc of %zu changed the heap", size);
		return;
	}
	if (!EXPECT_EQ(err, 0) || !EXPECT(in_arena(p)) ||
	    !EXPECT_EQ((unsigned long)p % 16, 0) ||
	    !EXPECT(page_off(p) >= HEAP_PAGE_HDR_SIZE) ||
	    !EXPECT(page_off(p) + cs <= PG) ||
	    !EXPECT(fs.out[page_of(p)]))
		return;
	if (!EXPECT(is_zero(p, size)))
		return;
	/* No overlap with any live object (each owns its class size). */
	for (g = granule_of(p); g < granule_of(p) + cs / 16; g++)
		if (!EXPECT_EQ(owner[g], 0)) {
			FAIL("object %p (%zu) overlaps a live one", p, size);
			return;
		}
	for (g = granule_of(p); g < granule_of(p) + cs / 16; g++)
		owner[g] = nr_live + 1;
	live[nr_live].p = p;
	live[nr_live].size = size;
	live[nr_live].csize = cs;
	live[nr_live].fill = (unsigned char)(rnd() | 1);
	for (i = 0; i < size; i++)
		p[i] = live[nr_live].fill;
	page_live[page_of(p)]++;
	page_class[page_of(p)] = cs;
	nr_live++;
	nr_allocs++;
	if (heap_nr_pages(&heap) > max_pages)
		max_pages = heap_nr_pages(&heap);
}

static void model_free(int idx)
{
	struct live_obj o = live[idx];
	size_t g, i;

	/* The heap did not write into the object while it was live. */
	for (i = 0; i < o.size; i++)
		if (o.p[i] != o.fill) {
			FAIL("object %p byte %zu changed", o.p, i);
			break;
		}
	EXPECT_EQ(heap_free(&heap, o.p), 0);
	for (g = granule_of(o.p); g < granule_of(o.p) + o.csize / 16; g++)
		owner[g] = 0;
	page_live[page_of(o.p)]--;
	nr_live--;
	if (idx != nr_live) {
		live[idx] = live[nr_live];
		for (g = granule_of(live[idx].p);
		     g < granule_of(live[idx].p) + live[idx].csize / 16; g++)
			owner[g] = idx + 1;
	}
}

/* Free something no live object starts at: must be rejected. */
static void model_bad_free(unsigned char *p)
{
	u64 pages = heap_nr_pages(&heap), bytes = heap_bytes_in_use(&heap);
	u64 puts = fs.puts;

	if (owner[granule_of(p)] && live[owner[granule_of(p)] - 1].p == p)
		return;		/* that is a live object now */
	nr_bad_frees++;
	EXPECT_EQ(heap_free(&heap, p), -EINVAL);
	EXPECT_EQ(heap_nr_pages(&heap), pages);
	EXPECT_EQ(heap_bytes_in_use(&heap), bytes);
	EXPECT_EQ(fs.puts, puts);
}

TEST(randomised_against_model)
{
	unsigned char *recent = NULL;
	int op, i;

	setup(ARENA_PAGES / 2);
	memset(owner, 0, sizeof(owner));
	memset(page_live, 0, sizeof(page_live));
	nr_live = 0;
	for (op = 0; op < NR_OPS && TAP_OK(); op++) {
		u64 r = rnd() % 100;

		/* Now and then the host donates or the pool runs dry. */
		if (r == 0) {
			fs.limit = fs.nr_out + rnd() % 8;
			continue;
		}
		if (r == 1) {
			fs.limit = ARENA_PAGES / 2 + rnd() % (ARENA_PAGES / 2);
			continue;
		}
		if (r < 4 && recent) {
			unsigned char *inside = recent + 16 * (1 + rnd() % 4);

			model_bad_free(recent);
			if (in_arena(inside))
				model_bad_free(inside);
			continue;
		}
		/* Drift between filling up and draining. */
		if (nr_live < MAX_LIVE &&
		    (!nr_live || rnd() % 100 < (((op / 5000) & 1) ? 35 : 60))) {
			model_alloc();
		} else {
			i = rnd() % nr_live;
			recent = live[i].p;
			model_free(i);
		}
		if (op % 64 == 0)
			check_model();
	}
	EXPECT(check_model());
	printf("# %llu allocs, %llu -ENOMEM, %llu bad frees, %llu pages at most, "
	       "%llu gets, %llu puts\n",
	       (unsigned long long)nr_allocs, (unsigned long long)nr_enomem,
	       (unsigned long long)nr_bad_frees, (unsigned long long)max_pages,
	       (unsigned long long)fs.gets, (unsigned long long)fs.puts);
	while (nr_live && TAP_OK())
		model_free(rnd() % nr_live);
	EXPECT(check_model());
	EXPECT_EQ(heap_bytes_in_use(&heap), 0);
	EXPECT(heap_nr_pages(&heap) <= HEAP_NR_CLASSES);
	teardown();
}

int main(void)
{
	TAP_START();
	RUN(init_is_empty);
	RUN(every_class_and_boundary_size);
	RUN(class_capacity_per_page);
	RUN(freed_memory_is_zeroed_when_reused);
	RUN(freed_object_is_next_allocation);
	RUN(exhaustion_reports_enomem_and_changes_nothing);
	RUN(bad_sizes);
	RUN(bad_frees_rejected);
	RUN(empty_pages_go_back_to_the_source);
	RUN(randomised_against_model);
	return TAP_END("test_heap");
}
