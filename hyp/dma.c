// SPDX-License-Identifier: GPL-2.0-only
/*
 * DMA isolation (docs/dma-isolation.md): devices reach what the host
 * reaches, never more. At install the SMMU is found and checked (read
 * only: the host is still trusted); at deprivilege, after the host
 * stage-2, the DMA mirror is built from the same ownership state and the
 * SMMU is pointed at it and enabled; from then on every transition keeps
 * the mirror in step (lib/ownership.c) and hyp_smmu_tlb_sync() runs
 * before the transition returns. Whether DMA is protected, and if not
 * why, is one state the host reads (HC_DMA_STATE); protected VMs start
 * only when it is DMA_PROTECTED, unless the administrator allowed
 * otherwise at install (HYP_F_ALLOW_UNPROTECTED_DMA).
 *
 * The mirror's tables come from the pages the driver gave for them
 * (hyp_params.dma_chunks after the SMMU's own pages): a pool per chunk.
 */
#include <pkvmkit/dma.h>
#include <pkvmkit/page_pool.h>
#include <hyp/bug.h>
#include <hyp/dma.h>
#include <hyp/log.h>
#include <hyp/mem_protect.h>
#include <hyp/smmu.h>

static struct pgt dma_s2;
static struct page_pool dma_pools[HYP_MAX_DMA_CHUNKS];
static u32 nr_dma_pools;
static u64 smmu_mem_pa;
static u32 smmu_oas_bits;
static int dma_state = DMA_NO_IOMMU;	/* until hyp_dma_init() */
static bool allow_unprotected;

#define DMA_STATE_TEXT(name, value, text)	\
	[name] = text,
static const char *const dma_state_texts[DMA_NR_STATES] = {
	PKVMKIT_DMA_STATES(DMA_STATE_TEXT)
};

const char *hyp_dma_state_text(int state)
{
	return (unsigned int)state < DMA_NR_STATES ? dma_state_texts[state] :
						     "unknown";
}

static void *dma_zalloc_page(void *arg)
{
	u32 i;

	(void)arg;
	for (i = 0; i < nr_dma_pools; i++)
		if (pool_nr_free(&dma_pools[i]))
			return pool_alloc_page(&dma_pools[i]);
	return NULL;
}

static void dma_free_page(void *arg, void *va)
{
	u32 i;

	(void)arg;
	for (i = 0; i < nr_dma_pools; i++)
		if (!pool_free_page(&dma_pools[i], va))
			return;
	HYP_BUG_ON(1, "DMA mirror table %lx from no pool", (unsigned long)va);
}

static u64 dma_virt_to_phys(void *va)
{
	return (u64)va;
}

static void *dma_phys_to_virt(u64 pa)
{
	return (void *)pa;
}

/* Entries are invalidated by hyp_smmu_tlb_sync() after each change. */
static const struct pgt_mm_ops dma_mm_ops = {
	.zalloc_page	= dma_zalloc_page,
	.free_page	= dma_free_page,
	.virt_to_phys	= dma_virt_to_phys,
	.phys_to_virt	= dma_phys_to_virt,
	.tlb_inval	= NULL,
	.arg		= NULL,
};

static void dma_sync(void *arg)
{
	(void)arg;
	hyp_smmu_tlb_sync();
}

/* The pools over the chunks, the SMMU's pages first. */
static int dma_pools_init(const struct hyp_params *p)
{
	u64 i, skip = HYP_SMMU_MEM_PAGES;

	if (!p->nr_dma_chunks || p->nr_dma_chunks > HYP_MAX_DMA_CHUNKS ||
	    p->dma_chunks[0].size < (skip + 1) * PKVMKIT_PAGE_SIZE ||
	    p->dma_chunks[0].pa % (HYP_SMMU_STRTAB_PAGES * PKVMKIT_PAGE_SIZE))
		return -EINVAL;
	smmu_mem_pa = p->dma_chunks[0].pa;
	for (i = 0; i < p->nr_dma_chunks; i++) {
		const struct hyp_region *c = &p->dma_chunks[i];
		u64 nr = c->size >> PKVMKIT_PAGE_SHIFT;

		if (i)
			skip = 0;
		pool_init(&dma_pools[i], (void *)(c->pa + skip * PKVMKIT_PAGE_SIZE),
			  nr - skip);
	}
	nr_dma_pools = p->nr_dma_chunks;
	return 0;
}

