// SPDX-License-Identifier: GPL-2.0-only
/*
 * The EL1 side of the EL2 heap (hyp_alloc, android15-6.6 on): pages the
 * host gives it. A module whose EL2 call failed because hyp_alloc ran out
 * (hyp_alloc_errno() -ENOMEM) donates hyp_alloc_missing_donations()
 * pages with __pkvm_topup_hyp_alloc() and calls again, as on ACK.
 */
#include "pkvmkit.h"
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/module.h>
#include "../sdk/arch/arm64/include/asm/kvm_pkvm_module.h"

/* One call donates at most this much (the heap's window is 64 MiB). */
#define MAX_TOPUP_PAGES		1024

/*
 * Each page goes to the hypervisor for good: it is never freed here (its
 * reference keeps it out of the page allocator). Stops at the first page
 * refused, which is freed: the pages before it stay donated.
 */
int __pkvm_topup_hyp_alloc(unsigned long nr_pages)
{
	struct arm_smccc_res res;
	struct page *page;
	unsigned long i;

	if (!pk.installed)
		return -EOPNOTSUPP;
	if (!nr_pages || nr_pages > MAX_TOPUP_PAGES)
		return -EINVAL;
	for (i = 0; i < nr_pages; i++) {
		page = alloc_page(GFP_KERNEL);
		if (!page)
			return -ENOMEM;
		res = pk_hvc(HC_ID(HC_HEAP_TOPUP), page_to_pfn(page), 0, 0);
		if (res.a0 != SMCCC_RET_SUCCESS || res.a1) {
			__free_page(page);
			pr_err("hyp_alloc: the hypervisor refused a page: %ld\n",
			       res.a0 ? -EPERM : (long)res.a1);
			return res.a0 ? -EPERM : (int)res.a1;
		}
	}
	return 0;
}
EXPORT_SYMBOL(__pkvm_topup_hyp_alloc);
