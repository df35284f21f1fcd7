/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * pkvmkit: the host's side of a vendor module's hyp events, in its EL1
 * code, as on Android's kernels:
 *
 *	#define HYP_EVENT_FILE <path of the module's events header>
 *	#include <asm/kvm_define_hypevents.h>
 *
 * in the file that calls pkvm_load_el2_module(), after asm/kvm_pkvm_module.h:
 * for each HYP_EVENT() a struct hyp_event (name, fields, how a record
 * prints), and the table of them that pkvm_load_el2_module() hands the
 * loader, which matches them
 * by name with the module's EL2 events and lists them under
 * /sys/kernel/tracing/hyp/events/hyp/. One events header per module.
 */
#include <linux/kernel.h>
#include <linux/overflow.h>
#include <linux/stringify.h>
#include "kvm_hypevents_defs.h"

#ifndef HYP_EVENT_FILE
#error "define HYP_EVENT_FILE, the module's events header, before including asm/kvm_define_hypevents.h"
#endif

/* 1. each record's layout, and how it prints */
#undef HYP_EVENT
#define HYP_EVENT(__name, __proto, __struct, __assign, __printk)	\
	HYP_EVENT_FORMAT(__name, __struct);				\
	static int hyp_event_print_##__name(char *buf, size_t size,	\
					    const void *rec)		\
	{								\
		const struct trace_hyp_format_##__name *__entry = rec;	\
									\
		(void)__entry;						\
		return snprintf(buf, size, __printk);			\
	}
#define HYP_EVENT_MULTI_READ
#include __stringify(HYP_EVENT_FILE)

/* 2. its fields, for the format file */
#undef he_field
#define he_field(_type, _item)						\
	{ .type = #_type, .name = #_item, .size = sizeof(_type),	\
	  .align = __alignof__(_type), .is_signed = is_signed_type(_type) },
#undef HYP_EVENT
#define HYP_EVENT(__name, __proto, __struct, __assign, __printk)	\
	static const struct hyp_event_field hyp_event_fields_##__name[] = { \
		__struct						\
		{}							\
	};
#include __stringify(HYP_EVENT_FILE)

/* 3. the event, with its print format as the format file shows it */
#undef HE_PRINTK
#define HE_PRINTK(fmt, args...)	"\"" fmt "\", " __stringify(args)
#define __entry REC
#undef HYP_EVENT
#define HYP_EVENT(__name, __proto, __struct, __assign, __printk)	\
	static struct hyp_event hyp_event_##__name = {			\
		.name		= #__name,				\
		.fields		= hyp_event_fields_##__name,		\
		.print_fmt	= __printk,				\
		.print		= hyp_event_print_##__name,		\
		.entry_size	= sizeof(struct trace_hyp_format_##__name), \
	};
#include __stringify(HYP_EVENT_FILE)
#undef __entry

/*
 * 4. the table pkvm_load_el2_module() passes on: a NULL-terminated array
 * of the events, built as a struct of pointers (each HYP_EVENT() of an
 * events header ends with ';', which no initializer list allows)
 */
#undef HYP_EVENT
#define HYP_EVENT(__name, __proto, __struct, __assign, __printk)	\
	struct hyp_event *__name
static struct __pkvm_hyp_events_table {
#include __stringify(HYP_EVENT_FILE)
	struct hyp_event *end;
} __pkvm_hyp_events_table __maybe_unused;

#undef HYP_EVENT
#define HYP_EVENT(__name, __proto, __struct, __assign, __printk)	\
	__pkvm_hyp_events_table.__name = &hyp_event_##__name
static inline struct hyp_event *const *__pkvm_hyp_events_get(void)
{
#include __stringify(HYP_EVENT_FILE)
	__pkvm_hyp_events_table.end = NULL;
	return (struct hyp_event *const *)&__pkvm_hyp_events_table;
}
#undef __pkvm_module_hyp_events
#define __pkvm_module_hyp_events	__pkvm_hyp_events_get()

#undef HYP_EVENT_MULTI_READ
#undef HYP_EVENT
#undef HE_PRINTK
#define HE_PRINTK(args...)	args
#undef he_field
#define he_field(type, item)	type item;
