/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Running a guest (vcpu_run.c): entry and exit (guest_entry.S), the
 * switch of EL1 and EL2 state between host and guest (guest_switch.c),
 * and what the hypervisor does with each exit itself (guest_exit.c,
 * guest_sysreg.c, guest_psci.c, guest_hvc.c, guest_inject.c). These run
 * on the CPU that runs the vCPU, with the guest's EL1 state live in the
 * registers: an exception injected into the guest writes them directly.
 */
#ifndef HYP_GUEST_H
#define HYP_GUEST_H

#include <pkvmkit/vm.h>
#include <hyp/vm.h>

struct pkvm_module_trng_ops;

/* Why __guest_enter() returned: the vector the guest's exception took. */
enum guest_exit_code {
	GUEST_EXIT_SYNC,
	GUEST_EXIT_IRQ,
	GUEST_EXIT_FIQ,
	GUEST_EXIT_SERROR,
};

/* guest_entry.S */
u64 __guest_enter(struct hyp_vcpu *vcpu);
void __fpsimd_save(u64 *state);
void __fpsimd_load(const u64 *state);
extern char __guest_vectors[];

/* guest_switch.c: the host's state out, the guest's in, and back */
void guest_switch_in(struct hyp_vcpu *vcpu);
void guest_switch_out(struct hyp_vcpu *vcpu);
/* HCR_EL2 for a guest, and with its interrupt lines */
u64 guest_hcr(const struct hyp_vcpu *vcpu);

/*
 * guest_exit.c: deal with an exit at EL2; PK_EXIT_NONE to enter the
 * guest again, or why the host must act.
 */
enum pk_exit handle_guest_exit(struct hyp_vcpu *vcpu, u64 code);
u64 guest_reg(const struct hyp_vcpu *vcpu, u32 rt);
void guest_set_reg(struct hyp_vcpu *vcpu, u32 rt, u64 val);

/* guest_inject.c: exceptions into the guest, and stepping over a trap */
void guest_inject_undef(struct hyp_vcpu *vcpu);
void guest_inject_dabt(struct hyp_vcpu *vcpu, u64 far);
void guest_inject_pabt(struct hyp_vcpu *vcpu, u64 far);
void guest_skip_insn(struct hyp_vcpu *vcpu);

/* guest_sysreg.c: trapped system registers, and the ID registers' view */
void handle_guest_sysreg(struct hyp_vcpu *vcpu, u64 esr);
u64 guest_id_reg(u32 enc);

/* guest_psci.c */
bool guest_fn_is_psci(u32 fn);
enum pk_exit handle_guest_psci(struct hyp_vcpu *vcpu, u32 fn);

/* struct arm_smccc_1_2_regs as the kernel lays it out: a0..a17 */
struct guest_smccc_regs {
	u64 a[18];
};

/*
 * guest_hooks.c: vendor modules' guest SMC handlers, for VM @handle (res
 * starts as a copy of args); the TRNG ops a module gave, or NULL.
 */
bool hyp_run_guest_smc_hooks(const struct guest_smccc_regs *args,
			     struct guest_smccc_regs *res, u32 handle);
const struct pkvm_module_trng_ops *hyp_guest_trng_ops(void);

/* guest_hvc.c: every HVC and SMC of a guest */
enum pk_exit handle_guest_call(struct hyp_vcpu *vcpu, bool smc);
void guest_call_not_memory(struct hyp_vcpu *vcpu);

#endif /* HYP_GUEST_H */
