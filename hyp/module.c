// SPDX-License-Identifier: GPL-2.0-only
/*
 * Vendor modules at EL2: the hypervisor side of ACK's pkvm_load_el2_module.
 * Before deprivilege the host driver reserves a private VA range for a
 * module, has each of its pages donated and mapped there with the
 * section's permissions, and calls its init with the ops table; the module
 * registers its hooks and hypercall handlers. After deprivilege only
 * calling them is left.
 *
 * While a module's init runs (one at a time: set-up calls hold setup_lock)
 * it is the running module: hooks it registers, VA it allocates and early
 * linear mappings it makes are its own, and a failed init takes its hooks
 * and early mappings back, so nothing points into code the host gets back.
 *
 * Locks: module_lock (module state) is taken before mem_lock (mem.c).
 */
#include <pkvmkit/hypercall.h>
#include <hyp/hyp.h>
#include <hyp/module_ops.h>
#include <hyp/spinlock.h>
#include <hyp/sysreg.h>

#define MAX_MODULE_RANGES	64
#define MAX_INIT_HOOKS		32
#define MAX_EARLY_MAPS		16
#define NO_MODULE		(-1)

struct module_range {
	u64 start;
	u64 end;
	char name[HYP_MODULE_NAME_LEN + 1];
};

struct early_map {
	u64 va;			/* as returned, page offset included */
	u64 size;
	s32 module;		/* index of the range of the module's image */
};

static hyp_spinlock_t module_lock;
static struct module_range modules[MAX_MODULE_RANGES];
static u32 nr_modules;
static s32 running = NO_MODULE;		/* module whose init runs */
static void **init_hooks[MAX_INIT_HOOKS];	/* hooks set by that init */
static u32 nr_init_hooks;
static struct early_map early_maps[MAX_EARLY_MAPS];
static bool registration_closed;

typedef void (*dyn_hcall_t)(struct host_ctxt *ctxt);

/* A free slot of the dynamic table: the call does not exist. */
static void dyn_not_supported(struct host_ctxt *ctxt)
{
	ctxt->regs[0] = SMCCC_RET_NOT_SUPPORTED;
}

/*
 * Read without a lock by entry.S (and handle_dynamic_hcall): every slot is
 * always a valid handler, a registration replaces the stub with a release
 * store, so a racing call sees one or the other.
 */
dyn_hcall_t dyn_hcalls[HC_MAX_DYNAMIC] = {
	[0 ... HC_MAX_DYNAMIC - 1] = dyn_not_supported,
};
static u32 nr_dyn_hcalls;	/* slots handed out; under module_lock */

static const struct pkvm_module_ops module_ops;

static s32 module_of_locked(u64 va, u64 size)
{
	u32 i;

	hyp_assert_lock_held(&module_lock);
	for (i = 0; i < nr_modules; i++)
		if (va >= modules[i].start && va < modules[i].end &&
		    size <= modules[i].end - va)
			return (s32)i;
	return NO_MODULE;
}

/* Executable module code: inside a module and mapped X by the loader. */
static bool is_module_text_locked(u64 va)
{
	u32 prot;

	return !(va & 3) && module_of_locked(va, 4) != NO_MODULE &&
	       !hyp_s1_lookup(va, NULL, &prot) && (prot & PGT_PROT_X);
}

static u64 add_module_range_locked(u64 nr_pages, const char *name)
{
	struct module_range *m;
	u64 va;

	hyp_assert_lock_held(&module_lock);
	if (nr_modules == MAX_MODULE_RANGES)
		return 0;
	va = hyp_alloc_private_va(nr_pages);
	if (!va)
		return 0;
	m = &modules[nr_modules++];
	m->start = va;
	m->end = va + nr_pages * PKVMKIT_PAGE_SIZE;
	memcpy(m->name, name, HYP_MODULE_NAME_LEN);
	m->name[HYP_MODULE_NAME_LEN] = '\0';
	return va;
}

