// SPDX-License-Identifier: GPL-2.0-only
/*
 * A guest's PSCI 1.1, answered at EL2 as pKVM does: the host learns only
 * which vCPU to wake (CPU_ON: the entry point and context stay here, the
 * host cannot choose where a secondary starts), that a vCPU went off,
 * and that the guest asked to power off or reset (a KVM system event).
 * CPU_SUSPEND is a WFI. Power states change under vm_lock.
 */
#include <hyp/guest.h>
#include <hyp/log.h>
#include <hyp/psci_defs.h>

#define PSCI_VERSION_1_1	0x10001

bool guest_fn_is_psci(u32 fn)
{
	return (fn & ~PSCI_FN_MASK) == PSCI_FN32(0) ||
	       (fn & ~PSCI_FN_MASK) == PSCI_FN64(0);
}

static bool fn_is_64(u32 fn)
{
	return (fn & ~PSCI_FN_MASK) == PSCI_FN64(0);
}

/* An argument: 32 bits for the SMC32 form of a call. */
static u64 psci_arg(const struct hyp_vcpu *vcpu, u32 fn, u32 n)
{
	u64 v = vcpu->ctxt.regs[n];

	return fn_is_64(fn) ? v : (u32)v;
}

static void psci_ret(struct hyp_vcpu *vcpu, s64 ret)
{
	vcpu->ctxt.regs[0] = (u64)ret;
}

static enum pk_exit psci_cpu_on(struct hyp_vcpu *vcpu, u32 fn)
{
	struct hyp_vcpu *target;
	s64 ret = PSCI_RET_SUCCESS;

	hyp_spin_lock(&vm_lock);
	target = hyp_vcpu_by_mpidr_locked(vcpu->vm, psci_arg(vcpu, fn, 1));
	if (!target)
		ret = PSCI_RET_INVALID_PARAMS;
	else if (target->power == VCPU_ON)
		ret = PSCI_RET_ALREADY_ON;
	else if (target->power == VCPU_ON_PENDING)
		ret = PSCI_RET_ON_PENDING;
	if (!ret) {
		target->boot_pc = psci_arg(vcpu, fn, 2);
		target->boot_ctx = psci_arg(vcpu, fn, 3);
		target->power = VCPU_ON_PENDING;
		vcpu->page->target = target->idx;
	}
	hyp_spin_unlock(&vm_lock);
	psci_ret(vcpu, ret);
	return ret ? PK_EXIT_NONE : PK_EXIT_CPU_ON;
}

/* Affinity levels 0..3 of @target_aff match a vCPU's MPIDR above @level. */
static s64 psci_affinity_info(struct hyp_vcpu *vcpu, u32 fn)
{
	u64 target = psci_arg(vcpu, fn, 1), level = psci_arg(vcpu, fn, 2);
	u64 mask;
	s64 ret = PSCI_RET_INVALID_PARAMS;
	u32 i;

	if (level > 3)
		return ret;
	/* levels 0, 1, 2 are bits 7:0, 15:8, 23:16; level 3 bits 39:32 */
	mask = PK_MPIDR_AFF_MASK;
	for (i = 0; i < level; i++)
		mask &= ~(0xffULL << (i < 3 ? 8 * i : 32));
	hyp_spin_lock(&vm_lock);
	for (i = 0; i < PK_MAX_VCPUS; i++) {
		struct hyp_vcpu *v = vcpu->vm->vcpus[i];

		if (!v || ((v->mpidr ^ target) & mask))
			continue;
		if (v->power == VCPU_ON) {
			ret = PSCI_AFFINITY_ON;
			break;
		}
		if (v->power == VCPU_ON_PENDING)
			ret = PSCI_AFFINITY_ON_PENDING;
		else if (ret == PSCI_RET_INVALID_PARAMS)
			ret = PSCI_AFFINITY_OFF;
	}
	hyp_spin_unlock(&vm_lock);
	return ret;
}

