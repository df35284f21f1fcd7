// SPDX-License-Identifier: GPL-2.0-only
/*
 * Loading a vendor module's EL2 code (the EL1 half of ACK's
 * pkvm_load_el2_module): reserve hypervisor VA for its .hyp.* sections,
 * relocate its absolute pointers to that VA, hand each page to the
 * hypervisor with its section's permissions, run its init at EL2. Any
 * failure gives every page back and returns the error; the module's own
 * init then fails and the kernel unloads it.
 */
#include "pkvmkit.h"
#include <linux/cpu.h>
#include <linux/module.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/smp.h>
#include <linux/sort.h>
#include <linux/vmalloc.h>
#include "../sdk/arch/arm64/include/asm/kvm_pkvm_module.h"

/* enum kvm_pgtable_prot bits, as the hypervisor reads them */
#define PROT_X		BIT(0)
#define PROT_W		BIT(1)
#define PROT_R		BIT(2)

static DEFINE_MUTEX(load_lock);

/*
 * The SDK's struct pkvm_module_ops comes from the member list the
 * hypervisor's table is built from: check here, with the kernel's types,
 * that every member is one pointer at its place in the list.
 */
#define PK_OP_INDEX(ret, name, args)	PK_OP_IDX_##name,
enum { PKVM_MODULE_OPS_ANDROID14_6_1(PK_OP_INDEX) PK_OP_NR };
#define PK_OP_CHECK(ret, name, args)					\
	static_assert(offsetof(struct pkvm_module_ops, name) ==		\
		      8 * PK_OP_IDX_##name &&				\
		      sizeof(((struct pkvm_module_ops *)0)->name) == 8);
PKVM_MODULE_OPS_ANDROID14_6_1(PK_OP_CHECK)
static_assert(PK_OP_NR == 33);

struct mapped {
	unsigned long pfn, hyp_va;
};

/* The last module loaded, page by page, for debugfs pkvmkit/module_mem. */
#define MAX_RECORDED_PAGES	64
static unsigned long recorded_pfns[MAX_RECORDED_PAGES];
static unsigned int nr_recorded;

static void record_pages(const struct mapped *pages, unsigned int nr)
{
	unsigned int i;

	nr_recorded = min_t(unsigned int, nr, MAX_RECORDED_PAGES);
	for (i = 0; i < nr_recorded; i++)
		recorded_pfns[i] = pages[i].pfn;
}

/* pfn of page @i of the last EL2 module loaded, or 0. */
unsigned long pk_el2_module_pfn(unsigned int i)
{
	unsigned long pfn;

	mutex_lock(&load_lock);
	pfn = i < nr_recorded ? recorded_pfns[i] : 0;
	mutex_unlock(&load_lock);
	return pfn;
}

struct el2_section {
	const char *name;
	unsigned long start, end;
	unsigned long prot;
};

