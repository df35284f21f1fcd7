// SPDX-License-Identifier: GPL-2.0-only
/*
 * A VM's memory: its stage-2 (tables from the VM's memcache, VMID = its
 * handle), the pages the host maps into it (donated to a protected VM,
 * shared with a non-protected one), what the guest does with its own
 * pages (share with the host, give back, guard MMIO), the pages the host
 * takes back, and their return at teardown. Every page change is one
 * ownership transition (lib/ownership.c: checked, reserved, committed),
 * under vm_lock then mem_lock.
 */
#include <pkvmkit/ownership.h>
#include <hyp/bug.h>
#include <hyp/lib.h>
#include <hyp/log.h>
#include <hyp/mem_protect.h>
#include <hyp/mm.h>
#include <hyp/sysreg.h>
#include <hyp/vm.h>

/*
 * Guest stage-2 annotations of our own (the ownership library's is
 * OWN_GUEST_S2_LOST): an IPA the guest asked to be MMIO (MMIO guard).
 */
#define GUEST_S2_MMIO_GUARD	0x4ULL

/* ---- the memcache --------------------------------------------------- */

/* Pages the host donated to the VM, linked through their first word. */
void hyp_memcache_push_locked(struct hyp_vm *vm, u64 pfn)
{
	u64 *page = (u64 *)(pfn << PKVMKIT_PAGE_SHIFT);	/* linear map */

	hyp_assert_lock_held(&vm_lock);
	*page = vm->mc_head;
	vm->mc_head = pfn;
	vm->mc_free++;
}

/* A free page of the VM's, or VM_MEMCACHE_NONE. */
u64 hyp_memcache_pop_locked(struct hyp_vm *vm)
{
	u64 pfn = vm->mc_head;
	u64 *page;

	hyp_assert_lock_held(&vm_lock);
	if (pfn == VM_MEMCACHE_NONE)
		return pfn;
	page = (u64 *)(pfn << PKVMKIT_PAGE_SHIFT);
	vm->mc_head = *page;
	*page = 0;
	vm->mc_free--;
	return pfn;
}

/* ---- the stage-2 ------------------------------------------------------ */

static void *guest_s2_zalloc_page(void *arg)
{
	u64 pfn = hyp_memcache_pop_locked(arg);
	void *page;

	if (pfn == VM_MEMCACHE_NONE)
		return NULL;
	page = (void *)(pfn << PKVMKIT_PAGE_SHIFT);
	memset(page, 0, PKVMKIT_PAGE_SIZE);
	return page;
}

static void guest_s2_free_page(void *arg, void *va)
{
	hyp_memcache_push_locked(arg, (u64)va >> PKVMKIT_PAGE_SHIFT);
}

static u64 guest_s2_virt_to_phys(void *va)
{
	return (u64)va;
}

static void *guest_s2_phys_to_virt(u64 pa)
{
	return (void *)pa;
}

/*
 * TLB maintenance by VMID: the VM's VTTBR is made current on this CPU
 * for the TLBIs (EL2's own translations do not use it), then the one in
 * use before (the host's, or the guest's when a guest exit handler
 * changes the guest's own stage-2) comes back.
 */
static void guest_s2_tlb_inval(void *arg, enum pgt_stage stage, u64 addr,
			       u32 level)
{
	struct hyp_vm *vm = arg;
	u64 vttbr = read_sysreg(vttbr_el2);

	(void)stage;
	write_sysreg(vm->vttbr, vttbr_el2);
	isb();
	dsb(ishst);
	if (level == 3) {
		asm volatile("tlbi ipas2e1is, %0" : : "r" (addr >> 12));
		dsb(ish);
		asm volatile("tlbi vmalle1is");
	} else {
		/*
		 * A table unlinked (to be reused elsewhere): walks cached
		 * through it must go too, which an IPA's TLBI need not
		 * reach. Rare (a range emptied): all of the VMID's entries.
		 */
		asm volatile("tlbi vmalls12e1is");
	}
	dsb(ish);
	write_sysreg(vttbr, vttbr_el2);
	isb();
}