static s64 psci_features(u32 fn)
{
	switch (fn) {
	case PSCI_FN32(PSCI_VERSION):
	case PSCI_FN32(PSCI_CPU_SUSPEND):
	case PSCI_FN64(PSCI_CPU_SUSPEND):
	case PSCI_FN32(PSCI_CPU_OFF):
	case PSCI_FN32(PSCI_CPU_ON):
	case PSCI_FN64(PSCI_CPU_ON):
	case PSCI_FN32(PSCI_AFFINITY_INFO):
	case PSCI_FN64(PSCI_AFFINITY_INFO):
	case PSCI_FN32(PSCI_MIGRATE_INFO_TYPE):
	case PSCI_FN32(PSCI_SYSTEM_OFF):
	case PSCI_FN32(PSCI_SYSTEM_RESET):
	case PSCI_FN32(PSCI_SYSTEM_RESET2):
	case PSCI_FN64(PSCI_SYSTEM_RESET2):
	case PSCI_FN32(PSCI_FEATURES):
		return PSCI_RET_SUCCESS;
	case 0x80000000:	/* SMCCC_VERSION */
		return PSCI_RET_SUCCESS;
	default:
		return PSCI_RET_NOT_SUPPORTED;
	}
}

/*
 * Power off or reset. A protected VM cannot be reset (its memory and
 * state would have to be re-established by the host, which it cannot be
 * trusted with): its reset is a power-off, as in pKVM.
 */
static enum pk_exit psci_system_event(struct hyp_vcpu *vcpu, u32 event)
{
	if (event == PK_SYSTEM_EVENT_RESET && vcpu->vm->protected) {
		hyp_log("pkvmkit: VM %u: a protected VM cannot reset: powered off\n",
			vcpu->vm->handle);
		event = PK_SYSTEM_EVENT_SHUTDOWN;
	}
	vcpu->page->system_event = event;
	return PK_EXIT_SYSTEM_EVENT;
}

enum pk_exit handle_guest_psci(struct hyp_vcpu *vcpu, u32 fn)
{
	switch (fn) {
	case PSCI_FN32(PSCI_VERSION):
		psci_ret(vcpu, PSCI_VERSION_1_1);
		return PK_EXIT_NONE;
	case PSCI_FN32(PSCI_CPU_SUSPEND):
	case PSCI_FN64(PSCI_CPU_SUSPEND):
		psci_ret(vcpu, PSCI_RET_SUCCESS);
		return PK_EXIT_WFI;
	case PSCI_FN32(PSCI_CPU_OFF):
		hyp_spin_lock(&vm_lock);
		vcpu->power = VCPU_OFF;
		hyp_spin_unlock(&vm_lock);
		return PK_EXIT_CPU_OFF;
	case PSCI_FN32(PSCI_CPU_ON):
	case PSCI_FN64(PSCI_CPU_ON):
		return psci_cpu_on(vcpu, fn);
	case PSCI_FN32(PSCI_AFFINITY_INFO):
	case PSCI_FN64(PSCI_AFFINITY_INFO):
		psci_ret(vcpu, psci_affinity_info(vcpu, fn));
		return PK_EXIT_NONE;
	case PSCI_FN32(PSCI_MIGRATE_INFO_TYPE):
		psci_ret(vcpu, PSCI_TOS_NOT_PRESENT_MP);
		return PK_EXIT_NONE;
	case PSCI_FN32(PSCI_SYSTEM_OFF):
		return psci_system_event(vcpu, PK_SYSTEM_EVENT_SHUTDOWN);
	case PSCI_FN32(PSCI_SYSTEM_RESET):
	case PSCI_FN32(PSCI_SYSTEM_RESET2):
	case PSCI_FN64(PSCI_SYSTEM_RESET2):
		return psci_system_event(vcpu, PK_SYSTEM_EVENT_RESET);
	case PSCI_FN32(PSCI_FEATURES):
		psci_ret(vcpu, psci_features((u32)vcpu->ctxt.regs[1]));
		return PK_EXIT_NONE;
	default:
		psci_ret(vcpu, PSCI_RET_NOT_SUPPORTED);
		return PK_EXIT_NONE;
	}
}
