// SPDX-License-Identifier: GPL-2.0-only
/*
 * Page ownership between the host and the hypervisor (see ownership.h for
 * the state table).
 *
 * Every transition has the same three phases:
 *   1. check: the range is RAM, every page is in the source state (and not
 *      a boot page, pinned, ... where that matters);
 *   2. reserve: the pool holds the worst case of table pages that the
 *      page-table updates below can allocate (pgt_max_tables());
 *   3. commit: one pgt_map()/pgt_unmap() per affected table over the whole
 *      range, then the new page states and counters.
 * Nothing is changed unless all checks pass, and phase 3 cannot fail once
 * phase 2 succeeded.
 */
#include <pkvmkit/ownership.h>

#define OWN_PA_BITS	48

static inline u64 own_pfn_to_phys(u64 pfn)
{
	return pfn << PKVMKIT_PAGE_SHIFT;
}

static inline struct hyp_page *own_page(const struct ownership *o, u64 pfn)
{
	return &o->pages[pfn - o->first_pfn];
}

/* Copy @ram to @out sorted by base; 0 or -EINVAL. */
static int own_sort_regions(const struct own_ram_region *ram, u32 nr_ram,
			    struct own_ram_region *out)
{
	u64 mask = PKVMKIT_PAGE_SIZE - 1;
	u32 i, j;

	if (!ram || !nr_ram || nr_ram > OWN_MAX_RAM_REGIONS)
		return -EINVAL;

	for (i = 0; i < nr_ram; i++) {
		struct own_ram_region r = ram[i];

		if (!r.size || ((r.base | r.size) & mask) ||
		    r.base >= (1ULL << OWN_PA_BITS) ||
		    r.size > (1ULL << OWN_PA_BITS) - r.base)
			return -EINVAL;
		/* Insertion sort: there are at most 16 regions. */
		for (j = i; j > 0 && out[j - 1].base > r.base; j--)
			out[j] = out[j - 1];
		out[j] = r;
	}
	for (i = 1; i < nr_ram; i++)
		if (out[i].base < out[i - 1].base + out[i - 1].size)
			return -EINVAL;
	return 0;
}

static u64 own_regions_span(const struct own_ram_region *sorted, u32 nr_ram)
{
	const struct own_ram_region *last = &sorted[nr_ram - 1];

	return (last->base + last->size - sorted[0].base) >> PKVMKIT_PAGE_SHIFT;
}

u64 own_span_pfns(const struct own_ram_region *ram, u32 nr_ram)
{
	struct own_ram_region sorted[OWN_MAX_RAM_REGIONS];

	if (own_sort_regions(ram, nr_ram, sorted))
		return 0;
	return own_regions_span(sorted, nr_ram);
}

int own_init(struct ownership *o, struct hyp_page *pages,
	     const struct own_ram_region *ram, u32 nr_ram,
	     struct pgt *hyp_s1, struct page_pool *pool)
{
	struct own_ram_region sorted[OWN_MAX_RAM_REGIONS];
	const struct own_ram_region *last;
	u64 i, ram_pages = 0;
	int ret;

	if (!o || !pages || !hyp_s1 || !pool)
		return -EINVAL;
	ret = own_sort_regions(ram, nr_ram, sorted);
	if (ret)
		return ret;
	/* The linear map is VA == PA: all of RAM must fit in the hyp VA. */
	last = &sorted[nr_ram - 1];
	if (last->base + last->size > (1ULL << hyp_s1->ia_bits))
		return -EINVAL;

	for (i = 0; i < nr_ram; i++) {
		o->ram[i] = sorted[i];
		ram_pages += sorted[i].size >> PKVMKIT_PAGE_SHIFT;
	}
	o->nr_ram = nr_ram;
	o->first_pfn = sorted[0].base >> PKVMKIT_PAGE_SHIFT;
	o->nr_pfns = own_regions_span(sorted, nr_ram);
	o->pages = pages;
	o->hyp_s1 = hyp_s1;
	o->host_s2 = NULL;
	o->pool = pool;
	for (i = 0; i < PAGE_STATE_COUNT; i++)
		o->nr_in_state[i] = 0;
	/*
	 * @pages comes zeroed, which is PAGE_HOST_OWNED with no flags or
	 * pins: nothing to write per page (that loop alone cost more than
	 * the rest of the hypervisor's set-up on a 4 GiB machine).
	 */
	o->nr_in_state[PAGE_HOST_OWNED] = ram_pages;
	return 0;
}

