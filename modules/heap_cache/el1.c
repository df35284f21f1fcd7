// SPDX-License-Identifier: GPL-2.0-only
/*
 * heap_cache, EL1 half (android16-6.12: build with
 * PKVM_MODULE_API=android16-6.12): load the EL2 code, register its calls,
 * and store one value at EL2 the way a vendor driver would: when the EL2
 * heap is out of pages, donate what it asks for and call again.
 */
#include <linux/init.h>
#include <linux/module.h>
#include <asm/kvm_pkvm_module.h>

int __kvm_nvhe_heap_cache_init(const struct pkvm_module_ops *ops);
void __kvm_nvhe_heap_cache_put(struct user_pt_regs *regs);
void __kvm_nvhe_heap_cache_get(struct user_pt_regs *regs);
void __kvm_nvhe_heap_cache_drop(struct user_pt_regs *regs);

#define FIRST_KEY	1
#define FIRST_VALUE	0x612

/* put(key, value), donating to the EL2 heap as often as it runs out */
static long heap_cache_store(int put, u64 key, u64 value)
{
	struct arm_smccc_res res;
	int tries, ret;

	for (tries = 0; tries < 4; tries++) {
		res = pkvm_el2_mod_call_smccc(put, key, value);
		if (res.a0 != SMCCC_RET_SUCCESS)
			return -EIO;
		if ((long)res.a1 != -ENOMEM)
			return (long)res.a1;
		ret = __pkvm_topup_hyp_alloc(res.a2 ?: 1);
		if (ret)
			return ret;
		pr_info("heap_cache: the EL2 heap ran out; donated %lu page(s)\n",
			res.a2 ?: 1);
	}
	return -ENOMEM;
}

static int __init heap_cache_load(void)
{
	int put, get, drop;
	unsigned long token;
	long ret;

	if (!is_protected_kvm_enabled()) {
		pr_info("heap_cache: pKVM is not enabled, nothing to do\n");
		return 0;
	}
	ret = pkvm_load_el2_module(__kvm_nvhe_heap_cache_init, &token);
	if (ret)
		return ret;
	put = pkvm_register_el2_mod_call(__kvm_nvhe_heap_cache_put, token);
	get = pkvm_register_el2_mod_call(__kvm_nvhe_heap_cache_get, token);
	drop = pkvm_register_el2_mod_call(__kvm_nvhe_heap_cache_drop, token);
	if (put < 0 || get < 0 || drop < 0)
		return -EINVAL;
	ret = heap_cache_store(put, FIRST_KEY, FIRST_VALUE);
	if (ret)
		return ret;
	pr_info("heap_cache: calls put %d get %d drop %d; key %d stored at EL2\n",
		put, get, drop, FIRST_KEY);
	return 0;
}
module_init(heap_cache_load);

MODULE_DESCRIPTION("pkvmkit sample (android16-6.12): a key-value store in the EL2 heap");
MODULE_LICENSE("GPL");
