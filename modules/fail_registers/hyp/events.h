/* SPDX-License-Identifier: GPL-2.0-only */
/* fail_registers' hyp event: written once by its (failing) EL2 init. */
#if !defined(__FAIL_REGISTERS_HYPEVENTS_H__) || defined(HYP_EVENT_MULTI_READ)
#define __FAIL_REGISTERS_HYPEVENTS_H__

#ifdef __KVM_NVHE_HYPERVISOR__
#include <trace.h>
#endif

HYP_EVENT(fail_registers_init,
	HE_PROTO(u64 step),
	HE_STRUCT(
		he_field(u64, step)
	),
	HE_ASSIGN(
		__entry->step = step;
	),
	HE_PRINTK("step=%llu", __entry->step)
);
#endif
