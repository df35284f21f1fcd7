/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Vendor-module hooks (module_hooks.c): registered from a module's init
 * only, into one slot (android14-6.1) or a chain of them (later
 * generations), withdrawn if that init fails, read without a lock by the
 * paths that call them.
 */
#ifndef HYP_HOOKS_H
#define HYP_HOOKS_H

#include <pkvmkit/hypercall.h>
#include <hyp/cpu.h>

/* Hooks that chain (android15-6.6 on), in registration order. */
#define HYP_MAX_CHAINED_HOOKS	16
struct hyp_hook_chain {
	void *fn[HYP_MAX_CHAINED_HOOKS];	/* NULL: withdrawn */
	u32 nr;					/* places handed out */
};

int hyp_module_set_hook(enum pkvmkit_hook kind, void **slot, void *fn);
int hyp_module_add_hook(enum pkvmkit_hook kind, struct hyp_hook_chain *chain,
			void *fn, bool only_one);
/* HC_HOOK_INFO */
u64 hyp_hook_info(u64 kind);
/* A failed init: none of the hooks it set is called from now on. */
void hyp_withdraw_init_hooks_locked(void);
void hyp_start_init_hooks_locked(void);

/* Each hook of @chain that is set, in order, in @hook (its place in @i) */
#define hyp_for_each_hook(chain, i, hook)				\
	for (u32 __n = __atomic_load_n(&(chain)->nr, __ATOMIC_ACQUIRE),	\
	     i = 0; i < __n &&						\
	     ((hook) = __atomic_load_n(&(chain)->fn[i], __ATOMIC_ACQUIRE), 1); \
	     i++)							\
		if (hook)

/* A module hook: load it once, call it between hyp_hook_enter/exit. */
#define hyp_hook_get(slot)	__atomic_load_n(&(slot), __ATOMIC_ACQUIRE)

/*
 * A module writes the host's PC either in the context or, as ACK modules
 * do, with write_sysreg_el2(..., SYS_ELR): before a hook runs ELR_EL2
 * holds the context's PC, and whichever of the two the hook changed wins.
 */
static inline u64 hyp_hook_enter(struct host_ctxt *ctxt)
{
	asm volatile("msr elr_el2, %0" : : "r" (ctxt->pc));
	return ctxt->pc;
}

static inline void hyp_hook_exit(struct host_ctxt *ctxt, u64 pc_before)
{
	u64 elr;

	asm volatile("mrs %0, elr_el2" : "=r" (elr));
	if (ctxt->pc == pc_before && elr != pc_before)
		ctxt->pc = elr;
}

/* Run a bool (*)(struct host_ctxt *) hook if one is set; false if none. */
#define hyp_run_bool_hook(slot, ctxt) ({				\
	bool (*__hook)(struct host_ctxt *c) = hyp_hook_get(slot);	\
	bool __handled = false;						\
	u64 __pc;							\
									\
	if (__hook) {							\
		__pc = hyp_hook_enter(ctxt);				\
		__handled = __hook(ctxt);				\
		hyp_hook_exit(ctxt, __pc);				\
	}								\
	__handled;							\
})

#endif /* HYP_HOOKS_H */
