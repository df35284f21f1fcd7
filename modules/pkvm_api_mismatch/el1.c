// SPDX-License-Identifier: GPL-2.0-only
/*
 * pkvm_api_mismatch: a module whose two halves were built for different
 * generations of the interface (EL1: android15-6.6, EL2: android14-6.1,
 * as a hand-made build could do). The loader must refuse it, naming
 * both, before any of its EL2 code runs.
 */
#include <linux/init.h>
#include <linux/module.h>
#include <asm/kvm_pkvm_module.h>

int __kvm_nvhe_mismatch_init(const struct pkvm_module_ops *ops);

static int __init mismatch_load(void)
{
	return pkvm_load_el2_module(__kvm_nvhe_mismatch_init, NULL);
}
module_init(mismatch_load);
MODULE_LICENSE("GPL");
