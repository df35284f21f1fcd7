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
#include <hyp/trace.h>

#define MAX_MODULE_RANGES	64
#define MAX_INIT_HOOKS		32
#define MAX_EARLY_MAPS		16
#define NO_MODULE		(-1)

struct module_range {
	u64 start;
	u64 end;
	u32 api;		/* PKVM_API_* its EL2 image records */
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

/* A free slot of the dynamic table: the call does not exist. */
static void dyn_not_supported(struct host_ctxt *ctxt)
{
	ctxt->regs[0] = SMCCC_RET_NOT_SUPPORTED;
}

/*
 * Read without a lock by entry.S (and handle_dynamic_hcall): every slot is
 * always a valid handler, a registration replaces the stub with a release
 * store, so a racing call sees one or the other. @x0 is what x0 holds
 * when the handler runs, which is how the generations differ: SUCCESS
 * (0) for an android14-6.1 handler, the call's own function id for later
 * ones, whose handlers set x0 themselves (so x0 looks untouched). entry.S
 * loads both with one ldp: a call racing the registration of its own
 * slot may see the handler with the old x0, nothing worse. Page aligned,
 * so that entry.S finds an entry with adrp and one add.
 */
struct dyn_hcall dyn_hcalls[HC_MAX_DYNAMIC] __attribute__((aligned(4096))) = {
	[0 ... HC_MAX_DYNAMIC - 1] = { dyn_not_supported, SMCCC_RET_SUCCESS },
};
static u32 nr_dyn_hcalls;	/* slots handed out; under module_lock */

/*
 * Each slot's own handler. dyn_hcalls[].fn is the same, or, while the
 * host_hcall events are on, dyn_traced_call: entry.S calls it with the
 * slot in x1, and it traces around the handler. Written under
 * module_lock, before the fn that leads to them.
 */
static dyn_hcall_t dyn_handlers[HC_MAX_DYNAMIC] = {
	[0 ... HC_MAX_DYNAMIC - 1] = dyn_not_supported,
};
static bool dyn_traced;		/* under module_lock */

static void dyn_traced_call(struct host_ctxt *ctxt, u64 slot)
{
	u64 id = HC_ID(HC_FIRST_DYNAMIC + slot);
	dyn_hcall_t fn;

	trace_host_hcall(id, ctxt->regs[1]);
	fn = __atomic_load_n(&dyn_handlers[slot % HC_MAX_DYNAMIC],
			     __ATOMIC_ACQUIRE);
	fn(ctxt);
	trace_host_hcall_ret(id, ctxt->regs[0], ctxt->regs[1]);
}

static dyn_hcall_t dyn_entry_fn_locked(u32 slot)
{
	hyp_assert_lock_held(&module_lock);
	return dyn_traced ? (dyn_hcall_t)(void *)dyn_traced_call
			  : dyn_handlers[slot];
}

/* host_hcall(_ret) on or off: what entry.S calls for every slot. */
void hyp_module_trace_calls(bool on)
{
	u32 i;

	hyp_spin_lock(&module_lock);
	dyn_traced = on;
	for (i = 0; i < HC_MAX_DYNAMIC; i++)
		__atomic_store_n(&dyn_hcalls[i].fn, dyn_entry_fn_locked(i),
				 __ATOMIC_RELEASE);
	hyp_spin_unlock(&module_lock);
}

_Static_assert(sizeof(struct dyn_hcall) == 1 << HC_DYN_ENTRY_SHIFT &&
	       __builtin_offsetof(struct dyn_hcall, fn) == 0 &&
	       __builtin_offsetof(struct dyn_hcall, x0) == 8,
	       "entry.S: ldp fn, x0 from dyn_hcalls + (slot << 4)");

static const void *ops_table_of(u32 api);

/* The generations (and layouts) whose tables this hypervisor has. */
static bool api_known(u64 api)
{
	return api <= 0xffffffffULL && ops_table_of((u32)api);
}

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

static u64 add_module_range_locked(u64 nr_pages, const char *name, u32 api)
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
	m->api = api;
	memcpy(m->name, name, HYP_MODULE_NAME_LEN);
	m->name[HYP_MODULE_NAME_LEN] = '\0';
	return va;
}

/*
 * HC_ALLOC_MODULE_VA: x2, x3 carry the module's name, NUL padded, x4 the
 * generation its EL2 image records (PKVM_API_*; 0 if unknown here).
 */
