// SPDX-License-Identifier: GPL-2.0-only
/*
 * Hyp tracing: each CPU writes its own ring (asm/pkvmkit_hyptrace.h), in
 * pages the hypervisor owns and shares read-only with the host, which
 * formats the records (driver/hyp_trace.c). Events are off until the
 * host enables them by id: the hypervisor's own (pkvmkit/hyp_events.h)
 * by their place in that list, a vendor module's through the
 * struct hyp_event_id entries of its .hyp.event_ids, which its loader
 * registers before the module's init runs.
 *
 * Only this CPU writes its ring and EL2 is never preempted, so a
 * reservation needs no lock; one that is still open (an event traced
 * while another is being written) gets NULL, which callers handle.
 */
#include <hyp/bug.h>
#include <hyp/module.h>
#include <hyp/module_calls.h>
#include <hyp/module_ops.h>
#include <hyp/spinlock.h>
#include <hyp/sysreg.h>
#include <hyp/trace.h>

#define RING_PAGE		HYP_TRACE_PAGE_SIZE
#define RING_SIZE		(HYP_TRACE_DATA_PAGES * RING_PAGE)
#define REC_SIZE		sizeof(struct hyp_trace_rec)
#define MAX_EVENT_RANGES	64

_Static_assert(HYP_TRACE_PAGE_SIZE == PKVMKIT_PAGE_SIZE, "ring pages");
_Static_assert(sizeof(struct hyp_trace_rec) == 16, "record header");

struct trace_ring {
	struct hyp_trace_header *hdr;
	u8 *data;
	u64 open_len;		/* the reservation not yet committed, or 0 */
};

struct event_range {
	struct hyp_event_id *start;
	struct hyp_event_id *end;
	s32 module;		/* whose image holds the array and the flags */
};

static struct trace_ring rings[HYP_MAX_CPUS];
static hyp_spinlock_t events_lock = HYP_LOCK_INIT(events_lock);
static struct event_range ranges[MAX_EVENT_RANGES];
static u32 nr_ranges;

struct hyp_core_events hyp_core_event_on;

/* The rings at @pa: HYP_TRACE_CPU_PAGES pages for each of @nr_slots. */
void hyp_trace_init(u64 pa, u64 nr_slots)
{
	struct hyp_trace_header *hdr;
	u64 i;

	for (i = 0; i < nr_slots && i < HYP_MAX_CPUS; i++) {
		hdr = (void *)(pa + i * HYP_TRACE_CPU_PAGES * RING_PAGE);
		hdr->data_pages = HYP_TRACE_DATA_PAGES;
		hdr->head = 0;
		hdr->dropped = 0;
		rings[i].hdr = hdr;
		rings[i].data = (u8 *)hdr + RING_PAGE;
		__atomic_store_n(&hdr->magic, HYP_TRACE_MAGIC, __ATOMIC_RELEASE);
	}
}

static void publish_head(struct hyp_trace_header *hdr, u64 head)
{
	__atomic_store_n(&hdr->head, head, __ATOMIC_RELEASE);
}

/* Records do not cross pages: skip what is left of this one. */
static u64 skip_to_next_page(struct trace_ring *r, u64 head)
{
	u64 room = RING_PAGE - head % RING_PAGE;
	struct hyp_trace_rec *pad = (void *)(r->data + head % RING_SIZE);

	if (room >= REC_SIZE) {
		pad->len = (u32)room;
		pad->flags = HYP_TRACE_REC_PAD;
		pad->ts = 0;
	}
	head += room;
	publish_head(r->hdr, head);
	return head;
}

void *hyp_trace_reserve(unsigned long length)
{
	struct trace_ring *r = &rings[this_cpu()->slot];
	struct hyp_trace_rec *rec;
	u64 need, head;

	if (!r->hdr || r->open_len)
		return NULL;
	need = (REC_SIZE + length + 7) & ~7UL;
	if (length > RING_PAGE || need > RING_PAGE) {
		r->hdr->dropped++;
		return NULL;
	}
	head = r->hdr->head;
	if (RING_PAGE - head % RING_PAGE < need)
		head = skip_to_next_page(r, head);
	rec = (void *)(r->data + head % RING_SIZE);
	rec->len = (u32)need;
	rec->flags = 0;
	rec->ts = read_sysreg(cntpct_el0);
	r->open_len = need;
	return rec + 1;
}

void hyp_trace_commit(void)
{
	struct trace_ring *r = &rings[this_cpu()->slot];

	if (!r->open_len)
		return;
	publish_head(r->hdr, r->hdr->head + r->open_len);
	r->open_len = 0;
}

/* ---- which events are on ------------------------------------------- */

