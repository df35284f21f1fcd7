/* SPDX-License-Identifier: GPL-2.0-only */
/* CPU set-up (setup.c): install-time HVC, CPUs the PSCI relay starts. */
#ifndef HYP_SETUP_H
#define HYP_SETUP_H

#include <pkvmkit/boot.h>
#include <hyp/cpu.h>

/* What the driver handed over at install: read-only from then on. */
extern const struct hyp_params *hyp_params;

void hyp_cpu_init(struct host_ctxt *ctxt);
void hyp_cpu_on_main(struct host_ctxt *ctxt);
void hyp_restore_host_el2_state(void);

#endif /* HYP_SETUP_H */
