// SPDX-License-Identifier: GPL-2.0-only
/* pkvm_api_mismatch, EL2 half: built for android14-6.1 (see hyp/Makefile). */
#include <asm/kvm_pkvm_module.h>

int mismatch_init(const struct pkvm_module_ops *ops)
{
	ops->puts("pkvm_api_mismatch: EL2 init ran (it must not)");
	return 0;
}
