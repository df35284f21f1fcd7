// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests for lib/ownership.c: every transition from every state (a
 * module's restriction of a host page included, and a guest's pages),
 * with the page states, the per-state and per-unit counters, both page
 * tables and the guest's stage-2 re-checked after each call, plus a
 * random differential test against a model.
 */
#include <string.h>
#include "tap.h"
#include "fake_mm.h"
#include <pkvmkit/ownership.h>

#define SZ_4K		0x1000ULL
#define SZ_2M		0x200000ULL
#define SZ_1G		0x40000000ULL
#define POOL_PAGES	1024
#define IA_BITS		40

/* Two RAM regions with a hole: [1G, 1G + 8M) and [1G + 12M, 1G + 14M). */
#define RAM_A		SZ_1G
#define RAM_A_SIZE	(8 * 0x100000ULL)
#define RAM_B		(SZ_1G + 12 * 0x100000ULL)
#define RAM_B_SIZE	(2 * 0x100000ULL)
#define PFN(a)		((a) >> 12)
#define WIN_LO		(PFN(RAM_A) - 16)
#define WIN_HI		(PFN(RAM_B + RAM_B_SIZE) + 16)

static const struct own_ram_region layout[2] = {
	{ RAM_B, RAM_B_SIZE },	/* deliberately unsorted */
	{ RAM_A, RAM_A_SIZE },
};

static void *pool_mem;
static struct page_pool pool;
static struct pgt hyp_s1, host_s2;
static struct ownership o;
static struct hyp_page *pages;
/* The layout the current fixture was built with. */
static const struct own_ram_region *cur_ram;
static u32 cur_nr_ram;

static void *t_zalloc(void *arg)
{
	return pool_alloc_page(arg);
}

static void t_free(void *arg, void *va)
{
	if (pool_free_page(arg, va))
		abort();
}

static struct pgt_mm_ops pool_ops = {
	.zalloc_page = t_zalloc,
	.free_page = t_free,
	.virt_to_phys = fake_v2p,
	.phys_to_virt = fake_p2v,
	.tlb_inval = NULL,
	.arg = &pool,
};

/* The host stage-2 lives on its reservation, as at EL2. */
static void *t_zalloc_reserved(void *arg)
{
	return pool_alloc_reserved(arg);
}

static void t_free_reserved(void *arg, void *va)
{
	if (pool_free_reserved(arg, va))
		abort();
}

static struct pgt_mm_ops s2_ops = {
	.zalloc_page = t_zalloc_reserved,
	.free_page = t_free_reserved,
	.virt_to_phys = fake_v2p,
	.phys_to_virt = fake_p2v,
	.tlb_inval = NULL,
	.arg = &pool,
};

/* Input range of the host stage-2 the fixtures build. */
static u32 s2_ia_bits = IA_BITS;

/*
 * The DMA mirror, on a pool of exactly own_dma_tables_bound() pages (as
 * the driver allocates it), and a hypervisor device range in the hole
 * between the two RAM regions.
 */
#define HYP_DEV		(RAM_A + RAM_A_SIZE + 0x100000ULL)
#define HYP_DEV_SIZE	0x2000ULL
static void *dpool_mem;
static struct page_pool dpool;
static struct pgt dma_s2;
static u64 nr_dma_syncs;

static void t_dma_sync(void *arg)
{
	(void)arg;
	nr_dma_syncs++;
}

static struct pgt_mm_ops dma_ops = {
	.zalloc_page = t_zalloc,
	.free_page = t_free,
	.virt_to_phys = fake_v2p,
	.phys_to_virt = fake_p2v,
	.tlb_inval = NULL,
	.arg = &dpool,
};

/*
 * One guest: its stage-2 on a pool of its own (as a VM's tables come from
 * the memory its host gave it), and each RAM page's one frame there.
 */
#define GUEST_ID		7
#define GUEST_POOL_PAGES	256
static void *gpool_mem;
static struct page_pool gpool;
static struct pgt guest_s2;
static u64 nr_scrubs;
static bool scrub_order_ok = true;

static u64 gfn_of(u64 pfn)
{
	return pfn - WIN_LO + 0x40;
}

/*
 * A return scrubs the page after the guest lost it and before the host
 * has it (unless the guest had shared it with the host): check both
 * where the library calls it.
 */
static void t_scrub(void *arg, u64 pfn)
{
	bool was_shared = o.pages[pfn - o.first_pfn].state ==
			  PAGE_GUEST_SHARED_HOST;

	(void)arg;
	nr_scrubs++;
	if (!pgt_lookup(&guest_s2, gfn_of(pfn) << 12, NULL, NULL, NULL) ||
	    (!was_shared && !pgt_lookup(&host_s2, pfn << 12, NULL, NULL, NULL)))
		scrub_order_ok = false;
}

static struct pgt_mm_ops guest_ops = {
	.zalloc_page = t_zalloc,
	.free_page = t_free,
	.virt_to_phys = fake_v2p,
	.phys_to_virt = fake_p2v,
	.tlb_inval = NULL,
	.arg = &gpool,
};

static struct own_guest guest = {
	.s2 = &guest_s2, .id = GUEST_ID, .scrub = t_scrub,
};

static int guest_call_at(enum own_guest_op op, u64 pfn, u64 gfn)
{
	guest.free_tables = pool_nr_free(&gpool);
	return own_guest_transition(&o, op, &guest, pfn, gfn);
}

static int guest_call(enum own_guest_op op, u64 pfn)
{
	return guest_call_at(op, pfn, gfn_of(pfn));
}

static void fixture_down(void)
{
	if (o.dma_s2) {
		pgt_destroy(&dma_s2);
		if (dpool.nr_free != dpool.nr_pages)
			FAIL("the DMA mirror's pool leaked %llu pages",
			     (unsigned long long)(dpool.nr_pages - dpool.nr_free));
	}
	free(dpool_mem);
	dpool_mem = NULL;
	memset(&dma_s2, 0, sizeof(dma_s2));
	if (o.host_s2 || host_s2.root) {
		pgt_destroy(&host_s2);
		pool_unreserve(&pool, o.s2_slots);
	}
	pgt_destroy(&hyp_s1);
	pgt_destroy(&guest_s2);
	if (gpool.nr_free != gpool.nr_pages)
		FAIL("the guest's pool leaked %llu pages",
		     (unsigned long long)(gpool.nr_pages - gpool.nr_free));
	free(gpool_mem);
	gpool_mem = NULL;
	memset(&guest_s2, 0, sizeof(guest_s2));
	if (pool.nr_free != pool.nr_pages || pool_nr_reserved(&pool))
		FAIL("pool leaked %llu pages, %llu left reserved",
		     (unsigned long long)(pool.nr_pages - pool.nr_free),
		     (unsigned long long)pool_nr_reserved(&pool));
	free(pages);
	free(pool_mem);
	memset(&o, 0, sizeof(o));
	memset(&host_s2, 0, sizeof(host_s2));
	pages = NULL;
	pool_mem = NULL;
}

static int fixture_up(const struct own_ram_region *ram, u32 nr_ram,
		      u64 pool_pages)
{
	u64 meta = own_meta_size(ram, nr_ram);
	int ret;

	pool_mem = aligned_alloc(4096, pool_pages * 4096);
	gpool_mem = aligned_alloc(4096, GUEST_POOL_PAGES * 4096);
	pages = calloc(1, meta ? meta : 1);
	if (!pool_mem || !pages || !gpool_mem)
		abort();
	pool_init(&pool, pool_mem, pool_pages);
	pool_init(&gpool, gpool_mem, GUEST_POOL_PAGES);
	if (pgt_init(&guest_s2, PGT_STAGE2, IA_BITS, &guest_ops))
		abort();
	memset(&host_s2, 0, sizeof(host_s2));
	cur_ram = ram;
	cur_nr_ram = nr_ram;
	ret = pgt_init(&hyp_s1, PGT_STAGE1_EL2, IA_BITS, &pool_ops);
	if (ret)
		return ret;
	hyp_s1.flags = PGT_F_PAGES_ONLY;
	return own_init(&o, pages, meta, ram, nr_ram, &hyp_s1, &pool);
}

static int build_s2(void)
{
	return own_build_host_s2(&o, &host_s2, s2_ia_bits, &s2_ops);
}

/* The mirror on a pool of @extra pages more (or fewer) than the bound. */
static int build_dma(long extra)
{
	u64 n = own_dma_tables_bound(o.ram, o.nr_ram, o.nr_hyp_dev) + extra;

	dpool_mem = aligned_alloc(4096, n * 4096);
	if (!dpool_mem)
		abort();
	pool_init(&dpool, dpool_mem, n);
	return own_build_dma_mirror(&o, &dma_s2, s2_ia_bits, &dma_ops,
				    t_dma_sync, NULL);
}

static bool is_hyp_dev(u64 pfn)
{
	return o.nr_hyp_dev && (pfn << 12) - HYP_DEV < HYP_DEV_SIZE;
}

/* ---- consistency of states, counters and both tables ---- */

static bool is_ram(u64 pfn)
{
	u64 a = pfn << 12;
	u32 i;

	for (i = 0; i < cur_nr_ram; i++)
		if (a >= cur_ram[i].base && a - cur_ram[i].base < cur_ram[i].size)
			return true;
	return false;
}

/* What the header's state table says each table should hold. */
static bool is_guest_state(u32 state)
{
	return state == PAGE_GUEST_OWNED || state == PAGE_HOST_SHARED_GUEST ||
	       state == PAGE_GUEST_SHARED_HOST;
}

static int want_s1(const struct hyp_page *p)
{
	if (p->state == PAGE_HOST_OWNED || is_guest_state(p->state))
		return 0;
	if (p->state == PAGE_HOST_SHARED)
		return PGT_PROT_RW;
	return (p->boot || p->priv) ? 0 : PGT_PROT_RW;
}

/* A module's restriction, as own_host_set_prot() documents it. */
static int restricted_prot(u32 host_prot)
{
	switch (host_prot) {
	case OWN_HOST_UNRESTRICTED:	return PGT_PROT_RWX;
	case OWN_HOST_PROT_NONE:	return 0;
	case OWN_HOST_PROT_R:		return PGT_PROT_R;
	case OWN_HOST_PROT_RW:		return PGT_PROT_RW;
	case OWN_HOST_PROT_RX:		return PGT_PROT_RX;
	default:			return -1;	/* never matches */
	}
}

static int want_s2(const struct hyp_page *p)
{
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
	default:
		return 0;
	}
}

/*
 * The guest's side of a page: its frame maps the page RWX exactly when the
 * page is in a guest state, and a page the guest owns carries its mark in
 * the host stage-2.
 */
static bool check_guest_page(u64 pfn, const struct hyp_page *p, int line)
{
	u64 pa = 0, gfn = 0;
	u32 prot = 0;
	u16 id = 0;
	int ret = pgt_lookup(&guest_s2, gfn_of(pfn) << 12, &pa, &prot, NULL);
	bool ok;

	if (is_guest_state(p->state))
		ok = !ret && pa == pfn << 12 && prot == PGT_PROT_RWX;
	else
		ok = ret == -ENOENT;
	if (p->state == PAGE_GUEST_OWNED)
		ok &= !own_guest_page_owner(&o, pfn, &id, &gfn) &&
		      id == GUEST_ID && gfn == gfn_of(pfn);
	else if (o.host_s2)
		ok &= own_guest_page_owner(&o, pfn, &id, &gfn) == -ENOENT;
	if (!ok)
		tap_diag(__FILE__, line, "guest side of pfn %#llx (state %u): "
			 "lookup %d pa %#llx prot %#x, owner %u gfn %#llx",
			 (unsigned long long)pfn, p->state, ret,
			 (unsigned long long)pa, prot, id,
			 (unsigned long long)gfn);
	return ok;
}

static bool check_map(const struct pgt *t, u64 addr, u32 want, int line)
{
	u64 pa = 0;
	u32 prot = 0;
	int ret = pgt_lookup(t, addr, &pa, &prot, NULL);

	if (!want ? ret == -ENOENT : (!ret && pa == addr && prot == want))
		return true;
	tap_diag(__FILE__, line, "%s %#llx: ret %d pa %#llx prot %#x, want "
		 "prot %#x", t == &hyp_s1 ? "hyp_s1" : "host_s2",
		 (unsigned long long)addr, ret, (unsigned long long)pa, prot,
		 want);
	return false;
}

static bool check_slots(int line);

/* Check every page of [lo, hi) and the counters. */
static bool check_window(u64 lo, u64 hi, int line)
{
	u64 count[PAGE_STATE_COUNT] = { 0 };
	u64 pfn, i, used;
	bool ok = true;

	for (pfn = lo; pfn < hi && ok; pfn++) {
		u64 a = pfn << 12;
		enum page_state st;

		const struct hyp_page *p;

		if (!is_ram(pfn)) {
			ok &= own_page_state(&o, pfn, &st) == -EINVAL;
			ok &= check_map(&hyp_s1, a, 0, line);
			/* device space is mapped on demand only */
			if (o.host_s2)
				ok &= check_map(&host_s2, a, 0, line);
			/* in the mirror from the start, but the hyp's own */
			if (o.dma_s2)
				ok &= check_map(&dma_s2, a, is_hyp_dev(pfn) ? 0 :
						PGT_PROT_RW | PGT_PROT_DEVICE,
						line);
			continue;
		}
		p = &o.pages[pfn - o.first_pfn];
		ok &= own_page_state(&o, pfn, &st) == 0 && st == p->state;
		ok &= check_map(&hyp_s1, a, want_s1(p), line);
		if (o.host_s2)
			ok &= check_map(&host_s2, a, want_s2(p), line);
		/* devices reach what the host reaches, never to execute */
		if (o.dma_s2)
			ok &= check_map(&dma_s2, a, want_s2(p) & PGT_PROT_RW,
					line);
		ok &= check_guest_page(pfn, p, line);
	}
	for (pfn = 0; pfn < o.nr_pfns; pfn++)
		if (is_ram(o.first_pfn + pfn))
			count[o.pages[pfn].state]++;
	for (i = 0; i < PAGE_STATE_COUNT; i++)
		if (count[i] != o.nr_in_state[i]) {
			tap_diag(__FILE__, line, "nr_in_state[%llu] %llu, "
				 "counted %llu", (unsigned long long)i,
				 (unsigned long long)o.nr_in_state[i],
				 (unsigned long long)count[i]);
			ok = false;
		}
	if (o.dma_s2 && pgt_nr_tables(&dma_s2) + dpool.nr_free != dpool.nr_pages) {
		tap_diag(__FILE__, line, "DMA pool: %llu free + %llu tables != %llu",
			 (unsigned long long)dpool.nr_free,
			 (unsigned long long)pgt_nr_tables(&dma_s2),
			 (unsigned long long)dpool.nr_pages);
		ok = false;
	}
	used = pgt_nr_tables(&hyp_s1) + (o.host_s2 ? pgt_nr_tables(&host_s2) : 0);
	if (used + pool.nr_free != pool.nr_pages) {
		tap_diag(__FILE__, line, "pool: %llu free + %llu tables != %llu",
			 (unsigned long long)pool.nr_free,
			 (unsigned long long)used,
			 (unsigned long long)pool.nr_pages);
		ok = false;
	}
	if (!ok)
		tap_diag(__FILE__, line, "inconsistent near pfn %#llx",
			 (unsigned long long)(pfn - 1));
	return check_slots(line) && ok;
}

