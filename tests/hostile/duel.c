// SPDX-License-Identifier: GPL-2.0-only
/*
 * One vCPU, every CPU: at some checkpoints one thread (the owner) runs a
 * vCPU whose guest spins (guest.S, fz_guest_spin: only a host interrupt
 * ends a run) again and again, while the other threads, on the other
 * CPUs, run the same vCPU, reset it, read its registers, ask for its
 * MMIO, tear the VM down, and (a protected one) read the page the guest
 * counts in, which the hypervisor then takes from the guest while it
 * writes there.
 *
 * The hypervisor may refuse a call with -EBUSY only while another call
 * holds the vCPU (a teardown: while one runs), and must refuse it then.
 * Neither can be seen from outside exactly, so each side counts the calls
 * it starts and ends: a -EBUSY is right only if a call of the other side
 * was under way at some point of the refused one. What must never happen
 * is seen in the guest's own memory (a non-protected VM's page, which the
 * host reads): two counts the spin keeps in step part if two CPUs run the
 * vCPU at once, and the guest marks it; and its count moves after a teardown
 * went through if a vCPU of a dying VM still ran. A protected guest's
 * page the host took back must be zero then, and stay so: the guest
 * cannot reach it any more.
 */
#include "hostile.h"
#include <linux/atomic.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/string.h>

#define FZ_DUEL_RUNS	8	/* the owner's runs, each until an interrupt */
#define FZ_SPIN_GFN	1	/* the page the spin counts in */

static struct {
	struct mutex lock;	/* the others' calls, one at a time; the model */
	struct fz_thread *owner;
	struct fz_vm *vm;	/* NULL: no duel this time */
	bool done;		/* the owner has run its runs */
	u32 teardown_after;	/* owner's runs before the others may end it */
	atomic64_t own_started, own_ended;	/* the owner's runs */
	atomic64_t other_started, other_ended;	/* the others' vCPU calls */
	bool frozen;		/* a teardown went through ... */
	u64 frozen_count;	/* ... when the spin had counted this far */
	u64 taken_pfn;		/* the spin's page, once taken back (or 0) */
	u64 taken_seen;		/* what the host read there */
} fz_duel_state;

void fz_duel_init(void)
{
	mutex_init(&fz_duel_state.lock);
}

/*
 * The spin's two counts and its mark of a second CPU, in the guest's page
 * (a non-protected guest's: the host's too).
 */
static void fz_spin_counts(const struct fz_vm *vm, u64 *c0, u64 *c1, u64 *mark)
{
	int i = fz_vm_gpage_index(vm, FZ_SPIN_GFN);
	const u64 *w = page_address(pfn_to_page(vm->g[i].pfn));

	*c0 = READ_ONCE(w[0]);
	*c1 = READ_ONCE(w[1]);
	*mark = READ_ONCE(w[2]);
}

/*
 * A VM for the duel, in the owner's pages: one vCPU, the code at gfn 0,
 * the spin's page at gfn 1, booted into the spin. Protected or not: only
 * a non-protected guest's memory can be read to see what must not be.
 */
static struct fz_vm *fz_duel_setup(struct fz_thread *t)
{
	struct fz_vm *vm = fz_vm_new(t, &t->duel_vm, fz_chance(t, 30));

	if (!vm)
		return NULL;
	if (!fz_vm_add_vcpu(t, vm, 0) || !fz_vm_map_new(t, vm, 0) ||
	    !fz_vm_map_new(t, vm, FZ_SPIN_GFN) ||
	    !fz_vcpu_reset_to(t, vm, 0, fz_guest_off(fz_guest_spin)))
		return NULL;	/* disposed of at the checkpoint */
	return vm;
}

/* How a run of the spin may end: an interrupt; its page gone, once it is. */
static bool fz_duel_spin_exit(long ret)
{
	return ret == PK_EXIT_IRQ ||
	       (ret == PK_EXIT_LOST_PAGE && fz_duel_state.taken_pfn);
}

/* A call of the other side was under way since @ended_before was read. */
static bool fz_overlapped(atomic64_t *started, u64 ended_before)
{
	/* after the call: pairs with the full barriers of the other's counts */
	smp_mb();
	return atomic64_read(started) > ended_before;
}

static void fz_duel_run_once(struct fz_thread *t)
{
	struct fz_vm *vm = fz_duel_state.vm;
	struct fz_call c = { .x = { HC_ID(HC_VCPU_RUN), vm->handle, 0 } };
	u64 ended_before;
	bool dying, busy_ok;
	long ret;

	mutex_lock(&fz_duel_state.lock);
	dying = vm->dying;
	mutex_unlock(&fz_duel_state.lock);
	ended_before = atomic64_read(&fz_duel_state.other_ended);
	atomic64_inc_return(&fz_duel_state.own_started);
	fz_vm_issue(t, &c);
	atomic64_inc_return(&fz_duel_state.own_ended);
	busy_ok = fz_overlapped(&fz_duel_state.other_started, ended_before);
	ret = c.r[1];

	mutex_lock(&fz_duel_state.lock);
	if (ret >= 0) {
		vm->started = true;
		t->vs.entries++;
	}
	t->vs.duel_busy += ret == -EBUSY;
	if (c.r[0] != SMCCC_RET_SUCCESS ||
	    (dying ? ret != -EPERM :
		     !fz_duel_spin_exit(ret) && !(ret == -EBUSY && busy_ok) &&
		     !(ret == -EPERM && vm->dying)))
		fz_violation(FZ_V_VCPU_RUN, &c, "the duel's owner");
	mutex_unlock(&fz_duel_state.lock);
}

