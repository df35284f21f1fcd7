/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Taking an exception to EL1 on someone's behalf (exception.c): where
 * the EL1 vectors send it and the PSTATE it starts with, as the
 * architecture does it. The EL1 registers read are the live ones: the
 * host's when a host trap injects, the guest's inside a guest's run.
 */
#ifndef HYP_EXCEPTION_H
#define HYP_EXCEPTION_H

#include <pkvmkit/types.h>

/* The vector address for an exception taken from @pstate, at @vbar. */
u64 el1_exception_vector(u64 vbar, u64 pstate);
/* PSTATE on entry to EL1 from @pstate (SCTLR_EL1 and the CPU decide). */
u64 el1_exception_pstate(u64 pstate);

/* An exception from EL0 (AArch64 or AArch32)? */
static inline bool pstate_is_el0(u64 pstate)
{
	return (pstate & 0x1f) == 0 || (pstate & 0x1f) == 0x10;
}

#endif /* HYP_EXCEPTION_H */
