/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * pkvmkit: the hyp-tracing ABI, shared by the hypervisor, its host driver
 * and vendor modules' EL2 code (through asm/kvm_hypevents_defs.h). Plain C
 * types only: it is built freestanding at EL2 and in the kernel.
 *
 * Each CPU has a ring: one header page, then HYP_TRACE_DATA_PAGES data
 * pages, which the hypervisor owns and shares read-only with the host.
 * Only that CPU's hypervisor writes it. A record never crosses a data
 * page; the space a record does not fit in at the end of a page is
 * skipped (with a PAD record when it is at least a record header long),
 * so a reader can always start again at a page boundary.
 */
#ifndef __ASM_PKVMKIT_HYPTRACE_H__
#define __ASM_PKVMKIT_HYPTRACE_H__

#define HYP_TRACE_MAGIC		0x706b766d74726331ULL	/* "pkvmtrc1" */
#define HYP_TRACE_DATA_PAGES	7
#define HYP_TRACE_CPU_PAGES	(1 + HYP_TRACE_DATA_PAGES)
#define HYP_TRACE_PAGE_SIZE	4096

/* The first page of a CPU's ring. */
struct hyp_trace_header {
	unsigned long long magic;
	unsigned long long data_pages;	/* HYP_TRACE_DATA_PAGES */
	/*
	 * Bytes ever committed, records and skips: the next record starts
	 * at head % (data_pages * page size). Stored with release after
	 * the record, so a reader that loads it with acquire sees it all.
	 */
	unsigned long long head;
	unsigned long long dropped;	/* events too large for a page */
};

/* Before each record's payload, 8-byte aligned. */
struct hyp_trace_rec {
	unsigned int len;		/* whole record, header included, 8-aligned */
	unsigned int flags;		/* HYP_TRACE_REC_* */
	unsigned long long ts;		/* CNTPCT_EL0 when reserved */
};
#define HYP_TRACE_REC_PAD	1	/* no payload: skip to the next page */

/* The payload's first member, which the event's id goes in. */
struct hyp_entry_hdr {
	unsigned short id;
};

/*
 * One per event in a vendor module's .hyp.event_ids (written by
 * nvhe/define_events.h) and in the hypervisor's own table. The host's
 * loader writes @id before the module goes to EL2, matching @name with
 * the event of the same name on the module's EL1 side; @data is the
 * event's enabled flag (a 32-bit word), which the hypervisor sets when
 * the host enables the event.
 */
struct hyp_event_id {
	unsigned short id;
	void *data;
	const char *name;
};

#define HYP_EVENT_NAME_MAX	32
/* Ids: 0 is none; the hypervisor's own events come first. */
#define HYP_EVENT_ID_NONE	0
#define HYP_EVENT_ID_MAX	1023

#if defined(__KERNEL__) && !defined(__KVM_NVHE_HYPERVISOR__)
#include <linux/types.h>

/* A field of an event's record, for its tracefs format file. */
struct hyp_event_field {
	const char *type;
	const char *name;
	unsigned short size;
	unsigned short align;
	bool is_signed;
};

/*
 * The host's side of an event (asm/kvm_define_hypevents.h writes one per
 * HYP_EVENT): its name, how its record prints, and, once a loader has
 * given it one, its id.
 */
struct hyp_event {
	const char *name;
	const struct hyp_event_field *fields;	/* ends with a NULL name */
	const char *print_fmt;			/* for the format file */
	int (*print)(char *buf, size_t size, const void *entry);
	unsigned short entry_size;		/* the record's payload */
	unsigned short id;
};
#endif

#endif /* __ASM_PKVMKIT_HYPTRACE_H__ */
