// SPDX-License-Identifier: GPL-2.0-only
/*
 * The calls on a vCPU (HC_VCPU_RESET, HC_VCPU_RUN, HC_VCPU_SYNC,
 * HC_VCPU_MMIO) and the guest they run (guest.S), whose every exit the
 * fuzzer predicts from what it knows of the vCPU (struct fz_vcpu) and
 * of the VM's pages: a run answers that exit or, at any point, a host
 * interrupt; the exit's details in the vCPU's page are exact (the
 * faulting IPA, how it faulted, an MMIO write's value: what the guest
 * loaded, from the host's MMIO read or from the page mapped where it
 * loads). Calls at the wrong time (MMIO with no fault, a protected
 * vCPU's registers, its boot state once its VM ran) have their errors;
 * what a refused call may not touch in the page (the exit, the MMIO
 * fields, a protected vCPU's registers) it must not have touched.
 */
#include "hostile.h"
#include <linux/string.h>
#include <asm/neon.h>

/* What a refused call leaves in the page: it must still be there. */
#define FZ_UNTOUCHED		0x5afe5afe5afe5afeULL

#define FZ_PSTATE_EL1H		0x3c5		/* EL1h, DAIF masked */
#define FZ_SCTLR_RESET		0x30d00800ULL	/* MMU and caches off */

/* The PSTATE a host may give a non-protected vCPU (vm.h's rule). */
#define FZ_PSTATE_ALLOWED	(0xf0000000ULL | 0x3c0 | BIT(12) | BIT(22) | \
				 BIT(23) | 0xf)

u64 fz_guest_off(const char *sym)
{
	return sym - fz_guest_code;
}

static bool fz_pstate_ok(u64 pstate)
{
	u64 mode = pstate & 0xf;

	return !(pstate & ~FZ_PSTATE_ALLOWED) &&
	       (mode == 0x0 || mode == 0x4 || mode == 0x5);
}

/* ---- the guest's exits ------------------------------------------------- */

/* How the next run of a vCPU must end, if not by a host interrupt. */
struct fz_exit {
	bool spins;		/* never by itself: only an interrupt stops it */
	u32 exit;		/* enum pk_exit */
	u64 ipa;		/* PK_EXIT_S2_FAULT, _LOST_PAGE: fault_ipa, */
	u64 flags;		/* ... and fault_flags */
	u64 pc;			/* where the guest then is */
	u64 x4;
};

static bool fz_guest_stops(struct fz_exit *e, u32 exit, u64 ipa, u64 flags)
{
	e->exit = exit;
	e->ipa = ipa;
	e->flags = flags;
	return true;
}

/*
 * The guest's access to @ipa (a fetch, a load, a store: PK_FAULT_*): it
 * stops there where the host took its page back, or where no page is.
 */
static bool fz_guest_access(const struct fz_vm *vm, u64 ipa, u64 flags,
			    struct fz_exit *e)
{
	if (fz_vm_gfn_lost(vm, ipa >> PAGE_SHIFT))
		return fz_guest_stops(e, PK_EXIT_LOST_PAGE, ipa, 0);
	if (fz_vm_gpage_index(vm, ipa >> PAGE_SHIFT) < 0)
		return fz_guest_stops(e, PK_EXIT_S2_FAULT, ipa, flags);
	return false;
}

/*
 * One instruction of the guest at e->pc: true if it stops there (*@e says
 * how), else false with e->pc and e->x4 as it leaves them (guest.S).
 */
static bool fz_guest_step(const struct fz_vm *vm, const struct fz_vcpu *v,
			  struct fz_exit *e)
{
	u64 pc = e->pc;

