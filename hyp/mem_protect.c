// SPDX-License-Identifier: GPL-2.0-only
/*
 * Page ownership between the host and the hypervisor (lib/ownership.c,
 * the states and transitions pKVM models) and the host stage-2 that
 * follows it: built at deprivilege, kept in step by every transition,
 * restricted by vendor modules, faulted in for device space. Under
 * mem_lock (hyp/mm.h), as are the linear map and the pool the ownership
 * library updates with it.
 *
 * Every operation here that changes more than one thing checks and
 * reserves first (own_prepare(), a look-up, a table count), then commits
 * steps that cannot fail; a step that fails anyway is a broken invariant
 * of ours and panics (HYP_BUG_ON) rather than leave a half-done change.
 */
#include <pkvmkit/ownership.h>
#include <hyp/bug.h>
#include <hyp/log.h>
#include <hyp/mem_protect.h>
#include <hyp/mm.h>
#include <hyp/module_ops.h>
#include <hyp/sysreg.h>
#include <hyp/trace.h>

static struct pgt host_s2;
static struct ownership own;
static bool host_s2_ready;
static u32 host_s2_ia_bits;
static u64 host_vtcr;
static u64 host_vttbr;

/* The host stage-2 lives on its reservation (see ownership.h). */
static void *host_s2_zalloc_page(void *arg)
{
	return pool_alloc_reserved(arg);
}

static void host_s2_free_page(void *arg, void *va)
{
	pool_free_reserved(arg, va);
}

static u64 host_s2_virt_to_phys(void *va)
{
	return (u64)va;
}

static void *host_s2_phys_to_virt(u64 pa)
{
	return (void *)pa;
}

/*
 * Break-before-make on the host stage-2: a page entry by IPA, then the
 * combined stage-1+2 entries of the host's VMID (0) in any case.
 */
static void host_s2_tlb_inval(void *arg, enum pgt_stage stage, u64 addr,
			      u32 level)
{
	(void)arg;
	(void)stage;
	dsb(ishst);
	if (level == 3)
		asm volatile("tlbi ipas2e1is, %0" : : "r" (addr >> 12));
	dsb(ish);
	asm volatile("tlbi vmalls12e1is");
	dsb(ish);
	isb();
}

static const struct pgt_mm_ops host_s2_mm_ops = {
	.zalloc_page	= host_s2_zalloc_page,
	.free_page	= host_s2_free_page,
	.virt_to_phys	= host_s2_virt_to_phys,
	.phys_to_virt	= host_s2_phys_to_virt,
	.tlb_inval	= host_s2_tlb_inval,
	.arg		= &hyp_pool,
};

static u32 parange_to_bits(u64 parange)
{
	static const u8 bits[] = { 32, 36, 40, 42, 44, 48, 52 };

	return parange < sizeof(bits) ? bits[parange] : 48;
}

/* Host stage-2 geometry: as much IPA space as there is PA, up to 48 bits. */
static void compute_host_vtcr(void)
{
	u64 parange = id_field(read_sysreg(id_aa64mmfr0_el1), 0);
	u32 ipa_bits = parange_to_bits(parange);
	u32 start;

	if (ipa_bits > 48)
		ipa_bits = 48;
	if (parange > 5)
		parange = 5;
	start = pgt_start_level(ipa_bits);
	host_s2_ia_bits = ipa_bits;
	/* SL0 (4 KiB granule): 2 = level 0, 1 = level 1, 0 = level 2 */
	host_vtcr = VTCR_RES1 | (64 - ipa_bits) |
		    ((u64)(2 - start) << VTCR_SL0_SHIFT) |
		    VTCR_IRGN0_WBWA | VTCR_ORGN0_WBWA | VTCR_SH0_INNER |
		    (parange << VTCR_PS_SHIFT);
}

/* The log and the trace rings: the hypervisor's, read-only to the host. */
static int donate_and_share_ro(u64 pa, u64 size)
{
	u64 pfn = pa >> PKVMKIT_PAGE_SHIFT;
	u64 nr = size >> PKVMKIT_PAGE_SHIFT;
	int ret;

	if (pa % PKVMKIT_PAGE_SIZE || size % PKVMKIT_PAGE_SIZE)
		return -EINVAL;
	ret = own_host_donate_hyp(&own, pfn, nr, false);
	if (!ret)
		ret = own_hyp_share_host(&own, pfn, nr);
	return ret;
}

