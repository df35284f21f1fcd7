// SPDX-License-Identifier: GPL-2.0-only
/*
 * A guest's HVCs and SMCs (SMCCC 1.1), all answered at EL2: PSCI
 * (guest_psci.c); the SMCCC version and features; KVM's vendor calls
 * with pKVM's meaning for a protected guest (share, unshare and give
 * back its own pages, MMIO guard); the TRNG a vendor module provides;
 * vendor modules' guest SMC handlers; NOT_SUPPORTED for the rest. A
 * guest's SMC goes to the modules' handlers first, as in ACK; nothing a
 * guest calls reaches EL3.
 */
#include <hyp/guest.h>
#include <hyp/hooks.h>
#include <hyp/module_ops.h>
#include <hyp/sysreg.h>

#define SMCCC_VERSION			0x80000000
#define SMCCC_ARCH_FEATURES		0x80000001
#define SMCCC_VERSION_1_1		0x10001
#define SMCCC_RET_INVALID_PARAMETER	(-3L)

#define TRNG_VERSION			0x84000050
#define TRNG_FEATURES			0x84000051
#define TRNG_GET_UUID			0x84000052
#define TRNG_RND64			0xc4000053
#define TRNG_VERSION_1_0		0x10000

/* KVM's UID: 28b46fb6-2ec5-11e9-a9ca-4b564d003a74 */
static const u32 kvm_uid[4] = { 0xb66fb428, 0xe911c52e, 0x564bcaa9, 0x743a004d };

#define KVM_FN(id)	((id) & 0xffff)

static void ret4(struct hyp_vcpu *vcpu, u64 a0, u64 a1, u64 a2, u64 a3)
{
	vcpu->ctxt.regs[0] = a0;
	vcpu->ctxt.regs[1] = a1;
	vcpu->ctxt.regs[2] = a2;
	vcpu->ctxt.regs[3] = a3;
}

static void ret1(struct hyp_vcpu *vcpu, s64 a0)
{
	vcpu->ctxt.regs[0] = (u64)a0;
}

/* The KVM functions a guest has: pKVM's for a protected guest. */
static u64 kvm_features(const struct hyp_vm *vm)
{
	u64 f = BIT(KVM_FN(PK_SMCCC_KVM_FEATURES));

	if (vm->protected)
		f |= BIT(KVM_FN(PK_SMCCC_KVM_HYP_MEMINFO)) |
		     BIT(KVM_FN(PK_SMCCC_KVM_MEM_SHARE)) |
		     BIT(KVM_FN(PK_SMCCC_KVM_MEM_UNSHARE)) |
		     BIT(KVM_FN(PK_SMCCC_KVM_MMIO_GUARD_INFO)) |
		     BIT(KVM_FN(PK_SMCCC_KVM_MMIO_GUARD_ENROLL)) |
		     BIT(KVM_FN(PK_SMCCC_KVM_MMIO_GUARD_MAP)) |
		     BIT(KVM_FN(PK_SMCCC_KVM_MMIO_GUARD_UNMAP)) |
		     BIT(KVM_FN(PK_SMCCC_KVM_MEM_RELINQUISH));
	return f;
}

/* The host's part first, then the call again: back on its HVC or SMC. */
static void call_again(struct hyp_vcpu *vcpu)
{
	vcpu->ctxt.pc -= 4;	/* A64: both are 4 bytes */
}

/*
 * A page call on a page the guest has not touched yet: it is not mapped,
 * so the host must give it first. The call is made again afterwards: the
 * PC goes back to the HVC, and the host sees a write fault at the page.
 * If the host finds no memory there (HC_VCPU_MMIO), the call fails
 * instead: guest_call_not_memory().
 */
static enum pk_exit fault_in_first(struct hyp_vcpu *vcpu, u64 ipa)
{
	call_again(vcpu);
	vcpu->abort = VCPU_ABORT_FAULT;
	vcpu->abort_ipa = ipa;
	vcpu->page->fault_ipa = ipa;
	vcpu->page->fault_flags = PK_FAULT_WRITE;
	return PK_EXIT_S2_FAULT;
}

/*
 * The host says the IPA of a page call's fault_in_first() is not memory:
 * the call fails and the guest goes on past it. Not an abort: the
 * guest's access was a call, and the exception's syndrome and address
 * would be this HVC's, with FAR_EL2 left from whatever faulted last on
 * this CPU (another VM's, or the host's).
 */
