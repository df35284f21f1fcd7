/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * pkvmkit: the macros a hyp events header is written with, as on Android's
 * kernels:
 *
 *	HYP_EVENT(name,
 *		HE_PROTO(u64 smc_id),
 *		HE_STRUCT(he_field(u64, smc_id)),
 *		HE_ASSIGN(__entry->smc_id = smc_id;),
 *		HE_PRINTK("smc_id = 0x%08llx", __entry->smc_id));
 *
 * Each includer defines HYP_EVENT for its pass: nvhe/trace.h (the EL2
 * trace_<name>() calls), nvhe/define_events.h (the EL2 ids and enabled
 * flags), asm/kvm_define_hypevents.h (the host's side: names, formats).
 */
#ifndef __ARM64_KVM_HYPEVENTS_DEFS_H__
#define __ARM64_KVM_HYPEVENTS_DEFS_H__

#include "pkvmkit_hyptrace.h"

#define HE_PROTO(args...)	args
#define HE_STRUCT(args...)	args
#define HE_ASSIGN(args...)	args
#define HE_PRINTK(args...)	args
#define he_field(type, item)	type item;

/* The record an event writes: the id header, then its fields, in order. */
#define HYP_EVENT_FORMAT(__name, __struct)				\
	struct trace_hyp_format_##__name {				\
		struct hyp_entry_hdr hdr;				\
		__struct						\
	}

#endif /* __ARM64_KVM_HYPEVENTS_DEFS_H__ */