	if (fz_guest_access(vm, pc, PK_FAULT_EXEC, e))
		return true;
	if (pc >= fz_guest_off(fz_guest_spin) &&
	    pc < fz_guest_off(fz_guest_spin_end)) {
		e->spins = true;
		return true;
	}
	if (pc <= fz_guest_off(fz_guest_wfi)) {
		e->pc = fz_guest_off(fz_guest_wfi) + 4;
		return fz_guest_stops(e, PK_EXIT_WFI, 0, 0);
	}
	if (pc == fz_guest_off(fz_guest_load)) {
		if (fz_guest_access(vm, v->x1, PK_FAULT_ISV, e))
			return true;
		e->x4 = vm->g[fz_vm_gpage_index(vm, v->x1 >> PAGE_SHIFT)].tag;
		e->pc = fz_guest_off(fz_guest_store);
		return false;
	}
	if (pc == fz_guest_off(fz_guest_store) &&
	    fz_guest_access(vm, v->x2, PK_FAULT_WRITE | PK_FAULT_ISV, e))
		return true;
	e->pc = 0;	/* past the store, or the vector: round the loop */
	return false;
}

/*
 * From where the guest is, along its code: a fetch from an unmapped code
 * page faults; the loop's WFI exits; its load faults unless a page is
 * mapped there (whose tag it loads); its store always faults. Where the
 * host took the page back, the access stops the guest for good.
 *
 * A WFI with an interrupt already pending does not wait, so it does not
 * trap either (the architecture traps only a WFI that would wait): the
 * interrupt's exit follows right after it. After an interrupt exit the
 * guest may thus be past the WFI the model has ahead (wfi_passed).
 */
static void fz_guest_predict(const struct fz_vm *vm, const struct fz_vcpu *v,
			     struct fz_exit *e)
{
	int steps;

	memset(e, 0, sizeof(*e));
	e->pc = v->pc;
	e->x4 = v->x4;
	for (steps = 0; steps < 8; steps++)
		if (fz_guest_step(vm, v, e))
			return;
	e->spins = true;	/* not reached: every round of the loop exits */
}

/* ---- issuing --------------------------------------------------------------- */

/*
 * A run loads the guest's FP/SIMD registers over whatever the CPU held:
 * the host's must be saved first, as the driver does it. After the run
 * the guest's must be gone from them (the spin's guest puts FZ_FP_MARK
 * in v0 and v31).
 */
void fz_vcpu_issue_run(struct fz_thread *t, struct fz_call *c)
{
	u64 v0, v31;

	kernel_neon_begin();
	fz_issue(t, c);
	asm volatile("fmov %0, d0\n\tfmov %1, d31" : "=r" (v0), "=r" (v31));
	kernel_neon_end();
	if (v0 == FZ_FP_MARK || v31 == FZ_FP_MARK)
		fz_violation(FZ_V_VCPU_RUN, c,
			     "the guest's FP/SIMD registers left in the CPU");
}

static enum fz_kind fz_vcpu_kind(unsigned int n)
{
	switch (n) {
	case HC_VCPU_RESET:
		return FZ_V_VCPU_RESET;
	case HC_VCPU_RUN:
		return FZ_V_VCPU_RUN;
	case HC_VCPU_SYNC:
		return FZ_V_VCPU_SYNC;
	default:
		return FZ_V_VCPU_MMIO;
	}
}

/* Whether the vCPU is taken for a call, or why not. */
static long fz_vcpu_take_expect(const struct fz_vm *vm, u64 idx)
{
	if (!vm)
		return -ENOENT;
	if (vm->dying)
		return -EPERM;
	if (idx >= PK_MAX_VCPUS || !vm->vcpu[idx].created)
		return -ENOENT;
	return 0;
}

/* The vCPU @idx names, if the fuzzer created it. */
static struct fz_vcpu *fz_vcpu_of(struct fz_vm *vm, u64 idx)
{
	if (!vm || idx >= PK_MAX_VCPUS || !vm->vcpu[idx].created)
		return NULL;
	return &vm->vcpu[idx];
}

static u64 fz_run_flags(struct fz_thread *t)
{
	u32 pick = fz_below(t, 20);

	if (pick < 17)
		return 0;
	if (pick < 19)
		return PK_RUN_NO_ENTRY;
	return PK_RUN_NO_ENTRY | BIT_ULL(1 + fz_below(t, 63));
}

