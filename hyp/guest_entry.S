/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Entering a guest and coming back: __guest_enter() keeps the calling C
 * code's callee-saved registers on the EL2 stack, loads the vCPU's x0..x30,
 * PC and PSTATE and erets; the guest's next exception to EL2 lands in
 * __guest_vectors (VBAR_EL2 while a vCPU is loaded), which saves them
 * back and returns from __guest_enter() with why it came back. The stack
 * pointer at EL2 is the one the eret left, so nothing else is needed to
 * find the way back but the vCPU, in hyp_cpu.loaded_vcpu.
 *
 * Also the FP/SIMD save and restore (EL2's C code is built without FP).
 */
#include <hyp/cpu.h>
#include <asm-offsets.h>

	.text

/* u64 __guest_enter(struct hyp_vcpu *vcpu): a GUEST_EXIT_* code */
	.global	__guest_enter
__guest_enter:
	stp	x29, x30, [sp, #-96]!
	stp	x19, x20, [sp, #16]
	stp	x21, x22, [sp, #32]
	stp	x23, x24, [sp, #48]
	stp	x25, x26, [sp, #64]
	stp	x27, x28, [sp, #80]

	ldp	x1, x2, [x0, #VCPU_CTXT_PC]
	msr	elr_el2, x1
	msr	spsr_el2, x2
	ldp	x2, x3, [x0, #8 * 2]
	ldp	x4, x5, [x0, #8 * 4]
	ldp	x6, x7, [x0, #8 * 6]
	ldp	x8, x9, [x0, #8 * 8]
	ldp	x10, x11, [x0, #8 * 10]
	ldp	x12, x13, [x0, #8 * 12]
	ldp	x14, x15, [x0, #8 * 14]
	ldp	x16, x17, [x0, #8 * 16]
	ldp	x18, x19, [x0, #8 * 18]
	ldp	x20, x21, [x0, #8 * 20]
	ldp	x22, x23, [x0, #8 * 22]
	ldp	x24, x25, [x0, #8 * 24]
	ldp	x26, x27, [x0, #8 * 26]
	ldp	x28, x29, [x0, #8 * 28]
	ldr	x30, [x0, #8 * 30]
	ldp	x0, x1, [x0, #8 * 0]
	eret
	dsb	nsh			/* no speculation past eret */
	isb

	.macro	guest_vector, code
	.balign	0x80
	stp	x0, x1, [sp, #-16]!
	mov	x1, #\code
	b	__guest_exit
	.endm

	.macro	guest_bad_vector
	.balign	0x80
	b	__guest_hyp_bad
	.endm

	.balign	2048
	.global	__guest_vectors
__guest_vectors:
	guest_bad_vector			/* current EL, SP0 */
	guest_bad_vector
	guest_bad_vector
	guest_bad_vector
	guest_bad_vector			/* current EL, SPx: a bug of ours */
	guest_bad_vector
	guest_bad_vector
	guest_bad_vector
	guest_vector	GUEST_EXIT_SYNC		/* lower EL, AArch64 */
	guest_vector	GUEST_EXIT_IRQ
	guest_vector	GUEST_EXIT_FIQ
	guest_vector	GUEST_EXIT_SERROR
	guest_vector	GUEST_EXIT_SYNC		/* lower EL, AArch32 (guest EL0) */
	guest_vector	GUEST_EXIT_IRQ
	guest_vector	GUEST_EXIT_FIQ
	guest_vector	GUEST_EXIT_SERROR

__guest_exit:
	mrs	x0, tpidr_el2
	ldr	x0, [x0, #HYP_CPU_LOADED_VCPU]
	stp	x2, x3, [x0, #8 * 2]
	stp	x4, x5, [x0, #8 * 4]
	stp	x6, x7, [x0, #8 * 6]
	stp	x8, x9, [x0, #8 * 8]
	stp	x10, x11, [x0, #8 * 10]
	stp	x12, x13, [x0, #8 * 12]
	stp	x14, x15, [x0, #8 * 14]
	stp	x16, x17, [x0, #8 * 16]
	stp	x18, x19, [x0, #8 * 18]
	stp	x20, x21, [x0, #8 * 20]
	stp	x22, x23, [x0, #8 * 22]
	stp	x24, x25, [x0, #8 * 24]
	stp	x26, x27, [x0, #8 * 26]
	stp	x28, x29, [x0, #8 * 28]
	str	x30, [x0, #8 * 30]
	ldp	x2, x3, [sp], #16	/* the guest's x0, x1 */
	stp	x2, x3, [x0, #8 * 0]
	mrs	x2, elr_el2
	mrs	x3, spsr_el2
	stp	x2, x3, [x0, #VCPU_CTXT_PC]
	mov	x0, x1

	ldp	x19, x20, [sp, #16]
	ldp	x21, x22, [sp, #32]
	ldp	x23, x24, [sp, #48]
	ldp	x25, x26, [sp, #64]
	ldp	x27, x28, [sp, #80]
	ldp	x29, x30, [sp], #96
	ret

/*
 * An exception taken at EL2 while the guest's vectors are in place: a
 * hypervisor bug (or an SError of the guest's, taken early). The host's
 * vectors go back first, so that the panic path reports it as any other.
 */
__guest_hyp_bad:
	adrp	x0, __hyp_vectors
	add	x0, x0, :lo12:__hyp_vectors
	msr	vbar_el2, x0
	isb
	b	__hyp_bad_vector

/* void __fpsimd_save(u64 *state): q0..q31, then FPSR, FPCR */
	.global	__fpsimd_save
__fpsimd_save:
	stp	q0, q1, [x0, #32 * 0]
	stp	q2, q3, [x0, #32 * 1]
	stp	q4, q5, [x0, #32 * 2]
	stp	q6, q7, [x0, #32 * 3]
	stp	q8, q9, [x0, #32 * 4]
	stp	q10, q11, [x0, #32 * 5]
	stp	q12, q13, [x0, #32 * 6]
	stp	q14, q15, [x0, #32 * 7]
	stp	q16, q17, [x0, #32 * 8]
	stp	q18, q19, [x0, #32 * 9]
	stp	q20, q21, [x0, #32 * 10]
	stp	q22, q23, [x0, #32 * 11]
	stp	q24, q25, [x0, #32 * 12]
	stp	q26, q27, [x0, #32 * 13]
	stp	q28, q29, [x0, #32 * 14]
	stp	q30, q31, [x0, #32 * 15]
	mrs	x1, fpsr
	mrs	x2, fpcr
	add	x0, x0, #32 * 16
	stp	x1, x2, [x0]
	ret

/* void __fpsimd_load(const u64 *state) */
	.global	__fpsimd_load
__fpsimd_load:
	ldp	q0, q1, [x0, #32 * 0]
	ldp	q2, q3, [x0, #32 * 1]
	ldp	q4, q5, [x0, #32 * 2]
	ldp	q6, q7, [x0, #32 * 3]
	ldp	q8, q9, [x0, #32 * 4]
	ldp	q10, q11, [x0, #32 * 5]
	ldp	q12, q13, [x0, #32 * 6]
	ldp	q14, q15, [x0, #32 * 7]
	ldp	q16, q17, [x0, #32 * 8]
	ldp	q18, q19, [x0, #32 * 9]
	ldp	q20, q21, [x0, #32 * 10]
	ldp	q22, q23, [x0, #32 * 11]
	ldp	q24, q25, [x0, #32 * 12]
	ldp	q26, q27, [x0, #32 * 13]
	ldp	q28, q29, [x0, #32 * 14]
	ldp	q30, q31, [x0, #32 * 15]
	add	x0, x0, #32 * 16
	ldp	x1, x2, [x0]
	msr	fpsr, x1
	msr	fpcr, x2
	ret