/*
 * At install, on the first CPU alone (no lock needed yet): every RAM page
 * the host's, but the hypervisor's own pages; the log and the trace rings
 * shared read-only with the host.
 */
int hyp_mem_protect_init(const struct hyp_params *p)
{
	struct own_ram_region ram[OWN_MAX_RAM_REGIONS];
	u64 i, span;
	int ret;

	if (p->nr_ram == 0 || p->nr_ram > OWN_MAX_RAM_REGIONS ||
	    p->nr_boot > HYP_MAX_REGIONS)
		return -EINVAL;
	for (i = 0; i < p->nr_ram; i++) {
		ram[i].base = p->ram[i].pa;
		ram[i].size = p->ram[i].size;
	}
	span = own_meta_size(ram, p->nr_ram);
	if (!span || span > p->vmemmap_size)
		return -EINVAL;

	ret = own_init(&own, (void *)p->vmemmap_pa, p->vmemmap_size, ram,
		       p->nr_ram, &hyp_s1, &hyp_pool);
	for (i = 0; !ret && i < p->nr_boot; i++)
		ret = own_mark_hyp_boot(&own, p->boot[i].pa >> PKVMKIT_PAGE_SHIFT,
					p->boot[i].size >> PKVMKIT_PAGE_SHIFT);
	/* the DMA mirror's tables and the SMMU's: the hypervisor's too */
	if (!ret && p->nr_dma_chunks > HYP_MAX_DMA_CHUNKS)
		ret = -EINVAL;
	for (i = 0; !ret && i < p->nr_dma_chunks; i++)
		ret = own_mark_hyp_boot(&own, p->dma_chunks[i].pa >> PKVMKIT_PAGE_SHIFT,
					p->dma_chunks[i].size >> PKVMKIT_PAGE_SHIFT);
	if (!ret && p->nr_hyp_dev > HYP_MAX_HYP_DEV)
		ret = -EINVAL;
	for (i = 0; !ret && i < p->nr_hyp_dev; i++)
		ret = own_add_hyp_device(&own, p->hyp_dev[i].pa, p->hyp_dev[i].size);
	if (!ret)
		ret = donate_and_share_ro(p->log_pa, p->log_size);
	if (!ret && p->trace_size != p->nr_slots * HYP_TRACE_CPU_PAGES *
				     PKVMKIT_PAGE_SIZE)
		ret = -EINVAL;
	if (!ret)
		ret = donate_and_share_ro(p->trace_pa, p->trace_size);
	if (!ret)
		compute_host_vtcr();
	return ret;
}

/* ---- the host stage-2 ------------------------------------------------ */

bool hyp_host_stage2_ready(void)
{
	return __atomic_load_n(&host_s2_ready, __ATOMIC_ACQUIRE);
}

/* Switch this CPU's host onto the stage-2. */
void hyp_enable_host_stage2(void)
{
	write_sysreg(host_vtcr, vtcr_el2);
	write_sysreg(host_vttbr, vttbr_el2);
	isb();
	/* drop stage-1-only translations the host cached so far */
	asm volatile("tlbi alle1");
	dsb(nsh);
	isb();
	write_sysreg(read_sysreg(hcr_el2) | HCR_VM, hcr_el2);
	isb();
	this_cpu()->stage2_on = 1;
}

/*
 * Build the host stage-2 from the ownership state: on error nothing is
 * left allocated or reserved (own_build_host_s2()). Not yet in use:
 * hyp_host_s2_publish() makes it so.
 */
int hyp_host_s2_build(void)
{
	int ret;

	hyp_spin_lock(&mem_lock);
	ret = own_build_host_s2(&own, &host_s2, host_s2_ia_bits, &host_s2_mm_ops);
	if (!ret)
		host_vttbr = host_s2.root_pa;	/* VMID 0 */
	hyp_spin_unlock(&mem_lock);
	if (ret)
		hyp_log("pkvmkit: building the host stage-2 failed: %d; host not deprivileged\n",
			ret);
	return ret;
}