static u64 fz_sync_dir(struct fz_thread *t)
{
	u32 pick = fz_below(t, 20);

	if (pick < 9)
		return PK_SYNC_GET;
	if (pick < 18)
		return PK_SYNC_PUT;
	return fz_chance(t, 50) ? 2 : fz_edge(t) | 2;
}

/* A call on a vCPU with a handle that names no VM (the registry locked). */
void fz_vcpu_dead_call(struct fz_thread *t, unsigned int n, u64 handle)
{
	struct fz_call c = { .x = { HC_ID(n), handle, fz_vcpu_idx_arg(t, NULL) } };
	long want = -ENOENT;

	if (n == HC_VCPU_RUN) {
		c.x[3] = fz_run_flags(t);
		if (c.x[3] & ~PK_RUN_NO_ENTRY)
			want = -EINVAL;
	} else if (n == HC_VCPU_SYNC) {
		c.x[3] = fz_sync_dir(t);
		if (c.x[3] > PK_SYNC_PUT)
			want = -EINVAL;
	}
	fz_vm_issue(t, &c);
	fz_vm_expect(t, &c, fz_vcpu_kind(n), want, false);
}

/* ---- reset ------------------------------------------------------------------ */

/* A VMM's boot state for @v in its page: entry @pc, the guest's arguments. */
void fz_vcpu_boot_regs(struct fz_vm *vm, struct fz_vcpu *v, u64 pc)
{
	struct pk_vcpu_regs *r = &v->page->regs;

	memset(r, 0, sizeof(*r));
	r->pc = pc;
	r->pstate = FZ_PSTATE_EL1H;
	r->x[1] = (vm->rd_gfn << PAGE_SHIFT) | FZ_GUEST_TAG_OFF;
	r->x[2] = (vm->wr_gfn << PAGE_SHIFT) | FZ_GUEST_STORE_OFF;
	r->x[3] = PAGE_SIZE;	/* the spin's page: gfn 1 */
	r->sys[PK_SR_SCTLR_EL1] = FZ_SCTLR_RESET;
	v->page->boot_flags = 0;
}

static long fz_reset_expect(const struct fz_vm *vm, const struct fz_vcpu *v)
{
	const struct pk_vcpu_page *p = v->page;

	if (p->boot_flags & ~PK_BOOT_POWER_OFF)
		return -EINVAL;
	if (!vm->protected && !fz_pstate_ok(p->regs.pstate))
		return -EINVAL;
	if (vm->protected && vm->started)
		return -EPERM;
	return 0;
}

/* The vCPU as HC_VCPU_RESET leaves it, from its page. */
static void fz_vcpu_was_reset(struct fz_vm *vm, struct fz_vcpu *v)
{
	const struct pk_vcpu_page *p = v->page;

	v->reset_done = true;
	v->on = !(p->boot_flags & PK_BOOT_POWER_OFF);
	v->pc = p->regs.pc;
	v->pc_exact = true;
	v->wfi_passed = false;
	v->x1 = p->regs.x[1];
	v->x2 = p->regs.x[2];
	v->x3 = p->regs.x[3];
	v->x4 = vm->protected ? 0 : p->regs.x[4];
	v->abort = FZ_AB_NONE;
	v->inject_pabt = false;
}

/* Bad boot states now and then: unknown flags, a PSTATE at EL2 or above. */
static void fz_spoil_boot(struct fz_thread *t, struct fz_vcpu *v)
{
	static const u64 bad_pstate[] = {
		0x3c9, 0x3c8, 0x3cd, 0x3d3, 0x3c5 | BIT(21), 0x3c5 | BIT(20),
		0x3c5 | (3 << 10), 0x3c5 | BIT(25), ~0ULL,
	};

	switch (fz_below(t, 20)) {
	case 0:
		v->page->boot_flags = BIT_ULL(1 + fz_below(t, 63));
		break;
	case 1:
		v->page->regs.pstate = bad_pstate[fz_below(t, ARRAY_SIZE(bad_pstate))];
		break;
	case 2: case 3:
		v->page->boot_flags = PK_BOOT_POWER_OFF;
		break;
	default:
		break;
	}
}

