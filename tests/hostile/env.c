// SPDX-License-Identifier: GPL-2.0-only
/*
 * What the fuzzer needs to know about the machine before it starts: where
 * RAM is (as the driver tells the hypervisor), where the hypervisor's own
 * memory is (debugfs pkvmkit/layout, passed in), the PSCI 0.1 ids of the device tree,
 * every CPU's MPIDR and hypervisor slot, and the pages the fuzzer owns.
 */
#include "hostile.h"
#include <linux/bitmap.h>
#include <linux/arm-smccc.h>
#include <linux/cpu.h>
#include <linux/gfp.h>
#include <linux/ioport.h>
#include <linux/mm.h>
#include <linux/of.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/string.h>
#include <asm/cputype.h>

struct fz_env fz_env;

/* Same walk and merge as the driver's collect_ram(): the hypervisor's RAM. */
static int fz_add_ram(struct resource *res, void *arg)
{
	u64 start = PAGE_ALIGN(res->start) >> PAGE_SHIFT;
	u64 end = ((res->end + 1) & PAGE_MASK) >> PAGE_SHIFT;
	struct fz_range *last = fz_env.nr_ram ?
				&fz_env.ram[fz_env.nr_ram - 1] : NULL;

	if (end <= start)
		return 0;
	if (last && last->end == start) {
		last->end = end;
		return 0;
	}
	if (fz_env.nr_ram == FZ_MAX_RAM)
		return -E2BIG;
	fz_env.ram[fz_env.nr_ram].start = start;
	fz_env.ram[fz_env.nr_ram].end = end;
	fz_env.nr_ram++;
	return 0;
}

static int fz_find_ram(void)
{
	int ret = walk_iomem_res_desc(IORES_DESC_NONE,
				      IORESOURCE_SYSTEM_RAM | IORESOURCE_BUSY,
				      0, -1, NULL, fz_add_ram);

	if (ret < 0 && ret != -EINVAL)
		return ret;
	return fz_env.nr_ram ? 0 : -ENODEV;
}

/* As the hypervisor's own_range_is_ram(): nr > 0, no wrap, all RAM. */
bool fz_range_is_ram(u64 pfn, u64 nr)
{
	u64 cur = pfn, end;
	unsigned int i;

	if (!nr || nr > ~0ULL - pfn)
		return false;
	end = pfn + nr;
	for (i = 0; i < fz_env.nr_ram; i++) {
		if (cur >= fz_env.ram[i].start && cur < fz_env.ram[i].end) {
			cur = fz_env.ram[i].end;
			if (cur >= end)
				return true;
		}
	}
	return false;
}

const struct fz_hyp_region *fz_hyp_region_of(u64 pfn)
{
	unsigned int i;

	for (i = 0; i < fz_env.nr_hyp; i++)
		if (pfn >= fz_env.hyp[i].pfn &&
		    pfn - fz_env.hyp[i].pfn < fz_env.hyp[i].nr)
			return &fz_env.hyp[i];
	return NULL;
}

/* One "NAME:PA:SIZE" of the hyp_regions parameter. */
static int fz_parse_hyp_region(const char *item)
{
	struct fz_hyp_region *r;
	char name[16];
	u64 pa, size;

	if (sscanf(item, "%15[^:]:%llx:%llu", name, &pa, &size) != 3 || !size)
		return -EINVAL;
	if (fz_env.nr_hyp == FZ_MAX_HYP)
		return -E2BIG;
	r = &fz_env.hyp[fz_env.nr_hyp++];
	strscpy(r->name, name, sizeof(r->name));
	r->pfn = pa >> PAGE_SHIFT;
	r->nr = PAGE_ALIGN(size) >> PAGE_SHIFT;
	if (!strcmp(name, "image"))
		fz_env.image_pa = pa;
	else if (!strcmp(name, "params"))
		fz_env.params_pa = pa;
	return 0;
}

/*
 * The hypervisor's regions, as debugfs pkvmkit/layout lists them (a
 * module cannot read a debugfs file: kernel_read() needs read_iter, which
 * debugfs does not offer), passed by the loader: "image:PA:SIZE,...".
 */
