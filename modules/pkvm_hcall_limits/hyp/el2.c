// SPDX-License-Identifier: GPL-2.0-only
/* EL2 half of pkvm_hcall_limits: one handler, and data that is not code. */
#include <asm/kvm_pkvm_module.h>

u64 limits_data = 1;

void limits_hyp_hvc(struct kvm_cpu_context *ctx)
{
	cpu_reg(ctx, 1) = 0x11;
}

int limits_hyp_init(const struct pkvm_module_ops *ops)
{
	return 0;
}
