// SPDX-License-Identifier: GPL-2.0-only
/*
 * The list-hardening members of pkvm_module_ops (android15-6.6 on, in
 * the layout of a kernel with CONFIG_LIST_HARDENED): EL2 code that uses
 * <linux/list.h> calls these from list_add() and list_del() when an
 * inline check finds the links inconsistent. As the kernel's
 * __list_*_valid_or_report: say what is wrong and return false, so that
 * the list operation is skipped instead of corrupting memory further.
 */
#include <hyp/log.h>
#include <hyp/module_ops.h>

/* struct list_head as <linux/types.h> lays it out */
struct list_head {
	struct list_head *next, *prev;
};

#define LIST_POISON1	((void *)(0x100 + 0xdead000000000000UL))
#define LIST_POISON2	((void *)(0x122 + 0xdead000000000000UL))

static bool list_report(const char *what, const void *a, const void *b)
{
	hyp_log("pkvmkit: list corruption: %s (%lx, %lx)\n", what,
		(unsigned long)a, (unsigned long)b);
	return false;
}

bool hyp_op_list_add_valid_or_report(struct list_head *new,
				     struct list_head *prev,
				     struct list_head *next)
{
	if (!prev || !next)
		return list_report("list_add with a NULL neighbour", prev, next);
	if (next->prev != prev)
		return list_report("list_add: next->prev is not prev", next, prev);
	if (prev->next != next)
		return list_report("list_add: prev->next is not next", prev, next);
	if (new == prev || new == next)
		return list_report("list_add: double add", new, prev);
	return true;
}

bool hyp_op_list_del_entry_valid_or_report(struct list_head *entry)
{
	struct list_head *prev = entry->prev, *next = entry->next;

	if (next == LIST_POISON1)
		return list_report("list_del: next is LIST_POISON1", entry, next);
	if (prev == LIST_POISON2)
		return list_report("list_del: prev is LIST_POISON2", entry, prev);
	if (!prev || !next)
		return list_report("list_del: NULL link", entry, prev);
	if (prev->next != entry)
		return list_report("list_del: prev->next is not entry", entry, prev);
	if (next->prev != entry)
		return list_report("list_del: next->prev is not entry", entry, next);
	return true;
}
