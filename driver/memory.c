// SPDX-License-Identifier: GPL-2.0-only
/*
 * The memory the hypervisor gets: where RAM is, and one physically
 * contiguous allocation per purpose (image, parameters, stacks, page pool,
 * page-ownership array, log).
 */
#include "pkvmkit.h"
#include <linux/gfp.h>
#include <linux/ioport.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/string.h>
#include <pkvmkit/ownership.h>
#include "hyp-syms.h"
#include "../sdk/arch/arm64/include/asm/pkvmkit_hyptrace.h"

extern const char pkvmkit_hyp_blob_start[], pkvmkit_hyp_blob_end[];

static unsigned int pool_pages = 256;
module_param(pool_pages, uint, 0444);
MODULE_PARM_DESC(pool_pages, "pages of page-table pool given to the hypervisor");

#define LOG_PAGES	4

static int add_ram(struct resource *res, void *arg)
{
	struct hyp_params *hp = arg;
	u64 start = PAGE_ALIGN(res->start), end = (res->end + 1) & PAGE_MASK;
	struct hyp_region *last = hp->nr_ram ? &hp->ram[hp->nr_ram - 1] : NULL;

	if (end <= start)
		return 0;
	if (last && last->pa + last->size == start) {
		last->size += end - start;
		return 0;
	}
	if (hp->nr_ram == HYP_MAX_REGIONS) {
		pr_err("more than %d System RAM ranges\n", HYP_MAX_REGIONS);
		return -E2BIG;
	}
	hp->ram[hp->nr_ram].pa = start;
	hp->ram[hp->nr_ram].size = end - start;
	hp->nr_ram++;
	return 0;
}

static int collect_ram(struct hyp_params *hp)
{
	int ret;

	hp->nr_ram = 0;
	ret = walk_iomem_res_desc(IORES_DESC_NONE,
				  IORESOURCE_SYSTEM_RAM | IORESOURCE_BUSY,
				  0, -1, hp, add_ram);
	if (ret < 0 && ret != -EINVAL)	/* -EINVAL: nothing found */
		return ret;
	if (!hp->nr_ram) {
		pr_err("found no System RAM\n");
		return -ENODEV;
	}
	return 0;
}

static u64 ram_span_pages(const struct hyp_params *hp)
{
	const struct hyp_region *first = &hp->ram[0];
	const struct hyp_region *last = &hp->ram[hp->nr_ram - 1];

	return (last->pa + last->size - first->pa) >> PAGE_SHIFT;
}

static size_t ram_meta_bytes(const struct hyp_params *hp)
{
	struct own_meta_layout l;

	own_meta_layout_for(hp->ram[0].pa >> PAGE_SHIFT, ram_span_pages(hp), &l);
	return l.size;
}

static int alloc_region(struct pk_region *r, size_t size, const char *what)
{
	r->size = PAGE_ALIGN(size);
	r->va = alloc_pages_exact(r->size, GFP_KERNEL | __GFP_ZERO);
	if (!r->va) {
		pr_err("cannot allocate %zu contiguous bytes for the %s\n",
		       r->size, what);
		return -ENOMEM;
	}
	r->pa = virt_to_phys(r->va);
	pk.total_bytes += r->size;
	return 0;
}

static void free_region(struct pk_region *r)
{
	if (r->va)
		free_pages_exact(r->va, r->size);
	r->va = NULL;
}

static void add_boot_region(struct hyp_params *hp, const struct pk_region *r)
{
	hp->boot[hp->nr_boot].pa = r->pa;
	hp->boot[hp->nr_boot].size = r->size;
	hp->nr_boot++;
}

static void load_image(void)
{
	size_t bin = pkvmkit_hyp_blob_end - pkvmkit_hyp_blob_start;

	memcpy(pk.image.va, pkvmkit_hyp_blob_start, bin);
	/* the rest, .bss, is already zero */
}

