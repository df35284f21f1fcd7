// SPDX-License-Identifier: GPL-2.0-only
/*
 * guest_services, EL1 half (android16-6.12): seeds the EL2 half's
 * generator, loads it, registers the call that reads its counts.
 */
#include <linux/init.h>
#include <linux/module.h>
#include <asm/kvm_pkvm_module.h>

int __kvm_nvhe_guest_services_init(const struct pkvm_module_ops *ops);
void __kvm_nvhe_guest_services_counts(struct user_pt_regs *regs);
extern u64 __kvm_nvhe_seed;

static unsigned long seed = 0x9e3779b97f4a7c15UL;
module_param(seed, ulong, 0444);
MODULE_PARM_DESC(seed, "the EL2 generator's seed (the guests' TRNG)");

static int __init guest_services_load(void)
{
	unsigned long token;
	int ret, call;

	__kvm_nvhe_seed = seed;
	ret = pkvm_load_el2_module(__kvm_nvhe_guest_services_init, &token);
	if (ret)
		return ret;
	call = pkvm_register_el2_mod_call(__kvm_nvhe_guest_services_counts, token);
	if (call < 0)
		return call;
	pr_info("guest_services: counts call %d\n", call);
	return 0;
}
module_init(guest_services_load);

MODULE_DESCRIPTION("pkvmkit sample (android16-6.12): a guest SMC handler and a guest TRNG");
MODULE_LICENSE("GPL");