bool own_range_is_ram(const struct ownership *o, u64 pfn, u64 nr)
{
	u64 cur = pfn, end;
	u32 i;

	if (!nr || nr > ~0ULL - pfn)
		return false;
	end = pfn + nr;

	/* Regions are sorted and disjoint but may touch. */
	for (i = 0; i < o->nr_ram; i++) {
		u64 rs = o->ram[i].base >> PKVMKIT_PAGE_SHIFT;
		u64 re = rs + (o->ram[i].size >> PKVMKIT_PAGE_SHIFT);

		if (cur >= rs && cur < re) {
			cur = re;
			if (cur >= end)
				return true;
		}
	}
	return false;
}

int own_page_state(const struct ownership *o, u64 pfn, enum page_state *state)
{
	if (!own_range_is_ram(o, pfn, 1))
		return -EINVAL;
	*state = own_page(o, pfn)->state;
	return 0;
}

enum own_pt_op {
	OWN_PT_KEEP = 0,
	OWN_PT_MAP,
	OWN_PT_UNMAP,
};

/* Checks (OWN_TX_NEED_* / OWN_TX_REFUSE_*) and commit actions. */
#define OWN_TX_NEED_RECLAIMABLE		BIT(0)
#define OWN_TX_REFUSE_BOOT		BIT(1)
#define OWN_TX_REFUSE_PINNED		BIT(2)
#define OWN_TX_SET_RECLAIMABLE		BIT(3)	/* from the caller's flag */
#define OWN_TX_CLEAR_RECLAIMABLE	BIT(4)
#define OWN_TX_SET_PRIVATE		BIT(5)
#define OWN_TX_CLEAR_PRIVATE		BIT(6)
#define OWN_TX_REFUSE_PRIVATE		BIT(7)

struct own_tx {
	u8 from;		/* required state */
	u8 to;			/* new state */
	u8 flags;
	u8 hyp_s1;		/* enum own_pt_op on the linear map, RW */
	u8 host_s2;		/* enum own_pt_op on the host stage-2 */
	u8 host_s2_prot;	/* for OWN_PT_MAP */
};

static int own_check(const struct ownership *o, u64 pfn, u64 nr,
		     const struct own_tx *tx)
{
	bool busy = false;
	u64 addr, size, need = 0;
	u64 i;

	if (!own_range_is_ram(o, pfn, nr))
		return -EINVAL;

	for (i = pfn; i < pfn + nr; i++) {
		const struct hyp_page *p = own_page(o, i);

		if (p->state != tx->from)
			return -EPERM;
		if ((tx->flags & OWN_TX_REFUSE_BOOT) && p->boot)
			return -EPERM;
		if ((tx->flags & OWN_TX_NEED_RECLAIMABLE) && !p->reclaimable)
			return -EPERM;
		if ((tx->flags & OWN_TX_REFUSE_PRIVATE) && p->priv)
			return -EPERM;
		if ((tx->flags & OWN_TX_REFUSE_PINNED) && p->pins)
			busy = true;
	}
	if (busy)
		return -EBUSY;

	addr = own_pfn_to_phys(pfn);
	size = own_pfn_to_phys(nr);
	if (tx->hyp_s1 != OWN_PT_KEEP)
		need += pgt_max_tables(o->hyp_s1, addr, size);
	if (tx->host_s2 != OWN_PT_KEEP && o->host_s2)
		need += pgt_max_tables(o->host_s2, addr, size);
	if (pool_nr_free(o->pool) < need)
		return -ENOMEM;
	return 0;
}

static int own_update_pgt(struct pgt *pgt, enum own_pt_op op, u64 addr,
			  u64 size, u32 prot)
{
	if (!pgt || op == OWN_PT_KEEP)
		return 0;
	if (op == OWN_PT_UNMAP)
		return pgt_unmap(pgt, addr, size);
	return pgt_map(pgt, addr, addr, size, prot);
}

