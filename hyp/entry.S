/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * EL2 exception vectors, host context save/restore and the SMC forwarder.
 * The host's x0..x30, ELR and SPSR are saved in the CPU's struct hyp_cpu
 * (TPIDR_EL2), C runs on the CPU's hypervisor stack, and the (possibly
 * changed) context is restored on the way out.
 */
#include <pkvmkit/hypercall.h>
#include <hyp/cpu.h>
#include <asm-offsets.h>

	.text

	/* x2..x18 and x30: with x0, x1 all a C function may clobber */
	.macro save_clobberable, ctxt
	stp	x2, x3, [\ctxt, #8 * 2]
	stp	x4, x5, [\ctxt, #8 * 4]
	stp	x6, x7, [\ctxt, #8 * 6]
	stp	x8, x9, [\ctxt, #8 * 8]
	stp	x10, x11, [\ctxt, #8 * 10]
	stp	x12, x13, [\ctxt, #8 * 12]
	stp	x14, x15, [\ctxt, #8 * 14]
	stp	x16, x17, [\ctxt, #8 * 16]
	str	x18, [\ctxt, #8 * 18]
	str	x30, [\ctxt, #8 * 30]
	.endm

	.macro load_clobberable, ctxt
	ldp	x2, x3, [\ctxt, #8 * 2]
	ldp	x4, x5, [\ctxt, #8 * 4]
	ldp	x6, x7, [\ctxt, #8 * 6]
	ldp	x8, x9, [\ctxt, #8 * 8]
	ldp	x10, x11, [\ctxt, #8 * 10]
	ldp	x12, x13, [\ctxt, #8 * 12]
	ldp	x14, x15, [\ctxt, #8 * 14]
	ldp	x16, x17, [\ctxt, #8 * 16]
	ldr	x18, [\ctxt, #8 * 18]
	ldr	x30, [\ctxt, #8 * 30]
	.endm

	.macro vector_entry, target
	.balign	0x80
	b	\target
	.endm

	.balign	2048
	.global	__hyp_vectors
__hyp_vectors:
	vector_entry	__hyp_bad_vector	/* current EL, SP0 */
	vector_entry	__hyp_bad_vector
	vector_entry	__hyp_bad_vector
	vector_entry	__hyp_bad_vector
	vector_entry	__hyp_sync_cur		/* current EL, SPx */
	vector_entry	__hyp_bad_vector
	vector_entry	__hyp_bad_vector
	vector_entry	__hyp_bad_vector
	vector_entry	__host_trap_entry	/* lower EL, AArch64 */
	vector_entry	__hyp_bad_vector	/* IRQ: routed to EL1 */
	vector_entry	__hyp_bad_vector	/* FIQ: routed to EL1 */
	vector_entry	__hyp_bad_vector	/* SError */
	vector_entry	__hyp_bad_vector	/* lower EL, AArch32 */
	vector_entry	__hyp_bad_vector
	vector_entry	__hyp_bad_vector
	vector_entry	__hyp_bad_vector

/*
 * Trap from the host. x0..x18 and x30 are saved first: that is all a C
 * function may clobber, so a vendor-module call (HVC #0 with x0 =
 * 0xC6000080..0xC60000FF) is served right here, calling its handler
 * through the dynamic table (whose free slots hold a NOT_SUPPORTED stub).
 * Everything else saves the rest of the context and goes to C.
 */
	/*
	 * Unwind information for debuggers only (.debug_frame, not loaded):
	 * a trap from the host is the outermost EL2 frame, so a backtrace
	 * stops here instead of following the host's x29.
	 */
	.cfi_sections .debug_frame
	.global	__host_trap_entry
__host_trap_entry:
	.cfi_startproc
	.cfi_undefined x30
	stp	x0, x1, [sp, #-16]!
	mrs	x0, tpidr_el2
	save_clobberable x0
	ldp	x2, x3, [sp], #16
	stp	x2, x3, [x0, #8 * 0]

	/* HVC #0 (ESR exactly EC 0x16, IL, imm 0) with a dynamic id? */
	mrs	x1, esr_el2
	movz	w3, #0x5a00, lsl #16
	cmp	w1, w3
	b.ne	__host_trap_slow
	movz	w1, #(HC_FIRST_DYNAMIC_ID & 0xffff)
	movk	w1, #(HC_FIRST_DYNAMIC_ID >> 16), lsl #16
	sub	x1, x2, x1
	cmp	x1, #HC_MAX_DYNAMIC_SLOTS
	b.hs	__host_trap_slow
	adrp	x3, dyn_hcalls		/* page aligned */
	add	x3, x3, x1, lsl #DYN_HCALL_SHIFT
	ldp	x3, x4, [x3, #DYN_HCALL_FN]	/* fn, then x0 */
	str	x4, [x0, #8 * 0]	/* x0 as the generation has it */
	blr	x3			/* handler(ctxt, slot in x1) */
	mrs	x0, tpidr_el2
	load_clobberable x0
	ldp	x0, x1, [x0, #8 * 0]
	eret
	dsb	nsh
	isb

__host_trap_slow:
	stp	x19, x20, [x0, #8 * 19]
	stp	x21, x22, [x0, #8 * 21]
	stp	x23, x24, [x0, #8 * 23]
	stp	x25, x26, [x0, #8 * 25]
	stp	x27, x28, [x0, #8 * 27]
	str	x29, [x0, #8 * 29]
	mrs	x1, elr_el2
	mrs	x2, spsr_el2
	stp	x1, x2, [x0, #HYP_CPU_CTXT_PC]
	mov	x29, xzr		/* terminate backtraces here */
	bl	handle_host_trap
	/* fall through */

	.global	__host_restore
__host_restore:
	mrs	x0, tpidr_el2
	ldp	x1, x2, [x0, #HYP_CPU_CTXT_PC]
	msr	elr_el2, x1
	msr	spsr_el2, x2
	load_clobberable x0
	ldp	x19, x20, [x0, #8 * 19]
	ldp	x21, x22, [x0, #8 * 21]
	ldp	x23, x24, [x0, #8 * 23]
	ldp	x25, x26, [x0, #8 * 25]
	ldp	x27, x28, [x0, #8 * 27]
	ldr	x29, [x0, #8 * 29]
	ldp	x0, x1, [x0, #8 * 0]
	eret
	dsb	nsh			/* no speculation past eret */
	isb
	.cfi_endproc

/*
 * Synchronous exception taken at EL2. The one expected case: an SMC that
 * the platform treats as undefined when forwarded (no EL3 to take it):
 * fail it with SMCCC NOT_SUPPORTED instead of dying. Everything else is a
 * hypervisor bug: panic.
 */
__hyp_sync_cur:
	stp	x0, x1, [sp, #-16]!
	mrs	x0, esr_el2
	lsr	x0, x0, #26
	cbnz	x0, 1f
	mrs	x0, elr_el2
	adr	x1, __hyp_smc_insn
	cmp	x0, x1
	b.ne	1f
	add	x0, x0, #4
	msr	elr_el2, x0
	ldp	x0, x1, [sp], #16
	mov	x0, #-1
	eret
1:	ldp	x0, x1, [sp], #16
	/* fall through */

	.global	__hyp_bad_vector
__hyp_bad_vector:
	mrs	x0, esr_el2
	mrs	x1, elr_el2
	mrs	x2, far_el2
	mov	x3, x29
	mrs	x4, tpidr_el2
	/*
	 * Go on below the faulting frame, so the frame records the backtrace
	 * walks stay intact; take the top of the stack afresh only when the
	 * faulting SP is outside the stack or too near its bottom (a stack
	 * overflow), at the cost of those records.
	 */
	mov	x6, sp
	ldr	x5, [x4, #HYP_CPU_STACK_LO]
	add	x5, x5, #HYP_PANIC_STACK_NEED
	cmp	x6, x5
	b.lo	2f
	ldr	x5, [x4, #HYP_CPU_STACK_HI]
	cmp	x6, x5
	b.hi	2f
	and	x6, x6, #~15
	mov	sp, x6
	b	3f
2:	ldr	x5, [x4, #HYP_CPU_STACK_HI]
	mov	sp, x5
3:	bl	hyp_panic
	b	.

/*
 * void __hyp_forward_smc(struct host_ctxt *ctxt): issue the host's SMC
 * with its x0..x17 and store x0..x17 back (SMCCC 1.2 allows results there).
 */
	.global	__hyp_forward_smc
__hyp_forward_smc:
	stp	x19, x30, [sp, #-16]!
	mov	x19, x0
	ldp	x0, x1, [x19, #8 * 0]
	ldp	x2, x3, [x19, #8 * 2]
	ldp	x4, x5, [x19, #8 * 4]
	ldp	x6, x7, [x19, #8 * 6]
	ldp	x8, x9, [x19, #8 * 8]
	ldp	x10, x11, [x19, #8 * 10]
	ldp	x12, x13, [x19, #8 * 12]
	ldp	x14, x15, [x19, #8 * 14]
	ldp	x16, x17, [x19, #8 * 16]
	.global	__hyp_smc_insn
__hyp_smc_insn:
	smc	#0
	stp	x0, x1, [x19, #8 * 0]
	stp	x2, x3, [x19, #8 * 2]
	stp	x4, x5, [x19, #8 * 4]
	stp	x6, x7, [x19, #8 * 6]
	stp	x8, x9, [x19, #8 * 8]
	stp	x10, x11, [x19, #8 * 10]
	stp	x12, x13, [x19, #8 * 12]
	stp	x14, x15, [x19, #8 * 14]
	stp	x16, x17, [x19, #8 * 16]
	ldp	x19, x30, [sp], #16
	ret

/*
 * Leave EL2 for good on this path: enter the host at @pc with @pstate and
 * x0..x2 set, everything else as it is (used by the panic path).
 */
	.global	__hyp_return_to_host
__hyp_return_to_host:
	msr	elr_el2, x0
	msr	spsr_el2, x1
	mov	x0, x2
	mov	x1, x3
	mov	x2, x4
	eret
	dsb	nsh
	isb
