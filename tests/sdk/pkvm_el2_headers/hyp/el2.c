// SPDX-License-Identifier: GPL-2.0-only
/*
 * The EL2 headers public vendor modules include beside
 * asm/kvm_pkvm_module.h, in the order they include them (before it and
 * after it): must build without a warning, cpu_reg() defined once.
 */
#include <nvhe/trap_handler.h>
#include <asm/kvm_pkvm_module.h>
#include <asm/kvm_hyp.h>
#include <nvhe/spinlock.h>
#include <nvhe/trap_handler.h>

static hyp_spinlock_t lock;
u64 calls;			/* set by the EL1 side before loading */

void headers_hyp_call(struct kvm_cpu_context *ctx)
{
	DECLARE_REG(u64, arg, ctx, 1);

	hyp_spin_lock(&lock);
	calls += arg;
	cpu_reg(ctx, 1) = calls;
	hyp_spin_unlock(&lock);
	cpu_reg(ctx, 2) = read_sysreg_el2(SYS_ELR);
	cpu_reg(ctx, 3) = is_protected_kvm_enabled();
}

int headers_hyp_init(const struct pkvm_module_ops *ops)
{
	write_sysreg_el2(read_sysreg_el2(SYS_SPSR), SYS_SPSR);
	return 0;
}