u64 hyp_alloc_module_va(u64 nr_pages, u64 name_lo, u64 name_hi, u64 api)
{
	char name[HYP_MODULE_NAME_LEN];
	u64 va;

	if (!api_known(api))
		return 0;
	memcpy(name, &name_lo, 8);
	memcpy(name + 8, &name_hi, 8);
	hyp_spin_lock(&module_lock);
	va = add_module_range_locked(nr_pages, name, (u32)api);
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

/*
 * [@va, @va + @size) lies in a module's image: what a module registers by
 * address must outlive its init (not its stack, nor memory the host has).
 */
bool hyp_module_owns(u64 va, u64 size)
{
	return in_module(va, size);
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
int hyp_init_module(u64 init_va, u64 sections, u64 ids_start, u64 ids_end)
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
	/* its events, so that its init may already trace (and must own them) */
	ret = hyp_trace_register_ids(ids_start, ids_end);
	if (ret) {
		hyp_spin_lock(&module_lock);
		running = NO_MODULE;
		hyp_spin_unlock(&module_lock);
		return ret;
	}
	/* the host wrote the code through its own mapping */
	asm volatile("ic ialluis" ::: "memory");
	dsb(ish);
	isb();
	init = (void *)init_va;
	ret = init(ops_table_of(modules[module].api));

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

/* The handler's module's generation says what x0 holds when it runs. */
int hyp_register_hcall(u64 hfn_va)
{
	struct dyn_hcall *e;
	int ret;

	hyp_spin_lock(&module_lock);
	if (!is_module_text_locked(hfn_va)) {
		ret = -EINVAL;
	} else if (nr_dyn_hcalls == HC_MAX_DYNAMIC) {
		ret = -ENOMEM;
	} else {
		ret = HC_FIRST_DYNAMIC + nr_dyn_hcalls;
		e = &dyn_hcalls[nr_dyn_hcalls];
		e->x0 = PKVM_API_GENERATION(modules[module_of_locked(hfn_va, 4)].api) ==
			PKVM_API_ANDROID14_6_1 ? SMCCC_RET_SUCCESS : HC_ID((u64)ret);
		__atomic_store_n(&dyn_handlers[nr_dyn_hcalls],
				 (dyn_hcall_t)hfn_va, __ATOMIC_RELEASE);
		__atomic_store_n(&e->fn, dyn_entry_fn_locked(nr_dyn_hcalls),
				 __ATOMIC_RELEASE);
		nr_dyn_hcalls++;
	}
	hyp_spin_unlock(&module_lock);
	return ret;
}

/*
 * A dynamic id (128 and up) that entry.S did not serve (an id beyond the
 * table, an HVC with another immediate, the SMCCC call-hint bit set):
 * NOT_SUPPORTED if nothing is registered there; x0 = SUCCESS before an
 * android14-6.1 handler runs, as it is (hint bit and all) for a later
 * generation's, as ACK's dispatchers leave it.
 */
void handle_dynamic_hcall(struct host_ctxt *ctxt, u64 nr)
{
	u64 slot = nr - HC_FIRST_DYNAMIC;
	dyn_hcall_t fn;

	if (slot >= HC_MAX_DYNAMIC) {
		ctxt->regs[0] = SMCCC_RET_NOT_SUPPORTED;
		return;
	}
	/* its own handler: handle_host_hcall traces this path already */
	fn = __atomic_load_n(&dyn_handlers[slot], __ATOMIC_ACQUIRE);
	if (dyn_hcalls[slot].x0 == SMCCC_RET_SUCCESS)
		ctxt->regs[0] = SMCCC_RET_SUCCESS;
	fn(ctxt);
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

/*
 * Append @fn to @chain (the chained hooks of android15-6.6 and later: up
 * to HYP_MAX_CHAINED_HOOKS, called in registration order). A withdrawn
 * hook (its module's init failed) leaves its place empty, never reused,
 * so the order stays the registration order. @only_one: the 6.1 member,
 * which has one slot: -EBUSY if any hook of the chain is set.
 */
int hyp_module_add_hook(enum pkvmkit_hook kind, struct hyp_hook_chain *chain,
			void *fn, bool only_one)
{
	u32 i, nr;
	int ret = 0;

	hyp_spin_lock(&module_lock);
	nr = chain->nr;
	if (running == NO_MODULE || registration_closed)
		ret = -EPERM;	/* only from a module's init */
	else if (!fn || !is_module_text_locked((u64)fn))
		ret = -EINVAL;
	else if (nr == HYP_MAX_CHAINED_HOOKS)
		ret = -EBUSY;
	else if (nr_init_hooks == MAX_INIT_HOOKS)
		ret = -ENOSPC;
	for (i = 0; !ret && only_one && i < nr; i++)
		if (chain->fn[i])
			ret = -EBUSY;
	if (!ret) {
		init_hooks[nr_init_hooks++] = &chain->fn[nr];
		__atomic_store_n(&hook_slots[kind], &chain->fn[nr], __ATOMIC_RELEASE);
		__atomic_store_n(&chain->fn[nr], fn, __ATOMIC_RELEASE);
		__atomic_store_n(&chain->nr, nr + 1, __ATOMIC_RELEASE);
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
		va = add_module_range_locked(nr_pages, modules[running].name,
					     modules[running].api);
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

/*
 * android16-6.12: map_module_page for @nr_pages pages at once, all or
 * none: a page that fails has those before it unmapped again (and given
 * back to the host if they came from it).
 */
int hyp_op_map_module_pages(u64 pfn, void *va, u64 nr_pages, u32 kvm_prot,
			    bool is_protected)
{
	u64 i;
	int ret = 0;

	if (!nr_pages || nr_pages > (1UL << 18))
		return -EINVAL;
	for (i = 0; i < nr_pages && !ret; i++)
		ret = hyp_op_map_module_page(pfn + i, va + i * PKVMKIT_PAGE_SIZE,
					     kvm_prot, is_protected);
	if (!ret)
		return 0;
	for (i--; i--; ) {
		u64 page_va = (u64)va + i * PKVMKIT_PAGE_SIZE;

		if (is_protected)
			hyp_s1_unmap(page_va, PKVMKIT_PAGE_SIZE);
		else
			hyp_unmap_and_return(pfn + i, page_va);
	}
	return ret;
}

/*
 * android16-6.12: unmap @nr_pages module pages mapped at @va, which stay
 * the hypervisor's (the module gives them back with hyp_donate_host if it
 * wants to). Only the running module's pages, and only where @pfn.. is
 * what is mapped, checked for every page before anything is unmapped.
 */
int hyp_op_unmap_module_pages(u64 pfn, void *va, u64 nr_pages)
{
	bool init_running;
	u64 i, pa;

	hyp_spin_lock(&module_lock);
	init_running = running != NO_MODULE;
	hyp_spin_unlock(&module_lock);
	if (!init_running)
		return -EPERM;
	if (!nr_pages || ((u64)va & (PKVMKIT_PAGE_SIZE - 1)) ||
	    nr_pages > (1UL << 18) ||
	    !in_module((u64)va, nr_pages * PKVMKIT_PAGE_SIZE))
		return -EINVAL;
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

/* The tables a module's init gets, one per generation and layout. */
#define HYP_OP_INIT(ret, name, args)		.name = hyp_op_##name,
#define HYP_OPV_INIT(ret, name, args, impl)	.name = impl,
#define HYP_OPL_SKIP(ret, name, args, impl)

static const struct pkvm_module_ops ops_601 = {
	PKVM_MODULE_OPS_ANDROID14_6_1(HYP_OP_INIT)
};

static const struct pkvm_module_ops_606 ops_606 = {
	PKVM_MODULE_OPS_ANDROID15_6_6(HYP_OP_INIT, HYP_OPV_INIT, HYP_OPL_SKIP)
};

static const struct pkvm_module_ops_606_lh ops_606_lh = {
	PKVM_MODULE_OPS_ANDROID15_6_6(HYP_OP_INIT, HYP_OPV_INIT, HYP_OPV_INIT)
};

static const struct pkvm_module_ops_612 ops_612 = {
	PKVM_MODULE_OPS_ANDROID16_6_12(HYP_OP_INIT, HYP_OPV_INIT, HYP_OPL_SKIP)
};

static const struct pkvm_module_ops_612_lh ops_612_lh = {
	PKVM_MODULE_OPS_ANDROID16_6_12(HYP_OP_INIT, HYP_OPV_INIT, HYP_OPV_INIT)
};

/* The table for @api (PKVM_API_*), or NULL for one this hypervisor lacks. */
static const void *ops_table_of(u32 api)
{
	switch (api) {
	case PKVM_API_ANDROID14_6_1:
	case PKVM_API_ANDROID14_6_1 | PKVM_API_LIST_HARDENED:	/* same layout */
		return &ops_601;
	case PKVM_API_ANDROID15_6_6:
		return &ops_606;
	case PKVM_API_ANDROID15_6_6 | PKVM_API_LIST_HARDENED:
		return &ops_606_lh;
	case PKVM_API_ANDROID16_6_12:
		return &ops_612;
	case PKVM_API_ANDROID16_6_12 | PKVM_API_LIST_HARDENED:
		return &ops_612_lh;
	default:
		return NULL;
	}
}
