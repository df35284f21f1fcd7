// SPDX-License-Identifier: GPL-2.0-only
/* EL2 half of the sample pKVM vendor module, as in Android's documentation. */
#include <asm/kvm_pkvm_module.h>

int pkvm_driver_hyp_init(const struct pkvm_module_ops *ops)
{
	/* Init the EL2 code */
	return 0;
}

void pkvm_driver_hyp_hvc(struct kvm_cpu_context *ctx)
{
	/* Handle the call */
	cpu_reg(ctx, 1) = 0;
}
