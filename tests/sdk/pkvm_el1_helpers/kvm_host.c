// SPDX-License-Identifier: GPL-2.0-only
/* What a module finds in asm/kvm_host.h alone, as on ACK (6.6 on). */
#include <linux/gfp.h>
#include <asm/kvm_host.h>
#include "helpers.h"

int call_kvm_host_helpers(void)
{
	int ret = __pkvm_topup_hyp_alloc_mgt_gfp(HYP_ALLOC_MGT_HEAP_ID, 1,
						 PAGE_SIZE, GFP_KERNEL);

	return ret ?: __pkvm_topup_hyp_alloc_mgt(HYP_ALLOC_MGT_IOMMU_ID, 1,
						 PAGE_SIZE);
}
