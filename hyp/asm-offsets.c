// SPDX-License-Identifier: GPL-2.0-only
/*
 * Offsets and sizes the assembly uses, generated from the C structs (as
 * the kernel's asm-offsets): compiled to assembly only, each DEFINE()
 * becomes a line that the Makefile turns into a #define of
 * $(O)/asm-offsets.h, which init.S and entry.S include. Nothing here is
 * linked.
 */
#include <pkvmkit/boot.h>
#include <pkvmkit/hypercall.h>
#include <hyp/cpu.h>
#include <hyp/guest.h>
#include <hyp/module_calls.h>
#include <hyp/vm.h>

#define DEFINE(sym, val)						\
	asm volatile("\n.ascii \"->" #sym " %0 " #val "\"" : : "i" (val))
#define OFFSET(sym, type, member)	DEFINE(sym, __builtin_offsetof(type, member))

static void __attribute__((used)) asm_offsets(void)
{
	/* struct hyp_cpu: TPIDR_EL2 points at it (entry.S, init.S) */
	DEFINE(HYP_CPU_SIZE, sizeof(struct hyp_cpu));
	OFFSET(HYP_CPU_CTXT, struct hyp_cpu, ctxt);
	OFFSET(HYP_CPU_CTXT_PC, struct hyp_cpu, ctxt.pc);
	OFFSET(HYP_CPU_CTXT_PSTATE, struct hyp_cpu, ctxt.pstate);
	OFFSET(HYP_CPU_STACK_LO, struct hyp_cpu, stack_lo);
	OFFSET(HYP_CPU_STACK_HI, struct hyp_cpu, stack_hi);
	OFFSET(HYP_CPU_LOADED_VCPU, struct hyp_cpu, loaded_vcpu);

	/* struct hyp_vcpu: guest_entry.S loads and saves its registers */
	OFFSET(VCPU_CTXT_PC, struct hyp_vcpu, ctxt.pc);
	DEFINE(GUEST_EXIT_SYNC, GUEST_EXIT_SYNC);
	DEFINE(GUEST_EXIT_IRQ, GUEST_EXIT_IRQ);
	DEFINE(GUEST_EXIT_FIQ, GUEST_EXIT_FIQ);
	DEFINE(GUEST_EXIT_SERROR, GUEST_EXIT_SERROR);

	/* struct hyp_cpu_boot: read by init.S with the MMU off */
	OFFSET(BOOT_TTBR0, struct hyp_cpu_boot, ttbr0);
	OFFSET(BOOT_TCR, struct hyp_cpu_boot, tcr);
	OFFSET(BOOT_MAIR, struct hyp_cpu_boot, mair);
	OFFSET(BOOT_SCTLR, struct hyp_cpu_boot, sctlr);
	OFFSET(BOOT_VBAR, struct hyp_cpu_boot, vbar);
	OFFSET(BOOT_SP, struct hyp_cpu_boot, sp);
	OFFSET(BOOT_SLOT, struct hyp_cpu_boot, slot);

	/* the vendor-module calls entry.S serves (module_calls.c) */
	DEFINE(DYN_HCALL_SHIFT, __builtin_ctzl(sizeof(struct dyn_hcall)));
	OFFSET(DYN_HCALL_FN, struct dyn_hcall, fn);
	DEFINE(HC_FIRST_DYNAMIC_ID, HC_ID(HC_FIRST_DYNAMIC));
	DEFINE(HC_MAX_DYNAMIC_SLOTS, HC_MAX_DYNAMIC);
}
