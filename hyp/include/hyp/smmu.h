/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The SMMUv3 the hypervisor owns (smmu.c): found and checked at install
 * (read only), set up and enabled at deprivilege with every known stream
 * translating through one stage-2 table, the DMA mirror; its TLB kept in
 * step with the mirror; its event queue read at EL2. Under dma_lock.
 */
#ifndef HYP_SMMU_H
#define HYP_SMMU_H

#include <pkvmkit/types.h>

/* Why the hypervisor does not protect DMA (also the HC_DMA_STATE codes). */
#include <pkvmkit/dma.h>

/* One fault the SMMU reported, as kept for the host. */
struct smmu_fault {
	u32 id;			/* the event's type, DMA_EVT_* */
	u32 sid;		/* the stream (PCI requester id) */
	u64 addr;		/* the input address */
	u64 flags;		/* DMA_FAULT_* */
};

/*
 * Map the registers at [pa, pa + size) and check that this SMMU can do
 * what the hypervisor needs and that nobody enabled it: 0, or a DMA_*
 * reason (and the SMMU untouched). *oas_bits: its output address size.
 */
int hyp_smmu_probe(u64 pa, u64 size, u32 *oas_bits);

/*
 * Point every known stream at the stage-2 table at @root_pa (@ia_bits of
 * input, starting at @start_level), with the stream table and queues in
 * the HYP_SMMU_MEM_PAGES pages at @mem_pa, and enable the SMMU: 0, or a
 * DMA_* reason (the SMMU left aborting or disabled).
 */
int hyp_smmu_enable(u64 mem_pa, u64 root_pa, u32 ia_bits, u32 start_level);

/*
 * The stage-2 table changed: invalidate the SMMU's TLB for it and wait
 * until the SMMU has finished with what it cached (CMD_SYNC). Returns
 * when no device can reach through an old entry any more.
 */
void hyp_smmu_tlb_sync(void);

/*
 * Read the event queue: count the faults and keep the last
 * DMA_FAULTS_KEPT. @n (0 = newest) of them in *@f: 0, or -ENOENT.
 */
void hyp_smmu_drain_events(void);
int hyp_smmu_fault(u64 n, struct smmu_fault *f);
void hyp_smmu_counts(u64 *faults, u64 *lost);

#endif /* HYP_SMMU_H */
