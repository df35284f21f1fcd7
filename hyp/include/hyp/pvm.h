/* SPDX-License-Identifier: GPL-2.0-only */
/* Whether protected VMs may run at all (pvm.c). */
#ifndef HYP_PVM_H
#define HYP_PVM_H

#include <pkvmkit/types.h>

/* A protected module failed: no protected VM may run from now on. */
void hyp_mark_insecure(void);
bool hyp_is_secure(void);

#endif /* HYP_PVM_H */