static int cmp_section(const void *a, const void *b)
{
	const struct el2_section *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

/* Collect, check and sort the non-empty sections; returns how many. */
static int collect_sections(const struct pkvm_el2_module *m, struct module *this,
			    struct el2_section *s)
{
	const struct el2_section all[] = {
		{ "text", (unsigned long)m->text.start, (unsigned long)m->text.end,
		  PROT_R | PROT_X },
		{ "bss", (unsigned long)m->bss.start, (unsigned long)m->bss.end,
		  PROT_R | PROT_W },
		{ "rodata", (unsigned long)m->rodata.start,
		  (unsigned long)m->rodata.end, PROT_R },
		{ "data", (unsigned long)m->data.start, (unsigned long)m->data.end,
		  PROT_R | PROT_W },
	};
	int i, n = 0;

	for (i = 0; i < ARRAY_SIZE(all); i++) {
		if (all[i].start == all[i].end)
			continue;
		if (!PAGE_ALIGNED(all[i].start) || !PAGE_ALIGNED(all[i].end) ||
		    all[i].end < all[i].start ||
		    !within_module_core(all[i].start, this) ||
		    !within_module_core(all[i].end - 1, this)) {
			pr_err("%s: EL2 section .hyp.%s is not page-aligned inside the module\n",
			       this->name, all[i].name);
			return -EINVAL;
		}
		s[n++] = all[i];
	}
	if (!n || s[0].name != all[0].name) {
		pr_err("%s: no EL2 text\n", this->name);
		return -EINVAL;
	}
	sort(s, n, sizeof(*s), cmp_section, NULL);
	for (i = 1; i < n; i++)
		if (s[i].start < s[i - 1].end) {
			pr_err("%s: EL2 sections overlap\n", this->name);
			return -EINVAL;
		}
	return n;
}

static u64 *reloc_slot(const kvm_nvhe_reloc_t *r)
{
	return (u64 *)((unsigned long)r + *r);
}

/* Every slot and the address in it must lie in the EL2 image. */
static int check_relocs(const struct pkvm_el2_module *m, struct module *this,
			unsigned long start, unsigned long end)
{
	unsigned int i;

	for (i = 0; i < m->nr_relocs; i++) {
		unsigned long slot = (unsigned long)reloc_slot(&m->relocs[i]);
		unsigned long val;

		if (slot < start || slot > end - 8 || !IS_ALIGNED(slot, 8)) {
			pr_err("%s: EL2 relocation %u points outside the EL2 image\n",
			       this->name, i);
			return -EINVAL;
		}
		val = *(u64 *)slot;
		if (val < start || val > end) {
			pr_err("%s: EL2 relocation %u: pointer %#lx leaves the EL2 image\n",
			       this->name, i, val);
			return -EINVAL;
		}
	}
	return 0;
}

/*
 * Rewrite each slot from kernel to hypervisor address. Text and rodata are
 * read-only by now, so write through a temporary writable mapping.
 */
static int apply_relocs(const struct pkvm_el2_module *m, unsigned long start,
			unsigned long hyp_va)
{
	unsigned int i;

	for (i = 0; i < m->nr_relocs; i++) {
		unsigned long slot = (unsigned long)reloc_slot(&m->relocs[i]);
		struct page *page = vmalloc_to_page((void *)slot);
		void *alias = vmap(&page, 1, VM_MAP, PAGE_KERNEL);
		u64 *p;

		if (!alias)
			return -ENOMEM;
		p = alias + offset_in_page(slot);
		*p = *p - start + hyp_va;
		vunmap(alias);
	}
	return 0;
}

/*
 * The pages are the hypervisor's from now on. If the module's own init
 * fails after this, the kernel frees the module's memory whatever its
 * reference count: a page reference keeps each of these pages out of the
 * page allocator, so the host never reuses memory it no longer owns.
 */
static void hold_pages(const struct mapped *pages, unsigned int n)
{
	while (n--)
		get_page(pfn_to_page(pages[n].pfn));
}

static void nothing_on_cpu(void *unused)
{
}

/*
 * After a failed EL2 init the hypervisor calls none of the module's hooks
 * any more, but another CPU may be inside one it entered just before. A
 * CPU runs a hook only while it is in the hypervisor, and takes an IPI
 * only once back at EL1: when every online CPU has run one, no such call
 * is left and the module's pages can go. Under the hotplug lock, so that
 * no CPU is coming up through the hypervisor (and its CPU_ENTRY notifier)
 * meanwhile. The lock order is load_lock, then the hotplug lock.
 */
static void wait_for_hooks_in_flight(void)
{
	cpus_read_lock();
	on_each_cpu(nothing_on_cpu, NULL, 1);
	cpus_read_unlock();
}

/*
 * Everything the hypervisor holds of a module whose loading failed (its
 * pages, its VA, mappings its init made) goes in one call; the pages are
 * the host's again when it returns. Only once no CPU can be in the
 * module's EL2 code (wait_for_hooks_in_flight() after an init ran).
 */
static void drop_module(const char *name, unsigned long hyp_va)
{
	struct arm_smccc_res res = pk_hvc(HC_ID(HC_DROP_MODULE), hyp_va, 0, 0);

	if (res.a0 != SMCCC_RET_SUCCESS || res.a1)
		pr_err("%s: the hypervisor did not give the module's pages back: %ld\n",
		       name, res.a0 ? -EPERM : (long)res.a1);
}

static int map_pages(const struct el2_section *s, int nr_sec,
		     unsigned long start, unsigned long hyp_va,
		     struct mapped *pages, unsigned int *nr)
{
	struct arm_smccc_res res;
	unsigned long va;
	int i;

	for (i = 0; i < nr_sec; i++) {
		for (va = s[i].start; va < s[i].end; va += PAGE_SIZE) {
			pages[*nr].pfn = vmalloc_to_pfn((void *)va);
			pages[*nr].hyp_va = hyp_va + (va - start);
			res = pk_hvc(HC_ID(HC_MAP_MODULE_PAGE), pages[*nr].pfn,
				     pages[*nr].hyp_va, s[i].prot);
			if (res.a0 != SMCCC_RET_SUCCESS || res.a1)
				return res.a0 ? -EPERM : (int)res.a1;
			(*nr)++;
		}
	}
	return 0;
}

/*
 * The hypervisor logs a module by the first 16 bytes of its name, and
 * gives it the ops table and call convention of @api.
 */
static struct arm_smccc_res alloc_module_va(unsigned long nr_pages,
					    const char *name, unsigned int api)
{
	u64 packed[2] = { 0, 0 };
	struct arm_smccc_res res;

	memcpy(packed, name, min_t(size_t, strlen(name), sizeof(packed)));
	arm_smccc_1_1_hvc(HC_ID(HC_ALLOC_MODULE_VA), nr_pages, packed[0],
			  packed[1], api, &res);
	return res;
}

/* The generation's name (PKVM_API_GENERATIONS), or NULL: not one we know. */
static const char *api_name(unsigned int api)
{
#define PK_API_NAME(code, name)	{ code, #name },
	static const struct {
		unsigned int code;
		const char *name;
	} names[] = {
		PKVM_API_GENERATIONS(PK_API_NAME)
	};
#undef PK_API_NAME
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(names); i++)
		if (PKVM_API_GENERATION(api) == names[i].code)
			return names[i].name;
	return NULL;
}

