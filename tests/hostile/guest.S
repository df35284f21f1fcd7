/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The fuzzer's guest: this page of code, copied into a page the fuzzer
 * maps at IPA 0 of its VMs, entered at EL1 with the MMU off. Its every
 * exit is predictable, so that each HC_VCPU_RUN has one right answer
 * (vcpu.c, fz_guest_predict()). x1, x2 and x3 are its boot arguments
 * (the only registers besides the PC a protected vCPU takes from its
 * host).
 *
 * fz_guest_code: the loop, for ever
 *	PSCI_VERSION by HVC	answered at EL2: no exit
 *	wfi			PK_EXIT_WFI
 *	ldr x4, [x1]		PK_EXIT_S2_FAULT, unless a page is there
 *	str x4, [x2]		PK_EXIT_S2_FAULT (never a page there): an
 *				MMIO write of what the load gave
 * fz_guest_spin: first v0 and v31 get FZ_FP_MARK (a run's exit must not
 *	leave them in the CPU for the host: vcpu.c checks); then count for
 *	ever in the page at x3 (duel.c): word 0 by a
 *	load, add and store, word 1 from x8, which counts the same. With
 *	one CPU running the vCPU, word 0 is x8 at the top of each round;
 *	if not, another CPU ran it too: it marks word 2 (which only the
 *	host zeroes) and counts on. Only a host interrupt stops it.
 * fz_guest_vector (0x200): VBAR_EL1 is 0, so an exception the guest
 *	takes (a prefetch abort the host asked for) comes here: back to
 *	the loop.
 */
#define PSCI_VERSION	0x84000000
#include "guest_abi.h"

	.section .rodata, "a"
	.balign	4096
	.globl	fz_guest_code
fz_guest_code:
	movz	x0, #(PSCI_VERSION >> 16), lsl #16
	hvc	#0
	.globl	fz_guest_wfi
fz_guest_wfi:
	wfi
	.globl	fz_guest_load
fz_guest_load:
	ldr	x4, [x1]
	.globl	fz_guest_store
fz_guest_store:
	str	x4, [x2]
	add	x5, x5, #1
	b	fz_guest_code

	.globl	fz_guest_spin
fz_guest_spin:
	mov	x9, #(3 << 20)		/* CPACR_EL1.FPEN: FP/SIMD at EL1 */
	msr	cpacr_el1, x9
	isb
	movz	x9, #(FZ_FP_MARK >> 48) & 0xffff, lsl #48
	movk	x9, #(FZ_FP_MARK >> 32) & 0xffff, lsl #32
	movk	x9, #(FZ_FP_MARK >> 16) & 0xffff, lsl #16
	movk	x9, #FZ_FP_MARK & 0xffff
	dup	v0.2d, x9		/* the host must never see these */
	dup	v31.2d, x9
	mov	x8, #0
	stp	xzr, xzr, [x3]
1:	ldr	x6, [x3]
	cmp	x6, x8
	b.eq	2f
	str	x3, [x3, #16]	/* x3 is not 0 */
	mov	x8, x6
2:	add	x6, x6, #1
	str	x6, [x3]
	add	x8, x8, #1
	str	x8, [x3, #8]
	b	1b
	.globl	fz_guest_spin_end
fz_guest_spin_end:
	.if	fz_guest_spin_end - fz_guest_code > FZ_GUEST_TAG_OFF
	.error	"the guest's code reaches the words its load and store use"
	.endif

	.org	fz_guest_code + 0x200
	.globl	fz_guest_vector
fz_guest_vector:
	b	fz_guest_code
	.globl	fz_guest_code_end
fz_guest_code_end:
