// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer entry point for lib/ownership.c: the input picks a fake RAM
 * layout (several regions, edges off the 2 MiB and 1 GiB lines) and a pool
 * size, then drives a sequence of ownership transitions, module
 * restrictions of host pages (own_host_set_prot), host stage-2 builds and
 * stage-2 faults. After every step it checks:
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
 *    undone by its lift also gives back the stage-2's leaves and tables.
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
 * -DFUZZ_STATS: count the calls of each op that succeeded and failed, and
 * print them at exit, to see that the inputs reach the interesting states
 * (a fuzzer whose calls all fail checks little).
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
	if (!span || !e->pool_mem || !e->pages || !e->s1_prot || !e->s2_prot ||
	    !e->ram)
		abort();
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

static void env_down(void)
{
	struct fuzz_env *e = &env;

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

/* What each table must hold for a page, as ownership.h tabulates it. */
static CHECKER u32 want_s1(const struct hyp_page *p)
{
	if (p->state == PAGE_HOST_OWNED)
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
		return PGT_PROT_RWX;
	case PAGE_HYP_SHARED:
		return PGT_PROT_R;
	default:
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

static void check_all(void)
{
	check_counts();
	check_unit_counters();
	check_host_prot();
	check_tables();
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

struct snap {
	struct hyp_page *pages;
	u64 nr_in_state[PAGE_STATE_COUNT];
	struct leaf_sig s1, s2;
	u64 free, reserved;
	u64 s1_tables, s2_tables;	/* to say which table kept pages */
};

static CHECKER void snap_take(struct snap *s)
{
	size_t n = env.o.nr_pfns * sizeof(*env.o.pages);

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

static void check_unchanged(const struct snap *s, const char *what, int ret)
{
	struct snap now;

	if (!same_states(s))
		fuzz_fail("%s failed (%d) but changed page states", what, ret);
	snap_take(&now);
	if (!sig_equal(s->s1, now.s1) || !sig_equal(s->s2, now.s2))
		fuzz_fail("%s failed (%d) but changed the tables", what, ret);
	if (s->free != now.free)
		fuzz_fail("%s failed (%d) but the pool went from %llu to %llu free",
			  what, ret, (unsigned long long)s->free,
			  (unsigned long long)now.free);
	snap_drop(&now);
}

/* ---- transitions ---- */

enum op {
	OP_DONATE_R, OP_DONATE_C, OP_DONATE_PRIV, OP_HYP_DONATE_HOST,
	OP_RECLAIM, OP_CLAIM, OP_SHARE, OP_UNSHARE, OP_HYP_SHARE,
	OP_HYP_UNSHARE, OP_PIN, OP_UNPIN, OP_MARK_BOOT, NR_TRANSITIONS,
	OP_BUILD_S2 = NR_TRANSITIONS, OP_FAULT, OP_SET_PROT, NR_OPS
};

static const char *const op_name[NR_OPS] = {
	"host_donate_hyp(reclaimable)", "host_donate_hyp",
	"host_donate_hyp_private", "hyp_donate_host", "host_reclaim",
	"hyp_claim", "host_share_hyp", "host_unshare_hyp", "hyp_share_host",
	"hyp_unshare_host", "pin_shared", "unpin_shared", "mark_hyp_boot",
	"build_host_s2", "host_s2_fault", "host_set_prot",
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

/*
 * One op from OP_BYTES bytes: op, pfn (2), range, flags, fault address
 * (or, for host_set_prot, the @prot).
 * Ranges go through four slots: an op either picks a new range into its
 * slot or reuses the slot's last one (flags bit 3), so sequences such as
 * donate, share to the host, unshare, reclaim of the same pages are common
 * rather than a lucky accident.
 */
static void step(const uint8_t *d)
{
	static struct { u64 pfn, nr; } slot[4];
	enum op t = d[0] % NR_OPS;
	unsigned int k = (d[4] >> 1) & 3;
	u64 pfn = pick_pfn(d[1] | d[2] << 8), nr;

	pick_range(d[3], &pfn, &nr);
	if (cur_op == 0)
		memset(slot, 0, sizeof(slot));
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
	check_all();
}

#ifdef FUZZ_STATS
static void print_stats(void)
{
	int t;

	for (t = 0; t < NR_OPS; t++)
		fprintf(stderr, "stats: %-28s %8lu ok %8lu failed\n",
			op_name[t], nr_ok[t], nr_err[t]);
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
	u8 cfg;
	int ret;

	if (size < 1)
		return 0;
	cfg = data[0];
	data++;
	size--;
	lay = &layouts[cfg % 3];
	/* a roomy pool, or one small enough to run dry */
	pool_pages = cfg & 0x80 ? 256 : 2 + (cfg >> 2) % 24;
	ret = env_up(lay, pool_pages);
	if (ret) {
		fprintf(stderr, "fuzz_ownership: own_init: %d\n", ret);
		abort();
	}
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
