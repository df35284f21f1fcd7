// SPDX-License-Identifier: GPL-2.0-only
/*
 * link_importer, EL2 half (android15-6.6): calls link_exporter's EL2
 * function directly, as one vendor module's EL2 code calls another's on
 * ACK. The declaration is the exporter's own name: the build prefixes
 * both sides with __kvm_nvhe_.
 */
#include <asm/kvm_pkvm_module.h>

u64 link_exporter_mix(u64 a, u64 b);

/* x1 = link_exporter_mix(x1, x2), computed by link_exporter at EL2 */
void link_importer_mix(struct user_pt_regs *regs)
{
	regs->regs[1] = link_exporter_mix(regs->regs[1], regs->regs[2]);
	regs->regs[0] = SMCCC_RET_SUCCESS;
}

int link_importer_init(const struct pkvm_module_ops *ops)
{
	/* its first call, from its own init: the link works before any call */
	return link_exporter_mix(0, 0) ? 0 : -EINVAL;
}
