// SPDX-License-Identifier: GPL-2.0-only
/*
 * link_exporter, EL1 half: load the EL2 code, register the call that
 * counts what other modules called, and export the EL2 function by its
 * __kvm_nvhe_ name, which is what an importing module's build links
 * against (KBUILD_EXTRA_SYMBOLS) and what the kernel's loader resolves.
 *
 * el2=0 (for tests): export without loading the EL2 code, to see an
 * importer refused; the module can then be removed again.
 */
#include <linux/init.h>
#include <linux/module.h>
#include <asm/kvm_pkvm_module.h>

int __kvm_nvhe_link_exporter_init(const struct pkvm_module_ops *ops);
void __kvm_nvhe_link_exporter_count(struct kvm_cpu_context *ctx);
u64 __kvm_nvhe_link_exporter_mix(u64 a, u64 b);
EXPORT_SYMBOL(__kvm_nvhe_link_exporter_mix);

static bool el2 = true;
module_param(el2, bool, 0444);
MODULE_PARM_DESC(el2, "load the EL2 code (default 1); 0: only export its symbol");

static int __init link_exporter_load(void)
{
	unsigned long token;
	int ret;

	if (!el2) {
		pr_info("link_exporter: EL2 code not loaded (el2=0)\n");
		return 0;
	}
	ret = pkvm_load_el2_module(__kvm_nvhe_link_exporter_init, &token);
	if (ret)
		return ret;
	ret = pkvm_register_el2_mod_call(__kvm_nvhe_link_exporter_count, token);
	if (ret < 0)
		return ret;
	pr_info("link_exporter: call count %d\n", ret);
	return 0;
}
module_init(link_exporter_load);

/*
 * Only ever runs with el2=0: once its EL2 code is loaded, pkvmkit holds
 * the module for good, since EL2 code is never unloaded.
 */
static void __exit link_exporter_unload(void)
{
}
module_exit(link_exporter_unload);

MODULE_DESCRIPTION("pkvmkit sample: an EL2 module whose EL2 functions other EL2 modules call");
MODULE_LICENSE("GPL");
