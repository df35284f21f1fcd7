// SPDX-License-Identifier: GPL-2.0-only
/*
 * The IOMMU family of pkvm_module_ops: pkvmkit does not protect memory
 * from DMA yet (there is no hypervisor IOMMU driver to give pages to,
 * send requests to or snapshot the host stage-2 for), so these fail
 * plainly: -EOPNOTSUPP, or NULL where a pointer is returned, and the
 * void ones do nothing (they can only be given what the others never
 * handed out). android15-6.6's lazy-PTE members, which only exist for the
 * IOMMU's sharing of the host stage-2, and android16-6.12's
 * pkvm_unuse_dma are of this family too. docs/vendor-modules.md lists
 * them.
 */
#include <hyp/module_ops.h>

void *hyp_op_iommu_donate_pages_66(u8 order, bool request)
{
	(void)order;
	(void)request;
	return NULL;
}

void *hyp_op_iommu_donate_pages_612(u8 order, int flags)
{
	(void)order;
	(void)flags;
	return NULL;
}

void *hyp_op_iommu_donate_pages_atomic(u8 order)
{
	(void)order;
	return NULL;
}

void hyp_op_iommu_reclaim_pages(void *p, u8 order)
{
	(void)p;
	(void)order;
}

void hyp_op_iommu_reclaim_pages_atomic(void *p, u8 order)
{
	(void)p;
	(void)order;
}

int hyp_op_iommu_request(struct kvm_hyp_req *req)
{
	(void)req;
	return -EOPNOTSUPP;
}

int hyp_op_iommu_init_device(struct kvm_hyp_iommu *iommu)
{
	(void)iommu;
	return -EOPNOTSUPP;
}

void hyp_op_iommu_iotlb_gather_add_page(struct kvm_hyp_iommu_domain *domain,
					struct iommu_iotlb_gather *gather,
					unsigned long iova, size_t size)
{
	(void)domain;
	(void)gather;
	(void)iova;
	(void)size;
}

int hyp_op_iommu_snapshot_host_stage2(struct kvm_hyp_iommu_domain *domain)
{
	(void)domain;
	return -EOPNOTSUPP;
}

void hyp_op_iommu_flush_unmap_cache(struct kvm_iommu_paddr_cache *cache)
{
	(void)cache;
}

int hyp_op_lazy_pte_iommu(u64 addr, u64 nr_pages)
{
	(void)addr;
	(void)nr_pages;
	return -EOPNOTSUPP;
}

int hyp_op_pkvm_unuse_dma(u64 phys_addr, size_t size)
{
	(void)phys_addr;
	(void)size;
	return -EOPNOTSUPP;
}
