// SPDX-License-Identifier: GPL-2.0-only
/*
 * The memory members of pkvm_module_ops: more VA and pages for a module's
 * image, early and private mappings, the per-CPU fixmap and fixblock,
 * cache maintenance and address translation. Those that change a
 * module's image work only from its init (the running module).
 */
#include <hyp/bug.h>
#include <hyp/log.h>
#include <hyp/mem_protect.h>
#include <hyp/mm.h>
#include <hyp/module.h>
#include <hyp/module_ops.h>
#include <hyp/pvm.h>
#include <hyp/setup.h>
#include <hyp/sysreg.h>

int hyp_module_prot(u64 kvm_prot, u32 *prot)
{
	switch (kvm_prot) {
	case KVM_PGTABLE_PROT_R | KVM_PGTABLE_PROT_X:
		*prot = PGT_PROT_RX;
		return 0;
	case KVM_PGTABLE_PROT_R:
		*prot = PGT_PROT_R;
		return 0;
	case KVM_PGTABLE_PROT_R | KVM_PGTABLE_PROT_W:
		*prot = PGT_PROT_RW;
		return 0;
	default:		/* W^X: nothing else for module pages */
		return -EINVAL;
	}
}

/*
 * Module memory an op may change: inside the running module's own ranges
 * (its init is running); -EPERM outside an init, -EINVAL elsewhere.
 */
static int check_own_pages(u64 va, u64 nr_pages)
{
	int ret = 0;

	if (!nr_pages || nr_pages > (1UL << 18) || (va & (PKVMKIT_PAGE_SIZE - 1)))
		return -EINVAL;
	hyp_spin_lock(&module_lock);
	if (hyp_running_module_locked() == HYP_NO_MODULE)
		ret = -EPERM;
	else if (!hyp_running_module_owns_locked(va, nr_pages * PKVMKIT_PAGE_SIZE))
		ret = -EINVAL;
	hyp_spin_unlock(&module_lock);
	return ret;
}

void *hyp_op_alloc_module_va(u64 nr_pages)
{
	u64 va;

	hyp_spin_lock(&module_lock);
	va = hyp_add_module_range_locked(nr_pages);
	hyp_spin_unlock(&module_lock);
	return (void *)va;
}

/*
 * android16-6.12: @nr_pages pages at @va, all or none. As ACK, the pages
 * are taken from the host unless @is_protected says the hypervisor owns
 * them already; then it must (and, being in the linear map read-write,
 * they are never mapped executable elsewhere). Every page is checked
 * before any is mapped.
 */
int hyp_op_map_module_pages(u64 pfn, void *va, u64 nr_pages, u32 kvm_prot,
			    bool is_protected)
{
	u32 prot;
	int ret;

	ret = check_own_pages((u64)va, nr_pages);
	if (ret)
		return ret;
	if (hyp_module_prot(kvm_prot, &prot) ||
	    (is_protected && (prot & PGT_PROT_X)))
		return -EINVAL;
	if (is_protected)
		return hyp_map_hyp_pages(pfn, (u64)va, nr_pages, prot);
	return hyp_donate_and_map_pages(pfn, (u64)va, nr_pages, prot);
}

int hyp_op_map_module_page(u64 pfn, void *va, u32 kvm_prot, bool is_protected)
{
	return hyp_op_map_module_pages(pfn, va, 1, kvm_prot, is_protected);
}

/*
 * android16-6.12: unmap @nr_pages module pages mapped at @va, which stay
 * the hypervisor's (the module gives them back with hyp_donate_host if it
 * wants to). Only the running module's pages, and only where @pfn.. is
 * what is mapped, checked for every page before anything is unmapped.
 */
int hyp_op_unmap_module_pages(u64 pfn, void *va, u64 nr_pages)
{
	int ret = check_own_pages((u64)va, nr_pages);
	u64 i, pa;

	if (ret)
		return ret;
	for (i = 0; i < nr_pages; i++)
		if (hyp_s1_lookup((u64)va + i * PKVMKIT_PAGE_SIZE, &pa, NULL) ||
		    pa != (pfn + i) << PKVMKIT_PAGE_SHIFT)
			return -EINVAL;
	return hyp_s1_unmap((u64)va, nr_pages * PKVMKIT_PAGE_SIZE);
}

static int kvm_prot_to_s1(u32 kvm_prot, u32 *prot)
{
	*prot = 0;
	if (kvm_prot & ~(KVM_PGTABLE_PROT_RWX | KVM_PGTABLE_PROT_DEVICE))
		return -EINVAL;
	if (kvm_prot & KVM_PGTABLE_PROT_R)
		*prot |= PGT_PROT_R;
	if (kvm_prot & KVM_PGTABLE_PROT_W)
		*prot |= PGT_PROT_W;
	if (kvm_prot & KVM_PGTABLE_PROT_X)
		*prot |= PGT_PROT_X;
	if (kvm_prot & KVM_PGTABLE_PROT_DEVICE)
		*prot |= PGT_PROT_DEVICE;
	return ((*prot & PGT_PROT_W) && (*prot & PGT_PROT_X)) ? -EINVAL : 0;
}

/* ---- mappings a module's init makes ------------------------------------ */

/*
 * Early mappings (linear_map_early), which must be gone before
 * deprivilege, and the private mappings an init makes
 * (create_private_mapping), which stay if the init succeeds: both are
 * recorded with their module, so that a failed init's can be removed.
 */
enum module_map_kind {
	MAP_FREE = 0,
	MAP_EARLY,
	MAP_PRIVATE,
};

struct module_map {
	u64 va;			/* as returned, page offset included */
	u64 size;
	s32 module;
	u8 kind;		/* enum module_map_kind */
};

#define MAX_MODULE_MAPS		32
#define MAX_EARLY_MAPS		16	/* at once, as before */

static struct module_map module_maps[MAX_MODULE_MAPS];	/* under module_lock */

static u64 map_base(const struct module_map *m)
{
	return m->va & ~(PKVMKIT_PAGE_SIZE - 1);
}

static u64 map_bytes(const struct module_map *m)
{
	return (m->va + m->size - map_base(m) + PKVMKIT_PAGE_SIZE - 1) &
	       ~(PKVMKIT_PAGE_SIZE - 1);
}

static void remove_map_locked(struct module_map *m)
{
	hyp_assert_lock_held(&module_lock);
	hyp_private_unmap(map_base(m), map_bytes(m));
	m->kind = MAP_FREE;
}

/* A free record for a mapping of @kind by the running module, or NULL. */
static struct module_map *new_map_locked(enum module_map_kind kind)
{
	struct module_map *free = NULL;
	u32 i, early = 0;

	hyp_assert_lock_held(&module_lock);
	if (hyp_running_module_locked() == HYP_NO_MODULE)
		return NULL;
	for (i = 0; i < MAX_MODULE_MAPS; i++) {
		if (module_maps[i].kind == MAP_EARLY)
			early++;
		else if (module_maps[i].kind == MAP_FREE && !free)
			free = &module_maps[i];
	}
	return kind == MAP_EARLY && early == MAX_EARLY_MAPS ? NULL : free;
}

/*
 * Map [@phys, @phys + @size) at fresh private VA for the running module,
 * recorded as @kind: *@va (page offset included). The record is found
 * first and the mapping is one transaction: a failure keeps neither
 * record nor VA.
 */
static int module_map_locked(enum module_map_kind kind, u64 phys, u64 size,
			     u32 prot, u64 *va)
{
	u64 off = phys & (PKVMKIT_PAGE_SIZE - 1);
	u64 bytes = (off + size + PKVMKIT_PAGE_SIZE - 1) & ~(PKVMKIT_PAGE_SIZE - 1);
	struct module_map *m = new_map_locked(kind);
	int ret;

	if (!m)
		return -ENOMEM;
	ret = hyp_private_map(phys - off, bytes, prot, va);
	if (ret)
		return ret;
	*va += off;
	*m = (struct module_map){ *va, size, hyp_running_module_locked(), kind };
	return 0;
}

/*
 * A bootstrap mapping, only from init: the hypervisor's linear map is
 * reserved for pages it owns, so it goes at fresh private VA instead.
 */
void *hyp_op_linear_map_early(u64 phys, size_t size, u32 kvm_prot)
{
	u64 va;
	u32 prot;
	int ret;

	if (!size || size > (1UL << 30) || kvm_prot_to_s1(kvm_prot, &prot))
		return NULL;
	hyp_spin_lock(&module_lock);
	ret = module_map_locked(MAP_EARLY, phys, size, prot, &va);
	hyp_spin_unlock(&module_lock);
	return ret ? NULL : (void *)va;
}

void hyp_op_linear_unmap_early(void *addr, size_t size)
{
	u32 i;

	hyp_spin_lock(&module_lock);
	for (i = 0; i < MAX_MODULE_MAPS; i++) {
		struct module_map *m = &module_maps[i];

		if (m->kind == MAP_EARLY && m->va == (u64)addr && m->size == size) {
			remove_map_locked(m);
			break;
		}
	}
	hyp_spin_unlock(&module_lock);
	if (i == MAX_MODULE_MAPS)
		hyp_log("pkvmkit: linear_unmap_early(%lx, %lu): no such early mapping\n",
			(unsigned long)addr, (unsigned long)size);
}

/*
 * At deprivilege: every early mapping still present is removed, logged
 * against its module and makes the system insecure (ACK only warns).
 */
void hyp_drop_early_maps_locked(void)
{
	u32 i;

	hyp_assert_lock_held(&module_lock);
	for (i = 0; i < MAX_MODULE_MAPS; i++) {
		struct module_map *m = &module_maps[i];

		if (m->kind != MAP_EARLY)
			continue;
		hyp_log("pkvmkit: module %s left an early mapping at %lx (%lu bytes) at deprivilege: unmapped, system insecure\n",
			hyp_module_name_locked(m->module), (unsigned long)m->va,
			(unsigned long)m->size);
		remove_map_locked(m);
		hyp_mark_insecure();
	}
}

