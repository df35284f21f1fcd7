/* SPDX-License-Identifier: GPL-2.0-only */
/* What entry.S provides to C. */
#ifndef HYP_ENTRY_H
#define HYP_ENTRY_H

#include <hyp/compiler.h>
#include <hyp/cpu.h>

extern char __hyp_vectors[];
void __noreturn __host_restore(void);
/* Issue the host's SMC with its x0..x17, store x0..x17 back. */
void __hyp_forward_smc(struct host_ctxt *ctxt);
/* Leave EL2 for good on this path: enter the host at @pc with x0..x2. */
void __noreturn __hyp_return_to_host(u64 pc, u64 pstate, u64 x0, u64 x1,
				     u64 x2);

#endif /* HYP_ENTRY_H */
