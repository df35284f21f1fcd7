// SPDX-License-Identifier: GPL-2.0-only
/*
 * Vendor modules at EL2: the hypervisor side of ACK's pkvm_load_el2_module.
 * Before deprivilege the host driver reserves a private VA range for a
 * module (HC_ALLOC_MODULE_VA), has each of its pages donated and mapped
 * there with the section's permissions (HC_MAP_MODULE_PAGE) and calls its
 * init with the ops table (HC_INIT_MODULE); the module registers its
 * hooks, and the driver its calls. After deprivilege only calling them is
 * left.
 *
 * A module is LOADING until its init returned: 0 makes it LIVE for good,
 * an error FAILED. While its init runs (one at a time: set-up calls hold
 * setup_lock) it is the running module: hooks it registers, VA it
 * allocates and mappings it makes are its own, and the ops that change
 * module memory act only on its own. Loading is a transaction:
 *  - a failed init withdraws at once what makes the hypervisor enter or
 *    read the module (its hooks, its hyp-event ids): no new call starts;
 *  - once the driver saw every CPU leave EL2 (a call entered before may
 *    still run), HC_DROP_MODULE removes the rest: its early and private
 *    mappings, its pages (back to the host), its VA. The driver does the
 *    same for a module whose loading failed before its init.
 * No step of either can fail once its checks passed.
 *
 * module_lock (hyp/module.h) guards the ranges here, the hooks
 * (module_hooks.c), the calls (module_calls.c) and the module mappings
 * (module_mem_ops.c).
 */
#include <hyp/bug.h>
#include <hyp/hooks.h>
#include <hyp/lib.h>
#include <hyp/log.h>
#include <hyp/mem_protect.h>
#include <hyp/mm.h>
#include <hyp/module.h>
#include <hyp/module_ops.h>
#include <hyp/pvm.h>
#include <hyp/sysreg.h>
#include <hyp/trace.h>

#define MAX_MODULE_RANGES	64

enum module_state {
	MODULE_FREE = 0,	/* an unused slot */
	MODULE_LOADING,
	MODULE_LIVE,
	MODULE_FAILED,
};

/*
 * A range of private VA of a module: its image (the first range of the
 * module, whose index is the module's), or more VA its init allocated.
 */
struct module_range {
	u64 start;
	u64 end;
	s32 owner;		/* the module: index of its first range */
	u32 api;		/* PKVM_API_* its EL2 image records */
	u8 state;		/* enum module_state, of the module (first range) */
	char name[HYP_MODULE_NAME_LEN + 1];
};

hyp_spinlock_t module_lock = HYP_LOCK_INIT(module_lock);
static struct module_range modules[MAX_MODULE_RANGES];
static s32 running = HYP_NO_MODULE;	/* module whose init runs */
static bool registration_closed;

static u8 state_of_locked(s32 module)
{
	hyp_assert_lock_held(&module_lock);
	return modules[modules[module].owner].state;
}

/* The range holding [@va, @va + @size), or HYP_NO_MODULE. */
s32 hyp_module_of_locked(u64 va, u64 size)
{
	u32 i;

	hyp_assert_lock_held(&module_lock);
	for (i = 0; i < MAX_MODULE_RANGES; i++)
		if (modules[i].end && va >= modules[i].start &&
		    va < modules[i].end && size <= modules[i].end - va)
			return (s32)i;
	return HYP_NO_MODULE;
}

/* The module (index of its first range) whose range holds it, or none. */
static s32 owner_of_locked(u64 va, u64 size)
{
	s32 range = hyp_module_of_locked(va, size);

	return range == HYP_NO_MODULE ? HYP_NO_MODULE : modules[range].owner;
}

s32 hyp_running_module_locked(void)
{
	hyp_assert_lock_held(&module_lock);
	return running;
}

/* Hooks may be registered: from a module's init, before deprivilege. */
bool hyp_registration_open_locked(void)
{
	hyp_assert_lock_held(&module_lock);
	return running != HYP_NO_MODULE && !registration_closed;
}

u32 hyp_module_api_locked(s32 module)
{
	hyp_assert_lock_held(&module_lock);
	return modules[module].api;
}

const char *hyp_module_name_locked(s32 module)
{
	hyp_assert_lock_held(&module_lock);
	return modules[module].name;
}

/* Memory of a module that is live or whose init runs: what may be used. */
static bool usable_locked(u64 va, u64 size)
{
	s32 owner = owner_of_locked(va, size);

	return owner != HYP_NO_MODULE &&
	       (state_of_locked(owner) == MODULE_LIVE || owner == running);
}

/* [@va, @va + @size) lies in the running module's own ranges. */
bool hyp_running_module_owns_locked(u64 va, u64 size)
{
	hyp_assert_lock_held(&module_lock);
	return running != HYP_NO_MODULE && owner_of_locked(va, size) == running;
}