static const struct pgt_mm_ops guest_s2_mm_ops = {
	.zalloc_page	= guest_s2_zalloc_page,
	.free_page	= guest_s2_free_page,
	.virt_to_phys	= guest_s2_virt_to_phys,
	.phys_to_virt	= guest_s2_phys_to_virt,
	.tlb_inval	= guest_s2_tlb_inval,
};

/* Every translation of the VM's VMID, on every CPU (its teardown). */
void hyp_guest_tlb_flush_vmid(struct hyp_vm *vm)
{
	u64 vttbr = read_sysreg(vttbr_el2);

	write_sysreg(vm->vttbr, vttbr_el2);
	isb();
	dsb(ishst);
	asm volatile("tlbi vmalls12e1is");
	dsb(ish);
	write_sysreg(vttbr, vttbr_el2);
	isb();
}

static u32 parange_bits(void)
{
	static const u8 bits[] = { 32, 36, 40, 42, 44, 48, 52 };
	u64 parange = id_field(read_sysreg(id_aa64mmfr0_el1), 0);

	return parange < sizeof(bits) ? bits[parange] : 48;
}

/*
 * The VM's stage-2: @ipa_bits of input (32..44, no more than the CPU's
 * PA size), its root from the memcache, VMID = its handle.
 */
int hyp_guest_s2_init_locked(struct hyp_vm *vm, u32 ipa_bits)
{
	u64 parange = id_field(read_sysreg(id_aa64mmfr0_el1), 0);
	struct pgt_mm_ops *ops = (struct pgt_mm_ops *)&vm->s2_ops;
	int ret;

	hyp_assert_lock_held(&vm_lock);
	if (ipa_bits < PK_VM_MIN_IPA_BITS || ipa_bits > PK_VM_MAX_IPA_BITS ||
	    ipa_bits > parange_bits())
		return -EINVAL;
	*ops = guest_s2_mm_ops;
	ops->arg = vm;
	ret = pgt_init(&vm->s2, PGT_STAGE2, ipa_bits, ops);
	if (ret)
		return ret;
	vm->s2.flags = PGT_F_PAGES_ONLY;
	if (parange > 5)
		parange = 5;
	vm->vtcr = VTCR_RES1 | (64 - ipa_bits) |
		   ((u64)(2 - pgt_start_level(ipa_bits)) << VTCR_SL0_SHIFT) |
		   VTCR_IRGN0_WBWA | VTCR_ORGN0_WBWA | VTCR_SH0_INNER |
		   (parange << VTCR_PS_SHIFT);
	vm->vttbr = vm->s2.root_pa | ((u64)vm->handle << 48);
	return 0;
}

void hyp_guest_s2_destroy_locked(struct hyp_vm *vm)
{
	hyp_assert_lock_held(&vm_lock);
	if (!vm->s2.root)
		return;
	hyp_guest_tlb_flush_vmid(vm);
	pgt_destroy(&vm->s2);
	vm->s2.root = NULL;
}

/* ---- pages between the host and the guest ----------------------------- */

/* Zero a page on its way from a guest to the host (under mem_lock). */
static void scrub_page(void *arg, u64 pfn)
{
	u64 line = 4 << (read_sysreg(ctr_el0) >> 16 & 0xf);
	u8 *va = hyp_cpu_slot_map_locked(HYP_SCRUB_VA, pfn, PGT_PROT_RW);
	u64 off;

	(void)arg;
	memset(va, 0, PKVMKIT_PAGE_SIZE);
	/* to the point of coherency: whatever attributes the host maps it with */
	for (off = 0; off < PKVMKIT_PAGE_SIZE; off += line)
		asm volatile("dc civac, %0" : : "r" (va + off) : "memory");
	dsb(ish);
	hyp_cpu_slot_unmap_locked(HYP_SCRUB_VA);
}

