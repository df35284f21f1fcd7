/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * pkvmkit: hyp tracing in a vendor module's EL2 code. A module's events
 * header includes this (as <trace.h>, or <nvhe/trace.h>) when built for
 * EL2; each HYP_EVENT() in it then declares trace_<name>(), which writes
 * a record into this CPU's hyp ring when the host has enabled the event:
 * one load and a branch when it has not.
 *
 * The module itself provides tracing_reserve_entry() and
 * tracing_commit_entry(), calling the members of pkvm_module_ops of the
 * same names (android15-6.6 and later), as on Android's kernels.
 */
#ifndef __PKVMKIT_NVHE_TRACE_H__
#define __PKVMKIT_NVHE_TRACE_H__

#include <linux/atomic.h>
#include <linux/compiler.h>
#include <asm/kvm_hypevents_defs.h>

void *tracing_reserve_entry(unsigned long length);
void tracing_commit_entry(void);

#define HYP_EVENT(__name, __proto, __struct, __assign, __printk)	\
	HYP_EVENT_FORMAT(__name, __struct);				\
	extern atomic_t __name##_enabled;				\
	extern struct hyp_event_id hyp_event_id_##__name;		\
	static __always_inline void trace_##__name(__proto)		\
	{								\
		struct trace_hyp_format_##__name *__entry;		\
									\
		if (likely(!atomic_read(&__name##_enabled)))		\
			return;						\
		__entry = tracing_reserve_entry(sizeof(*__entry));	\
		if (!__entry)						\
			return;						\
		__entry->hdr.id = READ_ONCE(hyp_event_id_##__name.id);	\
		__assign						\
		tracing_commit_entry();					\
	}

#endif /* __PKVMKIT_NVHE_TRACE_H__ */