u32 hyp_host_s2_ia_bits(void)
{
	return host_s2_ia_bits;
}

/* The DMA mirror, from the ownership state (own_build_dma_mirror()). */
int hyp_build_dma_mirror(struct pgt *s2, u32 ia_bits,
			 const struct pgt_mm_ops *mm, void (*sync)(void *arg),
			 void *arg)
{
	int ret;

	hyp_spin_lock(&mem_lock);
	ret = own_build_dma_mirror(&own, s2, ia_bits, mm, sync, arg);
	hyp_spin_unlock(&mem_lock);
	return ret;
}

/* Publish the stage-2 built above and enter it on this CPU. */
void hyp_host_s2_publish(void)
{
	__atomic_store_n(&host_s2_ready, true, __ATOMIC_RELEASE);
	hyp_enable_host_stage2();
	hyp_log("pkvmkit: host deprivileged, stage-2 uses %lu table pages (%lu reserved)\n",
		(unsigned long)host_s2.nr_tables, (unsigned long)own.s2_slots);
}

/* The host touched unmapped device space: map it (see ownership.h). */
int hyp_host_s2_fault(u64 ipa)
{
	int ret;

	hyp_spin_lock(&mem_lock);
	ret = own_host_s2_fault(&own, ipa);
	hyp_spin_unlock(&mem_lock);
	return ret;
}

/*
 * A host abort, seen by the ownership state (which the stage-2 follows):
 * OWN_ACCESS_ALLOWED if the access is allowed by now (the permissions
 * changed since the fault: a share undone, a restriction lifted),
 * OWN_ACCESS_RESTRICTED if a module's restriction refuses it,
 * OWN_ACCESS_REFUSED otherwise (not the host's, or not RAM).
 */
enum own_access hyp_host_access(u64 ipa, u32 need)
{
	/*
	 * Without mem_lock: own_host_access() reads one snapshot of the
	 * page, which is all the lock would give too (the state may change
	 * right after either way). A transition in progress on another CPU
	 * either already shows here or makes the host retry until it does.
	 */
	return own_host_access(&own, ipa >> PKVMKIT_PAGE_SHIFT, need);
}

/* ---- transitions ------------------------------------------------------ */

#define LOCKED(expr) ({				\
	int __ret;				\
	hyp_spin_lock(&mem_lock);		\
	__ret = (expr);				\
	hyp_spin_unlock(&mem_lock);		\
	__ret;					\
})

/* One ownership transition; its commit cannot fail once prepared. */
static int own_transition_locked(enum own_op op, u64 pfn, u64 nr)
{
	struct own_txn txn;
	int ret;

	hyp_assert_lock_held(&mem_lock);
	ret = own_prepare(&own, op, pfn, nr, 0, &txn);
	if (ret)
		return ret;
	ret = own_commit(&own, &txn);
	HYP_BUG_ON(ret, "ownership commit %d failed: %d", op, ret);
	return 0;
}

int hyp_host_donate_hyp(u64 pfn, u64 nr)
{
	return LOCKED(own_transition_locked(OWN_HOST_DONATE_HYP, pfn, nr));
}

/* As ACK 6.1's host_donate_hyp: not reclaimable by the host. */
int hyp_host_donate_hyp_for_good(u64 pfn, u64 nr)
{
	return LOCKED(own_transition_locked(OWN_HOST_DONATE_HYP_FOR_GOOD, pfn,
					    nr));
}

int hyp_host_reclaim(u64 pfn, u64 nr)
{
	return LOCKED(own_transition_locked(OWN_HOST_RECLAIM, pfn, nr));
}

int hyp_host_share_hyp(u64 pfn, u64 nr)
{
	return LOCKED(own_transition_locked(OWN_HOST_SHARE_HYP, pfn, nr));
}

int hyp_host_unshare_hyp(u64 pfn, u64 nr)
{
	return LOCKED(own_transition_locked(OWN_HOST_UNSHARE_HYP, pfn, nr));
}

