// SPDX-License-Identifier: GPL-2.0-only
/*
 * pkvm_ops_test: hands EL2 the PL011 address found in the device tree (the
 * usual vendor pattern: EL1 fills __kvm_nvhe_ variables before loading),
 * loads the EL2 code, registers its handler, and checks at once the two
 * ops only EL1 can judge: kern_hyp_va of a kernel address, and hyp_pa of
 * a variable of the module. Prints one line for the scenario.
 */
#include <linux/init.h>
#include <linux/module.h>
#include <linux/of.h>
#include <linux/of_address.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/vmalloc.h>
#include <asm/kvm_pkvm_module.h>

int __kvm_nvhe_ops_hyp_init(const struct pkvm_module_ops *ops);
void __kvm_nvhe_ops_hyp_call(struct kvm_cpu_context *ctx);
extern u64 __kvm_nvhe_ops_uart_pa;
extern u64 __kvm_nvhe_ops_static;

#define T_HYP_PA	9
#define T_KERN_HYP_VA	10
#define T_INIT_RESULTS	13

static int __init ops_test_init(void)
{
	struct arm_smccc_res res;
	struct device_node *np;
	struct resource uart;
	unsigned long token, pa;
	struct page *page;
	bool kva_ok, pa_ok;
	int id, ret;

	np = of_find_compatible_node(NULL, NULL, "arm,pl011");
	if (!np || of_address_to_resource(np, 0, &uart))
		return -ENODEV;
	of_node_put(np);
	__kvm_nvhe_ops_uart_pa = uart.start;

	ret = pkvm_load_el2_module(__kvm_nvhe_ops_hyp_init, &token);
	if (ret)
		return ret;
	id = pkvm_register_el2_mod_call(__kvm_nvhe_ops_hyp_call, token);
	if (id < 0)
		return id;

	page = alloc_page(GFP_KERNEL);
	if (!page)
		return -ENOMEM;
	arm_smccc_1_1_hvc(KVM_HOST_SMCCC_ID(id), T_KERN_HYP_VA,
			  (unsigned long)page_address(page), &res);
	kva_ok = !res.a0 && !res.a1 && res.a2 == page_to_phys(page);
	__free_page(page);

	pa = (vmalloc_to_pfn(&__kvm_nvhe_ops_static) << PAGE_SHIFT) |
	     offset_in_page(&__kvm_nvhe_ops_static);
	arm_smccc_1_1_hvc(KVM_HOST_SMCCC_ID(id), T_HYP_PA, 0x40000000UL, &res);
	pa_ok = !res.a0 && res.a2 == 0x40000000UL && res.a3 == pa;

	pr_info("pkvm_ops_test: handler %d, kern_hyp_va %s, hyp_pa %s\n", id,
		kva_ok ? "ok" : "WRONG", pa_ok ? "ok" : "WRONG");
	arm_smccc_1_1_hvc(KVM_HOST_SMCCC_ID(id), T_INIT_RESULTS, &res);
	pr_info("pkvm_ops_test: init: register_host_smc_handler %ld, %lu of 8 bad hooks refused\n",
		(long)res.a1, res.a2);
	return 0;
}
module_init(ops_test_init);

MODULE_LICENSE("GPL");
