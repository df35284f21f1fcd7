// SPDX-License-Identifier: GPL-2.0-only
/*
 * Page ownership between the host and the hypervisor (see ownership.h for
 * the state table).
 *
 * Every transition has the same three phases:
 *   1. check: the range is RAM, every page is in the source state (and not
 *      a boot page, pinned, ... where that matters);
 *   2. reserve: the pool holds what the linear-map update can allocate
 *      (pgt_max_tables() for a map, the exact split count for an unmap:
 *      none, the linear map being pages only), and the host stage-2 slots
 *      the new states need are reserved;
 *   3. commit: one pgt_map()/pgt_unmap() per affected table over the whole
 *      range, then the new page states and counters, then the stage-2
 *      slots the old states needed and the new ones do not are released.
 * Nothing is changed unless phases 1 and 2 pass, and phase 3 cannot fail.
 */
#include <pkvmkit/ownership.h>

#define OWN_PA_BITS	48

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif

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

static void own_meta_layout(const struct own_ram_region *sorted, u32 nr_ram,
			    struct own_meta_layout *l)
{
	own_meta_layout_for(sorted[0].base >> PKVMKIT_PAGE_SHIFT,
			    own_regions_span(sorted, nr_ram), l);
}

u64 own_meta_size(const struct own_ram_region *ram, u32 nr_ram)
{
	struct own_ram_region sorted[OWN_MAX_RAM_REGIONS];
	struct own_meta_layout l;

	if (own_sort_regions(ram, nr_ram, sorted))
		return 0;
	own_meta_layout(sorted, nr_ram, &l);
	return l.size;
}

int own_init(struct ownership *o, void *meta, u64 meta_size,
	     const struct own_ram_region *ram, u32 nr_ram,
	     struct pgt *hyp_s1, struct page_pool *pool)
{
	struct own_ram_region sorted[OWN_MAX_RAM_REGIONS];
	const struct own_ram_region *last;
	struct own_meta_layout l;
	u64 i, ram_pages = 0;
	int ret;