/* Executable code of a usable module, mapped X by the loader. */
bool hyp_is_module_text_locked(u64 va)
{
	u32 prot;

	hyp_assert_lock_held(&module_lock);
	return !(va & 3) && usable_locked(va, 4) &&
	       !hyp_s1_lookup(va, NULL, &prot) && (prot & PGT_PROT_X);
}

static s32 free_slot_locked(void)
{
	u32 i;

	hyp_assert_lock_held(&module_lock);
	for (i = 0; i < MAX_MODULE_RANGES; i++)
		if (!modules[i].end)	/* end: the slot is in use */
			return (s32)i;
	return HYP_NO_MODULE;
}

/*
 * A new range of @nr_pages: of module @owner, or (HYP_NO_MODULE) a new
 * LOADING module named @name. The slot is checked before the VA is taken.
 */
static u64 add_range_locked(u64 nr_pages, s32 owner, const char *name,
			    u32 api)
{
	s32 slot = free_slot_locked();
	struct module_range *m;
	u64 va;

	if (slot == HYP_NO_MODULE || hyp_private_va_reserve(nr_pages, &va))
		return 0;
	m = &modules[slot];
	m->start = va;
	m->end = va + nr_pages * PKVMKIT_PAGE_SIZE;
	m->owner = owner == HYP_NO_MODULE ? slot : owner;
	m->api = api;
	m->state = owner == HYP_NO_MODULE ? MODULE_LOADING : MODULE_FREE;
	memcpy(m->name, name, HYP_MODULE_NAME_LEN);
	m->name[HYP_MODULE_NAME_LEN] = '\0';
	return va;
}

/* One more range for the running module (its alloc_module_va). */
u64 hyp_add_module_range_locked(u64 nr_pages)
{
	hyp_assert_lock_held(&module_lock);
	if (running == HYP_NO_MODULE)
		return 0;
	return add_range_locked(nr_pages, running, modules[running].name,
				modules[running].api);
}

/*
 * HC_ALLOC_MODULE_VA: x2, x3 carry the module's name, NUL padded, x4 the
 * generation its EL2 image records (PKVM_API_*; 0 if unknown here).
 */
u64 hyp_alloc_module_va(u64 nr_pages, u64 name_lo, u64 name_hi, u64 api)
{
	char name[HYP_MODULE_NAME_LEN];
	u64 va;

	if (api > 0xffffffffULL || !hyp_ops_table_of((u32)api))
		return 0;
	memcpy(name, &name_lo, 8);
	memcpy(name + 8, &name_hi, 8);
	hyp_spin_lock(&module_lock);
	va = add_range_locked(nr_pages, HYP_NO_MODULE, name, (u32)api);
	hyp_spin_unlock(&module_lock);
	return va;
}

/*
 * The name of the module whose range holds @va, or NULL: of a live (or
 * running) module, whose ranges stay for good, so the name outlives the
 * lock.
 */
const char *hyp_module_name_of(u64 va)
{
	const char *name = NULL;
	s32 owner;

	hyp_spin_lock(&module_lock);
	owner = owner_of_locked(va, 1);
	if (owner != HYP_NO_MODULE && usable_locked(va, 1))
		name = modules[owner].name;
	hyp_spin_unlock(&module_lock);
	return name;
}

s32 hyp_module_owner_of(u64 va, u64 size)
{
	s32 owner = HYP_NO_MODULE;

	hyp_spin_lock(&module_lock);
	if (usable_locked(va, size))
		owner = owner_of_locked(va, size);
	hyp_spin_unlock(&module_lock);
	return owner;
}

/*
 * [@va, @va + @size) lies in the image of a live module or the running
 * one: what a module registers by address must outlive its init (not its
 * stack, nor memory the host has, nor a module that failed).
 */
bool hyp_module_owns(u64 va, u64 size)
{
	bool ret;

	hyp_spin_lock(&module_lock);
	ret = usable_locked(va, size);
	hyp_spin_unlock(&module_lock);
	return ret;
}

/* HC_MAP_MODULE_PAGE: a page of a module whose init has not run yet. */
int hyp_map_module_page(u64 pfn, u64 va, u64 kvm_prot)
{
	s32 owner;
	u32 prot;

	if ((va & (PKVMKIT_PAGE_SIZE - 1)) || hyp_module_prot(kvm_prot, &prot))
		return -EINVAL;
	hyp_spin_lock(&module_lock);
	owner = owner_of_locked(va, PKVMKIT_PAGE_SIZE);
	if (owner != HYP_NO_MODULE && state_of_locked(owner) != MODULE_LOADING)
		owner = HYP_NO_MODULE;
	hyp_spin_unlock(&module_lock);
	if (owner == HYP_NO_MODULE)
		return -EINVAL;
	return hyp_donate_and_map(pfn, va, prot);
}