/*
 * The generation the module's EL1 side was built for must be the one its
 * EL2 image records (Makefile.module and the header both take it from
 * PKVM_MODULE_API): otherwise its handlers would run with one
 * generation's table or convention while written for another's.
 */
static int check_api(const struct pkvm_el2_module *m, struct module *this)
{
	unsigned long where = (unsigned long)m->el2_api;
	unsigned int el2;

	if (!IS_ALIGNED(where, 4) || !within_module_core(where, this) ||
	    !within_module_core(where + sizeof(*m->el2_api) - 1, this)) {
		pr_err("%s: no interface generation recorded in its EL2 image\n",
		       this->name);
		return -EINVAL;
	}
	el2 = *m->el2_api;
	if (!api_name(el2) || (el2 & ~(0xffffU | PKVM_API_LIST_HARDENED))) {
		pr_err("%s: EL2 image built for an unknown interface generation (%#x)\n",
		       this->name, el2);
		return -EINVAL;
	}
	if (PKVM_API_GENERATION(m->api) != PKVM_API_GENERATION(el2)) {
		pr_err("%s: EL1 code built for %s, EL2 code for %s: rebuild both with one PKVM_MODULE_API\n",
		       this->name, api_name(m->api) ?: "an unknown generation",
		       api_name(el2));
		return -EINVAL;
	}
	/* one generation, two kernel configurations (CONFIG_LIST_HARDENED) */
	if (m->api != el2) {
		pr_err("%s: EL1 code built %s the list-hardening members, EL2 code %s: rebuild both against this kernel's headers\n",
		       this->name,
		       m->api & PKVM_API_LIST_HARDENED ? "with" : "without",
		       el2 & PKVM_API_LIST_HARDENED ? "with" : "without");
		return -EINVAL;
	}
	return 0;
}