/* HC_ALLOC_MODULE_VA: x2, x3 carry the module's name, NUL padded. */
u64 hyp_alloc_module_va(u64 nr_pages, u64 name_lo, u64 name_hi)
{
	char name[HYP_MODULE_NAME_LEN];
	u64 va;

	memcpy(name, &name_lo, 8);
	memcpy(name + 8, &name_hi, 8);
	hyp_spin_lock(&module_lock);
	va = add_module_range_locked(nr_pages, name);
	hyp_spin_unlock(&module_lock);
	return va;
}

static int module_prot(u64 kvm_prot, u32 *prot)
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

const char *hyp_module_name_of(u64 va)
{
	s32 module;

	hyp_spin_lock(&module_lock);
	module = module_of_locked(va, 1);
	hyp_spin_unlock(&module_lock);
	/* ranges are never removed or renamed: the name outlives the lock */
	return module == NO_MODULE ? NULL : modules[module].name;
}

static bool in_module(u64 va, u64 size)
{
	bool ret;

	hyp_spin_lock(&module_lock);
	ret = module_of_locked(va, size) != NO_MODULE;
	hyp_spin_unlock(&module_lock);
	return ret;
}

int hyp_map_module_page(u64 pfn, u64 va, u64 kvm_prot)
{
	u32 prot;

	if ((va & (PKVMKIT_PAGE_SIZE - 1)) || module_prot(kvm_prot, &prot) ||
	    !in_module(va, PKVMKIT_PAGE_SIZE))
		return -EINVAL;
	return hyp_donate_and_map(pfn, va, prot);
}

int hyp_unmap_module_page(u64 pfn, u64 va)
{
	if (!in_module(va, PKVMKIT_PAGE_SIZE))
		return -EINVAL;
	return hyp_unmap_and_return(pfn, va);
}

/*
 * A failed init: no hook of the module is called from now on. A call
 * another CPU entered just before runs to its end: the driver makes every
 * CPU leave the hypervisor once before it takes the module's pages back,
 * and the module's early mappings stay until deprivilege, where
 * hyp_close_module_registration() removes them as it does any left over.
 * So the hook path pays nothing for this rare case.
 */
static void withdraw_hooks_locked(void)
{
	u32 i;

	hyp_assert_lock_held(&module_lock);
	for (i = 0; i < nr_init_hooks; i++)
		__atomic_store_n(init_hooks[i], NULL, __ATOMIC_RELEASE);
}

/*
 * @sections (HC_INIT_MODULE's x2, HC_SECTIONS_*) is for a debugger, which
 * reads it in x1 at this function's entry (scripts/pkvmkit-gdb.py); the
 * hypervisor itself has no use for it.
 */
int hyp_init_module(u64 init_va, u64 sections)
{
	int (*init)(const struct pkvm_module_ops *ops);
	s32 module;
	int ret;

	hyp_spin_lock(&module_lock);
	module = is_module_text_locked(init_va) ?
		 module_of_locked(init_va, 4) : NO_MODULE;
	if (module != NO_MODULE) {
		running = module;
		nr_init_hooks = 0;
	}
	hyp_spin_unlock(&module_lock);
	(void)sections;
	if (module == NO_MODULE)
		return -EINVAL;
	/* the host wrote the code through its own mapping */
	asm volatile("ic ialluis" ::: "memory");
	dsb(ish);
	isb();
	init = (void *)init_va;
	ret = init(&module_ops);

	hyp_spin_lock(&module_lock);
	if (ret)
		withdraw_hooks_locked();
	running = NO_MODULE;
	hyp_spin_unlock(&module_lock);
	if (ret) {
		hyp_log("pkvmkit: module init at %lx failed: %d (module %s)\n",
			(unsigned long)init_va, ret, modules[module].name);
		hyp_mark_insecure();
	} else {
		hyp_log("pkvmkit: module init at %lx done (module %s)\n",
			(unsigned long)init_va, modules[module].name);
	}
	return ret;
}

int hyp_register_hcall(u64 hfn_va)
{
	int ret;

	hyp_spin_lock(&module_lock);
	if (!is_module_text_locked(hfn_va)) {
		ret = -EINVAL;
	} else if (nr_dyn_hcalls == HC_MAX_DYNAMIC) {
		ret = -ENOMEM;
	} else {
		__atomic_store_n(&dyn_hcalls[nr_dyn_hcalls], (dyn_hcall_t)hfn_va,
				 __ATOMIC_RELEASE);
		ret = HC_FIRST_DYNAMIC + nr_dyn_hcalls;
		nr_dyn_hcalls++;
	}
	hyp_spin_unlock(&module_lock);
	return ret;
}