int hyp_page_state(u64 pfn)
{
	enum page_state state;
	int ret;

	ret = LOCKED(own_page_state(&own, pfn, &state));
	return ret ? ret : (int)state;
}

u64 hyp_state_count(u64 state)
{
	u64 n;

	if (state >= PAGE_STATE_COUNT)
		return (u64)-EINVAL;
	hyp_spin_lock(&mem_lock);
	n = own.nr_in_state[state];
	hyp_spin_unlock(&mem_lock);
	return n;
}

void hyp_mem_stats(u64 *pool_free, u64 *tables, u64 *reserved)
{
	hyp_spin_lock(&mem_lock);
	*pool_free = hyp_pool_free_pages_locked();
	*tables = hyp_s1_tables_locked() + (host_s2_ready ? host_s2.nr_tables : 0);
	*reserved = pool_nr_reserved(&hyp_pool);
	hyp_spin_unlock(&mem_lock);
}

/* ---- module pages ------------------------------------------------------ */

/* Nothing is mapped at [@va, @va + @nr pages) of the stage-1. */
static bool s1_unmapped_locked(u64 va, u64 nr)
{
	u64 i;

	hyp_assert_lock_held(&mem_lock);
	for (i = 0; i < nr; i++)
		if (!pgt_lookup(&hyp_s1, va + (i << PKVMKIT_PAGE_SHIFT), NULL,
				NULL, NULL))
			return false;
	return true;
}

/*
 * Module pages: take [@pfn, @pfn + @nr) from the host and map them at
 * @va with @prot, and nowhere else (no writable alias of module text in
 * the linear map). Checked and reserved first: the VA free, every page
 * donatable, the pool holding the host stage-2 slots and the VA's
 * tables; then both commits, which cannot fail.
 */
static int donate_and_map_locked(u64 pfn, u64 va, u64 nr, u32 prot)
{
	u64 size = nr << PKVMKIT_PAGE_SHIFT;
	struct own_txn txn;
	int ret;

	hyp_assert_lock_held(&mem_lock);
	if (!s1_unmapped_locked(va, nr))
		return -EEXIST;
	ret = own_prepare(&own, OWN_HOST_DONATE_HYP_PRIVATE, pfn, nr,
			  pgt_max_tables(&hyp_s1, va, size), &txn);
	if (ret)
		return ret;
	ret = own_commit(&own, &txn);
	HYP_BUG_ON(ret, "private donation of %lx failed: %d",
		   (unsigned long)pfn, ret);
	ret = pgt_map(&hyp_s1, va, pfn << PKVMKIT_PAGE_SHIFT, size, prot);
	HYP_BUG_ON(ret, "mapping module pages at %lx failed: %d",
		   (unsigned long)va, ret);
	return 0;
}

int hyp_donate_and_map_pages(u64 pfn, u64 va, u64 nr, u32 prot)
{
	if (!nr || va % PKVMKIT_PAGE_SIZE || va < HYP_PRIVATE_VA ||
	    nr > (HYP_PRIVATE_END - va) >> PKVMKIT_PAGE_SHIFT)
		return -EINVAL;
	return LOCKED(donate_and_map_locked(pfn, va, nr, prot));
}

int hyp_donate_and_map(u64 pfn, u64 va, u32 prot)
{
	return hyp_donate_and_map_pages(pfn, va, 1, prot);
}

/*
 * Pages the hypervisor owns already (a module's is_protected pages),
 * mapped once more at module VA. Never executable: owned pages are in
 * the linear map read-write (private ones are the loader's, not these).
 * Every page checked, the VA free and the tables there, then one map.
 */
static int map_hyp_pages_locked(u64 pfn, u64 va, u64 nr, u32 prot)
{
	enum page_state state;
	u64 i;
	int ret;

	hyp_assert_lock_held(&mem_lock);
	if (prot & PGT_PROT_X)
		return -EPERM;
	for (i = 0; i < nr; i++) {
		ret = own_page_state(&own, pfn + i, &state);
		if (ret)
			return ret;
		if (state != PAGE_HYP_OWNED)
			return -EPERM;
	}
	if (!s1_unmapped_locked(va, nr))
		return -EEXIST;
	return hyp_s1_map_locked(va, pfn << PKVMKIT_PAGE_SHIFT,
				 nr << PKVMKIT_PAGE_SHIFT, prot);
}