void guest_call_not_memory(struct hyp_vcpu *vcpu)
{
	ret1(vcpu, SMCCC_RET_INVALID_PARAMETER);
	guest_skip_insn(vcpu);
}

static enum pk_exit mem_call(struct hyp_vcpu *vcpu, u32 fn)
{
	u64 ipa = vcpu->ctxt.regs[1];
	int ret;

	switch (fn) {
	case PK_SMCCC_KVM_MEM_SHARE:
		ret = hyp_guest_share_host(vcpu, ipa);
		break;
	case PK_SMCCC_KVM_MEM_UNSHARE:
		ret = hyp_guest_unshare_host(vcpu, ipa);
		break;
	default:	/* MEM_RELINQUISH */
		ret = hyp_guest_relinquish(vcpu, ipa);
		if (ret == -ENOENT) {	/* nothing there to give back */
			ret1(vcpu, SMCCC_RET_SUCCESS);
			return PK_EXIT_NONE;
		}
		break;
	}
	if (ret == -ENOENT && fn != PK_SMCCC_KVM_MEM_RELINQUISH)
		return fault_in_first(vcpu, ipa);
	ret1(vcpu, ret ? SMCCC_RET_INVALID_PARAMETER : SMCCC_RET_SUCCESS);
	if (!ret && fn == PK_SMCCC_KVM_MEM_RELINQUISH) {
		vcpu->page->fault_ipa = ipa;
		return PK_EXIT_RELINQUISH;	/* the host unpins it */
	}
	return PK_EXIT_NONE;
}

/*
 * MMIO guard MAP/UNMAP. A map may need stage-2 tables the VM's memcache
 * does not have: the call is made again once the host topped it up.
 */
static enum pk_exit mmio_guard_call(struct hyp_vcpu *vcpu, bool map)
{
	int ret = hyp_guest_mmio_guard(vcpu, vcpu->ctxt.regs[1], map);

	if (ret == -ENOMEM) {
		call_again(vcpu);
		return PK_EXIT_MEMCACHE;
	}
	ret1(vcpu, ret ? SMCCC_RET_INVALID_PARAMETER : SMCCC_RET_SUCCESS);
	return PK_EXIT_NONE;
}

/* KVM's vendor-hypervisor calls; false if @fn is none of them. */
static bool kvm_call(struct hyp_vcpu *vcpu, u32 fn, enum pk_exit *exit)
{
	struct hyp_vm *vm = vcpu->vm;

	*exit = PK_EXIT_NONE;
	if (fn == PK_SMCCC_KVM_UID) {
		ret4(vcpu, kvm_uid[0], kvm_uid[1], kvm_uid[2], kvm_uid[3]);
		return true;
	}
	if (fn == PK_SMCCC_KVM_FEATURES) {
		ret4(vcpu, kvm_features(vm), 0, 0, 0);
		return true;
	}
	if ((fn & 0xffff0000) != (PK_SMCCC_KVM_HYP_MEMINFO & 0xffff0000) ||
	    KVM_FN(fn) >= 64 || !(kvm_features(vm) & BIT(KVM_FN(fn))))
		return false;
	switch (fn) {
	case PK_SMCCC_KVM_HYP_MEMINFO:
	case PK_SMCCC_KVM_MMIO_GUARD_INFO:
		ret4(vcpu, PKVMKIT_PAGE_SIZE, 0, 0, 0);
		break;
	case PK_SMCCC_KVM_MMIO_GUARD_ENROLL:
		__atomic_store_n(&vm->mmio_guard, true, __ATOMIC_RELEASE);
		ret1(vcpu, SMCCC_RET_SUCCESS);
		break;
	case PK_SMCCC_KVM_MMIO_GUARD_MAP:
	case PK_SMCCC_KVM_MMIO_GUARD_UNMAP:
		*exit = mmio_guard_call(vcpu, fn == PK_SMCCC_KVM_MMIO_GUARD_MAP);
		break;
	case PK_SMCCC_KVM_MEM_SHARE:
	case PK_SMCCC_KVM_MEM_UNSHARE:
	case PK_SMCCC_KVM_MEM_RELINQUISH:
		*exit = mem_call(vcpu, fn);
		break;
	default:
		/*
		 * Function 0 passes the feature check (FEATURES is in every
		 * guest's bitmap), but its id is the SMC32 one, answered
		 * above: this SMC64 id is no call.
		 */
		return false;
	}
	return true;
}

