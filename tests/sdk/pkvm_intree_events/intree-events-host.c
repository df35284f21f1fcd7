// SPDX-License-Identifier: GPL-2.0-only
/*
 * EL1 side of the in-tree events-path build check: the host side of the
 * module's events, from the header named by its path in ACK's tree.
 */
#include <linux/init.h>
#include <linux/module.h>
#include <asm/kvm_pkvm_module.h>

#define HYP_EVENT_FILE ../../../../drivers/misc/pkvm_intree_events/hyp/events.h
#include <asm/kvm_define_hypevents.h>

int kvm_nvhe_sym(intree_events_hyp_init)(const struct pkvm_module_ops *ops);
void kvm_nvhe_sym(intree_events_call)(struct user_pt_regs *regs);

static int __init intree_events_init(void)
{
	unsigned long token;
	int ret;

	ret = pkvm_load_el2_module(kvm_nvhe_sym(intree_events_hyp_init), &token);
	if (ret)
		return ret;
	ret = pkvm_register_el2_mod_call(kvm_nvhe_sym(intree_events_call), token);
	return ret < 0 ? ret : 0;
}
module_init(intree_events_init);
MODULE_LICENSE("GPL");
