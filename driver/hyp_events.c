// SPDX-License-Identifier: GPL-2.0-only
/*
 * The host side of the hypervisor's own hyp events (pkvmkit/hyp_events.h),
 * written with the SDK's macros as a vendor module's EL1 code would. Their
 * ids are their places in the list, from 1, as hyp/include/hyp/trace.h
 * numbers them.
 */
#include "pkvmkit.h"
#include "../sdk/arch/arm64/include/asm/kvm_pkvm_module.h"

/* relative to the SDK's asm/ directory, where the header including it is */
#define HYP_EVENT_FILE ../../../../../include/pkvmkit/hyp_events.h
#include "../sdk/arch/arm64/include/asm/kvm_define_hypevents.h"

struct hyp_event *const *pk_core_hyp_events(void)
{
	return __pkvm_module_hyp_events;
}
