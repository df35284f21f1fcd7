// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer entry point for lib/ownership.c: the input picks a fake RAM
 * layout (several regions, edges off the 2 MiB and 1 GiB lines), a pool
 * size and one or two guests (each a stage-2 with its own input range on
 * a pool of its own size), then drives a sequence of ownership
 * transitions, module restrictions of host pages (own_host_set_prot),
 * host stage-2 builds, stage-2 faults and guest transitions
 * (own_guest_transition, with pages and frames of every kind: in and off
 * RAM, taken, beyond the guest's range, values that wrap when shifted).
 * After every step it checks:
 *
 *  - the per-state counters match the pages and add up to the RAM pages,
 *    and the per-unit counters of pages not RWX for the host match them;
 *  - the hypervisor's linear map and the host stage-2 agree with every
 *    page's state and restriction (the table in
 *    include/pkvmkit/ownership.h), and so does own_host_prot(); they map
 *    nothing but RAM (and, in the stage-2, device space outside RAM),
 *    identity only;
 *  - every table page is either in a table or free in the pool, and the
 *    stage-2 reservation is what the states need;
 *  - a call that failed changed nothing (states, counters, leaves, pool),
 *    and a restriction failed exactly when the header says it must;
 *  - no transition succeeds on a restricted page;
 *  - a transition undone by its inverse gives the pages back their states,
 *    and (FUZZ_CHECK_POOL_SYMMETRY) the pool its free pages; a restriction
 *    undone by its lift also gives back the stage-2's leaves and tables;
 *  - the guests' side: every page in a guest state is mapped by exactly
 *    one guest leaf, 4 KiB RWX, in the stage-2 of the guest and at the
 *    frame the fuzzer's model has for it; besides, a guest's stage-2
 *    holds the OWN_GUEST_S2_LOST marks of its model (one where a reclaim
 *    took a page, until a donation or share there maps over it), which
 *    its look-ups do not see, and nothing else; the host stage-2 gives
 *    the page what the state table says (nothing, RWX, RW) and holds an
 *    annotation exactly for each guest-owned page, which
 *    own_guest_page_owner() reads back as that guest and frame;
 *    own_host_access() agrees; each guest's pool has every page that is
 *    not one of its tables;
 *  - a guest call returns what ownership.h says (-EINVAL, -EPERM,
 *    -EEXIST from the model; -ENOMEM only where a guest table or a host
 *    stage-2 slot may be missing); on success only its page changed, to
 *    the op's state, the guest used no more tables than it said it had
 *    free, and no other guest changed; on failure nothing changed (host
 *    leaves and annotations, every guest's entries, both pools);
 *  - the scrub callback runs once for a page a guest returns or the host
 *    reclaims, after the guest lost it (for a reclaim: its frame holds
 *    the LOST mark) and before the host stage-2 gives it more than it
 *    had, and never otherwise (no host op touches a guest either);
 *  - a guest transition undone by its inverse at the same frame (a
 *    donation over a LOST mark: by a reclaim, which puts it back) gives
 *    back the states, the host stage-2's leaves and annotations and the
 *    guest's leaves and marks, and (FUZZ_CHECK_POOL_SYMMETRY) both pools'
 *    free pages and every table count; a share over a mark has no exact
 *    inverse (an unshare leaves the frame empty), so the guest's side of
 *    its undo is checked against the model only.
 *
 * Any violation prints what and where to stderr and aborts, so libFuzzer
 * keeps the input as a reproducer. Built by "make -C tests/unit fuzz".
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "fake_mm.h"
#include <pkvmkit/ownership.h>

/*
 * A transition followed by its inverse must return the pool's free-page
 * count to what it was: otherwise a host that donates and reclaims in a
 * loop slowly drains the hypervisor's pool. Known to fail while splitting
 * a host stage-2 block on donate is not undone on reclaim; build with
 * -DFUZZ_CHECK_POOL_SYMMETRY=0 to fuzz everything else meanwhile.
 */
#ifndef FUZZ_CHECK_POOL_SYMMETRY
#define FUZZ_CHECK_POOL_SYMMETRY	1
#endif

#define SZ_4K		0x1000ULL
#define SZ_1M		0x100000ULL
#define SZ_2M		0x200000ULL
#define SZ_1G		0x40000000ULL
#define IA_BITS		40
#define MAX_OPS		200
#define OP_BYTES	6

/* ---- fake RAM layouts ---- */

struct layout {
	const struct own_ram_region *ram;
	u32 nr;
};

/*
 * Four regions, unsorted, none starting or ending on a 2 MiB line: one
 * crosses a line, one holds a whole 2 MiB block, one is a single page;
 * holes of one or two pages between them. Small, so every step can check
 * every page.
 */
static const struct own_ram_region ram_edges[] = {
	{ SZ_1G + 2 * SZ_2M - 2 * SZ_4K, SZ_2M + 5 * SZ_4K },
	{ SZ_1G + 3 * SZ_4K, SZ_2M + 2 * SZ_4K },
	{ SZ_1G + 3 * SZ_2M + 5 * SZ_4K, SZ_4K },
	{ SZ_1G + SZ_2M + 7 * SZ_4K, SZ_2M - 10 * SZ_4K },
};

/* One region of two whole 2 MiB blocks: block mappings everywhere. */
static const struct own_ram_region ram_blocks[] = {
	{ SZ_1G, 2 * SZ_2M },
};

/* Two regions either side of the 2 GiB line, a one-page hole between. */
static const struct own_ram_region ram_1g_line[] = {
	{ 2 * SZ_1G + SZ_4K, SZ_1M },
	{ 2 * SZ_1G - SZ_1M, SZ_1M },
};

static const struct layout layouts[] = {
	{ ram_edges, 4 },
	{ ram_blocks, 1 },
	{ ram_1g_line, 2 },
};

/* ---- the environment: pool, tables, ownership ---- */

/*
 * A guest: its stage-2 on a pool of its own (a VM's tables come from
 * memory its host gave it), sized by the input so that it runs dry.
 */
#define MAX_GUESTS	2

/*
 * A reclaim leaves one LOST mark and only a donation or share at its frame
 * takes it (an undo by reclaim puts back the mark its donation took): at
 * most one mark per op of the input.
 */
#define MAX_LOST	MAX_OPS

struct fuzz_guest {
	void *pool_mem;
	struct page_pool pool;
	struct pgt s2;
	struct pgt_mm_ops ops;
	struct own_guest g;	/* free_tables is filled in at each call */
	bool understate;	/* tell the library one free table fewer */
	/* the model: frames whose entry is OWN_GUEST_S2_LOST, unordered */
	u64 lost[MAX_LOST];
	u32 nr_lost;
};

/* Where the fuzzer believes a page sits in a guest: none is guest -1. */
struct guest_place {
	s32 guest;
	u64 gfn;
};

struct fuzz_env {
	void *pool_mem;
	struct page_pool pool;
	struct pgt hyp_s1, host_s2;
	struct ownership o;
	struct hyp_page *pages;
	const struct layout *lay;
	u64 first_pfn;		/* of the span, as own_init() will find it */
	u64 ram_pages;
	u8 *s1_prot, *s2_prot;	/* per pfn of the span, for check_tables() */
	u8 *ram;		/* per pfn of the span: 1 if RAM */
	struct fuzz_guest guest[MAX_GUESTS];
	u32 nr_guests;
	struct guest_place *at;	/* per pfn of the span: the model of the guests */
	u8 *gmapped;		/* per pfn of the span: guest leaves mapping it */
	u64 *gfns;		/* scratch: a guest's frames, for its tables */
};

static struct fuzz_env env;
static int cur_op;		/* for messages */

/*
 * The checks walk every page and both tables after every op: without
 * coverage instrumentation, so that they neither dominate the run time nor
 * feed libFuzzer "new coverage" that is only the checker's.
 */
#define CHECKER		__attribute__((no_sanitize("coverage")))

/*
 * -DFUZZ_STATS (make FUZZ_STATS=1): count the calls of each op that
 * succeeded and failed (guest ops by op and error, and how many were
 * undone), and print them at exit, to see that the inputs reach the
 * interesting states (a fuzzer whose calls all fail checks little).
 */
#ifdef FUZZ_STATS
static unsigned long nr_ok[32], nr_err[32];
#define STAT(t, ret)	((ret) ? nr_err[t]++ : nr_ok[t]++)
#else
#define STAT(t, ret)	do { } while (0)
#endif

static void *env_zalloc(void *arg)
{
	return pool_alloc_page(arg);
}

static void env_free(void *arg, void *va)
{
	if (pool_free_page(arg, va))
		abort();
}

static const struct pgt_mm_ops env_ops = {
	.zalloc_page = env_zalloc,
	.free_page = env_free,
	.virt_to_phys = fake_v2p,
	.phys_to_virt = fake_p2v,
	.arg = &env.pool,
};

/* The host stage-2 lives on its reservation, as at EL2. */
static void *env_zalloc_reserved(void *arg)
{
	return pool_alloc_reserved(arg);
}

static void env_free_reserved(void *arg, void *va)
{
	if (pool_free_reserved(arg, va))
		abort();
}

static const struct pgt_mm_ops env_s2_ops = {
	.zalloc_page = env_zalloc_reserved,
	.free_page = env_free_reserved,
	.virt_to_phys = fake_v2p,
	.phys_to_virt = fake_p2v,
	.arg = &env.pool,
};

/* The lowest RAM pfn of a layout (regions are listed unsorted). */
static u64 layout_first_pfn(const struct layout *lay)
{
	u64 first = ~0ULL;
	u32 i;

	for (i = 0; i < lay->nr; i++)
		if (lay->ram[i].base / SZ_4K < first)
			first = lay->ram[i].base / SZ_4K;
	return first;
}

/*
 * The only place that sets up the fake memory and calls own_init(): the
 * ownership API is about to gain arguments, and this keeps that a
 * one-place edit. Returns 0, or what own_init() returned.
 */
static int env_up(const struct layout *lay, u64 pool_pages)
{
	struct fuzz_env *e = &env;
	u64 span = own_span_pfns(lay->ram, lay->nr);
	u64 meta = own_meta_size(lay->ram, lay->nr);
	u32 i;
	int ret;

	memset(e, 0, sizeof(*e));
	e->lay = lay;
	e->pool_mem = aligned_alloc(SZ_4K, pool_pages * SZ_4K);
	e->pages = calloc(1, meta ? meta : 1);
	e->s1_prot = calloc(span, 1);
	e->s2_prot = calloc(span, 1);
	e->ram = calloc(span, 1);
	e->at = malloc(span * sizeof(*e->at));
	e->gmapped = calloc(span, 1);
	e->gfns = malloc((span + MAX_LOST) * sizeof(*e->gfns));
	if (!span || !e->pool_mem || !e->pages || !e->s1_prot || !e->s2_prot ||
	    !e->ram || !e->at || !e->gmapped || !e->gfns)
		abort();
	for (i = 0; i < span; i++)
		e->at[i].guest = -1;
	e->first_pfn = layout_first_pfn(lay);
	for (i = 0; i < lay->nr; i++) {
		u64 first = lay->ram[i].base / SZ_4K;
		u64 n = lay->ram[i].size / SZ_4K;

		memset(e->ram + first - e->first_pfn, 1, n);
		e->ram_pages += n;
	}
	pool_init(&e->pool, e->pool_mem, pool_pages);
	if (pgt_init(&e->hyp_s1, PGT_STAGE1_EL2, IA_BITS, &env_ops))
		abort();	/* a pool of one page or more has a root */
	e->hyp_s1.flags = PGT_F_PAGES_ONLY;
	ret = own_init(&e->o, e->pages, meta, lay->ram, lay->nr, &e->hyp_s1,
		       &e->pool);
	if (!ret && (e->o.first_pfn != e->first_pfn || e->o.nr_pfns != span))
		abort();	/* the checks below would look at other pages */
	return ret;
}

static void fuzz_scrub(void *arg, u64 pfn);

/*
 * Guest sizes the input picks: a pool of only the root (every map runs
 * out), a few pages, or plenty; and input ranges with every start level.
 */
static const u64 guest_pool_pages[8] = { 1, 2, 3, 4, 6, 8, 16, 128 };
static const u32 guest_ia_bits[4] = { 32, 39, 40, 48 };

/*
 * Guest @i from its config byte: pool size (bits 0-2), input range (3-4),
 * whether it understates its free tables (5). Ids differ, and 0 and 0xffff
 * (all of the annotation's id bits) are among them.
 */
static void guest_up(u32 i, u8 cfg)
{
	struct fuzz_guest *fg = &env.guest[i];
	u64 pages = guest_pool_pages[cfg & 7];

	fg->pool_mem = aligned_alloc(SZ_4K, pages * SZ_4K);
	if (!fg->pool_mem)
		abort();
	pool_init(&fg->pool, fg->pool_mem, pages);
	fg->ops = env_ops;
	fg->ops.arg = &fg->pool;
	if (pgt_init(&fg->s2, PGT_STAGE2, guest_ia_bits[(cfg >> 3) & 3],
		     &fg->ops))
		abort();	/* a pool of one page or more has a root */
	fg->understate = cfg & 0x20;
	fg->g.s2 = &fg->s2;
	fg->g.id = i ? 0xffff : (cfg & 0x40 ? 0x8001 : 0);
	fg->g.scrub = fuzz_scrub;
	fg->g.arg = fg;
}

static void guests_up(u8 cfg0, u8 cfg1)
{
	env.nr_guests = cfg0 & 0x80 ? 2 : 1;
	guest_up(0, cfg0);
	if (env.nr_guests > 1)
		guest_up(1, cfg1);
}

/* Every guest table back in its pool: no leak through the transitions. */
static void guests_down(void)
{
	u32 i;

	for (i = 0; i < env.nr_guests; i++) {
		struct fuzz_guest *fg = &env.guest[i];

		pgt_destroy(&fg->s2);
		if (fg->pool.nr_free != fg->pool.nr_pages ||
		    pool_nr_reserved(&fg->pool)) {
			fprintf(stderr, "fuzz_ownership: guest %u pool leaked %llu pages\n",
				i, (unsigned long long)(fg->pool.nr_pages -
							fg->pool.nr_free));
			abort();
		}
		free(fg->pool_mem);
	}
}

static void env_down(void)
{
	struct fuzz_env *e = &env;

	guests_down();
	if (e->host_s2.root) {
		pgt_destroy(&e->host_s2);
		pool_unreserve(&e->pool, e->o.s2_slots);
	}
	pgt_destroy(&e->hyp_s1);
	if (e->pool.nr_free != e->pool.nr_pages || pool_nr_reserved(&e->pool)) {
		fprintf(stderr, "fuzz_ownership: pool leaked %llu pages, %llu reserved\n",
			(unsigned long long)(e->pool.nr_pages - e->pool.nr_free),
			(unsigned long long)pool_nr_reserved(&e->pool));
		abort();
	}
	free(e->pool_mem);
	free(e->pages);
	free(e->s1_prot);
	free(e->s2_prot);
	free(e->ram);
	free(e->at);
	free(e->gmapped);
	free(e->gfns);
}

static void fuzz_fail(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), noreturn));