/*
 * The per-unit counters of pages not mapped RWX for the host, recounted
 * from the pages (independently of the library's bookkeeping).
 */
static bool check_unit_counters(int line)
{
	u64 last = o.first_pfn + o.nr_pfns - 1, i;
	u64 n2 = (last >> 9) - (o.first_pfn >> 9) + 1;
	u64 n1 = (last >> 18) - (o.first_pfn >> 18) + 1;
	u32 *c2 = calloc(n2, sizeof(*c2)), *c1 = calloc(n1, sizeof(*c1));
	bool ok = true;

	if (!c2 || !c1)
		abort();
	for (i = 0; i < o.nr_pfns; i++) {
		u64 pfn = o.first_pfn + i;

		if (is_ram(pfn) && want_s2(&o.pages[i]) != PGT_PROT_RWX) {
			c2[(pfn >> 9) - (o.first_pfn >> 9)]++;
			c1[(pfn >> 18) - (o.first_pfn >> 18)]++;
		}
	}
	for (i = 0; i < n2 && ok; i++)
		if (c2[i] != o.not_rwx_in_2m[i]) {
			tap_diag(__FILE__, line, "2 MiB unit %llu: counter %u, "
				 "%u pages not RWX", (unsigned long long)i,
				 o.not_rwx_in_2m[i], c2[i]);
			ok = false;
		}
	for (i = 0; i < n1 && ok; i++)
		if (c1[i] != o.not_rwx_in_1g[i]) {
			tap_diag(__FILE__, line, "1 GiB unit %llu: counter %u, "
				 "%u pages not RWX", (unsigned long long)i,
				 o.not_rwx_in_1g[i], c1[i]);
			ok = false;
		}
	free(c2);
	free(c1);
	return ok;
}

/* The stage-2 reservation: exactly what the states need, all there. */
static bool check_slots(int line)
{
	bool ok = check_unit_counters(line);

	if (o.host_s2 && (o.s2_slots != own_s2_slots_needed(&o) ||
			  pgt_nr_tables(&host_s2) + pool_nr_reserved(&pool) !=
			  o.s2_slots)) {
		tap_diag(__FILE__, line, "stage-2 slots %llu, needed %llu, "
			 "tables %llu + reserved %llu",
			 (unsigned long long)o.s2_slots,
			 (unsigned long long)own_s2_slots_needed(&o),
			 (unsigned long long)pgt_nr_tables(&host_s2),
			 (unsigned long long)pool_nr_reserved(&pool));
		ok = false;
	}
	if (!o.host_s2 && pool_nr_reserved(&pool)) {
		tap_diag(__FILE__, line, "reserved %llu without a stage-2",
			 (unsigned long long)pool_nr_reserved(&pool));
		ok = false;
	}
	return ok;
}

#define CHECK_ALL()	check_window(WIN_LO, WIN_HI, __LINE__)

/* ---- snapshots for "nothing changed" ---- */

struct snap {
	struct hyp_page *pages;
	u64 nr_in_state[PAGE_STATE_COUNT];
	struct leaves s1, s2;
	u64 free, reserved;
};

static void snap_take(struct snap *s)
{
	s->pages = malloc(o.nr_pfns * sizeof(*pages));
	memcpy(s->pages, o.pages, o.nr_pfns * sizeof(*pages));
	memcpy(s->nr_in_state, o.nr_in_state, sizeof(s->nr_in_state));
	s->s1 = leaves_of(&hyp_s1);
	memset(&s->s2, 0, sizeof(s->s2));
	if (o.host_s2)
		s->s2 = leaves_of(&host_s2);
	s->free = pool_nr_free(&pool);
	s->reserved = pool_nr_reserved(&pool);
}

static bool snap_same(struct snap *s)
{
	struct snap now;
	bool same;

	snap_take(&now);
	same = !memcmp(s->pages, now.pages, o.nr_pfns * sizeof(*pages)) &&
	       !memcmp(s->nr_in_state, now.nr_in_state,
		       sizeof(s->nr_in_state)) &&
	       leaves_equal(&s->s1, &now.s1) &&
	       leaves_equal(&s->s2, &now.s2) && s->free == now.free &&
	       s->reserved == now.reserved;
	free(now.pages);
	leaves_free(&now.s1);
	leaves_free(&now.s2);
	return same;
}

static void snap_drop(struct snap *s)
{
	free(s->pages);
	leaves_free(&s->s1);
	leaves_free(&s->s2);
}

/* ---- the transition matrix ---- */

enum kind { HO, HS0, HSP, YOR, YOC, YOB, YS, HR, GO, HSG, GSH, NR_KINDS };
static const char *const kind_name[] = {
	"HOST_OWNED", "HOST_SHARED", "HOST_SHARED(pinned)",
	"HYP_OWNED(reclaimable)", "HYP_OWNED(claimed)", "HYP_OWNED(boot)",
	"HYP_SHARED", "HOST_OWNED(restricted R)", "GUEST_OWNED",
	"HOST_SHARED_GUEST", "GUEST_SHARED_HOST",
};

static bool kind_is_guest(enum kind k)
{
	return k >= GO;
}

/* own_host_set_prot() is five "transitions", one per @prot. */
enum tr {
	T_DONATE_HYP_R, T_DONATE_HYP_C, T_HYP_DONATE_HOST, T_RECLAIM,
	T_CLAIM, T_SHARE_HYP, T_UNSHARE_HYP, T_HYP_SHARE, T_HYP_UNSHARE,
	T_PIN, T_UNPIN, T_MARK_BOOT, T_RESTRICT_NONE, T_RESTRICT_R,
	T_RESTRICT_RW, T_RESTRICT_RX, T_LIFT,
	/* the guest's, one page each, at its frame gfn_of(pfn) */
	T_DONATE_GUEST, T_SHARE_GUEST, T_UNSHARE_GUEST, T_GUEST_SHARE,
	T_GUEST_UNSHARE, T_GUEST_RETURN, T_RECLAIM_GUEST, NR_TR
};
static const char *const tr_name[] = {
	"host_donate_hyp(reclaimable)", "host_donate_hyp", "hyp_donate_host",
	"host_reclaim", "hyp_claim", "host_share_hyp", "host_unshare_hyp",
	"hyp_share_host", "hyp_unshare_host", "pin_shared", "unpin_shared",
	"mark_hyp_boot", "host_set_prot(none)", "host_set_prot(R)",
	"host_set_prot(RW)", "host_set_prot(RX)", "host_set_prot(RWX)",
	"host_donate_guest", "host_share_guest", "host_unshare_guest",
	"guest_share_host", "guest_unshare_host", "guest_return_host",
	"host_reclaim_guest",
};

static bool tr_is_guest(enum tr t)
{
	return t >= T_DONATE_GUEST;
}

static const enum own_guest_op tr_guest_op[] = {
	[T_DONATE_GUEST] = OWN_HOST_DONATE_GUEST,
	[T_SHARE_GUEST] = OWN_HOST_SHARE_GUEST,
	[T_UNSHARE_GUEST] = OWN_HOST_UNSHARE_GUEST,
	[T_GUEST_SHARE] = OWN_GUEST_SHARE_HOST,
	[T_GUEST_UNSHARE] = OWN_GUEST_UNSHARE_HOST,
	[T_GUEST_RETURN] = OWN_GUEST_RETURN_HOST,
	[T_RECLAIM_GUEST] = OWN_HOST_RECLAIM_GUEST,
};

static bool tr_is_set_prot(enum tr t)
{
	return t >= T_RESTRICT_NONE && t <= T_LIFT;
}

/* The @prot of a set_prot "transition", and the restriction it leaves. */
static const u32 tr_prot[] = {
	[T_RESTRICT_NONE] = 0, [T_RESTRICT_R] = PGT_PROT_R,
	[T_RESTRICT_RW] = PGT_PROT_RW, [T_RESTRICT_RX] = PGT_PROT_RX,
	[T_LIFT] = PGT_PROT_RWX,
};
static const u8 tr_host_prot[] = {
	[T_RESTRICT_NONE] = OWN_HOST_PROT_NONE, [T_RESTRICT_R] = OWN_HOST_PROT_R,
	[T_RESTRICT_RW] = OWN_HOST_PROT_RW, [T_RESTRICT_RX] = OWN_HOST_PROT_RX,
	[T_LIFT] = OWN_HOST_UNRESTRICTED,
};

static int call(enum tr t, u64 pfn, u64 nr)
{
	switch (t) {
	case T_DONATE_HYP_R:	return own_host_donate_hyp(&o, pfn, nr, true);
	case T_DONATE_HYP_C:	return own_host_donate_hyp(&o, pfn, nr, false);
	case T_HYP_DONATE_HOST:	return own_hyp_donate_host(&o, pfn, nr);
	case T_RECLAIM:		return own_host_reclaim(&o, pfn, nr);
	case T_CLAIM:		return own_hyp_claim(&o, pfn, nr);
	case T_SHARE_HYP:	return own_host_share_hyp(&o, pfn, nr);
	case T_UNSHARE_HYP:	return own_host_unshare_hyp(&o, pfn, nr);
	case T_HYP_SHARE:	return own_hyp_share_host(&o, pfn, nr);
	case T_HYP_UNSHARE:	return own_hyp_unshare_host(&o, pfn, nr);
	case T_PIN:		return own_pin_shared(&o, pfn, nr);
	case T_UNPIN:		return own_unpin_shared(&o, pfn, nr);
	case T_MARK_BOOT:	return own_mark_hyp_boot(&o, pfn, nr);
	default:
		if (tr_is_guest(t))	/* one page: the tests call it so */
			return nr == 1 ? guest_call(tr_guest_op[t], pfn) : -EINVAL;
		if (!tr_is_set_prot(t))
			abort();
		return own_host_set_prot(&o, pfn, nr, tr_prot[t]);
	}
}

#define P	(-EPERM)
#define B	(-EBUSY)
#define I	(-EINVAL)
/* Expected return code, by transition and starting state (s2 built). */
static const int expect_ret[NR_TR][NR_KINDS] = {
	/*			HO  HS0 HSP YOR YOC YOB YS  HR  GO  HSG GSH */
	[T_DONATE_HYP_R]    = { 0,  P,  P,  P,  P,  P,  P,  P,  P,  P,  P },
	[T_DONATE_HYP_C]    = { 0,  P,  P,  P,  P,  P,  P,  P,  P,  P,  P },
	[T_HYP_DONATE_HOST] = { P,  P,  P,  0,  0,  P,  P,  P,  P,  P,  P },
	[T_RECLAIM]         = { P,  P,  P,  0,  P,  P,  P,  P,  P,  P,  P },
	[T_CLAIM]           = { P,  P,  P,  0,  P,  P,  P,  P,  P,  P,  P },
	[T_SHARE_HYP]       = { 0,  P,  P,  P,  P,  P,  P,  P,  P,  P,  P },
	[T_UNSHARE_HYP]     = { P,  0,  B,  P,  P,  P,  P,  P,  P,  P,  P },
	[T_HYP_SHARE]       = { P,  P,  P,  0,  0,  P,  P,  P,  P,  P,  P },
	[T_HYP_UNSHARE]     = { P,  P,  P,  P,  P,  P,  0,  P,  P,  P,  P },
	[T_PIN]             = { P,  0,  0,  P,  P,  P,  P,  P,  P,  P,  P },
	[T_UNPIN]           = { P,  I,  0,  P,  P,  P,  P,  P,  P,  P,  P },
	[T_MARK_BOOT]       = { P,  P,  P,  P,  P,  P,  P,  P,  P,  P,  P },
	[T_RESTRICT_NONE]   = { 0,  P,  P,  P,  P,  P,  P,  0,  P,  P,  P },
	[T_RESTRICT_R]      = { 0,  P,  P,  P,  P,  P,  P,  0,  P,  P,  P },
	[T_RESTRICT_RW]     = { 0,  P,  P,  P,  P,  P,  P,  0,  P,  P,  P },
	[T_RESTRICT_RX]     = { 0,  P,  P,  P,  P,  P,  P,  0,  P,  P,  P },
	[T_LIFT]            = { P,  P,  P,  P,  P,  P,  P,  0,  P,  P,  P },
	[T_DONATE_GUEST]    = { 0,  P,  P,  P,  P,  P,  P,  P,  P,  P,  P },
	[T_SHARE_GUEST]     = { 0,  P,  P,  P,  P,  P,  P,  P,  P,  P,  P },
	[T_UNSHARE_GUEST]   = { P,  P,  P,  P,  P,  P,  P,  P,  P,  0,  P },
	[T_GUEST_SHARE]     = { P,  P,  P,  P,  P,  P,  P,  P,  0,  P,  P },
	[T_GUEST_UNSHARE]   = { P,  P,  P,  P,  P,  P,  P,  P,  P,  P,  0 },
	[T_GUEST_RETURN]    = { P,  P,  P,  P,  P,  P,  P,  P,  0,  P,  0 },
	[T_RECLAIM_GUEST]   = { P,  P,  P,  P,  P,  P,  P,  P,  0,  P,  0 },
};

struct pg {
	u8 state, reclaimable, boot;
	u16 pins;
	u8 host_prot;
};

static const struct pg kind_pg[NR_KINDS] = {
	[HO]  = { PAGE_HOST_OWNED, 0, 0, 0, 0 },
	[HS0] = { PAGE_HOST_SHARED, 0, 0, 0, 0 },
	[HSP] = { PAGE_HOST_SHARED, 0, 0, 1, 0 },
	[YOR] = { PAGE_HYP_OWNED, 1, 0, 0, 0 },
	[YOC] = { PAGE_HYP_OWNED, 0, 0, 0, 0 },
	[YOB] = { PAGE_HYP_OWNED, 0, 1, 0, 0 },
	[YS]  = { PAGE_HYP_SHARED, 0, 0, 0, 0 },
	[HR]  = { PAGE_HOST_OWNED, 0, 0, 0, OWN_HOST_PROT_R },
	[GO]  = { PAGE_GUEST_OWNED, 0, 0, 0, 0 },
	[HSG] = { PAGE_HOST_SHARED_GUEST, 0, 0, 0, 0 },
	[GSH] = { PAGE_GUEST_SHARED_HOST, 0, 0, 0, 0 },
};

/* The page after a successful call. */
static struct pg expect_after(enum tr t, enum kind k)
{
	struct pg p = kind_pg[k];

	switch (t) {
	case T_DONATE_HYP_R:	return kind_pg[YOR];
	case T_DONATE_HYP_C:	return kind_pg[YOC];
	case T_HYP_DONATE_HOST:
	case T_RECLAIM:		return kind_pg[HO];
	case T_CLAIM:		return kind_pg[YOC];
	case T_SHARE_HYP:	return kind_pg[HS0];
	case T_UNSHARE_HYP:	return kind_pg[HO];
	case T_HYP_SHARE:	p.state = PAGE_HYP_SHARED; return p;
	case T_HYP_UNSHARE:	return kind_pg[YOC];
	case T_PIN:		p.pins++; return p;
	case T_UNPIN:		p.pins--; return p;
	case T_MARK_BOOT:	return kind_pg[YOB];
	case T_DONATE_GUEST:	return kind_pg[GO];
	case T_SHARE_GUEST:	return kind_pg[HSG];
	case T_UNSHARE_GUEST:	return kind_pg[HO];
	case T_GUEST_SHARE:	return kind_pg[GSH];
	case T_GUEST_UNSHARE:	return kind_pg[GO];
	case T_GUEST_RETURN:
	case T_RECLAIM_GUEST:	return kind_pg[HO];
	default:
		if (!tr_is_set_prot(t))
			abort();
		p.host_prot = tr_host_prot[t];
		return p;
	}
}

