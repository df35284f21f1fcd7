/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The hypervisor's own hyp events, in the form vendor modules write theirs
 * (asm/kvm_hypevents_defs.h): hyp/include/hyp/trace.h reads this list for
 * the trace_<name>() calls and the table of enabled flags, the driver's
 * hyp_events.c for the host side (names, formats). Their ids are their
 * places in this list, from 1; modules' events come after.
 */
#if !defined(__PKVMKIT_HYP_EVENTS_H__) || defined(HYP_EVENT_MULTI_READ)
#define __PKVMKIT_HYP_EVENTS_H__

/* A host hypercall, as the hypervisor takes it (static or a module's). */
HYP_EVENT(host_hcall,
	HE_PROTO(u64 id, u64 x1),
	HE_STRUCT(
		he_field(u64, id)
		he_field(u64, x1)
	),
	HE_ASSIGN(
		__entry->id = id;
		__entry->x1 = x1;
	),
	HE_PRINTK("id=0x%llx x1=0x%llx", __entry->id, __entry->x1)
);

/* ... and as it returns to the host. */
HYP_EVENT(host_hcall_ret,
	HE_PROTO(u64 id, u64 x0, u64 x1),
	HE_STRUCT(
		he_field(u64, id)
		he_field(u64, x0)
		he_field(u64, x1)
	),
	HE_ASSIGN(
		__entry->id = id;
		__entry->x0 = x0;
		__entry->x1 = x1;
	),
	HE_PRINTK("id=0x%llx x0=0x%llx x1=0x%llx", __entry->id, __entry->x0,
		  __entry->x1)
);

/*
 * A host SMC, as the hypervisor takes it (before the PSCI relay, the
 * modules' handlers or the firmware see it): one trace point, on entry,
 * so that the SMC path pays a load and a branch while it is off.
 */
HYP_EVENT(host_smc,
	HE_PROTO(u64 id, u64 x1),
	HE_STRUCT(
		he_field(u64, id)
		he_field(u64, x1)
	),
	HE_ASSIGN(
		__entry->id = id;
		__entry->x1 = x1;
	),
	HE_PRINTK("id=0x%llx x1=0x%llx", __entry->id, __entry->x1)
);
#endif
