/* SPDX-License-Identifier: GPL-2.0-only */
/* Broken invariants of the hypervisor's own: logged, then a panic. */
#ifndef HYP_BUG_H
#define HYP_BUG_H

#include <hyp/log.h>
#include <hyp/spinlock.h>

/*
 * A broken invariant of the hypervisor's own (never the host's doing): log
 * it and take the panic path with a BRK, whose ESR and ELR say where.
 */
#define HYP_BUG_ON(cond, fmt, ...)					\
	do {								\
		if (__builtin_expect(!!(cond), 0)) {			\
			hyp_log("pkvmkit: BUG: " fmt "\n", ##__VA_ARGS__); \
			asm volatile("brk #0x800");			\
			__builtin_unreachable();			\
		}							\
	} while (0)

/* What every *_locked helper starts with. */
#define hyp_assert_lock_held(lock)					\
	HYP_BUG_ON(!hyp_spin_is_held_here(lock), "%s: %s not held",	\
		   __func__, #lock)

#endif /* HYP_BUG_H */
