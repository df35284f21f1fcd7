/* SPDX-License-Identifier: GPL-2.0-only */
/* smc_chain's hyp events: one per SMC its first filter denies. */
#if !defined(__SMC_CHAIN_HYPEVENTS_H__) || defined(HYP_EVENT_MULTI_READ)
#define __SMC_CHAIN_HYPEVENTS_H__

#ifdef __KVM_NVHE_HYPERVISOR__
#include <trace.h>
#endif

HYP_EVENT(smc_chain_denied,
	HE_PROTO(u64 smc_id, u64 x1),
	HE_STRUCT(
		he_field(u64, smc_id)
		he_field(u64, x1)
	),
	HE_ASSIGN(
		__entry->smc_id = smc_id;
		__entry->x1 = x1;
	),
	HE_PRINTK("smc_id=0x%08llx x1=0x%llx", __entry->smc_id, __entry->x1)
);
#endif
