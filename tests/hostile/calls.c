// SPDX-License-Identifier: GPL-2.0-only
/*
 * The calls: how each is made up, issued, and checked.
 *
 * Arguments are random, edge values or pfns of every kind of memory. The
 * only restraint is for calls that take a page from the host (donate,
 * share, the heap's top-up, and the set-up calls that would): they get
 * the fuzzer's own pages, or pfns where they must fail. Taking a random
 * kernel page away would crash the host kernel, which says nothing about
 * the hypervisor. The VM calls, made exactly as the host makes them, are
 * vm.c's, with their own model; made any other way (by SMC, with another
 * x0) they name nothing that exists. Calls that power a CPU or the
 * machine off or suspend it are never made; CPU_ON only names CPUs that
 * are online (held so) or that do not exist.
 */
#include "hostile.h"
#include <linux/cpu.h>
#include <linux/cpumask.h>
#include <linux/mm.h>
#include <linux/smp.h>
#include <asm/cputype.h>
#include "../../sdk/arch/arm64/include/asm/pkvmkit_hyptrace.h"

/* ---- randomness --------------------------------------------------------- */

u32 fz_rand32(struct fz_thread *t)
{
	return prandom_u32_state(&t->rnd);
}

u64 fz_rand64(struct fz_thread *t)
{
	return ((u64)fz_rand32(t) << 32) | fz_rand32(t);
}

/* 0 .. n-1 (n small: the modulo bias does not matter here) */
u32 fz_below(struct fz_thread *t, u32 n)
{
	return fz_rand32(t) % n;
}

bool fz_chance(struct fz_thread *t, u32 percent)
{
	return fz_below(t, 100) < percent;
}

static const u64 fz_edges[] = {
	0, 1, 2, 3, ~0UL, ~0UL - 1, 1UL << 63, (1UL << 63) - 1,
	~0UL << 12,			/* 2^64 - 2^12 */
	(~0UL << 12) >> 12, ~0UL >> 12, 0xffffffffUL, 1UL << 32,
	1UL << 36, 1UL << 40, 1UL << 48, 1UL << 52, 0x7fffffffUL,
	511, 512, 513, 0x40000, 0x80000,
};

u64 fz_edge(struct fz_thread *t)
{
	return fz_edges[fz_below(t, ARRAY_SIZE(fz_edges))];
}

/* ---- pfns of every kind --------------------------------------------------- */

/* QEMU virt devices (GIC distributor, redistributors, UART, RTC, ...). */
static const u64 fz_mmio_pa[] = {
	0x08000000, 0x08010000, 0x08020000, 0x080a0000, 0x09000000,
	0x09010000, 0x09030000, 0x0a000000, 0x10000000, 0x3eff0000,
	0x4010000000UL,
};

u64 fz_mmio_pfn(struct fz_thread *t)
{
	return (fz_mmio_pa[fz_below(t, ARRAY_SIZE(fz_mmio_pa))] >> PAGE_SHIFT) +
	       fz_below(t, 4);
}

/* Just outside RAM, in a hole between regions, or far beyond any PA. */
u64 fz_not_ram_pfn(struct fz_thread *t)
{
	const struct fz_range *r = &fz_env.ram[fz_below(t, fz_env.nr_ram)];

	switch (fz_below(t, 4)) {
	case 0:
		return r->end + fz_below(t, 16);
	case 1:
		return r->start - 1 - fz_below(t, 16);
	case 2:
		return (1UL << 36) - 1 - fz_below(t, 16);
	default:
		return fz_rand64(t) | (1UL << 40);
	}
}

static u64 fz_ram_pfn(struct fz_thread *t)
{
	const struct fz_range *r = &fz_env.ram[fz_below(t, fz_env.nr_ram)];

	return r->start + fz_rand64(t) % (r->end - r->start);
}

u64 fz_hyp_pfn(struct fz_thread *t)
{
	const struct fz_hyp_region *h = &fz_env.hyp[fz_below(t, fz_env.nr_hyp)];

	return h->pfn + fz_rand64(t) % h->nr;
}

/*
 * A page of one of @t's blocks; often one at a 2 MiB boundary (the first
 * of a host stage-2 block) or just before one.
 */
u64 fz_own_pfn(struct fz_thread *t, struct fz_block **blk)
{
	struct fz_block *b = &t->blocks[fz_below(t, t->nr_blocks)];
	u64 p = fz_rand64(t) % b->nr;

	*blk = b;
	switch (fz_below(t, 10)) {
	case 0: case 1:
		return b->pfn + round_down(p, SZ_2M >> PAGE_SHIFT);
	case 2:
		return b->pfn + (round_up(p + 1, SZ_2M >> PAGE_SHIFT) - 1) %
				b->nr;
	default:
		return b->pfn + p;
	}
}

static u64 fz_any_pfn(struct fz_thread *t)
{
	struct fz_block *b;

	switch (fz_below(t, 7)) {
	case 0:
		return fz_own_pfn(t, &b);
	case 1:
		return fz_ram_pfn(t);
	case 2:
		return fz_hyp_pfn(t);
	case 3:
		return fz_mmio_pfn(t);
	case 4:
		return fz_not_ram_pfn(t);
	case 5:
		return fz_edge(t);
	default:
		return fz_rand64(t);
	}
}

/* An argument for a register that moves no page. */
static u64 fz_arg(struct fz_thread *t)
{
	switch (fz_below(t, 10)) {
	case 0: case 1: case 2: case 3:
		return fz_rand64(t);
	case 4: case 5:
		return fz_edge(t);
	case 6: case 7:
		return fz_any_pfn(t);
	case 8:
		return fz_any_pfn(t) << PAGE_SHIFT;
	default:
		return fz_below(t, 1024);
	}
}