/* The module's image starts a LOADING module: running it is its init. */
static s32 start_init_locked(u64 init_va)
{
	s32 owner;

	hyp_assert_lock_held(&module_lock);
	owner = owner_of_locked(init_va, 4);
	if (owner == HYP_NO_MODULE || state_of_locked(owner) != MODULE_LOADING ||
	    running != HYP_NO_MODULE)
		return HYP_NO_MODULE;
	running = owner;	/* its text counts as usable from here */
	if (!hyp_is_module_text_locked(init_va)) {
		running = HYP_NO_MODULE;
		return HYP_NO_MODULE;
	}
	hyp_start_init_hooks_locked();
	return owner;
}

/*
 * Its init returned @ret: 0 makes the module live for good, an error
 * withdraws what would make the hypervisor enter or read it. Its other
 * memory goes with HC_DROP_MODULE, once no CPU can be in its code.
 */
static void finish_init(s32 module, int ret)
{
	hyp_spin_lock(&module_lock);
	modules[module].state = ret ? MODULE_FAILED : MODULE_LIVE;
	if (ret)
		hyp_withdraw_init_hooks_locked();
	else
		hyp_keep_module_maps_locked(module);
	running = HYP_NO_MODULE;
	hyp_spin_unlock(&module_lock);
	/* events_lock comes before module_lock: outside it */
	if (ret)
		hyp_trace_forget_module(module);
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

	(void)sections;
	hyp_spin_lock(&module_lock);
	module = start_init_locked(init_va);
	hyp_spin_unlock(&module_lock);
	if (module == HYP_NO_MODULE)
		return -EINVAL;
	/* its events, so that its init may already trace (and must own them) */
	ret = hyp_trace_register_ids(ids_start, ids_end);
	if (!ret) {
		/* the host wrote the code through its own mapping */
		asm volatile("ic ialluis" ::: "memory");
		dsb(ish);
		isb();
		init = (void *)init_va;
		ret = init(hyp_ops_table_of(modules[module].api));
	}
	finish_init(module, ret);
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

/*
 * Every page mapped in [start, end) leaves the hypervisor's stage-1: a
 * page the loader or map_module_page took from the host goes back to it,
 * one the hypervisor owned before stays its own. Cannot fail: page
 * entries come off without a table, and a private page always goes home.
 */
static void unmap_range(u64 start, u64 end)
{
	u64 va, pa;
	int ret;

	for (va = start; va < end; va += PKVMKIT_PAGE_SIZE) {
		if (hyp_s1_lookup(va, &pa, NULL))
			continue;
		ret = hyp_unmap_module_page(pa >> PKVMKIT_PAGE_SHIFT, va);
		HYP_BUG_ON(ret, "dropping the module page at %lx failed: %d",
			   (unsigned long)va, ret);
	}
}

/*
 * HC_DROP_MODULE: all that is left of a module whose init failed, or
 * that never got to run it: mappings it made, its pages, its VA. Refused
 * (-EBUSY) for a live module or the running one, -EINVAL if @va is in no
 * module.
 */
int hyp_drop_module(u64 va)
{
	s32 module;
	u32 i;

	hyp_spin_lock(&module_lock);
	module = owner_of_locked(va, 1);
	if (module == HYP_NO_MODULE) {
		hyp_spin_unlock(&module_lock);
		return -EINVAL;
	}
	if (module == running || state_of_locked(module) == MODULE_LIVE) {
		hyp_spin_unlock(&module_lock);
		return -EBUSY;
	}
	hyp_drop_module_maps_locked(module);
	for (i = 0; i < MAX_MODULE_RANGES; i++) {
		struct module_range *m = &modules[i];

		if (!m->end || m->owner != module || (s32)i == module)
			continue;
		unmap_range(m->start, m->end);
		hyp_private_va_release(m->start, (m->end - m->start) >>
						 PKVMKIT_PAGE_SHIFT);
		memset(m, 0, sizeof(*m));
	}
	unmap_range(modules[module].start, modules[module].end);
	hyp_private_va_release(modules[module].start,
			       (modules[module].end - modules[module].start) >>
			       PKVMKIT_PAGE_SHIFT);
	memset(&modules[module], 0, sizeof(modules[module]));
	hyp_spin_unlock(&module_lock);
	return 0;
}

/*
 * Called as the host is deprivileged, when nothing after it can fail: no
 * more registrations, and an early linear mapping still present is
 * removed, blamed on its module and makes the system insecure (ACK only
 * warns).
 */
void hyp_close_module_registration(void)
{
	hyp_spin_lock(&module_lock);
	registration_closed = true;
	hyp_drop_early_maps_locked();
	hyp_spin_unlock(&module_lock);
}
