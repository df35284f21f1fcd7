// SPDX-License-Identifier: GPL-2.0-only
/*
 * Calls between vendor modules' EL2 code. A module's EL2 text may call a
 * function another module exports (EXPORT_SYMBOL(__kvm_nvhe_fn) on its
 * EL1 side) once that module's EL2 code is loaded. pkvmkit-gen-hyprel
 * lists each such branch (struct pkvm_el2_import) with a pointer to the
 * function, which the kernel's loader resolves to the exporter's EL1
 * copy. The loader also pointed the branch itself there, or at a PLT
 * veneer in the importer's EL1 text when that is out of range: EL1
 * addresses mean nothing at EL2. Before the importer's pages go to the
 * hypervisor, each branch is re-encoded to call the function's hypervisor
 * address in the exporter's EL2 image.
 */
#include "pkvmkit.h"
#include <linux/list.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <asm/cacheflush.h>
#include <pkvmkit/a64_branch.h>
#include "../sdk/arch/arm64/include/asm/kvm_pkvm_module.h"

/* A module whose EL2 code is loaded: its text at EL1, its image at EL2. */
struct el2_exporter {
	struct list_head list;
	struct module *mod;
	unsigned long text_start, text_end;
	unsigned long base, hyp_va;	/* lowest EL2 section: EL1, EL2 address */
};

static LIST_HEAD(exporters);
static DEFINE_MUTEX(link_lock);

/* The image of the importer being loaded, at EL1 and at EL2. */
struct importer {
	const struct pkvm_el2_module *m;
	struct module *this;
	unsigned long start, hyp_va;
};

static const char *import_name(const struct pkvm_el2_import *imp)
{
	return (const char *)&imp->name + imp->name;
}

static unsigned long import_place(const struct pkvm_el2_import *imp)
{
	return (unsigned long)&imp->place + imp->place;
}

static const struct el2_exporter *exporter_of(unsigned long kern_va)
{
	const struct el2_exporter *e;

	list_for_each_entry(e, &exporters, list)
		if (kern_va >= e->text_start && kern_va < e->text_end)
			return e;
	return NULL;
}

/* The import table and the names and branches it points to lie in @this. */
static int check_import(const struct importer *im,
			const struct pkvm_el2_import *imp, unsigned int i)
{
	unsigned long place = import_place(imp);
	unsigned long name = (unsigned long)import_name(imp);

	if (!IS_ALIGNED((unsigned long)imp, 8) ||
	    !within_module_core((unsigned long)imp, im->this) ||
	    !within_module_core((unsigned long)(imp + 1) - 1, im->this) ||
	    !within_module_core(name, im->this)) {
		pr_err("%s: EL2 import %u lies outside the module\n",
		       im->this->name, i);
		return -EINVAL;
	}
	if (!IS_ALIGNED(place, 4) ||
	    place < (unsigned long)im->m->text.start ||
	    place > (unsigned long)im->m->text.end - 4) {
		pr_err("%s: EL2 import %u (%.64s): the call is not in the EL2 text\n",
		       im->this->name, i, import_name(imp));
		return -EINVAL;
	}
	return 0;
}

/* The branch at @imp's place, re-encoded to call its target at EL2. */
static int resolve(const struct importer *im,
		   const struct pkvm_el2_import *imp, u32 *insn)
{
	unsigned long place = import_place(imp);
	const struct el2_exporter *e = exporter_of(imp->target);
	s64 off;
	int ret;

	if (!e) {
		pr_err("%s: EL2 code calls %.64s, which is in no module whose EL2 code is loaded: load the module exporting __kvm_nvhe_%.64s, and its EL2 code, first\n",
		       im->this->name, import_name(imp), import_name(imp));
		return -ENOENT;
	}
	off = (s64)(e->hyp_va + (imp->target - e->base)) -
	      (s64)(im->hyp_va + (place - im->start));
	ret = a64_branch_retarget(*(const u32 *)place, off, insn);
	if (ret == -ERANGE)
		pr_err("%s: EL2 call to %.64s in %s: %#llx bytes away at EL2, out of a branch's range (128 MiB)\n",
		       im->this->name, import_name(imp), e->mod->name,
		       (unsigned long long)abs(off));
	else if (ret)
		pr_err("%s: EL2 call to %.64s at %pS is not a branch to a function\n",
		       im->this->name, import_name(imp), (void *)place);
	return ret;
}

/* Text is read-only by now: write through a temporary writable mapping. */
static int write_insn(unsigned long place, u32 insn)
{
	struct page *page = vmalloc_to_page((void *)place);
	void *alias = vmap(&page, 1, VM_MAP, PAGE_KERNEL);
	u32 *p;

	if (!alias)
		return -ENOMEM;
	p = alias + offset_in_page(place);
	WRITE_ONCE(*p, insn);
	/* to the point of unification: the hypervisor fetches it from there */
	flush_icache_range((unsigned long)p, (unsigned long)(p + 1));
	vunmap(alias);
	return 0;
}

/* Check every import, then patch every branch: all or nothing. */
static int link_imports(const struct importer *im)
{
	const struct pkvm_el2_import *imp = im->m->imports;
	unsigned int i, n = im->m->nr_imports;
	u32 insn;
	int ret;

	for (i = 0; i < n; i++) {
		ret = check_import(im, &imp[i], i) ?: resolve(im, &imp[i], &insn);
		if (ret)
			return ret;
	}
	for (i = 0; i < n; i++) {
		ret = resolve(im, &imp[i], &insn) ?:
		      write_insn(import_place(&imp[i]), insn);
		if (ret)
			return ret;
	}
	return 0;
}

int pk_el2_link_imports(const struct pkvm_el2_module *m, struct module *this,
			unsigned long start, unsigned long hyp_va)
{
	const struct importer im = { m, this, start, hyp_va };
	int ret;

	mutex_lock(&link_lock);
	ret = link_imports(&im);
	mutex_unlock(&link_lock);
	if (!ret && m->nr_imports)
		pr_info("%s: %u EL2 call%s to other modules linked\n",
			this->name, m->nr_imports, m->nr_imports == 1 ? "" : "s");
	return ret;
}

/*
 * A module whose init fails after its EL2 code loaded is freed: its EL1
 * copy's addresses may come back as another module's, so forget it.
 */
static int going_notify(struct notifier_block *nb, unsigned long state,
			void *data)
{
	struct el2_exporter *e, *tmp;

	if (state != MODULE_STATE_GOING)
		return NOTIFY_DONE;
	mutex_lock(&link_lock);
	list_for_each_entry_safe(e, tmp, &exporters, list) {
		if (e->mod != data)
			continue;
		list_del(&e->list);
		kfree(e);
	}
	mutex_unlock(&link_lock);
	return NOTIFY_DONE;
}

static struct notifier_block going_nb = { .notifier_call = going_notify };

static int watch_modules_locked(void)
{
	static bool watching;
	int ret;

	if (watching)
		return 0;
	ret = register_module_notifier(&going_nb);
	watching = !ret;
	return ret;
}

void pk_el2_link_add(const struct pkvm_el2_module *m, struct module *this,
		     unsigned long start, unsigned long hyp_va)
{
	struct el2_exporter *e = kzalloc(sizeof(*e), GFP_KERNEL);
	int ret = e ? 0 : -ENOMEM;

	mutex_lock(&link_lock);
	if (!ret)
		ret = watch_modules_locked();
	if (!ret) {
		e->mod = this;
		e->text_start = (unsigned long)m->text.start;
		e->text_end = (unsigned long)m->text.end;
		e->base = start;
		e->hyp_va = hyp_va;
		list_add(&e->list, &exporters);
	}
	mutex_unlock(&link_lock);
	if (ret) {
		kfree(e);
		pr_err("%s: cannot record its EL2 code (%d): no module loaded after it can call it\n",
		       this->name, ret);
	}
}