static bool fz_vcpu_reset_issue(struct fz_thread *t, struct fz_vm *vm, u64 idx)
{
	struct fz_call c = { .x = { HC_ID(HC_VCPU_RESET), vm->handle, idx } };
	struct fz_vcpu *v = fz_vcpu_of(vm, idx);
	long want = fz_vcpu_take_expect(vm, idx);

	if (!want)
		want = fz_reset_expect(vm, v);
	fz_vm_issue(t, &c);
	if (!fz_vm_expect(t, &c, FZ_V_VCPU_RESET, want, false)) {
		fz_vm_broke(vm);
		return false;
	}
	if (v && !want)
		fz_vcpu_was_reset(vm, v);
	return v && !want;
}

/* HC_VCPU_RESET of vCPU @idx: its boot state mostly as a VMM gives it. */
void fz_vcpu_reset_call(struct fz_thread *t, struct fz_vm *vm, u64 idx)
{
	struct fz_vcpu *v = fz_vcpu_of(vm, idx);

	if (v) {
		fz_vcpu_boot_regs(vm, v, fz_chance(t, 95) ? 0 :
					 fz_guest_off(fz_guest_vector));
		fz_spoil_boot(t, v);
	}
	fz_vcpu_reset_issue(t, vm, idx);
}

/* vCPU @idx of @vm to @pc, as a VMM boots it; true if it took. */
bool fz_vcpu_reset_to(struct fz_thread *t, struct fz_vm *vm, u32 idx, u64 pc)
{
	struct fz_vcpu *v = fz_vcpu_of(vm, idx);

	if (!v)
		return false;
	fz_vcpu_boot_regs(vm, v, pc);
	return fz_vcpu_reset_issue(t, vm, idx);
}

/* ---- run ---------------------------------------------------------------------- */

/* The emulated access the host answered: done when the vCPU is next taken. */
static void fz_vcpu_complete(struct fz_vcpu *v, u64 mmio_read)
{
	if (v->abort == FZ_AB_MMIO_READ) {
		v->x4 = mmio_read;
		v->pc += 4;
	} else if (v->abort == FZ_AB_MMIO_WRITE) {
		v->pc += 4;
	}
	v->abort = FZ_AB_NONE;
}

/* Whether a run's answer @ret, and the page's details of it, are @e. */
static bool fz_exit_is(const struct fz_vcpu *v, const struct fz_exit *e,
		       long ret)
{
	if (e->spins || ret != e->exit)
		return false;
	if (ret == PK_EXIT_LOST_PAGE)
		return v->page->fault_ipa == e->ipa;
	if (ret == PK_EXIT_S2_FAULT)
		return v->page->fault_ipa == e->ipa &&
		       v->page->fault_flags == e->flags;
	return true;
}

/* An exit the model foresaw: where the guest is now, and what it left. */
static void fz_vcpu_exited(struct fz_vcpu *v, const struct fz_exit *e)
{
	v->pc = e->pc;
	v->x4 = e->x4;
	v->pc_exact = true;
	v->wfi_passed = false;
	if (e->exit != PK_EXIT_S2_FAULT)
		return;
	v->abort = FZ_AB_FAULT;
	v->abort_ipa = e->ipa;
	v->abort_flags = e->flags;
}

/*
 * A guest somewhere on its way (an interrupt stopped it) whose code page
 * the host took back: it stops where it stood, any instruction of its
 * loop. It can go nowhere else: only the PC matters from now on.
 */
static bool fz_lost_on_its_way(const struct fz_vm *vm, struct fz_vcpu *v,
			       long ret)
{
	u64 ipa = v->page->fault_ipa;

	if (v->pc_exact || ret != PK_EXIT_LOST_PAGE || !fz_vm_gfn_lost(vm, 0) ||
	    ipa % 4 || (ipa >= fz_guest_off(fz_guest_spin) &&
			ipa != fz_guest_off(fz_guest_vector)))
		return false;
	v->pc = ipa;
	v->pc_exact = true;
	v->wfi_passed = false;
	return true;
}

