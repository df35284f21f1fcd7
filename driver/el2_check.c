// SPDX-License-Identifier: GPL-2.0-only
/*
 * Is EL2 ours to take? Only if the kernel runs at EL1 with Linux's hyp
 * stub at EL2: not in VHE mode, not when KVM owns EL2, not on a CPU
 * without EL2. Each refusal says how to boot so that it works.
 */
#include "pkvmkit.h"
#include <linux/of.h>
#include <linux/string.h>
#include <asm/sysreg.h>
#include <asm/virt.h>

#define KVM_MODE_PARAM	"kvm-arm.mode="

/*
 * Value of kvm-arm.mode= on the command line, or NULL (KVM's default). The
 * last one counts, as for the kernel.
 */
static const char *kvm_mode(char *buf, size_t len)
{
	const char *bootargs = NULL, *p = NULL, *next, *end;
	size_t n;

	if (!of_chosen || of_property_read_string(of_chosen, "bootargs",
						  &bootargs))
		return NULL;
	for (next = bootargs; (next = strstr(next, KVM_MODE_PARAM)); next++)
		if (next == bootargs || next[-1] == ' ')
			p = next;
	if (!p)
		return NULL;
	p += strlen(KVM_MODE_PARAM);
	end = strchrnul(p, ' ');
	n = min_t(size_t, end - p, len - 1);
	memcpy(buf, p, n);
	buf[n] = '\0';
	return buf;
}

int pk_check_el2(void)
{
	u64 pfr0 = read_sysreg(id_aa64pfr0_el1);
	const char *mode;
	char buf[32];

	if (is_kernel_in_hyp_mode()) {
		pr_err("the kernel runs at EL2 (VHE mode), so EL2 is not free: boot with kvm-arm.mode=none and, on a CPU with VHE, id_aa64mmfr1.vh=0\n");
		return -EBUSY;
	}
	if (!((pfr0 >> ID_AA64PFR0_EL1_EL2_SHIFT) & 0xf)) {
		pr_err("this CPU has no EL2 (under QEMU use -M virt,virtualization=on)\n");
		return -ENODEV;
	}
	mode = kvm_mode(buf, sizeof(buf));
	if (!mode || strcmp(mode, "none")) {
		pr_err("KVM owns EL2 (kvm-arm.mode=%s): boot with kvm-arm.mode=none to leave Linux's hyp stub at EL2\n",
		       mode ? mode : "<default>");
		return -EBUSY;
	}
	return 0;
}
