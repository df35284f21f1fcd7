// SPDX-License-Identifier: GPL-2.0-only
/*
 * Names for EL2 addresses and exception syndromes, for people reading a
 * hypervisor panic: "pkvmkit:function+0xoff" for the hypervisor's own
 * code (from a table generated from hyp.elf), "module:function+0xoff" for
 * a vendor module's EL2 code (its EL2 range maps back to the module's EL1
 * copy, which kallsyms knows as __kvm_nvhe_function), and the ESR's
 * exception class, and for aborts the access and the fault status, in
 * words.
 */
#include "pkvmkit.h"
#include <linux/kallsyms.h>
#include <linux/seq_file.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <pkvmkit/boot.h>
#include "hyp-syms.h"

struct hyp_sym {
	unsigned long off;	/* from HYP_IMAGE_VA */
	const char *name;
};

static const struct hyp_sym hyp_syms[] = {
#include "hyp-symtab.h"
};

/* The EL2 code of each loaded module, from just before its init runs. */
#define MAX_EL2_MODULES	32

struct el2_range {
	char name[MODULE_NAME_LEN];
	unsigned long hyp_va, size, el1_va;
};

static struct el2_range ranges[MAX_EL2_MODULES];
static unsigned int nr_ranges;
static DEFINE_SPINLOCK(ranges_lock);	/* a panic reads them without it */

void pk_el2_range_add(const char *name, unsigned long hyp_va,
		      unsigned long size, unsigned long el1_va)
{
	struct el2_range *r;

	spin_lock(&ranges_lock);
	if (nr_ranges < MAX_EL2_MODULES) {
		r = &ranges[nr_ranges];
		strscpy(r->name, name, sizeof(r->name));
		r->hyp_va = hyp_va;
		r->size = size;
		r->el1_va = el1_va;
		/* the range, then the count: a lockless reader sees it whole */
		smp_store_release(&nr_ranges, nr_ranges + 1);
	}
	spin_unlock(&ranges_lock);
}

/* The last range added goes (its EL2 init failed). */
void pk_el2_range_drop(unsigned long hyp_va)
{
	spin_lock(&ranges_lock);
	if (nr_ranges && ranges[nr_ranges - 1].hyp_va == hyp_va) {
		/* pairs with the readers' acquire, as pk_el2_range_add()'s */
		smp_store_release(&nr_ranges, nr_ranges - 1);
	}
	spin_unlock(&ranges_lock);
}

void pk_el2_ranges_show(struct seq_file *m)
{
	/* pairs with pk_el2_range_add(): the first n ranges are whole */
	unsigned int i, n = smp_load_acquire(&nr_ranges);

	seq_puts(m, "EL2 modules:\n");
	for (i = 0; i < n; i++)
		seq_printf(m, "  %-20s EL2 %#lx-%#lx  (EL1 copy at %px)\n",
			   ranges[i].name, ranges[i].hyp_va,
			   ranges[i].hyp_va + ranges[i].size,
			   (void *)ranges[i].el1_va);
	if (!n)
		seq_puts(m, "  none\n");
}

/*
 * @back: how far before @va the instruction to name lies: 0 for a PC,
 * 4 for a return address (the call before it, which a call to a
 * noreturn function at the end of its caller leaves past the caller's
 * last instruction). The offset printed is @va's all the same.
 */
static bool name_hyp_code(unsigned long va, unsigned long back, char *buf,
			  size_t len)
{
	unsigned long off = va - back - HYP_IMAGE_VA;
	int lo = 0, hi = ARRAY_SIZE(hyp_syms) - 1, best = -1;

	if (va - back < HYP_IMAGE_VA || off >= HYP_SYM__hyp_text_end)
		return false;
	while (lo <= hi) {	/* the last symbol at or below off */
		int mid = (lo + hi) / 2;

		if (hyp_syms[mid].off <= off) {
			best = mid;
			lo = mid + 1;
		} else {
			hi = mid - 1;
		}
	}
	if (best < 0)
		return false;
	snprintf(buf, len, "pkvmkit:%s+%#lx", hyp_syms[best].name,
		 off + back - hyp_syms[best].off);
	return true;
}

/* "__kvm_nvhe_fn+0x10/0x40 [mod]" -> "mod:fn+0x(10 + @back)" */
static void tidy_module_symbol(const char *ksym, const char *module,
			       unsigned long back, char *buf, size_t len)
{
	const char *fn = ksym;
	unsigned long off;
	size_t n;

	if (!strncmp(fn, "__kvm_nvhe_", 11))
		fn += 11;
	n = strcspn(fn, "+/ ");
	if (fn[n] == '+' && sscanf(fn + n, "+%lx", &off) == 1)
		snprintf(buf, len, "%s:%.*s+%#lx", module, (int)n, fn, off + back);
	else
		snprintf(buf, len, "%s:%.*s", module, (int)n, fn);
}

static bool name_module_code(unsigned long va, unsigned long back,
			     char *buf, size_t len)
{
	/* pairs with pk_el2_range_add(): the first n ranges are whole */
	unsigned int i, n = smp_load_acquire(&nr_ranges);
	char ksym[KSYM_SYMBOL_LEN];

	for (i = 0; i < n; i++) {
		const struct el2_range *r = &ranges[i];

		if (va - back - r->hyp_va >= r->size)
			continue;
		sprint_symbol(ksym, r->el1_va + (va - back - r->hyp_va));
		if (ksym[0] == '0' && ksym[1] == 'x')	/* no symbol there */
			snprintf(buf, len, "%s:+%#lx", r->name, va - r->hyp_va);
		else
			tidy_module_symbol(ksym, r->name, back, buf, len);
		return true;
	}
	return false;
}

void pk_el2_symbol(unsigned long va, char *buf, size_t len)
{
	if (!name_hyp_code(va, 0, buf, len) && !name_module_code(va, 0, buf, len))
		snprintf(buf, len, "?");
}

/* A return address of a call trace: named by the call before it. */
void pk_el2_symbol_return(unsigned long va, char *buf, size_t len)
{
	if (!name_hyp_code(va, 4, buf, len) && !name_module_code(va, 4, buf, len))
		snprintf(buf, len, "?");
}

static const char *const esr_classes[64] = {
	[0x00] = "unknown reason",
	[0x01] = "WFI/WFE",
	[0x07] = "SVE/SIMD/FP access",
	[0x0e] = "illegal execution state",
	[0x15] = "SVC (AArch64)",
	[0x16] = "HVC (AArch64)",
	[0x17] = "SMC (AArch64)",
	[0x18] = "MSR/MRS/system instruction",
	[0x19] = "SVE access",
	[0x1f] = "implementation defined",
	[0x20] = "instruction abort from a lower EL",
	[0x21] = "instruction abort at the same EL",
	[0x22] = "PC alignment fault",
	[0x24] = "data abort from a lower EL",
	[0x25] = "data abort at the same EL",
	[0x26] = "SP alignment fault",
	[0x2f] = "SError",
	[0x30] = "breakpoint from a lower EL",
	[0x31] = "breakpoint at the same EL",
	[0x32] = "software step from a lower EL",
	[0x33] = "software step at the same EL",
	[0x34] = "watchpoint from a lower EL",
	[0x35] = "watchpoint at the same EL",
	[0x3c] = "BRK",
};

static const char *fault_status(u64 fsc)
{
	switch (fsc & 0x3c) {
	case 0x00:
		return "address size fault";
	case 0x04:
		return "translation fault";
	case 0x08:
		return "access flag fault";
	case 0x0c:
		return "permission fault";
	}
	switch (fsc) {
	case 0x10:
		return "synchronous external abort";
	case 0x21:
		return "alignment fault";
	case 0x30:
		return "TLB conflict abort";
	default:
		return "other fault";
	}
}

void pk_esr_describe(u64 esr, char *buf, size_t len)
{
	u64 ec = (esr >> 26) & 0x3f, fsc = esr & 0x3f;
	const char *class = esr_classes[ec] ?: "exception class";
	bool dabt = ec == 0x24 || ec == 0x25, iabt = ec == 0x20 || ec == 0x21;
	const char *access = iabt ? "instruction fetch" :
			     (esr & BIT(6)) ? "write" : "read";

	if (!dabt && !iabt)
		snprintf(buf, len, "%s (EC %#llx)", class, ec);
	else if ((fsc & 0x3c) <= 0x0c)	/* the fault kinds with a level */
		snprintf(buf, len, "%s (EC %#llx): %s, %s at level %llu",
			 class, ec, access, fault_status(fsc), fsc & 3);
	else
		snprintf(buf, len, "%s (EC %#llx): %s, %s", class, ec, access,
			 fault_status(fsc));
}