static int own_commit(struct ownership *o, u64 pfn, u64 nr,
		      const struct own_tx *tx, bool reclaimable)
{
	u64 addr = own_pfn_to_phys(pfn), size = own_pfn_to_phys(nr);
	u64 i;
	int ret;

	/*
	 * Cannot fail after own_check(): the pool holds the worst case. If it
	 * does anyway, the tables may be partly updated and the states are
	 * left alone; the caller treats that as fatal.
	 */
	ret = own_update_pgt(o->hyp_s1, tx->hyp_s1, addr, size, PGT_PROT_RW);
	if (ret)
		return ret;
	ret = own_update_pgt(o->host_s2, tx->host_s2, addr, size,
			     tx->host_s2_prot);
	if (ret)
		return ret;

	for (i = pfn; i < pfn + nr; i++) {
		struct hyp_page *p = own_page(o, i);

		o->nr_in_state[p->state]--;
		o->nr_in_state[tx->to]++;
		p->state = tx->to;
		p->pins = 0;
		if (tx->flags & OWN_TX_SET_RECLAIMABLE)
			p->reclaimable = reclaimable;
		if (tx->flags & OWN_TX_CLEAR_RECLAIMABLE)
			p->reclaimable = 0;
		if (tx->flags & OWN_TX_SET_PRIVATE)
			p->priv = 1;
		if (tx->flags & OWN_TX_CLEAR_PRIVATE)
			p->priv = 0;
	}
	return 0;
}

static int own_transition(struct ownership *o, u64 pfn, u64 nr,
			  const struct own_tx *tx, bool reclaimable)
{
	int ret = own_check(o, pfn, nr, tx);

	if (ret)
		return ret;
	return own_commit(o, pfn, nr, tx, reclaimable);
}

int own_mark_hyp_boot(struct ownership *o, u64 pfn, u64 nr)
{
	u64 i;

	if (!own_range_is_ram(o, pfn, nr))
		return -EINVAL;
	/* After the host stage-2 exists a page could no longer be hidden. */
	if (o->host_s2)
		return -EPERM;
	for (i = pfn; i < pfn + nr; i++)
		if (own_page(o, i)->state != PAGE_HOST_OWNED)
			return -EPERM;

	for (i = pfn; i < pfn + nr; i++) {
		struct hyp_page *p = own_page(o, i);

		p->state = PAGE_HYP_OWNED;
		p->boot = 1;
		p->reclaimable = 0;
	}
	o->nr_in_state[PAGE_HOST_OWNED] -= nr;
	o->nr_in_state[PAGE_HYP_OWNED] += nr;
	return 0;
}

/*
 * host: OWNED => NOPAGE, hyp: NOPAGE => OWNED, kept out of the linear map:
 * for pages the hypervisor maps elsewhere with their own permissions
 * (vendor-module code and data), so no writable alias of them exists.
 */
int own_host_donate_hyp_private(struct ownership *o, u64 pfn, u64 nr)
{
	static const struct own_tx tx = {
		.from = PAGE_HOST_OWNED,
		.to = PAGE_HYP_OWNED,
		.flags = OWN_TX_SET_RECLAIMABLE | OWN_TX_SET_PRIVATE,
		.hyp_s1 = OWN_PT_KEEP,
		.host_s2 = OWN_PT_UNMAP,
	};

	return own_transition(o, pfn, nr, &tx, false);
}

/*
 * host: OWNED => NOPAGE, hyp: NOPAGE => OWNED.
 * Host stage-2 loses the pages, the linear map gains them.
 */
int own_host_donate_hyp(struct ownership *o, u64 pfn, u64 nr, bool reclaimable)
{
	static const struct own_tx tx = {
		.from = PAGE_HOST_OWNED,
		.to = PAGE_HYP_OWNED,
		.flags = OWN_TX_SET_RECLAIMABLE,
		.hyp_s1 = OWN_PT_MAP,
		.host_s2 = OWN_PT_UNMAP,
	};

	return own_transition(o, pfn, nr, &tx, reclaimable);
}

/* hyp: OWNED => NOPAGE, host: NOPAGE => OWNED. Never for boot pages. */
int own_hyp_donate_host(struct ownership *o, u64 pfn, u64 nr)
{
	static const struct own_tx tx = {
		.from = PAGE_HYP_OWNED,
		.to = PAGE_HOST_OWNED,
		.flags = OWN_TX_REFUSE_BOOT | OWN_TX_CLEAR_RECLAIMABLE |
			 OWN_TX_CLEAR_PRIVATE,
		.hyp_s1 = OWN_PT_UNMAP,
		.host_s2 = OWN_PT_MAP,
		.host_s2_prot = PGT_PROT_RWX,
	};

	return own_transition(o, pfn, nr, &tx, false);
}

