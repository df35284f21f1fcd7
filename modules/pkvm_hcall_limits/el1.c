// SPDX-License-Identifier: GPL-2.0-only
/*
 * pkvm_hcall_limits: what registration refuses. A handler outside the EL2
 * text (an EL1 function, EL2 data) gets -EINVAL; 128 registrations get
 * ids 128..255 in order; the 129th gets -ENOMEM. Prints one line with
 * every result for the scenario to check.
 */
#include <linux/init.h>
#include <linux/module.h>
#include <asm/kvm_pkvm_module.h>

int __kvm_nvhe_limits_hyp_init(const struct pkvm_module_ops *ops);
void __kvm_nvhe_limits_hyp_hvc(struct kvm_cpu_context *ctx);
extern u64 __kvm_nvhe_limits_data;

static void limits_el1_fn(struct kvm_cpu_context *ctx)
{
}

static int __init limits_init(void)
{
	int el1_fn, data, first = 0, id = 0, in_order = 1, extra, i;
	unsigned long token;
	int ret;

	ret = pkvm_load_el2_module(__kvm_nvhe_limits_hyp_init, &token);
	if (ret)
		return ret;
	el1_fn = pkvm_register_el2_mod_call(limits_el1_fn, token);
	data = pkvm_register_el2_mod_call((dyn_hcall_t)&__kvm_nvhe_limits_data,
					  token);
	for (i = 0; i < 128; i++) {
		id = pkvm_register_el2_mod_call(__kvm_nvhe_limits_hyp_hvc, token);
		if (i == 0)
			first = id;
		if (id != first + i)
			in_order = 0;
	}
	extra = pkvm_register_el2_mod_call(__kvm_nvhe_limits_hyp_hvc, token);
	pr_info("pkvm_hcall_limits: el1-fn %d data %d first %d last %d in-order %d 129th %d\n",
		el1_fn, data, first, id, in_order, extra);
	return 0;
}
module_init(limits_init);

MODULE_LICENSE("GPL");