static bool page_is(u64 pfn, struct pg want)
{
	const struct hyp_page *p = &o.pages[pfn - o.first_pfn];

	return p->state == want.state && p->reclaimable == want.reclaimable &&
	       p->boot == want.boot && p->pins == want.pins &&
	       p->host_prot == want.host_prot;
}

/* Bring [pfn, pfn + nr) into @k; boot pages only before the stage-2. */
static void make_kind(enum kind k, u64 pfn, u64 nr)
{
	int ret = 0;

	switch (k) {
	case HO:
		break;
	case HSP:
		ret = own_host_share_hyp(&o, pfn, nr) ?:
		      own_pin_shared(&o, pfn, nr);
		break;
	case HS0:
		ret = own_host_share_hyp(&o, pfn, nr);
		break;
	case YOR:
		ret = own_host_donate_hyp(&o, pfn, nr, true);
		break;
	case YOC:
		ret = own_host_donate_hyp(&o, pfn, nr, true) ?:
		      own_hyp_claim(&o, pfn, nr);
		break;
	case YOB:
		ret = own_mark_hyp_boot(&o, pfn, nr);
		break;
	case YS:
		ret = own_host_donate_hyp(&o, pfn, nr, false) ?:
		      own_hyp_share_host(&o, pfn, nr);
		break;
	case HR:
		ret = own_host_set_prot(&o, pfn, nr, PGT_PROT_R);
		break;
	case GO:
	case HSG:
	case GSH:
		for (; nr && !ret; pfn++, nr--) {
			ret = guest_call(k == HSG ? OWN_HOST_SHARE_GUEST :
					 OWN_HOST_DONATE_GUEST, pfn);
			if (!ret && k == GSH)
				ret = guest_call(OWN_GUEST_SHARE_HOST, pfn);
		}
		break;
	default:
		abort();
	}
	if (ret)
		FAIL("make_kind(%s): %d", kind_name[k], ret);
}

/* A page whose 3-page range [PG0 - 1, PG0 + 1] crosses a 2 MiB boundary. */
#define PG0	(PFN(RAM_A + SZ_2M))

static void matrix(bool built, u64 nr)
{
	enum tr t;
	enum kind k;

	for (t = 0; t < NR_TR; t++) {
		for (k = 0; k < NR_KINDS; k++) {
			u64 first = PG0 - nr / 2, i;
			struct snap s;
			int want = expect_ret[t][k], ret;

			if (t == T_MARK_BOOT && k == HO && !built)
				want = 0;
			/* guests come after deprivilege; their calls are per page */
			if ((kind_is_guest(k) && !built) ||
			    (tr_is_guest(t) && nr != 1))
				continue;
			if (tr_is_guest(t) && !built)
				want = -EINVAL;
			if (fixture_up(layout, 2, POOL_PAGES))
				abort();
			if (k == YOB)
				make_kind(k, first, nr);
			if (built && build_s2())
				FAIL("build_s2");
			if (k != YOB)
				make_kind(k, first, nr);
			snap_take(&s);
			ret = call(t, first, nr);
			if (!EXPECT_EQ(ret, want))
				FAIL("%s from %s (s2 %s, nr %llu)", tr_name[t],
				     kind_name[k], built ? "built" : "not built",
				     (unsigned long long)nr);
			for (i = first; i < first + nr; i++)
				if (!EXPECT(page_is(i, ret ? kind_pg[k] :
						    expect_after(t, k))))
					FAIL("%s from %s: page %#llx", tr_name[t],
					     kind_name[k], (unsigned long long)i);
			if (ret && !EXPECT(snap_same(&s)))
				FAIL("%s from %s failed but changed things",
				     tr_name[t], kind_name[k]);
			snap_drop(&s);
			if (!check_window(first - 600, first + nr + 600,
					  __LINE__))
				FAIL("%s from %s", tr_name[t], kind_name[k]);
			fixture_down();
			if (!TAP_OK())
				return;
		}
	}
}

TEST(every_transition_from_every_state_s2_built)
{
	matrix(true, 1);
}

TEST(every_transition_from_every_state_s2_not_built)
{
	matrix(false, 1);
}

TEST(every_transition_from_every_state_three_pages)
{
	matrix(true, 3);
	matrix(false, 3);
}

/* One page of the range in a wrong state: the whole call fails cleanly. */
TEST(partly_wrong_range_changes_nothing)
{
	static const struct { enum tr t; enum kind good, bad; int err; } c[] = {
		{ T_DONATE_HYP_R, HO, HS0, -EPERM },
		{ T_HYP_DONATE_HOST, YOC, YOB, -EPERM },
		{ T_HYP_DONATE_HOST, YOR, YS, -EPERM },
		{ T_RECLAIM, YOR, YOC, -EPERM },
		{ T_CLAIM, YOR, YOC, -EPERM },
		{ T_SHARE_HYP, HO, YOR, -EPERM },
		{ T_UNSHARE_HYP, HS0, HSP, -EBUSY },
		{ T_UNSHARE_HYP, HS0, HO, -EPERM },
		{ T_HYP_SHARE, YOC, YOB, -EPERM },
		{ T_HYP_UNSHARE, YS, YOC, -EPERM },
		{ T_PIN, HSP, HO, -EPERM },
		{ T_UNPIN, HSP, HS0, -EINVAL },
		/* a restricted page in the range */
		{ T_DONATE_HYP_R, HO, HR, -EPERM },
		{ T_DONATE_HYP_C, HO, HR, -EPERM },
		{ T_SHARE_HYP, HO, HR, -EPERM },
		/* restrictions: only host pages; lift only what is restricted */
		{ T_RESTRICT_NONE, HO, HS0, -EPERM },
		{ T_RESTRICT_R, HR, YOC, -EPERM },
		{ T_RESTRICT_RX, HO, YS, -EPERM },
		{ T_LIFT, HR, HO, -EPERM },
		{ T_LIFT, HR, HS0, -EPERM },
	};
	unsigned int i;
	int built, pos;

	for (built = 0; built < 2; built++)
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++)
	for (pos = 0; pos < 3; pos++) {
		u64 first = PG0 - 8, bad = first + pos * 7;	/* 0, 7, 14 */
		struct snap s;

		if (fixture_up(layout, 2, POOL_PAGES))
			abort();
		if (c[i].bad == YOB)
			make_kind(YOB, bad, 1);
		if (built && build_s2())
			FAIL("build");
		if (bad > first)
			make_kind(c[i].good, first, bad - first);
		if (c[i].bad != YOB)
			make_kind(c[i].bad, bad, 1);
		if (bad < first + 14)
			make_kind(c[i].good, bad + 1, first + 14 - bad);
		snap_take(&s);
		if (!EXPECT_EQ(call(c[i].t, first, 15), c[i].err) ||
		    !EXPECT(snap_same(&s)))
			FAIL("%s, bad page at %d", tr_name[c[i].t], pos * 7);
		snap_drop(&s);
		CHECK_ALL();
		/* The good part alone works. */
		if (bad > first)
			EXPECT_EQ(call(c[i].t, first, bad - first), 0);
		CHECK_ALL();
		fixture_down();
	}
}

TEST(bad_ranges_are_einval)
{
	static const struct { u64 pfn, nr; } bad[] = {
		{ PFN(RAM_A), 0 },			/* empty */
		{ PFN(RAM_A + RAM_A_SIZE), 1 },		/* hole */
		{ PFN(RAM_A + RAM_A_SIZE) - 1, 2 },	/* into the hole */
		{ PFN(RAM_B) - 1, 2 },			/* from the hole */
		{ PFN(RAM_A), PFN(RAM_B + RAM_B_SIZE - RAM_A) }, /* over it */
		{ PFN(RAM_A) - 1, 1 },			/* below RAM */
		{ PFN(RAM_B + RAM_B_SIZE), 1 },		/* above RAM */
		{ ~0ULL - 1, 5 },			/* wraps */
		{ PFN(RAM_A), ~0ULL },			/* wraps */
		{ 0, 1 },
	};
	enum tr t;
	unsigned int i;
	enum page_state st;

	ASSERT_EQ(fixture_up(layout, 2, POOL_PAGES), 0);
	ASSERT_EQ(build_s2(), 0);
	for (t = 0; t < NR_TR; t++)
		for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			struct snap s;

			snap_take(&s);
			if (!EXPECT_EQ(call(t, bad[i].pfn, bad[i].nr), -EINVAL) ||
			    !EXPECT(snap_same(&s)))
				FAIL("%s case %u", tr_name[t], i);
			snap_drop(&s);
		}
	EXPECT_EQ(own_page_state(&o, PFN(RAM_A + RAM_A_SIZE), &st), -EINVAL);
	EXPECT_EQ(own_page_state(&o, PFN(RAM_B), &st), 0);
	EXPECT_EQ(st, PAGE_HOST_OWNED);
	CHECK_ALL();
	fixture_down();
}

TEST(init_and_regions)
{
	struct own_ram_region r[17];
	u64 meta[8];
	struct hyp_page *pg = (struct hyp_page *)meta;
	struct pgt s1 = { .ia_bits = 32, .flags = PGT_F_PAGES_ONLY };
	struct page_pool pp;
	int i;

	EXPECT_EQ(own_span_pfns(layout, 2), PFN(RAM_B + RAM_B_SIZE - RAM_A));
	EXPECT_EQ(own_span_pfns(layout, 0), 0);
	r[0] = (struct own_ram_region){ 0x1000, 0x2000 };
	r[1] = (struct own_ram_region){ 0x2000, 0x2000 };	/* overlaps */
	EXPECT_EQ(own_span_pfns(r, 2), 0);
	r[1] = (struct own_ram_region){ 0x3000, 0x1000 };	/* touches */
	EXPECT_EQ(own_span_pfns(r, 2), 3);
	r[1] = (struct own_ram_region){ 0x3800, 0x1000 };	/* unaligned */
	EXPECT_EQ(own_span_pfns(r, 2), 0);
	r[1] = (struct own_ram_region){ 0x4000, 0x800 };
	EXPECT_EQ(own_span_pfns(r, 2), 0);
	r[1] = (struct own_ram_region){ 0x4000, 0 };		/* empty */
	EXPECT_EQ(own_span_pfns(r, 2), 0);
	r[1] = (struct own_ram_region){ ~0xfffULL, 0x2000 };	/* wraps */
	EXPECT_EQ(own_span_pfns(r, 2), 0);
	for (i = 0; i < 17; i++)
		r[i] = (struct own_ram_region){ (u64)(20 - i) << 12, 0x1000 };
	EXPECT_EQ(own_span_pfns(r, 16), 16);
	EXPECT_EQ(own_span_pfns(r, 17), 0);

	/* own_init: same validation, plus RAM must fit the hyp VA range. */
	pool_init(&pp, NULL, 0);
	r[0] = (struct own_ram_region){ 0x1000, 0x2000 };
	r[1] = (struct own_ram_region){ 0x2000, 0x2000 };
	EXPECT_EQ(own_init(&o, meta, sizeof(meta), r, 2, &s1, &pp), -EINVAL);
	r[1] = (struct own_ram_region){ 0x3000, 0x1000 };
	memset(meta, 0, sizeof(meta));	/* the contract: zeroed */
	EXPECT(own_meta_size(r, 2) <= sizeof(meta));
	EXPECT_EQ(own_init(&o, meta, own_meta_size(r, 2) - 1, r, 2, &s1, &pp),
		  -EINVAL);
	s1.flags = 0;	/* a linear map with blocks is refused */
	EXPECT_EQ(own_init(&o, meta, sizeof(meta), r, 2, &s1, &pp), -EINVAL);
	s1.flags = PGT_F_PAGES_ONLY;
	EXPECT_EQ(own_init(&o, meta, sizeof(meta), r, 2, &s1, &pp), 0);
	EXPECT_EQ(o.first_pfn, 1);
	EXPECT_EQ(o.nr_pfns, 3);
	EXPECT_EQ(o.nr_in_state[PAGE_HOST_OWNED], 3);
	EXPECT_EQ(o.nr_in_state[PAGE_HYP_OWNED], 0);
	EXPECT_EQ(pg[2].state, PAGE_HOST_OWNED);
	EXPECT_EQ(pg[2].pins, 0);
	EXPECT(o.host_s2 == NULL);
	/* Touching regions form one RAM range. */
	EXPECT(own_range_is_ram(&o, 1, 3));
	EXPECT(!own_range_is_ram(&o, 1, 4));
	EXPECT(!own_range_is_ram(&o, 0, 2));
	EXPECT(!own_range_is_ram(&o, 2, 0));
	r[1] = (struct own_ram_region){ 1ULL << 32, 0x1000 };
	EXPECT_EQ(own_init(&o, meta, sizeof(meta), r, 2, &s1, &pp), -EINVAL);
	memset(&o, 0, sizeof(o));

	/* Sorted copy of the unsorted layout; the hole is not RAM. */
	ASSERT_EQ(fixture_up(layout, 2, POOL_PAGES), 0);
	EXPECT_EQ(o.nr_ram, 2);
	EXPECT_EQ(o.ram[0].base, RAM_A);
	EXPECT_EQ(o.ram[1].base, RAM_B);
	EXPECT_EQ(o.nr_in_state[PAGE_HOST_OWNED],
		  PFN(RAM_A_SIZE) + PFN(RAM_B_SIZE));
	EXPECT(!own_range_is_ram(&o, PFN(RAM_A + RAM_A_SIZE), 1));
	EXPECT(own_range_is_ram(&o, PFN(RAM_B), PFN(RAM_B_SIZE)));
	EXPECT_EQ(pgt_nr_tables(&hyp_s1), 1);	/* nothing mapped yet */
	CHECK_ALL();
	fixture_down();
}

TEST(pin_limit)
{
	u32 i;

	ASSERT_EQ(fixture_up(layout, 2, POOL_PAGES), 0);
	ASSERT_EQ(own_host_share_hyp(&o, PG0, 2), 0);
	ASSERT_EQ(own_pin_shared(&o, PG0 + 1, 1), 0);
	for (i = 0; i < OWN_MAX_PINS; i++)
		if (!EXPECT_EQ(own_pin_shared(&o, PG0, 1), 0))
			break;
	EXPECT_EQ(o.pages[PG0 - o.first_pfn].pins, OWN_MAX_PINS);
	EXPECT_EQ(own_pin_shared(&o, PG0, 1), -EBUSY);
	EXPECT_EQ(own_pin_shared(&o, PG0, 2), -EBUSY);
	EXPECT_EQ(o.pages[PG0 + 1 - o.first_pfn].pins, 1);	/* unchanged */
	EXPECT_EQ(o.pages[PG0 - o.first_pfn].pins, OWN_MAX_PINS);
	EXPECT_EQ(own_unpin_shared(&o, PG0, 2), 0);
	EXPECT_EQ(own_unpin_shared(&o, PG0, 2), -EINVAL);
	EXPECT_EQ(own_host_unshare_hyp(&o, PG0, 1), -EBUSY);
	CHECK_ALL();
	fixture_down();
}

