/* SPDX-License-Identifier: GPL-2.0-only */
/* text_range's hyp event: the kernel text's range, as EL2 reports it. */
#if !defined(__TEXT_RANGE_HYPEVENTS_H__) || defined(HYP_EVENT_MULTI_READ)
#define __TEXT_RANGE_HYPEVENTS_H__

#ifdef __KVM_NVHE_HYPERVISOR__
#include <trace.h>
#endif

HYP_EVENT(text_range,
	HE_PROTO(u64 start, u64 end, u32 insn),
	HE_STRUCT(
		he_field(u64, start)
		he_field(u64, end)
		he_field(u32, insn)
	),
	HE_ASSIGN(
		__entry->start = start;
		__entry->end = end;
		__entry->insn = insn;
	),
	HE_PRINTK("start=0x%llx end=0x%llx insn=0x%08x",
		  __entry->start, __entry->end, __entry->insn)
);
#endif
