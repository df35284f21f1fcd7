// SPDX-License-Identifier: GPL-2.0-only
/*
 * page_guard, EL1 half: load the EL2 code and register its hypercall;
 * whoever guards pages calls it with their pfns.
 */
#include <linux/init.h>
#include <linux/module.h>
#include <asm/kvm_pkvm_module.h>

int __kvm_nvhe_page_guard_init(const struct pkvm_module_ops *ops);
void __kvm_nvhe_page_guard_call(struct kvm_cpu_context *ctxt);

static int __init page_guard_load(void)
{
	unsigned long token;
	int ret, id;

	ret = pkvm_load_el2_module(__kvm_nvhe_page_guard_init, &token);
	if (ret)
		return ret;
	id = pkvm_register_el2_mod_call(__kvm_nvhe_page_guard_call, token);
	if (id < 0)
		return id;
	pr_info("page_guard: guarding host pages on hypercall %d\n", id);
	return 0;
}
module_init(page_guard_load);

MODULE_DESCRIPTION("pkvmkit sample: restrict the host's stage-2 access to its own pages");
MODULE_LICENSE("GPL");