static void guest_of(struct hyp_vm *vm, struct own_guest *g)
{
	g->s2 = &vm->s2;
	g->free_tables = vm->mc_free;
	g->id = vm->handle;
	g->scrub = scrub_page;
	g->arg = vm;
}

/* The VM's annotation of @ipa in its stage-2: 0 if none. */
static u64 s2_annotation_locked(struct hyp_vm *vm, u64 ipa)
{
	u64 annotation;

	if (pgt_get_annotation(&vm->s2, ipa, &annotation))
		return 0;
	return annotation;
}

static int guest_transition_locked(struct hyp_vm *vm, enum own_guest_op op,
				   u64 pfn, u64 gfn)
{
	struct own_guest g;
	int ret;

	guest_of(vm, &g);
	hyp_spin_lock(&mem_lock);
	ret = hyp_guest_transition_locked(op, &g, pfn, gfn);
	hyp_spin_unlock(&mem_lock);
	return ret;
}

/*
 * HC_GUEST_MAP: the host gives the VM a page at @gfn: donated to a
 * protected VM (the host loses it), shared with another (both keep it).
 * Not where the host took a page back (the guest must learn it lost
 * that one), nor where the guest asked for MMIO.
 */
int hyp_guest_map(u64 handle, u64 pfn, u64 gfn)
{
	struct hyp_vm *vm;
	int ret;

	hyp_spin_lock(&vm_lock);
	vm = hyp_vm_get_locked(handle);
	ret = -ENOENT;
	if (!vm)
		goto out;
	ret = -EBUSY;
	if (vm->dying)
		goto out;
	ret = -EINVAL;
	if (gfn >= 1ULL << (vm->s2.ia_bits - PKVMKIT_PAGE_SHIFT))
		goto out;
	ret = -EPERM;
	if (s2_annotation_locked(vm, gfn << PKVMKIT_PAGE_SHIFT))
		goto out;
	ret = guest_transition_locked(vm, vm->protected ? OWN_HOST_DONATE_GUEST :
				      OWN_HOST_SHARE_GUEST, pfn, gfn);
	if (!ret)
		vm->nr_pages++;
out:
	hyp_spin_unlock(&vm_lock);
	return ret;
}

/* Where the guest's page at @ipa is: its pfn, or -ENOENT. */
static int guest_pfn_locked(struct hyp_vm *vm, u64 ipa, u64 *pfn)
{
	u64 pa;
	int ret = pgt_lookup(&vm->s2, ipa & ~(PKVMKIT_PAGE_SIZE - 1), &pa,
			     NULL, NULL);

	if (!ret)
		*pfn = pa >> PKVMKIT_PAGE_SHIFT;
	return ret;
}

/* A guest-side transition on its own page at @ipa (the vCPU runs). */
static int guest_op_on_ipa(struct hyp_vcpu *vcpu, u64 ipa, enum own_guest_op op)
{
	struct hyp_vm *vm = vcpu->vm;
	u64 pfn, gfn = ipa >> PKVMKIT_PAGE_SHIFT;
	int ret;

	if (ipa % PKVMKIT_PAGE_SIZE || !vm->protected)
		return -EINVAL;
	hyp_spin_lock(&vm_lock);
	ret = guest_pfn_locked(vm, ipa, &pfn);
	if (!ret)
		ret = guest_transition_locked(vm, op, pfn, gfn);
	if (!ret && op == OWN_GUEST_RETURN_HOST)
		vm->nr_pages--;
	hyp_spin_unlock(&vm_lock);
	return ret;
}

/* KVM's MEM_SHARE / MEM_UNSHARE / MEM_RELINQUISH from a protected guest */
int hyp_guest_share_host(struct hyp_vcpu *vcpu, u64 ipa)
{
	return guest_op_on_ipa(vcpu, ipa, OWN_GUEST_SHARE_HOST);
}

