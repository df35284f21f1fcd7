// SPDX-License-Identifier: GPL-2.0-only
/*
 * smc_filter, EL1 half: pass the `permissive` parameter to the EL2 code
 * (the vendor pattern: write a __kvm_nvhe_ variable before loading), load
 * it, register the counters hypercall and say which id it got.
 */
#include <linux/init.h>
#include <linux/module.h>
#include <asm/kvm_pkvm_module.h>

int __kvm_nvhe_smc_filter_init(const struct pkvm_module_ops *ops);
void __kvm_nvhe_smc_filter_counters(struct kvm_cpu_context *ctxt);
extern bool __kvm_nvhe_permissive;

static bool permissive;
module_param(permissive, bool, 0444);
MODULE_PARM_DESC(permissive, "log SMCs not on the allow-list instead of denying them");

static int __init smc_filter_load(void)
{
	unsigned long token;
	int ret, id;

	__kvm_nvhe_permissive = permissive;
	ret = pkvm_load_el2_module(__kvm_nvhe_smc_filter_init, &token);
	if (ret)
		return ret;
	id = pkvm_register_el2_mod_call(__kvm_nvhe_smc_filter_counters, token);
	if (id < 0)
		return id;
	pr_info("smc_filter: filtering host SMCs (%s), counters on hypercall %d\n",
		permissive ? "permissive" : "enforcing", id);
	return 0;
}
module_init(smc_filter_load);

MODULE_DESCRIPTION("pkvmkit sample: an allow-list of the host's SMCs, at EL2");
MODULE_LICENSE("GPL");