static void fz_random_args(struct fz_thread *t, struct fz_call *c)
{
	int i;

	for (i = 1; i < 8; i++)
		c->x[i] = fz_arg(t);
}

/* ---- issuing -------------------------------------------------------------- */

/*
 * SMCCC 1.1: x0..x7 in, x0..x3 out, x4..x17 may be clobbered. The register
 * variables are set right before the asm, with nothing in between that
 * could be a call. @insn is the instruction with its immediate.
 */
#define FZ_RAW_CALL(insn)						\
	asm volatile(insn						\
		     : "+r" (x0), "+r" (x1), "+r" (x2), "+r" (x3),	\
		       "+r" (x4), "+r" (x5), "+r" (x6), "+r" (x7)	\
		     :							\
		     : "x8", "x9", "x10", "x11", "x12", "x13", "x14",	\
		       "x15", "x16", "x17", "memory")

static __always_inline void fz_raw_call(const unsigned long *x,
					unsigned long *r, bool smc,
					enum fz_imm imm)
{
	register unsigned long x0 asm("x0") = x[0];
	register unsigned long x1 asm("x1") = x[1];
	register unsigned long x2 asm("x2") = x[2];
	register unsigned long x3 asm("x3") = x[3];
	register unsigned long x4 asm("x4") = x[4];
	register unsigned long x5 asm("x5") = x[5];
	register unsigned long x6 asm("x6") = x[6];
	register unsigned long x7 asm("x7") = x[7];

	switch (imm) {
	case FZ_IMM_0:
		if (smc)
			FZ_RAW_CALL("smc #0");
		else
			FZ_RAW_CALL("hvc #0");
		break;
	case FZ_IMM_1:
		if (smc)
			FZ_RAW_CALL("smc #1");
		else
			FZ_RAW_CALL("hvc #1");
		break;
	case FZ_IMM_MAX:
		if (smc)
			FZ_RAW_CALL("smc #0xffff");
		else
			FZ_RAW_CALL("hvc #0xffff");
		break;
	}
	r[0] = x0;
	r[1] = x1;
	r[2] = x2;
	r[3] = x3;
}

/* Issue @c on this CPU; c->cpu says which one it was. */
void fz_issue(struct fz_thread *t, struct fz_call *c)
{
	preempt_disable();
	fz_raw_call(c->x, c->r, c->smc, c->imm);
	c->cpu = smp_processor_id();
	preempt_enable();
	t->issued++;
}

/* A well-formed hypercall for the fuzzer's own bookkeeping; returns x1. */
unsigned long fz_hvc1(struct fz_thread *t, unsigned long id, unsigned long a1,
		      unsigned long a2, struct fz_call *c)
{
	*c = (struct fz_call){ .x = { id, a1, a2 } };
	fz_issue(t, c);
	return c->r[1];
}

/* ---- the fuzzer's pages: classes of ranges and their expected answers ---- */

enum fz_class {
	FZ_C_INVALID,	/* empty, wrapping or not all RAM: -EINVAL */
	FZ_C_HYP,	/* starts in the hypervisor's memory: -EPERM */
	FZ_C_OWN,	/* within one of this thread's blocks: the shadow says */
	FZ_C_HOST,	/* starts at a kernel page nobody gave the hypervisor */
	FZ_C_UNSAFE,	/* would touch pages of another thread, or beyond ours */
};

/* What an ownership-changing call was given. */
struct fz_xfer {
	enum fz_class cls;
	struct fz_block *blk;
	u64 pfn;
	u64 nr;
};

static const struct {
	u8 from;
	u8 to;
	enum fz_kind kind;
} fz_ops[] = {
	[FZ_OP_DONATE]	= { FZ_HOST, FZ_DONATED, FZ_V_DONATE },
	[FZ_OP_RECLAIM]	= { FZ_DONATED, FZ_HOST, FZ_V_RECLAIM },
	[FZ_OP_SHARE]	= { FZ_HOST, FZ_SHARED, FZ_V_SHARE },
	[FZ_OP_UNSHARE]	= { FZ_SHARED, FZ_HOST, FZ_V_UNSHARE },
};

struct fz_block *fz_own_block_of(struct fz_thread *t, u64 pfn)
{
	unsigned int i;

	for (i = 0; i < t->nr_blocks; i++)
		if (pfn >= t->blocks[i].pfn &&
		    pfn - t->blocks[i].pfn < t->blocks[i].nr)
			return &t->blocks[i];
	return NULL;
}

/* The shadow state of @pfn if it is one of @t's pages, else NULL. */
u8 *fz_own_state(struct fz_thread *t, u64 pfn)
{
	struct fz_block *b = fz_own_block_of(t, pfn);

	return b ? &b->state[pfn - b->pfn] : NULL;
}

/* Whether any page of the range is pinned (the page of a vCPU). */
static bool fz_range_pinned(const struct fz_block *b, u64 pfn, u64 nr)
{
	u64 i;

	for (i = pfn - b->pfn; i < pfn - b->pfn + nr; i++)
		if (b->pins[i])
			return true;
	return false;
}

static bool fz_range_has(const struct fz_block *b, u64 pfn, u64 nr, u8 state)
{
	u64 i;

	for (i = pfn - b->pfn; i < pfn - b->pfn + nr; i++)
		if (b->state[i] == state)
			return true;
	return false;
}

static bool fz_range_all(const struct fz_block *b, u64 pfn, u64 nr, u8 state)
{
	u64 i;

	for (i = pfn - b->pfn; i < pfn - b->pfn + nr; i++)
		if (b->state[i] != state)
			return false;
	return true;
}

