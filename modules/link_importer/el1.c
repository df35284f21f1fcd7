// SPDX-License-Identifier: GPL-2.0-only
/*
 * link_importer, EL1 half (android15-6.6: build with
 * PKVM_MODULE_API=android15-6.6): its EL2 code calls link_exporter's, so
 * modprobe loads link_exporter first (modules.dep); the load fails, naming
 * the function, when link_exporter's EL2 code is not at EL2.
 */
#include <linux/init.h>
#include <linux/module.h>
#include <asm/kvm_pkvm_module.h>

int __kvm_nvhe_link_importer_init(const struct pkvm_module_ops *ops);
void __kvm_nvhe_link_importer_mix(struct user_pt_regs *regs);

static int __init link_importer_load(void)
{
	struct arm_smccc_res res;
	unsigned long token;
	int mix;

	mix = pkvm_load_el2_module(__kvm_nvhe_link_importer_init, &token);
	if (mix)
		return mix;
	mix = pkvm_register_el2_mod_call(__kvm_nvhe_link_importer_mix, token);
	if (mix < 0)
		return mix;
	res = pkvm_el2_mod_call_smccc(mix, 2, 1);
	pr_info("link_importer: call mix %d; mix(2, 1) = %#lx\n", mix, res.a1);
	return 0;
}
module_init(link_importer_load);

MODULE_DESCRIPTION("pkvmkit sample (android15-6.6): EL2 code calling another module's EL2 function");
MODULE_LICENSE("GPL");