int hyp_guest_unshare_host(struct hyp_vcpu *vcpu, u64 ipa)
{
	return guest_op_on_ipa(vcpu, ipa, OWN_GUEST_UNSHARE_HOST);
}

int hyp_guest_relinquish(struct hyp_vcpu *vcpu, u64 ipa)
{
	return guest_op_on_ipa(vcpu, ipa, OWN_GUEST_RETURN_HOST);
}

/*
 * MMIO guard: the guest names the IPAs it wants emulated; once enrolled,
 * an access anywhere else that is not its memory is not given to the
 * host. A guarded IPA is an annotation: nothing may be mapped there.
 */
int hyp_guest_mmio_guard(struct hyp_vcpu *vcpu, u64 ipa, bool map)
{
	struct hyp_vm *vm = vcpu->vm;
	u64 pa;
	int ret;

	if (ipa % PKVMKIT_PAGE_SIZE ||
	    ipa >= 1ULL << vm->s2.ia_bits)
		return -EINVAL;
	hyp_spin_lock(&vm_lock);
	if (!map) {
		ret = 0;
		if (s2_annotation_locked(vm, ipa) == GUEST_S2_MMIO_GUARD)
			ret = pgt_unmap(&vm->s2, ipa, PKVMKIT_PAGE_SIZE);
		goto out;
	}
	ret = -EEXIST;
	if (!pgt_lookup(&vm->s2, ipa, &pa, NULL, NULL) ||
	    s2_annotation_locked(vm, ipa) == OWN_GUEST_S2_LOST)
		goto out;
	ret = -ENOMEM;
	if (vm->mc_free < pgt_max_tables(&vm->s2, ipa, PKVMKIT_PAGE_SIZE))
		goto out;
	ret = pgt_annotate(&vm->s2, ipa, PKVMKIT_PAGE_SIZE, GUEST_S2_MMIO_GUARD);
out:
	hyp_spin_unlock(&vm_lock);
	return ret;
}

/* May an abort at @ipa (no page there) go to the host as MMIO? */
bool hyp_guest_mmio_allowed(struct hyp_vcpu *vcpu, u64 ipa)
{
	struct hyp_vm *vm = vcpu->vm;
	bool allowed;

	if (!__atomic_load_n(&vm->mmio_guard, __ATOMIC_ACQUIRE))
		return true;
	hyp_spin_lock(&vm_lock);
	allowed = s2_annotation_locked(vm, ipa & ~(PKVMKIT_PAGE_SIZE - 1)) ==
		  GUEST_S2_MMIO_GUARD;
	hyp_spin_unlock(&vm_lock);
	return allowed;
}

/* Did the host take back the page the guest had at @ipa? */
bool hyp_guest_page_lost(struct hyp_vcpu *vcpu, u64 ipa)
{
	bool lost;

	hyp_spin_lock(&vm_lock);
	lost = s2_annotation_locked(vcpu->vm, ipa & ~(PKVMKIT_PAGE_SIZE - 1)) ==
	       OWN_GUEST_S2_LOST;
	hyp_spin_unlock(&vm_lock);
	return lost;
}

/*
 * The host's kernel touched a page a guest owns (fault.c): the page goes
 * back to the host, scrubbed, and the guest's entry says it is lost
 * (its next access there stops its VMM's KVM_RUN with EFAULT).
 */
int hyp_guest_take_back_page(u64 pfn)
{
	struct hyp_vm *vm;
	u64 gfn;
	u16 id;
	int ret;

	hyp_spin_lock(&vm_lock);
	hyp_spin_lock(&mem_lock);
	ret = hyp_guest_owner_locked(pfn, &id, &gfn);
	hyp_spin_unlock(&mem_lock);
	vm = ret ? NULL : hyp_vm_get_locked(id);
	if (!vm) {
		ret = ret ?: -ENOENT;
		goto out;
	}
	ret = guest_transition_locked(vm, OWN_HOST_RECLAIM_GUEST, pfn, gfn);
	if (!ret) {
		vm->nr_pages--;
		vm->nr_lost++;
	}
out:
	hyp_spin_unlock(&vm_lock);
	if (!ret)
		hyp_log("pkvmkit: host kernel access to VM %u's page at ipa %lx: page taken back, scrubbed\n",
			id, (unsigned long)(gfn << PKVMKIT_PAGE_SHIFT));
	return ret;
}

