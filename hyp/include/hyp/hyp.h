/* SPDX-License-Identifier: GPL-2.0-only */
/* Interfaces between the hypervisor's own source files. */
#ifndef HYP_HYP_H
#define HYP_HYP_H

#include <pkvmkit/types.h>
#include <pkvmkit/boot.h>
#include <hyp/cpu.h>
#include <pkvmkit/pgtable.h>
#include <pkvmkit/ownership.h>
#include <pkvmkit/hypercall.h>

#define READ_ONCE(x)		(*(const volatile typeof(x) *)&(x))
#define WRITE_ONCE(x, v)	(*(volatile typeof(x) *)&(x) = (v))
#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#define __noreturn		__attribute__((noreturn))
#define noinline		__attribute__((noinline))
#define likely(x)		__builtin_expect(!!(x), 1)
#define unlikely(x)		__builtin_expect(!!(x), 0)

extern const struct hyp_params *hyp_params;

/*
 * A broken invariant of the hypervisor's own (never the host's doing): log
 * it and take the panic path with a BRK, whose ESR and ELR say where.
 */
#define HYP_BUG_ON(cond, fmt, ...)					\
	do {								\
		if (__builtin_expect(!!(cond), 0)) {			\
			hyp_log("pkvmkit: BUG: " fmt "\n", ##__VA_ARGS__); \
			asm volatile("brk #0x800");			\
			__builtin_unreachable();			\
		}							\
	} while (0)

#define hyp_assert_lock_held(lock)					\
	HYP_BUG_ON(!hyp_spin_is_held_here(lock), "%s: %s not held",	\
		   __func__, #lock)

/* setup.c */
void hyp_cpu_init(struct host_ctxt *ctxt);
void hyp_cpu_on_main(struct host_ctxt *ctxt);
void hyp_restore_host_el2_state(void);

/* hcall.c */
void handle_host_hcall(struct host_ctxt *ctxt);
extern bool host_deprivileged;

/* mem.c */
int hyp_mem_init(const struct hyp_params *params);
int hyp_prot_finalize(void);
int hyp_host_s2_fault(u64 ipa);
void hyp_enable_host_stage2(void);
bool hyp_host_stage2_ready(void);
int hyp_host_donate_hyp(u64 pfn, u64 nr);
int hyp_host_reclaim(u64 pfn, u64 nr);
int hyp_host_share_hyp(u64 pfn, u64 nr);
int hyp_host_unshare_hyp(u64 pfn, u64 nr);
int hyp_page_state(u64 pfn);
u64 hyp_state_count(u64 state);
void hyp_mem_stats(u64 *pool_free, u64 *tables, u64 *reserved);

u64 hyp_alloc_private_va(u64 nr);
int hyp_s1_lookup(u64 va, u64 *pa, u32 *prot);
int hyp_s1_map(u64 va, u64 pa, u64 size, u32 prot);
int hyp_s1_unmap(u64 va, u64 size);
int hyp_donate_and_map(u64 pfn, u64 va, u32 prot);
int hyp_unmap_and_return(u64 pfn, u64 va);
int hyp_map_hyp_page(u64 pfn, u64 va, u32 prot);
enum own_access hyp_host_access(u64 ipa, u32 need);
void hyp_mark_insecure(void);
bool hyp_is_secure(void);
int hyp_pvm_create(u64 pfn);

/* module.c */
#define HYP_MODULE_NAME_LEN	16	/* as HC_ALLOC_MODULE_VA passes it */
u64 hyp_alloc_module_va(u64 nr_pages, u64 name_lo, u64 name_hi, u64 api);
int hyp_map_module_page(u64 pfn, u64 va, u64 kvm_prot);
int hyp_unmap_module_page(u64 pfn, u64 va);
int hyp_init_module(u64 init_va, u64 sections, u64 ids_start, u64 ids_end);
int hyp_register_hcall(u64 hfn_va);
void handle_dynamic_hcall(struct host_ctxt *ctxt, u64 nr);
int hyp_module_set_hook(enum pkvmkit_hook kind, void **slot, void *fn);

typedef void (*dyn_hcall_t)(struct host_ctxt *ctxt);
struct dyn_hcall {
	dyn_hcall_t fn;
	u64 x0;
};
extern struct dyn_hcall dyn_hcalls[HC_MAX_DYNAMIC];
void hyp_module_trace_calls(bool on);

/* Hooks that chain (android15-6.6 on), in registration order. */
#define HYP_MAX_CHAINED_HOOKS	16
struct hyp_hook_chain {
	void *fn[HYP_MAX_CHAINED_HOOKS];	/* NULL: withdrawn */
	u32 nr;					/* places handed out */
};
int hyp_module_add_hook(enum pkvmkit_hook kind, struct hyp_hook_chain *chain,
			void *fn, bool only_one);

/* Each hook of @chain in order, as @type, until @stop(its result) */
#define hyp_for_each_hook(chain, i, hook)				\
	for (u32 __n = __atomic_load_n(&(chain)->nr, __ATOMIC_ACQUIRE),	\
	     i = 0; i < __n; i++)					\
		if (((hook) = __atomic_load_n(&(chain)->fn[i],		\
					      __ATOMIC_ACQUIRE)))
u64 hyp_hook_info(u64 kind);
const char *hyp_module_name_of(u64 va);
bool hyp_module_owns(u64 va, u64 size);
void hyp_close_module_registration(void);

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
	bool (*__hook)(struct host_ctxt *) = hyp_hook_get(slot);	\
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

/* heap.c */
int hyp_heap_topup(u64 pfn);
void hyp_heap_stats(u64 *pages, u64 *spare, u64 *bytes);

/* lib.c */
void *memset(void *dst, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);

/* psci.c */
void hyp_psci_init(void);
void hyp_psci_notify(int event, struct host_ctxt *ctxt);
bool hyp_psci_relay(struct host_ctxt *ctxt);
void handle_host_smc(struct host_ctxt *ctxt, u64 esr);
void __hyp_forward_smc(struct host_ctxt *ctxt);

/* trap_config.c */
extern u32 hyp_traps_gen;
void hyp_reapply_host_traps(void);
void hyp_bump_host_traps_gen(void);

/*
 * After a trap: write this CPU's trap registers again if a module changed
 * them (update_hcr_el2 ...) since, and enter the host stage-2 if it came
 * since (hyp_bump_host_traps_gen()). Inline: every host trap checks it.
 */
static inline void hyp_apply_host_traps(void)
{
	/*
	 * A plain load (one ldr, no address add): what the new generation
	 * stands for is read under traps_lock, which orders it.
	 */
	if (this_cpu()->traps_gen != READ_ONCE(hyp_traps_gen))
		hyp_reapply_host_traps();
}

/* fault.c */
void handle_host_abort(struct host_ctxt *ctxt, u64 esr);
void inject_host_undef(struct host_ctxt *ctxt);

/* log.c */
void hyp_log_init(u64 pa, u64 size);
void hyp_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int hyp_snprintf(char *buf, u64 size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* panic.c */
void __noreturn hyp_panic(u64 esr, u64 elr, u64 far, u64 fp);
void __noreturn __hyp_return_to_host(u64 pc, u64 pstate, u64 x0, u64 x1,
				     u64 x2);

/* entry.S */
extern char __hyp_vectors[];
void __noreturn __host_restore(void);

#endif /* HYP_HYP_H */