/* HC_INIT_MODULE's x2: the sections' places, for a debugger at EL2 */
static u64 section_layout(const struct el2_section *s, int nr_sec,
			  unsigned long start)
{
	static const char *const names[HC_NR_SECTIONS] = {
		[HC_SECTION_TEXT] = "text", [HC_SECTION_RODATA] = "rodata",
		[HC_SECTION_DATA] = "data", [HC_SECTION_BSS] = "bss",
	};
	u64 pages[HC_NR_SECTIONS], x2 = 0;
	int i, j;

	for (j = 0; j < HC_NR_SECTIONS; j++)
		pages[j] = HC_SECTION_NONE;
	for (i = 0; i < nr_sec; i++)
		for (j = 0; j < HC_NR_SECTIONS; j++)
			if (!strcmp(s[i].name, names[j]))
				pages[j] = min_t(u64, (s[i].start - start) >> PAGE_SHIFT,
						 HC_SECTION_NONE);
	for (j = 0; j < HC_NR_SECTIONS; j++)
		x2 |= HC_SECTIONS_PACK(j, pages[j]);
	return x2;
}

/* HC_INIT_MODULE: run init at EL2, its hyp events registered first. */
static struct arm_smccc_res init_module_at_el2(const struct pkvm_el2_module *m,
					       unsigned long start,
					       unsigned long hyp_va,
					       unsigned long init, u64 layout)
{
	unsigned long ids = (unsigned long)m->event_ids.start;
	unsigned long ids_end = (unsigned long)m->event_ids.end;
	struct arm_smccc_res res;

	if (ids == ids_end)
		ids = ids_end = 0;
	else
		ids = hyp_va + (ids - start), ids_end = hyp_va + (ids_end - start);
	arm_smccc_1_1_hvc(HC_ID(HC_INIT_MODULE), hyp_va + (init - start),
			  layout, ids, ids_end, &res);
	return res;
}

static int load_locked(const struct pkvm_el2_module *m, struct module *this,
		       unsigned long *token)
{
	struct el2_section s[4];
	unsigned long start, end, hyp_va, init = (unsigned long)m->init;
	struct arm_smccc_res res;
	struct mapped *pages;
	unsigned int nr = 0, events_end;
	int nr_sec, ret, events;

	nr_sec = collect_sections(m, this, s);
	if (nr_sec < 0)
		return nr_sec;
	start = s[0].start;
	end = s[nr_sec - 1].end;
	if (init < (unsigned long)m->text.start ||
	    init >= (unsigned long)m->text.end) {
		pr_err("%s: EL2 init is not in the EL2 text\n", this->name);
		return -EINVAL;
	}
	ret = check_relocs(m, this, start, end);
	if (!ret)
		ret = check_api(m, this);
	if (ret)
		return ret;

	res = alloc_module_va((end - start) >> PAGE_SHIFT, this->name, m->api);
	if (res.a0 != SMCCC_RET_SUCCESS || !res.a1) {
		pr_err("%s: failed to allocate hypervisor VA space for EL2 module\n",
		       this->name);
		return res.a0 ? -EPERM : -ENOMEM;
	}
	hyp_va = res.a1;
	/* its calls into modules loaded before it, while it is still ours */
	ret = pk_el2_link_imports(m, this, start, hyp_va);
	if (ret)
		goto drop;
	ret = -ENOMEM;
	pages = kvmalloc_array((end - start) >> PAGE_SHIFT, sizeof(*pages),
			       GFP_KERNEL);
	if (!pages)
		goto drop;
	/* its hyp events' ids, while their names are still kernel pointers */
	events = pk_trace_bind_module(m, this->name, &events_end);
	if (events < 0) {
		kvfree(pages);
		ret = events;
		goto drop;
	}
	ret = apply_relocs(m, start, hyp_va);
	if (!ret)
		ret = map_pages(s, nr_sec, start, hyp_va, pages, &nr);
	if (ret) {
		pr_err("%s: failed to map EL2 module page: %d\n", this->name, ret);
		goto undo;
	}
	/* once its EL2 init ran, its EL2 code stays for good */
	if (!try_module_get(this)) {
		ret = -ENODEV;
		goto undo;
	}
	/* from here a panic in its EL2 code names the module's functions */
	pk_el2_range_add(this->name, hyp_va, end - start, start);
	res = init_module_at_el2(m, start, hyp_va, init,
				 section_layout(s, nr_sec, start));
	ret = res.a0 ? -EPERM : (int)res.a1;
	if (ret) {
		pr_err("%s: failed to init EL2 module: %d\n", this->name, ret);
		/* its hooks are withdrawn: wait for calls already in them */
		wait_for_hooks_in_flight();
		pk_el2_range_drop(hyp_va);
		module_put(this);
		goto undo;
	}
	hold_pages(pages, nr);
	if (token)
		*token = hyp_va;
	record_pages(pages, nr);
	pk_el2_link_add(m, this, start, hyp_va);
	pr_info("%s: EL2 code loaded at %#lx (%lu pages, %s)\n", this->name,
		hyp_va, (end - start) >> PAGE_SHIFT, api_name(m->api));
	kvfree(pages);
	return 0;
undo:
	kvfree(pages);
	pk_trace_unbind_module(events, events_end);
drop:
	/* the pages go back to the host, the VA is free again */
	drop_module(this->name, hyp_va);
	return ret;
}

