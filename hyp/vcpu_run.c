// SPDX-License-Identifier: GPL-2.0-only
/*
 * The host's calls on a vCPU: give it its boot state (HC_VCPU_RESET),
 * run it until the host must act (HC_VCPU_RUN), finish an access the host
 * emulated (HC_VCPU_MMIO, then the next run), and, for a non-protected
 * VM only, read or write its registers (HC_VCPU_SYNC). A vCPU is taken
 * by one call at a time, on one CPU: the same vCPU run twice at once is
 * -EBUSY. What crosses to the host goes through the vCPU's page, read
 * once and checked here.
 */
#include <hyp/compiler.h>
#include <hyp/guest.h>
#include <hyp/lib.h>
#include <hyp/log.h>
#include <hyp/sysreg.h>

/* SCTLR_EL1 out of reset: its RES1 bits, MMU and caches off, little-endian */
#define SCTLR_EL1_RESET		0x30d00800ULL

/* The PSTATE a host may give a non-protected vCPU: AArch64 EL0/EL1 only */
#define PSTATE_ALLOWED		(0xf0000000ULL | PSR_DAIF | PSR_SSBS | PSR_PAN | \
				 PSR_UAO | PSR_MODE_MASK)

static struct hyp_vcpu *vcpu_take(u64 handle, u64 idx, int *err)
{
	struct hyp_vcpu *vcpu = NULL;
	struct hyp_vm *vm;
	u32 idle = 0;