static void fuzz_fail(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "fuzz_ownership: op %d: ", cur_op);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

/* ---- invariants ---- */

static CHECKER bool is_ram(u64 pfn)
{
	u64 i = pfn - env.first_pfn;

	return pfn >= env.first_pfn && i < env.o.nr_pfns && env.ram[i];
}

static const struct hyp_page *page_of(u64 pfn)
{
	return &env.o.pages[pfn - env.o.first_pfn];
}

static CHECKER bool is_guest_state(u32 state)
{
	return state == PAGE_GUEST_OWNED || state == PAGE_HOST_SHARED_GUEST ||
	       state == PAGE_GUEST_SHARED_HOST;
}

/* What each table must hold for a page, as ownership.h tabulates it. */
static CHECKER u32 want_s1(const struct hyp_page *p)
{
	/* no guest state is in the hypervisor's linear map */
	if (p->state == PAGE_HOST_OWNED || is_guest_state(p->state))
		return 0;
	if (p->state == PAGE_HOST_SHARED)
		return PGT_PROT_RW;
	return (p->boot || p->priv) ? 0 : PGT_PROT_RW;
}

/* A module's restriction, as own_host_set_prot() documents it. */
static CHECKER u32 restricted_prot(u32 host_prot)
{
	switch (host_prot) {
	case OWN_HOST_UNRESTRICTED:	return PGT_PROT_RWX;
	case OWN_HOST_PROT_NONE:	return 0;
	case OWN_HOST_PROT_R:		return PGT_PROT_R;
	case OWN_HOST_PROT_RW:		return PGT_PROT_RW;
	case OWN_HOST_PROT_RX:		return PGT_PROT_RX;
	default:
		fuzz_fail("host_prot %u is no restriction", host_prot);
	}
}

static CHECKER u32 want_s2(const struct hyp_page *p)
{
	if (p->host_prot && p->state != PAGE_HOST_OWNED)
		fuzz_fail("a page in state %d is restricted", p->state);
	switch (p->state) {
	case PAGE_HOST_OWNED:
		return restricted_prot(p->host_prot);
	case PAGE_HOST_SHARED:
	case PAGE_HOST_SHARED_GUEST:
		return PGT_PROT_RWX;
	case PAGE_HYP_SHARED:
		return PGT_PROT_R;
	case PAGE_GUEST_SHARED_HOST:
		return PGT_PROT_RW;
	default:		/* GUEST_OWNED: annotated, checked apart */
		return 0;
	}
}

static CHECKER void check_counts(void)
{
	u64 count[PAGE_STATE_COUNT] = { 0 }, sum = 0, pfn;
	const struct ownership *o = &env.o;
	int s;

	for (pfn = o->first_pfn; pfn < o->first_pfn + o->nr_pfns; pfn++)
		if (is_ram(pfn))
			count[page_of(pfn)->state]++;
	for (s = 0; s < PAGE_STATE_COUNT; s++) {
		if (count[s] != o->nr_in_state[s])
			fuzz_fail("nr_in_state[%d] = %llu, pages say %llu", s,
				  (unsigned long long)o->nr_in_state[s],
				  (unsigned long long)count[s]);
		sum += o->nr_in_state[s];
	}
	if (sum != env.ram_pages)
		fuzz_fail("states add up to %llu pages, RAM has %llu",
			  (unsigned long long)sum,
			  (unsigned long long)env.ram_pages);
}

/* One unit's counter of pages not RWX for the host, recounted. */
static CHECKER void check_unit(u64 unit, u32 shift, u64 counter)
{
	u64 lo = unit << shift, hi = (unit + 1) << shift, pfn, n = 0;
	u64 span_end = env.o.first_pfn + env.o.nr_pfns;

	/* pages off the span are not RAM: a 1 GiB unit is mostly those */
	if (lo < env.o.first_pfn)
		lo = env.o.first_pfn;
	if (hi > span_end)
		hi = span_end;
	for (pfn = lo; pfn < hi; pfn++)
		if (is_ram(pfn) && want_s2(page_of(pfn)) != PGT_PROT_RWX)
			n++;
	if (n != counter)
		fuzz_fail("unit %#llx (shift %u): counter %llu, %llu pages not RWX",
			  (unsigned long long)unit, shift,
			  (unsigned long long)counter, (unsigned long long)n);
}

static CHECKER void check_unit_counters(void)
{
	const struct ownership *o = &env.o;
	u64 last = o->first_pfn + o->nr_pfns - 1, u;

	for (u = o->first_pfn >> OWN_UNIT2M_SHIFT;
	     u <= last >> OWN_UNIT2M_SHIFT; u++)
		check_unit(u, OWN_UNIT2M_SHIFT,
			   o->not_rwx_in_2m[u - (o->first_pfn >> OWN_UNIT2M_SHIFT)]);
	for (u = o->first_pfn >> OWN_UNIT1G_SHIFT;
	     u <= last >> OWN_UNIT1G_SHIFT; u++)
		check_unit(u, OWN_UNIT1G_SHIFT,
			   o->not_rwx_in_1g[u - (o->first_pfn >> OWN_UNIT1G_SHIFT)]);
}

/* What own_host_prot() says of each page: its state and restriction. */
static CHECKER void check_host_prot(void)
{
	const struct ownership *o = &env.o;
	u64 pfn;

	for (pfn = o->first_pfn - 1; pfn <= o->first_pfn + o->nr_pfns; pfn++) {
		u32 prot = ~0U;
		bool restricted = false;
		int ret = own_host_prot(o, pfn, &prot, &restricted);

		if (!is_ram(pfn)) {
			if (ret != -EINVAL)
				fuzz_fail("own_host_prot(%#llx) = %d off RAM",
					  (unsigned long long)pfn, ret);
			continue;
		}
		if (ret || prot != want_s2(page_of(pfn)) ||
		    restricted != (page_of(pfn)->host_prot != 0))
			fuzz_fail("own_host_prot(%#llx) = %d, prot %#x restricted %d",
				  (unsigned long long)pfn, ret, prot, restricted);
	}
}

struct leaf_ctx {
	const char *name;
	u8 *prot;		/* per pfn of the span */
	bool outside_ok;	/* device mappings outside the span allowed */
};

/* Record a leaf's prot per page of the span; judge what lies outside. */
static CHECKER int record_leaf(u64 addr, u64 pa, u64 size, u32 prot,
			       u32 level, void *arg)
{
	const struct leaf_ctx *c = arg;
	u64 lo = env.o.first_pfn, hi = lo + env.o.nr_pfns;
	u64 first = addr / SZ_4K, end = (addr + size) / SZ_4K, pfn;

	(void)level;
	if (pa != addr)
		fuzz_fail("%s maps %#llx to %#llx: not identity", c->name,
			  (unsigned long long)addr, (unsigned long long)pa);
	/* only device space may lie outside RAM's span, and only in s2 */
	if ((first < lo || end > hi) &&
	    (!c->outside_ok || prot != (PGT_PROT_RW | PGT_PROT_DEVICE)))
		fuzz_fail("%s maps [%#llx, %#llx) prot %#x beyond RAM",
			  c->name, (unsigned long long)addr,
			  (unsigned long long)(addr + size), prot);
	for (pfn = first > lo ? first : lo; pfn < end && pfn < hi; pfn++)
		c->prot[pfn - lo] = prot;
	return 0;
}

static CHECKER void fill_prot(const struct pgt *t, const char *name,
			      u8 *prot, bool outside_ok)
{
	struct leaf_ctx c = { name, prot, outside_ok };

	memset(prot, 0, env.o.nr_pfns);
	if (pgt_walk_leaves(t, 0, 1ULL << IA_BITS, record_leaf, &c))
		fuzz_fail("%s: walk failed", name);
}

