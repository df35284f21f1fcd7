// SPDX-License-Identifier: GPL-2.0-only
/*
 * smc_chain, EL1 half (android15-6.6: build with
 * PKVM_MODULE_API=android15-6.6): load the EL2 code, register its three
 * calls and say which ids they got.
 */
#include <linux/init.h>
#include <linux/module.h>
#include <asm/kvm_pkvm_module.h>

/* the host side of its hyp events (hyp/events.h) */
#define HYP_EVENT_FILE SMC_CHAIN_EVENTS
#include <asm/kvm_define_hypevents.h>

int __kvm_nvhe_smc_chain_init(const struct pkvm_module_ops *ops);
void __kvm_nvhe_smc_chain_stats(struct user_pt_regs *regs);
void __kvm_nvhe_smc_chain_limits(struct user_pt_regs *regs);
void __kvm_nvhe_smc_chain_leave_x0(struct user_pt_regs *regs);
extern bool __kvm_nvhe_fill_chain;

static bool fill_chain;
module_param(fill_chain, bool, 0444);
MODULE_PARM_DESC(fill_chain, "register dummy SMC handlers until the hypervisor refuses one");

static int __init smc_chain_load(void)
{
	int stats, limits, leave;
	unsigned long token;
	int ret;

	if (!is_protected_kvm_enabled()) {
		pr_info("smc_chain: pKVM is not enabled, nothing to do\n");
		return 0;
	}
	__kvm_nvhe_fill_chain = fill_chain;
	ret = pkvm_load_el2_module(__kvm_nvhe_smc_chain_init, &token);
	if (ret)
		return ret;
	stats = pkvm_register_el2_mod_call(__kvm_nvhe_smc_chain_stats, token);
	limits = pkvm_register_el2_mod_call(__kvm_nvhe_smc_chain_limits, token);
	leave = pkvm_register_el2_mod_call(__kvm_nvhe_smc_chain_leave_x0, token);
	if (stats < 0 || limits < 0 || leave < 0)
		return -EINVAL;
	pr_info("smc_chain: calls stats %d limits %d leave_x0 %d\n", stats,
		limits, leave);
	return 0;
}
module_init(smc_chain_load);

MODULE_DESCRIPTION("pkvmkit sample (android15-6.6): two chained host SMC handlers");
MODULE_LICENSE("GPL");