/* Pages taken from the pool so that only @left stay free. */
struct hog {
	void *page[POOL_PAGES];
	int nr;
};

static void hog_until(struct hog *h, u64 left)
{
	while (pool_nr_free(&pool) > left)
		h->page[h->nr++] = pool_alloc_page(&pool);
}

static void hog_release(struct hog *h, int nr)
{
	while (nr-- && h->nr)
		pool_free_page(&pool, h->page[--h->nr]);
}

/*
 * With the pool empty, every transition that only takes pages back from
 * the hypervisor (or changes what the host may do with its own) still
 * works: its tables are the linear map's, which it only unmaps, and the
 * stage-2's, which live on their reservation. Those that give the
 * hypervisor more fail with -ENOMEM, change nothing, and work once the
 * pool has room.
 */
TEST(enomem_changes_nothing_and_inverses_never_need_memory)
{
	static const struct { enum tr t; enum kind from; bool needs; } c[] = {
		{ T_DONATE_HYP_R, HO, true }, { T_DONATE_HYP_C, HO, true },
		{ T_SHARE_HYP, HO, true }, { T_HYP_DONATE_HOST, YOC, false },
		{ T_RECLAIM, YOR, false }, { T_UNSHARE_HYP, HS0, false },
		{ T_HYP_SHARE, YOC, false }, { T_HYP_UNSHARE, YS, false },
		/* a lift, or one restriction for another, frees or keeps slots */
		{ T_LIFT, HR, false }, { T_RESTRICT_NONE, HR, false },
	};
	unsigned int i, built;

	for (built = 0; built < 2; built++)
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		u64 first = PG0 - 5, nr = 11;
		struct hog h = { .nr = 0 };
		struct snap s;
		int ret;

		ASSERT_EQ(fixture_up(layout, 2, POOL_PAGES), 0);
		if (built)
			ASSERT_EQ(build_s2(), 0);
		make_kind(c[i].from, first, nr);
		hog_until(&h, 0);
		snap_take(&s);
		ret = call(c[i].t, first, nr);
		if (!c[i].needs) {
			if (!EXPECT_EQ(ret, 0))
				FAIL("%s (built %u) with an empty pool",
				     tr_name[c[i].t], built);
		} else if (!EXPECT_EQ(ret, -ENOMEM) || !EXPECT(snap_same(&s))) {
			FAIL("%s (built %u)", tr_name[c[i].t], built);
		}
		snap_drop(&s);
		while (ret == -ENOMEM && h.nr) {
			hog_release(&h, 1);
			ret = call(c[i].t, first, nr);
		}
		if (!EXPECT_EQ(ret, 0))
			FAIL("%s once the pool has room", tr_name[c[i].t]);
		hog_release(&h, POOL_PAGES);
		CHECK_ALL();
		fixture_down();
	}
}

TEST(build_host_s2_matches_states)
{
	static const u64 far[] = {
		0, 0x3ffff000ULL, RAM_A + RAM_A_SIZE, RAM_B - SZ_4K,
		RAM_B + RAM_B_SIZE, 2 * SZ_1G, (1ULL << IA_BITS) - SZ_4K,
	};
	u64 lvl, i;
	u32 level = 0;

	ASSERT_EQ(fixture_up(layout, 2, POOL_PAGES), 0);
	make_kind(YOB, PFN(RAM_A), 16);			/* first pages */
	make_kind(YOB, PFN(RAM_B) + 100, 1);
	make_kind(YOR, PFN(RAM_A) + 300, 300);		/* over 2M line */
	make_kind(YS, PFN(RAM_A) + 600, 24);		/* adjacent */
	make_kind(HSP, PFN(RAM_A) + 700, 3);
	make_kind(HS0, PFN(RAM_B), 5);
	make_kind(YS, PFN(RAM_B + RAM_B_SIZE) - 1, 1);	/* last page */
	make_kind(YOC, PFN(RAM_A + RAM_A_SIZE) - 512, 512); /* 2M block */

	/* Wrong arguments first. */
	EXPECT_EQ(own_build_host_s2(&o, &host_s2, 31, &s2_ops), -EINVAL);
	EXPECT_EQ(own_build_host_s2(&o, &host_s2, 30, &s2_ops), -EINVAL);
	EXPECT_EQ(own_build_host_s2(&o, NULL, IA_BITS, &s2_ops), -EINVAL);
	EXPECT(o.host_s2 == NULL);
	EXPECT_EQ(pool_nr_reserved(&pool), 0);

	EXPECT_EQ(own_host_s2_fault(&o, 0), -EINVAL);	/* no stage-2 yet */
	ASSERT_EQ(build_s2(), 0);
	EXPECT(o.host_s2 == &host_s2);
	CHECK_ALL();
	EXPECT(pgt_nr_tables(&host_s2) <= 8);
	/*
	 * Device space: unmapped until the host touches it, then mapped from
	 * the reservation, whatever the rest of the pool holds.
	 */
	for (i = 0; i < sizeof(far) / sizeof(far[0]); i++)
		EXPECT(check_map(&host_s2, far[i], 0, __LINE__));
	{
		struct hog h = { .nr = 0 };
		u64 top = far[sizeof(far) / sizeof(far[0]) - 1];

		hog_until(&h, 0);
		EXPECT_EQ(own_host_s2_fault(&o, top), 0);
		EXPECT(check_map(&host_s2, top, PGT_PROT_RW | PGT_PROT_DEVICE,
				 __LINE__));
		EXPECT(check_slots(__LINE__));
		hog_release(&h, POOL_PAGES);
	}
	for (i = 0; i < sizeof(far) / sizeof(far[0]); i++) {
		EXPECT_EQ(own_host_s2_fault(&o, far[i]), 0);
		EXPECT(check_map(&host_s2, far[i], PGT_PROT_RW | PGT_PROT_DEVICE,
				 __LINE__));
		/* a second fault on it (another CPU) changes nothing */
		EXPECT_EQ(own_host_s2_fault(&o, far[i]), 0);
	}
	/* Blocks: device space below RAM is a 1 GiB block, and so on. */
	EXPECT_EQ(pgt_lookup(&host_s2, 0, NULL, NULL, &level), 0);
	EXPECT_EQ(level, 1);
	lvl = 0;
	EXPECT_EQ(own_host_s2_fault(&o, RAM_B + RAM_B_SIZE + SZ_4K), 0);
	EXPECT_EQ(pgt_lookup(&host_s2, RAM_B + RAM_B_SIZE, NULL, NULL, &level),
		  0);
	EXPECT_EQ(level, 2);
	/* the RAM around the hole is untouched by the device mappings */
	EXPECT(check_window(PFN(RAM_A), PFN(RAM_A + RAM_A_SIZE), __LINE__));
	EXPECT(check_window(PFN(RAM_B), PFN(RAM_B + RAM_B_SIZE), __LINE__));
	/* a host page mapped by now (a rebuilt entry): retry, nothing changes */
	EXPECT_EQ(own_host_s2_fault(&o, RAM_A + SZ_4K * 200), 0);
	EXPECT(check_window(PFN(RAM_A), PFN(RAM_A + RAM_A_SIZE), __LINE__));
	/* hypervisor pages are never mapped for the host, nor as device */
	EXPECT_EQ(own_host_s2_fault(&o, RAM_A), -EPERM);
	EXPECT_EQ(own_host_s2_fault(&o, RAM_B + SZ_4K * 100), -EPERM);
	EXPECT_EQ(own_host_s2_fault(&o, 1ULL << IA_BITS), -EINVAL);
	(void)lvl;
	EXPECT(check_slots(__LINE__));
	/* A second build is refused. */
	EXPECT_EQ(own_build_host_s2(&o, &host_s2, IA_BITS, &s2_ops), -EINVAL);
	fixture_down();
}

TEST(build_host_s2_enomem)
{
	int ret = -ENOMEM;
	u64 avail;

	/*
	 * Grow what is left in the pool until the reservation fits; until
	 * then the build fails and leaves nothing allocated or reserved.
	 */
	for (avail = 0; avail < 64 && ret; avail++) {
		struct hog h = { .nr = 0 };

		ASSERT_EQ(fixture_up(layout, 2, POOL_PAGES), 0);
		make_kind(YOR, PFN(RAM_A) + 3, 1);
		make_kind(YS, PFN(RAM_B) + 3, 1);
		hog_until(&h, avail);
		ret = build_s2();
		if (ret) {
			EXPECT_EQ(ret, -ENOMEM);
			EXPECT(o.host_s2 == NULL);
			EXPECT_EQ(pool_nr_reserved(&pool), 0);
			EXPECT_EQ(pool_nr_free(&pool), avail);
		} else {
			/* exactly the slots: root, devices, L1, units */
			EXPECT_EQ(o.s2_slots, avail);
			EXPECT_EQ(pool_nr_free(&pool), 0);
		}
		hog_release(&h, POOL_PAGES);
		if (!ret)
			CHECK_ALL();
		fixture_down();
	}
	EXPECT_EQ(ret, 0);
	EXPECT(avail > 4);
}

/* A 1 GiB machine with 2 MiB of hyp pages needs only a few tables. */
TEST(build_host_s2_1g_machine_uses_blocks)
{
	static const struct own_ram_region ram = { SZ_1G, SZ_1G };
	u64 hyp = PFN(0x48000000ULL), nr = PFN(SZ_2M);
	u32 level;

	ASSERT_EQ(fixture_up(&ram, 1, POOL_PAGES), 0);
	ASSERT_EQ(own_mark_hyp_boot(&o, hyp, nr), 0);
	ASSERT_EQ(build_s2(), 0);
	EXPECT(pgt_nr_tables(&host_s2) <= 8);
	EXPECT(check_window(hyp - 1024, hyp + nr + 1024, __LINE__));
	EXPECT(check_map(&host_s2, SZ_1G, PGT_PROT_RWX, __LINE__));
	EXPECT(check_map(&host_s2, 2 * SZ_1G - SZ_4K, PGT_PROT_RWX, __LINE__));
	EXPECT(check_map(&host_s2, 2 * SZ_1G, 0, __LINE__));
	EXPECT_EQ(own_host_s2_fault(&o, 2 * SZ_1G + 0x1234000), 0);
	EXPECT(check_map(&host_s2, 2 * SZ_1G, PGT_PROT_RW | PGT_PROT_DEVICE,
			 __LINE__));
	EXPECT_EQ(pgt_lookup(&host_s2, 2 * SZ_1G, NULL, NULL, &level), 0);
	EXPECT_EQ(level, 1);
	EXPECT_EQ(pgt_lookup(&host_s2, SZ_1G, NULL, NULL, &level), 0);
	EXPECT_EQ(level, 2);
	/* Donating another 2 MiB later keeps it block-sized too. */
	ASSERT_EQ(own_host_donate_hyp(&o, hyp + nr, nr, true), 0);
	EXPECT(pgt_nr_tables(&host_s2) <= 8);
	EXPECT(pgt_nr_tables(&hyp_s1) <= 4);
	EXPECT(check_window(hyp - 1024, hyp + 2 * nr + 1024, __LINE__));
	ASSERT_EQ(own_host_reclaim(&o, hyp + nr, nr), 0);
	EXPECT(check_window(hyp - 1024, hyp + 2 * nr + 1024, __LINE__));
	EXPECT_EQ(pgt_nr_tables(&hyp_s1), 1);
	fixture_down();
}

/*
 * A donation and its reclaim, at any alignment and size, leave the pages,
 * both page tables (blocks included), the pool and the reservation exactly
 * as they were: a host cannot leak table pages by splitting blocks.
 */
TEST(donate_reclaim_pairs_leave_everything_as_it_was)
{
	static const u64 offs[] = { 0, 1, 2, 255, 511, 512, 513, 1023, 1024,
				    1536, 2047 };
	static const u64 nrs[] = { 1, 2, 3, 511, 512, 513, 1024, 1500 };
	unsigned int i, j, built;

	for (built = 0; built < 2; built++) {
		ASSERT_EQ(fixture_up(layout, 2, POOL_PAGES), 0);
		if (built)
			ASSERT_EQ(build_s2(), 0);
		for (i = 0; i < sizeof(offs) / sizeof(offs[0]); i++)
		for (j = 0; j < sizeof(nrs) / sizeof(nrs[0]); j++) {
			u64 pfn = PFN(RAM_A) + offs[i], nr = nrs[j];
			struct snap s;

			if (pfn + nr > PFN(RAM_A + RAM_A_SIZE))
				continue;
			snap_take(&s);
			EXPECT_EQ(own_host_donate_hyp(&o, pfn, nr, true), 0);
			EXPECT_EQ(own_host_reclaim(&o, pfn, nr), 0);
			if (!EXPECT(snap_same(&s)))
				FAIL("pfn +%llu nr %llu (built %u)",
				     (unsigned long long)offs[i],
				     (unsigned long long)nr, built);
			snap_drop(&s);
		}
		CHECK_ALL();
		fixture_down();
	}
}

/*
 * The leak a hostile host found: donating and reclaiming the first page of
 * each 2 MiB block of a 1 GiB machine used to keep one table page per
 * block; with a 64-page pool it ran dry after a few dozen blocks.
 */
TEST(donate_reclaim_every_2m_block_keeps_the_pool)
{
	static const struct own_ram_region ram = { SZ_1G, SZ_1G };
	u64 free0, reserved0, tables0, blk;
	int round;

	ASSERT_EQ(fixture_up(&ram, 1, 64), 0);
	ASSERT_EQ(build_s2(), 0);
	free0 = pool_nr_free(&pool);
	reserved0 = pool_nr_reserved(&pool);
	tables0 = pgt_nr_tables(&host_s2);
	for (round = 0; round < 3; round++)
		for (blk = 0; blk < SZ_1G / SZ_2M; blk++) {
			u64 pfn = PFN(SZ_1G + blk * SZ_2M) + (round ? 511 : 0);

			if (!EXPECT_EQ(own_host_donate_hyp(&o, pfn, 1, true), 0) ||
			    !EXPECT_EQ(own_host_reclaim(&o, pfn, 1), 0)) {
				FAIL("block %llu round %d",
				     (unsigned long long)blk, round);
				break;
			}
		}
	EXPECT_EQ(pool_nr_free(&pool), free0);
	EXPECT_EQ(pool_nr_reserved(&pool), reserved0);
	EXPECT_EQ(pgt_nr_tables(&host_s2), tables0);
	EXPECT(check_window(PFN(SZ_1G), PFN(2 * SZ_1G), __LINE__));
	fixture_down();
}

/*
 * What the host can make the hypervisor hold is bounded: donating one page
 * of every block ends in -ENOMEM with nothing changed, and reclaiming them
 * all gives every page back, the pool included.
 */