/* The checks a transition makes, in the order the hypervisor makes them. */
static void fz_classify(struct fz_thread *t, struct fz_xfer *x)
{
	struct fz_block *b;

	x->blk = NULL;
	if (!fz_range_is_ram(x->pfn, x->nr)) {
		x->cls = FZ_C_INVALID;
		return;
	}
	if (fz_hyp_region_of(x->pfn)) {
		x->cls = FZ_C_HYP;
		return;
	}
	b = fz_own_block_of(t, x->pfn);
	if (b) {
		x->blk = b;
		x->cls = x->nr <= b->pfn + b->nr - x->pfn &&
			 !fz_range_has(b, x->pfn, x->nr, FZ_LOST) ?
			 FZ_C_OWN : FZ_C_UNSAFE;
		return;
	}
	x->cls = fz_is_fuzzer_pfn(x->pfn) ? FZ_C_UNSAFE : FZ_C_HOST;
}

/* A page count for a range starting at @pfn of block @b (or none). */
static u64 fz_count(struct fz_thread *t, const struct fz_block *b, u64 pfn)
{
	const struct fz_range *last = &fz_env.ram[fz_env.nr_ram - 1];

	switch (fz_below(t, 10)) {
	case 0: case 1: case 2: case 3: case 4:
		return 1;
	case 5: case 6:
		return b ? 1 + fz_rand64(t) % (b->pfn + b->nr - pfn) : 1;
	case 7:	/* past the end of RAM: must fail */
		return pfn < last->end ? last->end - pfn + fz_below(t, 4096) :
					 1;
	case 8:	/* wraps, or is empty */
		return fz_chance(t, 50) ? ~0UL - pfn + 1 + fz_below(t, 8) : 0;
	default:
		return fz_edge(t);
	}
}

/*
 * A range for a call that takes pages from the host: the shadow decides
 * the answer (own pages), or it must fail. Never a kernel page.
 */
static void fz_taking_range(struct fz_thread *t, struct fz_xfer *x)
{
	int tries;

	for (tries = 0; tries < 16; tries++) {
		struct fz_block *b = NULL;

		switch (fz_below(t, 8)) {
		case 0: case 1: case 2: case 3:
			x->pfn = fz_own_pfn(t, &b);
			break;
		case 4:
			x->pfn = fz_hyp_pfn(t);
			break;
		case 5:
			x->pfn = fz_mmio_pfn(t);
			break;
		case 6:
			x->pfn = fz_not_ram_pfn(t);
			break;
		default:
			x->pfn = fz_chance(t, 50) ? fz_edge(t) : fz_ram_pfn(t);
			break;
		}
		x->nr = fz_count(t, b, x->pfn);
		fz_classify(t, x);
		if (x->cls != FZ_C_HOST && x->cls != FZ_C_UNSAFE)
			return;
	}
	x->pfn = fz_env.ram[fz_env.nr_ram - 1].end;
	x->nr = 1;
	fz_classify(t, x);
}

/*
 * A range for a call that gives pages back (reclaim, unshare): anything
 * but pages of another thread, whose shadow this one cannot update.
 */
static void fz_giving_range(struct fz_thread *t, struct fz_xfer *x)
{
	int tries;

	for (tries = 0; tries < 16; tries++) {
		struct fz_block *b = NULL;

		x->pfn = fz_chance(t, 50) ? fz_own_pfn(t, &b) : fz_any_pfn(t);
		x->nr = fz_count(t, b ? b : fz_own_block_of(t, x->pfn), x->pfn);
		fz_classify(t, x);
		if (x->cls != FZ_C_UNSAFE)
			return;
	}
	x->pfn = fz_not_ram_pfn(t);
	x->nr = 1;
	fz_classify(t, x);
}

/* The heap keeps its page for good: only pages where it must fail. */
static void fz_pvm_page(struct fz_thread *t, struct fz_xfer *x)
{
	int tries;

	for (tries = 0; tries < 16; tries++) {
		fz_taking_range(t, x);
		x->nr = 1;
		fz_classify(t, x);
		if (x->cls == FZ_C_OWN && x->blk->state[x->pfn - x->blk->pfn] ==
					  FZ_HOST)
			continue;
		if (x->cls != FZ_C_HOST && x->cls != FZ_C_UNSAFE)
			return;
	}
	x->pfn = fz_mmio_pfn(t);
	fz_classify(t, x);
}

long fz_expected_page_state(u8 own)
{
	switch (own) {
	case FZ_DONATED:
	case FZ_VM_HYP:
		return PAGE_HYP_OWNED;
	case FZ_SHARED:
		return PAGE_HOST_SHARED;
	case FZ_GUEST_OWNED:
		return PAGE_GUEST_OWNED;
	case FZ_GUEST_SHARED:
		return PAGE_HOST_SHARED_GUEST;
	default:
		return PAGE_HOST_OWNED;
	}
}

/*
 * After a wrong answer: believe the hypervisor's page states where they
 * say what the page is; a hypervisor page that may be a VM's, a pinned
 * page or a guest's is lost (never used again, never freed).
 */
void fz_resync(struct fz_thread *t, struct fz_block *b, u64 pfn, u64 nr)
{
	struct fz_call c;
	u64 i;

	for (i = pfn - b->pfn; i < pfn - b->pfn + nr; i++) {
		long state = fz_hvc1(t, HC_ID(HC_PAGE_STATE), b->pfn + i, 0, &c);

		if (state == PAGE_HOST_OWNED)
			b->state[i] = FZ_HOST;
		else if (state == PAGE_HYP_OWNED && b->state[i] == FZ_DONATED)
			b->state[i] = FZ_DONATED;
		else if (state == PAGE_HOST_SHARED && !b->pins[i])
			b->state[i] = FZ_SHARED;
		else
			b->state[i] = FZ_LOST;
	}
}