int hyp_map_hyp_pages(u64 pfn, u64 va, u64 nr, u32 prot)
{
	if (!nr || va % PKVMKIT_PAGE_SIZE || va < HYP_PRIVATE_VA ||
	    nr > (HYP_PRIVATE_END - va) >> PKVMKIT_PAGE_SHIFT)
		return -EINVAL;
	return LOCKED(map_hyp_pages_locked(pfn, va, nr, prot));
}

/*
 * The page mapped at module VA @va, which must be @pfn as a page entry,
 * leaves the stage-1 (no table needed); a page taken from the host for
 * the module (private) goes back to it, after the mapping is gone, so
 * the host never has it while EL2 maps it. Any other page stays the
 * hypervisor's.
 */
static int unmap_module_page_locked(u64 pfn, u64 va)
{
	struct own_txn txn;
	bool give_back;
	u32 level;
	u64 pa;
	int ret;

	hyp_assert_lock_held(&mem_lock);
	ret = pgt_lookup(&hyp_s1, va, &pa, NULL, &level);
	if (ret)
		return ret;
	if (pa >> PKVMKIT_PAGE_SHIFT != pfn || level != 3)
		return -EINVAL;
	give_back = own_page_private(&own, pfn);
	if (give_back) {
		ret = own_prepare(&own, OWN_HYP_DONATE_HOST, pfn, 1, 0, &txn);
		if (ret)
			return ret;
	}
	ret = pgt_unmap(&hyp_s1, va, PKVMKIT_PAGE_SIZE);
	HYP_BUG_ON(ret, "unmapping a module page at %lx failed: %d",
		   (unsigned long)va, ret);
	if (give_back) {
		ret = own_commit(&own, &txn);
		HYP_BUG_ON(ret, "returning module page %lx failed: %d",
			   (unsigned long)pfn, ret);
	}
	return 0;
}

int hyp_unmap_module_page(u64 pfn, u64 va)
{
	return LOCKED(unmap_module_page_locked(pfn, va));
}

/* ---- the ownership members of pkvm_module_ops ------------------------- */

/* As ACK 6.1: the module's pages, not reclaimable by the host. */
int hyp_op_host_donate_hyp(u64 pfn, u64 nr)
{
	return hyp_host_donate_hyp_for_good(pfn, nr);
}

int hyp_op_hyp_donate_host(u64 pfn, u64 nr)
{
	return LOCKED(own_transition_locked(OWN_HYP_DONATE_HOST, pfn, nr));
}

int hyp_op_host_share_hyp(u64 pfn)
{
	return hyp_host_share_hyp(pfn, 1);
}

int hyp_op_host_unshare_hyp(u64 pfn)
{
	return hyp_host_unshare_hyp(pfn, 1);
}

/* [from, to): hyp VAs of shared pages (the linear map: VA == PA) */
int hyp_op_pin_shared_mem(void *from, void *to)
{
	u64 first = (u64)from >> PKVMKIT_PAGE_SHIFT;
	u64 last = ((u64)to - 1) >> PKVMKIT_PAGE_SHIFT;

	if ((u64)to <= (u64)from || (u64)to > HYP_LINEAR_END)
		return -EINVAL;
	return LOCKED(own_pin_shared(&own, first, last - first + 1));
}

void hyp_op_unpin_shared_mem(void *from, void *to)
{
	u64 first = (u64)from >> PKVMKIT_PAGE_SHIFT;
	u64 last = ((u64)to - 1) >> PKVMKIT_PAGE_SHIFT;

	if ((u64)to > (u64)from && (u64)to <= HYP_LINEAR_END)
		LOCKED(own_unpin_shared(&own, first, last - first + 1));
}

/*
 * android15-6.6 on: @accept_mmio would let a module take device memory
 * from the host; pkvmkit tracks the ownership of RAM only, so a donation
 * of anything else is refused whatever @accept_mmio says.
 */