/* As own_hyp_donate_host(), but only pages the hyp has not claimed. */
int own_host_reclaim(struct ownership *o, u64 pfn, u64 nr)
{
	static const struct own_tx tx = {
		.from = PAGE_HYP_OWNED,
		.to = PAGE_HOST_OWNED,
		.flags = OWN_TX_REFUSE_BOOT | OWN_TX_NEED_RECLAIMABLE |
			 OWN_TX_CLEAR_RECLAIMABLE,
		.hyp_s1 = OWN_PT_UNMAP,
		.host_s2 = OWN_PT_MAP,
		.host_s2_prot = PGT_PROT_RWX,
	};

	return own_transition(o, pfn, nr, &tx, false);
}

/* hyp: OWNED (reclaimable) => OWNED. No page-table change. */
int own_hyp_claim(struct ownership *o, u64 pfn, u64 nr)
{
	static const struct own_tx tx = {
		.from = PAGE_HYP_OWNED,
		.to = PAGE_HYP_OWNED,
		.flags = OWN_TX_NEED_RECLAIMABLE | OWN_TX_CLEAR_RECLAIMABLE,
	};

	return own_transition(o, pfn, nr, &tx, false);
}

/*
 * host: OWNED => SHARED_OWNED, hyp: NOPAGE => SHARED_BORROWED.
 * The host keeps RWX; the linear map gains the pages.
 */
int own_host_share_hyp(struct ownership *o, u64 pfn, u64 nr)
{
	static const struct own_tx tx = {
		.from = PAGE_HOST_OWNED,
		.to = PAGE_HOST_SHARED,
		.hyp_s1 = OWN_PT_MAP,
	};

	return own_transition(o, pfn, nr, &tx, false);
}

/* host: SHARED_OWNED => OWNED, hyp: SHARED_BORROWED => NOPAGE. */
int own_host_unshare_hyp(struct ownership *o, u64 pfn, u64 nr)
{
	static const struct own_tx tx = {
		.from = PAGE_HOST_SHARED,
		.to = PAGE_HOST_OWNED,
		.flags = OWN_TX_REFUSE_PINNED,
		.hyp_s1 = OWN_PT_UNMAP,
	};

	return own_transition(o, pfn, nr, &tx, false);
}

/*
 * hyp: OWNED => SHARED_OWNED, host: NOPAGE => SHARED_BORROWED (read-only).
 * The reclaimable flag is kept for when the page is unshared again.
 */
int own_hyp_share_host(struct ownership *o, u64 pfn, u64 nr)
{
	static const struct own_tx tx = {
		.from = PAGE_HYP_OWNED,
		.to = PAGE_HYP_SHARED,
		.flags = OWN_TX_REFUSE_BOOT | OWN_TX_REFUSE_PRIVATE,
		.host_s2 = OWN_PT_MAP,
		.host_s2_prot = PGT_PROT_R,
	};

	return own_transition(o, pfn, nr, &tx, false);
}

/* hyp: SHARED_OWNED => OWNED, host: SHARED_BORROWED => NOPAGE. */
int own_hyp_unshare_host(struct ownership *o, u64 pfn, u64 nr)
{
	static const struct own_tx tx = {
		.from = PAGE_HYP_SHARED,
		.to = PAGE_HYP_OWNED,
		.host_s2 = OWN_PT_UNMAP,
	};

	return own_transition(o, pfn, nr, &tx, false);
}

static int own_check_shared(const struct ownership *o, u64 pfn, u64 nr)
{
	u64 i;

	if (!own_range_is_ram(o, pfn, nr))
		return -EINVAL;
	for (i = pfn; i < pfn + nr; i++)
		if (own_page(o, i)->state != PAGE_HOST_SHARED)
			return -EPERM;
	return 0;
}

int own_pin_shared(struct ownership *o, u64 pfn, u64 nr)
{
	int ret = own_check_shared(o, pfn, nr);
	u64 i;

	if (ret)
		return ret;
	for (i = pfn; i < pfn + nr; i++)
		if (own_page(o, i)->pins >= OWN_MAX_PINS)
			return -EBUSY;
	for (i = pfn; i < pfn + nr; i++)
		own_page(o, i)->pins++;
	return 0;
}

int own_unpin_shared(struct ownership *o, u64 pfn, u64 nr)
{
	int ret = own_check_shared(o, pfn, nr);
	u64 i;

	if (ret)
		return ret;
	for (i = pfn; i < pfn + nr; i++)
		if (!own_page(o, i)->pins)
			return -EINVAL;
	for (i = pfn; i < pfn + nr; i++)
		own_page(o, i)->pins--;
	return 0;
}