/* HC_PAGE_STATE of @pfn must match the shadow. */
static void fz_verify_own_page(struct fz_thread *t, struct fz_block *b, u64 pfn)
{
	long want = fz_expected_page_state(b->state[pfn - b->pfn]);
	struct fz_call c;

	if ((long)fz_hvc1(t, HC_ID(HC_PAGE_STATE), pfn, 0, &c) != want ||
	    c.r[0] != SMCCC_RET_SUCCESS) {
		fz_violation(FZ_V_PAGE_STATE, &c, "after a transition");
		fz_resync(t, b, pfn, 1);
	}
}

static bool fz_transition_ok(const struct fz_xfer *x, enum fz_op op, long ret)
{
	switch (x->cls) {
	case FZ_C_INVALID:
		return ret == -EINVAL;
	case FZ_C_HYP:
		return ret == -EPERM;
	case FZ_C_HOST:
		/* only give-back calls get here: nothing to give back */
		return ret == -EPERM || (op == FZ_OP_UNSHARE && ret == -EBUSY);
	case FZ_C_OWN:
		if (!fz_range_all(x->blk, x->pfn, x->nr, fz_ops[op].from))
			return ret == -EPERM;
		/* a vCPU's page stays shared while the vCPU lives */
		if (op == FZ_OP_UNSHARE &&
		    fz_range_pinned(x->blk, x->pfn, x->nr))
			return ret == -EBUSY;
		return ret == 0 || ret == -ENOMEM;
	default:
		return false;
	}
}

static void fz_check_transition(struct fz_thread *t, const struct fz_call *c,
				const struct fz_xfer *x, enum fz_op op)
{
	long ret = c->r[1];
	u64 i;

	if (!fz_transition_ok(x, op, ret)) {
		fz_violation(fz_ops[op].kind, c, "unexpected result");
		if (x->cls == FZ_C_OWN)
			fz_resync(t, x->blk, x->pfn, x->nr);
		return;
	}
	if (x->cls != FZ_C_OWN || ret == -EPERM || ret == -EBUSY)
		return;
	if (ret == -ENOMEM) {
		t->nomem++;
		return;
	}
	t->moved[op]++;
	for (i = x->pfn - x->blk->pfn; i < x->pfn - x->blk->pfn + x->nr; i++)
		x->blk->state[i] = fz_ops[op].to;
	fz_verify_own_page(t, x->blk, x->pfn);
	if (x->nr > 1)
		fz_verify_own_page(t, x->blk, x->pfn + x->nr - 1);
}

static void fz_check_page_state(struct fz_thread *t, const struct fz_call *c)
{
	struct fz_xfer x = { .pfn = c->x[1], .nr = 1 };
	const struct fz_hyp_region *h;
	long ret = c->r[1];
	bool ok;

	fz_classify(t, &x);
	switch (x.cls) {
	case FZ_C_INVALID:
		ok = ret == -EINVAL;
		break;
	case FZ_C_HYP:
		h = fz_hyp_region_of(x.pfn);
		/* the log and the trace rings: read-only to the host */
		ok = ret == (strcmp(h->name, "log") && strcmp(h->name, "trace") ?
			     PAGE_HYP_OWNED : PAGE_HYP_SHARED);
		break;
	case FZ_C_OWN:
		ok = ret == fz_expected_page_state(x.blk->state[x.pfn - x.blk->pfn]);
		break;
	case FZ_C_UNSAFE:	/* another thread's page, maybe a VM's */
		ok = ret >= PAGE_HOST_OWNED && ret < PAGE_STATE_COUNT &&
		     ret != PAGE_HYP_SHARED;
		break;
	default:
		ok = ret >= PAGE_HOST_OWNED && ret < PAGE_STATE_COUNT;
		break;
	}
	if (!ok)
		fz_violation(FZ_V_PAGE_STATE, c, "HC_PAGE_STATE");
}

/* ---- the vendor-hypervisor range ----------------------------------------- */

/*
 * A refused HVC gives back x1..x3 as they were: whatever else came back
 * would be the hypervisor's data (its stack, pointers, another CPU's).
 */
static void fz_check_refused_regs(const struct fz_call *c)
{
	if (c->r[1] != c->x[1] || c->r[2] != c->x[2] || c->r[3] != c->x[3])
		fz_violation(FZ_V_REFUSED_REGS, c, "refused, yet x1..x3 changed");
}

static bool fz_is_setup_call(unsigned int n)
{
	return (n >= HC_SETUP_PING && n <= HC_PROT_FINALIZE) ||
	       n == HC_MARK_INSECURE;
}

static void fz_check_ping(const struct fz_call *c)
{
	u64 mpidr = fz_env.mpidr[c->cpu] & FZ_MPIDR_AFF_MASK;

	if (c->r[1] != HC_PING_MAGIC ||
	    (fz_env.known[c->cpu] && (c->r[2] != fz_env.slot[c->cpu] ||
				      (c->r[3] & FZ_MPIDR_AFF_MASK) != mpidr)))
		fz_violation(FZ_V_PING, c, "magic, slot or MPIDR");
}

static void fz_check_state_count(const struct fz_call *c)
{
	long ret = c->r[1];

	if (c->x[1] >= PAGE_STATE_COUNT ? ret != -EINVAL :
					  c->r[1] > fz_env.page_total)
		fz_violation(FZ_V_STATE_COUNT, c, "HC_STATE_COUNT");
}

/*
 * A page for the EL2 heap goes for good: only pages where it must fail
 * are given (as for HC_VM_CREATE), so it must fail.
 */
