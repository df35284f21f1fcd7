/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Hyp tracing inside the hypervisor: per-CPU rings (asm/pkvmkit_hyptrace.h)
 * that vendor modules write through tracing_reserve_entry() and
 * tracing_commit_entry(), and the hypervisor's own events
 * (pkvmkit/hyp_events.h) as trace_<name>() calls: one load and a branch
 * while the host has not enabled them.
 */
#ifndef HYP_TRACE_H
#define HYP_TRACE_H

#include <pkvmkit/types.h>
#include <asm/kvm_hypevents_defs.h>

void hyp_trace_init(u64 pa, u64 nr_slots);
void *hyp_trace_reserve(unsigned long length);
void hyp_trace_commit(void);
int hyp_trace_register_ids(u64 start, u64 end);
void hyp_trace_forget_module(s32 module);
int hyp_trace_enable_event(u64 id, u64 enable);

/*
 * The hypervisor's own events' enabled flags, one u32 each in list order
 * (an events list's entries end with ';', so a struct, not an enum): an
 * event's id is its index + 1.
 */
#define HYP_EVENT(__name, __proto, __struct, __assign, __printk)	\
	u32 __name
#define HYP_EVENT_MULTI_READ
struct hyp_core_events {
#include <pkvmkit/hyp_events.h>
};
#undef HYP_EVENT

#define HYP_NR_CORE_EVENTS	(sizeof(struct hyp_core_events) / sizeof(u32))
#define HYP_CORE_EVENT_ID(name)	\
	(__builtin_offsetof(struct hyp_core_events, name) / sizeof(u32) + 1)

extern struct hyp_core_events hyp_core_event_on;

#define HYP_EVENT(__name, __proto, __struct, __assign, __printk)	\
	HYP_EVENT_FORMAT(__name, __struct);				\
	static inline void trace_##__name(__proto)			\
	{								\
		struct trace_hyp_format_##__name *__entry;		\
									\
		if (__builtin_expect(!__atomic_load_n(			\
			&hyp_core_event_on.__name, __ATOMIC_RELAXED), 1)) \
			return;						\
		__entry = hyp_trace_reserve(sizeof(*__entry));		\
		if (!__entry)						\
			return;						\
		__entry->hdr.id = HYP_CORE_EVENT_ID(__name);		\
		__assign						\
		hyp_trace_commit();					\
	}
#include <pkvmkit/hyp_events.h>
#undef HYP_EVENT
#undef HYP_EVENT_MULTI_READ

#endif /* HYP_TRACE_H */
