/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * pkvmkit: what Android's asm/kvm_host.h declares for vendor modules (the
 * allocator-management top-ups of android15-6.6 and later), implemented
 * by pkvmkit.ko. scripts/install-sdk.sh makes the stock kernel's
 * asm/kvm_host.h include this, so a module finds it where it finds it on
 * ACK.
 */
#ifndef __ARM64_PKVMKIT_KVM_HOST_H__
#define __ARM64_PKVMKIT_KVM_HOST_H__

#if !defined(__ASSEMBLY__) && !defined(__KVM_NVHE_HYPERVISOR__)
#include <linux/types.h>

/* The EL2 allocators a top-up goes to, by id. */
#define HYP_ALLOC_MGT_HEAP_ID		0	/* hyp_alloc's heap */
#define HYP_ALLOC_MGT_IOMMU_ID		1	/* the IOMMU page pool */

/*
 * Give allocator @id @nr_pages chunks of @sz_alloc bytes (each rounded up
 * to a power-of-two number of pages), allocated with @gfp: 0 or -errno.
 * The heap takes them as single pages (at most 1024 in all, else
 * -EINVAL); the IOMMU pool does not exist here (no DMA protection):
 * -EOPNOTSUPP; any other id, or @sz_alloc 0: -EINVAL.
 */
int __pkvm_topup_hyp_alloc_mgt_gfp(unsigned long id, unsigned long nr_pages,
				   unsigned long sz_alloc, gfp_t gfp);
/* The same with GFP_KERNEL (android15-6.6's name for it). */
int __pkvm_topup_hyp_alloc_mgt(unsigned long id, unsigned long nr_pages,
			       unsigned long sz_alloc);
#endif

#endif /* __ARM64_PKVMKIT_KVM_HOST_H__ */