/*
 * The exit of a vCPU that may be past the WFI ahead of it (woken by an
 * interrupt): the one from just after that WFI.
 */
static bool fz_guest_predict_past_wfi(const struct fz_vm *vm,
				      const struct fz_vcpu *v, struct fz_exit *e)
{
	struct fz_vcpu past = *v;

	if (!v->wfi_passed)
		return false;
	past.pc = fz_guest_off(fz_guest_wfi) + 4;
	fz_guest_predict(vm, &past, e);
	return !e->spins;
}

/* What an entering run must answer, and what it did to the model. */
static void fz_vcpu_entered(struct fz_thread *t, struct fz_vm *vm,
			    struct fz_vcpu *v, const struct fz_call *c)
{
	long ret = c->r[1];
	struct fz_exit e, past;

	vm->started = true;
	t->vs.entries++;
	if (v->inject_pabt) {
		v->pc = fz_guest_off(fz_guest_vector);
		v->inject_pabt = false;
	}
	fz_guest_predict(vm, v, &e);
	if (ret == PK_EXIT_IRQ) {
		v->pc_exact = false;	/* somewhere on the way to e */
		v->wfi_passed |= !e.spins && e.exit == PK_EXIT_WFI;
	} else if (fz_exit_is(v, &e, ret)) {
		fz_vcpu_exited(v, &e);
	} else if (fz_guest_predict_past_wfi(vm, v, &past) &&
		   fz_exit_is(v, &past, ret)) {
		fz_vcpu_exited(v, &past);
	} else if (!fz_lost_on_its_way(vm, v, ret)) {
		char why[160];

		snprintf(why, sizeof(why),
			 "not the guest's exit: want %u%s ipa %#llx from pc %#llx%s; got ipa %#llx flags %#llx",
			 e.exit, e.spins ? " (spins)" : "", e.ipa, v->pc,
			 v->pc_exact ? "" : " (on its way)",
			 v->page->fault_ipa, v->page->fault_flags);
		fz_violation(FZ_V_VCPU_RUN, c, why);
		fz_vm_broke(vm);
	}
}

/* HC_VCPU_RUN of vCPU @idx, with flags mostly a VMM's. */
void fz_vcpu_run_call(struct fz_thread *t, struct fz_vm *vm, u64 idx)
{
	struct fz_call c = { .x = { HC_ID(HC_VCPU_RUN), vm->handle, idx,
				    fz_run_flags(t) } };
	struct fz_vcpu *v = fz_vcpu_of(vm, idx);
	u64 mmio_read = fz_rand64(t);
	long want = c.x[3] & ~PK_RUN_NO_ENTRY ? -EINVAL :
		    fz_vcpu_take_expect(vm, idx);

	if (v) {
		v->page->exit = (u32)FZ_UNTOUCHED;
		v->page->mmio_read = mmio_read;
		v->page->irq_lines = fz_chance(t, 90) ? 0 : fz_rand64(t) &
				     ~(u64)(PK_IRQ_LINE_IRQ | PK_IRQ_LINE_FIQ);
	}
	fz_vm_issue(t, &c);
	if (want) {
		if (!fz_vm_expect(t, &c, FZ_V_VCPU_RUN, want, false))
			fz_vm_broke(vm);
		if (v && v->page->exit != (u32)FZ_UNTOUCHED)
			fz_violation(FZ_V_VCPU_EXIT, &c, "a refused run wrote the exit");
		return;
	}
	if (c.r[0] != SMCCC_RET_SUCCESS || (long)c.r[1] < 0 ||
	    c.r[1] >= PK_NR_EXITS) {
		fz_violation(FZ_V_VCPU_RUN, &c, "refused");
		fz_vm_broke(vm);
		return;
	}
	t->vs.exits[c.r[1]]++;
	fz_vcpu_complete(v, mmio_read);
	if (c.x[3] & PK_RUN_NO_ENTRY)
		fz_vm_expect(t, &c, FZ_V_VCPU_RUN, PK_EXIT_NONE, false);
	else if (!v->on || !v->reset_done)
		fz_vm_expect(t, &c, FZ_V_VCPU_RUN, PK_EXIT_CPU_OFF, false);
	else
		fz_vcpu_entered(t, vm, v, &c);
	if (v->page->exit != c.r[1])
		fz_violation(FZ_V_VCPU_EXIT, &c, "the page's exit");
}

