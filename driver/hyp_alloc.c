// SPDX-License-Identifier: GPL-2.0-only
/*
 * The EL1 side of the EL2 heap (hyp_alloc, android15-6.6 on): pages the
 * host gives it. A module whose EL2 call failed because hyp_alloc ran out
 * (hyp_alloc_errno() -ENOMEM) donates hyp_alloc_missing_donations()
 * pages with __pkvm_topup_hyp_alloc() and calls again, as on ACK; ACK's
 * allocator-management top-ups (__pkvm_topup_hyp_alloc_mgt*) name the
 * allocator by id, and here only the heap exists.
 */
#include "pkvmkit.h"
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/module.h>
#include "../sdk/arch/arm64/include/asm/pkvmkit_kvm_pkvm.h"
#include "../sdk/arch/arm64/include/asm/pkvmkit_kvm_host.h"

/* One call donates at most this much (the heap's window is 64 MiB). */
#define MAX_TOPUP_PAGES		1024

/*
 * Each page goes to the hypervisor for good: it is never freed here (its
 * reference keeps it out of the page allocator). Stops at the first page
 * refused, which is freed: the pages before it stay donated.
 */
static int heap_topup(unsigned long nr_pages, gfp_t gfp)
{
	struct arm_smccc_res res;
	struct page *page;
	unsigned long i;

	if (!pk.installed)
		return -EOPNOTSUPP;
	if (!nr_pages || nr_pages > MAX_TOPUP_PAGES)
		return -EINVAL;
	for (i = 0; i < nr_pages; i++) {
		page = alloc_page(gfp);
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

int __pkvm_topup_hyp_alloc(unsigned long nr_pages)
{
	return heap_topup(nr_pages, GFP_KERNEL);
}
EXPORT_SYMBOL(__pkvm_topup_hyp_alloc);

/*
 * @nr_pages chunks of 2^order pages each make nr_pages << order pages,
 * which the heap takes one by one (its blocks are smaller than a page).
 */
int __pkvm_topup_hyp_alloc_mgt_gfp(unsigned long id, unsigned long nr_pages,
				   unsigned long sz_alloc, gfp_t gfp)
{
	unsigned int order;

	if (id == HYP_ALLOC_MGT_IOMMU_ID) {
		pr_warn_once("hyp_alloc: no IOMMU page pool to top up (no DMA protection)\n");
		return -EOPNOTSUPP;
	}
	if (id != HYP_ALLOC_MGT_HEAP_ID || !sz_alloc)
		return -EINVAL;
	order = get_order(sz_alloc);
	if (nr_pages > MAX_TOPUP_PAGES >> order)
		return -EINVAL;
	return heap_topup(nr_pages << order, gfp);
}
EXPORT_SYMBOL(__pkvm_topup_hyp_alloc_mgt_gfp);

int __pkvm_topup_hyp_alloc_mgt(unsigned long id, unsigned long nr_pages,
			       unsigned long sz_alloc)
{
	return __pkvm_topup_hyp_alloc_mgt_gfp(id, nr_pages, sz_alloc, GFP_KERNEL);
}
EXPORT_SYMBOL(__pkvm_topup_hyp_alloc_mgt);