static int fz_parse_hyp_regions(const char *param)
{
	char *buf, *cur, *item;
	int ret = 0;

	if (!param || !*param) {
		pr_err("hyp_regions= missing (NAME:PA:SIZE,... from debugfs pkvmkit/layout)\n");
		return -EINVAL;
	}
	buf = kstrdup(param, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	cur = buf;
	while (!ret && (item = strsep(&cur, ",")))
		if (*item)
			ret = fz_parse_hyp_region(item);
	kfree(buf);
	if (!ret && (!fz_env.image_pa || !fz_env.params_pa))
		ret = -EINVAL;
	if (ret)
		pr_err("bad hyp_regions= '%s' (want image, params, ...)\n", param);
	return ret;
}

/* PSCI 0.1 has no fixed ids: the firmware names them in /psci. */
static void fz_read_psci01(void)
{
	static const char * const props[] = {
		[FZ_P01_CPU_ON] = "cpu_on", [FZ_P01_CPU_OFF] = "cpu_off",
		[FZ_P01_CPU_SUSPEND] = "cpu_suspend",
		[FZ_P01_MIGRATE] = "migrate",
	};
	struct device_node *np = of_find_node_by_path("/psci");
	int i;

	if (!np)
		return;
	for (i = 0; i < ARRAY_SIZE(props); i++)
		fz_env.has_psci01[i] =
			!of_property_read_u32(np, props[i], &fz_env.psci01[i]);
	of_node_put(np);
}

static void fz_probe_this_cpu(void *info)
{
	struct arm_smccc_res res;
	int cpu = smp_processor_id();

	arm_smccc_1_1_hvc(HC_ID(HC_PING), &res);
	fz_env.mpidr[cpu] = read_cpuid_mpidr();
	fz_env.slot[cpu] = res.a2;
	fz_env.known[cpu] = res.a0 == SMCCC_RET_SUCCESS &&
			    res.a1 == HC_PING_MAGIC;
}

static int fz_probe_cpus(void)
{
	int cpu;

	fz_env.mpidr = kcalloc(nr_cpu_ids, sizeof(u64), GFP_KERNEL);
	fz_env.slot = kcalloc(nr_cpu_ids, sizeof(u64), GFP_KERNEL);
	fz_env.known = kcalloc(nr_cpu_ids, sizeof(bool), GFP_KERNEL);
	if (!fz_env.mpidr || !fz_env.slot || !fz_env.known)
		return -ENOMEM;
	cpus_read_lock();
	for_each_online_cpu(cpu)
		smp_call_function_single(cpu, fz_probe_this_cpu, NULL, 1);
	cpus_read_unlock();
	return 0;
}

static unsigned long fz_hvc_x1(unsigned long id, unsigned long a1,
			       unsigned long *x0)
{
	struct arm_smccc_res res;

	arm_smccc_1_1_hvc(id, a1, &res);
	if (x0)
		*x0 = res.a0;
	return res.a1;
}

/* The CPU's PA size, as the hypervisor reads it for a VM's IPA size. */
static u32 fz_read_pa_bits(void)
{
	static const u8 bits[] = { 32, 36, 40, 42, 44, 48, 52 };
	u64 parange = read_sysreg(id_aa64mmfr0_el1) & 0xf;

	return parange < ARRAY_SIZE(bits) ? bits[parange] : 48;
}

/*
 * What HC_GUEST_ID_REG answers for each ID register: the same for every
 * VM, on every CPU (all alike here), at any time.
 */
static void fz_read_guest_id_regs(void)
{
	struct arm_smccc_res res;
	unsigned int i;

	for (i = 0; i < FZ_NR_ID_REGS; i++) {
		arm_smccc_1_1_hvc(HC_ID(HC_GUEST_ID_REG), FZ_ID_REG_FIRST + i,
				  &res);
		fz_env.id_regs[i] = res.a1;
	}
}

/* What the invariants compare against later. */
static int fz_take_baselines(void)
{
	struct arm_smccc_res res;
	unsigned long x0;
	int s;

	if (!(fz_hvc_x1(HC_ID(HC_CPU_STATE), 0, &x0) & HC_CPU_HOST_DEPRIV) ||
	    x0 != SMCCC_RET_SUCCESS) {
		pr_err("the host is not deprivileged: load pkvmkit first\n");
		return -ENODEV;
	}
	fz_env.page_total = 0;
	for (s = 0; s < PAGE_STATE_COUNT; s++) {
		fz_env.state_count[s] = fz_hvc_x1(HC_ID(HC_STATE_COUNT), s, NULL);
		fz_env.page_total += fz_env.state_count[s];
	}
	arm_smccc_1_1_hvc(HC_ID(HC_MEM_STATS), &res);
	fz_env.pool_free = res.a1;
	fz_env.tables = res.a2;
	arm_smccc_1_1_hvc(HC_ID(HC_HEAP_STATS), &res);
	fz_env.heap[0] = res.a1;
	fz_env.heap[1] = res.a2;
	fz_env.heap[2] = res.a3;
	fz_env.pa_bits = fz_read_pa_bits();
	fz_read_guest_id_regs();
	fz_env.secure = fz_hvc_x1(HC_ID(HC_SECURITY_STATE), 0, NULL);
	arm_smccc_1_1_smc(FZ_PSCI_32 | FZ_PSCI_VERSION, &res);
	fz_env.psci_version = res.a0;
	return 0;
}

static int fz_alloc_bitmap(void)
{
	fz_env.bitmap_base = fz_env.ram[0].start;
	fz_env.bitmap_len = fz_env.ram[fz_env.nr_ram - 1].end -
			    fz_env.bitmap_base;
	fz_env.fuzz_pfns = bitmap_zalloc(fz_env.bitmap_len, GFP_KERNEL);
	return fz_env.fuzz_pfns ? 0 : -ENOMEM;
}

bool fz_is_fuzzer_pfn(u64 pfn)
{
	return pfn >= fz_env.bitmap_base &&
	       pfn - fz_env.bitmap_base < fz_env.bitmap_len &&
	       test_bit(pfn - fz_env.bitmap_base, fz_env.fuzz_pfns);
}

int fz_env_init(const char *hyp_regions)
{
	int ret;

	ret = fz_find_ram();
	if (!ret)
		ret = fz_parse_hyp_regions(hyp_regions);
	if (!ret)
		ret = fz_take_baselines();
	if (!ret)
		ret = fz_probe_cpus();
	if (!ret)
		ret = fz_alloc_bitmap();
	if (!ret)
		fz_read_psci01();
	return ret;
}

void fz_env_exit(void)
{
	bitmap_free(fz_env.fuzz_pfns);
	kfree(fz_env.mpidr);
	kfree(fz_env.slot);
	kfree(fz_env.known);
}

/*
 * Each thread owns: a 4 MiB block (buddy allocations are aligned to their
 * size: it is two whole 2 MiB blocks of the host stage-2, first pages and
 * the boundary between them included), a 4-page block for ranges, and
 * single pages (anywhere).
 */
static const unsigned int fz_block_orders[FZ_NR_BLOCKS] = { 10, 2, 0, 0, 0, 0 };

static int fz_alloc_block(struct fz_block *b, unsigned int order)
{
	const gfp_t gfp = GFP_KERNEL | __GFP_ZERO | __GFP_NOWARN;

	/* a fragmented machine gets a smaller block: still aligned */
	while (!(b->page = alloc_pages(gfp, order)) && order > 4)
		order--;
	if (!b->page)
		return -ENOMEM;
	b->order = order;
	b->pfn = page_to_pfn(b->page);
	b->nr = 1UL << order;
	b->state = kcalloc(b->nr, 1, GFP_KERNEL);
	b->pins = kcalloc(b->nr, 1, GFP_KERNEL);
	if (!b->state || !b->pins) {
		kfree(b->state);
		kfree(b->pins);
		__free_pages(b->page, order);
		b->page = NULL;
		return -ENOMEM;
	}
	bitmap_set(fz_env.fuzz_pfns, b->pfn - fz_env.bitmap_base, b->nr);
	return 0;
}

int fz_alloc_blocks(struct fz_thread *t)
{
	int i, ret;

	for (i = 0; i < FZ_NR_BLOCKS; i++) {
		ret = fz_alloc_block(&t->blocks[i], fz_block_orders[i]);
		if (ret)
			return ret;
		t->nr_blocks++;
	}
	return 0;
}

/*
 * Only pages the hypervisor says are the host's again go back to the
 * kernel; any other page is leaked (the host may not be able to touch it).
 */
void fz_free_blocks(struct fz_thread *t)
{
	unsigned int i;
	u64 p;

	for (i = 0; i < t->nr_blocks; i++) {
		struct fz_block *b = &t->blocks[i];
		bool all_host = true;

		for (p = 0; p < b->nr; p++)
			if (fz_hvc_x1(HC_ID(HC_PAGE_STATE), b->pfn + p, NULL) !=
			    PAGE_HOST_OWNED)
				all_host = false;
		if (all_host)
			__free_pages(b->page, b->order);
		else
			pr_err("leaking pages %#llx+%llu: not the host's\n",
			       b->pfn, b->nr);
		kfree(b->state);
		kfree(b->pins);
	}
	t->nr_blocks = 0;
}