int hyp_op_host_donate_hyp_mmio(u64 pfn, u64 nr, bool accept_mmio)
{
	(void)accept_mmio;
	return hyp_op_host_donate_hyp(pfn, nr);
}

/*
 * The same, with the permissions of the hypervisor's mapping: its linear
 * map holds what it owns read-write, never executable, so that is the
 * one @prot it can honour (-EINVAL otherwise, nothing donated).
 */
int hyp_op_host_donate_hyp_prot(u64 pfn, u64 nr, bool accept_mmio, u32 prot)
{
	if (prot != (KVM_PGTABLE_PROT_R | KVM_PGTABLE_PROT_W))
		return -EINVAL;
	return hyp_op_host_donate_hyp_mmio(pfn, nr, accept_mmio);
}

/*
 * android16-6.12: donate runs of 2^order pages, all or none. Each run is
 * checked (prepared) before any is committed, under one hold of
 * mem_lock, so nothing can change in between.
 */
#define MAX_SGLIST		32	/* entries; the transactions live on the stack */

static int donate_sglist_locked(const struct pkvm_sglist_page *sg, size_t nr)
{
	struct own_txn txn[MAX_SGLIST];
	size_t i, j;
	int ret;

	hyp_assert_lock_held(&mem_lock);
	for (i = 0; i < nr; i++) {
		ret = -EINVAL;
		if (sg[i].order >= 32)
			goto cancel;
		for (j = 0; j < i; j++)
			if (sg[j].pfn < sg[i].pfn + (1ULL << sg[i].order) &&
			    sg[i].pfn < sg[j].pfn + (1ULL << sg[j].order))
				goto cancel;	/* overlapping runs */
		ret = own_prepare(&own, OWN_HOST_DONATE_HYP_FOR_GOOD, sg[i].pfn,
				  1ULL << sg[i].order, 0, &txn[i]);
		if (ret)
			goto cancel;
	}
	for (i = 0; i < nr; i++) {
		ret = own_commit(&own, &txn[i]);
		HYP_BUG_ON(ret, "sglist donation of %lx failed: %d",
			   (unsigned long)sg[i].pfn, ret);
	}
	return 0;
cancel:
	while (i--)
		own_cancel(&own, &txn[i]);
	return ret;
}

int hyp_op_host_donate_sglist_hyp(struct pkvm_sglist_page *sglist, size_t nr)
{
	struct pkvm_sglist_page copy[MAX_SGLIST];
	size_t i;

	if (!nr || nr > MAX_SGLIST || !sglist)
		return -EINVAL;
	for (i = 0; i < nr; i++)	/* the caller's list may change under us */
		copy[i] = sglist[i];
	return LOCKED(donate_sglist_locked(copy, nr));
}

/* ---- module restrictions of the host stage-2 -------------------------- */

/*
 * enum kvm_pgtable_prot as the host may be restricted to: none, R, RW,
 * RX, or RWX to lift a restriction. Nothing else can be honoured (the
 * memory type stays the host's; no write- or execute-only).
 */
static int host_prot_from_kvm(u32 kvm_prot, u32 *prot)
{
	switch (kvm_prot) {
	case 0:
		*prot = 0;
		return 0;
	case KVM_PGTABLE_PROT_R:
		*prot = PGT_PROT_R;
		return 0;
	case KVM_PGTABLE_PROT_R | KVM_PGTABLE_PROT_W:
		*prot = PGT_PROT_RW;
		return 0;
	case KVM_PGTABLE_PROT_R | KVM_PGTABLE_PROT_X:
		*prot = PGT_PROT_RX;
		return 0;
	case KVM_PGTABLE_PROT_RWX:
		*prot = PGT_PROT_RWX;
		return 0;
	default:
		return -EINVAL;
	}
}

int hyp_op_host_stage2_mod_prot_range(u64 pfn, u32 kvm_prot, u64 nr)
{
	u32 prot;

	if (host_prot_from_kvm(kvm_prot, &prot))
		return -EINVAL;
	return LOCKED(own_host_set_prot(&own, pfn, nr, prot));
}

int hyp_op_host_stage2_mod_prot(u64 pfn, u32 kvm_prot)
{
	return hyp_op_host_stage2_mod_prot_range(pfn, kvm_prot, 1);
}