static CHECKER void check_tables(void)
{
	const struct ownership *o = &env.o;
	bool s2 = o->host_s2 != NULL;
	u64 i, used;

	fill_prot(&env.hyp_s1, "hyp_s1", env.s1_prot, false);
	if (s2)
		fill_prot(&env.host_s2, "host_s2", env.s2_prot, true);
	for (i = 0; i < o->nr_pfns; i++) {
		u64 pfn = o->first_pfn + i;
		u32 w1 = 0, w2 = 0;

		if (is_ram(pfn)) {
			w1 = want_s1(&o->pages[i]);
			w2 = want_s2(&o->pages[i]);
		} else if (env.s2_prot[i] == (PGT_PROT_RW | PGT_PROT_DEVICE)) {
			/* device space, mapped on demand */
			w2 = env.s2_prot[i];
		}
		if (env.s1_prot[i] != w1)
			fuzz_fail("hyp_s1 pfn %#llx: prot %#x, state %d wants %#x",
				  (unsigned long long)pfn, env.s1_prot[i],
				  o->pages[i].state, w1);
		if (s2 && env.s2_prot[i] != w2)
			fuzz_fail("host_s2 pfn %#llx: prot %#x, state %d wants %#x",
				  (unsigned long long)pfn, env.s2_prot[i],
				  o->pages[i].state, w2);
	}
	used = pgt_nr_tables(&env.hyp_s1) +
	       (env.host_s2.root ? pgt_nr_tables(&env.host_s2) : 0);
	if (used + env.pool.nr_free != env.pool.nr_pages)
		fuzz_fail("pool: %llu free + %llu in tables != %llu",
			  (unsigned long long)env.pool.nr_free,
			  (unsigned long long)used,
			  (unsigned long long)env.pool.nr_pages);
	/* the stage-2 reservation: what the states need, tables included */
	if (o->host_s2 &&
	    (o->s2_slots != own_s2_slots_needed(o) ||
	     pgt_nr_tables(&env.host_s2) + pool_nr_reserved(&env.pool) !=
	     o->s2_slots))
		fuzz_fail("stage-2 slots %llu, needed %llu, tables %llu + reserved %llu",
			  (unsigned long long)o->s2_slots,
			  (unsigned long long)own_s2_slots_needed(o),
			  (unsigned long long)pgt_nr_tables(&env.host_s2),
			  (unsigned long long)pool_nr_reserved(&env.pool));
	if (!o->host_s2 && pool_nr_reserved(&env.pool))
		fuzz_fail("%llu pages reserved without a stage-2",
			  (unsigned long long)pool_nr_reserved(&env.pool));
}

/* ---- the guests' side ---- */

/*
 * Every entry of a table that is not a pointer to a table below: the
 * leaves and the annotations (invalid, non-zero), read raw, so that what
 * pgt_walk_leaves() skips is seen too.
 */
typedef void (*raw_fn)(u64 addr, u32 level, pgt_pte_t pte, void *arg);

static CHECKER void raw_walk_table(const pgt_pte_t *table, u32 level,
				   u64 base, raw_fn fn, void *arg)
{
	u32 i;

	for (i = 0; i < 512; i++) {
		pgt_pte_t pte = table[i];
		u64 addr = base + ((u64)i << raw_shift(level));

		if (!pte)
			continue;
		if (level < 3 && (pte & 3) == 3)
			raw_walk_table(fake_p2v(pte & GENMASK_ULL(47, 12)),
				       level + 1, addr, fn, arg);
		else
			fn(addr, level, pte, arg);
	}
}

static CHECKER void raw_walk(const struct pgt *t, raw_fn fn, void *arg)
{
	if (t->root)
		raw_walk_table(t->root, t->start_level, 0, fn, arg);
}

static CHECKER struct guest_place *place_of(u64 pfn)
{
	return &env.at[pfn - env.first_pfn];
}

/* Where guest @gi's model has a LOST mark at @gfn in lost[], or -1. */
static CHECKER s32 lost_index(u32 gi, u64 gfn)
{
	const struct fuzz_guest *fg = &env.guest[gi];
	u32 i;

	for (i = 0; i < fg->nr_lost; i++)
		if (fg->lost[i] == gfn)
			return i;
	return -1;
}

struct gleaf_ctx {
	u32 gi;
	u64 nr;
};

/*
 * A guest's leaf: one page, RWX, of a RAM page in a guest state that the
 * model puts in this guest at this frame.
 */
static CHECKER int check_guest_leaf(u64 addr, u64 pa, u64 size, u32 prot,
				    u32 level, void *arg)
{
	struct gleaf_ctx *c = arg;
	u64 pfn = pa / SZ_4K, gfn = addr / SZ_4K;
	const struct guest_place *at;

	if (size != SZ_4K || level != 3 || prot != PGT_PROT_RWX)
		fuzz_fail("guest %u maps gfn %#llx: size %#llx, level %u, prot %#x",
			  c->gi, (unsigned long long)gfn,
			  (unsigned long long)size, level, prot);
	if (!is_ram(pfn))
		fuzz_fail("guest %u maps gfn %#llx to pfn %#llx: not RAM",
			  c->gi, (unsigned long long)gfn,
			  (unsigned long long)pfn);
	at = place_of(pfn);
	if (!is_guest_state(page_of(pfn)->state) || at->guest != (s32)c->gi ||
	    at->gfn != gfn)
		fuzz_fail("guest %u maps gfn %#llx to pfn %#llx (state %d), "
			  "which is guest %d's at gfn %#llx", c->gi,
			  (unsigned long long)gfn, (unsigned long long)pfn,
			  page_of(pfn)->state, at->guest,
			  (unsigned long long)at->gfn);
	env.gmapped[pfn - env.first_pfn]++;
	c->nr++;
	return 0;
}

/*
 * A guest's invalid entry: a page entry holding OWN_GUEST_S2_LOST at a
 * frame where the model has a mark (the walker skips it, so this is the
 * only place that sees it). Counted, so that the caller knows every mark
 * of the model was there: the frames in lost[] differ, and so do these.
 */
static CHECKER void check_guest_mark(u64 addr, u32 level, pgt_pte_t pte,
				     void *arg)
{
	struct gleaf_ctx *c = arg;

	if (pte & 1)
		return;
	if (level != 3 || pte != OWN_GUEST_S2_LOST ||
	    lost_index(c->gi, addr / SZ_4K) < 0)
		fuzz_fail("guest %u: invalid entry %#llx at %#llx, level %u, not a LOST mark of the model",
			  c->gi, (unsigned long long)pte,
			  (unsigned long long)addr, level);
	c->nr++;
}

static CHECKER int cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

/*
 * The tables guest @gi's stage-2 needs for what its model holds: the
 * root, and at each level below it one table per span of that table's
 * size with a leaf or a LOST mark in it. Exact, not a bound: lib/pgtable.c
 * frees a table left empty and keeps one that holds an annotation, so a
 * reclaim keeps the table of its frame and the last leaf or mark to leave
 * a table takes it.
 */
static CHECKER u64 guest_tables_needed(u32 gi)
{
	const struct fuzz_guest *fg = &env.guest[gi];
	u64 *gfn = env.gfns, n = 0, tables = 1, i;
	u32 level, shift;

	for (i = 0; i < env.o.nr_pfns; i++)
		if (env.at[i].guest == (s32)gi)
			gfn[n++] = env.at[i].gfn;
	for (i = 0; i < fg->nr_lost; i++)
		gfn[n++] = fg->lost[i];
	qsort(gfn, n, sizeof(*gfn), cmp_u64);
	/* a table at @level spans 512 entries: 2 MiB at level 3, 1 GiB at 2 */
	for (level = fg->s2.start_level + 1; level <= 3; level++) {
		shift = 9 * (4 - level);
		for (i = 0; i < n; i++)
			tables += !i || gfn[i] >> shift != gfn[i - 1] >> shift;
	}
	return tables;
}

/*
 * Each guest's stage-2 holds the leaves of its pages, the LOST marks the
 * model has and nothing else, in the tables those need and no more, and
 * its pool has every page that is not one of its tables. A look-up at a
 * mark finds nothing: the hardware sees no mapping there. Returns the
 * number of leaves.
 */
static CHECKER u64 check_guest_s2(u32 gi)
{
	struct fuzz_guest *fg = &env.guest[gi];
	struct gleaf_ctx c = { gi, 0 }, marks = { gi, 0 };
	u32 i;

	if (pgt_walk_leaves(&fg->s2, 0, 1ULL << fg->s2.ia_bits,
			    check_guest_leaf, &c))
		fuzz_fail("guest %u: walk failed", gi);
	raw_walk(&fg->s2, check_guest_mark, &marks);
	if (marks.nr != fg->nr_lost)
		fuzz_fail("guest %u holds %llu LOST marks, the model %u",
			  gi, (unsigned long long)marks.nr, fg->nr_lost);
	for (i = 0; i < fg->nr_lost; i++)
		if (pgt_lookup(&fg->s2, fg->lost[i] * SZ_4K, NULL, NULL,
			       NULL) != -ENOENT)
			fuzz_fail("guest %u: look-up at LOST gfn %#llx finds something",
				  gi, (unsigned long long)fg->lost[i]);
	if (pgt_nr_tables(&fg->s2) != guest_tables_needed(gi))
		fuzz_fail("guest %u has %llu tables, its leaves and marks need %llu",
			  gi, (unsigned long long)pgt_nr_tables(&fg->s2),
			  (unsigned long long)guest_tables_needed(gi));
	if (pgt_nr_tables(&fg->s2) + fg->pool.nr_free != fg->pool.nr_pages ||
	    pool_nr_reserved(&fg->pool))
		fuzz_fail("guest %u pool: %llu free + %llu tables != %llu, %llu reserved",
			  gi, (unsigned long long)fg->pool.nr_free,
			  (unsigned long long)pgt_nr_tables(&fg->s2),
			  (unsigned long long)fg->pool.nr_pages,
			  (unsigned long long)pool_nr_reserved(&fg->pool));
	return c.nr;
}

/* An annotation in the host stage-2 marks a page a guest owns, nothing else. */
static CHECKER void count_host_annotation(u64 addr, u32 level, pgt_pte_t pte,
					  void *arg)
{
	u64 pfn = addr / SZ_4K;

	if (pte & 1)
		return;
	if (level != 3 || !is_ram(pfn) ||
	    page_of(pfn)->state != PAGE_GUEST_OWNED)
		fuzz_fail("host_s2 annotation %#llx at %#llx (level %u), not a guest-owned page",
			  (unsigned long long)pte, (unsigned long long)addr,
			  level);
	(*(u64 *)arg)++;
}

/* own_guest_page_owner(): the model's guest and frame for a guest's own page. */
static CHECKER void check_owner(u64 pfn, const struct hyp_page *p)
{
	const struct guest_place *at = place_of(pfn);
	u64 gfn = ~0ULL;
	u16 id = 0;
	int ret = own_guest_page_owner(&env.o, pfn, &id, &gfn);

	if (p->state == PAGE_GUEST_OWNED) {
		if (ret || id != env.guest[at->guest].g.id || gfn != at->gfn)
			fuzz_fail("own_guest_page_owner(%#llx) = %d, id %#x gfn %#llx; guest %d (id %#x) at %#llx",
				  (unsigned long long)pfn, ret, id,
				  (unsigned long long)gfn, at->guest,
				  env.guest[at->guest].g.id,
				  (unsigned long long)at->gfn);
	} else if (ret != (env.o.host_s2 ? -ENOENT : -EINVAL)) {
		fuzz_fail("own_guest_page_owner(%#llx) = %d in state %d",
			  (unsigned long long)pfn, ret, p->state);
	}
}

/*
 * What own_host_access() must say, from the page's host stage-2 prot. One
 * access per page and step (R, W or X, turn about), at a third of the
 * cost of all three.
 */
