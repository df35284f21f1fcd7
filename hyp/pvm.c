// SPDX-License-Identifier: GPL-2.0-only
/*
 * Whether protected VMs may run: a protected vendor module that failed
 * to load makes the system insecure for good, and no protected VM may
 * start from then on (vm.c asks).
 */
#include <hyp/pvm.h>

static bool insecure;

void hyp_mark_insecure(void)
{
	__atomic_store_n(&insecure, true, __ATOMIC_RELEASE);
}

bool hyp_is_secure(void)
{
	return !__atomic_load_n(&insecure, __ATOMIC_ACQUIRE);
}