TEST(host_exhausting_the_pool_gets_enomem_and_can_undo_it)
{
	static const struct own_ram_region ram = { SZ_1G, SZ_1G };
	u64 free0, blk, done = 0;
	struct snap s;
	int ret = 0;

	ASSERT_EQ(fixture_up(&ram, 1, 64), 0);
	ASSERT_EQ(build_s2(), 0);
	free0 = pool_nr_free(&pool);
	for (blk = 0; blk < SZ_1G / SZ_2M && !ret; blk++) {
		u64 pfn = PFN(SZ_1G + blk * SZ_2M) + 7;

		snap_take(&s);
		ret = own_host_donate_hyp(&o, pfn, 1, true);
		if (ret)
			EXPECT(snap_same(&s));
		else
			done++;
		snap_drop(&s);
	}
	EXPECT_EQ(ret, -ENOMEM);
	EXPECT(done > 4 && done < SZ_1G / SZ_2M);
	EXPECT_EQ(own_host_share_hyp(&o, PFN(SZ_1G + 3 * SZ_1G / 4), 512 * 3),
		  -ENOMEM);
	CHECK_ALL();
	for (blk = 0; blk < done; blk++)
		EXPECT_EQ(own_host_reclaim(&o, PFN(SZ_1G + blk * SZ_2M) + 7, 1), 0);
	EXPECT_EQ(pool_nr_free(&pool), free0);
	CHECK_ALL();
	fixture_down();
}

/* Share then unshare of any range works, even with nothing left in the pool. */
TEST(share_unshare_any_range_with_an_empty_pool)
{
	static const u64 ranges[][2] = {
		{ 0, 1 }, { 0, 512 }, { 1, 511 }, { 3, 1500 }, { 0, 2048 },
		{ 511, 2 }, { 100, 1900 },
	};
	unsigned int i, kind;

	for (kind = 0; kind < 2; kind++) {
		ASSERT_EQ(fixture_up(layout, 2, POOL_PAGES), 0);
		ASSERT_EQ(build_s2(), 0);
		for (i = 0; i < sizeof(ranges) / sizeof(ranges[0]); i++) {
			u64 pfn = PFN(RAM_A) + ranges[i][0], nr = ranges[i][1];
			struct hog h = { .nr = 0 };
			struct snap s;

			snap_take(&s);
			if (kind == 0) {	/* host shares with the hyp */
				EXPECT_EQ(own_host_share_hyp(&o, pfn, nr), 0);
				hog_until(&h, 0);
				EXPECT_EQ(own_host_unshare_hyp(&o, pfn, nr), 0);
			} else {		/* hyp shares with the host */
				EXPECT_EQ(own_host_donate_hyp(&o, pfn, nr, true), 0);
				EXPECT_EQ(own_hyp_share_host(&o, pfn, nr), 0);
				hog_until(&h, 0);
				EXPECT_EQ(own_hyp_unshare_host(&o, pfn, nr), 0);
				EXPECT_EQ(own_host_reclaim(&o, pfn, nr), 0);
			}
			hog_release(&h, POOL_PAGES);
			if (!EXPECT(snap_same(&s)))
				FAIL("kind %u range %u", kind, i);
			snap_drop(&s);
		}
		CHECK_ALL();
		fixture_down();
	}
}

/*
 * Device mappings far from RAM (48-bit input range) use at most
 * OWN_DEV_TABLES tables of the reservation; more units evict the others,
 * which fault back in.
 */
TEST(device_units_far_from_ram_are_bounded)
{
	u64 i;

	s2_ia_bits = 48;
	ASSERT_EQ(fixture_up(layout, 2, POOL_PAGES), 0);
	ASSERT_EQ(build_s2(), 0);
	for (i = 1; i <= 3 * OWN_DEV_TABLES; i++) {
		u64 addr = i << 39;

		EXPECT_EQ(own_host_s2_fault(&o, addr), 0);
		EXPECT(check_map(&host_s2, addr, PGT_PROT_RW | PGT_PROT_DEVICE,
				 __LINE__));
		EXPECT(o.nr_dev_units <= OWN_DEV_TABLES);
		EXPECT(check_slots(__LINE__));
	}
	/* the first ones were evicted, and come back on the next fault */
	EXPECT(check_map(&host_s2, 1ULL << 39, 0, __LINE__));
	EXPECT_EQ(own_host_s2_fault(&o, 1ULL << 39), 0);
	EXPECT(check_slots(__LINE__));
	fixture_down();
	s2_ia_bits = IA_BITS;
}

/* Private donation: owned by the hypervisor, in no linear map. */
TEST(private_donation_has_no_linear_alias)
{
	u64 pfn = PFN(RAM_A) + 40;
	enum page_state st;

	ASSERT_EQ(fixture_up(layout, 2, POOL_PAGES), 0);
	ASSERT_EQ(build_s2(), 0);
	EXPECT_EQ(own_host_donate_hyp_private(&o, pfn, 2), 0);
	EXPECT(own_page_state(&o, pfn + 1, &st) == 0 && st == PAGE_HYP_OWNED);
	EXPECT(check_map(&hyp_s1, pfn << 12, 0, __LINE__));
	EXPECT(check_map(&host_s2, pfn << 12, 0, __LINE__));
	CHECK_ALL();
	/* not the host's to take back, not shareable (no linear mapping) */
	EXPECT_EQ(own_host_reclaim(&o, pfn, 1), -EPERM);
	EXPECT_EQ(own_hyp_share_host(&o, pfn, 1), -EPERM);
	EXPECT_EQ(own_host_donate_hyp_private(&o, pfn, 1), -EPERM);
	/* the hypervisor gives it back: the host has it again, no alias left */
	EXPECT_EQ(own_hyp_donate_host(&o, pfn, 2), 0);
	EXPECT(check_map(&host_s2, pfn << 12, PGT_PROT_RWX, __LINE__));
	EXPECT(check_map(&hyp_s1, pfn << 12, 0, __LINE__));
	EXPECT(!o.pages[pfn - o.first_pfn].priv);
	CHECK_ALL();
	/* an ordinary donation after that is linear-mapped again */
	EXPECT_EQ(own_host_donate_hyp(&o, pfn, 1, false), 0);
	EXPECT(check_map(&hyp_s1, pfn << 12, PGT_PROT_RW, __LINE__));
	CHECK_ALL();
	fixture_down();
}

/* ---- module restrictions of the host stage-2 (own_host_set_prot) ---- */

static const u32 restrictions[] = { 0, PGT_PROT_R, PGT_PROT_RW, PGT_PROT_RX };

/*
 * A restricted page makes no transition, through any entry point: each
 * could otherwise give it back to the host RWX (donate then reclaim,
 * share then unshare) behind the module's back. Nothing changes, and once
 * lifted the same calls work.
 */
TEST(restricted_pages_refuse_every_transition)
{
	unsigned int r, built, whole;
	enum own_op op;
	enum tr t;

	for (r = 0; r < 4; r++)
	for (built = 0; built < 2; built++)
	for (whole = 0; whole < 2; whole++) {
		/* the whole range restricted, or only its middle page */
		u64 first = PG0 - 1, nr = 3;
		struct own_txn txn;
		struct snap s;

		ASSERT_EQ(fixture_up(layout, 2, POOL_PAGES), 0);
		if (built)
			ASSERT_EQ(build_s2(), 0);
		if (whole)
			ASSERT_EQ(own_host_set_prot(&o, first, nr,
						    restrictions[r]), 0);
		else
			ASSERT_EQ(own_host_set_prot(&o, PG0, 1,
						    restrictions[r]), 0);
		snap_take(&s);
		for (op = 0; op < OWN_NR_OPS; op++)
			if (!EXPECT_EQ(own_prepare(&o, op, first, nr, 0, &txn),
				       -EPERM) ||
			    !EXPECT_EQ(own_transition(&o, op, first, nr), -EPERM))
				FAIL("op %d, prot %#x, built %u, whole %u", op,
				     restrictions[r], built, whole);
		for (t = 0; t < NR_TR; t++) {
			if (tr_is_set_prot(t))
				continue;
			/* the guest's: a page at a time, with the stage-2 */
			if (tr_is_guest(t)) {
				if (!EXPECT_EQ(call(t, PG0, 1),
					       built ? -EPERM : -EINVAL))
					FAIL("%s, prot %#x, built %u",
					     tr_name[t], restrictions[r], built);
				continue;
			}
			if (!EXPECT_EQ(call(t, first, nr), -EPERM))
				FAIL("%s, prot %#x, built %u, whole %u",
				     tr_name[t], restrictions[r], built, whole);
		}
		EXPECT_EQ(own_host_donate_hyp_private(&o, first, nr), -EPERM);
		EXPECT_EQ(own_host_donate_hyp_private(&o, PG0, 1), -EPERM);
		EXPECT_EQ(own_mark_hyp_boot(&o, PG0, 1), -EPERM);
		if (!EXPECT(snap_same(&s)))
			FAIL("prot %#x, built %u, whole %u: refused but changed",
			     restrictions[r], built, whole);
		snap_drop(&s);
		CHECK_ALL();
		/* lifted, the page is an ordinary host page again */
		EXPECT_EQ(own_host_set_prot(&o, PG0, 1, PGT_PROT_RWX), 0);
		if (whole) {
			EXPECT_EQ(own_host_donate_hyp(&o, first, nr, true),
				  -EPERM);
			EXPECT_EQ(own_host_set_prot(&o, first, nr, PGT_PROT_RWX),
				  -EPERM);	/* PG0 is not restricted now */
			EXPECT_EQ(own_host_set_prot(&o, first, 1, PGT_PROT_RWX), 0);
			EXPECT_EQ(own_host_set_prot(&o, PG0 + 1, 1,
						    PGT_PROT_RWX), 0);
		}
		EXPECT_EQ(own_host_donate_hyp(&o, first, nr, true), 0);
		EXPECT_EQ(own_host_reclaim(&o, first, nr), 0);
		EXPECT_EQ(own_host_share_hyp(&o, first, nr), 0);
		CHECK_ALL();
		fixture_down();
	}
}

/* What own_host_access() must say of an access needing @need. */
static enum own_access access_expected(u32 prot, bool restricted, u32 need)
{
	if ((prot & need) == need)
		return OWN_ACCESS_ALLOWED;
	return restricted ? OWN_ACCESS_RESTRICTED : OWN_ACCESS_REFUSED;
}

/*
 * own_host_prot() of @pfn is @prot, restricted or not, and the fault
 * path's own_host_access() agrees for every kind of access.
 */
static bool host_prot_is(u64 pfn, u32 prot, bool restricted, int line)
{
	static const u32 needs[] = { PGT_PROT_R, PGT_PROT_W, PGT_PROT_X };
	u32 got = ~0U;
	bool r = !restricted;
	int ret = own_host_prot(&o, pfn, &got, &r);
	size_t i;

	if (ret || got != prot || r != restricted) {
		tap_diag(__FILE__, line, "own_host_prot(%#llx): %d prot %#x "
			 "restricted %d, want prot %#x restricted %d",
			 (unsigned long long)pfn, ret, got, r, prot, restricted);
		return false;
	}
	for (i = 0; i < sizeof(needs) / sizeof(needs[0]); i++) {
		enum own_access a = own_host_access(&o, pfn, needs[i]);

		if (a != access_expected(prot, restricted, needs[i])) {
			tap_diag(__FILE__, line, "own_host_access(%#llx, %#x): %d",
				 (unsigned long long)pfn, needs[i], a);
			return false;
		}
	}
	return true;
}

/*
 * Every restriction is what the host stage-2 holds (nothing for no
 * access), one may replace another, and own_host_prot() tells the fault
 * path what it is.
 */
TEST(each_restriction_is_what_the_host_s2_holds)
{
	u64 first = PG0 - 3, nr = 6, i;
	unsigned int r, r2;
	bool restricted;
	u32 prot;

	ASSERT_EQ(fixture_up(layout, 2, POOL_PAGES), 0);
	ASSERT_EQ(build_s2(), 0);
	make_kind(YOC, PFN(RAM_A) + 40, 1);
	make_kind(YS, PFN(RAM_A) + 41, 1);
	make_kind(HS0, PFN(RAM_A) + 42, 1);
	for (r = 0; r < 4; r++)
	for (r2 = 0; r2 < 4; r2++) {
		EXPECT_EQ(own_host_set_prot(&o, first, nr, restrictions[r]), 0);
		/* one restriction for another: allowed, partly or wholly */
		EXPECT_EQ(own_host_set_prot(&o, first + 2, 2, restrictions[r2]),
			  0);
		for (i = first; i < first + nr; i++) {
			u32 want = i - first - 2 < 2 ? restrictions[r2] :
						       restrictions[r];

			if (!EXPECT(check_map(&host_s2, i << 12, want, __LINE__)) ||
			    !EXPECT(host_prot_is(i, want, true, __LINE__)))
				FAIL("prot %#x then %#x", restrictions[r],
				     restrictions[r2]);
		}
		/* the neighbours are untouched */
		EXPECT(host_prot_is(first - 1, PGT_PROT_RWX, false, __LINE__));
		EXPECT(host_prot_is(first + nr, PGT_PROT_RWX, false, __LINE__));
		/*
		 * A translation fault on a page restricted to no access is the
		 * host's violation (-EPERM); on any other it is mapped: retry.
		 */
		EXPECT_EQ(own_host_s2_fault(&o, (first + 2) << 12),
			  restrictions[r2] ? 0 : -EPERM);
		CHECK_ALL();
		EXPECT_EQ(own_host_set_prot(&o, first, nr, PGT_PROT_RWX), 0);
		EXPECT(check_map(&host_s2, first << 12, PGT_PROT_RWX, __LINE__));
		EXPECT(host_prot_is(first, PGT_PROT_RWX, false, __LINE__));
	}
	/* the other states, never restricted */
	EXPECT(host_prot_is(PFN(RAM_A) + 40, 0, false, __LINE__));
	EXPECT(host_prot_is(PFN(RAM_A) + 41, PGT_PROT_R, false, __LINE__));
	EXPECT(host_prot_is(PFN(RAM_A) + 42, PGT_PROT_RWX, false, __LINE__));
	EXPECT_EQ(own_host_prot(&o, PFN(RAM_A + RAM_A_SIZE), &prot, &restricted),
		  -EINVAL);
	EXPECT_EQ(own_host_prot(&o, PFN(RAM_A) - 1, &prot, &restricted),
		  -EINVAL);
	EXPECT_EQ(own_host_prot(&o, PFN(RAM_A), NULL, NULL), 0);
	EXPECT_EQ(own_host_access(&o, PFN(RAM_A) - 1, PGT_PROT_R),
		  OWN_ACCESS_REFUSED);
	EXPECT_EQ(own_host_access(&o, PFN(RAM_A + RAM_A_SIZE), PGT_PROT_R),
		  OWN_ACCESS_REFUSED);
	CHECK_ALL();
	fixture_down();
}

