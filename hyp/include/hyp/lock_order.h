/* SPDX-License-Identifier: GPL-2.0-only */
/* The lock order's test hypercall (lock_order.c); the order: spinlock.h. */
#ifndef HYP_LOCK_ORDER_H
#define HYP_LOCK_ORDER_H

/* Take two locks the wrong way round: -EOPNOTSUPP if nothing checks. */
int hyp_test_lock_order(void);

#endif /* HYP_LOCK_ORDER_H */