/*
 * A dynamic id (128 and up), as android14-6.1: x0 = SUCCESS before the
 * handler runs, NOT_SUPPORTED if nothing is registered there. entry.S
 * serves HVC #0 with ids 128..255 itself; this is for the rest (an id
 * beyond the table, or an HVC with another immediate).
 */
void handle_dynamic_hcall(struct host_ctxt *ctxt, u64 nr)
{
	u64 slot = nr - HC_FIRST_DYNAMIC;

	if (slot >= HC_MAX_DYNAMIC) {
		ctxt->regs[0] = SMCCC_RET_NOT_SUPPORTED;
		return;
	}
	ctxt->regs[0] = SMCCC_RET_SUCCESS;
	__atomic_load_n(&dyn_hcalls[slot], __ATOMIC_ACQUIRE)(ctxt);
}

/* ---- hooks: registration from a module's init ------------------------ */

/* Each kind's slot, once something tried to set it (for HC_HOOK_INFO). */
static void **hook_slots[HC_NR_HOOKS];

u64 hyp_hook_info(u64 kind)
{
	void **slot;

	if (kind >= HC_NR_HOOKS)
		return 0;
	slot = __atomic_load_n(&hook_slots[kind], __ATOMIC_ACQUIRE);
	return slot ? (u64)__atomic_load_n(slot, __ATOMIC_ACQUIRE) : 0;
}

int hyp_module_set_hook(enum pkvmkit_hook kind, void **slot, void *fn)
{
	int ret = 0;

	hyp_spin_lock(&module_lock);
	__atomic_store_n(&hook_slots[kind], slot, __ATOMIC_RELEASE);
	if (running == NO_MODULE || registration_closed)
		ret = -EPERM;	/* only from a module's init */
	else if (!fn || !is_module_text_locked((u64)fn))
		ret = -EINVAL;
	else if (__atomic_load_n(slot, __ATOMIC_RELAXED))
		ret = -EBUSY;
	else if (nr_init_hooks == MAX_INIT_HOOKS)
		ret = -ENOSPC;
	if (!ret) {
		init_hooks[nr_init_hooks++] = slot;
		__atomic_store_n(slot, fn, __ATOMIC_RELEASE);
	}
	hyp_spin_unlock(&module_lock);
	return ret;
}

/* ---- deprivilege: nothing early may stay ----------------------------- */

/*
 * Called as the host is deprivileged: no more registrations, and an early
 * linear mapping still present is removed, blamed on its module and makes
 * the system insecure (ACK only warns).
 */
void hyp_close_module_registration(void)
{
	u32 i;

	hyp_spin_lock(&module_lock);
	registration_closed = true;
	for (i = 0; i < MAX_EARLY_MAPS; i++) {
		struct early_map *e = &early_maps[i];
		u64 base = e->va & ~(PKVMKIT_PAGE_SIZE - 1);

		if (!e->size)
			continue;
		hyp_s1_unmap(base, e->va + e->size - base);
		hyp_log("pkvmkit: module %s left an early mapping at %lx (%lu bytes) at deprivilege: unmapped, system insecure\n",
			modules[e->module].name, (unsigned long)e->va,
			(unsigned long)e->size);
		e->size = 0;
		hyp_mark_insecure();
	}
	hyp_spin_unlock(&module_lock);
}

/* ---- module memory: more VA, pages and early mappings from init ------ */

void *hyp_op_alloc_module_va(u64 nr_pages)
{
	u64 va = 0;

	hyp_spin_lock(&module_lock);
	if (running != NO_MODULE && nr_pages)
		va = add_module_range_locked(nr_pages, modules[running].name);
	hyp_spin_unlock(&module_lock);
	return (void *)va;
}

/*
 * As ACK: the page is donated by the host unless @is_protected says the
 * hypervisor owns it already; then it must (and, being in the linear map
 * read-write, is never mapped executable elsewhere).
 */