static bool range_registered_locked(u64 start, u64 end)
{
	u32 i;

	hyp_assert_lock_held(&events_lock);
	for (i = 0; i < nr_ranges; i++)
		if ((u64)ranges[i].start == start && (u64)ranges[i].end == end)
			return true;
	return false;
}

/*
 * A module's struct hyp_event_id array [@start, @end): inside one
 * module's image (live, or whose init runs), whole entries. Registering
 * the same range again (an android15-6.6 module's
 * register_hyp_event_ids() after its loader's) is a no-op.
 */
int hyp_trace_register_ids(u64 start, u64 end)
{
	u64 size = end - start;
	s32 module;
	int ret = 0;

	if (end < start || start % 8 || size % sizeof(struct hyp_event_id))
		return -EINVAL;
	if (!size)
		return 0;
	hyp_spin_lock(&events_lock);
	module = hyp_module_owner_of(start, size);
	if (module == HYP_NO_MODULE)
		ret = -EINVAL;
	else if (range_registered_locked(start, end))
		ret = 0;
	else if (nr_ranges == MAX_EVENT_RANGES)
		ret = -ENOMEM;
	else
		ranges[nr_ranges++] = (struct event_range) {
			(void *)start, (void *)end, module };
	hyp_spin_unlock(&events_lock);
	return ret;
}

/*
 * A module's init failed: its ranges go, before the host gets its pages
 * back, so that no HC_TRACE_EVENT reads them any more.
 */
void hyp_trace_forget_module(s32 module)
{
	u32 i = 0;

	hyp_spin_lock(&events_lock);
	while (i < nr_ranges) {
		if (ranges[i].module == module)
			ranges[i] = ranges[--nr_ranges];
		else
			i++;
	}
	hyp_spin_unlock(&events_lock);
}

/*
 * entry.S serves module calls without C: with host_hcall(_ret) on, the
 * dynamic table's handlers are swapped for one that traces around them
 * (module_calls.c), so the fast path costs nothing while they are off.
 */
static void update_hcall_fast_path_locked(void)
{
	hyp_assert_lock_held(&events_lock);
	hyp_module_trace_calls(hyp_core_event_on.host_hcall |
			       hyp_core_event_on.host_hcall_ret);
}

/* A module event's flag: a word of its module's own image. */
static u32 *module_event_flag_locked(u64 id)
{
	struct hyp_event_id *e;
	u64 flag;
	u32 i;

	hyp_assert_lock_held(&events_lock);
	for (i = 0; i < nr_ranges; i++) {
		for (e = ranges[i].start; e < ranges[i].end; e++) {
			if (e->id != id)
				continue;
			flag = (u64)e->data;
			if (flag % 4 ||
			    hyp_module_owner_of(flag, 4) != ranges[i].module)
				return NULL;
			return (u32 *)flag;
		}
	}
	return NULL;
}

/* HC_TRACE_EVENT: the host turns event @id on (1) or off (0). */
int hyp_trace_enable_event(u64 id, u64 enable)
{
	u32 *flag;
	int ret = 0;

	if (enable > 1 || id == HYP_EVENT_ID_NONE || id > HYP_EVENT_ID_MAX)
		return -EINVAL;
	hyp_spin_lock(&events_lock);
	if (id <= HYP_NR_CORE_EVENTS) {
		__atomic_store_n((u32 *)&hyp_core_event_on + id - 1,
				 (u32)enable, __ATOMIC_RELAXED);
		update_hcall_fast_path_locked();
	} else {
		flag = module_event_flag_locked(id);
		if (flag)
			__atomic_store_n(flag, (u32)enable, __ATOMIC_RELAXED);
		else
			ret = -ENOENT;
	}
	hyp_spin_unlock(&events_lock);
	return ret;
}

/* ---- the hyp-tracing members of pkvm_module_ops ---------------------- */

/* android15-6.6: the module's event ids, as its loader registered them */
int hyp_op_register_hyp_event_ids(unsigned long start, unsigned long end)
{
	return hyp_trace_register_ids(start, end);
}

void *hyp_op_tracing_reserve_entry(unsigned long length)
{
	return hyp_trace_reserve(length);
}

void hyp_op_tracing_commit_entry(void)
{
	hyp_trace_commit();
}

/*
 * android16-6.12's trace_hyp_printk() goes through a table of formats
 * (.hyp.printk_fmts) that pkvmkit's loader does not collect yet: the
 * call does nothing (docs/vendor-modules.md).
 */
void hyp_op_tracing_mod_hyp_printk(u8 fmt_id, u64 a, u64 b, u64 c, u64 d)
{
	(void)fmt_id;
	(void)a;
	(void)b;
	(void)c;
	(void)d;
}
