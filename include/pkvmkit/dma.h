/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * DMA isolation, as the hypervisor reports it to the host (HC_DMA_STATE,
 * HC_DMA_FAULT; docs/dma-isolation.md): whether devices are confined to
 * what the host may reach, and if not why; the faults the SMMU recorded.
 * One list of states, so that the hypervisor, the driver's status file
 * and the tests say the same thing.
 */
#ifndef PKVMKIT_DMA_H
#define PKVMKIT_DMA_H

/*
 * X(name, value, text): DMA_PROTECTED, or why not. Values are the ABI
 * of HC_DMA_STATE's x1.
 */
#define PKVMKIT_DMA_STATES(X)						\
	X(DMA_PROTECTED,	0, "protected by the hypervisor's SMMUv3") \
	X(DMA_NOT_YET,		1, "not yet: the host is not deprivileged") \
	X(DMA_NO_IOMMU,		2, "no IOMMU on this platform")		\
	X(DMA_HOST_ENABLED,	3, "the host enabled the SMMU itself (its arm-smmu-v3 driver)") \
	X(DMA_NO_STAGE2,	4, "the SMMU has no stage 2")		\
	X(DMA_UNSUPPORTED,	5, "the SMMU lacks a feature the hypervisor needs") \
	X(DMA_NO_MEMORY,	6, "no memory for the SMMU's tables")	\
	X(DMA_SMMU_FAILED,	7, "the SMMU did not respond as expected") \
	X(DMA_REGS_KEPT,	8, "the SMMU's registers were not handed over")

#define PKVMKIT_DMA_ENUM(name, value, text)	name = value,
enum pkvmkit_dma_state {
	PKVMKIT_DMA_STATES(PKVMKIT_DMA_ENUM)
	DMA_NR_STATES
};

/* Faults the hypervisor keeps for the host to read, newest first. */
#define DMA_FAULTS_KEPT		8

/* SMMUv3 event types (the record's id) the tests look for. */
#define DMA_EVT_BAD_STREAMID	0x02
#define DMA_EVT_BAD_STE		0x04
#define DMA_EVT_TRANSLATION	0x10
#define DMA_EVT_ADDR_SIZE	0x11
#define DMA_EVT_ACCESS		0x12
#define DMA_EVT_PERMISSION	0x13

/* HC_DMA_FAULT x3: about the access */
#define DMA_FAULT_READ		(1UL << 0)	/* RnW: 1 = a read */
#define DMA_FAULT_STAGE2	(1UL << 1)	/* stage 2 faulted */

#endif /* PKVMKIT_DMA_H */
