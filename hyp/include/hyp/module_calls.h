/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Vendor-module calls (module_calls.c): the dynamic hypercall ids
 * (HC_FIRST_DYNAMIC ..), served by entry.S without C from dyn_hcalls[].
 */
#ifndef HYP_MODULE_CALLS_H
#define HYP_MODULE_CALLS_H

#include <pkvmkit/hypercall.h>
#include <hyp/cpu.h>

typedef void (*dyn_hcall_t)(struct host_ctxt *ctxt);
struct dyn_hcall {
	dyn_hcall_t fn;
	u64 x0;
};
extern struct dyn_hcall dyn_hcalls[HC_MAX_DYNAMIC];

/* HC_REGISTER_HCALL: the handler's module's generation sets x0 */
int hyp_register_hcall(u64 hfn_va);
/* A dynamic id entry.S did not serve. */
void handle_dynamic_hcall(struct host_ctxt *ctxt, u64 nr);
/* host_hcall(_ret) tracing on or off: swap every handler. */
void hyp_module_trace_calls(bool on);

#endif /* HYP_MODULE_CALLS_H */
