/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Page ownership between the host and the hypervisor, modelled on pKVM.
 *
 * Every page of RAM has one state, seen from both sides:
 *
 *   state             host view         hyp view          host stage-2  hyp linear map
 *   PAGE_HOST_OWNED   OWNED             NOPAGE            RWX (+)       unmapped
 *   PAGE_HOST_SHARED  SHARED_OWNED      SHARED_BORROWED   RWX           RW
 *   PAGE_HYP_OWNED    NOPAGE            OWNED             unmapped      RW (*)
 *   PAGE_HYP_SHARED   SHARED_BORROWED   SHARED_OWNED      R             RW (*)
 *
 * and with a guest (its own stage-2 maps the page at one gfn, RWX):
 *
 *   state                   host view        guest view       host stage-2
 *   PAGE_GUEST_OWNED        NOPAGE           OWNED            annotated (#)
 *   PAGE_HOST_SHARED_GUEST  SHARED_OWNED     SHARED_BORROWED  RWX
 *   PAGE_GUEST_SHARED_HOST  SHARED_BORROWED  SHARED_OWNED     RW
 *
 * (#) an invalid entry naming the guest and the gfn (pgt_annotate()), so
 * that the page's owner can be found from its pfn alone. None of the
 * guest states is in the hypervisor's linear map.
 *
 * (*) pages marked at boot with own_mark_hyp_boot() are mapped wherever the
 * hypervisor placed them (image, stacks, tables) and not in the linear map;
 * so are pages donated with own_host_donate_hyp_private() (module code and
 * data, mapped elsewhere with their own permissions: no writable alias).
 *
 * (+) unless a module at EL2 restricted it with own_host_set_prot() (ACK's
 * host_stage2_mod_prot): the page stays PAGE_HOST_OWNED but the host
 * stage-2 holds nothing, R, RW or RX for it until the module lifts the
 * restriction. Meanwhile every transition of the page (and
 * own_mark_hyp_boot()) fails with -EPERM: a donation and its inverse, or a
 * share and its inverse, would otherwise hand it back RWX behind the
 * module's back.
 *
 * The hypervisor's linear map has VA == PA. Every transition checks every
 * page of the range first and changes nothing on error; then it reserves
 * what its commit can need; only then it commits the new states and
 * updates both page tables, which cannot fail. Callers serialise (the
 * hypervisor holds one lock around these calls).
 *
 * Table memory, all from one pool:
 * - The linear map (o->hyp_s1) must be PGT_F_PAGES_ONLY: mapping a range
 *   may allocate tables (checked: -ENOMEM), unmapping never does, and its
 *   empty tables are freed. So a host share or donation and its inverse
 *   leave the pool as it was, and an inverse never lacks memory.
 * - The host stage-2 (o->host_s2, PGT_F_COALESCE) allocates only from a
 *   reservation in the pool, whose size is computed, not guessed: one
 *   table for every table slot that can be in use. A slot is a 2 MiB or
 *   1 GiB unit of RAM whose pages do not all share the default host
 *   mapping (RWX): a unit that RAM only partly covers, or that holds a
 *   page not mapped RWX for the host (in a hyp state, or restricted by a
 *   module); plus the root, the level-1 tables over RAM, and
 *   OWN_DEV_TABLES for device mappings far from RAM. A transition (or
 *   restriction) that turns a unit from default to not reserves its slot
 *   first (-ENOMEM if the pool cannot); one that returns a unit to default
 *   releases it once the table is gone (coalesced into a block). So what
 *   the host can make the stage-2 hold is bounded by what it holds in hyp
 *   states (and what modules restrict), and no stage-2 update can fail
 *   for memory.
 */
#ifndef PKVMKIT_OWNERSHIP_H
#define PKVMKIT_OWNERSHIP_H

#include <pkvmkit/types.h>
#include <pkvmkit/pgtable.h>
#include <pkvmkit/page_pool.h>

/*
 * The states, once: X(NAME, "name") makes PAGE_NAME, and the name the
 * host's files and tools print (driver/sysfs.c, tests/guest/hc-ids.c).
 */
#define OWN_PAGE_STATES(X)						\
	X(HOST_OWNED, "host_owned")					\
	X(HOST_SHARED, "host_shared")					\
	X(HYP_OWNED, "hyp_owned")					\
	X(HYP_SHARED, "hyp_shared")					\
	X(GUEST_OWNED, "guest_owned")					\
	X(HOST_SHARED_GUEST, "host_shared_guest")			\
	X(GUEST_SHARED_HOST, "guest_shared_host")

#define OWN_PAGE_STATE_ENUM(name, str)	PAGE_##name,
enum page_state {
	OWN_PAGE_STATES(OWN_PAGE_STATE_ENUM)
	PAGE_STATE_COUNT
};

/*
 * A module's restriction of the host's stage-2 access to a HOST_OWNED page
 * (struct hyp_page.host_prot). 0 is none, so that zeroed metadata starts
 * unrestricted.
 */
enum own_host_prot {
	OWN_HOST_UNRESTRICTED = 0,	/* RWX, as the state table says */
	OWN_HOST_PROT_NONE,
	OWN_HOST_PROT_R,
	OWN_HOST_PROT_RW,
	OWN_HOST_PROT_RX,
};

#define OWN_MAX_PINS	((1U << 7) - 1)

/* Two bytes per page of RAM: keep it so (the array covers all of RAM). */
struct hyp_page {
	u16 state : 3;		/* enum page_state */
	u16 reclaimable : 1;	/* HYP_OWNED, donated by the host, unclaimed */
	u16 boot : 1;		/* HYP_OWNED since boot; never leaves the hyp */
	u16 priv : 1;		/* HYP_OWNED, not in the linear map */
	u16 host_prot : 3;	/* HOST_OWNED: enum own_host_prot */
	u16 pins : 7;		/* HOST_SHARED: pin_shared count */
};

struct own_ram_region {
	u64 base;		/* bytes, page aligned */
	u64 size;		/* bytes, page aligned, > 0 */
};

#define OWN_MAX_RAM_REGIONS	16

/*
 * Level-1 tables the host stage-2 may hold for device mappings in 512 GiB
 * units without RAM; mapping one more unmaps those (they fault back in).
 */
#define OWN_DEV_TABLES		4

/*
 * Device ranges the hypervisor takes from the host at deprivilege (an
 * SMMU's registers, QEMU's fw_cfg): the host stage-2 never maps them and
 * the DMA mirror neither. Each may need a level-2 and a level-3 table of
 * the host stage-2 around it (in a 1 GiB unit without RAM, which RAM's
 * slots do not cover), and twice that when it straddles units: reserved
 * with the rest.
 */
#define OWN_MAX_HYP_DEV		4
#define OWN_HYP_DEV_SLOTS	4

/* Stage-2 table-slot units (see above): 2 MiB and 1 GiB, in pfns. */
#define OWN_UNIT2M_SHIFT	9
#define OWN_UNIT1G_SHIFT	18

struct ownership {
	struct hyp_page *pages;	/* one per pfn in [first_pfn, first_pfn + nr_pfns) */
	u64 first_pfn;
	u64 nr_pfns;
	/*
	 * Pages not mapped RWX for the host (in a hyp state, or restricted by
	 * a module) per unit: a unit's table slot is needed while non-zero.
	 */
	u16 *not_rwx_in_2m;	/* per 2 MiB unit from first_pfn's */
	u32 *not_rwx_in_1g;	/* per 1 GiB unit from first_pfn's */
	struct own_ram_region ram[OWN_MAX_RAM_REGIONS];	/* sorted, disjoint */
	u32 nr_ram;
	struct pgt *hyp_s1;	/* hypervisor stage-1 (linear map at VA == PA) */
	struct pgt *host_s2;	/* NULL until own_build_host_s2() */
	struct page_pool *pool;	/* where both tables get their pages */
	u64 s2_slots;		/* host stage-2 tables reserved, in use or not */
	u64 dev_units[OWN_DEV_TABLES];	/* 512 GiB units holding device tables */
	u32 nr_dev_units;
	u64 nr_in_state[PAGE_STATE_COUNT];	/* RAM pages in each state */
	struct own_ram_region hyp_dev[OWN_MAX_HYP_DEV];	/* see OWN_MAX_HYP_DEV */
	u32 nr_hyp_dev;
	/*
	 * The DMA mirror (own_build_dma_mirror()), NULL without one: what
	 * devices may reach, kept in step with the host stage-2; dma_sync
	 * runs after each change of it, before the transition returns.
	 */
	struct pgt *dma_s2;
	void (*dma_sync)(void *arg);
	void *dma_arg;
};

/*
 * Number of struct hyp_page entries needed to cover @ram (lowest to highest
 * RAM page, holes included); 0 if the regions are invalid.
 */
u64 own_span_pfns(const struct own_ram_region *ram, u32 nr_ram);

/*
 * The metadata own_init() takes, for RAM spanning @span pfns from
 * @first_pfn: the page states, then per 2 MiB and per 1 GiB unit the
 * number of pages not mapped RWX for the host, each array 8-byte aligned.
 */
struct own_meta_layout {
	u64 nr_2m, nr_1g;
	u64 off_2m, off_1g, size;
};

static inline void own_meta_layout_for(u64 first_pfn, u64 span,
				       struct own_meta_layout *l)
{
	u64 last = first_pfn + span - 1;

	l->nr_2m = (last >> OWN_UNIT2M_SHIFT) - (first_pfn >> OWN_UNIT2M_SHIFT) + 1;
	l->nr_1g = (last >> OWN_UNIT1G_SHIFT) - (first_pfn >> OWN_UNIT1G_SHIFT) + 1;
	l->off_2m = (span * sizeof(struct hyp_page) + 7) & ~7ULL;
	l->off_1g = (l->off_2m + l->nr_2m * sizeof(u16) + 7) & ~7ULL;
	l->size = l->off_1g + l->nr_1g * sizeof(u32);
}

/* Bytes of zeroed memory own_init() needs for @ram; 0 if it is invalid. */
u64 own_meta_size(const struct own_ram_region *ram, u32 nr_ram);

/*
 * @meta must hold own_meta_size() zeroed bytes, 8-byte aligned (the page
 * states and the per-unit counters). Regions are copied and sorted;
 * overlapping, unaligned or empty regions give -EINVAL. @hyp_s1 must be
 * PGT_F_PAGES_ONLY. Every RAM page starts PAGE_HOST_OWNED.
 */
int own_init(struct ownership *o, void *meta, u64 meta_size,
	     const struct own_ram_region *ram, u32 nr_ram,
	     struct pgt *hyp_s1, struct page_pool *pool);

/* True if every page of [pfn, pfn + nr) is RAM (nr > 0, no overflow). */
bool own_range_is_ram(const struct ownership *o, u64 pfn, u64 nr);

/*
 * Boot only: HOST_OWNED, unrestricted -> HYP_OWNED (boot), no page-table
 * change.
 */
int own_mark_hyp_boot(struct ownership *o, u64 pfn, u64 nr);

/*
 * Transitions. All return 0, or: -EINVAL (nr == 0, overflow, a page that is
 * not RAM), -EPERM (a page in the wrong state, a boot page, or a page a
 * module restricted, see own_host_set_prot()), -EBUSY
 * (a pinned page), -ENOMEM (not enough table pages in the pool); on error
 * nothing changed.
 */
enum own_op {
	OWN_HOST_DONATE_HYP,		/* reclaimable */
	OWN_HOST_DONATE_HYP_FOR_GOOD,	/* not reclaimable */
	OWN_HOST_DONATE_HYP_PRIVATE,
	OWN_HYP_DONATE_HOST,
	OWN_HOST_RECLAIM,
	OWN_HYP_CLAIM,
	OWN_HOST_SHARE_HYP,
	OWN_HOST_UNSHARE_HYP,
	OWN_HYP_SHARE_HOST,
	OWN_HYP_UNSHARE_HOST,
	OWN_NR_OPS
};

/*
 * The two-phase form, for a caller that combines a transition with changes
 * of its own (e.g. mapping a donated page elsewhere): own_prepare() checks
 * and reserves everything the transition needs, plus @extra_tables free
 * pool pages the caller will allocate after own_commit(); own_commit()
 * then cannot fail (non-zero means the library's own invariants broke:
 * fatal); own_cancel() drops a prepared transaction. Nothing
 * else may touch @o in between.
 */
struct own_txn {
	enum own_op op;
	u64 pfn, nr;
	u64 slots_add;		/* host stage-2 slots reserved by prepare */
	u64 slots_del;		/* ... released by commit */
};

int own_prepare(struct ownership *o, enum own_op op, u64 pfn, u64 nr,
		u64 extra_tables, struct own_txn *txn);
int own_commit(struct ownership *o, const struct own_txn *txn);
void own_cancel(struct ownership *o, const struct own_txn *txn);

/* One-step form: own_prepare() with no extra tables, then own_commit(). */
int own_transition(struct ownership *o, enum own_op op, u64 pfn, u64 nr);

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
 * True if @pfn is RAM the hypervisor owns as a private page (donated with
 * OWN_HOST_DONATE_HYP_PRIVATE: mapped only where its user mapped it).
 */
bool own_page_private(const struct ownership *o, u64 pfn);

/*
 * Restrict the host's stage-2 access to [pfn, pfn + nr) to @prot, one of
 * 0 (no access), PGT_PROT_R, PGT_PROT_RW, PGT_PROT_RX; PGT_PROT_RWX lifts
 * the restriction. For vendor modules at EL2 (host_stage2_mod_prot).
 * -EINVAL: a bad range (as for transitions) or any other @prot; -EPERM:
 * a page that is not HOST_OWNED, or a lift of a page no module restricted;
 * -ENOMEM: the pool cannot hold a stage-2 slot the restriction needs. On
 * error nothing changed. One restriction may replace another. Before
 * own_build_host_s2() only the pages change; the build honours them.
 */
int own_host_set_prot(struct ownership *o, u64 pfn, u64 nr, u32 prot);

/*
 * The host's stage-2 permission of @pfn from its state and any restriction
 * (PGT_PROT_*, 0 = no access); *restricted says whether a module
 * restricted it (for the fault path: a module's page, not a violation of
 * the hypervisor's). Either pointer may be NULL. -EINVAL if not RAM.
 * Needs no lock: it reads the page's entry with one load, so the answer
 * is the state at some instant during the call (the fault path uses it
 * so; a caller that acts on the answer takes the lock).
 */
int own_host_prot(const struct ownership *o, u64 pfn, u32 *prot,
		  bool *restricted);

/* What the host's fault path makes of an access (own_host_access()). */
enum own_access {
	OWN_ACCESS_REFUSED,	/* not the host's to make, or not RAM */
	OWN_ACCESS_ALLOWED,	/* the stage-2 allows it (or soon will): retry */
	OWN_ACCESS_RESTRICTED,	/* a module's restriction refuses it */
	OWN_ACCESS_GUEST,	/* a guest owns the page (PAGE_GUEST_OWNED) */
};

/*
 * May the host access @pfn with every permission in @need (PGT_PROT_*)?
 * What own_host_prot() says, as the fault path asks it, and as it does
 * without a lock.
 */
enum own_access own_host_access(const struct ownership *o, u64 pfn,
				u32 need);

/*
 * Before the host stage-2 exists: [base, base + size) (page aligned, not
 * RAM, not overlapping another) becomes the hypervisor's device range.
 * -EINVAL for a bad range, -ENOSPC past OWN_MAX_HYP_DEV, -EPERM once the
 * host stage-2 is built.
 */
int own_add_hyp_device(struct ownership *o, u64 base, u64 size);

/* Does [base, base + size) overlap a hypervisor device range? */
bool own_overlaps_hyp_device(const struct ownership *o, u64 base, u64 size);

/*
 * The DMA mirror: the identity stage-2 an IOMMU walks for every device
 * stream, mirroring what the host stage-2 lets the host reach. RAM is
 * mapped page by page (no block is ever split under live DMA) as the host
 * stage-2 has it, without execute permission: host-owned and shared pages
 * read-write, pages the hypervisor shares read-only, every other page
 * unmapped. Device space is mapped Device read-write with blocks, all of
 * it in each 512 GiB unit that holds RAM (below 1 << ia_bits), except
 * the hypervisor's device ranges; nothing beyond (peer-to-peer DMA to
 * far device windows aborts).
 *
 * own_build_dma_mirror() builds it in @s2 with @mm, from the current
 * states; afterwards every change of the host stage-2 for RAM changes the
 * mirror in the same step and calls @sync (the IOMMU's TLB invalidation
 * and synchronisation) before the transition returns. Tables come from
 * @mm, which must hold own_dma_tables_bound() pages: the build maps all
 * of RAM first, so once it succeeds no later update can run out (a table
 * freed by an unmap is the one a later map needs). -EINVAL for a bad
 * @ia_bits, RAM beyond it or a mirror already built, -ENOMEM; on error
 * nothing is left allocated.
 */
int own_build_dma_mirror(struct ownership *o, struct pgt *s2, u32 ia_bits,
			 const struct pgt_mm_ops *mm, void (*sync)(void *arg),
			 void *arg);

static inline u64 own_units_spanned(const struct own_ram_region *r, u32 shift)
{
	return ((r->base + r->size - 1) >> shift) - (r->base >> shift) + 1;
}

/*
 * Table pages the DMA mirror may ever need for @ram and @nr_hyp_dev
 * device ranges: the root, then per region a table for each 512 GiB,
 * 1 GiB and 2 MiB unit it touches (RAM is mapped page by page), and
 * OWN_HYP_DEV_SLOTS for each device range. An upper bound: the driver
 * allocates it, the build proves it.
 */
static inline u64 own_dma_tables_bound(const struct own_ram_region *ram,
				       u32 nr_ram, u32 nr_hyp_dev)
{
	u64 n = 1;
	u32 i;

	for (i = 0; i < nr_ram; i++)
		n += own_units_spanned(&ram[i], 39) +
		     own_units_spanned(&ram[i], 30) +
		     own_units_spanned(&ram[i], 21);
	return n + (u64)nr_hyp_dev * OWN_HYP_DEV_SLOTS;
}

/*
 * Reserve the host stage-2's table slots in the pool, then build it in @s2
 * with @mm (which must allocate with pool_alloc_reserved() and free with
 * pool_free_reserved() from o->pool): an identity map of RAM as Normal RWX
 * using blocks where possible, with HYP_OWNED pages unmapped, HYP_SHARED
 * pages read-only and restricted pages as their module set them. Device space is mapped on demand by
 * own_host_s2_fault(). On success o->host_s2 = s2 and later transitions
 * keep it in step. -EINVAL for a bad @ia_bits, RAM beyond it, or a stage-2
 * already built; -ENOMEM if the pool cannot hold the reservation. On error
 * nothing is left allocated or reserved.
 */
int own_build_host_s2(struct ownership *o, struct pgt *s2, u32 ia_bits,
		      const struct pgt_mm_ops *mm);

/* Host stage-2 table slots the current states need (see above). */
u64 own_s2_slots_needed(const struct ownership *o);

/*
 * The host took a stage-2 translation fault at @addr. Returns 0 if it may
 * retry: the address is mapped by now (another CPU was rebuilding the
 * entry, break-before-make), or it is device space, which this maps: the
 * largest block (1 GiB, 2 MiB, 4 KiB) around it that holds no RAM and no
 * hypervisor device range, as Device RW. -EPERM: RAM the host does not
 * own, or a hypervisor device range (inject an abort);
 * -EINVAL before the stage-2 exists or beyond its input range. The tables
 * come from the reservation; past OWN_DEV_TABLES device units far from RAM
 * the others are unmapped first. Only for translation faults: a permission
 * fault is a violation even though the address is mapped.
 */
int own_host_s2_fault(struct ownership *o, u64 addr);

/* ---- guests ------------------------------------------------------------ */

/*
 * A guest, as a transition sees it: its stage-2 (whose mm ops hand out
 * the guest's own table pages: @free_tables of them are left), its id
 * (annotated into the host stage-2 for the pages it owns, 16 bits), and
 * how to zero a page before the host gets it back. Guest transitions need
 * the host stage-2 (own_build_host_s2()): -EINVAL before.
 */
struct own_guest {
	struct pgt *s2;
	u64 free_tables;
	u16 id;
	void (*scrub)(void *arg, u64 pfn);
	void *arg;
};

/*
 * One page @pfn at guest frame @gfn:
 *   OWN_HOST_DONATE_GUEST   HOST_OWNED -> GUEST_OWNED: the host stage-2
 *                           annotates it, the guest maps it
 *   OWN_HOST_SHARE_GUEST    HOST_OWNED -> HOST_SHARED_GUEST: the guest
 *                           maps it, the host keeps it
 *   OWN_HOST_UNSHARE_GUEST  HOST_SHARED_GUEST -> HOST_OWNED: the guest
 *                           unmaps it
 *   OWN_GUEST_SHARE_HOST    GUEST_OWNED -> GUEST_SHARED_HOST: the host
 *                           maps it RW
 *   OWN_GUEST_UNSHARE_HOST  GUEST_SHARED_HOST -> GUEST_OWNED
 *   OWN_GUEST_RETURN_HOST   GUEST_OWNED or GUEST_SHARED_HOST ->
 *                           HOST_OWNED: the guest unmaps it, it is
 *                           scrubbed, then the host maps it RWX
 *   OWN_HOST_RECLAIM_GUEST  the same, but the guest's entry becomes the
 *                           annotation OWN_GUEST_S2_LOST: the host took
 *                           the page back, and a guest access there
 *                           must not get a fresh page in its place
 * Errors, with nothing changed: -EINVAL (not RAM, a gfn beyond the
 * guest's input range, no host stage-2), -EPERM (the page in another
 * state, restricted by a module, or not this guest's at @gfn), -EEXIST
 * (@gfn mapped already), -ENOMEM (the guest has too few table pages, or
 * the pool cannot hold a host stage-2 slot).
 */
enum own_guest_op {
	OWN_HOST_DONATE_GUEST,
	OWN_HOST_SHARE_GUEST,
	OWN_HOST_UNSHARE_GUEST,
	OWN_GUEST_SHARE_HOST,
	OWN_GUEST_UNSHARE_HOST,
	OWN_GUEST_RETURN_HOST,
	OWN_HOST_RECLAIM_GUEST,
	OWN_NR_GUEST_OPS
};

/* The guest stage-2 annotation OWN_HOST_RECLAIM_GUEST leaves. */
#define OWN_GUEST_S2_LOST	0x2ULL

int own_guest_transition(struct ownership *o, enum own_guest_op op,
			 const struct own_guest *g, u64 pfn, u64 gfn);

/* The guest and frame a PAGE_GUEST_OWNED page is at: 0, or -EINVAL/-ENOENT. */
int own_guest_page_owner(const struct ownership *o, u64 pfn, u16 *id,
			 u64 *gfn);

#endif /* PKVMKIT_OWNERSHIP_H */