/* ---- registers ---------------------------------------------------------------- */

static void fz_vcpu_adopt(struct fz_vcpu *v, const struct pk_vcpu_regs *r)
{
	v->pc = r->pc;
	v->x4 = r->x[4];
	v->pc_exact = true;
	v->wfi_passed = false;
}

/* The registers of a vCPU never reset: all zero, as it was created. */
static bool fz_vcpu_regs_blank(const struct pk_vcpu_regs *r)
{
	return !r->pc && !r->pstate && !r->x[1] && !r->x[2] && !r->x[3] &&
	       !r->x[4];
}

/*
 * HC_VCPU_SYNC get of a non-protected vCPU: its registers as the model
 * has them (after an interrupt, somewhere on its path); from then on the
 * model takes them as they are.
 */
static bool fz_vcpu_get(struct fz_thread *t, struct fz_vm *vm,
			struct fz_vcpu *v, const struct fz_call *c)
{
	const struct pk_vcpu_regs *r = &v->page->regs;
	int rd = fz_vm_gpage_index(vm, v->x1 >> PAGE_SHIFT);
	bool x4_ok = r->x[4] == v->x4 ||
		     (!v->pc_exact && rd >= 0 && r->x[4] == vm->g[rd].tag);
	bool pc_ok = v->pc_exact ? r->pc == v->pc :
		     r->pc < fz_guest_off(fz_guest_spin) ||
		     r->pc == fz_guest_off(fz_guest_vector);
	bool ok;

	if (!v->reset_done)
		ok = fz_vcpu_regs_blank(r);
	else
		ok = pc_ok && x4_ok && r->x[1] == v->x1 && r->x[2] == v->x2 &&
		     r->x[3] == v->x3 && (r->pstate & 0x3cf) == FZ_PSTATE_EL1H;
	if (!ok) {
		fz_violation(FZ_V_VCPU_SYNC, c, "registers not the guest's");
		fz_vm_broke(vm);
		return false;
	}
	if (v->reset_done)
		fz_vcpu_adopt(v, r);
	return true;
}

/*
 * What a put of the registers just got does: changed (x4; the PC, where
 * no access is half done), or spoilt.
 */
static long fz_vcpu_put_prepare(struct fz_thread *t, struct fz_vcpu *v)
{
	struct pk_vcpu_regs *r = &v->page->regs;

	switch (fz_below(t, 10)) {
	case 0: case 1:
		r->x[4] = fz_rand64(t);
		break;
	case 2:
		if (v->abort == FZ_AB_NONE)
			r->pc = fz_chance(t, 50) ? 0 :
				fz_guest_off(fz_guest_vector);
		break;
	case 3: case 4:
		r->pstate = fz_chance(t, 50) ? 0x3c9 : r->pstate | BIT(21);
		break;
	default:
		break;
	}
	return fz_pstate_ok(r->pstate) ? 0 : -EINVAL;
}

/*
 * HC_VCPU_SYNC of vCPU @idx: get, put (of what a get gave, changed or
 * spoilt), or neither. A protected vCPU's registers never reach the page.
 */
