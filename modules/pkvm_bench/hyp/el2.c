// SPDX-License-Identifier: GPL-2.0-only
/* EL2 half of pkvm_bench: the cheapest useful handler, it writes x1. */
#include <asm/kvm_pkvm_module.h>

void bench_hyp_hvc(struct kvm_cpu_context *ctx)
{
	cpu_reg(ctx, 1) = cpu_reg(ctx, 1) + 1;
}

int bench_hyp_init(const struct pkvm_module_ops *ops)
{
	return 0;
}
