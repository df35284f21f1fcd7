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
