/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Portable arm64 page-table library: 4 KiB granule, up to four levels, used
 * for the hypervisor's own EL2 stage-1 (built first by the host driver at
 * EL1, then maintained at EL2) and for the host stage-2.
 *
 * The same source is compiled for EL2, for the host driver and for native
 * unit tests; everything environment-specific (page allocation, address
 * translation, TLB maintenance) goes through struct pgt_mm_ops.
 */
#ifndef PKVMKIT_PGTABLE_H
#define PKVMKIT_PGTABLE_H

#include <pkvmkit/types.h>

typedef u64 pgt_pte_t;

/* Access permissions and memory type of a mapping. */
#define PGT_PROT_R		BIT(0)
#define PGT_PROT_W		BIT(1)
#define PGT_PROT_X		BIT(2)
#define PGT_PROT_DEVICE		BIT(3)	/* Device-nGnRE; otherwise Normal WB */
#define PGT_PROT_RW		(PGT_PROT_R | PGT_PROT_W)
#define PGT_PROT_RX		(PGT_PROT_R | PGT_PROT_X)
#define PGT_PROT_RWX		(PGT_PROT_R | PGT_PROT_W | PGT_PROT_X)

/*
 * MAIR_EL2 layout assumed by stage-1 descriptors (AttrIndx):
 * index 0: Device-nGnRE (0x04), index 1: Normal WBWA (0xff).
 */
#define PGT_MAIR_IDX_DEVICE	0
#define PGT_MAIR_IDX_NORMAL	1
#define PGT_MAIR_EL2_VALUE	((0x04UL << (8 * PGT_MAIR_IDX_DEVICE)) | \
				 (0xffUL << (8 * PGT_MAIR_IDX_NORMAL)))

enum pgt_stage {
	PGT_STAGE1_EL2,		/* EL2 (nVHE) stage-1: AP[2] = RO, XN = bit 54 */
	PGT_STAGE2,		/* stage-2: S2AP read/write, MemAttr, XN */
};

struct pgt_mm_ops {
	/* Return a zeroed, page-aligned page, or NULL. */
	void *(*zalloc_page)(void *arg);
	void (*free_page)(void *arg, void *va);
	u64 (*virt_to_phys)(void *va);
	void *(*phys_to_virt)(u64 pa);
	/*
	 * Called after a valid entry mapping @addr at @level was cleared and
	 * before anything new is written there (break-before-make): must make
	 * the clear visible and invalidate the TLBs for @addr. May be NULL
	 * where no walker can see the tables (unit tests, tables not live).
	 */
	void (*tlb_inval)(void *arg, enum pgt_stage stage, u64 addr, u32 level);
	void *arg;
};

/*
 * Policies (struct pgt.flags), set by the owner after pgt_init():
 * PGT_F_PAGES_ONLY: pgt_map() installs page entries only, never blocks.
 *   For a table that is live on other CPUs at the same privilege level
 *   (the EL2 stage-1): a later unmap of part of a block would have to
 *   split it, and break-before-make there would fault a CPU that uses the
 *   rest of the block. With pages only, unmapping never splits and never
 *   allocates.
 * PGT_F_COALESCE: after pgt_map(), a table whose 512 entries have become
 *   one contiguous run of identical leaves is replaced by the block it
 *   describes, and freed. A map undoing an unmap (or a permission change)
 *   then leaves the tables as they were before, so a host cannot leak
 *   table pages by splitting blocks over and over.
 */
#define PGT_F_PAGES_ONLY	BIT(0)
#define PGT_F_COALESCE		BIT(1)

struct pgt {
	pgt_pte_t *root;		/* root table, virtual address */
	u64 root_pa;		/* root table, physical address */
	u32 ia_bits;		/* input address size: 32..48 */
	u32 start_level;	/* 0, 1 or 2, derived from ia_bits */
	enum pgt_stage stage;
	u32 flags;		/* PGT_F_*, 0 after pgt_init() */
	u64 nr_tables;		/* table pages in use, root included */
	const struct pgt_mm_ops *mm;
};