/* The owner: its runs, back to back, on its CPU. */
static void fz_duel_run(struct fz_thread *t)
{
	u32 i;

	for (i = 0; i < FZ_DUEL_RUNS && !READ_ONCE(fz_duel_state.vm->dying); i++)
		fz_duel_run_once(t);
	WRITE_ONCE(fz_duel_state.done, true);
}

/* The others' calls, and what each may answer. */
enum fz_duel_op {
	FZ_D_RUN, FZ_D_GET, FZ_D_RESET, FZ_D_MMIO, FZ_D_TEARDOWN, FZ_D_TOUCH,
};

static enum fz_duel_op fz_duel_pick(struct fz_thread *t)
{
	u32 pick = fz_below(t, 20);

	if (atomic64_read(&fz_duel_state.own_ended) >=
	    fz_duel_state.teardown_after && fz_chance(t, 10))
		return FZ_D_TEARDOWN;
	if (fz_duel_state.vm->protected && fz_chance(t, 2))
		return FZ_D_TOUCH;
	if (pick < 8)
		return FZ_D_RUN;
	if (pick < 12)
		return FZ_D_GET;
	if (pick < 16)
		return FZ_D_RESET;
	return FZ_D_MMIO;
}

static void fz_duel_prepare(struct fz_call *c, enum fz_duel_op op)
{
	struct fz_vm *vm = fz_duel_state.vm;
	static const unsigned int ids[] = {
		[FZ_D_RUN] = HC_VCPU_RUN, [FZ_D_GET] = HC_VCPU_SYNC,
		[FZ_D_RESET] = HC_VCPU_RESET, [FZ_D_MMIO] = HC_VCPU_MMIO,
		[FZ_D_TEARDOWN] = HC_VM_TEARDOWN,
	};

	*c = (struct fz_call){ .x = { HC_ID(ids[op]), vm->handle, 0,
				      PK_SYNC_GET } };
	if (op == FZ_D_TEARDOWN)
		c->x[2] = c->x[3] = 0;
	if (op == FZ_D_RESET)	/* the spin again, from its start */
		fz_vcpu_boot_regs(vm, &vm->vcpu[0], fz_guest_off(fz_guest_spin));
}

/*
 * What @op may answer when the vCPU is free (-EBUSY aside, and -EPERM
 * for anything on the vCPU of a dying VM).
 */
static bool fz_duel_free_answer(enum fz_duel_op op, long ret)
{
	const struct fz_vm *vm = fz_duel_state.vm;

	switch (op) {
	case FZ_D_RUN:
		return fz_duel_spin_exit(ret);
	case FZ_D_GET:
		return vm->protected ? ret == -EPERM : ret == 0;
	case FZ_D_RESET:	/* once a protected VM ran, its boot is fixed */
		if (!vm->protected)
			return ret == 0;
		if (vm->started)
			return ret == -EPERM;
		/* the owner's run may have entered, not yet told */
		return ret == 0 || (ret == -EPERM &&
				    atomic64_read(&fz_duel_state.own_started));
	case FZ_D_MMIO:
		return ret == -EINVAL;	/* the spin never faults */
	default:
		return ret == 0;
	}
}

/* A get that went through: the spin's registers, nothing else. */
static void fz_duel_check_regs(const struct fz_call *c)
{
	const struct pk_vcpu_regs *r = &fz_duel_state.vm->vcpu[0].page->regs;

	if (r->pc < fz_guest_off(fz_guest_spin) ||
	    r->pc >= fz_guest_off(fz_guest_spin_end) || r->x[3] != PAGE_SIZE)
		fz_violation(FZ_V_VCPU_SYNC, c, "the duel's registers");
}

static void fz_duel_teardown_went(struct fz_thread *t)
{
	struct fz_vm *vm = fz_duel_state.vm;
	u64 c1, mark;

	vm->dying = true;
	t->vs.duel_teardowns++;
	if (!vm->protected && !fz_duel_state.frozen) {
		fz_spin_counts(vm, &fz_duel_state.frozen_count, &c1, &mark);
		fz_duel_state.frozen = true;
	}
}

/*
 * The host reads the page a protected guest counts in while it may be
 * running on another CPU: the page is the host's again, zeroed, and the
 * guest's next access is PK_EXIT_LOST_PAGE. The owner's model learns it
 * at the end (it only runs meanwhile).
 */
