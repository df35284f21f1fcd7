/* SPDX-License-Identifier: GPL-2.0-only */
/* pkvm_bench_66's one hyp event, left disabled: what it costs when off. */
#if !defined(__PKVM_BENCH_66_HYPEVENTS_H__) || defined(HYP_EVENT_MULTI_READ)
#define __PKVM_BENCH_66_HYPEVENTS_H__

#ifdef __KVM_NVHE_HYPERVISOR__
#include <trace.h>
#endif

HYP_EVENT(bench_call,
	HE_PROTO(u64 x1),
	HE_STRUCT(he_field(u64, x1)),
	HE_ASSIGN(__entry->x1 = x1;),
	HE_PRINTK("x1=%llu", __entry->x1)
);
#endif
