/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The PSCI probe: what a CPU started by CPU_ON (or resumed from
 * CPU_SUSPEND) at the probe's physical address runs. The module copies
 * psci_probe_start..psci_probe_end to the start of a page, so everything
 * here is PC-relative and sized relative to psci_probe_start, never to the
 * section it was assembled in.
 *
 * On entry: MMU off, x0 = PA of the result page (the context id), at EL1
 * if the hypervisor relayed the call, at EL2 if the firmware started the
 * CPU directly. The probe records where it runs, takes its own vectors so
 * a fault is recorded instead of wedging the CPU, tries one read of the PA
 * the module put in the result page, and turns the CPU off again.
 *
 * Every store goes straight to memory (MMU off: Device-nGnRnE); the module
 * cleans the result page to the point of coherency before and invalidates
 * it before each read.
 */
#include "probe.h"

/* w\reg = a 32-bit constant, in two instructions, no literal pool */
.macro	mov32, reg, val
	movz	\reg, #((\val) >> 16), lsl #16
	movk	\reg, #((\val) & 0xffff)
.endm

/* x\reg = CurrentEL.EL */
.macro	current_el, reg
	mrs	\reg, CurrentEL
	ubfx	\reg, \reg, #2, #2
.endm

	.section .rodata, "a"
	.balign	8
	.global	psci_probe_start
	.global	psci_probe_entry
	.global	psci_probe_end

psci_probe_start:
probe_vectors:		/* a local label: adr needs no relocation */
	/* 16 entries of 0x80 bytes; each says which one it is */
	.irp	nr, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
1:	mov	x7, #\nr
	b	probe_fault
	.skip	PROBE_VECTOR_BYTES - (. - 1b)
	.endr

psci_probe_entry:
	mov	x19, x0
	mov32	w1, PROBE_RAN_MAGIC
	str	x1, [x19, #PROBE_RAN]
	current_el x1
	str	x1, [x19, #PROBE_EL]

	/* our vectors at the EL we run at: a fault comes back to us */
	adr	x2, probe_vectors
	cmp	x1, #2
	b.eq	1f
	msr	vbar_el1, x2
	b	2f
1:	msr	vbar_el2, x2
2:	isb

	/* the read a deprivileged host must not be able to do */
	ldr	x3, [x19, #PROBE_TARGET]
	ldr	x4, [x3]
	str	x4, [x19, #PROBE_WORD]
	mov	x5, #1
	str	x5, [x19, #PROBE_READ_OK]
	b	probe_off

/* x7 = vector entry number */
probe_fault:
	ldr	x8, [x19, #PROBE_FAULTS]
	add	x8, x8, #1
	str	x8, [x19, #PROBE_FAULTS]
	/* a fault on the way out (e.g. the CPU_OFF SMC): stop here */
	cmp	x8, #1
	b.ne	probe_park
	str	x7, [x19, #PROBE_VECTOR]
	current_el x1
	cmp	x1, #2
	b.eq	1f
	mrs	x2, esr_el1
	mrs	x3, far_el1
	mrs	x4, elr_el1
	b	2f
1:	mrs	x2, esr_el2
	mrs	x3, far_el2
	mrs	x4, elr_el2
2:	str	x2, [x19, #PROBE_ESR]
	str	x3, [x19, #PROBE_FAR]
	str	x4, [x19, #PROBE_ELR]

probe_off:
	mov32	w1, PROBE_DONE_MAGIC
	str	x1, [x19, #PROBE_DONE]
	dsb	sy
	mov32	w0, PSCI_FN32(PSCI_NR_CPU_OFF)
	smc	#0
	/* CPU_OFF only returns on failure */
	str	x0, [x19, #PROBE_OFF_RET]
	dsb	sy
probe_park:
	wfi
	b	probe_park
psci_probe_end:
