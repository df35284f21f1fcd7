// SPDX-License-Identifier: GPL-2.0-only
/* EL2 half of pkvm_fail_init: an init that fails, as a broken module's would. */
#include <asm/kvm_pkvm_module.h>

int fail_hyp_init(const struct pkvm_module_ops *ops)
{
	ops->puts("pkvm_fail_init: EL2 init failing on purpose");
	return -5;	/* -EIO */
}
