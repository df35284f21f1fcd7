/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Host traps: the dispatcher (trap.c), SMCs (smc.c), aborts (fault.c) and
 * what the host traps at all (trap_config.c).
 */
#ifndef HYP_TRAP_H
#define HYP_TRAP_H

#include <hyp/compiler.h>
#include <hyp/cpu.h>

/* trap.c: every host trap that is not a vendor-module call served in asm */
void handle_host_trap(struct host_ctxt *ctxt);

/* smc.c */
void handle_host_smc(struct host_ctxt *ctxt, u64 esr);

/* fault.c */
void handle_host_abort(struct host_ctxt *ctxt, u64 esr);
void inject_host_undef(struct host_ctxt *ctxt);

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

#endif /* HYP_TRAP_H */