static CHECKER void check_host_access(u64 pfn, const struct hyp_page *p)
{
	static const u32 needs[] = { PGT_PROT_R, PGT_PROT_W, PGT_PROT_X };
	u32 need = needs[(pfn / 8 + (u32)cur_op) % 3];
	enum own_access want, got = own_host_access(&env.o, pfn, need);

	if ((want_s2(p) & need) == need)
		want = OWN_ACCESS_ALLOWED;
	else if (p->state == PAGE_GUEST_OWNED)
		want = OWN_ACCESS_GUEST;
	else if (p->host_prot)
		want = OWN_ACCESS_RESTRICTED;
	else
		want = OWN_ACCESS_REFUSED;
	if (got != want)
		fuzz_fail("own_host_access(%#llx, %#x) = %d, want %d (state %d)",
			  (unsigned long long)pfn, need, got, want, p->state);
}

/*
 * Every page in a guest state is mapped by exactly one guest leaf, of the
 * guest and at the frame the model says (check_guest_leaf() judged each
 * leaf); no other page is; a guest-owned page's annotation names them.
 */
static CHECKER void check_guests(void)
{
	const struct ownership *o = &env.o;
	u64 leaves = 0, annotations = 0, i;
	u32 gi;

	memset(env.gmapped, 0, o->nr_pfns);
	for (gi = 0; gi < env.nr_guests; gi++)
		leaves += check_guest_s2(gi);
	for (i = 0; i < o->nr_pfns; i++) {
		u64 pfn = o->first_pfn + i;
		const struct hyp_page *p = &o->pages[i];
		bool guest;

		if (!is_ram(pfn)) {
			if (env.at[i].guest >= 0 || env.gmapped[i])
				fuzz_fail("pfn %#llx is no RAM, but a guest has it",
					  (unsigned long long)pfn);
			continue;
		}
		guest = is_guest_state(p->state);
		if (guest != (env.at[i].guest >= 0) || env.gmapped[i] != guest)
			fuzz_fail("pfn %#llx in state %d: model says guest %d, %u guest leaves map it",
				  (unsigned long long)pfn, p->state,
				  env.at[i].guest, env.gmapped[i]);
		/*
		 * The library's answers for every guest page, for the others
		 * one in eight per step (they cost a quarter of the run; a
		 * stray annotation is caught by the walk below anyway).
		 */
		if (!guest && (pfn + (u32)cur_op) % 8)
			continue;
		check_owner(pfn, p);
		if (o->host_s2)
			check_host_access(pfn, p);
	}
	if (leaves != o->nr_in_state[PAGE_GUEST_OWNED] +
		      o->nr_in_state[PAGE_HOST_SHARED_GUEST] +
		      o->nr_in_state[PAGE_GUEST_SHARED_HOST])
		fuzz_fail("%llu guest leaves, counters say otherwise",
			  (unsigned long long)leaves);
	if (!o->host_s2)
		return;
	raw_walk(&env.host_s2, count_host_annotation, &annotations);
	if (annotations != o->nr_in_state[PAGE_GUEST_OWNED])
		fuzz_fail("host_s2 holds %llu annotations for %llu guest-owned pages",
			  (unsigned long long)annotations,
			  (unsigned long long)o->nr_in_state[PAGE_GUEST_OWNED]);
}

static CHECKER void check_all(void)
{
	check_counts();
	check_unit_counters();
	check_host_prot();
	check_tables();
	check_guests();
}

/* ---- snapshots, for "nothing changed" and "back where it was" ---- */

/* Every leaf of a table, hashed: equal if the tables map the same way. */
struct leaf_sig {
	u64 hash, nr;
};

static CHECKER int sig_leaf(u64 addr, u64 pa, u64 size, u32 prot,
			    u32 level, void *arg)
{
	struct leaf_sig *sig = arg;
	u64 v[4] = { addr, pa, size, (u64)prot << 32 | level };
	int i;

	for (i = 0; i < 4; i++) {
		sig->hash ^= v[i];
		sig->hash *= 0x100000001b3ULL;
		sig->hash ^= sig->hash >> 29;
	}
	sig->nr++;
	return 0;
}

static CHECKER struct leaf_sig sig_of(const struct pgt *t)
{
	struct leaf_sig sig = { 0xcbf29ce484222325ULL, 0 };

	if (t->root && pgt_walk_leaves(t, 0, 1ULL << IA_BITS, sig_leaf, &sig))
		abort();
	return sig;
}

static bool sig_equal(struct leaf_sig a, struct leaf_sig b)
{
	return a.hash == b.hash && a.nr == b.nr;
}

/* Raw entries (leaves, annotations or both), where they are, hashed. */
struct raw_sig_ctx {
	struct leaf_sig sig;
	bool annotations_only;
};

static CHECKER void sig_raw_entry(u64 addr, u32 level, pgt_pte_t pte,
				  void *arg)
{
	struct raw_sig_ctx *c = arg;

	if (!c->annotations_only || !(pte & 1))
		sig_leaf(addr, pte, 0, 0, level, &c->sig);
}

static CHECKER struct leaf_sig raw_sig_of(const struct pgt *t,
					  bool annotations_only)
{
	struct raw_sig_ctx c = { { 0xcbf29ce484222325ULL, 0 },
				 annotations_only };

	raw_walk(t, sig_raw_entry, &c);
	return c.sig;
}

/* A guest's side: what its stage-2 holds, and its pool. */
struct guest_snap {
	struct leaf_sig s2;	/* raw: leaves and annotations alike */
	u64 free, tables;
};

struct snap {
	struct hyp_page *pages;
	u64 nr_in_state[PAGE_STATE_COUNT];
	struct leaf_sig s1, s2;
	struct leaf_sig s2_ann;		/* the host stage-2's annotations */
	u64 free, reserved;
	u64 s1_tables, s2_tables;	/* to say which table kept pages */
	struct guest_snap g[MAX_GUESTS];
};

static CHECKER void guest_snap_take(struct guest_snap *g, u32 gi)
{
	struct fuzz_guest *fg = &env.guest[gi];

	g->s2 = raw_sig_of(&fg->s2, false);
	g->free = pool_nr_free(&fg->pool);
	g->tables = pgt_nr_tables(&fg->s2);
}

static bool guest_snap_equal(const struct guest_snap *a,
			     const struct guest_snap *b)
{
	return sig_equal(a->s2, b->s2) && a->free == b->free &&
	       a->tables == b->tables;
}

static CHECKER void snap_take(struct snap *s)
{
	size_t n = env.o.nr_pfns * sizeof(*env.o.pages);
	u32 i;

	s->pages = malloc(n);
	if (!s->pages)
		abort();
	memcpy(s->pages, env.o.pages, n);
	memcpy(s->nr_in_state, env.o.nr_in_state, sizeof(s->nr_in_state));
	s->s1 = sig_of(&env.hyp_s1);
	s->s2 = sig_of(&env.host_s2);
	s->free = pool_nr_free(&env.pool);
	s->reserved = pool_nr_reserved(&env.pool);
	s->s1_tables = pgt_nr_tables(&env.hyp_s1);
	s->s2_tables = env.host_s2.root ? pgt_nr_tables(&env.host_s2) : 0;
	s->s2_ann = raw_sig_of(&env.host_s2, true);
	for (i = 0; i < env.nr_guests; i++)
		guest_snap_take(&s->g[i], i);
}

static void snap_drop(struct snap *s)
{
	free(s->pages);
}

static CHECKER bool same_states(const struct snap *s)
{
	return !memcmp(s->pages, env.o.pages,
		       env.o.nr_pfns * sizeof(*env.o.pages)) &&
	       !memcmp(s->nr_in_state, env.o.nr_in_state,
		       sizeof(s->nr_in_state));
}

/* No guest's stage-2 or pool changed since @g was taken (but @skip's). */
static void check_guests_unchanged(const struct guest_snap *g, s32 skip,
				   const char *what, int ret)
{
	struct guest_snap now;
	u32 i;

	for (i = 0; i < env.nr_guests; i++) {
		if ((s32)i == skip)
			continue;
		guest_snap_take(&now, i);
		if (!guest_snap_equal(&g[i], &now))
			fuzz_fail("%s (%d) changed guest %u: tables %llu -> %llu, free %llu -> %llu, entries %s",
				  what, ret, i, (unsigned long long)g[i].tables,
				  (unsigned long long)now.tables,
				  (unsigned long long)g[i].free,
				  (unsigned long long)now.free,
				  sig_equal(g[i].s2, now.s2) ? "same" : "differ");
	}
}

static void check_unchanged(const struct snap *s, const char *what, int ret)
{
	struct snap now;

	if (!same_states(s))
		fuzz_fail("%s failed (%d) but changed page states", what, ret);
	snap_take(&now);
	if (!sig_equal(s->s1, now.s1) || !sig_equal(s->s2, now.s2) ||
	    !sig_equal(s->s2_ann, now.s2_ann))
		fuzz_fail("%s failed (%d) but changed the tables", what, ret);
	if (s->free != now.free || s->reserved != now.reserved)
		fuzz_fail("%s failed (%d) but the pool went from %llu to %llu free, %llu to %llu reserved",
			  what, ret, (unsigned long long)s->free,
			  (unsigned long long)now.free,
			  (unsigned long long)s->reserved,
			  (unsigned long long)now.reserved);
	snap_drop(&now);
	check_guests_unchanged(s->g, -1, what, ret);
}

/* ---- transitions ---- */

enum op {
	OP_DONATE_R, OP_DONATE_C, OP_DONATE_PRIV, OP_HYP_DONATE_HOST,
	OP_RECLAIM, OP_CLAIM, OP_SHARE, OP_UNSHARE, OP_HYP_SHARE,
	OP_HYP_UNSHARE, OP_PIN, OP_UNPIN, OP_MARK_BOOT, NR_TRANSITIONS,
	OP_BUILD_S2 = NR_TRANSITIONS, OP_FAULT, OP_SET_PROT, OP_GUEST, NR_OPS
};

static const char *const op_name[NR_OPS] = {
	"host_donate_hyp(reclaimable)", "host_donate_hyp",
	"host_donate_hyp_private", "hyp_donate_host", "host_reclaim",
	"hyp_claim", "host_share_hyp", "host_unshare_hyp", "hyp_share_host",
	"hyp_unshare_host", "pin_shared", "unpin_shared", "mark_hyp_boot",
	"build_host_s2", "host_s2_fault", "host_set_prot", "guest_transition",
};

/* What undoes each transition; NR_OPS where nothing does exactly. */
static const enum op inverse[NR_TRANSITIONS] = {
	[OP_DONATE_R]		= OP_RECLAIM,
	[OP_DONATE_C]		= OP_HYP_DONATE_HOST,
	[OP_DONATE_PRIV]	= OP_HYP_DONATE_HOST,
	[OP_HYP_DONATE_HOST]	= NR_OPS,	/* the page's flags are gone */
	[OP_RECLAIM]		= OP_DONATE_R,
	[OP_CLAIM]		= NR_OPS,
	[OP_SHARE]		= OP_UNSHARE,
	[OP_UNSHARE]		= OP_SHARE,
	[OP_HYP_SHARE]		= OP_HYP_UNSHARE,
	[OP_HYP_UNSHARE]	= OP_HYP_SHARE,
	[OP_PIN]		= OP_UNPIN,
	[OP_UNPIN]		= OP_PIN,
	[OP_MARK_BOOT]		= NR_OPS,
};

static int call(enum op t, u64 pfn, u64 nr)
{
	struct ownership *o = &env.o;

	switch (t) {
	case OP_DONATE_R:	return own_host_donate_hyp(o, pfn, nr, true);
	case OP_DONATE_C:	return own_host_donate_hyp(o, pfn, nr, false);
	case OP_DONATE_PRIV:	return own_host_donate_hyp_private(o, pfn, nr);
	case OP_HYP_DONATE_HOST: return own_hyp_donate_host(o, pfn, nr);
	case OP_RECLAIM:	return own_host_reclaim(o, pfn, nr);
	case OP_CLAIM:		return own_hyp_claim(o, pfn, nr);
	case OP_SHARE:		return own_host_share_hyp(o, pfn, nr);
	case OP_UNSHARE:	return own_host_unshare_hyp(o, pfn, nr);
	case OP_HYP_SHARE:	return own_hyp_share_host(o, pfn, nr);
	case OP_HYP_UNSHARE:	return own_hyp_unshare_host(o, pfn, nr);
	case OP_PIN:		return own_pin_shared(o, pfn, nr);
	case OP_UNPIN:		return own_unpin_shared(o, pfn, nr);
	case OP_MARK_BOOT:	return own_mark_hyp_boot(o, pfn, nr);
	default:		abort();
	}
}