/* Allocate an empty root table. -EINVAL on bad ia_bits, -ENOMEM. */
int pgt_init(struct pgt *pgt, enum pgt_stage stage, u32 ia_bits,
	     const struct pgt_mm_ops *mm);

/* Free every table page including the root. Mappings are simply dropped. */
void pgt_destroy(struct pgt *pgt);

/*
 * Map [addr, addr + size) to [pa, pa + size) with @prot, replacing whatever
 * was there. Uses 1 GiB / 2 MiB blocks where addr, pa and the range allow
 * (never level-0 blocks); splits existing blocks that straddle the range.
 * addr, pa and size must be page aligned, size > 0, and the range must lie
 * below 1 << ia_bits: otherwise -EINVAL and nothing changes. -ENOMEM when
 * a table page cannot be allocated (mappings done so far stay in place; use
 * pgt_max_tables() to reserve memory first when that matters).
 */
int pgt_map(struct pgt *pgt, u64 addr, u64 pa, u64 size, u32 prot);

/* Unmap [addr, addr + size), splitting blocks as needed. Same errors. */
int pgt_unmap(struct pgt *pgt, u64 addr, u64 size);

/*
 * Annotate [addr, addr + size): each page entry becomes @annotation, an
 * invalid entry (bit 0 clear) that is not zero, replacing what was mapped
 * there (blocks split as for an unmap, so it can allocate tables: reserve
 * with pgt_max_tables()). The hardware sees nothing mapped; lookups give
 * -ENOENT; a table holding an annotation is kept. A map or an unmap of the
 * page replaces it. -EINVAL for a bad range or a valid-looking or zero
 * @annotation, -ENOMEM as pgt_map().
 */
int pgt_annotate(struct pgt *pgt, u64 addr, u64 size, u64 annotation);

/* The annotation of the page entry for @addr: 0, -ENOENT (none), -EINVAL. */
int pgt_get_annotation(const struct pgt *pgt, u64 addr, u64 *annotation);

/*
 * Look up the leaf covering @addr. Returns 0 and fills whatever out
 * pointers are non-NULL (pa of @addr itself, prot, level of the leaf), or
 * -ENOENT when unmapped, -EINVAL when addr is outside the input range.
 */
int pgt_lookup(const struct pgt *pgt, u64 addr, u64 *pa, u32 *prot, u32 *level);

/*
 * The raw descriptor of the leaf covering @addr and its level: *pte = 0
 * and *level = the level where the walk found an invalid entry when
 * nothing is mapped. 0, or -EINVAL outside the input range. As ACK's
 * kvm_pgtable_get_leaf() (host_stage2_get_leaf for modules); either out
 * pointer may be NULL.
 */
int pgt_get_leaf(const struct pgt *pgt, u64 addr, pgt_pte_t *pte, u32 *level);

/*
 * Upper bound of table pages that one pgt_map() or pgt_unmap() over
 * [addr, addr + size) can allocate, whatever the current contents.
 */
u64 pgt_max_tables(const struct pgt *pgt, u64 addr, u64 size);

/*
 * Exactly how many table pages pgt_unmap() over [addr, addr + size) would
 * allocate now: one per block it has to split at the edges of the range
 * (0 for a range made of page entries, or of whole blocks). 0 for an
 * invalid range.
 */
u64 pgt_unmap_split_tables(const struct pgt *pgt, u64 addr, u64 size);

/* Number of table pages currently in use, including the root. */
u64 pgt_nr_tables(const struct pgt *pgt);

/* Visit every leaf (block or page) in [addr, addr + size), in order. */
typedef int (*pgt_leaf_fn)(u64 addr, u64 pa, u64 size, u32 prot, u32 level,
			   void *arg);
int pgt_walk_leaves(const struct pgt *pgt, u64 addr, u64 size,
		    pgt_leaf_fn fn, void *arg);

/* Start level for an input-address size (4 KiB granule, no concatenation). */
static inline u32 pgt_start_level(u32 ia_bits)
{
	return ia_bits > 39 ? 0 : ia_bits > 30 ? 1 : 2;
}

#endif /* PKVMKIT_PGTABLE_H */