/* Only 0, R, RW, RX and RWX; -EINVAL before any page is looked at. */
TEST(set_prot_bad_prot_is_einval)
{
	static const u32 bad[] = {
		PGT_PROT_W, PGT_PROT_X, PGT_PROT_W | PGT_PROT_X,
		PGT_PROT_DEVICE, PGT_PROT_R | PGT_PROT_DEVICE,
		PGT_PROT_RW | PGT_PROT_DEVICE, PGT_PROT_RWX | PGT_PROT_DEVICE,
		0x10, ~0U,
	};
	unsigned int i;

	ASSERT_EQ(fixture_up(layout, 2, POOL_PAGES), 0);
	ASSERT_EQ(build_s2(), 0);
	make_kind(HR, PG0, 1);
	make_kind(HS0, PG0 + 1, 1);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct snap s;

		snap_take(&s);
		if (!EXPECT_EQ(own_host_set_prot(&o, PG0 - 1, 1, bad[i]),
			       -EINVAL) ||
		    !EXPECT_EQ(own_host_set_prot(&o, PG0, 1, bad[i]), -EINVAL) ||
		    !EXPECT_EQ(own_host_set_prot(&o, PG0 + 1, 1, bad[i]),
			       -EINVAL) ||
		    !EXPECT_EQ(own_host_set_prot(&o, PG0, 0, bad[i]), -EINVAL) ||
		    !EXPECT(snap_same(&s)))
			FAIL("prot %#x", bad[i]);
		snap_drop(&s);
	}
	CHECK_ALL();
	fixture_down();
}

/* Pool, reservation, table count and every stage-2 leaf. */
struct s2_state {
	u64 free, reserved, tables, slots;
	struct leaves leaves;
};

static void s2_state_take(struct s2_state *st)
{
	st->free = pool_nr_free(&pool);
	st->reserved = pool_nr_reserved(&pool);
	st->tables = pgt_nr_tables(&host_s2);
	st->slots = o.s2_slots;
	st->leaves = leaves_of(&host_s2);
}

/* The counts only: cheap enough for every one of many pairs. */
static bool s2_counts_same(const struct s2_state *st)
{
	return st->free == pool_nr_free(&pool) &&
	       st->reserved == pool_nr_reserved(&pool) &&
	       st->tables == pgt_nr_tables(&host_s2) &&
	       st->slots == o.s2_slots;
}

static bool s2_state_same(const struct s2_state *st, int line)
{
	struct leaves now = leaves_of(&host_s2);
	bool same = s2_counts_same(st) && leaves_equal(&st->leaves, &now);

	if (!same)
		tap_diag(__FILE__, line, "free %llu -> %llu, reserved %llu -> "
			 "%llu, tables %llu -> %llu, slots %llu -> %llu, "
			 "%zu -> %zu leaves",
			 (unsigned long long)st->free,
			 (unsigned long long)pool_nr_free(&pool),
			 (unsigned long long)st->reserved,
			 (unsigned long long)pool_nr_reserved(&pool),
			 (unsigned long long)st->tables,
			 (unsigned long long)pgt_nr_tables(&host_s2),
			 (unsigned long long)st->slots,
			 (unsigned long long)o.s2_slots, st->leaves.n, now.n);
	leaves_free(&now);
	return same;
}

/*
 * A restriction and its lift leave the pool, the reservation, the table
 * count and the mappings (blocks included) as they were, wherever the
 * range lies: a module (or a host that gets one to restrict its pages)
 * cannot leak table pages. 300 pairs each, with a pool a leak of one
 * page per pair would run dry long before.
 */
TEST(restrict_lift_pairs_leave_the_host_s2_as_it_was)
{
	/* 2 GiB of RAM from 1 GiB: two 1 GiB blocks */
	static const struct own_ram_region ram = { SZ_1G, 2 * SZ_1G };
	static const struct { u64 pfn, nr; const char *what; } c[] = {
		{ PFN(SZ_1G + 5 * SZ_2M), 1, "first page of a 2 MiB block" },
		{ PFN(SZ_1G + 6 * SZ_2M) - 1, 1, "last page of a 2 MiB block" },
		{ PFN(SZ_1G + 7 * SZ_2M), 512, "a whole 2 MiB block" },
		{ PFN(SZ_1G + 9 * SZ_2M) - 2, 4, "across a 2 MiB line" },
		{ PFN(SZ_1G), 1, "first page of RAM and of a 1 GiB block" },
		{ PFN(2 * SZ_1G) - 3, 6, "across the 1 GiB line" },
		{ PFN(2 * SZ_1G) - 512, 1024, "2 MiB blocks across 1 GiB" },
		{ PFN(3 * SZ_1G) - 1, 1, "last page of RAM" },
		{ PFN(SZ_1G + 3 * SZ_2M) + 7, 1500, "pages and blocks" },
	};
	unsigned int i, r;
	int n;

	ASSERT_EQ(fixture_up(&ram, 1, 48), 0);
	ASSERT_EQ(build_s2(), 0);
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++)
	for (r = 0; r < 4; r++) {
		struct s2_state st;
		u64 last = c[i].pfn + c[i].nr - 1;

		s2_state_take(&st);
		for (n = 0; n < 300; n++) {
			if (!EXPECT_EQ(own_host_set_prot(&o, c[i].pfn, c[i].nr,
							 restrictions[r]), 0))
				break;
			if (n == 0 &&
			    (!check_map(&host_s2, c[i].pfn << 12, restrictions[r],
					__LINE__) ||
			     !check_map(&host_s2, last << 12, restrictions[r],
					__LINE__) ||
			     !check_map(&host_s2, (c[i].pfn - 1) << 12,
					c[i].pfn > PFN(SZ_1G) ? PGT_PROT_RWX : 0,
					__LINE__) ||
			     !check_map(&host_s2, (last + 1) << 12,
					last + 1 < PFN(3 * SZ_1G) ?
					PGT_PROT_RWX : 0, __LINE__) ||
			     !check_slots(__LINE__)))
				FAIL("restricted: %s, prot %#x", c[i].what,
				     restrictions[r]);
			if (!EXPECT_EQ(own_host_set_prot(&o, c[i].pfn, c[i].nr,
							 PGT_PROT_RWX), 0) ||
			    !EXPECT(s2_counts_same(&st)))
				break;
		}
		if (!EXPECT(s2_state_same(&st, __LINE__)) ||
		    !EXPECT(check_slots(__LINE__)))
			FAIL("%s, prot %#x: pair %d", c[i].what,
			     restrictions[r], n);
		leaves_free(&st.leaves);
		if (!TAP_OK())
			break;
	}
	/* at the end, one 1 GiB block per GiB of RAM again */
	EXPECT(check_map(&host_s2, SZ_1G, PGT_PROT_RWX, __LINE__));
	{
		u32 level = 0;

		EXPECT_EQ(pgt_lookup(&host_s2, 2 * SZ_1G + SZ_2M, NULL, NULL,
				     &level), 0);
		EXPECT_EQ(level, 1);
	}
	fixture_down();
}

/* The same on RAM that only partly covers its units (slots kept anyway). */
TEST(restrict_lift_pairs_on_partial_units)
{
	static const u64 offs[][2] = {
		{ 0, 1 }, { 511, 1 }, { 512, 512 }, { 510, 4 }, { 0, 2048 },
		{ 2047, 1 },
	};
	unsigned int i, r;
	int n;

	ASSERT_EQ(fixture_up(layout, 2, 40), 0);
	ASSERT_EQ(build_s2(), 0);
	for (i = 0; i < sizeof(offs) / sizeof(offs[0]); i++)
	for (r = 0; r < 4; r++) {
		u64 pfn = PFN(RAM_A) + offs[i][0], nr = offs[i][1];
		struct s2_state st;
		struct snap s;

		snap_take(&s);
		s2_state_take(&st);
		for (n = 0; n < 300; n++)
			if (!EXPECT_EQ(own_host_set_prot(&o, pfn, nr,
							 restrictions[r]), 0) ||
			    !EXPECT_EQ(own_host_set_prot(&o, pfn, nr,
							 PGT_PROT_RWX), 0) ||
			    !EXPECT(s2_counts_same(&st)))
				break;
		if (!EXPECT(s2_state_same(&st, __LINE__)) ||
		    !EXPECT(snap_same(&s)))
			FAIL("+%llu nr %llu prot %#x",
			     (unsigned long long)offs[i][0],
			     (unsigned long long)nr, restrictions[r]);
		leaves_free(&st.leaves);
		snap_drop(&s);
	}
	CHECK_ALL();
	fixture_down();
}

/*
 * Modules restrict pages before the host is deprivileged: the build maps
 * them as restricted and reserves their slots; lifting them all then
 * gives exactly the stage-2 a build without them gives.
 */
TEST(restrictions_before_build_appear_in_host_s2)
{
	struct s2_state plain;
	u64 plain_slots = 0;
	int pass;

	for (pass = 0; pass < 2; pass++) {
		ASSERT_EQ(fixture_up(layout, 2, POOL_PAGES), 0);
		make_kind(YOB, PFN(RAM_A) + 1000, 8);
		if (pass) {
			EXPECT_EQ(own_host_set_prot(&o, PFN(RAM_A), 16, 0), 0);
			EXPECT_EQ(own_host_set_prot(&o, PFN(RAM_A) + 300, 300,
						    PGT_PROT_R), 0);
			EXPECT_EQ(own_host_set_prot(&o, PFN(RAM_A) + 600, 24,
						    PGT_PROT_RX), 0);
			EXPECT_EQ(own_host_set_prot(&o, PFN(RAM_A) + 1008, 2,
						    PGT_PROT_RW), 0);
			EXPECT_EQ(own_host_set_prot(&o,
					PFN(RAM_A + RAM_A_SIZE - SZ_2M), 512, 0), 0);
			EXPECT_EQ(own_host_set_prot(&o,
					PFN(RAM_B + RAM_B_SIZE) - 1, 1,
					PGT_PROT_RW), 0);
			/* nothing to reserve yet, but the pages know */
			EXPECT_EQ(pool_nr_reserved(&pool), 0);
			EXPECT(host_prot_is(PFN(RAM_A) + 300, PGT_PROT_R, true,
					    __LINE__));
			EXPECT_EQ(own_mark_hyp_boot(&o, PFN(RAM_A) + 301, 1),
				  -EPERM);
			CHECK_ALL();
		}
		ASSERT_EQ(build_s2(), 0);
		CHECK_ALL();	/* every page as its state and restriction say */
		if (!pass) {
			s2_state_take(&plain);
			plain_slots = o.s2_slots;
			fixture_down();
			continue;
		}
		/* the restricted 2 MiB block of RAM_A needs a slot of its own */
		EXPECT(o.s2_slots > plain_slots);
		EXPECT(check_map(&host_s2, RAM_A, 0, __LINE__));
		EXPECT(check_map(&host_s2, RAM_A + 300 * SZ_4K, PGT_PROT_R,
				 __LINE__));
		EXPECT(check_map(&host_s2, RAM_A + 1008 * SZ_4K, PGT_PROT_RW,
				 __LINE__));
		EXPECT(check_map(&host_s2, RAM_A + RAM_A_SIZE - SZ_4K, 0,
				 __LINE__));
		EXPECT_EQ(own_host_set_prot(&o, PFN(RAM_A), 16, PGT_PROT_RWX), 0);
		EXPECT_EQ(own_host_set_prot(&o, PFN(RAM_A) + 300, 324,
					    PGT_PROT_RWX), 0);
		EXPECT_EQ(own_host_set_prot(&o, PFN(RAM_A) + 1008, 2,
					    PGT_PROT_RWX), 0);
		EXPECT_EQ(own_host_set_prot(&o, PFN(RAM_A + RAM_A_SIZE - SZ_2M),
					    512, PGT_PROT_RWX), 0);
		EXPECT_EQ(own_host_set_prot(&o, PFN(RAM_B + RAM_B_SIZE) - 1, 1,
					    PGT_PROT_RWX), 0);
		CHECK_ALL();
		EXPECT(s2_state_same(&plain, __LINE__));
		EXPECT_EQ(o.s2_slots, plain_slots);
		fixture_down();
	}
	leaves_free(&plain.leaves);
}

/*
 * A restriction that needs a new slot fails with -ENOMEM, changing
 * nothing, when the pool has no room; one that needs none (another
 * restriction of the same unit, a new one for a restricted page, a lift)
 * works with an empty pool.
 */
TEST(set_prot_enomem_changes_nothing)
{
	static const struct own_ram_region ram = { SZ_1G, SZ_1G };
	u64 a = PFN(SZ_1G + 3 * SZ_2M) + 5, b = PFN(SZ_1G + 9 * SZ_2M);
	struct hog h = { .nr = 0 };
	struct s2_state st;
	struct snap s;

	ASSERT_EQ(fixture_up(&ram, 1, 64), 0);
	ASSERT_EQ(build_s2(), 0);
	s2_state_take(&st);
	hog_until(&h, 0);
	snap_take(&s);
	EXPECT_EQ(own_host_set_prot(&o, a, 1, PGT_PROT_R), -ENOMEM);
	EXPECT(snap_same(&s));
	/* the 1 GiB unit's slot and the 2 MiB unit's: one page is not enough */
	hog_release(&h, 1);
	snap_drop(&s);
	snap_take(&s);
	EXPECT_EQ(own_host_set_prot(&o, a, 1, PGT_PROT_R), -ENOMEM);
	EXPECT(snap_same(&s));
	snap_drop(&s);
	hog_release(&h, 1);
	EXPECT_EQ(own_host_set_prot(&o, a, 1, PGT_PROT_R), 0);
	EXPECT_EQ(pool_nr_free(&pool), 0);
	EXPECT(check_map(&host_s2, a << 12, PGT_PROT_R, __LINE__));
	EXPECT(check_slots(__LINE__));
	/* the same units: no new slot, so the empty pool does not matter */
	EXPECT_EQ(own_host_set_prot(&o, a, 1, 0), 0);
	EXPECT(check_map(&host_s2, a << 12, 0, __LINE__));
	EXPECT_EQ(own_host_set_prot(&o, a - 5, 512, PGT_PROT_RX), 0);
	EXPECT(check_map(&host_s2, a << 12, PGT_PROT_RX, __LINE__));
	EXPECT(check_map(&host_s2, (a + 506) << 12, PGT_PROT_RX, __LINE__));
	EXPECT(check_map(&host_s2, (a + 507) << 12, PGT_PROT_RWX, __LINE__));
	EXPECT(check_slots(__LINE__));
	/* another 2 MiB unit needs its slot */
	snap_take(&s);
	EXPECT_EQ(own_host_set_prot(&o, b, 1, PGT_PROT_RW), -ENOMEM);
	EXPECT_EQ(own_host_set_prot(&o, a, 1024, PGT_PROT_RW), -ENOMEM);
	EXPECT(snap_same(&s));
	snap_drop(&s);
	/* lifting never needs memory, and gives it all back */
	EXPECT_EQ(own_host_set_prot(&o, a - 5, 512, PGT_PROT_RWX), 0);
	EXPECT(check_slots(__LINE__));
	hog_release(&h, POOL_PAGES);
	EXPECT(s2_state_same(&st, __LINE__));
	EXPECT(check_window(a - 1024, a + 1024, __LINE__));
	leaves_free(&st.leaves);
	fixture_down();
}

/*
 * Slots per unit when a range is partly restricted already: each unit
 * counts the pages whose RWX-ness changes, not the range's length. The
 * expected counts are written out (1 GiB machine, one 1 GiB slot shared
 * by every restricted 2 MiB unit).
 */
