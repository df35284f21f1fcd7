/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Ticket spinlock for EL2 (MMU on, normal memory: exclusives work). It
 * records which CPU holds it, so that helpers that need a lock can assert
 * they have it (hyp_assert_lock_held(), used by the *_locked functions).
 */
#ifndef HYP_SPINLOCK_H
#define HYP_SPINLOCK_H

#include <pkvmkit/types.h>
#include <hyp/cpu.h>

typedef struct {
	/* owner and next are taken together by one exclusive pair. */
	union {
		u32 tickets;
		struct {
			u16 owner;	/* the ticket being served */
			u16 next;	/* the next ticket to hand out */
		};
	};
	struct hyp_cpu *holder;	/* NULL when free */
} hyp_spinlock_t;

static inline void hyp_spin_lock(hyp_spinlock_t *lock)
{
	/*
	 * Take a ticket and read the owner in one acquire load-exclusive:
	 * when no one holds the lock (the common case) there is nothing to
	 * wait for and no second load.
	 */
	u32 old = __atomic_fetch_add(&lock->tickets, 1U << 16, __ATOMIC_ACQUIRE);
	u16 ticket = old >> 16;

	if (__builtin_expect((u16)old != ticket, 0)) {
		while (__atomic_load_n(&lock->owner, __ATOMIC_ACQUIRE) != ticket)
			asm volatile("yield" ::: "memory");
	}
	/* A plain store: the atomic builtin would not use an offset. */
	*(struct hyp_cpu *volatile *)&lock->holder = this_cpu();
}

static inline void hyp_spin_unlock(hyp_spinlock_t *lock)
{
	u32 owner;

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