/* A module's init failed: every mapping it made goes. */
void hyp_drop_module_maps_locked(s32 module)
{
	u32 i;

	hyp_assert_lock_held(&module_lock);
	for (i = 0; i < MAX_MODULE_MAPS; i++)
		if (module_maps[i].kind != MAP_FREE &&
		    module_maps[i].module == module)
			remove_map_locked(&module_maps[i]);
}

/* A module's init succeeded: its private mappings stay for good. */
void hyp_keep_module_maps_locked(s32 module)
{
	u32 i;

	hyp_assert_lock_held(&module_lock);
	for (i = 0; i < MAX_MODULE_MAPS; i++)
		if (module_maps[i].kind == MAP_PRIVATE &&
		    module_maps[i].module == module)
			module_maps[i].kind = MAP_FREE;
}

/* ---- the other memory members -------------------------------------------- */

/*
 * A permanent mapping of a physical range at fresh private VA. Made by a
 * module's init it is recorded, and goes if that init fails; made later
 * (by a live module's handler) it is not.
 */
int hyp_op_create_private_mapping(u64 phys, size_t size, u32 kvm_prot,
				  unsigned long *haddr)
{
	u64 off = phys & (PKVMKIT_PAGE_SIZE - 1);
	u64 bytes = (off + size + PKVMKIT_PAGE_SIZE - 1) & ~(PKVMKIT_PAGE_SIZE - 1);
	u64 va;
	u32 prot;
	int ret = 0;

	if (!size || !haddr || size > (1UL << 40) ||
	    kvm_prot_to_s1(kvm_prot, &prot))
		return -EINVAL;
	hyp_spin_lock(&module_lock);
	if (hyp_running_module_locked() != HYP_NO_MODULE) {
		ret = module_map_locked(MAP_PRIVATE, phys, size, prot, &va);
	} else {
		ret = hyp_private_map(phys - off, bytes, prot, &va);
		va += off;
	}
	hyp_spin_unlock(&module_lock);
	if (!ret)
		*haddr = va;
	return ret;
}

void *hyp_op_fixmap_map(u64 phys)
{
	u64 va = HYP_FIXMAP_VA + this_cpu()->slot * PKVMKIT_PAGE_SIZE;

	if (hyp_s1_map(va, phys & ~(PKVMKIT_PAGE_SIZE - 1), PKVMKIT_PAGE_SIZE,
		       PGT_PROT_RW))
		return NULL;
	return (void *)(va + (phys & (PKVMKIT_PAGE_SIZE - 1)));
}

void hyp_op_fixmap_unmap(void)
{
	hyp_s1_unmap(HYP_FIXMAP_VA + this_cpu()->slot * PKVMKIT_PAGE_SIZE,
		     PKVMKIT_PAGE_SIZE);
}

/*
 * android16-6.12: the 2 MiB block holding @phys, at this CPU's fixblock
 * (a block of VA a CPU, as fixmap has a page: no lock to forget to drop).
 * Mapped again by the next call; fixblock_unmap undoes it.
 */
void *hyp_op_fixblock_map(u64 phys)
{
	u64 va = HYP_FIXBLOCK_VA + this_cpu()->slot * HYP_FIXBLOCK_SIZE;

	hyp_s1_unmap(va, HYP_FIXBLOCK_SIZE);
	if (hyp_s1_map(va, phys & ~(HYP_FIXBLOCK_SIZE - 1), HYP_FIXBLOCK_SIZE,
		       PGT_PROT_RW))
		return NULL;
	return (void *)(va + (phys & (HYP_FIXBLOCK_SIZE - 1)));
}

void hyp_op_fixblock_unmap(void)
{
	hyp_s1_unmap(HYP_FIXBLOCK_VA + this_cpu()->slot * HYP_FIXBLOCK_SIZE,
		     HYP_FIXBLOCK_SIZE);
}

void hyp_op_flush_dcache_to_poc(void *addr, size_t size)
{
	u64 line = 4 << (read_sysreg(ctr_el0) >> 16 & 0xf);
	u64 va = (u64)addr & ~(line - 1), end = (u64)addr + size;

	for (; va < end; va += line)
		asm volatile("dc civac, %0" : : "r" (va) : "memory");
	dsb(ish);
}

u64 hyp_op_hyp_pa(void *x)
{
	u64 pa;

	if ((u64)x < HYP_LINEAR_END)
		return (u64)x;
	return hyp_s1_lookup((u64)x, &pa, NULL) ? 0 : pa;
}

void *hyp_op_hyp_va(u64 phys)
{
	return (void *)phys;
}

unsigned long hyp_op_kern_hyp_va(unsigned long x)
{
	return (x & ~hyp_params->kern_page_offset) + hyp_params->kern_phys_offset;
}