/* ---- vendor modules ---------------------------------------------------- */

/* TRNG from a module's ops (android16-6.12); false if there are none. */
static bool trng_call(struct hyp_vcpu *vcpu, u32 fn)
{
	const struct pkvm_module_trng_ops *ops = hyp_guest_trng_ops();
	u64 entropy[3] = { 0 };
	const u32 *uuid;
	u64 bits;

	if (!ops)
		return false;
	switch (fn) {
	case TRNG_VERSION:
		ret1(vcpu, TRNG_VERSION_1_0);
		return true;
	case TRNG_FEATURES:
		bits = (u32)vcpu->ctxt.regs[1];
		ret1(vcpu, (bits >= TRNG_VERSION && bits <= TRNG_GET_UUID) ||
			   bits == TRNG_RND64 ? SMCCC_RET_SUCCESS :
						SMCCC_RET_NOT_SUPPORTED);
		return true;
	case TRNG_GET_UUID:
		uuid = (const u32 *)ops->trng_uuid;
		ret4(vcpu, uuid[0], uuid[1], uuid[2], uuid[3]);
		return true;
	case TRNG_RND64:	/* RND32 is not offered: NOT_SUPPORTED below */
		bits = vcpu->ctxt.regs[1];
		if (!bits || bits > 192 || ops->trng_rnd64(entropy, (int)bits)) {
			ret1(vcpu, SMCCC_RET_INVALID_PARAMETER);
			return true;
		}
		/* the low bits in x3, as the TRNG specification has them */
		ret4(vcpu, SMCCC_RET_SUCCESS, entropy[2], entropy[1], entropy[0]);
		return true;
	}
	return false;
}

/* Modules' guest SMC handlers (android15-6.6 on), in registration order. */
static bool module_call(struct hyp_vcpu *vcpu)
{
	struct guest_smccc_regs args, res;
	u32 i;

	for (i = 0; i < 18; i++)
		args.a[i] = vcpu->ctxt.regs[i];
	if (!hyp_run_guest_smc_hooks(&args, &res, vcpu->vm->handle))
		return false;
	/* 1.2 results in x0..x17; an android15-6.6 handler writes x0..x3 */
	for (i = 0; i < 18; i++)
		vcpu->ctxt.regs[i] = res.a[i];
	return true;
}

/* ---- dispatch ---------------------------------------------------------- */

static void smccc_call(struct hyp_vcpu *vcpu, u32 fn)
{
	if (fn == SMCCC_VERSION) {
		ret1(vcpu, SMCCC_VERSION_1_1);
		return;
	}
	/* SMCCC_ARCH_FEATURES: no firmware workaround is offered */
	ret1(vcpu, (u32)vcpu->ctxt.regs[1] == SMCCC_ARCH_FEATURES ?
		   SMCCC_RET_SUCCESS : SMCCC_RET_NOT_SUPPORTED);
}

enum pk_exit handle_guest_call(struct hyp_vcpu *vcpu, bool smc)
{
	u32 fn = (u32)vcpu->ctxt.regs[0];
	enum pk_exit exit = PK_EXIT_NONE;

	if (smc)	/* a trapped SMC returns to itself */
		guest_skip_insn(vcpu);
	else if (ESR_ISS_IMM16(vcpu->esr)) {
		ret1(vcpu, SMCCC_RET_NOT_SUPPORTED);	/* not SMCCC */
		return PK_EXIT_NONE;
	}
	if (smc && module_call(vcpu))
		return PK_EXIT_NONE;
	/* PSCI first: the calls a guest makes most (ranges disjoint from TRNG's) */
	if (guest_fn_is_psci(fn))
		return handle_guest_psci(vcpu, fn);
	if (trng_call(vcpu, fn))
		return PK_EXIT_NONE;
	if (fn == SMCCC_VERSION || fn == SMCCC_ARCH_FEATURES) {
		smccc_call(vcpu, fn);
		return PK_EXIT_NONE;
	}
	if (kvm_call(vcpu, fn, &exit))
		return exit;
	if (!smc && module_call(vcpu))
		return PK_EXIT_NONE;
	ret1(vcpu, SMCCC_RET_NOT_SUPPORTED);
	return PK_EXIT_NONE;
}
