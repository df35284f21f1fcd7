/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * pkvmkit: define a vendor module's EL2 events, once per module, after
 * its events header:
 *
 *	#include "events.h"
 *	#define HYP_EVENT_FILE <path of events.h>
 *	#include <define_events.h>		(or <nvhe/define_events.h>)
 *
 * For each event: its enabled flag, and its entry in .hyp.event_ids,
 * which the module's partial link brackets with __hyp_event_ids_start
 * and __hyp_event_ids_end. The host's loader finds the entries there,
 * gives each the id of the host-side event of the same name
 * (asm/kvm_define_hypevents.h, in the module's EL1 code), and the
 * hypervisor sets the flags when the host enables an event.
 *
 * HYP_EVENT_FILE is a path, unquoted; a relative one is searched from
 * this directory and then the include path, so an out-of-tree module
 * names its file absolutely, e.g. with -DEVENTS=$(src)/hyp/events.h in
 * its Makefile and "#define HYP_EVENT_FILE EVENTS".
 */
#include <linux/stringify.h>

#ifndef HYP_EVENT_FILE
#error "define HYP_EVENT_FILE, the module's events header, before including define_events.h"
#endif

#undef HYP_EVENT
#define HYP_EVENT(__name, __proto, __struct, __assign, __printk)	\
	atomic_t __name##_enabled = ATOMIC_INIT(0);			\
	struct hyp_event_id hyp_event_id_##__name			\
	__section(".hyp.event_ids") __aligned(8) = {			\
		.data = (void *)&__name##_enabled,			\
		.name = #__name,					\
	}

#define HYP_EVENT_MULTI_READ
#include __stringify(HYP_EVENT_FILE)
#undef HYP_EVENT_MULTI_READ

#undef HYP_EVENT

/*
 * The stubs trace.h's asm calls: tracing_reserve_entry() (its length
 * and result in x17) and tracing_commit_entry(), saving every register
 * the C functions may use (x0-x18; the asm saved x29 and x30; EL2 code
 * uses no FP/SIMD registers). Weak, so that a module defining the events of
 * several headers, in several files, has them once.
 */
#define __PKVMKIT_TRACE_SAVE_X1_X18					\
	"	stp	x1, x2, [sp, #16]\n"				\
	"	stp	x3, x4, [sp, #32]\n"				\
	"	stp	x5, x6, [sp, #48]\n"				\
	"	stp	x7, x8, [sp, #64]\n"				\
	"	stp	x9, x10, [sp, #80]\n"				\
	"	stp	x11, x12, [sp, #96]\n"				\
	"	stp	x13, x14, [sp, #112]\n"			\
	"	stp	x15, x16, [sp, #128]\n"			\
	"	stp	x17, x18, [sp, #144]\n"
#define __PKVMKIT_TRACE_RESTORE_X1_X18					\
	"	ldp	x1, x2, [sp, #16]\n"				\
	"	ldp	x3, x4, [sp, #32]\n"				\
	"	ldp	x5, x6, [sp, #48]\n"				\
	"	ldp	x7, x8, [sp, #64]\n"				\
	"	ldp	x9, x10, [sp, #80]\n"				\
	"	ldp	x11, x12, [sp, #96]\n"				\
	"	ldp	x13, x14, [sp, #112]\n"			\
	"	ldp	x15, x16, [sp, #128]\n"			\
	"	ldp	x17, x18, [sp, #144]\n"
#define __PKVMKIT_TRACE_STUB(stub, fn, before, after)		\
	"	.pushsection .text.__pkvmkit_trace, \"ax\", %progbits\n"	\
	"	.weak	" #stub "\n"					\
	"	.type	" #stub ", %function\n"			\
	"	.balign	4\n"						\
	#stub ":\n"							\
	"	stp	x29, x30, [sp, #-176]!\n"			\
	"	mov	x29, sp\n"					\
	__PKVMKIT_TRACE_SAVE_X1_X18					\
	"	str	x0, [sp, #160]\n"				\
	before								\
	"	bl	" #fn "\n"					\
	after								\
	"	ldr	x0, [sp, #160]\n"				\
	__PKVMKIT_TRACE_RESTORE_X1_X18					\
	"	ldp	x29, x30, [sp], #176\n"			\
	"	ret\n"							\
	"	.size	" #stub ", . - " #stub "\n"			\
	"	.popsection\n"

/* reserve: x17 = tracing_reserve_entry(x17), through x17's saved slot */
asm(__PKVMKIT_TRACE_STUB(__pkvmkit_trace_reserve, tracing_reserve_entry,
			 "	mov	x0, x17\n", "	str	x0, [sp, #144]\n")
    __PKVMKIT_TRACE_STUB(__pkvmkit_trace_commit, tracing_commit_entry,
			 "", ""));
