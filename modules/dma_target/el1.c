// SPDX-License-Identifier: GPL-2.0-only
/*
 * dma_target, EL1 half: load the EL2 code and register its hypercall,
 * with which the DMA scenario makes host pages the hypervisor's (filled
 * at EL2 with a secret) and gives them back.
 */
#include <linux/init.h>
#include <linux/module.h>
#include <asm/kvm_pkvm_module.h>

int __kvm_nvhe_dma_target_init(const struct pkvm_module_ops *ops);
void __kvm_nvhe_dma_target_call(struct kvm_cpu_context *ctxt);

static int __init dma_target_load(void)
{
	unsigned long token;
	int ret, id;

	ret = pkvm_load_el2_module(__kvm_nvhe_dma_target_init, &token);
	if (ret)
		return ret;
	id = pkvm_register_el2_mod_call(__kvm_nvhe_dma_target_call, token);
	if (id < 0)
		return id;
	pr_info("dma_target: hypervisor pages on hypercall %d\n", id);
	return 0;
}
module_init(dma_target_load);

MODULE_DESCRIPTION("pkvmkit test: hypervisor pages with a secret, for the DMA scenario");
MODULE_LICENSE("GPL");
