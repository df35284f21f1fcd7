// SPDX-License-Identifier: GPL-2.0-only
/*
 * pkvm_reloc_test: loads EL2 code full of absolute pointers and registers
 * its four handlers, in order: op (128), args (129), name (130), state
 * (131) when it is the first module. Prints the ids; scenarios call them
 * through pkvmkit's debugfs on every CPU.
 */
#include <linux/init.h>
#include <linux/module.h>
#include <asm/kvm_pkvm_module.h>

int __kvm_nvhe_reloc_hyp_init(const struct pkvm_module_ops *ops);
void __kvm_nvhe_reloc_hyp_op(struct kvm_cpu_context *ctx);
void __kvm_nvhe_reloc_hyp_args(struct kvm_cpu_context *ctx);
void __kvm_nvhe_reloc_hyp_name(struct kvm_cpu_context *ctx);
void __kvm_nvhe_reloc_hyp_state(struct kvm_cpu_context *ctx);

static int __init reloc_test_init(void)
{
	dyn_hcall_t handlers[] = {
		__kvm_nvhe_reloc_hyp_op, __kvm_nvhe_reloc_hyp_args,
		__kvm_nvhe_reloc_hyp_name, __kvm_nvhe_reloc_hyp_state,
	};
	int ids[ARRAY_SIZE(handlers)];
	unsigned long token;
	int i, ret;

	ret = pkvm_load_el2_module(__kvm_nvhe_reloc_hyp_init, &token);
	if (ret)
		return ret;
	for (i = 0; i < ARRAY_SIZE(handlers); i++) {
		ids[i] = pkvm_register_el2_mod_call(handlers[i], token);
		if (ids[i] < 0)
			return ids[i];
	}
	pr_info("pkvm_reloc_test: handlers %d %d %d %d\n", ids[0], ids[1],
		ids[2], ids[3]);
	return 0;
}
module_init(reloc_test_init);

MODULE_LICENSE("GPL");