/* The state every page of a successful transition must be in after it. */
static int state_after(enum op t)
{
	switch (t) {
	case OP_DONATE_R: case OP_DONATE_C: case OP_DONATE_PRIV:
	case OP_CLAIM: case OP_HYP_UNSHARE: case OP_MARK_BOOT:
		return PAGE_HYP_OWNED;
	case OP_HYP_DONATE_HOST: case OP_RECLAIM: case OP_UNSHARE:
		return PAGE_HOST_OWNED;
	case OP_SHARE: case OP_PIN: case OP_UNPIN:
		return PAGE_HOST_SHARED;
	case OP_HYP_SHARE:
		return PAGE_HYP_SHARED;
	default:
		abort();
	}
}

static void check_done(enum op t, u64 pfn, u64 nr, const struct snap *before)
{
	u64 i;

	for (i = pfn; i < pfn + nr; i++) {
		const struct hyp_page *p = page_of(i);
		const struct hyp_page *b = &before->pages[i - env.o.first_pfn];
		int pins = (t == OP_PIN) - (t == OP_UNPIN);

		if (b->host_prot)
			fuzz_fail("%s(%#llx, %llu) succeeded on restricted pfn %#llx",
				  op_name[t], (unsigned long long)pfn,
				  (unsigned long long)nr, (unsigned long long)i);
		if (p->state != state_after(t))
			fuzz_fail("%s(%#llx, %llu) succeeded, pfn %#llx in state %d",
				  op_name[t], (unsigned long long)pfn,
				  (unsigned long long)nr,
				  (unsigned long long)i, p->state);
		if (pins && p->pins != b->pins + pins)
			fuzz_fail("%s: pfn %#llx has %u pins, had %u",
				  op_name[t], (unsigned long long)i, p->pins,
				  b->pins);
	}
}

/* Say which table kept the pages that the inverse did not give back. */
static void pool_asymmetry(enum op t, enum op inv, u64 pfn, u64 nr,
			   const struct snap *before)
{
	u64 s2 = env.host_s2.root ? pgt_nr_tables(&env.host_s2) : 0;

	fuzz_fail("FUZZ_CHECK_POOL_SYMMETRY: %s then %s(%#llx, %llu): pool had %llu free pages, now %llu; table pages hyp_s1 %llu -> %llu, host_s2 %llu -> %llu",
		  op_name[t], op_name[inv], (unsigned long long)pfn,
		  (unsigned long long)nr, (unsigned long long)before->free,
		  (unsigned long long)pool_nr_free(&env.pool),
		  (unsigned long long)before->s1_tables,
		  (unsigned long long)pgt_nr_tables(&env.hyp_s1),
		  (unsigned long long)before->s2_tables,
		  (unsigned long long)s2);
}

/*
 * Undo a successful transition at once and check that it is undone: the
 * states as before it, and the pool too. -ENOMEM is fair (the worst-case
 * reservation may exceed what the pool holds) but must change nothing.
 */
static void undo(enum op t, u64 pfn, u64 nr, const struct snap *before)
{
	enum op inv = inverse[t];
	struct snap mid;
	int ret;

	snap_take(&mid);
	ret = call(inv, pfn, nr);
	if (ret == -ENOMEM) {
		check_unchanged(&mid, op_name[inv], ret);
	} else if (ret) {
		fuzz_fail("%s(%#llx, %llu) after %s: %d", op_name[inv],
			  (unsigned long long)pfn, (unsigned long long)nr,
			  op_name[t], ret);
	} else {
		if (!same_states(before))
			fuzz_fail("%s then %s(%#llx, %llu): states differ from before",
				  op_name[t], op_name[inv],
				  (unsigned long long)pfn,
				  (unsigned long long)nr);
		if (FUZZ_CHECK_POOL_SYMMETRY &&
		    pool_nr_free(&env.pool) != before->free)
			pool_asymmetry(t, inv, pfn, nr, before);
	}
	snap_drop(&mid);
}

static void do_transition(enum op t, u64 pfn, u64 nr, bool undo_it)
{
	struct snap before;
	int ret;

	snap_take(&before);
	ret = call(t, pfn, nr);
	STAT(t, ret);
	if (ret) {
		if (ret != -EINVAL && ret != -EPERM && ret != -EBUSY &&
		    ret != -ENOMEM)
			fuzz_fail("%s: unexpected %d", op_name[t], ret);
		check_unchanged(&before, op_name[t], ret);
	} else {
		check_done(t, pfn, nr, &before);
		if (undo_it && inverse[t] != NR_OPS)
			undo(t, pfn, nr, &before);
	}
	snap_drop(&before);
}

/* ---- host stage-2 ---- */

static void do_build_s2(void)
{
	struct snap before;
	struct pgt spare;
	int ret;

	if (env.o.host_s2) {
		/* a second build is refused, whatever the table */
		snap_take(&before);
		ret = own_build_host_s2(&env.o, &spare, IA_BITS, &env_s2_ops);
		if (ret != -EINVAL)
			fuzz_fail("second build_host_s2: %d", ret);
		check_unchanged(&before, "second build_host_s2", ret);
		snap_drop(&before);
		return;
	}
	snap_take(&before);
	ret = own_build_host_s2(&env.o, &env.host_s2, IA_BITS, &env_s2_ops);
	STAT(OP_BUILD_S2, ret);
	if (ret) {
		if (ret != -ENOMEM || env.o.host_s2)
			fuzz_fail("build_host_s2: %d, host_s2 %p", ret,
				  (void *)env.o.host_s2);
		/* as documented: nothing left allocated or reserved */
		if (env.host_s2.root || pool_nr_reserved(&env.pool))
			fuzz_fail("failed build_host_s2 left its tables");
		memset(&env.host_s2, 0, sizeof(env.host_s2));
		check_unchanged(&before, "build_host_s2", ret);
	} else if (!same_states(&before)) {
		fuzz_fail("build_host_s2 changed page states");
	}
	snap_drop(&before);
}

static u64 fault_addr(u64 pfn, u8 b)
{
	static const u64 far[] = {
		0, SZ_1G - SZ_4K, 3 * SZ_1G + 0x1234000,
		(1ULL << IA_BITS) - SZ_4K, 1ULL << IA_BITS, ~0xfffULL,
	};

	if ((b & 3) == 0)
		return far[(b >> 2) % (sizeof(far) / sizeof(far[0]))];
	return pfn * SZ_4K + ((u64)b << 4);
}

static void do_fault(u64 addr)
{
	struct snap before;
	int ret;

	snap_take(&before);
	ret = own_host_s2_fault(&env.o, addr);
	STAT(OP_FAULT, ret);
	if (ret) {
		if ((ret == -EINVAL && env.o.host_s2 && addr >> IA_BITS == 0) ||
		    (ret == -EPERM && !is_ram(addr / SZ_4K)) ||
		    (ret != -EINVAL && ret != -EPERM && ret != -ENOMEM))
			fuzz_fail("host_s2_fault(%#llx): %d",
				  (unsigned long long)addr, ret);
		check_unchanged(&before, "host_s2_fault", ret);
	} else {
		if (!env.o.host_s2)
			fuzz_fail("host_s2_fault(%#llx) = 0 before the stage-2",
				  (unsigned long long)addr);
		if (!same_states(&before))
			fuzz_fail("host_s2_fault(%#llx) changed page states",
				  (unsigned long long)addr);
		if (pgt_lookup(&env.host_s2, addr, NULL, NULL, NULL))
			fuzz_fail("host_s2_fault(%#llx) = 0, still unmapped",
				  (unsigned long long)addr);
	}
	snap_drop(&before);
}

/* ---- module restrictions (own_host_set_prot) ---- */

/* The five valid @prot (RWX twice: lifts are common), and two invalid. */
static const u32 set_prots[8] = {
	0, PGT_PROT_R, PGT_PROT_RW, PGT_PROT_RX, PGT_PROT_RWX, PGT_PROT_RWX,
	PGT_PROT_W, PGT_PROT_RW | PGT_PROT_DEVICE,
};

static int prot_restriction(u32 prot)
{
	switch (prot) {
	case 0:			return OWN_HOST_PROT_NONE;
	case PGT_PROT_R:	return OWN_HOST_PROT_R;
	case PGT_PROT_RW:	return OWN_HOST_PROT_RW;
	case PGT_PROT_RX:	return OWN_HOST_PROT_RX;
	case PGT_PROT_RWX:	return OWN_HOST_UNRESTRICTED;
	default:		return -1;
	}
}

/*
 * What the header says own_host_set_prot() must return, before -ENOMEM;
 * *may_need_memory if it may also fail for memory: a page newly
 * restricted while the stage-2 exists (its unit may need a slot).
 */
static CHECKER int set_prot_verdict(u64 pfn, u64 nr, u32 prot,
				    bool *may_need_memory)
{
	int hp = prot_restriction(prot);
	u64 i;

	*may_need_memory = false;
	if (hp < 0 || !nr || nr > ~0ULL - pfn)
		return -EINVAL;
	/* stops at the first page off RAM: huge ranges end quickly */
	for (i = pfn; i < pfn + nr; i++)
		if (!is_ram(i))
			return -EINVAL;
	for (i = pfn; i < pfn + nr; i++) {
		const struct hyp_page *p = page_of(i);

		if (p->state != PAGE_HOST_OWNED ||
		    (hp == OWN_HOST_UNRESTRICTED && !p->host_prot))
			return -EPERM;
		if (hp != OWN_HOST_UNRESTRICTED && !p->host_prot &&
		    env.o.host_s2)
			*may_need_memory = true;
	}
	return 0;
}

/* After a successful call: every page HOST_OWNED with @prot's restriction. */
static void check_set_prot_done(u64 pfn, u64 nr, u32 prot)
{
	u64 i;

	for (i = pfn; i < pfn + nr; i++)
		if (page_of(i)->state != PAGE_HOST_OWNED ||
		    page_of(i)->host_prot != prot_restriction(prot))
			fuzz_fail("host_set_prot(%#llx, %llu, %#x): pfn %#llx in "
				  "state %d, restriction %u",
				  (unsigned long long)pfn, (unsigned long long)nr,
				  prot, (unsigned long long)i, page_of(i)->state,
				  page_of(i)->host_prot);
}

/* True if no page of the range was restricted in @s. */
static CHECKER bool was_unrestricted(const struct snap *s, u64 pfn, u64 nr)
{
	u64 i;

	for (i = pfn; i < pfn + nr; i++)
		if (s->pages[i - env.o.first_pfn].host_prot)
			return false;
	return true;
}

/*
 * Lift a restriction of pages that had none: everything as before it, the
 * stage-2's leaves (blocks included) and table count too, whatever the
 * alignment. A lift needs no memory, so it cannot fail.
 */
