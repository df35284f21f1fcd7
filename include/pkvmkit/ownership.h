/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Page ownership between the host and the hypervisor, modelled on pKVM.
 *
 * Every page of RAM has one state, seen from both sides:
 *
 *   state             host view         hyp view          host stage-2  hyp linear map
 *   PAGE_HOST_OWNED   OWNED             NOPAGE            RWX           unmapped
 *   PAGE_HOST_SHARED  SHARED_OWNED      SHARED_BORROWED   RWX           RW
 *   PAGE_HYP_OWNED    NOPAGE            OWNED             unmapped      RW (*)
 *   PAGE_HYP_SHARED   SHARED_BORROWED   SHARED_OWNED      R             RW (*)
 *
 * (*) pages marked at boot with own_mark_hyp_boot() are mapped wherever the
 * hypervisor placed them (image, stacks, tables) and not in the linear map;
 * so are pages donated with own_host_donate_hyp_private() (module code and
 * data, mapped elsewhere with their own permissions: no writable alias).
 *
 * The hypervisor's linear map has VA == PA. Every transition checks every
 * page of the range first and changes nothing on error; only then it
 * commits the new states and updates both page tables. Table pages come
 * from one pool; a transition first makes sure the pool holds the worst
 * case it could need (-ENOMEM otherwise), so the commit cannot fail.
 * Callers serialise (the hypervisor holds one lock around these calls).
 */
#ifndef PKVMKIT_OWNERSHIP_H
#define PKVMKIT_OWNERSHIP_H

#include <pkvmkit/types.h>
#include <pkvmkit/pgtable.h>
#include <pkvmkit/page_pool.h>

enum page_state {
	PAGE_HOST_OWNED = 0,
	PAGE_HOST_SHARED,
	PAGE_HYP_OWNED,
	PAGE_HYP_SHARED,
	PAGE_STATE_COUNT
};

#define OWN_MAX_PINS	((1U << 11) - 1)

struct hyp_page {
	u16 state : 2;		/* enum page_state */
	u16 reclaimable : 1;	/* HYP_OWNED, donated by the host, unclaimed */
	u16 boot : 1;		/* HYP_OWNED since boot; never leaves the hyp */
	u16 priv : 1;		/* HYP_OWNED, not in the linear map */
	u16 pins : 11;		/* HOST_SHARED: pin_shared count */
};

struct own_ram_region {
	u64 base;		/* bytes, page aligned */
	u64 size;		/* bytes, page aligned, > 0 */
};

#define OWN_MAX_RAM_REGIONS	16

struct ownership {
	struct hyp_page *pages;	/* one per pfn in [first_pfn, first_pfn + nr_pfns) */
	u64 first_pfn;
	u64 nr_pfns;
	struct own_ram_region ram[OWN_MAX_RAM_REGIONS];	/* sorted, disjoint */
	u32 nr_ram;
	struct pgt *hyp_s1;	/* hypervisor stage-1 (linear map at VA == PA) */
	struct pgt *host_s2;	/* NULL until own_build_host_s2() */
	struct page_pool *pool;	/* where both tables get their pages */
	u64 nr_in_state[PAGE_STATE_COUNT];	/* RAM pages in each state */
};

/*
 * Number of struct hyp_page entries needed to cover @ram (lowest to highest
 * RAM page, holes included); 0 if the regions are invalid.
 */
u64 own_span_pfns(const struct own_ram_region *ram, u32 nr_ram);

/*
 * @pages must hold own_span_pfns() zeroed entries. Regions are copied and
 * sorted; overlapping, unaligned or empty regions give -EINVAL.
 * Every RAM page starts PAGE_HOST_OWNED.
 */
int own_init(struct ownership *o, struct hyp_page *pages,
	     const struct own_ram_region *ram, u32 nr_ram,
	     struct pgt *hyp_s1, struct page_pool *pool);

/* True if every page of [pfn, pfn + nr) is RAM (nr > 0, no overflow). */
bool own_range_is_ram(const struct ownership *o, u64 pfn, u64 nr);

