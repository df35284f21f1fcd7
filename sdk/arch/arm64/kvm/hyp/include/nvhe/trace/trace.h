/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * pkvmkit: hyp tracing in a vendor module's EL2 code. A module's events
 * header includes this (as <trace.h>, or <nvhe/trace.h>) when built for
 * EL2; each HYP_EVENT() in it then declares trace_<name>(), which writes
 * a record into this CPU's hyp ring when the host has enabled the event:
 * one load and a branch when it has not (see __hyp_trace_reserve()).
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

/*
 * The enabled path calls the two above through inline asm that saves the
 * link register itself, and through stubs (written once per module by
 * define_events.h) that save every other register the C functions may
 * use. To the compiler a trace point is then a load and a branch around
 * code that clobbers nothing: a leaf handler stays a leaf, with no frame
 * and no registers saved, and a disabled event costs the load and the
 * branch (and the load's page address when nothing near shares it).
 * AArch64 keeps sp 16-byte aligned and has no red zone, so the asm may
 * push below it.
 */
static __always_inline void *__hyp_trace_reserve(unsigned long length)
{
	/* In and out in x17 (IP1), so the handler keeps x0 for itself. */
	register unsigned long x17 asm("x17") = length;

	asm volatile("stp	x29, x30, [sp, #-16]!\n\t"
		     "bl	__pkvmkit_trace_reserve\n\t"
		     "ldp	x29, x30, [sp], #16"
		     : "+r" (x17) : : "cc", "memory");
	return (void *)x17;
}

static __always_inline void __hyp_trace_commit(void)
{
	asm volatile("stp	x29, x30, [sp, #-16]!\n\t"
		     "bl	__pkvmkit_trace_commit\n\t"
		     "ldp	x29, x30, [sp], #16"
		     : : : "cc", "memory");
}

/*
 * An event's enabled flag, read once as atomic_read() would, in an adrp
 * and a load whose offset holds the low address bits: what the compiler
 * emits for it depends on section anchors (an adrp, an add and then the
 * load, with them on, as the kernel builds).
 */
#define __hyp_event_enabled(flag) ({					\
	unsigned long __page;						\
	int __on;							\
									\
	asm volatile("adrp	%0, " #flag "\n\t"			\
		     "ldr	%w1, [%0, :lo12:" #flag "]"		\
		     : "=&r" (__page), "=r" (__on));			\
	__on;								\
})

#define HYP_EVENT(__name, __proto, __struct, __assign, __printk)	\
	HYP_EVENT_FORMAT(__name, __struct);				\
	extern atomic_t __name##_enabled;				\
	extern struct hyp_event_id hyp_event_id_##__name;		\
	static __always_inline void trace_##__name(__proto)		\
	{								\
		struct trace_hyp_format_##__name *__entry;		\
									\
		if (likely(!__hyp_event_enabled(__name##_enabled)))	\
			return;						\
		__entry = __hyp_trace_reserve(sizeof(*__entry));	\
		if (!__entry)						\
			return;						\
		__entry->hdr.id = READ_ONCE(hyp_event_id_##__name.id);	\
		__assign						\
		__hyp_trace_commit();					\
	}

#endif /* __PKVMKIT_NVHE_TRACE_H__ */