static void undo_set_prot(u64 pfn, u64 nr, u32 prot, const struct snap *before)
{
	struct snap now;
	int ret = own_host_set_prot(&env.o, pfn, nr, PGT_PROT_RWX);

	if (ret)
		fuzz_fail("lift(%#llx, %llu) after restricting to %#x: %d",
			  (unsigned long long)pfn, (unsigned long long)nr, prot,
			  ret);
	if (!same_states(before))
		fuzz_fail("restrict to %#x then lift(%#llx, %llu): states differ",
			  prot, (unsigned long long)pfn, (unsigned long long)nr);
	snap_take(&now);
	if (!sig_equal(before->s1, now.s1) || !sig_equal(before->s2, now.s2) ||
	    before->s2_tables != now.s2_tables ||
	    before->reserved != now.reserved ||
	    (FUZZ_CHECK_POOL_SYMMETRY && before->free != now.free))
		fuzz_fail("restrict to %#x then lift(%#llx, %llu): host_s2 "
			  "tables %llu -> %llu, reserved %llu -> %llu, free "
			  "%llu -> %llu, leaves %s",
			  prot, (unsigned long long)pfn, (unsigned long long)nr,
			  (unsigned long long)before->s2_tables,
			  (unsigned long long)now.s2_tables,
			  (unsigned long long)before->reserved,
			  (unsigned long long)now.reserved,
			  (unsigned long long)before->free,
			  (unsigned long long)now.free,
			  sig_equal(before->s2, now.s2) ? "same" : "differ");
	snap_drop(&now);
}

static void do_set_prot(u64 pfn, u64 nr, u8 sel, bool undo_it)
{
	u32 prot = set_prots[sel % 8];
	bool may_need_memory;
	int want = set_prot_verdict(pfn, nr, prot, &may_need_memory);
	struct snap before;
	int ret;

	snap_take(&before);
	ret = own_host_set_prot(&env.o, pfn, nr, prot);
	STAT(OP_SET_PROT, ret);
	if (ret != want && !(ret == -ENOMEM && !want && may_need_memory))
		fuzz_fail("host_set_prot(%#llx, %llu, %#x) = %d, want %d",
			  (unsigned long long)pfn, (unsigned long long)nr, prot,
			  ret, want);
	if (ret) {
		check_unchanged(&before, op_name[OP_SET_PROT], ret);
	} else {
		check_set_prot_done(pfn, nr, prot);
		if (undo_it && prot != PGT_PROT_RWX &&
		    was_unrestricted(&before, pfn, nr))
			undo_set_prot(pfn, nr, prot, &before);
	}
	snap_drop(&before);
}

/* ---- guest transitions (own_guest_transition) ---- */

/* A range an op picked, for the ops after it to pick again. */
struct range_slot {
	u64 pfn, nr;
};

/* The frame a page in no guest gets by default: they cluster, share tables. */
#define GFN_BASE	0x100ULL

/*
 * The tables below have a row per guest op. An op added to ownership.h
 * would get a zeroed row here (HOST_OWNED to HOST_OWNED, no inverse, no
 * name) and fuzz as nonsense: make it a build failure instead.
 */
_Static_assert(OWN_NR_GUEST_OPS == 7,
	       "fuzz_ownership models 7 guest ops: teach it the new one");

/* Each op's source states and target, as ownership.h's comment has them. */
struct guest_rule {
	u8 from, from2, to;
	bool maps;		/* maps the page in the guest: needs a free frame */
	bool scrubs;		/* the host gets back a page the guest had */
	bool lost;		/* the guest's entry becomes OWN_GUEST_S2_LOST */
};

static const struct guest_rule guest_rules[OWN_NR_GUEST_OPS] = {
	[OWN_HOST_DONATE_GUEST] = {
		.from = PAGE_HOST_OWNED, .from2 = PAGE_HOST_OWNED,
		.to = PAGE_GUEST_OWNED, .maps = true },
	[OWN_HOST_SHARE_GUEST] = {
		.from = PAGE_HOST_OWNED, .from2 = PAGE_HOST_OWNED,
		.to = PAGE_HOST_SHARED_GUEST, .maps = true },
	[OWN_HOST_UNSHARE_GUEST] = {
		.from = PAGE_HOST_SHARED_GUEST, .from2 = PAGE_HOST_SHARED_GUEST,
		.to = PAGE_HOST_OWNED },
	[OWN_GUEST_SHARE_HOST] = {
		.from = PAGE_GUEST_OWNED, .from2 = PAGE_GUEST_OWNED,
		.to = PAGE_GUEST_SHARED_HOST },
	[OWN_GUEST_UNSHARE_HOST] = {
		.from = PAGE_GUEST_SHARED_HOST, .from2 = PAGE_GUEST_SHARED_HOST,
		.to = PAGE_GUEST_OWNED },
	[OWN_GUEST_RETURN_HOST] = {
		.from = PAGE_GUEST_OWNED, .from2 = PAGE_GUEST_SHARED_HOST,
		.to = PAGE_HOST_OWNED, .scrubs = true },
	[OWN_HOST_RECLAIM_GUEST] = {
		.from = PAGE_GUEST_OWNED, .from2 = PAGE_GUEST_SHARED_HOST,
		.to = PAGE_HOST_OWNED, .scrubs = true, .lost = true },
};

/*
 * What undoes each op at the same page and frame (a return or a reclaim:
 * from GUEST_OWNED). A donation at the frame of a LOST mark is undone by
 * a reclaim instead, see guest_undo_op().
 */
static const enum own_guest_op guest_inverse[OWN_NR_GUEST_OPS] = {
	[OWN_HOST_DONATE_GUEST]		= OWN_GUEST_RETURN_HOST,
	[OWN_HOST_SHARE_GUEST]		= OWN_HOST_UNSHARE_GUEST,
	[OWN_HOST_UNSHARE_GUEST]	= OWN_HOST_SHARE_GUEST,
	[OWN_GUEST_SHARE_HOST]		= OWN_GUEST_UNSHARE_HOST,
	[OWN_GUEST_UNSHARE_HOST]	= OWN_GUEST_SHARE_HOST,
	[OWN_GUEST_RETURN_HOST]		= OWN_HOST_DONATE_GUEST,
	[OWN_HOST_RECLAIM_GUEST]	= OWN_HOST_DONATE_GUEST,
};

static const char *const guest_op_name[OWN_NR_GUEST_OPS + 1] = {
	[OWN_HOST_DONATE_GUEST]		= "host_donate_guest",
	[OWN_HOST_SHARE_GUEST]		= "host_share_guest",
	[OWN_HOST_UNSHARE_GUEST]	= "host_unshare_guest",
	[OWN_GUEST_SHARE_HOST]		= "guest_share_host",
	[OWN_GUEST_UNSHARE_HOST]	= "guest_unshare_host",
	[OWN_GUEST_RETURN_HOST]		= "guest_return_host",
	[OWN_HOST_RECLAIM_GUEST]	= "host_reclaim_guest",
	[OWN_NR_GUEST_OPS]		= "bad guest call",
};

/* One call as the input makes it, bad ones included. */
struct guest_call {
	int op;			/* enum own_guest_op, or out of range */
	s32 gi;			/* the guest; -1: none (NULL) */
	bool no_s2;		/* the guest passed without its stage-2 */
	u64 pfn, gfn;
	u64 free_tables;	/* what the guest told the library */
};

static bool guest_call_valid(const struct guest_call *c)
{
	return c->op >= 0 && c->op < OWN_NR_GUEST_OPS && c->gi >= 0 &&
	       !c->no_s2;
}

static const char *guest_call_name(const struct guest_call *c)
{
	return guest_op_name[guest_call_valid(c) ? c->op : OWN_NR_GUEST_OPS];
}

/* Tables a guest may need to map one page: one per level below its root. */
static u64 guest_map_tables(const struct pgt *s2)
{
	return 3 - s2->start_level;
}

#ifdef FUZZ_STATS
/*
 * Per guest op (the last: bad calls): successes, and -EINVAL, -EPERM,
 * -EEXIST, -ENOMEM for want of guest tables, -ENOMEM with enough of them
 * (so for a host stage-2 slot).
 */
static unsigned long g_ok[OWN_NR_GUEST_OPS + 1], g_err[OWN_NR_GUEST_OPS + 1][5];
static unsigned long g_undone[OWN_NR_GUEST_OPS], nr_scrubbed;
/* maps over a LOST mark; donations (over one) that a reclaim undid */
static unsigned long nr_over_lost, nr_remarked;

static void guest_stat(const struct guest_call *c, int ret)
{
	int op = guest_call_valid(c) ? c->op : OWN_NR_GUEST_OPS;

	if (!ret)
		g_ok[op]++;
	else if (ret == -EINVAL)
		g_err[op][0]++;
	else if (ret == -EPERM)
		g_err[op][1]++;
	else if (ret == -EEXIST)
		g_err[op][2]++;
	else if (ret == -ENOMEM)	/* (a bad call's is caught later) */
		g_err[op][c->gi >= 0 && c->free_tables <
			  guest_map_tables(&env.guest[c->gi].s2) ? 3 : 4]++;
}
#define GSTAT(c, ret)		guest_stat(c, ret)
#define GSTAT_UNDONE(op)	(g_undone[op]++)
#define GSTAT_SCRUB()		(nr_scrubbed++)
#define GSTAT_OVER_LOST()	(nr_over_lost++)
#define GSTAT_REMARKED()	(nr_remarked++)
#else
#define GSTAT(c, ret)		do { } while (0)
#define GSTAT_UNDONE(op)	do { } while (0)
#define GSTAT_SCRUB()		do { } while (0)
#define GSTAT_OVER_LOST()	do { } while (0)
#define GSTAT_REMARKED()	do { } while (0)
#endif

/*
 * What the scrub callback saw during one call: how often it ran, on what,
 * and, set before the call, the frame the guest had the page at, the host
 * stage-2's prot of the page and whether the call marks the frame LOST.
 */
static struct {
	u32 n;
	u64 pfn;
	void *arg;
	u64 gfn;
	u32 host_prot;
	bool lost;
} scrub;

/* The host stage-2's prot of @pfn now: 0 when nothing valid maps it. */
static CHECKER u32 host_prot_now(u64 pfn)
{
	u32 prot = 0;

	if (!env.o.host_s2 ||
	    pgt_lookup(&env.host_s2, pfn * SZ_4K, NULL, &prot, NULL))
		return 0;
	return prot;
}

/*
 * The library's scrub: it must come after the guest lost the page and
 * before the host gets more than it had, so check both here, in the
 * order the library calls it. For a reclaim, losing the page is the LOST
 * mark being in place: from then on a guest access at the frame is one
 * the hypervisor must refuse rather than back with a fresh page.
 */
static CHECKER void fuzz_scrub(void *arg, u64 pfn)
{
	struct fuzz_guest *fg = arg;
	u64 pa = 0, mark = 0;

	scrub.n++;
	scrub.pfn = pfn;
	scrub.arg = arg;
	GSTAT_SCRUB();
	if (fg != &env.guest[0] && fg != &env.guest[1])
		fuzz_fail("scrub(%#llx) with arg %p, no guest's",
			  (unsigned long long)pfn, arg);
	if (!pgt_lookup(&fg->s2, scrub.gfn * SZ_4K, &pa, NULL, NULL) &&
	    pa == pfn * SZ_4K)
		fuzz_fail("scrub(%#llx) while the guest still maps it at gfn %#llx",
			  (unsigned long long)pfn,
			  (unsigned long long)scrub.gfn);
	if (scrub.lost &&
	    (pgt_get_annotation(&fg->s2, scrub.gfn * SZ_4K, &mark) ||
	     mark != OWN_GUEST_S2_LOST))
		fuzz_fail("scrub(%#llx) before the guest's gfn %#llx holds the LOST mark (%#llx)",
			  (unsigned long long)pfn,
			  (unsigned long long)scrub.gfn,
			  (unsigned long long)mark);
	if (host_prot_now(pfn) != scrub.host_prot)
		fuzz_fail("scrub(%#llx) after the host stage-2 went from prot %#x to %#x",
			  (unsigned long long)pfn, scrub.host_prot,
			  host_prot_now(pfn));
}

