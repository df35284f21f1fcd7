// SPDX-License-Identifier: GPL-2.0-only
/*
 * pkvm_fail_init: a protected module whose EL2 init fails. Its load must
 * fail cleanly (pages back to the host, error returned) and mark the
 * system insecure.
 */
#include <linux/init.h>
#include <linux/module.h>
#include <asm/kvm_pkvm_module.h>

int __kvm_nvhe_fail_hyp_init(const struct pkvm_module_ops *ops);

static int __init fail_init_init(void)
{
	unsigned long token;

	return pkvm_load_el2_module(__kvm_nvhe_fail_hyp_init, &token);
}
module_init(fail_init_init);

MODULE_LICENSE("GPL");
