/* SPDX-License-Identifier: GPL-2.0-only */
/* The one-way switch that puts the host behind its stage-2 (deprivilege.c). */
#ifndef HYP_DEPRIVILEGE_H
#define HYP_DEPRIVILEGE_H

#include <pkvmkit/types.h>

/* HC_PROT_FINALIZE, under setup_lock: 0, or -errno with nothing changed. */
int hyp_prot_finalize(void);

/* Once true, for good: set-up calls are refused. */
bool hyp_host_deprivileged(void);

#endif /* HYP_DEPRIVILEGE_H */