/* What the guest will tell the library it has free: all, or one fewer. */
static void guest_tell_free(struct guest_call *c)
{
	const struct fuzz_guest *fg;
	u64 free;

	c->free_tables = 0;
	if (c->gi < 0)
		return;
	fg = &env.guest[c->gi];
	free = pool_nr_free(&fg->pool);
	c->free_tables = free - (fg->understate && free);
}

/* Make @c's call. */
static int guest_invoke(struct guest_call *c)
{
	struct own_guest g, *gp = NULL;

	guest_tell_free(c);
	if (c->gi >= 0) {
		g = env.guest[c->gi].g;
		g.free_tables = c->free_tables;
		if (c->no_s2)
			g.s2 = NULL;
		gp = &g;
	}
	scrub.n = 0;
	scrub.gfn = c->gfn;
	scrub.host_prot = is_ram(c->pfn) ? host_prot_now(c->pfn) : 0;
	scrub.lost = guest_call_valid(c) && guest_rules[c->op].lost;
	return own_guest_transition(&env.o, (enum own_guest_op)c->op, gp,
				    c->pfn, c->gfn);
}

/* The model has a page of guest @gi at @gfn. */
static CHECKER bool gfn_in_use(s32 gi, u64 gfn)
{
	u64 i;

	for (i = 0; i < env.o.nr_pfns; i++)
		if (env.at[i].guest == gi && env.at[i].gfn == gfn)
			return true;
	return false;
}

/*
 * What ownership.h says the call must return, before memory; and whether
 * it may fail for memory instead: a map may need a table per level below
 * the guest's root, and a donation a host stage-2 slot per unit size (2
 * MiB, 1 GiB) from the pool.
 */
static CHECKER int guest_verdict(const struct guest_call *c,
				 bool *may_need_memory)
{
	const struct guest_rule *r;
	const struct hyp_page *p;
	const struct guest_place *at;
	const struct pgt *s2;

	*may_need_memory = false;
	if (!guest_call_valid(c) || !env.o.host_s2 || !is_ram(c->pfn))
		return -EINVAL;
	s2 = &env.guest[c->gi].s2;
	if (c->gfn >= 1ULL << (s2->ia_bits - 12))
		return -EINVAL;
	r = &guest_rules[c->op];
	p = page_of(c->pfn);
	if ((p->state != r->from && p->state != r->from2) || p->host_prot)
		return -EPERM;
	if (!r->maps) {
		at = place_of(c->pfn);
		return at->guest == c->gi && at->gfn == c->gfn ? 0 : -EPERM;
	}
	if (gfn_in_use(c->gi, c->gfn))
		return -EEXIST;
	*may_need_memory = c->free_tables < guest_map_tables(s2) ||
			   (c->op == OWN_HOST_DONATE_GUEST &&
			    pool_nr_free(&env.pool) < 2);
	return 0;
}

static void lost_add(u32 gi, u64 gfn)
{
	struct fuzz_guest *fg = &env.guest[gi];

	if (fg->nr_lost == MAX_LOST || lost_index(gi, gfn) >= 0)
		fuzz_fail("model: guest %u LOST mark %#llx is the %u-th, or there already",
			  gi, (unsigned long long)gfn, fg->nr_lost + 1);
	fg->lost[fg->nr_lost++] = gfn;
}

static void lost_del(u32 gi, u64 gfn)
{
	struct fuzz_guest *fg = &env.guest[gi];
	s32 i = lost_index(gi, gfn);

	if (i >= 0)
		fg->lost[i] = fg->lost[--fg->nr_lost];
}

/*
 * The model after a successful call: a map replaces a LOST mark at its
 * frame (pgt_map() replaces an annotation), a reclaim leaves one where
 * the page was.
 */
static void guest_model_apply(const struct guest_call *c)
{
	const struct guest_rule *r = &guest_rules[c->op];
	struct guest_place *at = place_of(c->pfn);

	if (r->maps) {
		lost_del(c->gi, c->gfn);
		at->guest = c->gi;
		at->gfn = c->gfn;
	} else if (r->to == PAGE_HOST_OWNED) {
		if (r->lost)
			lost_add(c->gi, at->gfn);
		at->guest = -1;
	}
}

/* @c maps at a frame where its guest's model has a LOST mark. */
static bool guest_maps_over_lost(const struct guest_call *c)
{
	return guest_rules[c->op].maps && lost_index(c->gi, c->gfn) >= 0;
}

/*
 * What undoes a successful @c at the same page and frame: its
 * guest_inverse[], but a donation that mapped over a LOST mark is undone
 * by a reclaim, which puts the mark back where a return would leave the
 * frame empty. A share over a mark has no such inverse: an unshare
 * leaves the frame empty (see guest_undo()).
 */
static enum own_guest_op guest_undo_op(const struct guest_call *c,
				       bool over_lost)
{
	if (over_lost && c->op == OWN_HOST_DONATE_GUEST)
		return OWN_HOST_RECLAIM_GUEST;
	return guest_inverse[c->op];
}

/*
 * After a successful call: the page, and only it, changed state (nothing
 * else of it), the counters moved by one, the scrub ran exactly for a
 * return, the guest used no more tables than it said it had, and no other
 * guest changed.
 */
static void check_guest_done(const struct guest_call *c,
			     const struct snap *before)
{
	u64 idx = c->pfn - env.o.first_pfn, n = env.o.nr_pfns, s;
	const struct guest_rule *r = &guest_rules[c->op];
	struct hyp_page want = before->pages[idx];
	bool returns = r->scrubs;
	struct guest_snap now;

	want.state = r->to;
	if (memcmp(&env.o.pages[idx], &want, sizeof(want)) ||
	    memcmp(env.o.pages, before->pages, idx * sizeof(want)) ||
	    memcmp(env.o.pages + idx + 1, before->pages + idx + 1,
		   (n - idx - 1) * sizeof(want)))
		fuzz_fail("%s(%#llx, gfn %#llx) succeeded: pages not as it says (state %d, want %d)",
			  guest_call_name(c), (unsigned long long)c->pfn,
			  (unsigned long long)c->gfn, env.o.pages[idx].state,
			  r->to);
	for (s = 0; s < PAGE_STATE_COUNT; s++) {
		u64 w = before->nr_in_state[s] -
			(s == before->pages[idx].state) + (s == r->to);

		if (env.o.nr_in_state[s] != w)
			fuzz_fail("%s: nr_in_state[%llu] = %llu, want %llu",
				  guest_call_name(c), (unsigned long long)s,
				  (unsigned long long)env.o.nr_in_state[s],
				  (unsigned long long)w);
	}
	if (scrub.n != returns ||
	    (returns && (scrub.pfn != c->pfn ||
			 scrub.arg != &env.guest[c->gi])))
		fuzz_fail("%s(%#llx): scrubbed %u times, last pfn %#llx",
			  guest_call_name(c), (unsigned long long)c->pfn,
			  scrub.n, (unsigned long long)scrub.pfn);
	guest_snap_take(&now, c->gi);
	if (now.tables > before->g[c->gi].tables + c->free_tables)
		fuzz_fail("%s: guest %d went from %llu to %llu tables, said it had %llu free",
			  guest_call_name(c), c->gi,
			  (unsigned long long)before->g[c->gi].tables,
			  (unsigned long long)now.tables,
			  (unsigned long long)c->free_tables);
	check_guests_unchanged(before->g, c->gi, guest_call_name(c), 0);
}

/* A failed call: the expected error, and nothing changed, nothing scrubbed. */
static void check_guest_failed(const struct guest_call *c, int ret,
			       const struct snap *before)
{
	check_unchanged(before, guest_call_name(c), ret);
	if (scrub.n)
		fuzz_fail("%s(%#llx) failed (%d) but scrubbed %u times",
			  guest_call_name(c), (unsigned long long)c->pfn, ret,
			  scrub.n);
}

/*
 * Undo a successful call at once with its inverse, at the same page and
 * frame: the states as before, the host stage-2's leaves and annotations
 * and the guest's leaves and LOST marks too, and
 * (FUZZ_CHECK_POOL_SYMMETRY) both pools and every table count. -ENOMEM
 * is fair for an inverse that maps (the guest's tables are counted worst
 * case) but must change nothing. A share over a LOST mark, unshared,
 * leaves the frame empty and perhaps a table fewer: there the guest's
 * side is left to check_all(), against the model.
 */
static void guest_undo(const struct guest_call *c, const struct snap *before,
		       bool over_lost)
{
	struct guest_call inv = *c;
	struct snap mid, now;
	bool exact, g_entries, g_pool;
	int ret;

	inv.op = guest_undo_op(c, over_lost);
	exact = !over_lost || guest_rules[inv.op].lost;
	snap_take(&mid);
	ret = guest_invoke(&inv);
	GSTAT(&inv, ret);
	if (ret == -ENOMEM && guest_rules[inv.op].maps) {
		check_guest_failed(&inv, ret, &mid);
		snap_drop(&mid);
		return;
	}
	if (ret)
		fuzz_fail("%s(%#llx, gfn %#llx) after %s: %d",
			  guest_call_name(&inv), (unsigned long long)c->pfn,
			  (unsigned long long)c->gfn, guest_call_name(c), ret);
	GSTAT_UNDONE(c->op);
	if (guest_maps_over_lost(&inv))
		GSTAT_OVER_LOST();
	if (guest_rules[inv.op].lost && over_lost)
		GSTAT_REMARKED();
	check_guest_done(&inv, &mid);
	guest_model_apply(&inv);
	if (!same_states(before))
		fuzz_fail("%s then %s(%#llx): states differ from before",
			  guest_call_name(c), guest_call_name(&inv),
			  (unsigned long long)c->pfn);
	snap_take(&now);
	g_entries = !exact || sig_equal(before->g[c->gi].s2, now.g[c->gi].s2);
	g_pool = !exact || guest_snap_equal(&before->g[c->gi], &now.g[c->gi]);
	if (!sig_equal(before->s2, now.s2) ||
	    !sig_equal(before->s2_ann, now.s2_ann) || !g_entries)
		fuzz_fail("%s then %s(%#llx): host leaves %s, annotations %s, guest entries %s",
			  guest_call_name(c), guest_call_name(&inv),
			  (unsigned long long)c->pfn,
			  sig_equal(before->s2, now.s2) ? "same" : "differ",
			  sig_equal(before->s2_ann, now.s2_ann) ? "same" : "differ",
			  g_entries ? "same" : "differ");
	if (FUZZ_CHECK_POOL_SYMMETRY &&
	    (before->free != now.free || before->reserved != now.reserved ||
	     before->s2_tables != now.s2_tables || !g_pool))
		fuzz_fail("FUZZ_CHECK_POOL_SYMMETRY: %s then %s(%#llx): pool free %llu -> %llu, reserved %llu -> %llu, host_s2 tables %llu -> %llu; guest %d free %llu -> %llu, tables %llu -> %llu",
			  guest_call_name(c), guest_call_name(&inv),
			  (unsigned long long)c->pfn,
			  (unsigned long long)before->free,
			  (unsigned long long)now.free,
			  (unsigned long long)before->reserved,
			  (unsigned long long)now.reserved,
			  (unsigned long long)before->s2_tables,
			  (unsigned long long)now.s2_tables, c->gi,
			  (unsigned long long)before->g[c->gi].free,
			  (unsigned long long)now.g[c->gi].free,
			  (unsigned long long)before->g[c->gi].tables,
			  (unsigned long long)now.g[c->gi].tables);
	snap_drop(&now);
	snap_drop(&mid);
}

