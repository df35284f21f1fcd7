// SPDX-License-Identifier: GPL-2.0-only
/*
 * fail_registers, EL1 half (android15-6.6): a protected module whose EL2
 * init registers one of everything, then fails. Its load fails; the
 * hypervisor must withdraw all of it before the host gets its pages back.
 */
#include <linux/gfp.h>
#include <linux/init.h>
#include <linux/module.h>
#include <asm/kvm_pkvm_module.h>

#define HYP_EVENT_FILE FAIL_REGISTERS_EVENTS
#include <asm/kvm_define_hypevents.h>

int __kvm_nvhe_fail_registers_init(const struct pkvm_module_ops *ops);
extern u64 __kvm_nvhe_scratch_pa;

static int __init fail_registers_load(void)
{
	unsigned long token, page = get_zeroed_page(GFP_KERNEL);
	int ret;

	if (!page)
		return -ENOMEM;
	__kvm_nvhe_scratch_pa = virt_to_phys((void *)page);
	ret = pkvm_load_el2_module(__kvm_nvhe_fail_registers_init, &token);
	free_page(page);
	return ret;
}
module_init(fail_registers_load);

MODULE_DESCRIPTION("pkvmkit test module (android15-6.6): registers one of everything, then fails its EL2 init");
MODULE_LICENSE("GPL");