static void fz_duel_touch(void)
{
	struct fz_vm *vm = fz_duel_state.vm;
	int i = fz_vm_gpage_index(vm, FZ_SPIN_GFN);

	if (i < 0 || vm->dying || fz_duel_state.taken_pfn)
		return;
	fz_duel_state.taken_pfn = vm->g[i].pfn;
	fz_duel_state.taken_seen = fz_touch_page(vm->g[i].pfn);
}

/* One call of another thread on the duel's vCPU, checked. */
static void fz_duel_intrude_once(struct fz_thread *t, enum fz_duel_op op)
{
	struct fz_vm *vm = fz_duel_state.vm;
	bool takes = op != FZ_D_TEARDOWN, busy_ok, dying, ok;
	u64 ended_before;
	struct fz_call c;
	long ret;

	mutex_lock(&fz_duel_state.lock);
	if (op == FZ_D_TOUCH) {
		fz_duel_touch();
		mutex_unlock(&fz_duel_state.lock);
		return;
	}
	fz_duel_prepare(&c, op);
	dying = vm->dying;
	ended_before = atomic64_read(&fz_duel_state.own_ended);
	if (takes)
		atomic64_inc_return(&fz_duel_state.other_started);
	fz_vm_issue(t, &c);
	if (takes)
		atomic64_inc_return(&fz_duel_state.other_ended);
	busy_ok = fz_overlapped(&fz_duel_state.own_started, ended_before);
	ret = c.r[1];
	if (dying && takes)
		ok = ret == -EPERM;
	else
		ok = fz_duel_free_answer(op, ret) || (ret == -EBUSY && busy_ok);
	t->vs.duel_busy += ret == -EBUSY;
	if (c.r[0] != SMCCC_RET_SUCCESS || !ok)
		fz_violation(op == FZ_D_TEARDOWN ? FZ_V_VM_TEARDOWN :
			     FZ_V_VCPU_RUN, &c, "the duel's others");
	else if (op == FZ_D_GET && !ret)
		fz_duel_check_regs(&c);
	else if (op == FZ_D_TEARDOWN && !ret && !dying)
		fz_duel_teardown_went(t);
	if (op == FZ_D_RUN && ret >= 0)
		vm->started = true;
	mutex_unlock(&fz_duel_state.lock);
}

/* The others: their calls until the owner is done. */
static void fz_duel_intrude(struct fz_thread *t)
{
	while (!READ_ONCE(fz_duel_state.done) && !fz_aborting()) {
		fz_duel_intrude_once(t, fz_duel_pick(t));
		cond_resched();
	}
}

/*
 * Everyone stopped: the spin's counts say whether two CPUs ever ran it
 * at once, and whether it ran once its VM was dying.
 */
static void fz_duel_finish(struct fz_thread *t)
{
	struct fz_vm *vm = fz_duel_state.vm;
	struct fz_call c = { .x = { HC_ID(HC_VCPU_RUN), vm->handle, 0 } };
	u64 c0, c1, mark, pfn = fz_duel_state.taken_pfn;

	if (pfn && memchr_inv(page_address(pfn_to_page(pfn)), 0, PAGE_SIZE)) {
		c.x[0] = HC_ID(HC_PAGE_STATE);
		c.x[1] = pfn;
		fz_violation(FZ_V_VM_SCRUB, &c, "the guest wrote after the take-back");
	}
	if (pfn)
		fz_vm_took_back(t, vm, FZ_SPIN_GFN, fz_duel_state.taken_seen);
	if (vm->protected)
		return;
	fz_spin_counts(vm, &c0, &c1, &mark);
	c.r[1] = c0;
	c.r[2] = c1;
	c.r[3] = mark;
	if (mark || c0 - c1 > 1)
		fz_violation(FZ_V_DUEL_BOTH, &c, "the spin's counts parted");
	if (fz_duel_state.frozen && c0 != fz_duel_state.frozen_count)
		fz_violation(FZ_V_DUEL_DYING_RAN, &c, "counted after a teardown");
}

void fz_duel(struct fz_thread *t)
{
	if (fz_sync_all()) {
		fz_duel_state.owner = t;
		fz_duel_state.done = false;
		fz_duel_state.frozen = false;
		fz_duel_state.taken_pfn = 0;
		fz_duel_state.teardown_after = 1 + fz_below(t, 2 * FZ_DUEL_RUNS);
		atomic64_set(&fz_duel_state.own_started, 0);
		atomic64_set(&fz_duel_state.own_ended, 0);
		atomic64_set(&fz_duel_state.other_started, 0);
		atomic64_set(&fz_duel_state.other_ended, 0);
		fz_duel_state.vm = fz_duel_setup(t);
		t->vs.duels += fz_duel_state.vm != NULL;
	}
	fz_sync_all();
	if (!fz_duel_state.vm || fz_aborting())
		return;
	if (fz_duel_state.owner == t)
		fz_duel_run(t);
	else
		fz_duel_intrude(t);
	fz_sync_all();
	if (fz_duel_state.owner == t)
		fz_duel_finish(t);
}
