// SPDX-License-Identifier: GPL-2.0-only
/*
 * EL1 half of the sample pKVM vendor module, as in Android's documentation:
 * load the EL2 code, register its handler, call it (the documentation's
 * step 3 stops before the call; here it is, with the result printed).
 */
#include <linux/init.h>
#include <linux/module.h>
#include <linux/kernel.h>

#include <asm/kvm_pkvm_module.h>

int __kvm_nvhe_pkvm_driver_hyp_init(const struct pkvm_module_ops *ops);
void __kvm_nvhe_pkvm_driver_hyp_hvc(struct kvm_cpu_context *ctx);

static int hvc_number;

static int __init pkvm_driver_init(void)
{
	unsigned long token;
	int ret;

	ret = pkvm_load_el2_module(__kvm_nvhe_pkvm_driver_hyp_init, &token);
	if (ret)
		return ret;

	ret = pkvm_register_el2_mod_call(__kvm_nvhe_pkvm_driver_hyp_hvc, token);
	if (ret < 0)
		return ret;

	hvc_number = ret;

	ret = pkvm_el2_mod_call(hvc_number);
	pr_info("pkvm_module: EL2 call %d returned %d\n", hvc_number, ret);
	return 0;
}
module_init(pkvm_driver_init);

MODULE_LICENSE("GPL");
