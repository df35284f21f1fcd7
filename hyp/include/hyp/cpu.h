/* SPDX-License-Identifier: GPL-2.0-only */
/* Per-CPU hypervisor state, reached through TPIDR_EL2. */
#ifndef HYP_CPU_H
#define HYP_CPU_H

/*
 * Offsets and the size of struct hyp_cpu that the assembly uses come
 * from asm-offsets.c (build/hyp/asm-offsets.h), not from here.
 */

/* stack the panic path needs below the faulting frame (entry.S) */
#define HYP_PANIC_STACK_NEED	1024

#ifndef __ASSEMBLER__
#include <pkvmkit/types.h>
#include <pkvmkit/boot.h>

/*
 * The host's registers as saved on entry to EL2. Same layout as the
 * kernel's struct user_pt_regs, which ACK's struct kvm_cpu_context starts
 * with, so vendor-module handlers can take it as that type.
 */
struct host_ctxt {
	u64 regs[31];
	u64 sp;
	u64 pc;
	u64 pstate;
};

/* PSCI view of a CPU slot. */
enum hyp_cpu_power {
	CPU_SLOT_FREE = 0,	/* never booted through the hypervisor */
	CPU_ON_PENDING,		/* CPU_ON forwarded, not entered yet */
	CPU_ON,
	CPU_OFF,
};

struct hyp_cpu {
	struct host_ctxt ctxt;	/* must stay first: entry.S saves here */
	u64 slot;
	u64 mpidr;
	u32 power;		/* enum hyp_cpu_power, changed atomically */
	u32 installed;
	u32 stage2_on;
	s32 heap_errno;		/* of this CPU's last hyp_alloc (heap.c) */
	u64 stack_lo;		/* VA range of the stack, for backtraces */
	u64 stack_hi;
	u64 boot_entry;		/* host entry point of a pending CPU_ON */
	u64 boot_ctx;		/* and its context id */
	u32 traps_gen;		/* module trap updates applied (trap_config.c) */
	u32 in_panic;		/* the panic path runs on this CPU */
	u32 locks_held;		/* a bit per lock level held (spinlock.h) */
	void *loaded_vcpu;	/* struct hyp_vcpu running here (guest_entry.S) */
};

/*
 * What entry.S's layout rests on, not copies of it: the host's x0..x30
 * are saved at TPIDR_EL2 + 8 * n, x0 first.
 */
_Static_assert(__builtin_offsetof(struct hyp_cpu, ctxt) == 0 &&
	       __builtin_offsetof(struct host_ctxt, regs) == 0,
	       "entry.S saves the host's registers at TPIDR_EL2 + 8 * n");

extern struct hyp_cpu hyp_cpus[HYP_MAX_CPUS];

static inline struct hyp_cpu *this_cpu(void)
{
	struct hyp_cpu *cpu;

	/*
	 * Not volatile: TPIDR_EL2 is written once, by init.S before any C
	 * runs, and EL2 code never moves to another CPU, so the compiler
	 * may reuse one read for every this_cpu() in a function.
	 */
	asm("mrs %0, tpidr_el2" : "=r" (cpu));
	return cpu;
}
#endif /* __ASSEMBLER__ */

#endif /* HYP_CPU_H */
