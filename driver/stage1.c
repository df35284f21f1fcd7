// SPDX-License-Identifier: GPL-2.0-only
/*
 * The hypervisor's first EL2 stage-1, built here at EL1 with the shared
 * page-table library, in pages taken from the front of the hypervisor's
 * pool (the hypervisor adopts the tables and the rest of the pool):
 *
 *   image at HYP_IMAGE_VA: text RX, rodata R, data+bss RW (W^X)
 *   per-slot stacks at HYP_STACKS_VA, each under an unmapped guard page
 *   parameters R, pool and page-ownership array RW, at VA == PA
 *   .idmap.text RX at VA == PA as well, so the MMU can be turned on there
 */
#include "pkvmkit.h"
#include <linux/mm.h>
#include <asm/sysreg.h>
#include <pkvmkit/pgtable.h>
#include "hyp-syms.h"

#define EL2_SCTLR_RES1	0x30c50830UL
#define EL2_SCTLR_M	BIT(0)
#define EL2_SCTLR_C	BIT(2)
#define EL2_SCTLR_SA	BIT(3)
#define EL2_SCTLR_I	BIT(12)
#define EL2_SCTLR_WXN	BIT(19)
#define EL2_TCR_RES1	(BIT(31) | BIT(23))

struct bump {
	struct pk_region *r;
	u64 used;
};

static void *bump_zalloc(void *arg)
{
	struct bump *b = arg;

	if (b->used >= b->r->size >> PAGE_SHIFT)
		return NULL;
	return b->r->va + (b->used++ << PAGE_SHIFT);	/* already zeroed */
}

static void bump_free(void *arg, void *va)
{
	/* tables are never freed while the driver builds them */
}

static u64 kernel_virt_to_phys(void *va)
{
	return virt_to_phys(va);
}

static void *kernel_phys_to_virt(u64 pa)
{
	return phys_to_virt(pa);
}

static u64 image_pa(u64 off)
{
	return pk.image.pa + off;
}

static int map_image(struct pgt *s1)
{
	return pgt_map(s1, HYP_IMAGE_VA, image_pa(0), HYP_SYM__hyp_text_end,
		       PGT_PROT_RX) ?:
	       pgt_map(s1, HYP_IMAGE_VA + HYP_SYM__hyp_rodata_start,
		       image_pa(HYP_SYM__hyp_rodata_start),
		       HYP_SYM__hyp_rodata_end - HYP_SYM__hyp_rodata_start,
		       PGT_PROT_R) ?:
	       pgt_map(s1, HYP_IMAGE_VA + HYP_SYM__hyp_data_start,
		       image_pa(HYP_SYM__hyp_data_start),
		       HYP_SYM__hyp_end - HYP_SYM__hyp_data_start, PGT_PROT_RW) ?:
	       pgt_map(s1, image_pa(HYP_SYM__hyp_idmap_start),
		       image_pa(HYP_SYM__hyp_idmap_start),
		       HYP_SYM__hyp_idmap_end - HYP_SYM__hyp_idmap_start,
		       PGT_PROT_RX);
}

static u64 stack_base_va(unsigned int slot)
{
	/* the first page of each slot is the guard */
	return HYP_STACKS_VA + slot * HYP_STACK_SLOT + PAGE_SIZE;
}

static int map_stacks(struct pgt *s1)
{
	u64 size = HYP_STACK_PAGES * PAGE_SIZE;
	unsigned int slot;
	int ret;

	for (slot = 0; slot < pk.nr_slots; slot++) {
		ret = pgt_map(s1, stack_base_va(slot),
			      pk.stacks.pa + slot * size, size, PGT_PROT_RW);
		if (ret)
			return ret;
	}
	return 0;
}

static int map_linear(struct pgt *s1, const struct pk_region *r, u32 prot)
{
	return pgt_map(s1, r->pa, r->pa, r->size, prot);
}

static void fill_cpu_boot(u64 root_pa)
{
	u64 parange = read_sysreg(id_aa64mmfr0_el1) & 0xf;
	u64 tcr = EL2_TCR_RES1 | (64 - HYP_VA_BITS) | (1UL << 8) | (1UL << 10) |
		  (3UL << 12) | (min_t(u64, parange, 5) << 16);
	unsigned int slot;

	for (slot = 0; slot < pk.nr_slots; slot++) {
		struct hyp_cpu_boot *b = &pk.cpu_boot[slot];

		b->ttbr0 = root_pa;
		b->tcr = tcr;
		b->mair = PGT_MAIR_EL2_VALUE;
		b->sctlr = EL2_SCTLR_RES1 | EL2_SCTLR_M | EL2_SCTLR_C |
			   EL2_SCTLR_SA | EL2_SCTLR_I | EL2_SCTLR_WXN;
		b->vbar = HYP_IMAGE_VA + HYP_SYM__hyp_vectors;
		b->sp = stack_base_va(slot) + HYP_STACK_PAGES * PAGE_SIZE;
		b->slot = slot;
		b->params = pk.params.pa;
	}
}

int pk_build_el2_stage1(void)
{
	struct bump bump = { .r = &pk.pool };
	struct pgt_mm_ops mm = {
		.zalloc_page = bump_zalloc,
		.free_page = bump_free,
		.virt_to_phys = kernel_virt_to_phys,
		.phys_to_virt = kernel_phys_to_virt,
		.arg = &bump,
	};
	const struct pk_region *chunk;
	struct pgt s1;
	unsigned int i;
	int ret;

	ret = pgt_init(&s1, PGT_STAGE1_EL2, HYP_VA_BITS, &mm);
	if (ret)
		return ret;
	ret = map_image(&s1) ?:
	      map_stacks(&s1) ?:
	      map_linear(&s1, &pk.params, PGT_PROT_R) ?:
	      map_linear(&s1, &pk.pool, PGT_PROT_RW) ?:
	      map_linear(&s1, &pk.page_array, PGT_PROT_RW);
	/* the SMMU's memory and the DMA mirror's tables (dma.c) */
	for (i = 0; !ret && (chunk = pk_dma_chunk(i)); i++)
		ret = map_linear(&s1, chunk, PGT_PROT_RW);
	if (ret) {
		pr_err("building the EL2 stage-1 failed: %d (pool_pages too small?)\n",
		       ret);
		return ret;
	}

	pk.hp->s1_root_pa = s1.root_pa;
	pk.hp->s1_nr_tables = s1.nr_tables;
	pk.hp->pool_pa = pk.pool.pa + (bump.used << PAGE_SHIFT);
	pk.hp->pool_nr_pages = (pk.pool.size >> PAGE_SHIFT) - bump.used;
	fill_cpu_boot(s1.root_pa);
	return 0;
}
