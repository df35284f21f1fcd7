/* SPDX-License-Identifier: GPL-2.0-only */
/* The hypervisor's log ring (log.c), read by the host through debugfs. */
#ifndef HYP_LOG_H
#define HYP_LOG_H

#include <pkvmkit/types.h>

void hyp_log_init(u64 pa, u64 size);
void hyp_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int hyp_snprintf(char *buf, u64 size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif /* HYP_LOG_H */
