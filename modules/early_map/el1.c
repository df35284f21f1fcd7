// SPDX-License-Identifier: GPL-2.0-only
/*
 * early_map, EL1 half: fill a table, give the EL2 code its address and a
 * page for its copy (the vendor pattern: kvm_nvhe_sym() variables
 * written before loading), load it and check the copy through its hypercall.
 */
#include <linux/gfp.h>
#include <linux/init.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <asm/kvm_pkvm_module.h>

#define TABLE_WORDS	64

int __kvm_nvhe_early_map_init(const struct pkvm_module_ops *ops);
void __kvm_nvhe_early_map_read(struct kvm_cpu_context *ctxt);
extern u64 __kvm_nvhe_table_pa, __kvm_nvhe_extra_pfn;
extern bool __kvm_nvhe_leave_mapped;

static bool leave_mapped;
module_param(leave_mapped, bool, 0444);
MODULE_PARM_DESC(leave_mapped, "leave the early mapping in place (shows the hypervisor removing it)");

static bool fail_after_load;
module_param(fail_after_load, bool, 0444);
MODULE_PARM_DESC(fail_after_load, "fail this init after the EL2 code loaded (the kernel then frees the module)");

static int __init early_map_load(void)
{
	struct page *table_page, *extra_page;
	struct arm_smccc_res res;
	u64 *table, sum = 0;
	unsigned long token;
	int i, id, ret;

	table_page = alloc_page(GFP_KERNEL | __GFP_ZERO);
	extra_page = alloc_page(GFP_KERNEL);
	if (!table_page || !extra_page)
		return -ENOMEM;
	table = page_address(table_page);
	for (i = 0; i < TABLE_WORDS; i++) {
		table[i] = (u64)i * i + 0x1000;
		sum += table[i];
	}
	kvm_nvhe_sym(table_pa) = page_to_phys(table_page);
	kvm_nvhe_sym(extra_pfn) = page_to_pfn(extra_page);
	kvm_nvhe_sym(leave_mapped) = leave_mapped;

	/* the extra page is the hypervisor's from now on, even on failure */
	ret = pkvm_load_el2_module(__kvm_nvhe_early_map_init, &token);
	if (ret)
		return ret;
	id = pkvm_register_el2_mod_call(__kvm_nvhe_early_map_read, token);
	if (id < 0)
		return id;
	arm_smccc_1_1_hvc(KVM_HOST_SMCCC_ID(id), 7, &res);
	pr_info("early_map: extra page pfn %#lx, copy %s (sum %#llx, word 7 %#lx)\n",
		page_to_pfn(extra_page),
		res.a0 == 0 && res.a1 == sum && res.a2 == table[7] ? "ok" : "WRONG",
		sum, res.a2);
	__free_page(table_page);
	return fail_after_load ? -EIO : 0;
}
module_init(early_map_load);

MODULE_DESCRIPTION("pkvmkit sample: an extra EL2 data page and an early mapping");
MODULE_LICENSE("GPL");
