// SPDX-License-Identifier: GPL-2.0-only
/*
 * The lock order's run-time check (HYP_LOCK_CHECKS, hyp/spinlock.h): what
 * a violation reports, and the test hypercall that commits one on purpose.
 */
#include <hyp/cpu.h>
#include <hyp/lock_order.h>
#include <hyp/log.h>
#include <hyp/mm.h>
#include <hyp/module.h>
#include <hyp/spinlock.h>

#define HYP_LOCK_NAME(name, what)	#name,

static const char *const lock_names[HYP_LOCK_NR_LEVELS] = {
	"a lock with no level",
	HYP_LOCK_ORDER(HYP_LOCK_NAME)
};

/* The innermost level held at or above @level: what @level conflicts with. */
static u32 conflicting_level(u32 held, u32 level)
{
	u32 l;

	for (l = HYP_LOCK_NR_LEVELS - 1; l > level; l--)
		if (held & (1U << l))
			return l;
	return level;
}

void hyp_lock_order_violation(const hyp_spinlock_t *lock)
{
	struct hyp_cpu *cpu = this_cpu();
	u32 held = cpu->locks_held;
	u32 level = lock->level < HYP_LOCK_NR_LEVELS ? lock->level : 0;

	/* the report itself takes log_lock: no more checks on this CPU */
	cpu->locks_held = 0;
	if (!level)
		hyp_log("pkvmkit: BUG: lock order: taking %s (%lx): every lock needs HYP_LOCK_INIT()\n",
			lock_names[0], (unsigned long)lock);
	else
		hyp_log("pkvmkit: BUG: lock order: taking %s while holding %s\n",
			lock_names[level], lock_names[conflicting_level(held, level)]);
	asm volatile("brk #0x801");
	__builtin_unreachable();
}

/*
 * HC_TEST_PANIC with HC_TEST_LOCK_ORDER: take module_lock while holding
 * mem_lock, the wrong way round. With the checks on, a panic; without,
 * nothing happens (-EOPNOTSUPP): nothing else holds both.
 */
int hyp_test_lock_order(void)
{
	hyp_spin_lock(&mem_lock);
	hyp_spin_lock(&module_lock);
	hyp_spin_unlock(&module_lock);
	hyp_spin_unlock(&mem_lock);
	return -EOPNOTSUPP;
}