/* Boot only: HOST_OWNED -> HYP_OWNED (boot), no page-table change. */
int own_mark_hyp_boot(struct ownership *o, u64 pfn, u64 nr);

/*
 * Transitions. All return 0, or: -EINVAL (nr == 0, overflow, a page that is
 * not RAM), -EPERM (a page in the wrong state, or a boot page), -EBUSY
 * (a pinned page), -ENOMEM (not enough table pages in the pool).
 */
/* HOST_OWNED -> HYP_OWNED; @reclaimable lets own_host_reclaim() undo it. */
int own_host_donate_hyp(struct ownership *o, u64 pfn, u64 nr, bool reclaimable);
/* HOST_OWNED -> HYP_OWNED, private: not mapped in the linear map. */
int own_host_donate_hyp_private(struct ownership *o, u64 pfn, u64 nr);
/* HYP_OWNED (private or not) -> HOST_OWNED, for the hypervisor's own use. */
int own_hyp_donate_host(struct ownership *o, u64 pfn, u64 nr);
/* HYP_OWNED and reclaimable -> HOST_OWNED: what a host may ask for. */
int own_host_reclaim(struct ownership *o, u64 pfn, u64 nr);
/* HYP_OWNED and reclaimable -> HYP_OWNED, no longer reclaimable. */
int own_hyp_claim(struct ownership *o, u64 pfn, u64 nr);
/* HOST_OWNED -> HOST_SHARED. */
int own_host_share_hyp(struct ownership *o, u64 pfn, u64 nr);
/* HOST_SHARED, unpinned -> HOST_OWNED (-EBUSY if any page is pinned). */
int own_host_unshare_hyp(struct ownership *o, u64 pfn, u64 nr);
/* HYP_OWNED, not private -> HYP_SHARED (host gets read-only access). */
int own_hyp_share_host(struct ownership *o, u64 pfn, u64 nr);
/* HYP_SHARED -> HYP_OWNED. */
int own_hyp_unshare_host(struct ownership *o, u64 pfn, u64 nr);
/* HOST_SHARED: pin count + 1 (-EBUSY at OWN_MAX_PINS). */
int own_pin_shared(struct ownership *o, u64 pfn, u64 nr);
/* HOST_SHARED with pins > 0: pin count - 1 (-EINVAL if a page is unpinned). */
int own_unpin_shared(struct ownership *o, u64 pfn, u64 nr);

/* State of one page; -EINVAL if it is not RAM. */
int own_page_state(const struct ownership *o, u64 pfn, enum page_state *state);

/*
 * Build the host stage-2 in @s2 (initialised, empty, PGT_STAGE2): an
 * identity map of RAM as Normal RWX using blocks where possible, with
 * HYP_OWNED pages unmapped and HYP_SHARED pages read-only. Device space is
 * mapped on demand by own_host_s2_fault(). On success o->host_s2 = s2
 * and later transitions keep it in step. -EINVAL for a bad @s2 or RAM
 * beyond its input range; -ENOMEM if the pool runs dry (s2 may then hold a
 * partial map; the caller destroys it).
 */
int own_build_host_s2(struct ownership *o, struct pgt *s2);

/*
 * The host took a stage-2 translation fault at @addr. Returns 0 if it may
 * retry: the address is mapped by now (another CPU was rebuilding the
 * entry, break-before-make), or it is device space, which this maps: the
 * largest block (1 GiB, 2 MiB, 4 KiB) around it that holds no RAM, as
 * Device RW. -EPERM: RAM the host does not own (inject an abort);
 * -EINVAL before the stage-2 exists or beyond its input range; -ENOMEM if
 * the pool cannot hold the tables. Only for translation faults: a
 * permission fault is a violation even though the address is mapped.
 */
int own_host_s2_fault(struct ownership *o, u64 addr);

#endif /* PKVMKIT_OWNERSHIP_H */