void fz_vcpu_sync_call(struct fz_thread *t, struct fz_vm *vm, u64 idx)
{
	struct fz_call c = { .x = { HC_ID(HC_VCPU_SYNC), vm->handle, idx,
				    fz_sync_dir(t) } };
	struct fz_vcpu *v = fz_vcpu_of(vm, idx);
	long want = c.x[3] > PK_SYNC_PUT ? -EINVAL :
		    fz_vcpu_take_expect(vm, idx);

	if (!want && vm->protected)
		want = -EPERM;
	if (!want && !v->reset_done)
		c.x[3] = PK_SYNC_GET;	/* blank registers: a get, checked */
	if (!want && c.x[3] == PK_SYNC_PUT) {
		struct fz_call get = { .x = { HC_ID(HC_VCPU_SYNC), vm->handle,
					      idx, PK_SYNC_GET } };

		fz_vm_issue(t, &get);
		if (!fz_vm_expect(t, &get, FZ_V_VCPU_SYNC, 0, false) ||
		    !fz_vcpu_get(t, vm, v, &get))
			return;
		want = fz_vcpu_put_prepare(t, v);
	} else if (v) {
		v->page->regs.pc = FZ_UNTOUCHED;
	}
	fz_vm_issue(t, &c);
	if (!fz_vm_expect(t, &c, FZ_V_VCPU_SYNC, want, false)) {
		fz_vm_broke(vm);
		return;
	}
	if (want && c.x[3] == PK_SYNC_GET && v && v->page->regs.pc != FZ_UNTOUCHED)
		fz_violation(FZ_V_VCPU_SYNC, &c, "a refused get wrote registers");
	else if (!want && c.x[3] == PK_SYNC_GET)
		fz_vcpu_get(t, vm, v, &c);
	else if (!want)		/* put: the model takes what went in */
		fz_vcpu_adopt(v, &v->page->regs);
}

/* ---- MMIO ------------------------------------------------------------------- */

static void fz_mmio_untouched(struct pk_vcpu_page *p)
{
	p->mmio_ipa = FZ_UNTOUCHED;
	p->mmio_data = FZ_UNTOUCHED;
	p->mmio_len = (u32)FZ_UNTOUCHED;
	p->mmio_write = (u32)FZ_UNTOUCHED;
}

/* What HC_VCPU_MMIO on a fault tells the host, and leaves to the next run. */
static void fz_vcpu_mmio_done(struct fz_vcpu *v, const struct fz_call *c)
{
	const struct pk_vcpu_page *p = v->page;
	u64 len = 8, write = 0, data = 0;

	if (v->abort_flags & PK_FAULT_EXEC) {
		len = 0;	/* not emulable: the guest takes an abort */
		v->inject_pabt = true;
		v->abort = FZ_AB_NONE;
	} else if (v->abort_flags & PK_FAULT_WRITE) {
		write = 1;
		data = v->x4;
		v->abort = FZ_AB_MMIO_WRITE;
	} else {
		v->abort = FZ_AB_MMIO_READ;
	}
	if (p->mmio_ipa != v->abort_ipa || p->mmio_len != len ||
	    p->mmio_write != write || p->mmio_data != data)
		fz_violation(FZ_V_VCPU_EXIT, c, "the MMIO access");
}

/* HC_VCPU_MMIO of vCPU @idx: after a fault, or at any other time. */
void fz_vcpu_mmio_call(struct fz_thread *t, struct fz_vm *vm, u64 idx)
{
	struct fz_call c = { .x = { HC_ID(HC_VCPU_MMIO), vm->handle, idx } };
	struct fz_vcpu *v = fz_vcpu_of(vm, idx);
	long want = fz_vcpu_take_expect(vm, idx);

	if (!want && v->abort != FZ_AB_FAULT)
		want = -EINVAL;
	if (v)
		fz_mmio_untouched(v->page);
	fz_vm_issue(t, &c);
	if (!fz_vm_expect(t, &c, FZ_V_VCPU_MMIO, want, false)) {
		fz_vm_broke(vm);
		return;
	}
	if (!want)
		fz_vcpu_mmio_done(v, &c);
	else if (v && v->page->mmio_ipa != FZ_UNTOUCHED)
		fz_violation(FZ_V_VCPU_EXIT, &c, "a refused MMIO call wrote the page");
}