/*
 * No EL2 load may be in flight when deprivilege starts (its clean-up
 * hypercalls would be refused): wait for one to finish, then close.
 */
void pk_close_el2_loading(void)
{
	mutex_lock(&load_lock);
	WRITE_ONCE(pk.deprivilege_started, true);
	mutex_unlock(&load_lock);
}

/*
 * A deprivilege the hypervisor refused changed nothing there (module
 * registration and set-up calls are still open): loading is open again.
 */
void pk_reopen_el2_loading(void)
{
	mutex_lock(&load_lock);
	WRITE_ONCE(pk.deprivilege_started, false);
	mutex_unlock(&load_lock);
}

int __pkvm_load_el2_module(const struct pkvm_el2_module *m,
			   struct module *this, unsigned long *token)
{
	int ret;

	mutex_lock(&load_lock);
	if (!pk.installed || pk_deprivilege_started()) {
		pr_err("%s: cannot load EL2 code: %s\n", this->name,
		       pk.installed ? "the host is already deprivileged"
				    : "the hypervisor is not installed");
		ret = -EOPNOTSUPP;
	} else {
		ret = load_locked(m, this, token);
	}
	mutex_unlock(&load_lock);
	return ret;
}
EXPORT_SYMBOL(__pkvm_load_el2_module);

/*
 * is_protected_kvm_enabled() in modules built against the SDK
 * (asm/kvm_pkvm_module.h): true once the hypervisor is installed, from
 * before any vendor module can load.
 */
bool __pkvmkit_protected_kvm_enabled(void)
{
	return READ_ONCE(pk.installed);
}
EXPORT_SYMBOL(__pkvmkit_protected_kvm_enabled);

int __pkvm_register_el2_call(unsigned long hfn_hyp_va)
{
	struct arm_smccc_res res;

	res = pk_hvc(HC_ID(HC_REGISTER_HCALL), hfn_hyp_va, 0, 0);
	if (res.a0 != SMCCC_RET_SUCCESS) {
		pr_err("cannot register an EL2 handler after deprivilege\n");
		return -EPERM;
	}
	if ((long)res.a1 < 0)
		pr_err("EL2 handler at %#lx refused: %ld\n", hfn_hyp_va,
		       (long)res.a1);
	else
		pk_status_record_call((int)res.a1, hfn_hyp_va);
	return (int)res.a1;
}
EXPORT_SYMBOL(__pkvm_register_el2_call);