/* ---- teardown ---------------------------------------------------------- */

#define RECLAIM_BATCH	32

struct reclaim_batch {
	u64 ipa[RECLAIM_BATCH];
	u64 pa[RECLAIM_BATCH];
	u32 nr;
};

static int collect_leaf(u64 addr, u64 pa, u64 size, u32 prot, u32 level,
			void *arg)
{
	struct reclaim_batch *b = arg;

	(void)prot;
	(void)level;
	if (size != PKVMKIT_PAGE_SIZE)
		return -EINVAL;	/* the VM's stage-2 holds pages only */
	b->ipa[b->nr] = addr;
	b->pa[b->nr] = pa;
	return ++b->nr == RECLAIM_BATCH ? 1 : 0;
}

/* One guest page back to the host: scrubbed if it was the guest's. */
static void reclaim_one_locked(struct hyp_vm *vm, u64 ipa, u64 pa)
{
	u64 pfn = pa >> PKVMKIT_PAGE_SHIFT;
	enum own_guest_op op = OWN_GUEST_RETURN_HOST;
	enum page_state state;
	int ret;

	hyp_spin_lock(&mem_lock);
	ret = hyp_page_state_locked(pfn, &state);
	hyp_spin_unlock(&mem_lock);
	if (!ret && state == PAGE_HOST_SHARED_GUEST)
		op = OWN_HOST_UNSHARE_GUEST;
	ret = ret ?: guest_transition_locked(vm, op, pfn,
					     ipa >> PKVMKIT_PAGE_SHIFT);
	HYP_BUG_ON(ret, "VM %u: returning page %lx at ipa %lx: %d", vm->handle,
		   (unsigned long)pfn, (unsigned long)ipa, ret);
	vm->nr_pages--;
}

/*
 * HC_VM_RECLAIM: up to @budget guest pages of a dying VM back to the
 * host; how many the VM still holds.
 */
s64 hyp_guest_reclaim_locked(struct hyp_vm *vm, u64 budget)
{
	struct reclaim_batch b;
	u32 i;

	hyp_assert_lock_held(&vm_lock);
	while (budget && vm->nr_pages) {
		b.nr = 0;
		pgt_walk_leaves(&vm->s2, 0, 1ULL << vm->s2.ia_bits, collect_leaf,
				&b);
		HYP_BUG_ON(!b.nr, "VM %u: %lu pages, none mapped", vm->handle,
			   (unsigned long)vm->nr_pages);
		for (i = 0; i < b.nr && budget; i++, budget--)
			reclaim_one_locked(vm, b.ipa[i], b.pa[i]);
	}
	return (s64)vm->nr_pages;
}

/* ---- for vendor modules ------------------------------------------------ */

/* android15-6.6's guest_stage2_pa: where the guest's page at @ipa is. */
int hyp_guest_stage2_pa(u64 handle, u64 ipa, u64 *phys)
{
	struct hyp_vm *vm;
	u64 pfn;
	int ret = -EINVAL;

	hyp_spin_lock(&vm_lock);
	vm = hyp_vm_get_locked(handle);
	if (vm && !guest_pfn_locked(vm, ipa, &pfn)) {
		*phys = (pfn << PKVMKIT_PAGE_SHIFT) |
			(ipa & (PKVMKIT_PAGE_SIZE - 1));
		ret = 0;
	}
	hyp_spin_unlock(&vm_lock);
	return ret;
}