static bool slots_are(u64 base, u64 more, int line)
{
	if (o.s2_slots == base + more && check_slots(line) &&
	    own_s2_slots_needed(&o) == o.s2_slots &&
	    pgt_nr_tables(&host_s2) + pool_nr_reserved(&pool) == o.s2_slots)
		return true;
	tap_diag(__FILE__, line, "s2_slots %llu, want %llu + %llu",
		 (unsigned long long)o.s2_slots, (unsigned long long)base,
		 (unsigned long long)more);
	return false;
}

TEST(partly_restricted_ranges_count_slots_per_unit)
{
	static const struct own_ram_region ram = { SZ_1G, SZ_1G };
	u64 a = PFN(SZ_1G + 10 * SZ_2M), base;
	struct s2_state st;
	struct snap s;

	ASSERT_EQ(fixture_up(&ram, 1, 64), 0);
	ASSERT_EQ(build_s2(), 0);
	s2_state_take(&st);
	base = o.s2_slots;
	EXPECT(slots_are(base, 0, __LINE__));
	/* 1 GiB unit + unit 10 */
	EXPECT_EQ(own_host_set_prot(&o, a + 5, 5, PGT_PROT_R), 0);
	EXPECT(slots_are(base, 2, __LINE__));
	/* partly restricted, into unit 11 */
	EXPECT_EQ(own_host_set_prot(&o, a, 600, PGT_PROT_RX), 0);
	EXPECT(slots_are(base, 3, __LINE__));
	/* overlapping again, into unit 12 */
	EXPECT_EQ(own_host_set_prot(&o, a + 590, 510, 0), 0);
	EXPECT(slots_are(base, 4, __LINE__));
	EXPECT(check_window(a - 8, a + 1200, __LINE__));
	/* a lift reaching unrestricted pages: refused, nothing changed */
	snap_take(&s);
	EXPECT_EQ(own_host_set_prot(&o, a + 100, 1100, PGT_PROT_RWX), -EPERM);
	EXPECT(snap_same(&s));
	snap_drop(&s);
	/* unit 10 all lifted: its slot goes; 11 keeps pages restricted */
	EXPECT_EQ(own_host_set_prot(&o, a, 512, PGT_PROT_RWX), 0);
	EXPECT(slots_are(base, 3, __LINE__));
	/* across units 9 and 10, both default before */
	EXPECT_EQ(own_host_set_prot(&o, a - 3, 6, PGT_PROT_R), 0);
	EXPECT(slots_are(base, 5, __LINE__));
	/* restrict all of 9..12 (some pages are, most are not) */
	EXPECT_EQ(own_host_set_prot(&o, a - 512, 2048, PGT_PROT_RW), 0);
	EXPECT(slots_are(base, 5, __LINE__));
	EXPECT(check_window(a - 520, a + 1540, __LINE__));
	/* a lift of pages whose restrictions differ, in one call */
	EXPECT_EQ(own_host_set_prot(&o, a + 512, 100, 0), 0);
	EXPECT_EQ(own_host_set_prot(&o, a - 512, 2048, PGT_PROT_RWX), 0);
	EXPECT(slots_are(base, 0, __LINE__));
	EXPECT(s2_state_same(&st, __LINE__));
	leaves_free(&st.leaves);
	fixture_down();
}

/* ---- a guest's pages ---- */

TEST(guest_return_scrubs_between_guest_and_host)
{
	u64 pfn = PG0;

	ASSERT_EQ(fixture_up(layout, 2, POOL_PAGES), 0);
	ASSERT_EQ(build_s2(), 0);
	nr_scrubs = 0;
	scrub_order_ok = true;
	ASSERT_EQ(guest_call(OWN_HOST_DONATE_GUEST, pfn), 0);
	EXPECT_EQ(guest_call(OWN_GUEST_SHARE_HOST, pfn), 0);
	EXPECT_EQ(guest_call(OWN_GUEST_UNSHARE_HOST, pfn), 0);
	EXPECT_EQ(nr_scrubs, 0ULL);	/* only a return scrubs */
	EXPECT_EQ(guest_call(OWN_GUEST_RETURN_HOST, pfn), 0);
	EXPECT_EQ(nr_scrubs, 1ULL);
	/* from shared with the host too */
	ASSERT_EQ(guest_call(OWN_HOST_DONATE_GUEST, pfn), 0);
	ASSERT_EQ(guest_call(OWN_GUEST_SHARE_HOST, pfn), 0);
	EXPECT_EQ(guest_call(OWN_GUEST_RETURN_HOST, pfn), 0);
	EXPECT_EQ(nr_scrubs, 2ULL);
	EXPECT(scrub_order_ok);
	/* a shared host page goes back unscrubbed: it never left the host */
	ASSERT_EQ(guest_call(OWN_HOST_SHARE_GUEST, pfn), 0);
	EXPECT_EQ(guest_call(OWN_HOST_UNSHARE_GUEST, pfn), 0);
	EXPECT_EQ(nr_scrubs, 2ULL);
	CHECK_ALL();
	fixture_down();
}

/*
 * The host taking a page back from its guest (a kernel access to it):
 * scrubbed as a return, and the guest's entry keeps saying so, so that
 * the hypervisor can refuse to put a fresh page there.
 */
TEST(host_reclaim_guest_leaves_the_lost_mark)
{
	u64 pfn = PG0, annotation = 0;

	ASSERT_EQ(fixture_up(layout, 2, POOL_PAGES), 0);
	ASSERT_EQ(build_s2(), 0);
	nr_scrubs = 0;
	scrub_order_ok = true;
	ASSERT_EQ(guest_call(OWN_HOST_DONATE_GUEST, pfn), 0);
	EXPECT_EQ(guest_call(OWN_HOST_RECLAIM_GUEST, pfn), 0);
	EXPECT_EQ(nr_scrubs, 1ULL);
	EXPECT(scrub_order_ok);
	EXPECT_EQ(pgt_lookup(&guest_s2, gfn_of(pfn) << 12, NULL, NULL, NULL),
		  -ENOENT);
	EXPECT_EQ(pgt_get_annotation(&guest_s2, gfn_of(pfn) << 12, &annotation),
		  0);
	EXPECT_EQ(annotation, OWN_GUEST_S2_LOST);
	/* not the guest's any more: a second reclaim or return is refused */
	EXPECT_EQ(guest_call(OWN_HOST_RECLAIM_GUEST, pfn), -EPERM);
	EXPECT_EQ(guest_call(OWN_GUEST_RETURN_HOST, pfn), -EPERM);
	CHECK_ALL();
	fixture_down();
}

TEST(guest_calls_refuse_what_is_not_theirs)
{
	struct own_guest other = guest;
	struct snap s;
	u64 pfn = PG0;

	ASSERT_EQ(fixture_up(layout, 2, POOL_PAGES), 0);
	EXPECT_EQ(guest_call(OWN_HOST_DONATE_GUEST, pfn), -EINVAL);	/* no s2 */
	ASSERT_EQ(build_s2(), 0);
	ASSERT_EQ(guest_call(OWN_HOST_DONATE_GUEST, pfn), 0);
	ASSERT_EQ(guest_call(OWN_HOST_SHARE_GUEST, pfn + 1), 0);
	snap_take(&s);
	/* the frame is taken */
	EXPECT_EQ(guest_call_at(OWN_HOST_DONATE_GUEST, pfn + 2, gfn_of(pfn)),
		  -EEXIST);
	EXPECT_EQ(guest_call_at(OWN_HOST_SHARE_GUEST, pfn + 2, gfn_of(pfn + 1)),
		  -EEXIST);
	/* the page is there, at another frame */
	EXPECT_EQ(guest_call_at(OWN_GUEST_RETURN_HOST, pfn, gfn_of(pfn) + 1),
		  -EPERM);
	EXPECT_EQ(guest_call_at(OWN_HOST_UNSHARE_GUEST, pfn + 1, gfn_of(pfn)),
		  -EPERM);
	EXPECT_EQ(guest_call_at(OWN_GUEST_SHARE_HOST, pfn + 1, gfn_of(pfn + 1)),
		  -EPERM);
	/* another guest (another id, the same tables) cannot take it back */
	other.id = GUEST_ID + 1;
	other.free_tables = pool_nr_free(&gpool);
	EXPECT_EQ(own_guest_transition(&o, OWN_GUEST_RETURN_HOST, &other, pfn,
				       gfn_of(pfn)), -EPERM);
	/* beyond the guest's input range, not RAM, no such call */
	EXPECT_EQ(guest_call_at(OWN_HOST_DONATE_GUEST, pfn + 2,
				1ULL << (IA_BITS - 12)), -EINVAL);
	EXPECT_EQ(guest_call(OWN_HOST_DONATE_GUEST, PFN(RAM_A) - 1), -EINVAL);
	EXPECT_EQ(guest_call(OWN_NR_GUEST_OPS, pfn + 2), -EINVAL);
	/* a guest without table pages */
	other = guest;
	other.free_tables = 0;
	EXPECT_EQ(own_guest_transition(&o, OWN_HOST_DONATE_GUEST, &other,
				       PFN(RAM_B), gfn_of(PFN(RAM_B))), -ENOMEM);
	EXPECT(snap_same(&s));
	snap_drop(&s);
	CHECK_ALL();
	EXPECT_EQ(guest_call(OWN_GUEST_RETURN_HOST, pfn), 0);
	EXPECT_EQ(guest_call(OWN_HOST_UNSHARE_GUEST, pfn + 1), 0);
	fixture_down();
}

TEST(host_access_to_guest_pages)
{
	u64 pfn = PG0;

	ASSERT_EQ(fixture_up(layout, 2, POOL_PAGES), 0);
	ASSERT_EQ(build_s2(), 0);
	ASSERT_EQ(guest_call(OWN_HOST_DONATE_GUEST, pfn), 0);
	EXPECT_EQ(own_host_access(&o, pfn, PGT_PROT_R), OWN_ACCESS_GUEST);
	EXPECT_EQ(own_host_access(&o, pfn, PGT_PROT_X), OWN_ACCESS_GUEST);
	ASSERT_EQ(guest_call(OWN_GUEST_SHARE_HOST, pfn), 0);
	EXPECT_EQ(own_host_access(&o, pfn, PGT_PROT_RW), OWN_ACCESS_ALLOWED);
	EXPECT_EQ(own_host_access(&o, pfn, PGT_PROT_X), OWN_ACCESS_REFUSED);
	ASSERT_EQ(guest_call(OWN_HOST_SHARE_GUEST, pfn + 1), 0);
	EXPECT_EQ(own_host_access(&o, pfn + 1, PGT_PROT_RWX), OWN_ACCESS_ALLOWED);
	/* host transitions leave guest pages alone */
	EXPECT_EQ(own_host_donate_hyp(&o, pfn + 1, 1, true), -EPERM);
	EXPECT_EQ(own_host_share_hyp(&o, pfn, 1), -EPERM);
	EXPECT_EQ(own_host_set_prot(&o, pfn + 1, 1, PGT_PROT_R), -EPERM);
	CHECK_ALL();
	EXPECT_EQ(guest_call(OWN_GUEST_RETURN_HOST, pfn), 0);
	EXPECT_EQ(guest_call(OWN_HOST_UNSHARE_GUEST, pfn + 1), 0);
	fixture_down();
}

/*
 * Donating every page of a 2 MiB unit to the guest and returning each
 * leaves the host stage-2, the pool and the reservation as they were:
 * the unit's table goes once the last page is back (coalesced).
 */
TEST(guest_donate_return_every_page_of_a_unit_leaves_nothing)
{
	struct leaves before;
	u64 first = PFN(RAM_A + SZ_2M), i, free0;

	ASSERT_EQ(fixture_up(layout, 2, POOL_PAGES), 0);
	ASSERT_EQ(build_s2(), 0);
	before = leaves_of(&host_s2);
	free0 = pool_nr_free(&pool);
	for (i = 0; i < 512; i++)
		ASSERT_EQ(guest_call(OWN_HOST_DONATE_GUEST, first + i), 0);
	CHECK_ALL();
	EXPECT_EQ(o.nr_in_state[PAGE_GUEST_OWNED], 512ULL);
	for (i = 0; i < 512; i++)
		ASSERT_EQ(guest_call(OWN_GUEST_RETURN_HOST, first + i), 0);
	CHECK_ALL();
	{
		struct leaves after = leaves_of(&host_s2);

		EXPECT(leaves_equal(&before, &after));
		leaves_free(&after);
	}
	EXPECT_EQ(pool_nr_free(&pool), free0);
	leaves_free(&before);
	fixture_down();
}

/* ---- random differential test against a model ---- */

static u64 rnd(u64 *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ULL;
}

/* The model's verdict, straight from the header's rules. */
static int model_check(const struct pg *m, u64 base, enum tr t, u64 pfn,
		       u64 nr, bool built, u64 pool_free)
{
	bool busy = false, unpinned = false;
	u64 i;

	if (!nr || pfn + nr < pfn)
		return -EINVAL;
	/* the guest's calls: one page, after deprivilege */
	if (tr_is_guest(t) && (nr != 1 || !built))
		return -EINVAL;
	for (i = pfn; i < pfn + nr; i++)
		if (!is_ram(i))
			return -EINVAL;
	if (t == T_MARK_BOOT && built)
		return -EPERM;
	for (i = pfn; i < pfn + nr; i++) {
		const struct pg *p = &m[i - base];
		bool ok;

		switch (t) {
		case T_DONATE_HYP_R: case T_DONATE_HYP_C: case T_SHARE_HYP:
		case T_MARK_BOOT:
			ok = p->state == PAGE_HOST_OWNED && !p->host_prot;
			break;
		case T_RESTRICT_NONE: case T_RESTRICT_R: case T_RESTRICT_RW:
		case T_RESTRICT_RX:
			ok = p->state == PAGE_HOST_OWNED;
			break;
		case T_LIFT:
			ok = p->state == PAGE_HOST_OWNED && p->host_prot;
			break;
		case T_HYP_DONATE_HOST:
			ok = p->state == PAGE_HYP_OWNED && !p->boot;
			break;
		case T_RECLAIM: case T_CLAIM:
			ok = p->state == PAGE_HYP_OWNED && p->reclaimable;
			break;
		case T_HYP_SHARE:
			ok = p->state == PAGE_HYP_OWNED && !p->boot;
			break;
		case T_HYP_UNSHARE:
			ok = p->state == PAGE_HYP_SHARED;
			break;
		case T_DONATE_GUEST: case T_SHARE_GUEST:
			ok = p->state == PAGE_HOST_OWNED && !p->host_prot;
			break;
		case T_UNSHARE_GUEST:
			ok = p->state == PAGE_HOST_SHARED_GUEST;
			break;
		case T_GUEST_SHARE:
			ok = p->state == PAGE_GUEST_OWNED;
			break;
		case T_GUEST_UNSHARE:
			ok = p->state == PAGE_GUEST_SHARED_HOST;
			break;
		case T_GUEST_RETURN: case T_RECLAIM_GUEST:
			ok = p->state == PAGE_GUEST_OWNED ||
			     p->state == PAGE_GUEST_SHARED_HOST;
			break;
		default:	/* unshare, pin, unpin */
			ok = p->state == PAGE_HOST_SHARED;
			break;
		}
		if (!ok)
			return -EPERM;
		if (t == T_UNSHARE_HYP && p->pins)
			busy = true;
		if (t == T_PIN && p->pins == OWN_MAX_PINS)
			busy = true;
		if (t == T_UNPIN && !p->pins)
			unpinned = true;
	}
	/* A page in the wrong state wins over pin problems. */
	if (busy)
		return -EBUSY;
	if (unpinned)
		return -EINVAL;
	(void)built;
	(void)pool_free;
	return 0;
}