int pk_alloc_memory(void)
{
	size_t bin = pkvmkit_hyp_blob_end - pkvmkit_hyp_blob_start;
	struct hyp_params *hp;
	int ret;

	BUILD_BUG_ON(sizeof(struct hyp_params) > PAGE_SIZE);
	BUILD_BUG_ON(sizeof(struct hyp_cpu_boot) * HYP_MAX_CPUS > PAGE_SIZE);

	pk.nr_slots = nr_cpu_ids;
	if (pk.nr_slots > HYP_MAX_CPUS) {
		pr_err("%u possible CPUs, the hypervisor supports %d\n",
		       pk.nr_slots, HYP_MAX_CPUS);
		return -E2BIG;
	}
	if (bin > HYP_SYM__hyp_end) {
		pr_err("embedded image larger than its layout\n");
		return -EINVAL;
	}

	ret = alloc_region(&pk.params, 2 * PAGE_SIZE, "parameters");
	if (ret)
		return ret;
	hp = pk.hp = pk.params.va;
	pk.cpu_boot = pk.params.va + PAGE_SIZE;
	ret = collect_ram(hp);
	if (ret)
		return ret;

	ret = alloc_region(&pk.image, HYP_SYM__hyp_end, "hypervisor image") ?:
	      alloc_region(&pk.stacks, (size_t)pk.nr_slots * HYP_STACK_PAGES *
			   PAGE_SIZE, "stacks") ?:
	      alloc_region(&pk.pool, (size_t)pool_pages * PAGE_SIZE, "page pool") ?:
	      alloc_region(&pk.page_array, ram_meta_bytes(hp),
			   "page-ownership array") ?:
	      alloc_region(&pk.log, LOG_PAGES * PAGE_SIZE, "log") ?:
	      alloc_region(&pk.trace, (size_t)pk.nr_slots * HYP_TRACE_CPU_PAGES *
			   PAGE_SIZE, "hyp-trace rings");
	if (ret)
		return ret;
	load_image();

	hp->magic = HYP_PARAMS_MAGIC;
	hp->nr_slots = pk.nr_slots;
	hp->cpu_boot_pa = pk.params.pa + PAGE_SIZE;
	hp->image_pa = pk.image.pa;
	hp->vmemmap_pa = pk.page_array.pa;
	hp->vmemmap_size = pk.page_array.size;
	hp->log_pa = pk.log.pa;
	hp->log_size = pk.log.size;
	hp->trace_pa = pk.trace.pa;
	hp->trace_size = pk.trace.size;
	hp->host_panic_entry = (u64)pk_hyp_panic_entry;
	hp->kern_page_offset = PAGE_OFFSET;
	hp->kern_phys_offset = memstart_addr;
	pk_read_psci_0_1_ids(hp->psci_0_1_ids);
	hp->nr_boot = 0;
	add_boot_region(hp, &pk.image);
	add_boot_region(hp, &pk.params);
	add_boot_region(hp, &pk.stacks);
	add_boot_region(hp, &pk.pool);
	add_boot_region(hp, &pk.page_array);
	pk_dma_prepare(hp);
	pk.total_bytes += pk_dma_bytes();
	return 0;
}

/* Only before install: afterwards the memory belongs to the hypervisor. */
void pk_free_memory(void)
{
	pk_dma_free();
	free_region(&pk.trace);
	free_region(&pk.log);
	free_region(&pk.page_array);
	free_region(&pk.pool);
	free_region(&pk.stacks);
	free_region(&pk.image);
	free_region(&pk.params);
	pk.total_bytes = 0;
}

/*
 * Write a region back to the point of coherency: EL2 first runs with its
 * MMU off and reads memory, not our caches. (The kernel's own helper for
 * this is not exported.)
 */
void pk_clean_to_poc(const struct pk_region *r)
{
	u64 line = 4 << (read_sysreg(ctr_el0) >> 16 & 0xf);
	u64 addr = (u64)r->va & ~(line - 1), end = (u64)r->va + r->size;

	for (; addr < end; addr += line)
		asm volatile("dc civac, %0" : : "r" (addr) : "memory");
	dsb(ish);
}
