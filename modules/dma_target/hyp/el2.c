// SPDX-License-Identifier: GPL-2.0-only
/*
 * dma_target, EL2 half: the hypervisor's side of the DMA scenario.
 *
 * TARGET_TAKE takes a host page (host_donate_hyp) and fills it at EL2
 * with the pattern of a seed: a secret a device must not read.
 * TARGET_CHECK counts the bytes of such a page that still hold the
 * pattern: 4096 when no device wrote there. TARGET_GIVE zeroes the page
 * and gives it back to the host. Only pages taken here are checked or
 * given back.
 */
#include <asm/kvm_pkvm_module.h>
#include <asm/kvm_hyp.h>
#include <nvhe/spinlock.h>
#include "../dma_pattern.h"

enum target_op {
	TARGET_TAKE = 1,	/* x2 = pfn, x3 = seed -> x1 = 0 / -errno */
	TARGET_CHECK,		/* x2 = pfn, x3 = seed -> x1 = matching bytes / -errno */
	TARGET_GIVE,		/* x2 = pfn -> x1 */
};

#define MAX_TAKEN	8

static const struct pkvm_module_ops *ops;
static u64 taken[MAX_TAKEN];
static hyp_spinlock_t taken_lock;	/* zero: unlocked */

static u64 *slot_of(u64 pfn)
{
	int i;

	for (i = 0; i < MAX_TAKEN; i++)
		if (taken[i] == pfn)
			return &taken[i];
	return NULL;
}

static unsigned char *page_va(u64 pfn)
{
	return ops->hyp_va(pfn << PAGE_SHIFT);
}

static int take(u64 pfn, u64 seed)
{
	u64 *slot;
	int ret;

	if (!pfn || slot_of(pfn))
		return -EEXIST;
	slot = slot_of(0);
	if (!slot)
		return -ENOSPC;
	ret = ops->host_donate_hyp(pfn, 1);
	if (ret)
		return ret;
	dma_pattern_fill(page_va(pfn), seed);
	*slot = pfn;
	return 0;
}

static long check(u64 pfn, u64 seed)
{
	if (!pfn || !slot_of(pfn))
		return -ENOENT;
	return dma_pattern_matches(page_va(pfn), seed);
}

static int give(u64 pfn)
{
	u64 *slot = pfn ? slot_of(pfn) : NULL;
	int ret;

	if (!slot)
		return -ENOENT;
	/* parenthesised: <linux/string.h> makes memset a macro */
	(ops->memset)(page_va(pfn), 0, PAGE_SIZE);
	ret = ops->hyp_donate_host(pfn, 1);
	if (!ret)
		*slot = 0;
	return ret;
}

void dma_target_call(struct kvm_cpu_context *ctxt)
{
	u64 pfn = cpu_reg(ctxt, 2), seed = cpu_reg(ctxt, 3);
	long ret;

	hyp_spin_lock(&taken_lock);
	switch (cpu_reg(ctxt, 1)) {
	case TARGET_TAKE:
		ret = take(pfn, seed);
		break;
	case TARGET_CHECK:
		ret = check(pfn, seed);
		break;
	case TARGET_GIVE:
		ret = give(pfn);
		break;
	default:
		ret = -EINVAL;
		break;
	}
	hyp_spin_unlock(&taken_lock);
	cpu_reg(ctxt, 1) = ret;
}

int dma_target_init(const struct pkvm_module_ops *module_ops)
{
	ops = module_ops;
	return 0;
}