int hyp_op_map_module_page(u64 pfn, void *va, u32 kvm_prot, bool is_protected)
{
	bool init_running;
	u32 prot;

	hyp_spin_lock(&module_lock);
	init_running = running != NO_MODULE;
	hyp_spin_unlock(&module_lock);
	if (!init_running)
		return -EPERM;
	if (((u64)va & (PKVMKIT_PAGE_SIZE - 1)) || module_prot(kvm_prot, &prot) ||
	    !in_module((u64)va, PKVMKIT_PAGE_SIZE))
		return -EINVAL;
	if (is_protected)
		return (prot & PGT_PROT_X) ? -EINVAL :
		       hyp_map_hyp_page(pfn, (u64)va, prot);
	return hyp_donate_and_map(pfn, (u64)va, prot);
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

static struct early_map *free_early_map_locked(void)
{
	u32 i;

	for (i = 0; i < MAX_EARLY_MAPS; i++)
		if (!early_maps[i].size)
			return &early_maps[i];
	return NULL;
}

/*
 * A bootstrap mapping, only from init: the hypervisor's linear map is
 * reserved for pages it owns, so it goes at fresh private VA instead.
 */
void *hyp_op_linear_map_early(u64 phys, size_t size, u32 kvm_prot)
{
	u64 off = phys & (PKVMKIT_PAGE_SIZE - 1);
	struct early_map *e;
	u64 pages, va = 0;
	u32 prot;

	if (!size || size > (1UL << 30) || kvm_prot_to_s1(kvm_prot, &prot))
		return NULL;
	pages = (off + size + PKVMKIT_PAGE_SIZE - 1) >> PKVMKIT_PAGE_SHIFT;
	hyp_spin_lock(&module_lock);
	e = running == NO_MODULE ? NULL : free_early_map_locked();
	if (e)
		va = hyp_alloc_private_va(pages);
	if (va && hyp_s1_map(va, phys - off, pages << PKVMKIT_PAGE_SHIFT, prot))
		va = 0;
	if (va) {
		e->va = va + off;
		e->size = size;
		e->module = running;
	}
	hyp_spin_unlock(&module_lock);
	return va ? (void *)(va + off) : NULL;
}

void hyp_op_linear_unmap_early(void *addr, size_t size)
{
	u64 base = (u64)addr & ~(PKVMKIT_PAGE_SIZE - 1);
	u32 i;

	hyp_spin_lock(&module_lock);
	for (i = 0; i < MAX_EARLY_MAPS; i++) {
		struct early_map *e = &early_maps[i];

		if (e->size && e->va == (u64)addr && e->size == size) {
			hyp_s1_unmap(base, e->va + e->size - base);
			e->size = 0;
			break;
		}
	}
	hyp_spin_unlock(&module_lock);
	if (i == MAX_EARLY_MAPS)
		hyp_log("pkvmkit: linear_unmap_early(%lx, %lu): no such early mapping\n",
			(unsigned long)addr, (unsigned long)size);
}

/* ---- the other memory members ---------------------------------------- */

int hyp_op_create_private_mapping(u64 phys, size_t size, u32 kvm_prot,
				  unsigned long *haddr)
{
	u64 off = phys & (PKVMKIT_PAGE_SIZE - 1);
	u64 pages = (off + size + PKVMKIT_PAGE_SIZE - 1) >> PKVMKIT_PAGE_SHIFT;
	u32 prot;
	u64 va;
	int ret;

	if (!size || !haddr || size > (1UL << 40) ||
	    kvm_prot_to_s1(kvm_prot, &prot))
		return -EINVAL;
	va = hyp_alloc_private_va(pages);
	if (!va)
		return -ENOMEM;
	ret = hyp_s1_map(va, phys - off, pages << PKVMKIT_PAGE_SHIFT, prot);
	if (!ret)
		*haddr = va + off;
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

/* The table every module's init gets: one hyp_op_<name> per member. */
#define HYP_OP_INIT(ret, name, args)	.name = hyp_op_##name,

static const struct pkvm_module_ops module_ops = {
	PKVM_MODULE_OPS_ANDROID14_6_1(HYP_OP_INIT)
};