static void fz_check_heap_topup(const struct fz_call *c,
				const struct fz_xfer *x)
{
	long ret = c->r[1];

	if (x->cls == FZ_C_INVALID ? ret != -EINVAL : ret != -EPERM)
		fz_violation(FZ_V_HEAP_TOPUP, c, "must fail");
}

/* The hypervisor's own hyp events, counted from their list. */
#define HYP_EVENT(name, proto, fields, assign, printk)	char name
#define HYP_EVENT_MULTI_READ
struct fz_core_events {
#include <pkvmkit/hyp_events.h>
};
#undef HYP_EVENT_MULTI_READ
#undef HYP_EVENT

/*
 * With no module loaded, the only hyp events are the hypervisor's own
 * (ids 1.., pkvmkit/hyp_events.h): those switch, other ids do not exist,
 * and anything but 0/1 or an id out of range is invalid.
 */
static void fz_check_trace_event(const struct fz_call *c)
{
	long ret = c->r[1], want;

	if (c->x[2] > 1 || c->x[1] == HYP_EVENT_ID_NONE ||
	    c->x[1] > HYP_EVENT_ID_MAX)
		want = -EINVAL;
	else
		want = c->x[1] <= sizeof(struct fz_core_events) ? 0 : -ENOENT;
	if (ret != want)
		fz_violation(FZ_V_TRACE_EVENT, c, "wrong answer");
}

/* An answer to a static, always-available call (x0 already SUCCESS). */
static void fz_check_static(struct fz_thread *t, const struct fz_call *c,
			    unsigned int n, const struct fz_xfer *x)
{
	switch (n) {
	case HC_PING:
		fz_check_ping(c);
		break;
	case HC_CPU_STATE:
		if (c->r[1] != (HC_CPU_INSTALLED | HC_CPU_STAGE2 |
				HC_CPU_HOST_DEPRIV))
			fz_violation(FZ_V_CPU_STATE, c, "flags");
		break;
	case HC_HOST_DONATE_HYP:
		fz_check_transition(t, c, x, FZ_OP_DONATE);
		break;
	case HC_HOST_RECLAIM:
		fz_check_transition(t, c, x, FZ_OP_RECLAIM);
		break;
	case HC_HOST_SHARE_HYP:
		fz_check_transition(t, c, x, FZ_OP_SHARE);
		break;
	case HC_HOST_UNSHARE_HYP:
		fz_check_transition(t, c, x, FZ_OP_UNSHARE);
		break;
	case HC_PAGE_STATE:
		fz_check_page_state(t, c);
		break;
	case HC_STATE_COUNT:
		fz_check_state_count(c);
		break;
	case HC_HEAP_TOPUP:
		fz_check_heap_topup(c, x);
		break;
	case HC_TRACE_EVENT:
		fz_check_trace_event(c);
		break;
	case HC_SECURITY_STATE:
		if (c->r[1] != fz_env.secure)
			fz_violation(FZ_V_SECURITY, c, "changed");
		break;
	case HC_HOOK_INFO:	/* no module loaded: no hook, of any kind */
		if (c->r[1])
			fz_violation(FZ_V_HOOK_INFO, c, "a hook is set");
		break;
	default:	/* HC_MEM_STATS, HC_HEAP_STATS: any numbers */
		break;
	}
}

/* The answer to HVC #0 with x0 exactly 0xC6000000 | n. */
static void fz_check_vendor(struct fz_thread *t, const struct fz_call *c,
			    unsigned int n, const struct fz_xfer *x)
{
	bool refused = c->r[0] == SMCCC_RET_NOT_SUPPORTED;

	if (refused)
		fz_check_refused_regs(c);
	if (fz_is_setup_call(n)) {
		if (!refused)
			fz_violation(FZ_V_SETUP_ACCEPTED, c, "after deprivilege");
	} else if (n >= HC_FIRST_DYNAMIC &&
		   n < HC_FIRST_DYNAMIC + HC_MAX_DYNAMIC) {
		/* no vendor module is loaded: every slot is free */
		if (!refused)
			fz_violation(FZ_V_DYNAMIC_ACCEPTED, c, "no module loaded");
	} else if (n == 0 || n >= HC_NR_STATIC) {
		if (!refused)
			fz_violation(FZ_V_UNKNOWN_ACCEPTED, c, "no such call");
	} else if (c->r[0] != SMCCC_RET_SUCCESS) {
		fz_violation(FZ_V_BAD_STATUS, c, "x0 of a static call");
	} else {
		fz_check_static(t, c, n, x);
	}
}

/*
 * Arguments shaped by the function number, whatever the rest of x0 says:
 * should the hypervisor take a call that is not exactly its own, the
 * page it moves is still one whose loss proves something.
 */
static void fz_shape_args(struct fz_thread *t, struct fz_call *c,
			  struct fz_xfer *x)
{
	fz_random_args(t, c);
	x->cls = FZ_C_INVALID;
	if (fz_is_vm_call(HC_FUNC_NUM(c->x[0]))) {
		fz_vm_harmless_args(t, c);
		return;
	}
	switch (HC_FUNC_NUM(c->x[0])) {
	case HC_HOST_DONATE_HYP:
	case HC_HOST_SHARE_HYP:
	case HC_MAP_MODULE_PAGE:
		fz_taking_range(t, x);
		break;
	case HC_HOST_RECLAIM:
	case HC_HOST_UNSHARE_HYP:
		fz_giving_range(t, x);
		break;
	case HC_HEAP_TOPUP:
		fz_pvm_page(t, x);
		break;
	case HC_TEST_PANIC:
		if (fz_chance(t, 50))
			c->x[1] = HC_PING_MAGIC;
		return;
	case HC_INIT_MODULE:
	case HC_DROP_MODULE:
	case HC_REGISTER_HCALL:	/* somewhere in the hypervisor's text */
		if (fz_chance(t, 50))
			c->x[1] = (1UL << 47) + (fz_rand32(t) & ~3U) % SZ_1M;
		return;
	case HC_STATE_COUNT:
		if (fz_chance(t, 70))
			c->x[1] = fz_below(t, PAGE_STATE_COUNT + 2);
		return;
	case HC_TRACE_EVENT:	/* mostly ids near the real ones, 0/1 */
		if (fz_chance(t, 70)) {
			c->x[1] = fz_below(t, 8);
			c->x[2] = fz_below(t, 3);
		}
		return;
	default:
		return;
	}
	c->x[1] = x->pfn;
	c->x[2] = x->nr;
}