	hyp_spin_lock(&vm_lock);
	vm = hyp_vm_get_locked(handle);
	*err = -ENOENT;
	if (!vm)
		goto out;
	*err = -EPERM;
	if (vm->dying)
		goto out;
	vcpu = hyp_vcpu_get_locked(vm, idx);
	*err = -ENOENT;
	if (!vcpu)
		goto out;
	*err = -EBUSY;
	if (!__atomic_compare_exchange_n(&vcpu->running, &idle, 1, false,
					 __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) {
		vcpu = NULL;
		goto out;
	}
	vm->nr_running++;
	*err = 0;
out:
	hyp_spin_unlock(&vm_lock);
	return vcpu;
}

static void vcpu_release(struct hyp_vcpu *vcpu)
{
	hyp_spin_lock(&vm_lock);
	vcpu->vm->nr_running--;
	__atomic_store_n(&vcpu->running, 0, __ATOMIC_RELEASE);
	hyp_spin_unlock(&vm_lock);
}

/* Architectural reset, entering at @pc with @x0 (PSCI CPU_ON, a boot). */
void hyp_vcpu_reset_state(struct hyp_vcpu *vcpu, u64 pc, u64 x0)
{
	memset(&vcpu->ctxt, 0, sizeof(vcpu->ctxt));
	memset(vcpu->fp, 0, sizeof(vcpu->fp));
	vcpu->fpsr = vcpu->fpcr = 0;
	vcpu->sp_el0 = vcpu->sp_el1 = vcpu->elr_el1 = vcpu->spsr_el1 = 0;
	memset(vcpu->sys, 0, sizeof(vcpu->sys));
	vcpu->sys[PK_SR_SCTLR_EL1] = SCTLR_EL1_RESET;
	vcpu->timer_ctl = vcpu->timer_cval = 0;
	vcpu->ctxt.pc = pc;
	vcpu->ctxt.regs[0] = x0;
	vcpu->ctxt.pstate = PSR_MODE_EL1h | PSR_DAIF;
	vcpu->abort = VCPU_ABORT_NONE;
	vcpu->inject = VCPU_INJECT_NONE;
	vcpu->hcr = 0;
	vcpu->reset_done = true;
}

static bool pstate_ok(u64 pstate)
{
	u64 mode = pstate & PSR_MODE_MASK;

	return !(pstate & ~PSTATE_ALLOWED) &&
	       (mode == PSR_MODE_EL0t || mode == PSR_MODE_EL1t ||
		mode == PSR_MODE_EL1h);
}

/* A non-protected vCPU's whole state from @r (checked: never EL2). */
static int load_regs(struct hyp_vcpu *vcpu, const struct pk_vcpu_regs *r)
{
	if (!pstate_ok(r->pstate))
		return -EINVAL;
	memcpy(vcpu->ctxt.regs, r->x, sizeof(r->x));
	vcpu->ctxt.pc = r->pc;
	vcpu->ctxt.pstate = r->pstate;
	vcpu->sp_el0 = r->sp_el0;
	vcpu->sp_el1 = r->sp_el1;
	vcpu->elr_el1 = r->elr_el1;
	vcpu->spsr_el1 = r->spsr_el1;
	memcpy(vcpu->fp, r->vregs, sizeof(vcpu->fp));
	vcpu->fpsr = r->fpsr;
	vcpu->fpcr = r->fpcr;
	memcpy(vcpu->sys, r->sys, sizeof(vcpu->sys));
	vcpu->timer_ctl = r->timer_ctl;
	vcpu->timer_cval = r->timer_cval;
	return 0;
}

static void store_regs(const struct hyp_vcpu *vcpu, struct pk_vcpu_regs *r)
{
	memcpy(r->x, vcpu->ctxt.regs, sizeof(r->x));
	r->pc = vcpu->ctxt.pc;
	r->pstate = vcpu->ctxt.pstate;
	r->sp_el0 = vcpu->sp_el0;
	r->sp_el1 = vcpu->sp_el1;
	r->elr_el1 = vcpu->elr_el1;
	r->spsr_el1 = vcpu->spsr_el1;
	memcpy(r->vregs, vcpu->fp, sizeof(r->vregs));
	r->fpsr = vcpu->fpsr;
	r->fpcr = vcpu->fpcr;
	memcpy(r->sys, vcpu->sys, sizeof(r->sys));
	r->timer_ctl = vcpu->timer_ctl;
	r->timer_cval = vcpu->timer_cval;
}

/*
 * HC_VCPU_RESET: the boot state the host wrote in the vCPU's page. A
 * protected vCPU takes its PC and x0..x3 from it and nothing else (the
 * rest is the architecture's reset), and only before its VM first ran:
 * afterwards only the guest's PSCI CPU_ON starts a vCPU.
 */
static int vcpu_reset(struct hyp_vcpu *vcpu)
{
	static struct pk_vcpu_regs copies[HYP_MAX_CPUS];
	struct pk_vcpu_regs *r = &copies[this_cpu()->slot];
	u64 boot = READ_ONCE(vcpu->page->boot_flags);
	int ret = 0;

	if (boot & ~PK_BOOT_POWER_OFF)
		return -EINVAL;
	memcpy(r, &vcpu->page->regs, sizeof(*r));	/* once: the host may write on */
	if (!vcpu->vm->protected && !pstate_ok(r->pstate))
		return -EINVAL;
	/* under vm_lock: no vCPU of a protected VM starts in between */
	hyp_spin_lock(&vm_lock);
	if (vcpu->vm->protected && vcpu->vm->started) {
		ret = -EPERM;
		goto out;
	}
	hyp_vcpu_reset_state(vcpu, r->pc, r->x[0]);
	if (vcpu->vm->protected)
		memcpy(&vcpu->ctxt.regs[1], &r->x[1], 3 * sizeof(u64));
	else
		load_regs(vcpu, r);
	vcpu->power = (boot & PK_BOOT_POWER_OFF) ? VCPU_OFF : VCPU_ON;
out:
	hyp_spin_unlock(&vm_lock);
	return ret;
}

int hyp_vcpu_reset(u64 handle, u64 idx)
{
	struct hyp_vcpu *vcpu;
	int ret;

	vcpu = vcpu_take(handle, idx, &ret);
	if (!vcpu)
		return ret;
	ret = vcpu_reset(vcpu);
	vcpu_release(vcpu);
	return ret;
}

/* HC_VCPU_SYNC: a non-protected vCPU's registers, to or from its page. */
int hyp_vcpu_sync(u64 handle, u64 idx, u64 dir)
{
	static struct pk_vcpu_regs copies[HYP_MAX_CPUS];
	struct hyp_vcpu *vcpu;
	int ret;

	if (dir != PK_SYNC_GET && dir != PK_SYNC_PUT)
		return -EINVAL;
	vcpu = vcpu_take(handle, idx, &ret);
	if (!vcpu)
		return ret;
	if (vcpu->vm->protected) {
		ret = -EPERM;
	} else if (dir == PK_SYNC_GET) {
		store_regs(vcpu, &vcpu->page->regs);
	} else {
		memcpy(&copies[this_cpu()->slot], &vcpu->page->regs,
		       sizeof(copies[0]));
		ret = load_regs(vcpu, &copies[this_cpu()->slot]);
	}
	vcpu_release(vcpu);
	return ret;
}

/* The value of a load of @len bytes, as the instruction extends it. */
static u64 mmio_load_value(u64 esr, u64 data)
{
	u32 bits = 8 << ESR_ISS_SAS(esr);

	if (bits < 64) {
		data &= (1ULL << bits) - 1;
		if ((esr & ESR_ISS_SSE) && (data & (1ULL << (bits - 1))))
			data |= ~0ULL << bits;
	}
	if (!(esr & ESR_ISS_SF))
		data &= 0xffffffffULL;
	return data;
}

/*
 * HC_VCPU_MMIO: the abort the host was told of is not memory. A data
 * access the guest may have emulated (a valid syndrome; an IPA it
 * guarded, once it enrolled) gives the host its address, size and
 * direction and a write's value; nothing else of the guest's. An
 * instruction fetch or an access nobody may emulate is an abort for the
 * guest at its next run (mmio_len 0: nothing to emulate); an access
 * without a syndrome cannot be emulated: -ENOSYS, as KVM. A page call's
 * fault (its HVC or SMC is the exit) is no access: the call fails.
 */
static int vcpu_mmio(struct hyp_vcpu *vcpu)
{
	struct pk_vcpu_page *page = vcpu->page;
	u64 esr = vcpu->esr, data;
	bool dabt = ESR_EC(esr) == ESR_EC_DABT_LOW;
	u32 len;

	if (vcpu->abort != VCPU_ABORT_FAULT)
		return -EINVAL;
	page->mmio_ipa = vcpu->abort_ipa;
	page->mmio_len = 0;
	page->mmio_write = 0;
	page->mmio_data = 0;
	if (ESR_EC(esr) == ESR_EC_HVC64 || ESR_EC(esr) == ESR_EC_SMC64) {
		guest_call_not_memory(vcpu);
		vcpu->abort = VCPU_ABORT_NONE;
		return 0;
	}
	if (!dabt || (esr & ESR_ISS_S1PTW) ||
	    !hyp_guest_mmio_allowed(vcpu, vcpu->abort_ipa)) {
		vcpu->inject = dabt ? VCPU_INJECT_DABT : VCPU_INJECT_PABT;
		vcpu->inject_far = vcpu->far;
		vcpu->abort = VCPU_ABORT_NONE;
		return 0;
	}
	if (!(esr & ESR_ISS_ISV))
		return -ENOSYS;
	/*
	 * Computed here, only written to the page: the host may write it
	 * meanwhile, and a length read back from it would choose how much
	 * of the guest's register it gets.
	 */
	len = 1U << ESR_ISS_SAS(esr);
	page->mmio_len = len;
	if (esr & ESR_ISS_WNR) {
		data = guest_reg(vcpu, ESR_ISS_SRT(esr));
		if (len < 8)
			data &= (1ULL << (8 * len)) - 1;
		page->mmio_write = 1;
		page->mmio_data = data;
		vcpu->abort = VCPU_ABORT_MMIO_WRITE;
	} else {
		vcpu->abort = VCPU_ABORT_MMIO_READ;
	}
	return 0;
}

int hyp_vcpu_mmio(u64 handle, u64 idx)
{
	struct hyp_vcpu *vcpu;
	int ret;

	vcpu = vcpu_take(handle, idx, &ret);
	if (!vcpu)
		return ret;
	ret = vcpu_mmio(vcpu);
	vcpu_release(vcpu);
	return ret;
}

/* The emulated access done: its value in place, the guest past it. */
static void complete_abort(struct hyp_vcpu *vcpu)
{
	switch (vcpu->abort) {
	case VCPU_ABORT_MMIO_READ:
		guest_set_reg(vcpu, ESR_ISS_SRT(vcpu->esr),
			      mmio_load_value(vcpu->esr,
					      READ_ONCE(vcpu->page->mmio_read)));
		guest_skip_insn(vcpu);
		break;
	case VCPU_ABORT_MMIO_WRITE:
		guest_skip_insn(vcpu);
		break;
	default:	/* a fault: the access is made again */
		break;
	}
	vcpu->abort = VCPU_ABORT_NONE;
}

/*
 * Whether the vCPU may enter: on (a CPU_ON it was waiting for starts it
 * here, where the guest asked), with a state. The first entry fixes a
 * protected VM's boot state.
 */
static enum pk_exit vcpu_power_check(struct hyp_vcpu *vcpu)
{
	enum pk_exit exit = PK_EXIT_NONE;