static void do_guest(struct guest_call *c, bool undo_it)
{
	bool may_need_memory, over_lost;
	struct snap before;
	int want, ret;

	snap_take(&before);
	guest_tell_free(c);
	want = guest_verdict(c, &may_need_memory);
	ret = guest_invoke(c);
	STAT(OP_GUEST, ret);
	GSTAT(c, ret);
	if (ret != want && !(ret == -ENOMEM && !want && may_need_memory))
		fuzz_fail("%s(guest %d, pfn %#llx, gfn %#llx) = %d, want %d",
			  guest_call_name(c), c->gi, (unsigned long long)c->pfn,
			  (unsigned long long)c->gfn, ret, want);
	if (ret) {
		check_guest_failed(c, ret, &before);
	} else {
		over_lost = guest_maps_over_lost(c);
		if (over_lost)
			GSTAT_OVER_LOST();
		check_guest_done(c, &before);
		guest_model_apply(c);
		/*
		 * Only where the inverse leads back to the state before: a
		 * donation gives a returned or reclaimed page back as
		 * GUEST_OWNED, never as GUEST_SHARED_HOST.
		 */
		if (undo_it &&
		    guest_rules[guest_undo_op(c, over_lost)].to ==
		    before.pages[c->pfn - env.o.first_pfn].state)
			guest_undo(c, &before, over_lost);
	}
	snap_drop(&before);
}

/* ---- decoding the input ---- */

/* A pfn near a region (its edges included), or anywhere near the span. */
static u64 pick_pfn(u16 sel)
{
	const struct layout *l = env.lay;
	u32 r = sel % (l->nr + 1);
	u64 base, n;

	sel /= l->nr + 1;
	if (r == l->nr) {
		base = env.o.first_pfn - 16;
		n = env.o.nr_pfns + 32;
	} else {
		base = l->ram[r].base / SZ_4K - 8;
		n = l->ram[r].size / SZ_4K + 16;
	}
	return base + sel % n;
}

/* Mostly a few pages; sometimes none, hundreds, or a range that wraps. */
static void pick_range(u8 b, u64 *pfn, u64 *nr)
{
	switch (b >> 5) {
	case 0:
		*nr = 0;
		break;
	case 1:
		*nr = 1 + (b & 31) * 24;	/* up to 745: across blocks */
		break;
	case 2:
		*pfn = ~0ULL - (b & 3);
		*nr = 8;
		break;
	case 3:
		*nr = ~0ULL - *pfn + 1 + (b & 3);
		break;
	default:
		*nr = 1 + (b & 7);
		break;
	}
}

/* The @n-th page (modulo their number) the model puts in guest @gi, or any. */
static bool nth_guest_page(s32 gi, bool any, u64 n, u64 *pfn)
{
	u64 i, count = 0;

	for (i = 0; i < env.o.nr_pfns; i++)
		count += any ? env.at[i].guest >= 0 : env.at[i].guest == gi;
	if (!count)
		return false;
	n %= count;
	for (i = 0; i < env.o.nr_pfns; i++) {
		if (any ? env.at[i].guest < 0 : env.at[i].guest != gi)
			continue;
		if (!n--)
			break;
	}
	*pfn = env.o.first_pfn + i;
	return true;
}

/*
 * A page for a guest call: anywhere near RAM (its holes and edges too),
 * one of this guest's, one of any guest's, or far off RAM: the last page,
 * one whose address wraps to RAM's first (bit 52), just below RAM, 0.
 */
static u64 pick_guest_pfn(u8 mode, u16 sel, s32 gi)
{
	u64 pfn = pick_pfn(sel);

	switch (mode) {
	case 3:
	case 4:
		nth_guest_page(gi, false, sel, &pfn);
		return pfn;
	case 5:
		nth_guest_page(gi, true, sel, &pfn);
		return pfn;
	case 7: {
		const u64 far[4] = {
			~0ULL, 1ULL << 52 | env.o.first_pfn,
			env.o.first_pfn - 1 - (sel >> 2) % 8, 0,
		};

		return far[sel & 3];
	}
	default:
		return pfn;
	}
}

/* Where a page is in a guest, or would be by default. */
static u64 natural_gfn(u64 pfn)
{
	u64 i = pfn - env.o.first_pfn;

	if (pfn < env.o.first_pfn || i >= env.o.nr_pfns)
		return GFN_BASE + (pfn & 0xfff);
	return env.at[i].guest >= 0 ? env.at[i].gfn : GFN_BASE + i;
}

/*
 * A frame for a guest call: the page's own (mostly), another page's of
 * this guest (taken), one of its LOST marks, a neighbour of its own, the
 * guest's last frame or just beyond, or values a caller may get wrong:
 * all ones, one whose address wraps (bit 52), one past the annotation's
 * 36 frame bits, the page's address rather than its frame, bit 63, 0, a
 * 2 MiB frame number taken for a 4 KiB one, twice the limit.
 */
static u64 pick_gfn(u8 b, s32 gi, u64 pfn)
{
	u64 nat = natural_gfn(pfn), q = b & 31, taken;
	u32 ia = gi >= 0 ? env.guest[gi].s2.ia_bits : 32;
	u64 limit = 1ULL << (ia - 12);

	switch (b >> 5) {
	case 3:
		/*
		 * From 16: one of the guest's LOST marks, whichever page
		 * left it (a page's own frame reaches only its own).
		 */
		if (q >= 16 && gi >= 0 && env.guest[gi].nr_lost)
			return env.guest[gi].lost[(q - 16) %
						  env.guest[gi].nr_lost];
		if (nth_guest_page(gi, false, q, &taken))
			return place_of(taken)->gfn;
		return nat;
	case 4:
		return nat + q - 16;
	case 5:
		return limit - 1 - q;
	case 6:
		return limit + q;
	case 7: {
		const u64 odd[8] = {
			~0ULL, 1ULL << 52 | nat, 1ULL << 36, pfn << 12,
			1ULL << 63, 0, nat << 9, limit << 1,
		};

		return odd[q & 7];
	}
	default:
		return nat;
	}
}

/*
 * A guest op: bits 0-3 of its last byte the op (12 to 15: no such op,
 * op -1, no guest, a guest without its stage-2), bit 4 the guest, bits
 * 5-7 how to pick the page (pick_guest_pfn()); the range byte picks the
 * frame (pick_gfn()). The page goes through the range slots like any.
 */
static void guest_step(const uint8_t *d, struct range_slot *slot)
{
	u8 sel = d[5] & 15;
	struct guest_call c = {
		.op = sel < 12 ? sel % OWN_NR_GUEST_OPS : OWN_HOST_DONATE_GUEST,
		.gi = (d[5] >> 4 & 1) % env.nr_guests,
	};

	if (sel == 12)
		c.op = OWN_NR_GUEST_OPS;
	else if (sel == 13)
		c.op = -1;
	if ((d[4] & 8) && slot->nr)
		c.pfn = slot->pfn;
	else
		c.pfn = pick_guest_pfn(d[5] >> 5, d[1] | d[2] << 8, c.gi);
	c.gfn = pick_gfn(d[3], c.gi, c.pfn);
	if (sel == 14)
		c.gi = -1;
	c.no_s2 = sel == 15;
	slot->pfn = c.pfn;
	slot->nr = 1;
	do_guest(&c, !(d[4] & 0x30));
}

/*
 * One op from OP_BYTES bytes: op, pfn (2), range, flags, fault address
 * (or, for host_set_prot, the @prot; for a guest op, see guest_step()).
 * Ranges go through four slots: an op either picks a new range into its
 * slot or reuses the slot's last one (flags bit 3), so sequences such as
 * donate, share to the host, unshare, reclaim of the same pages are common
 * rather than a lucky accident. Every op but a guest's must leave the
 * guests alone, and none but a guest's return may scrub.
 */
static void step(const uint8_t *d)
{
	static struct range_slot slot[4];
	struct guest_snap guests[MAX_GUESTS];
	enum op t = d[0] % NR_OPS;
	unsigned int k = (d[4] >> 1) & 3;
	u64 pfn = pick_pfn(d[1] | d[2] << 8), nr;
	u32 i;

	if (cur_op == 0)
		memset(slot, 0, sizeof(slot));
	scrub.n = 0;
	if (t == OP_GUEST) {
		guest_step(d, &slot[k]);
		check_all();
		return;
	}
	for (i = 0; i < env.nr_guests; i++)
		guest_snap_take(&guests[i], i);
	pick_range(d[3], &pfn, &nr);
	if ((d[4] & 8) && slot[k].nr) {
		pfn = slot[k].pfn;
		nr = slot[k].nr;
	}
	slot[k].pfn = pfn;
	slot[k].nr = nr;
	switch (t) {
	case OP_BUILD_S2:
		do_build_s2();
		break;
	case OP_FAULT:
		do_fault(fault_addr(pfn, d[5]));
		break;
	case OP_SET_PROT:
		do_set_prot(pfn, nr, d[5], !(d[4] & 0x30));
		break;
	default:
		do_transition(t, pfn, nr, !(d[4] & 0x30));
		break;
	}
	check_guests_unchanged(guests, -1, op_name[t], 0);
	if (scrub.n)
		fuzz_fail("%s scrubbed %u pages", op_name[t], scrub.n);
	check_all();
}

#ifdef FUZZ_STATS
static void print_stats(void)
{
	int t;

	for (t = 0; t < NR_OPS; t++)
		fprintf(stderr, "stats: %-28s %8lu ok %8lu failed\n",
			op_name[t], nr_ok[t], nr_err[t]);
	for (t = 0; t <= OWN_NR_GUEST_OPS; t++)
		fprintf(stderr, "stats: %-28s %8lu ok %8lu undone, failed: %lu EINVAL %lu EPERM %lu EEXIST %lu ENOMEM (guest tables) %lu ENOMEM (host slot)\n",
			guest_op_name[t], g_ok[t],
			t < OWN_NR_GUEST_OPS ? g_undone[t] : 0, g_err[t][0],
			g_err[t][1], g_err[t][2], g_err[t][3], g_err[t][4]);
	fprintf(stderr, "stats: scrubbed %lu pages\n", nr_scrubbed);
	fprintf(stderr, "stats: mapped over a LOST mark %lu times, %lu donations undone by a reclaim\n",
		nr_over_lost, nr_remarked);
	/* a run whose guest calls all fail checked little of them: say so */
	fprintf(stderr, "stats: guest ops that never succeeded:");
	for (t = 0; t < OWN_NR_GUEST_OPS; t++)
		if (!g_ok[t])
			fprintf(stderr, " %s", guest_op_name[t]);
	fprintf(stderr, "\n");
}

int LLVMFuzzerInitialize(int *argc, char ***argv);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	atexit(print_stats);
	return 0;
}
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct layout *lay;
	u64 pool_pages;
	u8 cfg, gcfg[2];
	int ret;

	if (size < 3)
		return 0;
	cfg = data[0];
	gcfg[0] = data[1];
	gcfg[1] = data[2];
	data += 3;
	size -= 3;
	lay = &layouts[cfg % 3];
	/* a roomy pool, or one small enough to run dry */
	pool_pages = cfg & 0x80 ? 256 : 2 + (cfg >> 2) % 24;
	ret = env_up(lay, pool_pages);
	if (ret) {
		fprintf(stderr, "fuzz_ownership: own_init: %d\n", ret);
		abort();
	}
	guests_up(gcfg[0], gcfg[1]);
	cur_op = -1;
	check_all();
	if (cfg & 0x40)
		do_build_s2();
	for (cur_op = 0; cur_op < MAX_OPS && size >= OP_BYTES; cur_op++) {
		step(data);
		data += OP_BYTES;
		size -= OP_BYTES;
	}
	env_down();
	return 0;
}
