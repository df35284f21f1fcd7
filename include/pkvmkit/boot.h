/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the host driver hands the hypervisor at install time. Only fixed-size
 * u64 fields: the layout must be the same in the kernel and at EL2.
 */
#ifndef PKVMKIT_BOOT_H
#define PKVMKIT_BOOT_H

#include <pkvmkit/types.h>

#define HYP_MAX_CPUS		64
#define HYP_MAX_REGIONS		16
#define HYP_MAX_DMA_CHUNKS	32	/* DMA mirror tables: up to 32 chunks */
#define HYP_MAX_HYP_DEV		4	/* device ranges the host loses */

/* Fixed EL2 virtual layout (48-bit, TTBR0_EL2 only). */
#define HYP_VA_BITS		48
#define HYP_LINEAR_END		(1UL << 47)	/* [0, 2^47): VA == PA */
#define HYP_IMAGE_VA		(1UL << 47)	/* the image is linked here */
#define HYP_STACKS_VA		(HYP_IMAGE_VA + (1UL << 32))
#define HYP_STACK_PAGES		4
#define HYP_STACK_SLOT		((HYP_STACK_PAGES + 1) * PKVMKIT_PAGE_SIZE)
#define HYP_FIXMAP_VA		(HYP_IMAGE_VA + (3UL << 31))	/* a page a slot */
/*
 * Two more pages a CPU in the fixmap's table, after the entry that pins it
 * (mm.c): where the hypervisor scrubs a guest's page, and where it reads a
 * host instruction (hyp_cpu_slot_map_locked()).
 */
#define HYP_SCRUB_VA		(HYP_FIXMAP_VA + (HYP_MAX_CPUS + 1) * PKVMKIT_PAGE_SIZE)
#define HYP_PEEK_VA		(HYP_SCRUB_VA + HYP_MAX_CPUS * PKVMKIT_PAGE_SIZE)
#define HYP_FIXBLOCK_VA		(HYP_IMAGE_VA + (7UL << 30))	/* 2 MiB a slot */
#define HYP_FIXBLOCK_SIZE	(1UL << 21)
#define HYP_PRIVATE_VA		(HYP_IMAGE_VA + (2UL << 32))
#define HYP_PRIVATE_END		(1UL << 48)

#define HYP_PARAMS_MAGIC	0x706b766d706172UL

/*
 * Per-CPU slot, read by the init code with the EL2 MMU off: the driver
 * cleans it to the point of coherency. 64 bytes.
 */
struct hyp_cpu_boot {
	u64 ttbr0;		/* PA of the EL2 stage-1 root */
	u64 tcr;
	u64 mair;
	u64 sctlr;
	u64 vbar;		/* hyp VA of the main vectors */
	u64 sp;			/* hyp VA of this slot's stack top */
	u64 slot;		/* index of this slot */
	u64 params;		/* hyp VA (== PA) of struct hyp_params */
};

struct hyp_region {
	u64 pa;
	u64 size;
};

/* PSCI 0.1 function ids (the device tree's /psci node), 0 if absent. */
enum {
	HYP_PSCI_0_1_CPU_SUSPEND,
	HYP_PSCI_0_1_CPU_OFF,
	HYP_PSCI_0_1_CPU_ON,
	HYP_PSCI_0_1_MIGRATE,
	HYP_PSCI_0_1_NR
};

struct hyp_params {
	u64 magic;
	u64 nr_slots;			/* CPU slots (possible CPUs) */
	u64 cpu_boot_pa;		/* struct hyp_cpu_boot[nr_slots] */
	u64 image_pa;
	u64 s1_root_pa;			/* EL2 stage-1 built by the driver */
	u64 s1_nr_tables;
	u64 pool_pa;			/* free pages for the hypervisor */
	u64 pool_nr_pages;
	u64 vmemmap_pa;			/* ownership metadata (own_meta_size()), zeroed */
	u64 vmemmap_size;
	u64 log_pa;			/* log ring, shared read-only with the host */
	u64 log_size;
	u64 trace_pa;			/* hyp-trace rings, shared read-only too: */
	u64 trace_size;			/* HYP_TRACE_CPU_PAGES pages a CPU slot */
	u64 nr_ram;
	struct hyp_region ram[HYP_MAX_REGIONS];
	u64 nr_boot;			/* hypervisor-owned from the start */
	struct hyp_region boot[HYP_MAX_REGIONS];
	u64 host_panic_entry;		/* kernel VA, entered at EL1 on hyp panic */
	u64 kern_page_offset;		/* PAGE_OFFSET: kern_hyp_va() of ... */
	u64 kern_phys_offset;		/* ... a linear address: & ~PAGE_OFFSET + this */
	u64 psci_0_1_ids[HYP_PSCI_0_1_NR];	/* the relay takes these too */
	u64 flags;			/* HYP_F_* */
	/*
	 * DMA isolation (docs/dma-isolation.md): the SMMUv3 the hypervisor
	 * takes at deprivilege (smmu_size 0: none), the pages for its stream
	 * table and queues and for the DMA mirror's tables (hypervisor-owned
	 * from the start), and device ranges the host loses at deprivilege
	 * (the SMMU's registers, QEMU's fw_cfg).
	 */
	u64 smmu_pa;
	u64 smmu_size;
	u64 nr_dma_chunks;
	struct hyp_region dma_chunks[HYP_MAX_DMA_CHUNKS];
	u64 nr_hyp_dev;
	struct hyp_region hyp_dev[HYP_MAX_HYP_DEV];
};

/* hyp_params.flags */
#define HYP_F_ALLOW_UNPROTECTED_DMA	(1UL << 0)	/* pVMs without DMA isolation */

/*
 * The first pages of dma_chunks[0]: the SMMU's linear stream table (256
 * entries of 64 bytes, aligned to its size), its command queue and its
 * event queue (a page each); the mirror's tables come after them.
 */
#define HYP_SMMU_STRTAB_PAGES	4
#define HYP_SMMU_MEM_PAGES	(HYP_SMMU_STRTAB_PAGES + 2)

/* Log ring header, at log_pa; text follows. */
struct hyp_log_header {
	u64 magic;
	u64 size;			/* bytes of text space */
	u64 head;			/* total bytes ever written */
};
#define HYP_LOG_MAGIC		0x706b766d6c6f67UL

#endif /* PKVMKIT_BOOT_H */
