// SPDX-License-Identifier: GPL-2.0-only
/*
 * Is EL2 ours to take? Only if the kernel runs at EL1 with Linux's hyp
 * stub at EL2: not in VHE mode, not when KVM owns EL2, not on a CPU
 * without EL2. Each refusal says how to boot so that it works.
 */
#include "pkvmkit.h"
#include <linux/slab.h>
#include <linux/string.h>
#include <asm/sysreg.h>
#include <asm/virt.h>

#define KVM_MODE_PARAM	"kvm-arm.mode="

int pk_check_el2(void)
{
	u64 pfr0 = read_sysreg(id_aa64pfr0_el1);
	char *mode;

	if (is_kernel_in_hyp_mode()) {
		pr_err("the kernel runs at EL2 (VHE mode), so EL2 is not free: boot with kvm-arm.mode=none and, on a CPU with VHE, id_aa64mmfr1.vh=0\n");
		return -EBUSY;
	}
	if (!((pfr0 >> ID_AA64PFR0_EL1_EL2_SHIFT) & 0xf)) {
		pr_err("this CPU has no EL2 (under QEMU use -M virt,virtualization=on)\n");
		return -ENODEV;
	}
	mode = pk_cmdline_value(KVM_MODE_PARAM);
	if (!mode || strcmp(mode, "none")) {
		pr_err("KVM owns EL2 (kvm-arm.mode=%s): boot with kvm-arm.mode=none to leave Linux's hyp stub at EL2\n",
		       mode ? mode : "<default>");
		kfree(mode);
		return -EBUSY;
	}
	kfree(mode);
	return 0;
}
