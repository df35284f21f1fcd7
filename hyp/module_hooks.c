// SPDX-License-Identifier: GPL-2.0-only
/*
 * Vendor-module hooks: what a module's init registers for the hypervisor
 * to call (host SMC handlers, trap and fault handlers, notifiers, guest
 * handlers). Registration only from a module's init, before deprivilege;
 * each hook must be code of a module. The paths that call hooks read the
 * slots without a lock (hyp/hooks.h); registration and withdrawal write
 * them under module_lock with release stores.
 */
#include <hyp/bug.h>
#include <hyp/hooks.h>
#include <hyp/module.h>

#define MAX_INIT_HOOKS		32

/* Each kind's slot, once something tried to set it (for HC_HOOK_INFO). */
static void **hook_slots[HC_NR_HOOKS];
/* The slots the running module's init set, withdrawn if it fails. */
static void **init_hooks[MAX_INIT_HOOKS];
static u32 nr_init_hooks;

u64 hyp_hook_info(u64 kind)
{
	void **slot;

	if (kind >= HC_NR_HOOKS)
		return 0;
	slot = __atomic_load_n(&hook_slots[kind], __ATOMIC_ACQUIRE);
	return slot ? (u64)__atomic_load_n(slot, __ATOMIC_ACQUIRE) : 0;
}

/* A module's init starts: it has set no hook yet. */
void hyp_start_init_hooks_locked(void)
{
	hyp_assert_lock_held(&module_lock);
	nr_init_hooks = 0;
}

/*
 * A failed init: no hook of the module is called from now on. A call
 * another CPU entered just before runs to its end: the driver makes every
 * CPU leave the hypervisor once before it takes the module's pages back,
 * so the hook path pays nothing for this rare case.
 */
void hyp_withdraw_init_hooks_locked(void)
{
	u32 i;

	hyp_assert_lock_held(&module_lock);
	for (i = 0; i < nr_init_hooks; i++)
		__atomic_store_n(init_hooks[i], NULL, __ATOMIC_RELEASE);
	nr_init_hooks = 0;
}

int hyp_module_set_hook(enum pkvmkit_hook kind, void **slot, void *fn)
{
	int ret = 0;

	hyp_spin_lock(&module_lock);
	__atomic_store_n(&hook_slots[kind], slot, __ATOMIC_RELEASE);
	if (!hyp_registration_open_locked())
		ret = -EPERM;	/* only from a module's init */
	else if (!fn || !hyp_is_module_text_locked((u64)fn))
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
	if (!hyp_registration_open_locked())
		ret = -EPERM;	/* only from a module's init */
	else if (!fn || !hyp_is_module_text_locked((u64)fn))
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
