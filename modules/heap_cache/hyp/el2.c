// SPDX-License-Identifier: GPL-2.0-only
/*
 * heap_cache, EL2 half: an android16-6.12 vendor module. A small
 * key-value store kept at EL2 in memory from hyp_alloc, so that the host
 * can neither read nor change it; the host stores, finds and drops
 * values through module calls.
 *
 * As 6.12 handlers do, each call sets x0 itself: SMCCC_RET_SUCCESS, and
 * the result in x1 (0 or -errno). When hyp_alloc runs out, x1 is -ENOMEM
 * and x2 how many pages hyp_alloc_missing_donations() says would do: the
 * EL1 side donates them (__pkvm_topup_hyp_alloc) and calls again.
 *
 * The host may call on every CPU at once: one hyp spinlock (the kernel's
 * nvhe/spinlock.h, as pKVM's own EL2 code uses it) keeps the store whole.
 */
#include <asm/kvm_pkvm_module.h>
#include <nvhe/spinlock.h>

#define ENOMEM		12
#define ENOENT		2

struct entry {
	struct entry *next;
	u64 key, value;
};

static const struct pkvm_module_ops *pkvm_ops;
static hyp_spinlock_t lock;		/* zero: unlocked */
static struct entry *entries;	/* under lock */

static void answer(struct user_pt_regs *regs, s64 ret, u64 x2)
{
	regs->regs[0] = SMCCC_RET_SUCCESS;
	regs->regs[1] = (u64)ret;
	regs->regs[2] = x2;
}

static struct entry **find_locked(u64 key)
{
	struct entry **e;

	hyp_assert_lock_held(&lock);
	for (e = &entries; *e; e = &(*e)->next)
		if ((*e)->key == key)
			return e;
	return e;
}

/* put(x1 = key, x2 = value) -> x1 = 0 and x2 = the entry's hyp VA, or -ENOMEM and x2 = pages missing */
void heap_cache_put(struct user_pt_regs *regs)
{
	struct entry **slot, *e;

	hyp_spin_lock(&lock);
	slot = find_locked(regs->regs[1]);
	e = *slot;
	if (!e) {
		e = pkvm_ops->hyp_alloc(sizeof(*e));
		if (!e) {
			hyp_spin_unlock(&lock);
			answer(regs, pkvm_ops->hyp_alloc_errno(),
			       pkvm_ops->hyp_alloc_missing_donations());
			return;
		}
		e->key = regs->regs[1];
		e->next = NULL;
		*slot = e;
	}
	e->value = regs->regs[2];
	hyp_spin_unlock(&lock);
	answer(regs, 0, (u64)e);
}

/* get(x1 = key) -> x1 = 0 and x2 = value, or -ENOENT */
void heap_cache_get(struct user_pt_regs *regs)
{
	struct entry *e;
	u64 value = 0;

	hyp_spin_lock(&lock);
	e = *find_locked(regs->regs[1]);
	if (e)
		value = e->value;
	hyp_spin_unlock(&lock);
	answer(regs, e ? 0 : -ENOENT, value);
}

/* drop(x1 = key) -> x1 = 0 or -ENOENT */
void heap_cache_drop(struct user_pt_regs *regs)
{
	struct entry **slot, *e;

	hyp_spin_lock(&lock);
	slot = find_locked(regs->regs[1]);
	e = *slot;
	if (e) {
		*slot = e->next;
		pkvm_ops->hyp_free(e);
	}
	hyp_spin_unlock(&lock);
	answer(regs, e ? 0 : -ENOENT, 0);
}

int heap_cache_init(const struct pkvm_module_ops *ops)
{
	pkvm_ops = ops;
	return 0;
}
