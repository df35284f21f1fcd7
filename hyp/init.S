/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The only code that runs with the EL2 MMU off: the vectors the Linux hyp
 * stub is pointed at, and the entry of CPUs started through the PSCI relay.
 * It lives in .idmap.text, which is mapped at VA == PA as well as in the
 * image, so the MMU can be switched on under its feet. It uses no stack and
 * no data accesses but loads from the (cleaned) struct hyp_cpu_boot.
 */
#include <pkvmkit/hypercall.h>
#include <hyp/cpu.h>
#include <asm-offsets.h>

	.macro mov_q, reg, val
	movz	\reg, :abs_g3:\val
	movk	\reg, :abs_g2_nc:\val
	movk	\reg, :abs_g1_nc:\val
	movk	\reg, :abs_g0_nc:\val
	.endm

	/* x1 = struct hyp_cpu_boot (PA); clobbers x0, x2, x3. */
	.macro enable_mmu_and_percpu
	ldr	x2, [x1, #BOOT_MAIR]
	msr	mair_el2, x2
	ldr	x2, [x1, #BOOT_TCR]
	msr	tcr_el2, x2
	ldr	x2, [x1, #BOOT_TTBR0]
	msr	ttbr0_el2, x2
	isb
	tlbi	alle2
	dsb	nsh
	isb
	ldr	x2, [x1, #BOOT_SCTLR]
	msr	sctlr_el2, x2
	isb
	ic	iallu
	dsb	nsh
	isb
	ldr	x2, [x1, #BOOT_VBAR]
	msr	vbar_el2, x2
	ldr	x2, [x1, #BOOT_SP]
	mov	sp, x2
	ldr	x0, [x1, #BOOT_SLOT]
	mov	x2, #HYP_CPU_SIZE
	ldr	x3, =hyp_cpus
	madd	x0, x0, x2, x3
	msr	tpidr_el2, x0
	isb
	.endm

	.section .idmap.text, "ax"

	.macro invalid_vector
	.balign	0x80
	b	.
	.endm

	.balign	2048
	.global	__hyp_init_vectors
__hyp_init_vectors:
	.rept	8
	invalid_vector			/* current EL: nothing may trap here */
	.endr
	.balign	0x80
	b	__hyp_do_init		/* lower EL, AArch64, synchronous */
	.rept	7
	invalid_vector
	.endr

/*
 * hvc #0 from the host driver with x0 = HYP_INIT_MAGIC, x1 = PA of the
 * CPU's struct hyp_cpu_boot. Switch the MMU on, adopt the main vectors,
 * stack and per-CPU pointer, then enter the normal trap path, which sees
 * the same HVC and finishes the CPU's set-up in C. Clobbers x2, x3.
 */
__hyp_do_init:
	mov_q	x2, HYP_INIT_MAGIC
	cmp	x0, x2
	b.eq	1f
	mov	x0, #-1
	eret
1:	enable_mmu_and_percpu
	mov_q	x0, HYP_INIT_MAGIC
	ldr	x2, =__host_trap_entry
	br	x2

/*
 * Entry of a CPU started (or resumed) by the PSCI relay: at EL2, MMU off,
 * x0 = PA of its struct hyp_cpu_boot. No host state to save.
 */
	.global	__hyp_cpu_on_entry
__hyp_cpu_on_entry:
	mov	x1, x0
	enable_mmu_and_percpu
	mrs	x0, tpidr_el2		/* &hyp_cpus[slot].ctxt */
	ldr	x2, =hyp_cpu_on_main
	blr	x2
	ldr	x2, =__host_restore
	br	x2

	.ltorg
