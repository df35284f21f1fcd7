/* SPDX-License-Identifier: GPL-2.0-only */
/* The EL2 heap behind hyp_alloc/hyp_free (heap.c): the host's side. */
#ifndef HYP_HEAP_H
#define HYP_HEAP_H

#include <pkvmkit/types.h>

int hyp_heap_topup(u64 pfn);
void hyp_heap_stats(u64 *pages, u64 *spare, u64 *bytes);

#endif /* HYP_HEAP_H */
