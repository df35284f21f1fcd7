/* SPDX-License-Identifier: GPL-2.0-only */
/* Ticket spinlock for EL2 (MMU on, normal memory: exclusives work). */
#ifndef HYP_SPINLOCK_H
#define HYP_SPINLOCK_H

#include <pkvmkit/types.h>

typedef struct {
	u16 owner;
	u16 next;
} hyp_spinlock_t;

static inline void hyp_spin_lock(hyp_spinlock_t *lock)
{
	u16 ticket = __atomic_fetch_add(&lock->next, 1, __ATOMIC_RELAXED);

	while (__atomic_load_n(&lock->owner, __ATOMIC_ACQUIRE) != ticket)
		asm volatile("yield" ::: "memory");
}

static inline void hyp_spin_unlock(hyp_spinlock_t *lock)
{
	__atomic_store_n(&lock->owner, (u16)(lock->owner + 1), __ATOMIC_RELEASE);
}

#endif /* HYP_SPINLOCK_H */