	if (!o || !meta || ((unsigned long)meta & 7) || !hyp_s1 || !pool ||
	    !(hyp_s1->flags & PGT_F_PAGES_ONLY))
		return -EINVAL;
	ret = own_sort_regions(ram, nr_ram, sorted);
	if (ret)
		return ret;
	own_meta_layout(sorted, nr_ram, &l);
	if (meta_size < l.size)
		return -EINVAL;
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
	o->pages = meta;
	o->not_rwx_in_2m = (u16 *)((char *)meta + l.off_2m);
	o->not_rwx_in_1g = (u32 *)((char *)meta + l.off_1g);
	o->hyp_s1 = hyp_s1;
	o->host_s2 = NULL;
	o->pool = pool;
	o->s2_slots = 0;
	o->nr_dev_units = 0;
	o->nr_hyp_dev = 0;
	o->dma_s2 = NULL;
	o->dma_sync = NULL;
	o->dma_arg = NULL;
	for (i = 0; i < PAGE_STATE_COUNT; i++)
		o->nr_in_state[i] = 0;
	/*
	 * @meta comes zeroed, which is PAGE_HOST_OWNED with no flags, pins
	 * or restriction, and every unit all RWX: nothing to write per page (that
	 * loop alone cost more than the rest of the hypervisor's set-up on a
	 * 4 GiB machine).
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

bool own_page_private(const struct ownership *o, u64 pfn)
{
	const struct hyp_page *p;

	if (!own_range_is_ram(o, pfn, 1))
		return false;
	p = own_page(o, pfn);
	return p->state == PAGE_HYP_OWNED && p->priv;
}

/* ---- host stage-2 table slots (see ownership.h) ------------------------ */

#define OWN_UNIT512G_SHIFT	27	/* a level-0 entry, in pfns */

static bool own_state_not_rwx(u8 state);
static bool own_state_host_reaches(u8 state);

/* The page is not mapped RWX for the host: what the unit counters count. */
static bool own_page_not_rwx(const struct hyp_page *p)
{
	return own_state_not_rwx(p->state) ||
	       p->host_prot != OWN_HOST_UNRESTRICTED;
}

/* RAM pages in [pfn, pfn + nr). */
static u64 own_ram_pages_in(const struct ownership *o, u64 pfn, u64 nr)
{
	u64 end = pfn + nr, total = 0;
	u32 i;

	for (i = 0; i < o->nr_ram; i++) {
		u64 lo = o->ram[i].base >> PKVMKIT_PAGE_SHIFT;
		u64 hi = lo + (o->ram[i].size >> PKVMKIT_PAGE_SHIFT);

		if (lo < pfn)
			lo = pfn;
		if (hi > end)
			hi = end;
		if (hi > lo)
			total += hi - lo;
	}
	return total;
}

/* RAM covers some but not all of unit @unit of 2^@shift pages. */
static bool own_unit_partial(const struct ownership *o, u64 unit, u32 shift)
{
	u64 ram = own_ram_pages_in(o, unit << shift, 1ULL << shift);

	return ram && ram < 1ULL << shift;
}

/* Units of 2^@shift pages have a table slot only below the root level. */
static bool own_unit_level_used(u32 start_level, u32 shift)
{
	return start_level <= 3 - shift / 9;
}

static u64 own_unit_not_rwx(const struct ownership *o, u64 unit, u32 shift)
{
	u64 i = unit - (o->first_pfn >> shift);

	return shift == OWN_UNIT2M_SHIFT ? o->not_rwx_in_2m[i] :
					   o->not_rwx_in_1g[i];
}

static void own_unit_add_not_rwx(struct ownership *o, u64 unit, u32 shift,
				 s64 delta)
{
	u64 i = unit - (o->first_pfn >> shift);

	if (shift == OWN_UNIT2M_SHIFT)
		o->not_rwx_in_2m[i] += delta;
	else
		o->not_rwx_in_1g[i] += delta;
}

/* Pages of [pfn, end) inside unit @unit. */
static u64 own_unit_overlap(u64 unit, u32 shift, u64 pfn, u64 end)
{
	u64 lo = unit << shift, hi = (unit + 1) << shift;

	return (hi < end ? hi : end) - (lo > pfn ? lo : pfn);
}

static const u32 own_unit_shifts[] = { OWN_UNIT2M_SHIFT, OWN_UNIT1G_SHIFT };

/* Pages of [pfn, pfn + nr) stop (@dir = 1) or start (-1) being RWX. */
static void own_count_not_rwx(struct ownership *o, u64 pfn, u64 nr, int dir)
{
	u64 end = pfn + nr, u;
	u32 i;

	for (i = 0; i < ARRAY_SIZE(own_unit_shifts); i++) {
		u32 shift = own_unit_shifts[i];

		for (u = pfn >> shift; u <= (end - 1) >> shift; u++)
			own_unit_add_not_rwx(o, u, shift, dir *
				(s64)own_unit_overlap(u, shift, pfn, end));
	}
}

/*
 * Unit @u's slot when @delta more of its pages are not RWX: counted in
 * *add if the unit stops being default, in *del if it becomes default
 * again. A partly-RAM unit keeps its slot anyway.
 */
static void own_unit_slot_change(const struct ownership *o, u64 u, u32 shift,
				 s64 delta, u64 *add, u64 *del)
{
	u64 before = own_unit_not_rwx(o, u, shift);
	u64 after = before + delta;

	if (!before == !after || own_unit_partial(o, u, shift))
		return;
	if (after)
		(*add)++;
	else
		(*del)++;
}

/*
 * Slots that [pfn, pfn + nr) leaving RWX (@dir = 1) or coming back to it
 * (-1), every page alike, would add and release.
 */
static void own_slot_delta(const struct ownership *o, u64 pfn, u64 nr,
			   int dir, u64 *add, u64 *del)
{
	u32 start = o->host_s2->start_level;
	u64 end = pfn + nr, u;
	u32 i;

	*add = *del = 0;
	for (i = 0; i < ARRAY_SIZE(own_unit_shifts); i++) {
		u32 shift = own_unit_shifts[i];

		if (!own_unit_level_used(start, shift))
			continue;
		for (u = pfn >> shift; u <= (end - 1) >> shift; u++)
			own_unit_slot_change(o, u, shift, dir *
				(s64)own_unit_overlap(u, shift, pfn, end),
				add, del);
	}
}

/* Level-0 entries over RAM: each needs a level-1 table once anything is mapped. */
static u64 own_ram_units_512g(const struct ownership *o)
{
	u64 n = 0, next = 0;	/* units below @next are counted */
	u32 i;

	/* regions are sorted: a unit shared by two of them counts once */
	for (i = 0; i < o->nr_ram; i++) {
		u64 first = (o->ram[i].base >> PKVMKIT_PAGE_SHIFT) >>
			    OWN_UNIT512G_SHIFT;
		u64 last = (((o->ram[i].base + o->ram[i].size) >>
			     PKVMKIT_PAGE_SHIFT) - 1) >> OWN_UNIT512G_SHIFT;

		if (first < next)
			first = next;
		if (last >= first)
			n += last - first + 1;
		if (last + 1 > next)
			next = last + 1;
	}
	return n;
}

static u64 own_unit_slots(const struct ownership *o, u32 shift)
{
	u64 first = o->first_pfn >> shift;
	u64 last = (o->first_pfn + o->nr_pfns - 1) >> shift;
	u64 u, n = 0;

	for (u = first; u <= last; u++) {
		if (!own_ram_pages_in(o, u << shift, 1ULL << shift))
			continue;
		if (own_unit_partial(o, u, shift) ||
		    own_unit_not_rwx(o, u, shift))
			n++;
	}
	return n;
}

static u64 own_slots_for(const struct ownership *o, u32 start_level)
{
	/* the root, device tables, the tables around hypervisor devices */
	u64 slots = 1 + OWN_DEV_TABLES + o->nr_hyp_dev * OWN_HYP_DEV_SLOTS;

	if (start_level == 0)
		slots += own_ram_units_512g(o);
	if (own_unit_level_used(start_level, OWN_UNIT1G_SHIFT))
		slots += own_unit_slots(o, OWN_UNIT1G_SHIFT);
	if (own_unit_level_used(start_level, OWN_UNIT2M_SHIFT))
		slots += own_unit_slots(o, OWN_UNIT2M_SHIFT);
	return slots;
}

u64 own_s2_slots_needed(const struct ownership *o)
{
	return o->host_s2 ? own_slots_for(o, o->host_s2->start_level) : 0;
}

/* ---- transitions ------------------------------------------------------- */

enum own_pt_op {
	OWN_PT_KEEP = 0,
	OWN_PT_MAP,
	OWN_PT_UNMAP,
};

/* Checks (OWN_TX_NEED_* / OWN_TX_REFUSE_*) and commit actions. */
#define OWN_TX_NEED_RECLAIMABLE		BIT(0)
#define OWN_TX_REFUSE_BOOT		BIT(1)
#define OWN_TX_REFUSE_PINNED		BIT(2)
#define OWN_TX_SET_RECLAIMABLE		BIT(3)
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

/*
 * The transitions, as the state table in ownership.h has them. A donation
 * takes the page from the host stage-2 and gives it to the linear map
 * (except a private one: its user maps it elsewhere, with no writable
 * alias); a share keeps the host's mapping; a hyp share gives the host
 * read-only access.
 */
static const struct own_tx own_txs[OWN_NR_OPS] = {
	[OWN_HOST_DONATE_HYP] = {
		.from = PAGE_HOST_OWNED, .to = PAGE_HYP_OWNED,
		.flags = OWN_TX_SET_RECLAIMABLE,
		.hyp_s1 = OWN_PT_MAP, .host_s2 = OWN_PT_UNMAP,
	},
	[OWN_HOST_DONATE_HYP_FOR_GOOD] = {
		.from = PAGE_HOST_OWNED, .to = PAGE_HYP_OWNED,
		.flags = OWN_TX_CLEAR_RECLAIMABLE,
		.hyp_s1 = OWN_PT_MAP, .host_s2 = OWN_PT_UNMAP,
	},
	[OWN_HOST_DONATE_HYP_PRIVATE] = {
		.from = PAGE_HOST_OWNED, .to = PAGE_HYP_OWNED,
		.flags = OWN_TX_CLEAR_RECLAIMABLE | OWN_TX_SET_PRIVATE,
		.hyp_s1 = OWN_PT_KEEP, .host_s2 = OWN_PT_UNMAP,
	},
	[OWN_HYP_DONATE_HOST] = {
		.from = PAGE_HYP_OWNED, .to = PAGE_HOST_OWNED,
		.flags = OWN_TX_REFUSE_BOOT | OWN_TX_CLEAR_RECLAIMABLE |
			 OWN_TX_CLEAR_PRIVATE,
		.hyp_s1 = OWN_PT_UNMAP, .host_s2 = OWN_PT_MAP,
		.host_s2_prot = PGT_PROT_RWX,
	},
	[OWN_HOST_RECLAIM] = {
		.from = PAGE_HYP_OWNED, .to = PAGE_HOST_OWNED,
		.flags = OWN_TX_REFUSE_BOOT | OWN_TX_NEED_RECLAIMABLE |
			 OWN_TX_CLEAR_RECLAIMABLE,
		.hyp_s1 = OWN_PT_UNMAP, .host_s2 = OWN_PT_MAP,
		.host_s2_prot = PGT_PROT_RWX,
	},
	[OWN_HYP_CLAIM] = {
		.from = PAGE_HYP_OWNED, .to = PAGE_HYP_OWNED,
		.flags = OWN_TX_NEED_RECLAIMABLE | OWN_TX_CLEAR_RECLAIMABLE,
	},
	[OWN_HOST_SHARE_HYP] = {
		.from = PAGE_HOST_OWNED, .to = PAGE_HOST_SHARED,
		.hyp_s1 = OWN_PT_MAP,
	},
	[OWN_HOST_UNSHARE_HYP] = {
		.from = PAGE_HOST_SHARED, .to = PAGE_HOST_OWNED,
		.flags = OWN_TX_REFUSE_PINNED,
		.hyp_s1 = OWN_PT_UNMAP,
	},
	/* the reclaimable flag is kept for when the page is unshared again */
	[OWN_HYP_SHARE_HOST] = {
		.from = PAGE_HYP_OWNED, .to = PAGE_HYP_SHARED,
		.flags = OWN_TX_REFUSE_BOOT | OWN_TX_REFUSE_PRIVATE,
		.host_s2 = OWN_PT_MAP, .host_s2_prot = PGT_PROT_R,
	},
	[OWN_HYP_UNSHARE_HOST] = {
		.from = PAGE_HYP_SHARED, .to = PAGE_HYP_OWNED,
		.host_s2 = OWN_PT_UNMAP,
	},
};

/* Phase 1: every page of the range may make the transition. */
static int own_check_pages(const struct ownership *o, u64 pfn, u64 nr,
			   const struct own_tx *tx)
{
	bool busy = false;
	u64 i;

	if (!own_range_is_ram(o, pfn, nr))
		return -EINVAL;

	for (i = pfn; i < pfn + nr; i++) {
		const struct hyp_page *p = own_page(o, i);

		if (p->state != tx->from)
			return -EPERM;
		/* a module's restriction holds until the module lifts it */
		if (p->host_prot != OWN_HOST_UNRESTRICTED)
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
	return busy ? -EBUSY : 0;
}

/*
 * +1: the pages become hyp pages for the host stage-2, -1: they stop.
 * Restricted pages make no transition, so a hyp state is all that changes
 * whether they are RWX.
 */
static int own_tx_dir(const struct own_tx *tx)
{
	return own_state_not_rwx(tx->to) - own_state_not_rwx(tx->from);
}

/* Table pages the linear-map update of @tx over the range can allocate. */
static u64 own_s1_need(const struct ownership *o, const struct own_tx *tx,
		       u64 addr, u64 size)
{
	if (tx->hyp_s1 == OWN_PT_MAP)
		return pgt_max_tables(o->hyp_s1, addr, size);
	if (tx->hyp_s1 == OWN_PT_UNMAP)
		return pgt_unmap_split_tables(o->hyp_s1, addr, size);
	return 0;
}

int own_prepare(struct ownership *o, enum own_op op, u64 pfn, u64 nr,
		u64 extra_tables, struct own_txn *txn)
{
	const struct own_tx *tx;
	u64 need;
	int ret;

	if ((unsigned int)op >= OWN_NR_OPS)
		return -EINVAL;
	tx = &own_txs[op];
	ret = own_check_pages(o, pfn, nr, tx);
	if (ret)
		return ret;

	txn->op = op;
	txn->pfn = pfn;
	txn->nr = nr;
	txn->slots_add = txn->slots_del = 0;
	if (o->host_s2 && own_tx_dir(tx))
		own_slot_delta(o, pfn, nr, own_tx_dir(tx), &txn->slots_add,
			       &txn->slots_del);
	need = own_s1_need(o, tx, own_pfn_to_phys(pfn), own_pfn_to_phys(nr));
	if (need + extra_tables < need ||
	    pool_nr_free(o->pool) < need + extra_tables ||
	    pool_nr_free(o->pool) - need - extra_tables < txn->slots_add)
		return -ENOMEM;
	return pool_reserve(o->pool, txn->slots_add);
}

void own_cancel(struct ownership *o, const struct own_txn *txn)
{
	pool_unreserve(o->pool, txn->slots_add);
}

/*
 * The DMA mirror follows a change of the host stage-2 for RAM [addr,
 * addr + size) to @prot (0: unmapped), then the IOMMU is told, unless
 * the pages were unmapped before (@reached false): an IOMMU caches no
 * translation that faulted, so a map over nothing needs no invalidation.
 * Cannot fail once own_build_dma_mirror() succeeded (see there).
 */
static int own_dma_follow(struct ownership *o, u64 addr, u64 size, u32 prot,
			  bool reached)
{
	int ret;

	if (!o->dma_s2)
		return 0;
	prot &= PGT_PROT_RW;
	if (prot)
		ret = pgt_map(o->dma_s2, addr, addr, size, prot);
	else
		ret = pgt_unmap(o->dma_s2, addr, size);
	if (reached && o->dma_sync)
		o->dma_sync(o->dma_arg);
	return ret;
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

static void own_set_states(struct ownership *o, u64 pfn, u64 nr,
			   const struct own_tx *tx, enum own_op op)
{
	u64 i;

	for (i = pfn; i < pfn + nr; i++) {
		struct hyp_page *p = own_page(o, i);

		o->nr_in_state[p->state]--;
		o->nr_in_state[tx->to]++;
		p->state = tx->to;
		p->pins = 0;
		if (tx->flags & OWN_TX_SET_RECLAIMABLE)
			p->reclaimable = op == OWN_HOST_DONATE_HYP;
		if (tx->flags & OWN_TX_CLEAR_RECLAIMABLE)
			p->reclaimable = 0;
		if (tx->flags & OWN_TX_SET_PRIVATE)
			p->priv = 1;
		if (tx->flags & OWN_TX_CLEAR_PRIVATE)
			p->priv = 0;
	}
	if (own_tx_dir(tx))
		own_count_not_rwx(o, pfn, nr, own_tx_dir(tx));
}

int own_commit(struct ownership *o, const struct own_txn *txn)
{
	const struct own_tx *tx = &own_txs[txn->op];
	u64 addr = own_pfn_to_phys(txn->pfn), size = own_pfn_to_phys(txn->nr);
	int ret;

	/*
	 * Cannot fail after own_prepare(): the linear map's tables were
	 * checked, the stage-2's reserved. If it does anyway the tables may
	 * be partly updated; the caller treats that as fatal.
	 */
	ret = own_update_pgt(o->hyp_s1, tx->hyp_s1, addr, size, PGT_PROT_RW);
	if (!ret)
		ret = own_update_pgt(o->host_s2, tx->host_s2, addr, size,
				     tx->host_s2_prot);
	/* devices lose the pages with the host, before anyone writes there */
	if (!ret && tx->host_s2 != OWN_PT_KEEP)
		ret = own_dma_follow(o, addr, size, tx->host_s2 == OWN_PT_MAP ?
				     tx->host_s2_prot : 0,
				     own_state_host_reaches(tx->from));
	if (ret)
		return ret;
	own_set_states(o, txn->pfn, txn->nr, tx, txn->op);
	/* the slots given up hold no table any more: coalesced or emptied */
	o->s2_slots += txn->slots_add;
	o->s2_slots -= txn->slots_del;
	return pool_unreserve(o->pool, txn->slots_del);
}

int own_transition(struct ownership *o, enum own_op op, u64 pfn, u64 nr)
{
	struct own_txn txn;
	int ret = own_prepare(o, op, pfn, nr, 0, &txn);

	return ret ? ret : own_commit(o, &txn);
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
		if (own_page(o, i)->state != PAGE_HOST_OWNED ||
		    own_page(o, i)->host_prot != OWN_HOST_UNRESTRICTED)
			return -EPERM;

	for (i = pfn; i < pfn + nr; i++) {
		struct hyp_page *p = own_page(o, i);

		p->state = PAGE_HYP_OWNED;
		p->boot = 1;
		p->reclaimable = 0;
	}
	o->nr_in_state[PAGE_HOST_OWNED] -= nr;
	o->nr_in_state[PAGE_HYP_OWNED] += nr;
	own_count_not_rwx(o, pfn, nr, 1);
	return 0;
}

int own_host_donate_hyp_private(struct ownership *o, u64 pfn, u64 nr)
{
	return own_transition(o, OWN_HOST_DONATE_HYP_PRIVATE, pfn, nr);
}

int own_host_donate_hyp(struct ownership *o, u64 pfn, u64 nr, bool reclaimable)
{
	return own_transition(o, reclaimable ? OWN_HOST_DONATE_HYP :
			      OWN_HOST_DONATE_HYP_FOR_GOOD, pfn, nr);
}

int own_hyp_donate_host(struct ownership *o, u64 pfn, u64 nr)
{
	return own_transition(o, OWN_HYP_DONATE_HOST, pfn, nr);
}

int own_host_reclaim(struct ownership *o, u64 pfn, u64 nr)
{
	return own_transition(o, OWN_HOST_RECLAIM, pfn, nr);
}

int own_hyp_claim(struct ownership *o, u64 pfn, u64 nr)
{
	return own_transition(o, OWN_HYP_CLAIM, pfn, nr);
}

int own_host_share_hyp(struct ownership *o, u64 pfn, u64 nr)
{
	return own_transition(o, OWN_HOST_SHARE_HYP, pfn, nr);
}

int own_host_unshare_hyp(struct ownership *o, u64 pfn, u64 nr)
{
	return own_transition(o, OWN_HOST_UNSHARE_HYP, pfn, nr);
}

int own_hyp_share_host(struct ownership *o, u64 pfn, u64 nr)
{
	return own_transition(o, OWN_HYP_SHARE_HOST, pfn, nr);
}

int own_hyp_unshare_host(struct ownership *o, u64 pfn, u64 nr)
{
	return own_transition(o, OWN_HYP_UNSHARE_HOST, pfn, nr);
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

/* ---- module restrictions of the host stage-2 --------------------------- */

#define OWN_HOST_PROT_VALUES	(1 << 3)	/* struct hyp_page.host_prot */
#define OWN_EVERY_RESTRICTION(prot) \
	{ [0 ... OWN_HOST_PROT_VALUES - 1] = (prot) }

/*
 * What the host stage-2 holds for a page, by its state and restriction
 * (0 = nothing). A table, because the fault path looks it up on every
 * host abort. Only HOST_OWNED pages can be restricted.
 */
static const u8 own_host_s2_prot_of[PAGE_STATE_COUNT][OWN_HOST_PROT_VALUES] = {
	[PAGE_HOST_OWNED] = {
		[OWN_HOST_UNRESTRICTED]	= PGT_PROT_RWX,
		[OWN_HOST_PROT_NONE]	= 0,
		[OWN_HOST_PROT_R]	= PGT_PROT_R,
		[OWN_HOST_PROT_RW]	= PGT_PROT_RW,
		[OWN_HOST_PROT_RX]	= PGT_PROT_RX,
	},
	[PAGE_HOST_SHARED]	= OWN_EVERY_RESTRICTION(PGT_PROT_RWX),
	[PAGE_HYP_OWNED]	= OWN_EVERY_RESTRICTION(0),
	[PAGE_HYP_SHARED]	= OWN_EVERY_RESTRICTION(PGT_PROT_R),
	[PAGE_GUEST_OWNED]	= OWN_EVERY_RESTRICTION(0),
	[PAGE_HOST_SHARED_GUEST] = OWN_EVERY_RESTRICTION(PGT_PROT_RWX),
	[PAGE_GUEST_SHARED_HOST] = OWN_EVERY_RESTRICTION(PGT_PROT_RW),
};

/* The host stage-2 maps a page in @state (unrestricted) at all. */
static bool own_state_host_reaches(u8 state)
{
	return own_host_s2_prot_of[state][OWN_HOST_UNRESTRICTED] != 0;
}

/* A page in @state is not mapped RWX for the host (unrestricted). */
static bool own_state_not_rwx(u8 state)
{
	return own_host_s2_prot_of[state][OWN_HOST_UNRESTRICTED] != PGT_PROT_RWX;
}

/*
 * The restriction for @prot. A module gets no W-only, X-only or WX (no
 * such thing in ACK either) and no memory type: RAM stays Normal memory.
 */
static int own_host_prot_from_pgt(u32 prot, u8 *host_prot)
{
	u8 i;

	for (i = OWN_HOST_UNRESTRICTED; i <= OWN_HOST_PROT_RX; i++) {
		if (own_host_s2_prot_of[PAGE_HOST_OWNED][i] == prot) {
			*host_prot = i;
			return 0;
		}
	}
	return -EINVAL;
}

static u32 own_host_s2_prot(struct hyp_page snap)
{
	return own_host_s2_prot_of[snap.state][snap.host_prot];
}

/* Is @pfn RAM? Sets *@idx to its index in o->pages: for hot paths. */
static bool own_ram_index(const struct ownership *o, u64 pfn, u64 *idx)
{
	u32 i;

	for (i = 0; i < o->nr_ram; i++) {
		u64 off = pfn - (o->ram[i].base >> PKVMKIT_PAGE_SHIFT);

		if (off < o->ram[i].size >> PKVMKIT_PAGE_SHIFT) {
			*idx = pfn - o->first_pfn;
			return true;
		}
	}
	return false;
}

_Static_assert(sizeof(struct hyp_page) == sizeof(u16),
	       "own_page_snapshot() loads a struct hyp_page as one u16");

/*
 * One load of the whole entry: writers change it with a single 16-bit
 * store under the caller's lock, so a reader without the lock sees one
 * state or the next, never a mix of fields.
 */
static struct hyp_page own_page_snapshot(const struct hyp_page *p)
{
	u16 raw = __atomic_load_n((const u16 *)p, __ATOMIC_RELAXED);
	struct hyp_page snap;

	__builtin_memcpy(&snap, &raw, sizeof(snap));
	return snap;
}

int own_host_prot(const struct ownership *o, u64 pfn, u32 *prot,
		  bool *restricted)
{
	struct hyp_page snap;
	u64 idx;

	if (!own_ram_index(o, pfn, &idx))
		return -EINVAL;
	snap = own_page_snapshot(&o->pages[idx]);
	if (prot)
		*prot = own_host_s2_prot(snap);
	if (restricted)
		*restricted = snap.host_prot != OWN_HOST_UNRESTRICTED;
	return 0;
}

enum own_access own_host_access(const struct ownership *o, u64 pfn,
				u32 need)
{
	struct hyp_page snap;
	u64 idx;

	if (!own_ram_index(o, pfn, &idx))
		return OWN_ACCESS_REFUSED;
	snap = own_page_snapshot(&o->pages[idx]);
	if ((own_host_s2_prot(snap) & need) == need)
		return OWN_ACCESS_ALLOWED;
	if (snap.state == PAGE_GUEST_OWNED)
		return OWN_ACCESS_GUEST;
	return snap.host_prot != OWN_HOST_UNRESTRICTED ? OWN_ACCESS_RESTRICTED :
							 OWN_ACCESS_REFUSED;
}

/*
 * Phase 1 of own_host_set_prot(): the range is RAM the host owns, and a
 * lift only lifts what a module restricted (a module relaxes its own
 * pages, nothing else).
 */
static int own_check_set_prot(const struct ownership *o, u64 pfn, u64 nr,
			      u8 host_prot)
{
	u64 i;

	if (!own_range_is_ram(o, pfn, nr))
		return -EINVAL;
	for (i = pfn; i < pfn + nr; i++) {
		const struct hyp_page *p = own_page(o, i);

		if (p->state != PAGE_HOST_OWNED)
			return -EPERM;
		if (host_prot == OWN_HOST_UNRESTRICTED &&
		    p->host_prot == OWN_HOST_UNRESTRICTED)
			return -EPERM;
	}
	return 0;
}

/*
 * How many more pages of unit @u (of 2^@shift pages) would not be RWX
 * once [pfn, end) is given @host_prot: the range may already be partly
 * restricted, so count page by page (a restriction replacing another
 * changes nothing). The pages are HOST_OWNED: not RWX means restricted.
 */
static s64 own_unit_prot_delta(const struct ownership *o, u64 u, u32 shift,
			       u64 pfn, u64 end, u8 host_prot)
{
	u64 lo = u << shift, hi = (u + 1) << shift, i;
	s64 now = host_prot != OWN_HOST_UNRESTRICTED, delta = 0;

	if (lo < pfn)
		lo = pfn;
	if (hi > end)
		hi = end;
	for (i = lo; i < hi; i++)
		delta += now - own_page_not_rwx(own_page(o, i));
	return delta;
}

/* Slots that giving [pfn, pfn + nr) @host_prot would add and release. */
static void own_prot_slot_delta(const struct ownership *o, u64 pfn, u64 nr,
				u8 host_prot, u64 *add, u64 *del)
{
	u32 start = o->host_s2->start_level;
	u64 end = pfn + nr, u;
	u32 i;

	*add = *del = 0;
	for (i = 0; i < ARRAY_SIZE(own_unit_shifts); i++) {
		u32 shift = own_unit_shifts[i];

		if (!own_unit_level_used(start, shift))
			continue;
		for (u = pfn >> shift; u <= (end - 1) >> shift; u++)
			own_unit_slot_change(o, u, shift,
				own_unit_prot_delta(o, u, shift, pfn, end,
						    host_prot),
				add, del);
	}
}

/* Commit: the new restriction of every page, and the unit counters. */
static void own_set_host_prot(struct ownership *o, u64 pfn, u64 nr,
			      u8 host_prot)
{
	bool now = host_prot != OWN_HOST_UNRESTRICTED;
	u64 i;

	for (i = pfn; i < pfn + nr; i++) {
		struct hyp_page *p = own_page(o, i);
		bool was = own_page_not_rwx(p);

		if (was != now)
			own_count_not_rwx(o, i, 1, now ? 1 : -1);
		p->host_prot = host_prot;
	}
}

/*
 * The host stage-2 for the range: an unmap for no access; a map otherwise,
 * RWX (a lift) coalescing the tables back into the blocks they replaced.
 * Its tables come from the slots reserved, so it cannot fail.
 */
static int own_host_s2_set_prot(struct ownership *o, u64 pfn, u64 nr,
				u32 prot)
{
	u64 addr = own_pfn_to_phys(pfn), size = own_pfn_to_phys(nr);
	int ret;

	if (!o->host_s2)
		return 0;
	if (!prot)
		ret = pgt_unmap(o->host_s2, addr, size);
	else
		ret = pgt_map(o->host_s2, addr, addr, size, prot);
	/* a module's restriction holds for DMA too */
	return ret ? ret : own_dma_follow(o, addr, size, prot, true);
}

int own_host_set_prot(struct ownership *o, u64 pfn, u64 nr, u32 prot)
{
	u64 add = 0, del = 0;
	u8 host_prot;
	int ret;

	ret = own_host_prot_from_pgt(prot, &host_prot);
	if (!ret)
		ret = own_check_set_prot(o, pfn, nr, host_prot);
	if (ret)
		return ret;
	if (o->host_s2)
		own_prot_slot_delta(o, pfn, nr, host_prot, &add, &del);
	ret = pool_reserve(o->pool, add);
	if (ret)
		return ret;
	/* as own_commit(): a failure here means the invariants broke (fatal) */
	ret = own_host_s2_set_prot(o, pfn, nr, prot);
	if (ret)
		return ret;
	own_set_host_prot(o, pfn, nr, host_prot);
	o->s2_slots += add;
	o->s2_slots -= del;
	return pool_unreserve(o->pool, del);
}

/* ---- host stage-2 ------------------------------------------------------ */

/*
 * The first page from @pfn (below @end) not mapped RWX for the host. A
 * 2 MiB unit whose counter is 0 is skipped whole: at boot nearly every
 * unit is, and a page-by-page scan of RAM cost millions of instructions.
 */
static u64 own_next_not_rwx(const struct ownership *o, u64 pfn, u64 end)
{
	while (pfn < end) {
		u64 unit = pfn >> OWN_UNIT2M_SHIFT;

		if (!own_unit_not_rwx(o, unit, OWN_UNIT2M_SHIFT)) {
			pfn = (unit + 1) << OWN_UNIT2M_SHIFT;
			continue;
		}
		if (own_host_s2_prot(*own_page(o, pfn)) != PGT_PROT_RWX)
			return pfn;
		pfn++;
	}
	return end;
}

/*
 * Unmap or downgrade every maximal run of pages not RWX in one region,
 * in @s2 with the permissions the host stage-2 has, within @mask.
 */
static int own_host_s2_hyp_runs(struct ownership *o, struct pgt *s2,
				const struct own_ram_region *r, u32 mask)
{
	u64 pfn = r->base >> PKVMKIT_PAGE_SHIFT;
	u64 end = pfn + (r->size >> PKVMKIT_PAGE_SHIFT);
	int ret = 0;

	while ((pfn = own_next_not_rwx(o, pfn, end)) < end) {
		u32 prot = own_host_s2_prot(*own_page(o, pfn));
		u64 run = pfn + 1;
		u64 addr = own_pfn_to_phys(pfn);

		while (run < end &&
		       own_host_s2_prot(*own_page(o, run)) == prot)
			run++;
		prot &= mask;
		if (!prot)
			ret = pgt_unmap(s2, addr, own_pfn_to_phys(run - pfn));
		else
			ret = pgt_map(s2, addr, addr,
				      own_pfn_to_phys(run - pfn), prot);
		if (ret)
			return ret;
		pfn = run;
	}
	return 0;
}

/*
 * RAM as Normal RWX, then the pages the host must not have, or only read,
 * and those a module restricted.
 * Device space is left for own_host_s2_fault(): mapping all of a 48-bit
 * input range up front would take hundreds of tables for addresses no
 * device answers at.
 */
static int own_fill_host_s2(struct ownership *o, struct pgt *s2)
{
	u32 i;
	int ret;

	for (i = 0; i < o->nr_ram; i++) {
		const struct own_ram_region *r = &o->ram[i];

		ret = pgt_map(s2, r->base, r->base, r->size, PGT_PROT_RWX);
		if (ret)
			return ret;
	}
	for (i = 0; i < o->nr_ram; i++) {
		ret = own_host_s2_hyp_runs(o, s2, &o->ram[i], PGT_PROT_RWX);
		if (ret)
			return ret;
	}
	return 0;
}

int own_build_host_s2(struct ownership *o, struct pgt *s2, u32 ia_bits,
		      const struct pgt_mm_ops *mm)
{
	const struct own_ram_region *last = &o->ram[o->nr_ram - 1];
	u64 slots;
	int ret;

	if (!s2 || o->host_s2 || ia_bits < 32 || ia_bits > 48 ||
	    last->base + last->size > 1ULL << ia_bits)
		return -EINVAL;

	slots = own_slots_for(o, pgt_start_level(ia_bits));
	ret = pool_reserve(o->pool, slots);
	if (ret)
		return ret;
	ret = pgt_init(s2, PGT_STAGE2, ia_bits, mm);
	if (!ret) {
		s2->flags = PGT_F_COALESCE;
		ret = own_fill_host_s2(o, s2);
		if (ret)
			pgt_destroy(s2);
	}
	if (ret) {
		/* pgt_destroy() gave every table back to the reservation */
		pool_unreserve(o->pool, slots);
		return ret;
	}
	o->host_s2 = s2;
	o->s2_slots = slots;
	o->nr_dev_units = 0;
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

#define OWN_UNIT512G_SIZE	(1ULL << (OWN_UNIT512G_SHIFT + PKVMKIT_PAGE_SHIFT))

static bool own_ranges_overlap(const struct own_ram_region *r, u64 base,
			       u64 size)
{
	return base < r->base + r->size && r->base < base + size;
}

bool own_overlaps_hyp_device(const struct ownership *o, u64 base, u64 size)
{
	u32 i;

	for (i = 0; i < o->nr_hyp_dev; i++)
		if (own_ranges_overlap(&o->hyp_dev[i], base, size))
			return true;
	return false;
}

int own_add_hyp_device(struct ownership *o, u64 base, u64 size)
{
	if (o->host_s2)
		return -EPERM;
	if (!size || (base | size) & (PKVMKIT_PAGE_SIZE - 1) ||
	    base + size < base || own_overlaps_ram(o, base, size) ||
	    own_overlaps_hyp_device(o, base, size))
		return -EINVAL;
	if (o->nr_hyp_dev == OWN_MAX_HYP_DEV)
		return -ENOSPC;
	o->hyp_dev[o->nr_hyp_dev].base = base;
	o->hyp_dev[o->nr_hyp_dev].size = size;
	o->nr_hyp_dev++;
	return 0;
}

/* ---- the DMA mirror ---------------------------------------------------- */

/*
 * Device space of [base, end) in the mirror: everything but RAM and the
 * hypervisor's device ranges, Device RW, with blocks where they fit.
 */
static int own_dma_map_devices(struct ownership *o, struct pgt *s2, u64 base,
			       u64 end)
{
	struct own_ram_region ex[OWN_MAX_RAM_REGIONS + OWN_MAX_HYP_DEV], t;
	u32 n = 0, i, j;
	u64 at = base;
	int ret;

	for (i = 0; i < o->nr_ram; i++)
		ex[n++] = o->ram[i];
	for (i = 0; i < o->nr_hyp_dev; i++)
		ex[n++] = o->hyp_dev[i];
	for (i = 1; i < n; i++) {
		for (j = i; j > 0 && ex[j - 1].base > ex[j].base; j--) {
			t = ex[j];
			ex[j] = ex[j - 1];
			ex[j - 1] = t;
		}
	}
	for (i = 0; i <= n && at < end; i++) {
		u64 stop = i < n && ex[i].base < end ? ex[i].base : end;

		if (stop > at) {
			ret = pgt_map(s2, at, at, stop - at,
				      PGT_PROT_RW | PGT_PROT_DEVICE);
			if (ret)
				return ret;
		}
		if (i < n && ex[i].base + ex[i].size > at)
			at = ex[i].base + ex[i].size;
	}
	return 0;
}

/* Device space in each 512 GiB unit (or the whole input range) with RAM. */
static int own_dma_fill_devices(struct ownership *o, struct pgt *s2)
{
	u64 unit = s2->ia_bits > 39 ? 1ULL << 39 : 1ULL << s2->ia_bits;
	u64 next = 0, u, last;
	u32 i;
	int ret;

	for (i = 0; i < o->nr_ram; i++) {
		u = o->ram[i].base / unit;
		last = (o->ram[i].base + o->ram[i].size - 1) / unit;
		if (u < next)
			u = next;
		for (; u <= last; u++) {
			ret = own_dma_map_devices(o, s2, u * unit, (u + 1) * unit);
			if (ret)
				return ret;
		}
		if (last + 1 > next)
			next = last + 1;
	}
	return 0;
}

/* Device space with blocks, then RAM page by page as the host has it. */
static int own_dma_fill(struct ownership *o, struct pgt *s2)
{
	u32 i;
	int ret;

	ret = own_dma_fill_devices(o, s2);
	s2->flags = PGT_F_PAGES_ONLY;
	for (i = 0; !ret && i < o->nr_ram; i++)
		ret = pgt_map(s2, o->ram[i].base, o->ram[i].base,
			      o->ram[i].size, PGT_PROT_RW);
	for (i = 0; !ret && i < o->nr_ram; i++)
		ret = own_host_s2_hyp_runs(o, s2, &o->ram[i], PGT_PROT_RW);
	return ret;
}

int own_build_dma_mirror(struct ownership *o, struct pgt *s2, u32 ia_bits,
			 const struct pgt_mm_ops *mm, void (*sync)(void *arg),
			 void *arg)
{
	const struct own_ram_region *last = &o->ram[o->nr_ram - 1];
	int ret;

	if (!s2 || o->dma_s2 || ia_bits < 32 || ia_bits > 48 ||
	    last->base + last->size > 1ULL << ia_bits)
		return -EINVAL;
	ret = pgt_init(s2, PGT_STAGE2, ia_bits, mm);
	if (ret)
		return ret;
	ret = own_dma_fill(o, s2);
	if (ret) {
		pgt_destroy(s2);
		return ret;
	}
	o->dma_s2 = s2;
	o->dma_sync = sync;
	o->dma_arg = arg;
	return 0;
}

/*
 * A device mapping at @addr in a 512 GiB unit without RAM needs that unit's
 * level-1 table: one of the OWN_DEV_TABLES reserved for them. When all are
 * in use, unmap every such unit (freeing their tables into the
 * reservation); the host faults back in what it still uses.
 */
static void own_claim_dev_unit(struct ownership *o, u64 addr)
{
	struct pgt *s2 = o->host_s2;
	u64 unit = addr / OWN_UNIT512G_SIZE;
	u32 i;

	if (s2->start_level || own_overlaps_ram(o, unit * OWN_UNIT512G_SIZE,
						OWN_UNIT512G_SIZE))
		return;
	for (i = 0; i < o->nr_dev_units; i++)
		if (o->dev_units[i] == unit)
			return;
	if (o->nr_dev_units == OWN_DEV_TABLES) {
		for (i = 0; i < o->nr_dev_units; i++)
			pgt_unmap(s2, o->dev_units[i] * OWN_UNIT512G_SIZE,
				  OWN_UNIT512G_SIZE);
		o->nr_dev_units = 0;
	}
	o->dev_units[o->nr_dev_units++] = unit;
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
	 * (break-before-make while splitting or coalescing a block), or
	 * device space another CPU mapped first. The host just retries.
	 */
	if (!pgt_lookup(s2, addr, NULL, NULL, NULL))
		return 0;
	if (own_overlaps_ram(o, addr & ~0xfffULL, 1ULL << 12) ||
	    own_overlaps_hyp_device(o, addr & ~0xfffULL, 1ULL << 12))
		return -EPERM;
	/* the largest RAM-free block a level can hold: 1 GiB, 2 MiB, 4 KiB */
	for (level = s2->start_level ? s2->start_level : 1; level <= 3; level++) {
		size = 1ULL << (12 + 9 * (3 - level));
		base = addr & ~(size - 1);
		if (!own_overlaps_ram(o, base, size) &&
		    !own_overlaps_hyp_device(o, base, size))
			break;
	}
	/*
	 * Every other table on the way is a slot of a unit that RAM partly
	 * covers (a RAM-free unit gets a block): reserved, see ownership.h.
	 */
	own_claim_dev_unit(o, base);
	return pgt_map(s2, base, base, size, PGT_PROT_RW | PGT_PROT_DEVICE);
}

/* ---- guests ------------------------------------------------------------ */

/*
 * The host stage-2 entry of a page a guest owns: invalid (bit 0 clear),
 * never zero (bit 1), the guest's id in bits 63:48 and the guest frame
 * where the output address would be.
 */
#define OWN_GUEST_MARK		BIT(1)
#define OWN_GUEST_ID_SHIFT	48
#define OWN_GUEST_GFN_MASK	GENMASK_ULL(47, 12)

static u64 own_guest_annotation(u16 id, u64 gfn)
{
	return ((u64)id << OWN_GUEST_ID_SHIFT) |
	       ((gfn << PKVMKIT_PAGE_SHIFT) & OWN_GUEST_GFN_MASK) |
	       OWN_GUEST_MARK;
}

enum own_guest_pt_op {
	OWN_GPT_KEEP = 0,
	OWN_GPT_MAP,		/* guest stage-2: map gfn RWX */
	OWN_GPT_UNMAP,
	OWN_GPT_ANNOTATE,	/* host stage-2: the guest's mark */
	OWN_GPT_LOST,		/* guest stage-2: OWN_GUEST_S2_LOST */
	OWN_GPT_MAP_RW,		/* host stage-2 */
	OWN_GPT_MAP_RWX,	/* host stage-2 */
};

struct own_guest_tx {
	u8 from, from2;		/* source states (from2: a second one, or from) */
	u8 to;
	u8 guest_s2;		/* OWN_GPT_KEEP, _MAP, _UNMAP or _LOST */
	u8 host_s2;		/* OWN_GPT_KEEP, _ANNOTATE, _MAP_RW or _MAP_RWX */
	bool scrub;		/* between the guest's unmap and the host's map */
};

/* The table of ownership.h's own_guest_op comment. */
static const struct own_guest_tx own_guest_txs[OWN_NR_GUEST_OPS] = {
	[OWN_HOST_DONATE_GUEST] = {
		PAGE_HOST_OWNED, PAGE_HOST_OWNED, PAGE_GUEST_OWNED,
		OWN_GPT_MAP, OWN_GPT_ANNOTATE, false,
	},
	[OWN_HOST_SHARE_GUEST] = {
		PAGE_HOST_OWNED, PAGE_HOST_OWNED, PAGE_HOST_SHARED_GUEST,
		OWN_GPT_MAP, OWN_GPT_KEEP, false,
	},
	[OWN_HOST_UNSHARE_GUEST] = {
		PAGE_HOST_SHARED_GUEST, PAGE_HOST_SHARED_GUEST, PAGE_HOST_OWNED,
		OWN_GPT_UNMAP, OWN_GPT_KEEP, false,
	},
	[OWN_GUEST_SHARE_HOST] = {
		PAGE_GUEST_OWNED, PAGE_GUEST_OWNED, PAGE_GUEST_SHARED_HOST,
		OWN_GPT_KEEP, OWN_GPT_MAP_RW, false,
	},
	[OWN_GUEST_UNSHARE_HOST] = {
		PAGE_GUEST_SHARED_HOST, PAGE_GUEST_SHARED_HOST, PAGE_GUEST_OWNED,
		OWN_GPT_KEEP, OWN_GPT_ANNOTATE, false,
	},
	[OWN_GUEST_RETURN_HOST] = {
		PAGE_GUEST_OWNED, PAGE_GUEST_SHARED_HOST, PAGE_HOST_OWNED,
		OWN_GPT_UNMAP, OWN_GPT_MAP_RWX, true,
	},
	[OWN_HOST_RECLAIM_GUEST] = {
		PAGE_GUEST_OWNED, PAGE_GUEST_SHARED_HOST, PAGE_HOST_OWNED,
		OWN_GPT_LOST, OWN_GPT_MAP_RWX, true,
	},
};

int own_guest_page_owner(const struct ownership *o, u64 pfn, u16 *id, u64 *gfn)
{
	u64 annotation;
	int ret;

	if (!own_range_is_ram(o, pfn, 1) || !o->host_s2)
		return -EINVAL;
	if (own_page(o, pfn)->state != PAGE_GUEST_OWNED)
		return -ENOENT;
	ret = pgt_get_annotation(o->host_s2, own_pfn_to_phys(pfn), &annotation);
	if (ret)
		return ret;
	*id = annotation >> OWN_GUEST_ID_SHIFT;
	*gfn = (annotation & OWN_GUEST_GFN_MASK) >> PKVMKIT_PAGE_SHIFT;
	return 0;
}

/* @gfn maps @pfn in the guest's stage-2, and a page it owns is marked its own. */
static int own_guest_holds(const struct ownership *o, const struct own_guest *g,
			   u64 pfn, u64 gfn)
{
	u64 pa, owner_gfn;
	u16 id;

	if (pgt_lookup(g->s2, own_pfn_to_phys(gfn), &pa, NULL, NULL) ||
	    pa != own_pfn_to_phys(pfn))
		return -EPERM;
	if (own_page(o, pfn)->state == PAGE_GUEST_OWNED &&
	    (own_guest_page_owner(o, pfn, &id, &owner_gfn) || id != g->id ||
	     owner_gfn != gfn))
		return -EPERM;
	return 0;
}

/* Phase 1: the page, the gfn, the guest's tables. */
static int own_guest_check(const struct ownership *o,
			   const struct own_guest_tx *tx,
			   const struct own_guest *g, u64 pfn, u64 gfn)
{
	const struct hyp_page *p;
	u64 ipa;

	if (!o->host_s2 || !g || !g->s2 || !own_range_is_ram(o, pfn, 1) ||
	    gfn >= 1ULL << (g->s2->ia_bits - PKVMKIT_PAGE_SHIFT))
		return -EINVAL;
	p = own_page(o, pfn);
	if ((p->state != tx->from && p->state != tx->from2) ||
	    p->host_prot != OWN_HOST_UNRESTRICTED || p->boot)
		return -EPERM;
	ipa = own_pfn_to_phys(gfn);
	if (tx->guest_s2 != OWN_GPT_MAP) {
		/* an unmap or an annotation splits a block, if the guest has one */
		if (tx->guest_s2 != OWN_GPT_KEEP &&
		    g->free_tables < pgt_unmap_split_tables(g->s2, ipa,
							     PKVMKIT_PAGE_SIZE))
			return -ENOMEM;
		return own_guest_holds(o, g, pfn, gfn);
	}
	if (!pgt_lookup(g->s2, ipa, NULL, NULL, NULL))
		return -EEXIST;
	if (g->free_tables < pgt_max_tables(g->s2, ipa, PKVMKIT_PAGE_SIZE))
		return -ENOMEM;
	return 0;
}

static int own_guest_update_host_s2(struct ownership *o, u8 op, u64 pfn,
				    u64 annotation, u8 from)
{
	u64 addr = own_pfn_to_phys(pfn);
	u32 prot;
	int ret;

	switch (op) {
	case OWN_GPT_ANNOTATE:
		prot = 0;
		ret = pgt_annotate(o->host_s2, addr, PKVMKIT_PAGE_SIZE,
				   annotation);
		break;
	case OWN_GPT_MAP_RW:
		prot = PGT_PROT_RW;
		ret = pgt_map(o->host_s2, addr, addr, PKVMKIT_PAGE_SIZE, prot);
		break;
	case OWN_GPT_MAP_RWX:
		prot = PGT_PROT_RWX;
		ret = pgt_map(o->host_s2, addr, addr, PKVMKIT_PAGE_SIZE, prot);
		break;
	default:
		return 0;
	}
	/* devices follow the host: a guest's page is out of their reach */
	return ret ? ret : own_dma_follow(o, addr, PKVMKIT_PAGE_SIZE, prot,
					  own_state_host_reaches(from));
}

static int own_guest_update_guest_s2(const struct own_guest *g, u8 op,
				     u64 pfn, u64 gfn)
{
	u64 ipa = own_pfn_to_phys(gfn);

	if (op == OWN_GPT_MAP)
		return pgt_map(g->s2, ipa, own_pfn_to_phys(pfn),
			       PKVMKIT_PAGE_SIZE, PGT_PROT_RWX);
	if (op == OWN_GPT_UNMAP)
		return pgt_unmap(g->s2, ipa, PKVMKIT_PAGE_SIZE);
	if (op == OWN_GPT_LOST)
		return pgt_annotate(g->s2, ipa, PKVMKIT_PAGE_SIZE,
				    OWN_GUEST_S2_LOST);
	return 0;
}

/*
 * Phase 3, which cannot fail once phases 1 and 2 passed: the side that
 * loses the page first (the host for a donation, the guest for a return,
 * with the page scrubbed before the host sees it again), then the side
 * that gains it, then the state and the counters.
 */
static int own_guest_commit(struct ownership *o, const struct own_guest_tx *tx,
			    const struct own_guest *g, u64 pfn, u64 gfn)
{
	u64 annotation = own_guest_annotation(g->id, gfn);
	struct hyp_page *p = own_page(o, pfn);
	int dir = own_state_not_rwx(tx->to) - own_state_not_rwx(p->state);
	int ret;

	if (tx->guest_s2 == OWN_GPT_UNMAP || tx->guest_s2 == OWN_GPT_LOST) {
		ret = own_guest_update_guest_s2(g, tx->guest_s2, pfn, gfn);
		if (ret)
			return ret;
		if (tx->scrub && g->scrub)
			g->scrub(g->arg, pfn);
		ret = own_guest_update_host_s2(o, tx->host_s2, pfn, annotation,
					       p->state);
	} else {
		ret = own_guest_update_host_s2(o, tx->host_s2, pfn, annotation,
					       p->state);
		if (!ret)
			ret = own_guest_update_guest_s2(g, tx->guest_s2, pfn, gfn);
	}
	if (ret)
		return ret;
	o->nr_in_state[p->state]--;
	o->nr_in_state[tx->to]++;
	p->state = tx->to;
	if (dir)
		own_count_not_rwx(o, pfn, 1, dir);
	return 0;
}

int own_guest_transition(struct ownership *o, enum own_guest_op op,
			 const struct own_guest *g, u64 pfn, u64 gfn)
{
	const struct own_guest_tx *tx;
	u64 add = 0, del = 0;
	int dir, ret;

	if ((unsigned int)op >= OWN_NR_GUEST_OPS)
		return -EINVAL;
	tx = &own_guest_txs[op];
	ret = own_guest_check(o, tx, g, pfn, gfn);
	if (ret)
		return ret;
	/* phase 2: the host stage-2 slot the unit needs once the page leaves RWX */
	dir = own_state_not_rwx(tx->to) - own_state_not_rwx(own_page(o, pfn)->state);
	if (dir)
		own_slot_delta(o, pfn, 1, dir, &add, &del);
	ret = pool_reserve(o->pool, add);
	if (ret)
		return ret;
	/* as own_commit(): a failure here means the invariants broke (fatal) */
	ret = own_guest_commit(o, tx, g, pfn, gfn);
	if (ret)
		return ret;
	o->s2_slots += add;
	o->s2_slots -= del;
	return pool_unreserve(o->pool, del);
}