/*
 * Only a transition that gives the hypervisor more (a linear-map mapping,
 * a stage-2 slot) may run out of memory; its inverse never does. A
 * restriction needs a slot only for a page it newly restricts.
 */
static bool tr_may_need_memory(const struct pg *m, u64 base, enum tr t,
			       u64 pfn, u64 nr)
{
	u64 i;

	if (t == T_DONATE_HYP_R || t == T_DONATE_HYP_C || t == T_SHARE_HYP ||
	    t == T_DONATE_GUEST || t == T_SHARE_GUEST)
		return true;
	if (!tr_is_set_prot(t) || t == T_LIFT || !o.host_s2)
		return false;
	for (i = pfn; i < pfn + nr; i++)
		if (!m[i - base].host_prot)
			return true;
	return false;
}

static void model_apply(struct pg *m, u64 base, enum tr t, u64 pfn, u64 nr)
{
	u64 i;

	for (i = pfn; i < pfn + nr; i++) {
		struct pg *p = &m[i - base];

		switch (t) {
		case T_DONATE_HYP_R:
			*p = kind_pg[YOR];
			break;
		case T_DONATE_HYP_C:
			*p = kind_pg[YOC];
			break;
		case T_HYP_DONATE_HOST: case T_RECLAIM: case T_UNSHARE_HYP:
			*p = kind_pg[HO];
			break;
		case T_CLAIM:
			p->reclaimable = 0;
			break;
		case T_SHARE_HYP:
			*p = kind_pg[HS0];
			break;
		case T_HYP_SHARE:
			p->state = PAGE_HYP_SHARED;
			break;
		case T_HYP_UNSHARE:
			p->state = PAGE_HYP_OWNED;
			break;
		case T_PIN:
			p->pins++;
			break;
		case T_UNPIN:
			p->pins--;
			break;
		case T_MARK_BOOT:
			*p = kind_pg[YOB];
			break;
		default:
			if (tr_is_guest(t)) {
				*p = expect_after(t, HO);
				break;
			}
			if (!tr_is_set_prot(t))
				abort();
			p->host_prot = tr_host_prot[t];
			break;
		}
	}
}

static enum tr pick_for(const struct pg *p, u64 r)
{
	static const enum tr host_owned[] = {
		T_DONATE_HYP_R, T_DONATE_HYP_C, T_SHARE_HYP, T_RESTRICT_R,
	};
	static const enum tr restricted[] = {
		T_LIFT, T_LIFT, T_RESTRICT_NONE, T_RESTRICT_RW, T_RESTRICT_RX,
	};
	static const enum tr host_shared[] = {
		T_UNSHARE_HYP, T_PIN, T_UNPIN,
	};
	static const enum tr hyp_owned[] = {
		T_HYP_DONATE_HOST, T_RECLAIM, T_CLAIM, T_HYP_SHARE,
	};
	static const enum tr guest_owned[] = {
		T_GUEST_SHARE, T_GUEST_RETURN, T_RECLAIM_GUEST,
	};
	static const enum tr guest_shared[] = {
		T_GUEST_UNSHARE, T_GUEST_RETURN, T_RECLAIM_GUEST,
	};

	switch (p->state) {
	case PAGE_HOST_OWNED:
		if (p->host_prot)
			return restricted[r % 5];
		if ((r >> 8) % 5 == 0)
			return (r >> 10) & 1 ? T_DONATE_GUEST : T_SHARE_GUEST;
		return host_owned[r % 4];
	case PAGE_HOST_SHARED:	return host_shared[r % 3];
	case PAGE_HYP_OWNED:	return hyp_owned[r % 4];
	case PAGE_GUEST_OWNED:	return guest_owned[r % 3];
	case PAGE_GUEST_SHARED_HOST: return guest_shared[r % 3];
	case PAGE_HOST_SHARED_GUEST: return T_UNSHARE_GUEST;
	default:		return T_HYP_UNSHARE;
	}
}

static void differential_dma(u64 seed, int ops, int build_at, u64 pool_pages,
			     bool dma)
{
	u64 base = WIN_LO, nwin = WIN_HI - WIN_LO, s = seed, i;
	struct pg *m = calloc(nwin, sizeof(*m));
	int n, nr_ok = 0, nr_enomem = 0, nr_guest = 0;

	ASSERT_EQ(fixture_up(layout, 2, pool_pages), 0);
	if (dma)
		ASSERT_EQ(own_add_hyp_device(&o, HYP_DEV, HYP_DEV_SIZE), 0);
	for (n = 0; n < ops; n++) {
		u64 r = rnd(&s), pfn, nr;
		enum tr t = r % NR_TR;
		int want, ret;

		if (n == build_at) {
			ASSERT_EQ(build_s2(), 0);
			if (dma)
				ASSERT_EQ(build_dma(0), 0);
		}
		if (t == T_MARK_BOOT && (r >> 8) % 4)
			t = T_DONATE_HYP_R;	/* keep boot pages rare */
		/* Mostly a hot spot around a 2 MiB line, so states mix. */
		if ((r >> 36) % 4)
			pfn = PG0 - 32 + (r >> 12) % 64;
		else
			pfn = base + (r >> 12) % nwin;
		/* Half the time, a transition that fits the first page. */
		if ((r >> 56) & 1 && is_ram(pfn))
			t = pick_for(&m[pfn - base], r >> 57);
		switch ((r >> 40) % 8) {
		case 0:
			nr = 0;
			break;
		case 1:
			nr = 1 + (r >> 48) % 600;
			break;
		case 2:
			pfn = ~0ULL - (r >> 50) % 4;
			nr = 8;
			break;
		case 3:
			nr = 1 + (r >> 48) % 24;
			break;
		default:
			nr = 1 + (r >> 48) % 4;
			break;
		}
		/* the guest's calls take one page; mostly give them that */
		if (tr_is_guest(t) && (r >> 44) % 8 && is_ram(pfn))
			nr = 1;
		want = model_check(m, base, t, pfn, nr, o.host_s2 != NULL,
				   pool_nr_free(&pool));
		ret = call(t, pfn, nr);
		if (ret == -ENOMEM && !want &&
		    tr_may_need_memory(m, base, t, pfn, nr))
			want = -ENOMEM;
		if (!EXPECT_EQ(ret, want)) {
			FAIL("seed %#llx op %d: %s(%#llx, %llu)",
			     (unsigned long long)seed, n, tr_name[t],
			     (unsigned long long)pfn, (unsigned long long)nr);
			break;
		}
		if (!ret) {
			model_apply(m, base, t, pfn, nr);
			nr_ok++;
			nr_guest += tr_is_guest(t);
		}
		nr_enomem += ret == -ENOMEM;
		for (i = 0; i < nwin; i++)
			if (is_ram(base + i) && !page_is(base + i, m[i])) {
				FAIL("seed %#llx op %d: page %#llx differs",
				     (unsigned long long)seed, n,
				     (unsigned long long)(base + i));
				break;
			}
		if (!CHECK_ALL() || !TAP_OK()) {
			FAIL("seed %#llx op %d", (unsigned long long)seed, n);
			break;
		}
	}
	/* The run must have done real work. */
	printf("# seed %#llx: %d of %d calls succeeded (%d of the guest's), %d -ENOMEM\n",
	       (unsigned long long)seed, nr_ok, ops, nr_guest, nr_enomem);
	EXPECT(nr_ok > ops / (pool_pages < 64 ? 50 : 10));
	EXPECT(nr_guest > ops / 100);
	if (pool_pages < 64)
		EXPECT(nr_enomem > 0);
	fixture_down();
	free(m);
}

static void differential(u64 seed, int ops, int build_at, u64 pool_pages)
{
	differential_dma(seed, ops, build_at, pool_pages, false);
}

TEST(differential_s2_built_from_start)
{
	differential(0x5eed0001ULL, 3000, 0, POOL_PAGES);
}

TEST(differential_s2_built_midway)
{
	differential(0x5eed0002ULL, 3000, 1500, POOL_PAGES);
}

TEST(differential_small_pool)
{
	differential(0x5eed0003ULL, 3000, 0, 22);
}

/*
 * The DMA mirror through every kind of transition (check_window()
 * compares it with the host stage-2 after each), on a pool of exactly
 * the bound: a map never runs out. Built midway, from the states then.
 */
TEST(dma_mirror_follows_the_host_stage2)
{
	nr_dma_syncs = 0;
	differential_dma(0x5eed0004ULL, 3000, 0, POOL_PAGES, true);
	printf("# %llu mirror syncs\n", (unsigned long long)nr_dma_syncs);
	EXPECT(nr_dma_syncs > 100);
	differential_dma(0x5eed0005ULL, 3000, 1500, POOL_PAGES, true);
}

/*
 * A hypervisor device range: the host's fault there is refused, its
 * neighbours map page by page around it; the mirror leaves it out. A
 * range over RAM, unaligned or late is refused; the build stays within
 * the bound, and a pool one page short of what it takes fails cleanly.
 */
TEST(hyp_device_ranges_and_the_mirror_build)
{
	u64 used, bound;

	ASSERT_EQ(fixture_up(layout, 2, POOL_PAGES), 0);
	EXPECT_EQ(own_add_hyp_device(&o, RAM_A, 0x1000), -EINVAL);
	EXPECT_EQ(own_add_hyp_device(&o, HYP_DEV + 1, 0x1000), -EINVAL);
	EXPECT_EQ(own_add_hyp_device(&o, HYP_DEV, 0), -EINVAL);
	ASSERT_EQ(own_add_hyp_device(&o, HYP_DEV, HYP_DEV_SIZE), 0);
	EXPECT_EQ(own_add_hyp_device(&o, HYP_DEV + 0x1000, 0x1000), -EINVAL);
	ASSERT_EQ(build_s2(), 0);
	EXPECT_EQ(own_add_hyp_device(&o, 0x1000000, 0x1000), -EPERM);

	ASSERT_EQ(build_dma(0), 0);
	used = pgt_nr_tables(&dma_s2);
	bound = own_dma_tables_bound(o.ram, o.nr_ram, o.nr_hyp_dev);
	printf("# mirror: %llu tables, bound %llu\n", (unsigned long long)used,
	       (unsigned long long)bound);
	EXPECT(used <= bound);
	EXPECT(CHECK_ALL());
	pgt_destroy(&dma_s2);
	o.dma_s2 = NULL;
	free(dpool_mem);
	ASSERT_EQ(build_dma(-(long)(bound - used) - 1), -ENOMEM);
	EXPECT(o.dma_s2 == NULL);
	EXPECT_EQ(dpool.nr_free, dpool.nr_pages);
	free(dpool_mem);
	ASSERT_EQ(build_dma(0), 0);
	EXPECT_EQ(own_build_dma_mirror(&o, &dma_s2, s2_ia_bits, &dma_ops,
				       t_dma_sync, NULL), -EINVAL);
	EXPECT(CHECK_ALL());

	/* devices lose a page before the donation returns; regain it free */
	nr_dma_syncs = 0;
	ASSERT_EQ(own_host_donate_hyp(&o, PFN(RAM_A) + 5, 2, true), 0);
	EXPECT_EQ(nr_dma_syncs, 1);
	EXPECT(check_map(&dma_s2, RAM_A + 5 * SZ_4K, 0, __LINE__));
	ASSERT_EQ(own_host_reclaim(&o, PFN(RAM_A) + 5, 2), 0);
	EXPECT_EQ(nr_dma_syncs, 1);	/* nothing cached to invalidate */
	EXPECT(check_map(&dma_s2, RAM_A + 6 * SZ_4K, PGT_PROT_RW, __LINE__));
	EXPECT(CHECK_ALL());

	/* the host's faults (after which device space is no longer empty) */
	EXPECT_EQ(own_host_s2_fault(&o, HYP_DEV), -EPERM);
	EXPECT_EQ(own_host_s2_fault(&o, HYP_DEV + HYP_DEV_SIZE - 8), -EPERM);
	EXPECT_EQ(own_host_s2_fault(&o, HYP_DEV + HYP_DEV_SIZE), 0);
	EXPECT_EQ(own_host_s2_fault(&o, HYP_DEV - 0x1000), 0);
	EXPECT(check_map(&host_s2, HYP_DEV + HYP_DEV_SIZE,
			 PGT_PROT_RW | PGT_PROT_DEVICE, __LINE__));
	EXPECT(check_map(&host_s2, HYP_DEV - 0x1000,
			 PGT_PROT_RW | PGT_PROT_DEVICE, __LINE__));
	EXPECT(check_map(&host_s2, HYP_DEV, 0, __LINE__));
	/* far device space still gets a block */
	EXPECT_EQ(own_host_s2_fault(&o, 0x80000000ULL + 0x1234000), 0);
	EXPECT(check_slots(__LINE__));
	fixture_down();
}

int main(void)
{
	TAP_START();
	RUN(init_and_regions);
	RUN(every_transition_from_every_state_s2_built);
	RUN(every_transition_from_every_state_s2_not_built);
	RUN(every_transition_from_every_state_three_pages);
	RUN(partly_wrong_range_changes_nothing);
	RUN(bad_ranges_are_einval);
	RUN(pin_limit);
	RUN(enomem_changes_nothing_and_inverses_never_need_memory);
	RUN(donate_reclaim_pairs_leave_everything_as_it_was);
	RUN(donate_reclaim_every_2m_block_keeps_the_pool);
	RUN(host_exhausting_the_pool_gets_enomem_and_can_undo_it);
	RUN(share_unshare_any_range_with_an_empty_pool);
	RUN(device_units_far_from_ram_are_bounded);
	RUN(build_host_s2_matches_states);
	RUN(build_host_s2_enomem);
	RUN(build_host_s2_1g_machine_uses_blocks);
	RUN(private_donation_has_no_linear_alias);
	RUN(restricted_pages_refuse_every_transition);
	RUN(each_restriction_is_what_the_host_s2_holds);
	RUN(set_prot_bad_prot_is_einval);
	RUN(restrict_lift_pairs_leave_the_host_s2_as_it_was);
	RUN(restrict_lift_pairs_on_partial_units);
	RUN(restrictions_before_build_appear_in_host_s2);
	RUN(set_prot_enomem_changes_nothing);
	RUN(partly_restricted_ranges_count_slots_per_unit);
	RUN(guest_return_scrubs_between_guest_and_host);
	RUN(host_reclaim_guest_leaves_the_lost_mark);
	RUN(guest_calls_refuse_what_is_not_theirs);
	RUN(host_access_to_guest_pages);
	RUN(guest_donate_return_every_page_of_a_unit_leaves_nothing);
	RUN(differential_s2_built_from_start);
	RUN(differential_s2_built_midway);
	RUN(differential_small_pool);
	RUN(dma_mirror_follows_the_host_stage2);
	RUN(hyp_device_ranges_and_the_mirror_build);
	return TAP_END("test_ownership");
}
