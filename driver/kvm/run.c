// SPDX-License-Identifier: GPL-2.0-only
/*
 * KVM_RUN: run the vCPU at EL2 (HC_VCPU_RUN) until its VMM has something
 * to do (an MMIO access, a system event, its timer's level changed, a
 * signal), dealing here with what the host can: its own interrupts, a
 * first touch of guest memory, a WFI (the vCPU sleeps until an interrupt
 * line, its timer or a signal wakes it), PSCI's CPU_ON and CPU_OFF.
 *
 * The guest runs with this CPU's interrupts masked at EL1 (a host
 * interrupt makes it exit, and is taken right after), between
 * kernel_neon_begin() and kernel_neon_end(): the hypervisor loads the
 * guest's FP/SIMD registers over whatever the host had in them.
 */
#include "../pkvmkit.h"
#include "kvm.h"
#include <linux/sched/signal.h>
#include <asm/neon.h>

/* What the VMM learns of the vCPU's timer: its level, when it changed. */
static bool vtimer_level_changed(struct pk_vcpu *vcpu)
{
	struct kvm_run *run = vcpu->run;
	bool level = pk_vtimer_level(READ_ONCE(vcpu->page->timer_ctl),
				     READ_ONCE(vcpu->page->timer_cval));
	bool shown = run->s.regs.device_irq_level & KVM_ARM_DEV_EL1_VTIMER;

	if (level == shown)
		return false;
	if (level)
		run->s.regs.device_irq_level |= KVM_ARM_DEV_EL1_VTIMER;
	else
		run->s.regs.device_irq_level &= ~KVM_ARM_DEV_EL1_VTIMER;
	return true;
}

/* One HC_VCPU_RUN: its exit (>= 0) or -errno. */
static long enter_guest(struct pk_vcpu *vcpu, unsigned long flags)
{
	struct arm_smccc_res res;
	bool level = pk_vtimer_level(READ_ONCE(vcpu->page->timer_ctl),
				     READ_ONCE(vcpu->page->timer_cval));

	kernel_neon_begin();
	local_irq_disable();
	WRITE_ONCE(vcpu->cpu, smp_processor_id());
	WRITE_ONCE(vcpu->mode, PK_VCPU_IN_GUEST);
	smp_mb();	/* mode before the lines: pairs with pk_vcpu_kick() */
	WRITE_ONCE(vcpu->page->irq_lines, READ_ONCE(vcpu->irq_lines));
	/* a high level stays high in the guest: its PPI would only storm */
	pk_vtimer_ppi_for_guest(level);
	arm_smccc_1_1_hvc(HC_ID(HC_VCPU_RUN), vcpu->vm->handle, vcpu->idx,
			  flags, &res);
	WRITE_ONCE(vcpu->mode, PK_VCPU_OUTSIDE);
	local_irq_enable();
	kernel_neon_end();
	if (res.a0 != SMCCC_RET_SUCCESS)
		return -EOPNOTSUPP;
	return (long)res.a1;
}

/* WFI: sleep until an interrupt line, the timer or a kick (or a signal). */
static void wait_for_interrupt(struct pk_vcpu *vcpu)
{
	u64 ctl = READ_ONCE(vcpu->page->timer_ctl);
	u64 cval = READ_ONCE(vcpu->page->timer_cval);
	ktime_t expiry = pk_vtimer_expiry(ctl, cval);

	WRITE_ONCE(vcpu->kicked, false);
	/* kicked cleared before the lines are read: pairs with the kick's */
	smp_mb();
	if (READ_ONCE(vcpu->irq_lines) || pk_vtimer_level(ctl, cval))
		return;
#define WOKEN	(READ_ONCE(vcpu->kicked) || READ_ONCE(vcpu->irq_lines))
	if (expiry == KTIME_MAX)
		(void)wait_event_interruptible(vcpu->wq, WOKEN);
	else if (expiry > 0)
		(void)wait_event_interruptible_hrtimeout(vcpu->wq, WOKEN, expiry);
#undef WOKEN
}

