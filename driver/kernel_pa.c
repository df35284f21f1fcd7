// SPDX-License-Identifier: GPL-2.0-only
/*
 * kvm_get_kernel_pa(), an EL1 helper ACK gives vendor modules: the
 * physical range of the kernel's text, which an EL2 module can then
 * protect in the host's stage-2 (ACK's pkvm-text-prot fills its EL2
 * code's bounds with it before loading). Linux exports neither _stext nor
 * _etext to modules, nor kallsyms_lookup_name(): the latter is found
 * through a kprobe (ksym.c) and asked for the other two.
 */
#include "pkvmkit.h"
#include <linux/bug.h>
#include <linux/module.h>
#include <asm/memory.h>
#include "../sdk/arch/arm64/include/asm/kvm_pkvm_module.h"

typedef unsigned long (*kallsyms_lookup_name_t)(const char *name);

void kvm_get_kernel_pa(phys_addr_t *start, phys_addr_t *end)
{
	kallsyms_lookup_name_t lookup = pk_kernel_symbol("kallsyms_lookup_name");
	unsigned long stext = lookup ? lookup("_stext") : 0;
	unsigned long etext = lookup ? lookup("_etext") : 0;

	*start = 0;
	*end = 0;
	if (WARN_ONCE(!stext || etext <= stext,
		      "pkvmkit: %s: the kernel's _stext and _etext not found (CONFIG_KPROBES and CONFIG_KALLSYMS needed)\n",
		      __func__))
		return;
	*start = __pa_symbol(stext);
	*end = __pa_symbol(etext);
}
EXPORT_SYMBOL(kvm_get_kernel_pa);
