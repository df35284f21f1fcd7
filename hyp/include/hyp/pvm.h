/* SPDX-License-Identifier: GPL-2.0-only */
/* Protected VMs (pvm.c) and whether any may run at all. */
#ifndef HYP_PVM_H
#define HYP_PVM_H

#include <pkvmkit/types.h>

/* A protected module failed: no protected VM may run from now on. */
void hyp_mark_insecure(void);
bool hyp_is_secure(void);

int hyp_pvm_create(u64 pfn);

#endif /* HYP_PVM_H */
