// SPDX-License-Identifier: GPL-2.0-only
/*
 * early_map, EL2 half: module memory beyond its sections, set up in init.
 *
 * alloc_module_va + map_module_page give the module one more data page
 * (a page the EL1 half gave up: the hypervisor takes it from the host).
 * linear_map_early maps a table the EL1 half filled, only long enough to
 * copy it there; it must be unmapped before init returns (the hypervisor
 * removes a leftover at deprivilege and marks the system insecure:
 * `leave_mapped` shows that). A hypercall reads the copy back.
 */
#include <asm/kvm_pkvm_module.h>

#define TABLE_WORDS	64

u64 table_pa;			/* set by EL1: the table to copy */
u64 extra_pfn;			/* set by EL1: the page for the copy */
bool leave_mapped;		/* set by EL1: forget to unmap (a bug) */
static u64 *extra;

/* -> x1 = sum of the copied words, x2 = word x1 */
void early_map_read(struct kvm_cpu_context *ctxt)
{
	u64 i, sum = 0, idx = cpu_reg(ctxt, 1);

	for (i = 0; i < TABLE_WORDS; i++)
		sum += extra[i];
	cpu_reg(ctxt, 1) = sum;
	cpu_reg(ctxt, 2) = idx < TABLE_WORDS ? extra[idx] : 0;
}

int early_map_init(const struct pkvm_module_ops *ops)
{
	const u64 *table;
	int i, ret;

	extra = ops->alloc_module_va(1);
	if (!extra)
		return -ENOMEM;
	ret = ops->map_module_page(extra_pfn, extra,
				   KVM_PGTABLE_PROT_R | KVM_PGTABLE_PROT_W, false);
	if (ret)
		return ret;
	table = ops->linear_map_early(table_pa, TABLE_WORDS * sizeof(u64),
				      KVM_PGTABLE_PROT_R);
	if (!table)
		return -ENOMEM;
	for (i = 0; i < TABLE_WORDS; i++)
		extra[i] = table[i];
	if (!leave_mapped)
		ops->linear_unmap_early((void *)table, TABLE_WORDS * sizeof(u64));
	return 0;
}
