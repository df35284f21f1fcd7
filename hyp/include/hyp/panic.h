/* SPDX-License-Identifier: GPL-2.0-only */
/* A hypervisor bug: log it, tell the host (panic.c). */
#ifndef HYP_PANIC_H
#define HYP_PANIC_H

#include <hyp/compiler.h>
#include <pkvmkit/types.h>

void __noreturn hyp_panic(u64 esr, u64 elr, u64 far, u64 fp);

#endif /* HYP_PANIC_H */