/*
 * The SMMU's registers are among the device ranges the host loses at
 * deprivilege (hyp_mem_protect_init() made them so): otherwise the host
 * could reprogram the SMMU, and the hypervisor would not own it.
 */
static bool smmu_regs_handed_over(const struct hyp_params *p)
{
	u64 i;

	for (i = 0; i < p->nr_hyp_dev && i < HYP_MAX_HYP_DEV; i++)
		if (p->hyp_dev[i].pa <= p->smmu_pa &&
		    p->smmu_pa + p->smmu_size <=
		    p->hyp_dev[i].pa + p->hyp_dev[i].size)
			return true;
	return false;
}

/*
 * At install, on the first CPU (the host still trusted): the chunks are
 * the hypervisor's already (hyp_mem_protect_init()); check the SMMU.
 * Only a malformed parameter block fails the install; an SMMU the
 * hypervisor cannot use leaves DMA unprotected, and says why.
 */
int hyp_dma_init(const struct hyp_params *p)
{
	int ret;

	allow_unprotected = p->flags & HYP_F_ALLOW_UNPROTECTED_DMA;
	if (!p->smmu_size) {
		dma_state = DMA_NO_IOMMU;
		return p->nr_dma_chunks ? -EINVAL : 0;
	}
	/* the driver gives memory only for an SMMU it saw usable */
	dma_state = hyp_smmu_probe(p->smmu_pa, p->smmu_size, &smmu_oas_bits);
	if (!dma_state && !p->nr_dma_chunks)
		dma_state = DMA_NO_MEMORY;
	if (!dma_state && !smmu_regs_handed_over(p))
		dma_state = DMA_REGS_KEPT;
	if (dma_state) {
		hyp_log("pkvmkit: SMMU at %lx not taken: %s; DMA not protected\n",
			(unsigned long)p->smmu_pa, hyp_dma_state_text(dma_state));
		return 0;
	}
	ret = dma_pools_init(p);
	if (!ret)
		dma_state = DMA_NOT_YET;
	return ret;
}

/*
 * At deprivilege, after the host stage-2 is built and before it is
 * published (setup_lock held): the mirror, then the SMMU on it. Neither
 * can make deprivilege fail: the host loses the CPU's access either way,
 * and DMA_* says whether it lost the devices' too.
 */
void hyp_dma_deprivilege(u32 host_ia_bits)
{
	u32 ia_bits = host_ia_bits < smmu_oas_bits ? host_ia_bits :
						     smmu_oas_bits;
	int ret, state;

	if (hyp_dma_state() != DMA_NOT_YET)
		return;
	ret = hyp_build_dma_mirror(&dma_s2, ia_bits, &dma_mm_ops, dma_sync,
				   NULL);
	if (ret) {
		hyp_log("pkvmkit: building the DMA mirror failed: %d; DMA not protected\n",
			ret);
		state = DMA_NO_MEMORY;
	} else {
		state = hyp_smmu_enable(smmu_mem_pa, dma_s2.root_pa,
					dma_s2.ia_bits, dma_s2.start_level);
	}
	if (!state)
		hyp_log("pkvmkit: DMA protected: SMMUv3 stage 2 over a %u-bit mirror, %lu table pages\n",
			dma_s2.ia_bits, (unsigned long)pgt_nr_tables(&dma_s2));
	__atomic_store_n(&dma_state, state, __ATOMIC_RELEASE);
}

int hyp_dma_state(void)
{
	return __atomic_load_n(&dma_state, __ATOMIC_ACQUIRE);
}

/* The rule for protected VMs, as for an insecure module load. */
bool hyp_dma_allows_pvm(void)
{
	return hyp_dma_state() == DMA_PROTECTED || allow_unprotected;
}
