/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Guest code for kvm-test: copied to the start of the guest's RAM and
 * entered at EL1 with the MMU off, x0 = mode | arg << 8. It talks to its
 * VMM through MMIO at MMIO_BASE (outside every memslot): a store at
 * MMIO_BASE + off reports a value, a load at MMIO_BASE + IN asks for one.
 * Position independent: everything is reached through adr from the code.
 *
 *   0 basic    MMIO, PSCI/SMCCC/KVM calls, trapped and untrapped sysregs
 *   1 secret   (after touching arg pages) a page of secret in RAM;
 *              checks it while the VMM says go on
 *   2 smp      vCPU 0 starts vCPU 1 with PSCI CPU_ON, twice
 *   3 touch    touches arg pages of RAM once each (first touch: donation)
 *   4 hostile  arg rounds of random HVCs, SMCs, loads, stores, sysregs
 *   5 psci_version  arg PSCI_VERSION calls in a row, then reports
 *   6 timer    arms its virtual timer 1/16 s ahead, waits for it in WFI
 *   7 call     one HVC or SMC its VMM wrote in its RAM (PARAM_OFF:
 *              conduit, x0..x3); reports x0..x3
 *   8 guard    arg MMIO_GUARD_MAPs, each in a GiB of its own from 4 GiB
 *              up (new stage-2 tables each); reports how many succeeded
 *
 * x7 holds the code's address throughout; the stack is the 64 KiB below
 * 1 MiB into RAM (the first MiB is the guest's own: code, data, stack).
 */
#define MMIO_BASE	0x10000000
#define OUT_MARK	0x00		/* reports: MMIO_BASE + OUT_* */
#define OUT_A		0x08
#define OUT_B		0x10
#define OUT_C		0x18
#define OUT_D		0x20
#define OUT_E		0x28
#define OUT_F		0x30
#define OUT_G		0x38
#define OUT_H		0x40
#define IN		0x80		/* a value from the VMM */
#define IN_SIGNED	0x88		/* ... a byte the guest loads signed */

#define SECRET_OFF	0x10000		/* from the code: the secret page */
#define FLAG_OFF	0x20000		/* smp's flag */
#define TOUCH_OFF	0x40000		/* touch's first page */
#define PARAM_OFF	0x30000		/* call's: conduit (0 HVC, 1 SMC), x0..x3 */

#define PSCI_VERSION	0x84000000
#define PSCI_CPU_OFF	0x84000002
#define PSCI_CPU_ON	0xc4000003
#define PSCI_AFF_INFO	0xc4000004
#define PSCI_SYS_OFF	0x84000008

	.macro	mov32, reg, val
	movz	\reg, #((\val) & 0xffff)
	movk	\reg, #((\val) >> 16), lsl #16
	.endm

	.macro	report, reg, off
	str	\reg, [x10, #\off]
	.endm

	.macro	system_off
	mov32	x0, PSCI_SYS_OFF
	hvc	#0
	b	.
	.endm

	.section .rodata.guest, "a"
	.balign	4096
	.global	kvm_guest_code
kvm_guest_code:
	adr	x7, kvm_guest_code
	add	x1, x7, #0x100000
	mov	sp, x1
	mov32	x10, MMIO_BASE
	and	x9, x0, #0xff
	lsr	x8, x0, #8
	cmp	x9, #0
	b.eq	basic
	cmp	x9, #1
	b.eq	secret
	cmp	x9, #2
	b.eq	smp
	cmp	x9, #3
	b.eq	touch
	cmp	x9, #4
	b.eq	hostile
	cmp	x9, #5
	b.eq	psci_loop
	cmp	x9, #6
	b.eq	timer
	cmp	x9, #7
	b.eq	call
	cmp	x9, #8
	b.eq	guard
	report	x9, OUT_MARK
	system_off

/* ---- 0: basic ---------------------------------------------------------- */
basic:
	mov	x1, #0x1234
	report	x1, OUT_MARK
	mov32	x0, PSCI_VERSION
	hvc	#0
	report	x0, OUT_A
	ldr	x2, [x10, #IN]			/* the VMM's value, 64 bits */
	report	x2, OUT_B
	ldr	w3, [x10, #IN]			/* ... 32 bits */
	report	x3, OUT_C
	ldrsb	x4, [x10, #IN_SIGNED]		/* ... a byte, sign-extended */
	report	x4, OUT_D
	mrs	x5, id_aa64pfr0_el1		/* trapped: the fixed view */
	report	x5, OUT_E
	mrs	x6, mpidr_el1			/* VMPIDR_EL2 */
	report	x6, OUT_F
	mov32	x0, 0x80000000			/* SMCCC_VERSION, by SMC */
	smc	#0
	report	x0, OUT_G
	mov32	x0, 0xc600ff42			/* nobody's call */
	hvc	#0
	report	x0, OUT_H
	system_off

/* ---- 1: secret ------------------------------------------------------- */
secret:
	add	x9, x7, #TOUCH_OFF
	mov	x1, #0
5:	cmp	x1, x8
	b.eq	6f
	str	x1, [x9]
	add	x9, x9, #4096
	add	x1, x1, #1
	b	5b
6:	add	x9, x7, #SECRET_OFF
	mov	x1, #0
	ldr	x2, =0x5345435245543432		/* "24TERCES": the pattern */
1:	eor	x3, x2, x1
	str	x3, [x9, x1, lsl #3]
	add	x1, x1, #1
	cmp	x1, #512
	b.ne	1b
	report	x9, OUT_MARK			/* where it is */
2:	ldr	x4, [x10, #IN]			/* go on? */
	cbz	x4, 4f
	mov	x1, #0
	mov	x5, #1
3:	ldr	x3, [x9, x1, lsl #3]
	eor	x3, x3, x1
	cmp	x3, x2
	csel	x5, x5, xzr, eq
	add	x1, x1, #1
	cmp	x1, #512
	b.ne	3b
	report	x5, OUT_A			/* 1: intact */
	b	2b
4:	system_off

/* ---- 2: smp ---------------------------------------------------------- */
smp:
	add	x9, x7, #FLAG_OFF
	str	xzr, [x9]
	mov	x11, #0x77
	bl	start_secondary
	report	x0, OUT_MARK			/* CPU_ON's answer */
	bl	wait_flag
	report	x12, OUT_A			/* its context id, from it */
	bl	wait_off
	report	x0, OUT_B			/* AFFINITY_INFO: OFF (1) */
	mov	x11, #0x78			/* again */
	bl	start_secondary
	report	x0, OUT_C
	bl	wait_flag
	report	x12, OUT_D
	mov32	x0, PSCI_CPU_ON			/* vCPU 0 is on already */
	mov	x1, #0
	adr	x2, secondary
	mov	x3, #0
	hvc	#0
	report	x0, OUT_E			/* ALREADY_ON (-4) */
	system_off

start_secondary:
	mov32	x0, PSCI_CPU_ON
	mov	x1, #1				/* MPIDR of vCPU 1 */
	adr	x2, secondary
	mov	x3, x11
	hvc	#0
	ret

wait_flag:
	ldr	x12, [x9]
	cmp	x12, x11
	b.ne	wait_flag
	ret

wait_off:
	mov32	x0, PSCI_AFF_INFO
	mov	x1, #1
	mov	x2, #0
	hvc	#0
	cmp	x0, #1
	b.ne	wait_off
	ret

secondary:					/* x0: the context id */
	mov32	x10, MMIO_BASE
	adr	x7, kvm_guest_code
	add	x9, x7, #FLAG_OFF
	mrs	x1, mpidr_el1
	report	x1, OUT_F
	str	x0, [x9]
	mov32	x0, PSCI_CPU_OFF
	hvc	#0
	b	.

/* ---- 3: touch -------------------------------------------------------- */
touch:
	add	x9, x7, #TOUCH_OFF
	mov	x1, #0
1:	cmp	x1, x8
	b.eq	2f
	str	x1, [x9]
	add	x9, x9, #4096
	add	x1, x1, #1
	b	1b
2:	report	x1, OUT_MARK
	system_off

/* ---- 5: PSCI_VERSION, arg times ------------------------------------- */
psci_loop:
	mov	x1, x8
	mov32	x2, PSCI_VERSION
	mov32	x10, MMIO_BASE
	report	x1, OUT_A			/* start */
1:	mov	x0, x2
	hvc	#0
	subs	x1, x1, #1
	b.ne	1b
	report	x0, OUT_MARK			/* end */
	system_off

/* ---- 6: timer -------------------------------------------------------- */
timer:
	isb
	mrs	x1, cntvct_el0
	mrs	x2, cntfrq_el0
	lsr	x2, x2, #4
	add	x1, x1, x2
	msr	cntv_cval_el0, x1
	mov	x3, #1				/* enabled, not masked */
	msr	cntv_ctl_el0, x3
	isb
	wfi
	isb
	mrs	x4, cntv_ctl_el0
	report	x4, OUT_MARK			/* ISTATUS (bit 2): it fired */
	mrs	x5, isr_el1
	report	x5, OUT_A			/* I (bit 7): the VMM's IRQ line */
	mov	x3, #3				/* masked: its level drops */
	msr	cntv_ctl_el0, x3
	isb
	report	xzr, OUT_B
	system_off

/* ---- 7: call --------------------------------------------------------- */
call:
	add	x9, x7, #PARAM_OFF
	ldp	x4, x0, [x9]
	ldp	x1, x2, [x9, #16]
	ldr	x3, [x9, #32]
	cbnz	x4, 1f
	hvc	#0
	b	2f
1:	smc	#0
2:	report	x0, OUT_MARK
	report	x1, OUT_A
	report	x2, OUT_B
	report	x3, OUT_C
	system_off

/* ---- 8: guard -------------------------------------------------------- */
guard:
	mov	x11, #0				/* how many succeeded */
	mov	x12, #0
1:	cmp	x12, x8
	b.eq	2f
	mov32	x0, 0xc6000007			/* MMIO_GUARD_MAP */
	add	x1, x12, #4
	lsl	x1, x1, #30			/* at (4 + i) GiB */
	hvc	#0
	cmp	x0, #0
	cinc	x11, x11, eq
	add	x12, x12, #1
	b	1b
2:	report	x11, OUT_MARK
	system_off

/* ---- 4: hostile ------------------------------------------------------ */
/*
 * x8 rounds. x21: an xorshift state; x20 counts exceptions the guest took
 * (UNDEFs and aborts the hypervisor injected); x22 counts rounds. Its own
 * vectors step over whatever faults. Never a call that ends it (SYSTEM_OFF,
 * SYSTEM_RESET, CPU_OFF, CPU_SUSPEND), nor a WFI (nothing would wake it:
 * its interrupts are masked and its timer off): those would only stop the
 * test.
 */
hostile:
	adr	x1, hostile_vectors
	msr	vbar_el1, x1
	isb
	mov32	x0, 0xc6000007			/* MMIO guard: its report page */
	mov	x1, x10
	hvc	#0
	mov32	x0, 0xc6000006			/* ... then enrolled */
	hvc	#0
	mov	x20, #0
	mov	x22, #0
	ldr	x21, =0x9e3779b97f4a7c15
round:
	cmp	x22, x8
	b.eq	done
	add	x22, x22, #1
	bl	rand
	and	x1, x0, #7
	adr	x2, actions
	ldr	w3, [x2, x1, lsl #2]
	add	x2, x2, x3
	blr	x2
	b	round
done:
	report	x22, OUT_MARK
	report	x20, OUT_A
	system_off

rand:						/* x0 = next(x21) */
	eor	x21, x21, x21, lsl #13
	eor	x21, x21, x21, lsr #7
	eor	x21, x21, x21, lsl #17
	mov	x0, x21
	ret

	.balign	4
actions:
	.word	act_hvc - actions
	.word	act_smc - actions
	.word	act_load - actions
	.word	act_store - actions
	.word	act_sysreg - actions
	.word	act_hvc_known - actions
	.word	act_load - actions
	.word	act_sysreg - actions

/* an id worth trying: a random one, or one of the known ranges' */
call_id:
	stp	x30, xzr, [sp, #-16]!
	bl	rand
	mov	x4, x0
	and	x5, x4, #3
	lsr	x4, x4, #2
	cbz	x5, 1f				/* fully random */
	and	x4, x4, #0x3f			/* n < 64 in a known range */
	cmp	x5, #1
	mov32	x13, 0xc6000000			/* KVM vendor hyp */
	mov32	x14, 0x84000000			/* PSCI / TRNG, 32 */
	csel	x13, x13, x14, eq
	cmp	x5, #3
	mov32	x14, 0xc4000000			/* PSCI, 64 */
	csel	x13, x14, x13, eq
	orr	x4, x4, x13
1:	mov	x0, x4
	ldp	x30, xzr, [sp], #16
	ret

/*
 * Calls that would end the run (or stop its reports: MMIO guard
 * enrolment is done once, first): replaced by PSCI_VERSION.
 */
tame:
	and	w13, w0, #0xbfffffff		/* 32 and 64-bit forms alike */
	mov32	x14, PSCI_SYS_OFF
	cmp	x13, x14
	mov32	x14, 0x84000009			/* SYSTEM_RESET */
	ccmp	x13, x14, #4, ne
	mov32	x14, PSCI_CPU_OFF
	ccmp	x13, x14, #4, ne
	mov32	x14, 0x84000001			/* CPU_SUSPEND */
	ccmp	x13, x14, #4, ne
	mov32	x14, 0x84000012			/* SYSTEM_RESET2 */
	ccmp	x13, x14, #4, ne
	mov32	x14, 0x8400000e			/* SYSTEM_SUSPEND */
	ccmp	x13, x14, #4, ne
	mov32	x14, 0x86000006			/* MMIO_GUARD_ENROLL */
	ccmp	x13, x14, #4, ne
	mov32	x14, 0x86000008			/* MMIO_GUARD_UNMAP */
	ccmp	x13, x14, #4, ne
	b.ne	1f
	mov32	x0, PSCI_VERSION
1:	ret

random_args:
	stp	x30, x0, [sp, #-16]!
	bl	rand
	mov	x1, x0
	bl	rand
	mov	x2, x0
	bl	rand
	mov	x3, x0
	ldp	x30, x0, [sp], #16
	ret

act_hvc:
	stp	x30, xzr, [sp, #-16]!
	bl	call_id
	bl	tame
	bl	random_args
	hvc	#0
	ldp	x30, xzr, [sp], #16
	ret

/*
 * A KVM call on a page of its data, or anywhere; an MMIO guard map never
 * on its RAM (a guarded frame can no longer be memory: its next touch
 * there would end its VMM's run, which the test does not want).
 */
act_hvc_known:
	stp	x30, xzr, [sp, #-16]!
	bl	rand
	and	x1, x0, #0xff000
	add	x1, x1, #0x100000
	add	x1, x1, x7			/* a page past its first MiB... */
	tst	x0, #(1 << 30)
	lsr	x2, x0, #8
	and	x2, x2, #0xfffffffff000
	csel	x1, x1, x2, eq			/* ... or anywhere */
	and	x0, x0, #0xf
	cmp	x0, #7				/* MMIO_GUARD_MAP: */
	b.ne	1f
	and	x1, x1, #0xff000		/* next to its report page */
	orr	x1, x1, x10
	add	x1, x1, #0x100000
1:	mov32	x3, 0xc6000000
	orr	x0, x0, x3
	bl	tame
	mov	x2, #0
	mov	x3, #0
	hvc	#0
	ldp	x30, xzr, [sp], #16
	ret

act_smc:
	stp	x30, xzr, [sp, #-16]!
	bl	call_id
	bl	tame
	bl	random_args
	smc	#0
	ldp	x30, xzr, [sp], #16
	ret

/* a load anywhere in a 44-bit IPA space (beyond the VM's too) */
act_load:
	stp	x30, xzr, [sp, #-16]!
	bl	rand
	and	x1, x0, #0xfffffffffff8
	ldr	x2, [x1]
	ldp	x30, xzr, [sp], #16
	ret

/* a store anywhere but its own code, data and stack (the first 1 MiB) */
act_store:
	stp	x30, xzr, [sp, #-16]!
	bl	rand
	and	x1, x0, #0xfffffffffff8
	sub	x2, x1, x7
	cmp	x2, #0x100000
	b.lo	1f
	str	x0, [x1]
1:	ldp	x30, xzr, [sp], #16
	ret

/* one of the system-register accesses the hypervisor traps */
act_sysreg:
	stp	x30, xzr, [sp, #-16]!
	bl	rand
	and	x1, x0, #31
	adr	x2, sysregs
	add	x2, x2, x1, lsl #3
	blr	x2
	ldp	x30, xzr, [sp], #16
	ret

	.balign	8
sysregs:					/* 32 slots of two instructions */
	mrs	x3, pmcr_el0
	ret
	msr	pmcr_el0, x0
	ret
	mrs	x3, pmccntr_el0
	ret
	mrs	x3, id_aa64dfr0_el1
	ret
	msr	s3_0_c0_c4_0, x0		/* ID_AA64PFR0_EL1: read-only */
	ret
	mrs	x3, s3_0_c0_c3_7		/* an unallocated ID register */
	ret
	mrs	x3, cntp_ctl_el0
	ret
	msr	cntp_cval_el0, x0
	ret
	mrs	x3, s3_0_c12_c12_5		/* ICC_SRE_EL1 */
	ret
	msr	s3_0_c12_c11_5, x0		/* ICC_SGI1R_EL1 */
	ret
	mrs	x3, s3_0_c12_c12_0		/* ICC_IAR1_EL1 */
	ret
	msr	s3_0_c4_c6_0, x0		/* ICC_PMR_EL1 */
	ret
	msr	oslar_el1, x0
	ret
	mrs	x3, oslsr_el1
	ret
	msr	mdscr_el1, x0
	ret
	mrs	x3, mdscr_el1
	ret
	msr	dbgbcr0_el1, x0
	ret
	mrs	x3, dbgwvr1_el1
	ret
	dc	isw, x0
	ret
	dc	cisw, x0
	ret
	mrs	x3, actlr_el1
	ret
	msr	actlr_el1, x0
	ret
	mrs	x3, s3_0_c15_c0_0		/* implementation defined */
	ret
	msr	s3_1_c11_c0_0, x0		/* implementation defined */
	ret
	mrs	x3, s3_0_c10_c4_3		/* LORC_EL1 */
	ret
	mrs	x3, s3_0_c5_c3_0		/* ERRIDR_EL1 */
	ret
	mrs	x3, s3_0_c2_c1_0		/* APIAKeyLo_EL1 */
	ret
	msr	s3_0_c2_c1_0, x0
	ret
	mrs	x3, s3_0_c0_c5_1		/* ID_AA64DFR1_EL1 */
	ret
	mrs	x3, s3_0_c5_c6_0		/* TFSR_EL1 (MTE) */
	ret
	mrs	x3, s3_0_c13_c0_7		/* SCXTNUM_EL1 */
	ret
	mrs	x3, cntpct_el0			/* not trapped: the counter */
	ret

/*
 * Its vectors: any exception from itself (EL1) steps over the
 * instruction and counts; nothing else can come (no interrupts are
 * unmasked, EL0 never runs).
 */
	.balign	2048
hostile_vectors:
	.rept	8
	.balign	0x80
	mrs	x19, elr_el1
	add	x19, x19, #4
	msr	elr_el1, x19
	add	x20, x20, #1
	eret
	.endr
	.rept	8
	.balign	0x80
	b	.
	.endr

	.ltorg
	.global	kvm_guest_code_end
kvm_guest_code_end:
