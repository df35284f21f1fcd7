// SPDX-License-Identifier: GPL-2.0-only
/*
 * DMA isolation, the host's half (docs/dma-isolation.md): at load, find
 * the SMMUv3 and QEMU's fw_cfg in the device tree, look (read only) at
 * whether the SMMU is usable and unclaimed, and give the hypervisor what
 * it needs to take them at deprivilege: their registers as device ranges
 * the host loses, the pages for the SMMU's stream table and queues and
 * for the DMA mirror's tables (own_dma_tables_bound(), in chunks of at
 * most 2 MiB). Afterwards: the state the hypervisor reports, in sysfs
 * (dma), debugfs (dma_faults) and the status file.
 *
 * An SMMU the host kernel enabled (its arm-smmu-v3 driver was not kept
 * off: initcall_blacklist=arm_smmu_driver_init) is left to the host, and
 * the hypervisor reports DMA as not protected rather than pretend.
 */
#include "pkvmkit.h"
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/of.h>
#include <linux/of_address.h>
#include <linux/seq_file.h>
#include <pkvmkit/dma.h>
#include <pkvmkit/hypercall.h>
#include <pkvmkit/ownership.h>

static bool allow_unprotected_dma;
module_param(allow_unprotected_dma, bool, 0444);
MODULE_PARM_DESC(allow_unprotected_dma,
		 "let protected VMs start although DMA is not protected (reported in sysfs)");

#define SMMU_IDR0		0x00
#define SMMU_IDR0_S2P		BIT(0)
#define SMMU_CR0		0x20
#define SMMU_CR0_SMMUEN		BIT(0)
#define DMA_CHUNK_PAGES		512	/* 2 MiB, below every MAX_ORDER */

static struct pk_region dma_chunks[HYP_MAX_DMA_CHUNKS];
static unsigned int nr_dma_chunks;

#define DMA_TEXT(name, value, text)	\
	[name] = text,
static const char *const dma_texts[DMA_NR_STATES] = {
	PKVMKIT_DMA_STATES(DMA_TEXT)
};

const char *pk_dma_state_text(unsigned long state)
{
	return state < DMA_NR_STATES ? dma_texts[state] : "unknown";
}

bool pk_dma_unprotected_allowed(void)
{
	return allow_unprotected_dma;
}

static int add_hyp_dev(struct hyp_params *hp, const struct resource *r)
{
	u64 base = r->start & PAGE_MASK;
	u64 end = PAGE_ALIGN(r->end + 1);

	if (hp->nr_hyp_dev == HYP_MAX_HYP_DEV)
		return -E2BIG;
	hp->hyp_dev[hp->nr_hyp_dev].pa = base;
	hp->hyp_dev[hp->nr_hyp_dev].size = end - base;
	hp->nr_hyp_dev++;
	return 0;
}

static int find_reg(const char *compatible, struct resource *r)
{
	struct device_node *np = of_find_compatible_node(NULL, NULL, compatible);
	int ret;

	if (!np)
		return -ENODEV;
	ret = of_address_to_resource(np, 0, r);
	of_node_put(np);
	return ret;
}

/* CR0 and IDR0, read once while the host still owns the registers. */
static int peek_smmu(const struct resource *r, u32 *cr0, u32 *idr0)
{
	void __iomem *regs = ioremap(r->start, PAGE_SIZE);

	if (!regs)
		return -ENOMEM;
	*cr0 = readl_relaxed(regs + SMMU_CR0);
	*idr0 = readl_relaxed(regs + SMMU_IDR0);
	iounmap(regs);
	return 0;
}

static void free_dma_chunks(void)
{
	while (nr_dma_chunks) {
		struct pk_region *c = &dma_chunks[--nr_dma_chunks];

		free_pages_exact(c->va, c->size);
		c->va = NULL;
	}
}

/*
 * The SMMU's pages and the mirror's tables. The first chunk starts
 * aligned to its size (alloc_pages_exact() takes a whole power of two
 * and trims the end), which the stream table needs.
 */
static int alloc_dma_chunks(struct hyp_params *hp, u64 pages)
{
	while (pages) {
		u64 n = min_t(u64, pages, DMA_CHUNK_PAGES);
		struct pk_region *c = &dma_chunks[nr_dma_chunks];

		if (nr_dma_chunks == HYP_MAX_DMA_CHUNKS)
			return -E2BIG;
		c->size = n << PAGE_SHIFT;
		c->va = alloc_pages_exact(c->size, GFP_KERNEL | __GFP_ZERO);
		if (!c->va)
			return -ENOMEM;
		c->pa = virt_to_phys(c->va);
		hp->dma_chunks[nr_dma_chunks].pa = c->pa;
		hp->dma_chunks[nr_dma_chunks].size = c->size;
		nr_dma_chunks++;
		hp->nr_dma_chunks = nr_dma_chunks;
		pages -= n;
	}
	return 0;
}

static u64 dma_pages_needed(const struct hyp_params *hp)
{
	struct own_ram_region ram[HYP_MAX_REGIONS];
	u64 i;

	for (i = 0; i < hp->nr_ram; i++) {
		ram[i].base = hp->ram[i].pa;
		ram[i].size = hp->ram[i].size;
	}
	/* the SMMU's registers join the device ranges: one more */
	return HYP_SMMU_MEM_PAGES +
	       own_dma_tables_bound(ram, hp->nr_ram, hp->nr_hyp_dev + 1);
}

/* An SMMU the hypervisor can take: its registers, its memory. */
static int claim_smmu(struct hyp_params *hp, const struct resource *r)
{
	u64 pages = dma_pages_needed(hp);
	int ret;

	ret = alloc_dma_chunks(hp, pages) ?: add_hyp_dev(hp, r);
	if (ret) {
		pr_err("DMA: cannot set aside %llu pages for the SMMU: %d; DMA will not be protected\n",
		       pages, ret);
		free_dma_chunks();
		hp->nr_dma_chunks = 0;
		return ret;
	}
	pr_info("DMA: SMMUv3 at %pa for the hypervisor, %llu KiB of tables\n",
		&r->start, pages << (PAGE_SHIFT - 10));
	return 0;
}

/*
 * Fill hyp_params' DMA fields. Never fails the load: without an SMMU,
 * or with one the hypervisor cannot take, DMA is simply not protected
 * (and protected VMs follow the rule for that).
 */
void pk_dma_prepare(struct hyp_params *hp)
{
	struct resource smmu, fw_cfg;
	u32 cr0, idr0;

	hp->flags |= allow_unprotected_dma ? HYP_F_ALLOW_UNPROTECTED_DMA : 0;
	/* QEMU's fw_cfg DMA writes anywhere, past any IOMMU: the host loses it */
	if (!find_reg("qemu,fw-cfg-mmio", &fw_cfg) && !add_hyp_dev(hp, &fw_cfg))
		pr_info("DMA: fw_cfg at %pa goes to the hypervisor at deprivilege\n",
			&fw_cfg.start);
	if (find_reg("arm,smmu-v3", &smmu))
		return;
	hp->smmu_pa = smmu.start;
	hp->smmu_size = resource_size(&smmu);
	if (peek_smmu(&smmu, &cr0, &idr0))
		return;
	if (cr0 & SMMU_CR0_SMMUEN) {
		pr_warn("DMA: the host's own SMMU driver enabled the SMMU at %pa: DMA will not be protected (boot with initcall_blacklist=arm_smmu_driver_init)\n",
			&smmu.start);
		return;
	}
	if (!(idr0 & SMMU_IDR0_S2P))
		return;		/* the hypervisor says why */
	claim_smmu(hp, &smmu);
}

/* Before install only: afterwards the chunks belong to the hypervisor. */
void pk_dma_free(void)
{
	free_dma_chunks();
}

size_t pk_dma_bytes(void)
{
	size_t n = 0;
	unsigned int i;

	for (i = 0; i < nr_dma_chunks; i++)
		n += dma_chunks[i].size;
	return n;
}

const struct pk_region *pk_dma_chunk(unsigned int i)
{
	return i < nr_dma_chunks ? &dma_chunks[i] : NULL;
}

/* "protected" or "not protected: why", and what that means for pVMs. */
int pk_dma_show(char *buf, size_t size)
{
	struct arm_smccc_res res = pk_hvc(HC_ID(HC_DMA_STATE), 0, 0, 0);

	if (res.a0 != SMCCC_RET_SUCCESS)
		return scnprintf(buf, size, "unknown (hypervisor not running)\n");
	if (res.a1 == DMA_PROTECTED)
		return scnprintf(buf, size, "protected: %s\nfaults %lu\nlost %lu\n",
				 pk_dma_state_text(res.a1), res.a2, res.a3);
	return scnprintf(buf, size,
			 "not protected: %s\nprotected VMs: %s\n",
			 pk_dma_state_text(res.a1),
			 allow_unprotected_dma ?
			 "allowed anyway (allow_unprotected_dma=1)" : "refused");
}

/* The faults the hypervisor kept, newest first, one a line. */
void pk_dma_show_faults(struct seq_file *m)
{
	struct arm_smccc_res res;
	unsigned long n;

	for (n = 0; n < DMA_FAULTS_KEPT; n++) {
		res = pk_hvc(HC_ID(HC_DMA_FAULT), n, 0, 0);
		if (res.a0 != SMCCC_RET_SUCCESS || res.a1)
			break;
		seq_printf(m, "event %#lx stream %#lx address %#lx %s%s\n",
			   res.a2 & 0xff, res.a2 >> 32, res.a3,
			   ((res.a2 >> 8) & DMA_FAULT_READ) ? "read" : "write",
			   ((res.a2 >> 8) & DMA_FAULT_STAGE2) ? " stage2" : "");
	}
}
