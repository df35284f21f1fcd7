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
	u16 owner;
	u16 next;
	u32 holder;	/* CPU slot + 1 of the holder, 0 when free */
} hyp_spinlock_t;

static inline void hyp_spin_lock(hyp_spinlock_t *lock)
{
	u16 ticket = __atomic_fetch_add(&lock->next, 1, __ATOMIC_RELAXED);

	while (__atomic_load_n(&lock->owner, __ATOMIC_ACQUIRE) != ticket)
		asm volatile("yield" ::: "memory");
	__atomic_store_n(&lock->holder, (u32)this_cpu()->slot + 1,
			 __ATOMIC_RELAXED);
}

static inline void hyp_spin_unlock(hyp_spinlock_t *lock)
{
	__atomic_store_n(&lock->holder, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&lock->owner, (u16)(lock->owner + 1), __ATOMIC_RELEASE);
}

static inline bool hyp_spin_is_held_here(hyp_spinlock_t *lock)
{
	return __atomic_load_n(&lock->holder, __ATOMIC_RELAXED) ==
	       (u32)this_cpu()->slot + 1;
}

#endif /* HYP_SPINLOCK_H */