/* A call whose x0 may or may not be one of the hypervisor's own. */
static void fz_vendor_call(struct fz_thread *t, unsigned long id, bool smc);

/* ---- PSCI and SMCs ------------------------------------------------------- */

/* Functions never called: they power off, reset or suspend. */
static bool fz_psci_fn_forbidden(u32 n)
{
	switch (n) {
	case 0x1:	/* CPU_SUSPEND */
	case 0x2:	/* CPU_OFF */
	case 0x8:	/* SYSTEM_OFF */
	case 0x9:	/* SYSTEM_RESET */
	case 0xb:	/* CPU_FREEZE */
	case 0xc:	/* CPU_DEFAULT_SUSPEND */
	case 0xe:	/* SYSTEM_SUSPEND */
	case 0x12:	/* SYSTEM_RESET2 */
	case 0x13:	/* MEM_PROTECT */
	case 0x15:	/* SYSTEM_OFF2 */
		return true;
	default:
		return false;
	}
}

static bool fz_is_psci_02(u32 fn)
{
	return ((fn & ~0x1fU) == FZ_PSCI_32 || (fn & ~0x1fU) == FZ_PSCI_64);
}

static bool fz_is_psci01(u32 fn, enum fz_psci01 which)
{
	return fz_env.has_psci01[which] && fz_env.psci01[which] == fn;
}

/*
 * Ids only fz_cpu_on() may use (CPU_ON), or nobody: judged on the low 32
 * bits, which is all the relay and SMCCC look at.
 */
static bool fz_id_reserved(unsigned long x0)
{
	u32 fn = x0;

	if (fz_is_psci_02(fn) && (fz_psci_fn_forbidden(fn & 0x1f) ||
				  (fn & 0x1f) == FZ_PSCI_CPU_ON))
		return true;
	return fz_is_psci01(fn, FZ_P01_CPU_ON) ||
	       fz_is_psci01(fn, FZ_P01_CPU_OFF) ||
	       fz_is_psci01(fn, FZ_P01_CPU_SUSPEND);
}

static bool fz_is_psci(u32 fn)
{
	return fz_is_psci_02(fn) || fz_is_psci01(fn, FZ_P01_MIGRATE) ||
	       fz_id_reserved(fn);
}

/*
 * What came back from the firmware through the relay. QEMU's firmware
 * answers NOT_SUPPORTED to everything but PSCI (and Arm architecture
 * calls, owner 0, which it may implement): anything else means the
 * hypervisor answered, or changed the call on the way.
 */
static void fz_check_smc(const struct fz_call *c)
{
	u32 fn = c->x[0];

	if (c->x[0] == (FZ_PSCI_32 | FZ_PSCI_VERSION)) {
		if (c->r[0] != fz_env.psci_version)
			fz_violation(FZ_V_PSCI_VERSION, c, "changed");
		return;
	}
	if (fz_is_psci(fn) || ((fn >> FZ_SMCCC_OWNER_SHIFT) & 0x3f) == 0)
		return;
	if (c->r[0] != SMCCC_RET_NOT_SUPPORTED)
		fz_violation(FZ_V_SMC_ANSWER, c, "firmware answers NOT_SUPPORTED");
}

/*
 * By HVC, a PSCI id goes to the relay as it would by SMC (either conduit
 * may be the one the device tree names), so it is judged as one;
 * everything else that is not 0xC6000000 | n is refused.
 */
static void fz_check_foreign_hvc(const struct fz_call *c)
{
	if (fz_is_psci((u32)c->x[0])) {
		fz_check_smc(c);
		return;
	}
	if (c->r[0] == SMCCC_RET_NOT_SUPPORTED)
		fz_check_refused_regs(c);
	else
		fz_violation(FZ_V_UNKNOWN_ACCEPTED, c, "not a vendor-hyp id");
}

/* An MPIDR no CPU has: Aff3 or a high Aff2, which QEMU's virt never uses. */
static u64 fz_absent_mpidr(struct fz_thread *t)
{
	u64 m;
	int cpu;

again:
	m = fz_rand64(t) & FZ_MPIDR_AFF_MASK;
	if (fz_chance(t, 50))
		m |= 0x800000;
	if (!(m & 0xff00000000UL) && !(m & 0x800000))
		goto again;
	for (cpu = 0; cpu < nr_cpu_ids; cpu++)
		if (fz_env.known[cpu] &&
		    (fz_env.mpidr[cpu] & FZ_MPIDR_AFF_MASK) == m)
			goto again;
	return m;
}

/* Caller holds cpus_read_lock(). -1 if no known CPU is online. */
static int fz_online_known_cpu(struct fz_thread *t)
{
	int cpu, n = fz_below(t, num_online_cpus());

	for_each_online_cpu(cpu)
		if (n-- == 0)
			return fz_env.known[cpu] ? cpu : -1;
	return -1;
}