/* What the host stage-2 holds for a page in @state: 0 = nothing. */
static u32 own_host_s2_prot(enum page_state state)
{
	switch (state) {
	case PAGE_HOST_OWNED:
	case PAGE_HOST_SHARED:
		return PGT_PROT_RWX;
	case PAGE_HYP_SHARED:
		return PGT_PROT_R;
	default:
		return 0;
	}
}

/* Unmap or downgrade every maximal run of hyp pages in one region. */
static int own_host_s2_hyp_runs(struct ownership *o, struct pgt *s2,
				const struct own_ram_region *r)
{
	u64 pfn = r->base >> PKVMKIT_PAGE_SHIFT;
	u64 end = pfn + (r->size >> PKVMKIT_PAGE_SHIFT);
	int ret = 0;

	while (pfn < end) {
		u32 prot = own_host_s2_prot(own_page(o, pfn)->state);
		u64 run = pfn + 1;
		u64 addr = own_pfn_to_phys(pfn);

		while (run < end &&
		       own_host_s2_prot(own_page(o, run)->state) == prot)
			run++;
		if (!prot)
			ret = pgt_unmap(s2, addr, own_pfn_to_phys(run - pfn));
		else if (prot != PGT_PROT_RWX)
			ret = pgt_map(s2, addr, addr,
				      own_pfn_to_phys(run - pfn), prot);
		if (ret)
			return ret;
		pfn = run;
	}
	return 0;
}

int own_build_host_s2(struct ownership *o, struct pgt *s2)
{
	const struct own_ram_region *last;
	u32 i;
	int ret;

	if (!s2 || s2->stage != PGT_STAGE2 || o->host_s2 ||
	    pgt_nr_tables(s2) != 1)
		return -EINVAL;
	last = &o->ram[o->nr_ram - 1];
	if (last->base + last->size > 1ULL << s2->ia_bits)
		return -EINVAL;

	/*
	 * RAM as Normal RWX. Device space is left for own_host_s2_fault():
	 * mapping all of a 48-bit input range up front would take hundreds
	 * of tables for addresses no device answers at.
	 */
	for (i = 0; i < o->nr_ram; i++) {
		const struct own_ram_region *r = &o->ram[i];

		ret = pgt_map(s2, r->base, r->base, r->size, PGT_PROT_RWX);
		if (ret)
			return ret;
	}

	/* Then the pages the host must not have, or only read. */
	for (i = 0; i < o->nr_ram; i++) {
		ret = own_host_s2_hyp_runs(o, s2, &o->ram[i]);
		if (ret)
			return ret;
	}
	o->host_s2 = s2;
	return 0;
}

static bool own_overlaps_ram(const struct ownership *o, u64 base, u64 size)
{
	u32 i;

	for (i = 0; i < o->nr_ram; i++)
		if (base < o->ram[i].base + o->ram[i].size &&
		    o->ram[i].base < base + size)
			return true;
	return false;
}

int own_host_s2_fault(struct ownership *o, u64 addr)
{
	struct pgt *s2 = o->host_s2;
	u64 base = 0, size = 0;
	u32 level;

	if (!s2 || addr >= 1ULL << s2->ia_bits)
		return -EINVAL;
	/*
	 * Mapped by now: the fault hit an entry another CPU was rebuilding
	 * (break-before-make while splitting a block), or device space
	 * another CPU mapped first. The host just retries.
	 */
	if (!pgt_lookup(s2, addr, NULL, NULL, NULL))
		return 0;
	if (own_overlaps_ram(o, addr & ~0xfffULL, 1ULL << 12))
		return -EPERM;
	/* the largest RAM-free block a level can hold: 1 GiB, 2 MiB, 4 KiB */
	for (level = s2->start_level ? s2->start_level : 1; level <= 3; level++) {
		size = 1ULL << (12 + 9 * (3 - level));
		base = addr & ~(size - 1);
		if (!own_overlaps_ram(o, base, size))
			break;
	}
	/*
	 * An aligned block at @level needs at most one new table for each
	 * level between the root and it (pgt_max_tables() would count the
	 * worst case of an unaligned map of the same size).
	 */
	if (pool_nr_free(o->pool) < level - s2->start_level)
		return -ENOMEM;
	return pgt_map(s2, base, base, size, PGT_PROT_RW | PGT_PROT_DEVICE);
}
