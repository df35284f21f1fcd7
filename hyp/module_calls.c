// SPDX-License-Identifier: GPL-2.0-only
/*
 * Vendor-module calls: the dynamic hypercall ids (HC_FIRST_DYNAMIC and up)
 * the driver registers for a module's EL2 handlers (HC_REGISTER_HCALL,
 * from pkvm_register_el2_mod_call), served by entry.S without C.
 */
#include <hyp/bug.h>
#include <hyp/module.h>
#include <hyp/module_calls.h>
#include <hyp/module_ops.h>
#include <hyp/trace.h>

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

/*
 * entry.S finds a slot with a shift (asm-offsets.c gives it) and loads
 * fn and x0 with one ldp: what the layout must allow.
 */
_Static_assert((sizeof(struct dyn_hcall) & (sizeof(struct dyn_hcall) - 1)) == 0 &&
	       __builtin_offsetof(struct dyn_hcall, x0) ==
	       __builtin_offsetof(struct dyn_hcall, fn) + 8,
	       "entry.S: ldp fn, x0 from dyn_hcalls + (slot << DYN_HCALL_SHIFT)");

/* The handler's module's generation says what x0 holds when it runs. */
int hyp_register_hcall(u64 hfn_va)
{
	struct dyn_hcall *e;
	u32 api;
	int ret;

	hyp_spin_lock(&module_lock);
	if (!hyp_is_module_text_locked(hfn_va)) {
		ret = -EINVAL;
	} else if (nr_dyn_hcalls == HC_MAX_DYNAMIC) {
		ret = -ENOMEM;
	} else {
		ret = HC_FIRST_DYNAMIC + nr_dyn_hcalls;
		e = &dyn_hcalls[nr_dyn_hcalls];
		api = hyp_module_api_locked(hyp_module_of_locked(hfn_va, 4));
		e->x0 = PKVM_API_GENERATION(api) == PKVM_API_ANDROID14_6_1 ?
			SMCCC_RET_SUCCESS : HC_ID((u64)ret);
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