/*
 * CPU_ON for a CPU that is on (hotplug held off, so it stays on: the
 * relay must say ALREADY_ON without asking the firmware) or for one that
 * does not exist (an error; no slot of a real CPU may be taken for it).
 */
static void fz_cpu_on(struct fz_thread *t)
{
	struct fz_call c = { .smc = fz_chance(t, 85) };
	bool online = fz_chance(t, 50);
	int cpu;

	switch (fz_below(t, 3)) {
	case 0:
		c.x[0] = FZ_PSCI_32 | FZ_PSCI_CPU_ON;
		break;
	case 1:
		c.x[0] = FZ_PSCI_64 | FZ_PSCI_CPU_ON;
		break;
	default:
		c.x[0] = fz_env.has_psci01[FZ_P01_CPU_ON] ?
			 fz_env.psci01[FZ_P01_CPU_ON] :
			 FZ_PSCI_64 | FZ_PSCI_CPU_ON;
		break;
	}
	c.x[2] = fz_arg(t);
	c.x[3] = fz_arg(t);
	cpus_read_lock();
	cpu = online ? fz_online_known_cpu(t) : -1;
	if (cpu >= 0) {
		c.x[1] = fz_env.mpidr[cpu];
		if (fz_chance(t, 30))	/* MT, U, RES1: not affinity */
			c.x[1] |= (u64)fz_rand32(t) << 24 & 0xff000000UL;
	} else {
		online = false;
		c.x[1] = fz_absent_mpidr(t);
	}
	fz_issue(t, &c);
	cpus_read_unlock();

	/* the same answer by either conduit: both reach the relay */
	if (online ? (long)c.r[0] != FZ_PSCI_RET_ALREADY_ON :
			  (long)c.r[0] != FZ_PSCI_RET_INVALID_PARAMS &&
			  (long)c.r[0] != FZ_PSCI_RET_INTERNAL_FAILURE)
		fz_violation(FZ_V_CPU_ON, &c, online ? "target is on" :
						       "no such CPU");
}

/* A PSCI argument: MPIDRs, function ids, addresses, anything. */
static u64 fz_psci_arg(struct fz_thread *t)
{
	int cpu = fz_below(t, nr_cpu_ids);

	switch (fz_below(t, 5)) {
	case 0:
		return fz_env.known[cpu] ? fz_env.mpidr[cpu] : 0;
	case 1:
		return (fz_chance(t, 50) ? FZ_PSCI_32 : FZ_PSCI_64) |
		       fz_below(t, FZ_PSCI_NR_FNS);
	case 2:
		return fz_below(t, 4);
	default:
		return fz_arg(t);
	}
}

/* Any PSCI function that neither powers down nor starts a CPU. */
static void fz_psci_call(struct fz_thread *t)
{
	struct fz_call c = { .smc = fz_chance(t, 80) };
	int i;

	do {
		if (fz_chance(t, 10) && fz_env.has_psci01[FZ_P01_MIGRATE])
			c.x[0] = fz_env.psci01[FZ_P01_MIGRATE];
		else
			c.x[0] = (fz_chance(t, 50) ? FZ_PSCI_32 : FZ_PSCI_64) |
				 fz_below(t, FZ_PSCI_NR_FNS);
	} while (fz_id_reserved(c.x[0]));
	for (i = 1; i < 8; i++)
		c.x[i] = fz_psci_arg(t);
	fz_issue(t, &c);
	if (c.smc)
		fz_check_smc(&c);
	else
		fz_check_foreign_hvc(&c);
}

/*
 * Linux's hyp-stub calls (x0 = 0..15: set vectors, soft restart, reset
 * vectors, ...) and our init handshake: refused for good once installed.
 * x1 points at places that would hurt if taken: the hypervisor's image
 * (its init vectors are in it), the boot parameters, our own page.
 */
static void fz_stub_hvc(struct fz_thread *t)
{
	struct fz_call c = { .smc = false };
	struct fz_block *b;

	fz_random_args(t, &c);
	c.x[0] = fz_chance(t, 20) ? HYP_INIT_MAGIC : fz_below(t, 16);
	switch (fz_below(t, 4)) {
	case 0:
		c.x[1] = fz_env.image_pa + (fz_below(t, 16) << 11);
		break;
	case 1:
		c.x[1] = fz_env.params_pa + (fz_below(t, 64) << 6);
		break;
	case 2:
		c.x[1] = fz_own_pfn(t, &b) << PAGE_SHIFT;
		break;
	default:
		break;
	}
	fz_issue(t, &c);
	if (c.r[0] != SMCCC_RET_NOT_SUPPORTED)
		fz_violation(FZ_V_STUB_ACCEPTED, &c, "installed: refused");
	else
		fz_check_refused_regs(&c);
}

/* x0 of any SMCCC owner (0..63), fast or yielding, SMC32 or SMC64. */
static unsigned long fz_smccc_id(struct fz_thread *t)
{
	unsigned long id = (unsigned long)fz_below(t, 64) << FZ_SMCCC_OWNER_SHIFT;

	if (fz_chance(t, 70))
		id |= FZ_SMCCC_FAST;
	if (fz_chance(t, 50))
		id |= FZ_SMCCC_64;
	id |= fz_chance(t, 50) ? fz_below(t, 64) : fz_rand32(t) & 0xffff;
	if (fz_chance(t, 10))		/* bits SMCCC reserves */
		id |= fz_rand32(t) & 0xff0000;
	if (fz_chance(t, 5))		/* and beyond w0 */
		id |= fz_rand64(t) << 32;
	return id;
}

