/* SPDX-License-Identifier: GPL-2.0-only */
#if !defined(__INTREE_EVENTS_HYPEVENTS_H__) || defined(HYP_EVENT_MULTI_READ)
#define __INTREE_EVENTS_HYPEVENTS_H__

#ifdef __KVM_NVHE_HYPERVISOR__
#include <nvhe/trace.h>
#endif

HYP_EVENT(intree_events,
	  HE_PROTO(void),
	  HE_STRUCT(),
	  HE_ASSIGN(),
	  HE_PRINTK(" ")
);
#endif