/* android15-6.6 on: no IOMMU shares the host stage-2, @update_iommu has nothing to do */
int hyp_op_host_stage2_mod_prot_iommu(u64 pfn, u32 kvm_prot, u64 nr,
				      bool update_iommu)
{
	(void)update_iommu;
	return hyp_op_host_stage2_mod_prot_range(pfn, kvm_prot, nr);
}

/* android16-6.12: deprecated there, and refused (-EPERM) as ACK does */
int hyp_op_lazy_pte_deprecated(u64 addr, u64 nr_pages)
{
	hyp_log("pkvmkit: host_stage2_%s_lazy_pte(%lx, %lu): deprecated in android16-6.12, refused\n",
		"enable/disable", (unsigned long)addr, (unsigned long)nr_pages);
	return -EPERM;
}

/* No host stage-2 before deprivilege: -ENOENT then. */
static int get_leaf_locked(u64 phys, u64 *ptep, u32 *level)
{
	pgt_pte_t pte;
	u32 lvl;
	int ret;

	hyp_assert_lock_held(&mem_lock);
	if (!host_s2_ready)
		return -ENOENT;
	ret = pgt_get_leaf(&host_s2, phys, &pte, &lvl);
	if (ret)
		return ret;
	if (ptep)
		*ptep = pte;
	if (level)
		*level = lvl;
	return 0;
}

int hyp_op_host_stage2_get_leaf(u64 phys, u64 *ptep, u32 *level)
{
	return LOCKED(get_leaf_locked(phys, ptep, level));
}

/* android16-6.12 gives the level as s8 (LPA2 has a level -1) */
int hyp_op_host_stage2_get_leaf_s8(u64 phys, u64 *ptep, s8 *level)
{
	u32 lvl;
	int ret = LOCKED(get_leaf_locked(phys, ptep, &lvl));

	if (!ret && level)
		*level = (s8)lvl;
	return ret;
}

/* ---- pages of VMs (vm.c, guest_mem.c) ---------------------------------- */

/*
 * A VM's own pages (its state, its vCPUs', its memcache): the host's,
 * given for as long as the VM lives; never reclaimable by HC_HOST_RECLAIM.
 */
int hyp_vm_take_pages_locked(u64 pfn, u64 nr)
{
	hyp_assert_lock_held(&mem_lock);
	return own_host_donate_hyp(&own, pfn, nr, false);
}

/* ... and back to the host when it is gone: the caller zeroed them. */
int hyp_vm_give_pages_locked(u64 pfn, u64 nr)
{
	hyp_assert_lock_held(&mem_lock);
	return own_hyp_donate_host(&own, pfn, nr);
}

/* A vCPU's page shared with the host: pinned, so it stays shared. */
int hyp_vm_pin_shared_locked(u64 pfn)
{
	enum page_state state;
	int ret;

	hyp_assert_lock_held(&mem_lock);
	ret = own_page_state(&own, pfn, &state);
	if (ret)
		return ret;
	if (state != PAGE_HOST_SHARED)
		return -EPERM;
	return own_pin_shared(&own, pfn, 1);
}

void hyp_vm_unpin_shared_locked(u64 pfn)
{
	hyp_assert_lock_held(&mem_lock);
	HYP_BUG_ON(own_unpin_shared(&own, pfn, 1), "unpinning vCPU page %lx",
		   (unsigned long)pfn);
}

/* One page between the host and a guest (ownership.h's own_guest_op). */
int hyp_guest_transition_locked(enum own_guest_op op, const struct own_guest *g,
				u64 pfn, u64 gfn)
{
	hyp_assert_lock_held(&mem_lock);
	return own_guest_transition(&own, op, g, pfn, gfn);
}

int hyp_guest_owner_locked(u64 pfn, u16 *id, u64 *gfn)
{
	hyp_assert_lock_held(&mem_lock);
	return own_guest_page_owner(&own, pfn, id, gfn);
}

int hyp_page_state_locked(u64 pfn, enum page_state *state)
{
	hyp_assert_lock_held(&mem_lock);
	return own_page_state(&own, pfn, state);
}