	hyp_spin_lock(&vm_lock);
	if (vcpu->power == VCPU_ON_PENDING) {
		hyp_vcpu_reset_state(vcpu, vcpu->boot_pc, vcpu->boot_ctx);
		vcpu->power = VCPU_ON;
	}
	if (vcpu->power != VCPU_ON || !vcpu->reset_done)
		exit = PK_EXIT_CPU_OFF;
	else
		vcpu->vm->started = true;
	hyp_spin_unlock(&vm_lock);
	return exit;
}

static void inject_pending(struct hyp_vcpu *vcpu)
{
	if (vcpu->inject == VCPU_INJECT_DABT)
		guest_inject_dabt(vcpu, vcpu->inject_far);
	else if (vcpu->inject == VCPU_INJECT_PABT)
		guest_inject_pabt(vcpu, vcpu->inject_far);
	vcpu->inject = VCPU_INJECT_NONE;
}

static enum pk_exit run_guest(struct hyp_vcpu *vcpu)
{
	enum pk_exit exit;
	u64 hcr = 0, want, code;

	guest_switch_in(vcpu);
	inject_pending(vcpu);
	do {
		/* HCR_EL2 written only when it changes: most exits keep it */
		want = guest_hcr(vcpu);
		vcpu->hcr &= ~HCR_VSE;	/* one virtual SError, once */
		if (want != hcr) {
			write_sysreg(want, hcr_el2);
			isb();
			hcr = want;
		}
		code = __guest_enter(vcpu);
		exit = handle_guest_exit(vcpu, code);
	} while (exit == PK_EXIT_NONE);
	guest_switch_out(vcpu);
	return exit;
}

static enum pk_exit vcpu_run(struct hyp_vcpu *vcpu, u64 flags)
{
	enum pk_exit exit;

	complete_abort(vcpu);
	if (flags & PK_RUN_NO_ENTRY)
		return PK_EXIT_NONE;
	exit = vcpu_power_check(vcpu);
	if (exit != PK_EXIT_NONE)
		return exit;
	return run_guest(vcpu);
}

/*
 * HC_VCPU_RUN: the exit the host must deal with (>= 0), its details in
 * the vCPU's page with the guest's timer (for the host to wake it), or
 * -errno with nothing run.
 */
s64 hyp_vcpu_run(u64 handle, u64 idx, u64 flags)
{
	struct hyp_vcpu *vcpu;
	enum pk_exit exit;
	int ret;

	if (flags & ~PK_RUN_NO_ENTRY)
		return -EINVAL;
	vcpu = vcpu_take(handle, idx, &ret);
	if (!vcpu)
		return ret;
	exit = vcpu_run(vcpu, flags);
	vcpu->page->exit = exit;
	vcpu->page->timer_ctl = vcpu->timer_ctl;
	vcpu->page->timer_cval = vcpu->timer_cval;
	vcpu_release(vcpu);
	return exit;
}
