// SPDX-License-Identifier: GPL-2.0-only
/*
 * module_txn, EL1 half (android16-6.12): gives the EL2 init four pages
 * and the address of another module's text (victim_va=), loads it and
 * registers the call that reads its results back. The scenario reads
 * which id that is and which pages these are from the kernel log.
 */
#include <linux/gfp.h>
#include <linux/init.h>
#include <linux/module.h>
#include <asm/kvm_pkvm_module.h>

int __kvm_nvhe_module_txn_init(const struct pkvm_module_ops *ops);
void __kvm_nvhe_module_txn_result(struct user_pt_regs *regs);
extern u64 __kvm_nvhe_scratch_pfn;
extern u64 __kvm_nvhe_victim_va;

static unsigned long victim_va;
module_param(victim_va, ulong, 0444);
MODULE_PARM_DESC(victim_va, "hypervisor VA of a page of another module's EL2 text");

static int __init module_txn_load(void)
{
	struct page *pages = alloc_pages(GFP_KERNEL | __GFP_ZERO, 2);
	unsigned long token;
	int ret, call;

	if (!pages)
		return -ENOMEM;
	__kvm_nvhe_scratch_pfn = page_to_pfn(pages);
	__kvm_nvhe_victim_va = victim_va;
	ret = pkvm_load_el2_module(__kvm_nvhe_module_txn_init, &token);
	if (ret)
		return ret;	/* the pages may be the hypervisor's: keep them */
	call = pkvm_register_el2_mod_call(__kvm_nvhe_module_txn_result, token);
	if (call < 0)
		return call;
	pr_info("module_txn: scratch pfn %#lx, results call %d\n",
		page_to_pfn(pages), call);
	return 0;
}
module_init(module_txn_load);

MODULE_DESCRIPTION("pkvmkit test module (android16-6.12): module-memory members that fail half-way");
MODULE_LICENSE("GPL");
