// SPDX-License-Identifier: GPL-2.0-only
/*
 * EL1 side of the EL2-headers build check: asm/virt.h before the SDK
 * header, kvm_nvhe_sym(), pkvm_el2_mod_va() and is_protected_kvm_enabled()
 * as vendor modules use them.
 */
#include <linux/module.h>
#include <asm/virt.h>
#include <asm/kvm_pkvm_module.h>

int kvm_nvhe_sym(headers_hyp_init)(const struct pkvm_module_ops *ops);
void kvm_nvhe_sym(headers_hyp_call)(struct kvm_cpu_context *ctx);
extern u64 kvm_nvhe_sym(calls);

static int __init headers_load(void)
{
	unsigned long token, va;
	int ret;

	if (!is_protected_kvm_enabled())
		return 0;
	kvm_nvhe_sym(calls) = 1;
	ret = pkvm_load_el2_module(kvm_nvhe_sym(headers_hyp_init), &token);
	if (ret)
		return ret;
	va = pkvm_el2_mod_va(kvm_nvhe_sym(headers_hyp_call), token);
	return __pkvm_register_el2_call(va) < 0 ? -EINVAL : 0;
}
module_init(headers_load);
MODULE_LICENSE("GPL");