static void fz_any_id_call(struct fz_thread *t, unsigned long id, bool smc)
{
	if (fz_id_reserved(id))
		return;
	fz_vendor_call(t, id, smc);
}

static void fz_vendor_call(struct fz_thread *t, unsigned long id, bool smc)
{
	struct fz_call c = { .x = { id }, .smc = smc };
	unsigned int n = HC_FUNC_NUM(id);
	struct fz_xfer x;

	/* the VM calls, exactly as the host makes them: their model (vm.c) */
	if (!smc && id == HC_ID(n) && fz_is_vm_call(n)) {
		fz_vm_call(t, n);
		return;
	}
	fz_shape_args(t, &c, &x);
	fz_issue(t, &c);
	if (smc)
		fz_check_smc(&c);
	else if (id == HC_ID(n))
		fz_check_vendor(t, &c, n, &x);
	else
		fz_check_foreign_hvc(&c);
}

/* One step of the walk over 0xC6000000 | n and 0x86000000 | n. */
void fz_walk_call(struct fz_thread *t, u64 id)
{
	fz_vendor_call(t, id, false);
}

/* Mostly the hypervisor's own calls, where the state is. */
static unsigned long fz_vendor_id(struct fz_thread *t)
{
	unsigned int n;

	switch (fz_below(t, 10)) {
	case 0: case 1: case 2: case 3: case 4:	/* the ownership calls */
		n = HC_HOST_DONATE_HYP + fz_below(t, 5);
		break;
	case 5: case 6: case 7:
		n = fz_below(t, HC_NR_STATIC + 4);
		break;
	case 8:
		n = HC_FIRST_DYNAMIC + fz_below(t, HC_MAX_DYNAMIC + 4);
		break;
	default:
		n = fz_rand32(t) & 0xffff;
		break;
	}
	return (fz_chance(t, 95) ? HC_FUNC_BASE : FZ_VENDOR_HYP_32) | n;
}

/*
 * SMCCC calls are HVC #0 and SMC #0: with any other immediate, even the
 * hypervisor's own calls and PSCI_VERSION are refused, x1..x3 unchanged.
 */
static void fz_imm_call(struct fz_thread *t)
{
	struct fz_call c = { .smc = fz_chance(t, 50),
			     .imm = fz_chance(t, 50) ? FZ_IMM_1 : FZ_IMM_MAX };

	fz_random_args(t, &c);
	switch (fz_below(t, 3)) {
	case 0:
		c.x[0] = fz_vendor_id(t);
		break;
	case 1:
		c.x[0] = FZ_PSCI_32 | FZ_PSCI_VERSION;
		break;
	default:
		do
			c.x[0] = fz_smccc_id(t);
		while (fz_id_reserved(c.x[0]));
		break;
	}
	fz_issue(t, &c);
	if (c.r[0] != SMCCC_RET_NOT_SUPPORTED)
		fz_violation(FZ_V_IMM_ACCEPTED, &c, "only #0 is SMCCC");
	else
		fz_check_refused_regs(&c);
}

void fz_one_call(struct fz_thread *t)
{
	u32 pick = fz_below(t, 100);

	if (pick < 3)
		fz_imm_call(t);
	else if (pick < 38)
		fz_vendor_call(t, fz_vendor_id(t), false);
	else if (pick < 50)
		fz_vm_step(t);
	else if (pick < 55)
		fz_vendor_call(t, fz_vendor_id(t), true);
	else if (pick < 67)
		fz_any_id_call(t, fz_smccc_id(t), fz_chance(t, 50));
	else if (pick < 72)
		fz_any_id_call(t, fz_rand64(t), fz_chance(t, 50));
	else if (pick < 80)
		fz_stub_hvc(t);
	else if (pick < 95)
		fz_psci_call(t);
	else
		fz_cpu_on(t);
}

/* ---- checkpoints ---------------------------------------------------------- */

/* HC_PAGE_STATE of an own page after a checkpoint gave it back. */
static void fz_verify_restored(struct fz_thread *t, struct fz_block *b, u64 p)
{
	struct fz_call c;

	if (fz_hvc1(t, HC_ID(HC_PAGE_STATE), b->pfn + p, 0, &c) !=
	    fz_expected_page_state(b->state[p])) {
		fz_violation(FZ_V_CKPT_RESTORE, &c, "own page state");
		fz_resync(t, b, b->pfn + p, 1);
	}
}

#define FZ_SPOT_CHECKS	4	/* untouched pages re-checked per block */

/*
 * Give back everything donated or shared, one page at a time; then each
 * such page, and a few that stayed, must be the host's. (Every page
 * transition was checked when it happened.)
 */
void fz_restore_own_pages(struct fz_thread *t)
{
	struct fz_call c;
	unsigned int i, k;
	u64 p;

	fz_vm_dispose_all(t);
	for (i = 0; i < t->nr_blocks; i++) {
		struct fz_block *b = &t->blocks[i];

		for (p = 0; p < b->nr; p++) {
			unsigned long id;

			if (b->state[p] == FZ_DONATED)
				id = HC_ID(HC_HOST_RECLAIM);
			else if (b->state[p] == FZ_SHARED && !b->pins[p])
				id = HC_ID(HC_HOST_UNSHARE_HYP);
			else	/* a broken VM's pinned page stays shared */
				continue;
			if (fz_hvc1(t, id, b->pfn + p, 1, &c) || c.r[0])
				fz_violation(FZ_V_CKPT_RESTORE, &c,
					     "giving back an own page");
			else
				b->state[p] = FZ_HOST;
			fz_verify_restored(t, b, p);
		}
		for (k = 0; k < FZ_SPOT_CHECKS; k++)
			fz_verify_restored(t, b, fz_rand64(t) % b->nr);
	}
}
