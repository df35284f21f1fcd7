/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Ticket spinlock for EL2 (MMU on, normal memory: exclusives work). It
 * records which CPU holds it, so that helpers that need a lock can assert
 * they have it (hyp_assert_lock_held(), used by the *_locked functions).
 *
 * Every lock of the hypervisor has a place in one order, written here
 * once, outermost first: a CPU may take a lock only while every lock it
 * holds comes earlier in the list. Each lock is defined with
 * HYP_LOCK_INIT(its name in the list).
 */
#ifndef HYP_SPINLOCK_H
#define HYP_SPINLOCK_H

#include <pkvmkit/types.h>
#include <hyp/cpu.h>

#define HYP_LOCK_ORDER(X)						\
	X(init_lock,	"setup.c: the first CPU's global set-up")	\
	X(setup_lock,	"hcall.c: every set-up call, deprivilege")	\
	X(events_lock,	"trace.c: the hyp-event ranges of modules")	\
	X(module_lock,	"module_*.c: module ranges, hooks, calls")	\
	X(heap_lock,	"heap.c: the EL2 heap and its VA window")	\
	X(vm_lock,	"vm.c, vcpu_run.c, guest_*.c: VMs, vCPUs' power, stage-2s") \
	X(traps_lock,	"trap_config.c: the modules' trap masks")	\
	X(mem_lock,	"mm.c, mem_protect.c: pool, page tables, ownership") \
	X(dma_lock,	"smmu.c: the SMMU's queues and the faults kept") \
	X(log_lock,	"log.c: the log ring")

/* A lock's level: its place in HYP_LOCK_ORDER, from 1 (0: none, a bug). */
#define HYP_LOCK_LEVEL_ENUM(name, what)	HYP_LOCK_LEVEL_##name,
enum hyp_lock_level {
	HYP_LOCK_LEVEL_NONE,
	HYP_LOCK_ORDER(HYP_LOCK_LEVEL_ENUM)
	HYP_LOCK_NR_LEVELS
};
_Static_assert(HYP_LOCK_NR_LEVELS <= 32, "held levels fit a u32 mask");

typedef struct {
	/* owner and next are taken together by one exclusive pair. */
	union {
		u32 tickets;
		struct {
			u16 owner;	/* the ticket being served */
			u16 next;	/* the next ticket to hand out */
		};
	};
	u32 level;		/* enum hyp_lock_level */
	struct hyp_cpu *holder;	/* NULL when free */
} hyp_spinlock_t;

#define HYP_LOCK_INIT(name)	{ .level = HYP_LOCK_LEVEL_##name }

/*
 * The run-time check of the order (HYP_LOCK_CHECKS, on in the build the
 * tests run; off for make bench): each CPU keeps a mask of the levels it
 * holds (struct hyp_cpu.locks_held), and taking a lock at or below a held
 * level (or one with no level) is a hypervisor panic that names both.
 */
#ifndef HYP_LOCK_CHECKS
#define HYP_LOCK_CHECKS		1
#endif

void __attribute__((noreturn)) hyp_lock_order_violation(const hyp_spinlock_t *lock);

static inline void hyp_lock_check_order(const hyp_spinlock_t *lock,
					const struct hyp_cpu *cpu)
{
	if (HYP_LOCK_CHECKS &&
	    __builtin_expect(!lock->level || (cpu->locks_held >> lock->level), 0))
		hyp_lock_order_violation(lock);
}

static inline void hyp_spin_lock(hyp_spinlock_t *lock)
{
	struct hyp_cpu *cpu = this_cpu();
	u32 old;
	u16 ticket;

	/* before waiting: a lock this CPU holds already would never come */
	hyp_lock_check_order(lock, cpu);
	/*
	 * Take a ticket and read the owner in one acquire load-exclusive:
	 * when no one holds the lock (the common case) there is nothing to
	 * wait for and no second load.
	 */
	old = __atomic_fetch_add(&lock->tickets, 1U << 16, __ATOMIC_ACQUIRE);
	ticket = old >> 16;
	if (__builtin_expect((u16)old != ticket, 0)) {
		while (__atomic_load_n(&lock->owner, __ATOMIC_ACQUIRE) != ticket)
			asm volatile("yield" ::: "memory");
	}
	/* A plain store: the atomic builtin would not use an offset. */
	*(struct hyp_cpu *volatile *)&lock->holder = cpu;
	if (HYP_LOCK_CHECKS)
		cpu->locks_held |= 1U << lock->level;
}

static inline void hyp_spin_unlock(hyp_spinlock_t *lock)
{
	u32 owner;

	if (HYP_LOCK_CHECKS)
		this_cpu()->locks_held &= ~(1U << lock->level);
	*(struct hyp_cpu *volatile *)&lock->holder = NULL;
	/*
	 * Only the holder writes owner, so a plain read of it is stable; the
	 * store-release truncates to 16 bits (no mask, as C would add).
	 */
	asm volatile("ldrh	%w0, %1\n"
		     "add	%w0, %w0, #1\n"
		     "stlrh	%w0, %1"
		     : "=&r" (owner), "+Q" (lock->owner) : : "memory");
}

static inline bool hyp_spin_is_held_here(hyp_spinlock_t *lock)
{
	return *(struct hyp_cpu *volatile *)&lock->holder == this_cpu();
}

#endif /* HYP_SPINLOCK_H */