/* Powered off (PSCI CPU_OFF, or never on): sleep until a CPU_ON. */
static void wait_powered_on(struct pk_vcpu *vcpu)
{
	(void)wait_event_interruptible(vcpu->wq, !READ_ONCE(vcpu->power_off));
}

static void wake_cpu_on_target(struct pk_vcpu *vcpu)
{
	struct pk_vm *vm = vcpu->vm;
	u64 target = READ_ONCE(vcpu->page->target);
	struct pk_vcpu *t;

	mutex_lock(&vm->lock);
	t = target < PK_MAX_VCPUS ? vm->vcpus[target] : NULL;
	mutex_unlock(&vm->lock);
	if (!t)
		return;
	WRITE_ONCE(t->power_off, false);
	pk_vcpu_kick(t);
}

/* PSCI SYSTEM_OFF/RESET: every vCPU stops, as KVM stops them. */
static int system_event(struct pk_vcpu *vcpu)
{
	struct pk_vm *vm = vcpu->vm;
	struct kvm_run *run = vcpu->run;
	int i;

	mutex_lock(&vm->lock);
	for (i = 0; i < PK_MAX_VCPUS; i++) {
		if (!vm->vcpus[i])
			continue;
		WRITE_ONCE(vm->vcpus[i]->power_off, true);
		pk_vcpu_kick(vm->vcpus[i]);
	}
	mutex_unlock(&vm->lock);
	memset(&run->system_event, 0, sizeof(run->system_event));
	run->system_event.type = READ_ONCE(vcpu->page->system_event);
	run->exit_reason = KVM_EXIT_SYSTEM_EVENT;
	return 0;
}

/*
 * A stage-2 fault: memory the guest touches first (mapped, it retries),
 * or MMIO for the VMM with only what the hypervisor says of the access.
 */
static int stage2_fault(struct pk_vcpu *vcpu)
{
	struct pk_vcpu_page *page = vcpu->page;
	struct kvm_run *run = vcpu->run;
	u64 data;
	long ret;

	ret = pk_vm_map_fault(vcpu->vm, READ_ONCE(page->fault_ipa));
	if (ret <= 0)
		return ret ?: 1;
	ret = pk_vm_hvc(HC_VCPU_MMIO, vcpu->vm->handle, vcpu->idx, 0, 0);
	if (ret)
		return ret;	/* -ENOSYS: no syndrome to emulate it by, as KVM */
	if (!READ_ONCE(page->mmio_len))
		return 1;	/* the guest gets an abort instead */
	vcpu->mmio_len = min_t(u32, READ_ONCE(page->mmio_len), sizeof(data));
	run->exit_reason = KVM_EXIT_MMIO;
	run->mmio.phys_addr = READ_ONCE(page->mmio_ipa);
	run->mmio.len = vcpu->mmio_len;
	run->mmio.is_write = READ_ONCE(page->mmio_write);
	memset(run->mmio.data, 0, sizeof(run->mmio.data));
	if (run->mmio.is_write) {
		data = READ_ONCE(page->mmio_data);
		memcpy(run->mmio.data, &data, vcpu->mmio_len);
	} else {
		vcpu->mmio_read_pending = true;
	}
	return 0;
}

/* A guest call needs stage-2 tables at EL2 (the MMIO guard): top up. */
static int memcache_topup(struct pk_vcpu *vcpu)
{
	int ret;

	mutex_lock(&vcpu->vm->lock);
	ret = pk_vm_topup(vcpu->vm, PK_TOPUP_PAGES);
	mutex_unlock(&vcpu->vm->lock);
	return ret ?: 1;
}

/* 1: run again; 0: to the VMM (exit_reason set); -errno: KVM_RUN fails. */
static int handle_exit(struct pk_vcpu *vcpu, long exit)
{
	if (exit < 0)
		return exit;
	switch (exit) {
	case PK_EXIT_NONE:
	case PK_EXIT_IRQ:
		return 1;
	case PK_EXIT_WFI:
		wait_for_interrupt(vcpu);
		return 1;
	case PK_EXIT_S2_FAULT:
		return stage2_fault(vcpu);
	case PK_EXIT_CPU_ON:
		wake_cpu_on_target(vcpu);
		return 1;
	case PK_EXIT_CPU_OFF:
		WRITE_ONCE(vcpu->power_off, true);
		return 1;
	case PK_EXIT_SYSTEM_EVENT:
		return system_event(vcpu);
	case PK_EXIT_LOST_PAGE:
		pr_warn_ratelimited("VM %u: the guest needs IPA %#llx, which the host took back: KVM_RUN fails (EFAULT)\n",
				    vcpu->vm->handle, READ_ONCE(vcpu->page->fault_ipa));
		return -EFAULT;
	case PK_EXIT_MEMCACHE:
		return memcache_topup(vcpu);
	case PK_EXIT_RELINQUISH:
		pk_vm_unpin_gfn(vcpu->vm, READ_ONCE(vcpu->page->fault_ipa) >>
				PAGE_SHIFT);
		return 1;
	default:
		return -EIO;
	}
}

static long run_loop(struct pk_vcpu *vcpu)
{
	struct kvm_run *run = vcpu->run;
	int ret;

	for (;;) {
		if (signal_pending(current) || vtimer_level_changed(vcpu)) {
			run->exit_reason = KVM_EXIT_INTR;
			return -EINTR;
		}
		if (READ_ONCE(vcpu->power_off)) {
			wait_powered_on(vcpu);
			continue;
		}
		cond_resched();
		ret = handle_exit(vcpu, enter_guest(vcpu, 0));
		if (ret <= 0)
			return ret;
		vcpu->ran = true;
		vcpu->vm->ran = true;
	}
}

/*
 * Before the vCPU runs: its VM's boot states at EL2, its own after a
 * reset, a non-protected vCPU's registers the VMM wrote, and the value
 * of the MMIO read the VMM completed.
 */
static int prepare_run(struct pk_vcpu *vcpu)
{
	struct pk_vm *vm = vcpu->vm;
	u64 data = 0;
	int ret;

	mutex_lock(&vm->lock);
	ret = pk_vm_start(vm);
	mutex_unlock(&vm->lock);
	ret = ret ?: pk_vcpu_commit_boot(vcpu) ?: pk_regs_sync_put(vcpu);
	if (ret)
		return ret;
	if (!vm->protected)
		vcpu->regs_valid = false;	/* it runs: fetch them again */
	if (vcpu->mmio_read_pending) {
		memcpy(&data, vcpu->run->mmio.data, vcpu->mmio_len);
		WRITE_ONCE(vcpu->page->mmio_read, data);
		vcpu->mmio_read_pending = false;
	}
	return 0;
}

long pk_vcpu_run(struct pk_vcpu *vcpu)
{
	struct kvm_run *run = vcpu->run;
	long ret;

	if (!vcpu->initialized)
		return -ENOEXEC;
	ret = prepare_run(vcpu);
	if (ret)
		return ret;
	run->flags = 0;
	if (READ_ONCE(run->HINT_UNSAFE_IN_KVM(immediate_exit))) {
		/* a pending MMIO read completes first, as KVM has it */
		ret = enter_guest(vcpu, PK_RUN_NO_ENTRY);
		if (ret < 0)
			return ret;
		run->exit_reason = KVM_EXIT_INTR;
		return -EINTR;
	}
	run->exit_reason = KVM_EXIT_UNKNOWN;
	ret = run_loop(vcpu);
	vtimer_level_changed(vcpu);	/* the VMM reads it after every KVM_RUN */
	return ret;
}
