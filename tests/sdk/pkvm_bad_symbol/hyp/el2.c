// SPDX-License-Identifier: GPL-2.0-only
/* EL2 code calling a kernel function: must not build. */
#include <linux/printk.h>
#include <asm/kvm_pkvm_module.h>

int bad_hyp_init(const struct pkvm_module_ops *ops)
{
	printk("EL2 cannot call the kernel\n");
	return 0;
}
