// SPDX-License-Identifier: GPL-2.0-only
/*
 * Portable arm64 page-table library (4 KiB granule, levels 0..3).
 *
 * Built three times: for EL2 (freestanding), inside the host driver (Kbuild,
 * through a wrapper that #includes this file) and for the native unit tests.
 * Everything environment-specific goes through struct pgt_mm_ops.
 *
 * One recursive walker (depth bounded by the four levels) serves map,
 * unmap and annotate. Every change of a valid entry is break-before-make:
 * clear, call mm->tlb_inval(), then write the new entry. Tables left
 * without any entry (valid, or an annotation) are freed, so nr_tables only
 * ever counts tables that hold something (plus the root).
 *
 * An annotation is an invalid page entry that is not zero: the walker
 * ignores it, this library keeps it (a table holding one is not empty),
 * and its owner reads it back with pgt_get_annotation().
 */
#include <pkvmkit/pgtable.h>

#define PGT_LEVELS		4
#define PGT_LAST_LEVEL		3
#define PGT_ENTRIES		512
#define PGT_BITS_PER_LEVEL	9
#define PGT_PA_BITS		48

#define PGT_PTE_VALID		BIT(0)
#define PGT_PTE_TYPE		BIT(1)	/* table (levels 0-2) or page (3) */
#define PGT_PTE_TYPE_MASK	(PGT_PTE_VALID | PGT_PTE_TYPE)
#define PGT_PTE_OA_MASK		GENMASK_ULL(47, 12)

/* Attribute fields shared by both stages. */
#define PGT_PTE_ATTR_SHIFT	2
#define PGT_PTE_ATTR_MASK	GENMASK_ULL(5, 2)	/* AttrIndx / MemAttr */
#define PGT_PTE_AP_RO		BIT(7)	/* stage 1: AP[2] */
#define PGT_PTE_AP_RES1		BIT(6)	/* stage 1 at EL2: AP[1] */
#define PGT_PTE_S2AP_R		BIT(6)
#define PGT_PTE_S2AP_W		BIT(7)
#define PGT_PTE_SH_INNER	(3ULL << 8)
#define PGT_PTE_AF		BIT(10)
#define PGT_PTE_XN		BIT(54)

#define PGT_S2_MEMATTR_NORMAL	0xfULL	/* Normal, outer and inner WB */
#define PGT_S2_MEMATTR_DEVICE	0x1ULL	/* Device-nGnRE */

#define PGT_PROT_ALL		(PGT_PROT_RWX | PGT_PROT_DEVICE)

/* Volatile accessors so that a hardware walker never sees a torn entry. */
#define PGT_PTE_WRITE(ptep, val)	(*(volatile pgt_pte_t *)(ptep) = (val))
#define PGT_PTE_READ(ptep)		(*(const volatile pgt_pte_t *)(ptep))

/* Make table contents visible before the entry pointing at it. */
static inline void pgt_publish_barrier(void)
{
#ifdef __aarch64__
	asm volatile("dsb ishst" ::: "memory");
#else
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
#endif
}

static inline u32 pgt_level_shift(u32 level)
{
	return PKVMKIT_PAGE_SHIFT +
	       PGT_BITS_PER_LEVEL * (PGT_LAST_LEVEL - level);
}

static inline u64 pgt_level_size(u32 level)
{
	return 1ULL << pgt_level_shift(level);
}

static inline u32 pgt_index(u64 addr, u32 level)
{
	return (addr >> pgt_level_shift(level)) & (PGT_ENTRIES - 1);
}

static inline bool pgt_pte_valid(pgt_pte_t pte)
{
	return pte & PGT_PTE_VALID;
}

static inline bool pgt_pte_is_table(pgt_pte_t pte, u32 level)
{
	return level < PGT_LAST_LEVEL &&
	       (pte & PGT_PTE_TYPE_MASK) == PGT_PTE_TYPE_MASK;
}

static inline u64 pgt_pte_pa(pgt_pte_t pte)
{
	return pte & PGT_PTE_OA_MASK;
}

static inline pgt_pte_t *pgt_pte_table(const struct pgt *pgt, pgt_pte_t pte)
{
	return pgt->mm->phys_to_virt(pgt_pte_pa(pte));
}

static inline u64 pgt_leaf_type(u32 level)
{
	return level == PGT_LAST_LEVEL ? PGT_PTE_TYPE_MASK : PGT_PTE_VALID;
}

static bool pgt_prot_valid(enum pgt_stage stage, u32 prot)
{
	if (prot & ~PGT_PROT_ALL)
		return false;
	if (stage == PGT_STAGE1_EL2) {
		/* Every valid EL2 mapping is readable; device is never X. */
		if (!(prot & PGT_PROT_R))
			return false;
		if ((prot & PGT_PROT_DEVICE) && (prot & PGT_PROT_X))
			return false;
		return true;
	}
	/* Stage 2: a mapping without any access is an unmap. */
	return prot & PGT_PROT_RWX;
}

/* Attribute bits (everything but the output address and type bits). */
static pgt_pte_t pgt_prot_to_attrs(enum pgt_stage stage, u32 prot)
{
	bool device = prot & PGT_PROT_DEVICE;
	pgt_pte_t attrs = PGT_PTE_AF;

	if (!(prot & PGT_PROT_X))
		attrs |= PGT_PTE_XN;
	if (!device)
		attrs |= PGT_PTE_SH_INNER;

	if (stage == PGT_STAGE1_EL2) {
		attrs |= (u64)(device ? PGT_MAIR_IDX_DEVICE :
			       PGT_MAIR_IDX_NORMAL) << PGT_PTE_ATTR_SHIFT;
		attrs |= PGT_PTE_AP_RES1;
		if (!(prot & PGT_PROT_W))
			attrs |= PGT_PTE_AP_RO;
	} else {
		attrs |= (device ? PGT_S2_MEMATTR_DEVICE :
			  PGT_S2_MEMATTR_NORMAL) << PGT_PTE_ATTR_SHIFT;
		if (prot & PGT_PROT_R)
			attrs |= PGT_PTE_S2AP_R;
		if (prot & PGT_PROT_W)
			attrs |= PGT_PTE_S2AP_W;
	}
	return attrs;
}

static u32 pgt_pte_to_prot(enum pgt_stage stage, pgt_pte_t pte)
{
	u64 attr = (pte & PGT_PTE_ATTR_MASK) >> PGT_PTE_ATTR_SHIFT;
	u32 prot = 0;

	if (!(pte & PGT_PTE_XN))
		prot |= PGT_PROT_X;

	if (stage == PGT_STAGE1_EL2) {
		prot |= PGT_PROT_R;
		if (!(pte & PGT_PTE_AP_RO))
			prot |= PGT_PROT_W;
		if (attr == PGT_MAIR_IDX_DEVICE)
			prot |= PGT_PROT_DEVICE;
	} else {
		if (pte & PGT_PTE_S2AP_R)
			prot |= PGT_PROT_R;
		if (pte & PGT_PTE_S2AP_W)
			prot |= PGT_PROT_W;
		if (attr == PGT_S2_MEMATTR_DEVICE)
			prot |= PGT_PROT_DEVICE;
	}
	return prot;
}

/* [addr, addr + size) page aligned, non-empty, inside the input range. */
static bool pgt_range_valid(const struct pgt *pgt, u64 addr, u64 size)
{
	u64 limit = 1ULL << pgt->ia_bits;

	if (!size || ((addr | size) & (PKVMKIT_PAGE_SIZE - 1)))
		return false;
	return addr < limit && size <= limit - addr;
}

static bool pgt_pa_valid(u64 pa, u64 size)
{
	u64 limit = 1ULL << PGT_PA_BITS;

	if (pa & (PKVMKIT_PAGE_SIZE - 1))
		return false;
	return pa < limit && size <= limit - pa;
}

static void pgt_tlb_inval(struct pgt *pgt, u64 addr, u32 level)
{
	const struct pgt_mm_ops *mm = pgt->mm;

	if (mm->tlb_inval)
		mm->tlb_inval(mm->arg, pgt->stage, addr, level);
}

static pgt_pte_t *pgt_alloc_table(struct pgt *pgt)
{
	pgt_pte_t *table = pgt->mm->zalloc_page(pgt->mm->arg);

	if (table)
		pgt->nr_tables++;
	return table;
}

/* Free @table and every table below it. No walker may reach it any more. */
static void pgt_free_tables(struct pgt *pgt, pgt_pte_t *table, u32 level)
{
	u32 i;

	if (level < PGT_LAST_LEVEL) {
		for (i = 0; i < PGT_ENTRIES; i++) {
			pgt_pte_t pte = table[i];

			if (pgt_pte_is_table(pte, level))
				pgt_free_tables(pgt, pgt_pte_table(pgt, pte),
						level + 1);
		}
	}
	pgt->mm->free_page(pgt->mm->arg, table);
	pgt->nr_tables--;
}

/*
 * Replace the entry at @ptep (mapping @addr at @level) with @new, which may
 * be 0. A valid old entry is cleared and invalidated first; a table it
 * pointed to is freed once unreachable.
 */
static void pgt_set_entry(struct pgt *pgt, pgt_pte_t *ptep, u64 addr,
			  u32 level, pgt_pte_t new)
{
	pgt_pte_t old = PGT_PTE_READ(ptep);

	if (old == new)
		return;
	if (pgt_pte_valid(old)) {
		PGT_PTE_WRITE(ptep, 0);
		pgt_tlb_inval(pgt, addr, level);
		if (pgt_pte_is_table(old, level))
			pgt_free_tables(pgt, pgt_pte_table(pgt, old),
					level + 1);
	}
	if (pgt_pte_is_table(new, level))
		pgt_publish_barrier();
	/* 0 too: an old annotation (invalid, not zero) goes as well */
	PGT_PTE_WRITE(ptep, new);
}

static pgt_pte_t pgt_table_pte(struct pgt *pgt, pgt_pte_t *table)
{
	return (pgt->mm->virt_to_phys(table) & PGT_PTE_OA_MASK) |
	       PGT_PTE_TYPE_MASK;
}

/* Nothing mapped and nothing annotated: the table can go. */
static bool pgt_table_empty(const pgt_pte_t *table)
{
	u32 i;

	for (i = 0; i < PGT_ENTRIES; i++)
		if (table[i])
			return false;
	return true;
}

struct pgt_op {
	struct pgt *pgt;
	u64 va;		/* start of the operation */
	u64 pa;		/* pa mapped at va */
	pgt_pte_t attrs;
	bool unmap;
	pgt_pte_t annotation;	/* non-zero: write this invalid entry per page */
};

static inline u64 pgt_op_pa(const struct pgt_op *op, u64 addr)
{
	return op->pa + (addr - op->va);
}

/*
 * Replace the block at @ptep (level 1 or 2, covering @entry) by a table
 * reproducing it at the next level. Returns the new table or NULL.
 */
static pgt_pte_t *pgt_split_block(struct pgt *pgt, pgt_pte_t *ptep,
				  u32 level, u64 entry)
{
	pgt_pte_t block = PGT_PTE_READ(ptep);
	u64 step = pgt_level_size(level + 1);
	u64 pa = pgt_pte_pa(block);
	pgt_pte_t attrs;
	pgt_pte_t *table;
	u32 i;

	table = pgt_alloc_table(pgt);
	if (!table)
		return NULL;

	attrs = (block & ~(PGT_PTE_OA_MASK | PGT_PTE_TYPE_MASK)) |
		pgt_leaf_type(level + 1);
	for (i = 0; i < PGT_ENTRIES; i++)
		PGT_PTE_WRITE(&table[i], attrs | (pa + (u64)i * step));

	pgt_set_entry(pgt, ptep, entry, level, pgt_table_pte(pgt, table));
	return table;
}

/* True if the block @pte already maps @addr the way @op wants it. */
static bool pgt_block_matches(const struct pgt_op *op, pgt_pte_t pte,
			      u32 level, u64 entry, u64 addr)
{
	u64 pa = pgt_op_pa(op, addr);
	u64 off = addr - entry;

	if (pa < off)
		return false;
	return pte == (op->attrs | pgt_leaf_type(level) | (pa - off));
}

/*
 * An entry fully inside the operation: unmap it, or install a leaf when
 * the level and the output address allow one. Returns false when the
 * caller must go down a level instead.
 */
static bool pgt_try_leaf(struct pgt_op *op, pgt_pte_t *ptep, u32 level,
			 u64 addr)
{
	u64 pa;

	if (op->unmap) {
		pgt_set_entry(op->pgt, ptep, addr, level, 0);
		return true;
	}
	if (op->annotation) {
		if (level < PGT_LAST_LEVEL)
			return false;	/* annotations are per page */
		pgt_set_entry(op->pgt, ptep, addr, level, op->annotation);
		return true;
	}
	pa = pgt_op_pa(op, addr);
	if (level == 0)
		return false;
	if (level < PGT_LAST_LEVEL &&
	    ((op->pgt->flags & PGT_F_PAGES_ONLY) ||
	     (pa & (pgt_level_size(level) - 1))))
		return false;
	pgt_set_entry(op->pgt, ptep, addr, level,
		      op->attrs | pgt_leaf_type(level) | pa);
	return true;
}

static int pgt_op_table(struct pgt_op *op, pgt_pte_t *table, u32 level,
			u64 addr, u64 end);

/*
 * PGT_F_COALESCE: if the 512 entries of @child (the table under the level
 * @level entry at @ptep, covering @entry) are leaves with the same
 * attributes mapping one aligned, contiguous range, replace the table by
 * that block. Level 0 cannot hold blocks with a 4 KiB granule, and a
 * PGT_F_PAGES_ONLY table none at all, whatever else it asks for.
 */
static void pgt_try_coalesce(struct pgt *pgt, pgt_pte_t *ptep, u32 level,
			     u64 entry, const pgt_pte_t *child)
{
	u64 step = pgt_level_size(level + 1);
	pgt_pte_t first = PGT_PTE_READ(&child[0]);
	pgt_pte_t attrs = first & ~(PGT_PTE_OA_MASK | PGT_PTE_TYPE_MASK);
	u64 pa = pgt_pte_pa(first);
	u32 i;

	if (level == 0 || (pgt->flags & PGT_F_PAGES_ONLY) ||
	    !pgt_pte_valid(first) ||
	    pgt_pte_is_table(first, level + 1) ||
	    (pa & (pgt_level_size(level) - 1)))
		return;
	for (i = 1; i < PGT_ENTRIES; i++)
		if (PGT_PTE_READ(&child[i]) != (first + (u64)i * step))
			return;
	pgt_set_entry(pgt, ptep, entry, level,
		      attrs | pgt_leaf_type(level) | pa);
}

/* Handle [addr, end), which lies inside the entry at @ptep. */
static int pgt_op_entry(struct pgt_op *op, pgt_pte_t *ptep, u32 level,
			u64 addr, u64 end)
{
	struct pgt *pgt = op->pgt;
	u64 entry = addr & ~(pgt_level_size(level) - 1);
	pgt_pte_t pte;
	pgt_pte_t *child;
	int ret;

	if (addr == entry && end - entry == pgt_level_size(level) &&
	    pgt_try_leaf(op, ptep, level, addr))
		return 0;

	pte = PGT_PTE_READ(ptep);
	if (!pgt_pte_valid(pte)) {
		if (op->unmap)
			return 0;
		/* only page entries hold annotations: none here */
		child = pgt_alloc_table(pgt);
		if (!child)
			return -ENOMEM;
		pgt_set_entry(pgt, ptep, entry, level,
			      pgt_table_pte(pgt, child));
	} else if (pgt_pte_is_table(pte, level)) {
		child = pgt_pte_table(pgt, pte);
	} else {
		if (!op->unmap &&
		    pgt_block_matches(op, pte, level, entry, addr))
			return 0;
		child = pgt_split_block(pgt, ptep, level, entry);
		if (!child)
			return -ENOMEM;
	}

	ret = pgt_op_table(op, child, level + 1, addr, end);
	if ((ret || op->unmap) && pgt_table_empty(child))
		pgt_set_entry(pgt, ptep, entry, level, 0);
	else if (!ret && !op->unmap && !op->annotation &&
		 (pgt->flags & PGT_F_COALESCE))
		pgt_try_coalesce(pgt, ptep, level, entry, child);
	return ret;
}

static int pgt_op_table(struct pgt_op *op, pgt_pte_t *table, u32 level,
			u64 addr, u64 end)
{
	u64 size = pgt_level_size(level);
	int ret;

	while (addr < end) {
		u64 next = (addr & ~(size - 1)) + size;

		if (next > end)
			next = end;
		ret = pgt_op_entry(op, &table[pgt_index(addr, level)], level,
				   addr, next);
		if (ret)
			return ret;
		addr = next;
	}
	return 0;
}

static int pgt_run_op(struct pgt_op *op, u64 size)
{
	struct pgt *pgt = op->pgt;
	int ret;

	ret = pgt_op_table(op, pgt->root, pgt->start_level, op->va,
			   op->va + size);
	/* New leaves become visible to the walker before we return. */
	pgt_publish_barrier();
	return ret;
}

int pgt_init(struct pgt *pgt, enum pgt_stage stage, u32 ia_bits,
	     const struct pgt_mm_ops *mm)
{
	if (ia_bits < 32 || ia_bits > 48)
		return -EINVAL;
	if (stage != PGT_STAGE1_EL2 && stage != PGT_STAGE2)
		return -EINVAL;
	if (!mm || !mm->zalloc_page || !mm->free_page || !mm->virt_to_phys ||
	    !mm->phys_to_virt)
		return -EINVAL;

	pgt->mm = mm;
	pgt->stage = stage;
	pgt->flags = 0;
	pgt->ia_bits = ia_bits;
	pgt->start_level = pgt_start_level(ia_bits);
	pgt->nr_tables = 0;
	pgt->root = pgt_alloc_table(pgt);
	if (!pgt->root)
		return -ENOMEM;
	pgt->root_pa = mm->virt_to_phys(pgt->root);
	return 0;
}

void pgt_destroy(struct pgt *pgt)
{
	if (!pgt->root)
		return;
	pgt_free_tables(pgt, pgt->root, pgt->start_level);
	pgt->root = NULL;
	pgt->root_pa = 0;
}

int pgt_map(struct pgt *pgt, u64 addr, u64 pa, u64 size, u32 prot)
{
	struct pgt_op op;

	if (!pgt_range_valid(pgt, addr, size) || !pgt_pa_valid(pa, size) ||
	    !pgt_prot_valid(pgt->stage, prot))
		return -EINVAL;

	op.pgt = pgt;
	op.va = addr;
	op.pa = pa;
	op.attrs = pgt_prot_to_attrs(pgt->stage, prot);
	op.unmap = false;
	op.annotation = 0;
	return pgt_run_op(&op, size);
}

int pgt_unmap(struct pgt *pgt, u64 addr, u64 size)
{
	struct pgt_op op;

	if (!pgt_range_valid(pgt, addr, size))
		return -EINVAL;

	op.pgt = pgt;
	op.va = addr;
	op.pa = 0;
	op.attrs = 0;
	op.unmap = true;
	op.annotation = 0;
	return pgt_run_op(&op, size);
}

int pgt_annotate(struct pgt *pgt, u64 addr, u64 size, u64 annotation)
{
	struct pgt_op op;

	if (!pgt_range_valid(pgt, addr, size) || !annotation ||
	    pgt_pte_valid(annotation))
		return -EINVAL;
	op.pgt = pgt;
	op.va = addr;
	op.pa = 0;
	op.attrs = 0;
	op.unmap = false;
	op.annotation = annotation;
	return pgt_run_op(&op, size);
}


/*
 * Walk to the entry that ends the walk for @addr (inside the input range):
 * a leaf, or an invalid entry. Its value (one read, as the MMU sees it)
 * and level.
 */
static pgt_pte_t pgt_find_leaf(const struct pgt *pgt, u64 addr, u32 *level)
{
	const pgt_pte_t *table = pgt->root;
	pgt_pte_t pte = 0;
	u32 lvl;

	for (lvl = pgt->start_level; lvl <= PGT_LAST_LEVEL; lvl++) {
		pte = PGT_PTE_READ(&table[pgt_index(addr, lvl)]);
		if (!pgt_pte_is_table(pte, lvl))
			break;
		table = pgt_pte_table(pgt, pte);
	}
	/* level 3 entries are never tables: the loop always breaks */
	*level = lvl;
	return pte;
}

int pgt_lookup(const struct pgt *pgt, u64 addr, u64 *pa, u32 *prot,
	       u32 *level)
{
	pgt_pte_t pte;
	u32 lvl;

	if (addr >= (1ULL << pgt->ia_bits))
		return -EINVAL;

	pte = pgt_find_leaf(pgt, addr, &lvl);
	if (!pgt_pte_valid(pte))
		return -ENOENT;
	if (pa)
		*pa = pgt_pte_pa(pte) + (addr & (pgt_level_size(lvl) - 1));
	if (prot)
		*prot = pgt_pte_to_prot(pgt->stage, pte);
	if (level)
		*level = lvl;
	return 0;
}

int pgt_get_leaf(const struct pgt *pgt, u64 addr, pgt_pte_t *pte, u32 *level)
{
	pgt_pte_t leaf;
	u32 lvl;

	if (addr >= (1ULL << pgt->ia_bits))
		return -EINVAL;

	leaf = pgt_find_leaf(pgt, addr, &lvl);
	/* unmapped reads as 0 for the caller, whatever an invalid entry holds */
	if (pte)
		*pte = pgt_pte_valid(leaf) ? leaf : 0;
	if (level)
		*level = lvl;
	return 0;
}

int pgt_get_annotation(const struct pgt *pgt, u64 addr, u64 *annotation)
{
	pgt_pte_t leaf;
	u32 lvl;

	if (addr >= (1ULL << pgt->ia_bits))
		return -EINVAL;
	leaf = pgt_find_leaf(pgt, addr, &lvl);
	if (lvl != PGT_LAST_LEVEL || !leaf || pgt_pte_valid(leaf))
		return -ENOENT;
	*annotation = leaf;
	return 0;
}

u64 pgt_max_tables(const struct pgt *pgt, u64 addr, u64 size)
{
	u64 last, total = 0;
	u32 level;

	if (!size)
		return 0;
	last = addr + size - 1;
	if (last < addr)
		last = ~0ULL;

	/*
	 * A level-L table is only ever allocated for one level L-1 entry the
	 * range touches, at most once per operation.
	 */
	for (level = pgt->start_level + 1; level < PGT_LEVELS; level++) {
		u32 shift = pgt_level_shift(level - 1);

		total += (last >> shift) - (addr >> shift) + 1;
	}
	return total;
}

/*
 * Splits an unmap of [addr, end) needs below the level @level entry @pte
 * covering [entry, entry + level size): none if the entry is invalid or
 * wholly inside the range; one table for a block that is only partly
 * covered, plus what the pieces at the range's edges need further down.
 */
static u64 pgt_split_count(const struct pgt *pgt, pgt_pte_t pte, u32 level,
			   u64 entry, u64 addr, u64 end);

static u64 pgt_split_count_table(const struct pgt *pgt, const pgt_pte_t *table,
				 pgt_pte_t block, u32 level, u64 addr, u64 end)
{
	u64 size = pgt_level_size(level), total = 0;

	while (addr < end) {
		u64 entry = addr & ~(size - 1);
		u64 next = entry + size < end ? entry + size : end;
		pgt_pte_t pte;

		/* a block being split reproduces itself one level down */
		if (table)
			pte = PGT_PTE_READ(&table[pgt_index(addr, level)]);
		else
			pte = pgt_pte_valid(block) ? block : 0;
		total += pgt_split_count(pgt, pte, level, entry, addr, next);
		addr = next;
	}
	return total;
}

static u64 pgt_split_count(const struct pgt *pgt, pgt_pte_t pte, u32 level,
			   u64 entry, u64 addr, u64 end)
{
	if (!pgt_pte_valid(pte) || (addr == entry &&
				    end - entry == pgt_level_size(level)))
		return 0;
	if (pgt_pte_is_table(pte, level))
		return pgt_split_count_table(pgt, pgt_pte_table(pgt, pte), 0,
					     level + 1, addr, end);
	/* a partly covered block (level 3 entries are always covered) */
	return 1 + pgt_split_count_table(pgt, NULL, pte, level + 1, addr, end);
}

u64 pgt_unmap_split_tables(const struct pgt *pgt, u64 addr, u64 size)
{
	if (!pgt_range_valid(pgt, addr, size))
		return 0;
	return pgt_split_count_table(pgt, pgt->root, 0, pgt->start_level,
				     addr, addr + size);
}

u64 pgt_nr_tables(const struct pgt *pgt)
{
	return pgt->nr_tables;
}

struct pgt_walk {
	const struct pgt *pgt;
	pgt_leaf_fn fn;
	void *arg;
};

static int pgt_walk_table(const struct pgt_walk *w, const pgt_pte_t *table,
			  u32 level, u64 addr, u64 end)
{
	u64 size = pgt_level_size(level);
	int ret;

	while (addr < end) {
		u64 entry = addr & ~(size - 1);
		u64 next = entry + size;
		pgt_pte_t pte = PGT_PTE_READ(&table[pgt_index(addr, level)]);

		if (next > end)
			next = end;
		ret = 0;
		if (pgt_pte_is_table(pte, level))
			ret = pgt_walk_table(w, pgt_pte_table(w->pgt, pte),
					     level + 1, addr, next);
		else if (pgt_pte_valid(pte))
			ret = w->fn(addr, pgt_pte_pa(pte) + (addr - entry),
				    next - addr,
				    pgt_pte_to_prot(w->pgt->stage, pte),
				    level, w->arg);
		if (ret)
			return ret;
		addr = next;
	}
	return 0;
}

int pgt_walk_leaves(const struct pgt *pgt, u64 addr, u64 size,
		    pgt_leaf_fn fn, void *arg)
{
	struct pgt_walk w;

	if (!pgt_range_valid(pgt, addr, size) || !fn)
		return -EINVAL;

	w.pgt = pgt;
	w.fn = fn;
	w.arg = arg;
	return pgt_walk_table(&w, pgt->root, pgt->start_level, addr,
			      addr + size);
}
