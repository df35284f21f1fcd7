// SPDX-License-Identifier: GPL-2.0-only
/*
 * pkvm_bench_66 (make bench): the android15-6.6 figures beside
 * pkvm_bench's android14-6.1 ones, measured the same way (QEMU -icount
 * shift=0: a guest instruction is a virtual nanosecond; interrupts off;
 * net of the same loop without the hvc):
 *   - a module call whose handler sets x0 and writes x1;
 *   - the same handler with a hyp trace point the host has not enabled,
 *     and both again for a handler that calls an ops member (non-leaf);
 *   - hyp_alloc(64) + hyp_free() at EL2, NR_ALLOCS per call, net of the
 *     same call doing none.
 */
#include <linux/init.h>
#include <linux/irqflags.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <asm/kvm_pkvm_module.h>

#define HYP_EVENT_FILE BENCH_EVENTS
#include <asm/kvm_define_hypevents.h>

#define NR_CALLS	100000
#define NR_ALLOC_CALLS	200
#define NR_ALLOCS	1000

int __kvm_nvhe_bench66_init(const struct pkvm_module_ops *ops);
void __kvm_nvhe_bench66_call(struct user_pt_regs *regs);
void __kvm_nvhe_bench66_traced(struct user_pt_regs *regs);
void __kvm_nvhe_bench66_alloc(struct user_pt_regs *regs);
void __kvm_nvhe_bench66_call_out(struct user_pt_regs *regs);
void __kvm_nvhe_bench66_call_out_traced(struct user_pt_regs *regs);

#define X1_INDEX	(~0UL)	/* x1 = the loop index, for counting runs */

/* @n calls with x1 = @a1 (a nop in place of the hvc if !@hvc): virtual ns */
static u64 run_loop(unsigned long x0, unsigned long a1, bool hvc,
		    unsigned long n, unsigned long *sum)
{
	unsigned long flags, i, acc = 0;
	u64 t0, t1;

	local_irq_save(flags);
	t0 = ktime_get_ns();
	for (i = 0; i < n; i++) {
		register unsigned long r0 asm("x0") = x0;
		register unsigned long r1 asm("x1") = a1 == X1_INDEX ? i : a1;

		if (hvc)
			asm volatile("hvc #0" : "+r" (r0), "+r" (r1) : :
				     "x2", "x3", "memory");
		else
			asm volatile("nop" : "+r" (r0), "+r" (r1) : :
				     "x2", "x3", "memory");
		acc += r1;
	}
	t1 = ktime_get_ns();
	local_irq_restore(flags);
	*sum = acc;
	return t1 - t0;
}

static void report(const char *what, const char *unit, u64 net, u64 n)
{
	pr_info("pkvm_bench: %s: %llu.%02llu instructions per %s (%llu)\n",
		what, net / n, (net % n) * 100 / n, unit, n);
}

static int bench_call(int id, const char *what)
{
	unsigned long sum_empty, sum;
	u64 empty, call;

	empty = run_loop(KVM_HOST_SMCCC_ID(id), X1_INDEX, false, NR_CALLS,
			 &sum_empty);
	call = run_loop(KVM_HOST_SMCCC_ID(id), X1_INDEX, true, NR_CALLS, &sum);
	if (sum != sum_empty + NR_CALLS) {
		pr_err("pkvm_bench_66: the handler did not run every time\n");
		return -EIO;
	}
	report(what, "call", call - empty, NR_CALLS);
	return 0;
}

/* The heap starts empty: donate pages until a 64-byte block fits. */
static int fill_heap(int id)
{
	int i;

	for (i = 0; i < 4; i++) {
		long r = (long)pkvm_el2_mod_call(id, 1);

		if (r == 1)
			return 0;
		if (r != -ENOMEM || __pkvm_topup_hyp_alloc(1))
			return -EIO;
	}
	return -ENOMEM;
}

static int bench_alloc(int id)
{
	unsigned long sum_none, sum_some;
	u64 none, some;
	int ret = fill_heap(id);

	if (ret)
		return ret;
	none = run_loop(KVM_HOST_SMCCC_ID(id), 0, true, NR_ALLOC_CALLS, &sum_none);
	some = run_loop(KVM_HOST_SMCCC_ID(id), NR_ALLOCS, true, NR_ALLOC_CALLS,
			&sum_some);
	if (sum_some != (unsigned long)NR_ALLOC_CALLS * NR_ALLOCS) {
		pr_err("pkvm_bench_66: not every allocation succeeded\n");
		return -EIO;
	}
	report("hyp_alloc(64) + hyp_free at EL2 (android15-6.6)", "pair",
	       some - none, (u64)NR_ALLOC_CALLS * NR_ALLOCS);
	return 0;
}

static int __init bench66_init(void)
{
	int call, traced, out, out_traced, alloc, ret;
	unsigned long token;

	ret = pkvm_load_el2_module(__kvm_nvhe_bench66_init, &token);
	if (ret)
		return ret;
	call = pkvm_register_el2_mod_call(__kvm_nvhe_bench66_call, token);
	traced = pkvm_register_el2_mod_call(__kvm_nvhe_bench66_traced, token);
	out = pkvm_register_el2_mod_call(__kvm_nvhe_bench66_call_out, token);
	out_traced = pkvm_register_el2_mod_call(__kvm_nvhe_bench66_call_out_traced,
						token);
	alloc = pkvm_register_el2_mod_call(__kvm_nvhe_bench66_alloc, token);
	if (call < 0 || traced < 0 || out < 0 || out_traced < 0 || alloc < 0)
		return -EBUSY;
	return bench_call(call, "module call, android15-6.6 (handler sets x0, writes x1)") ?:
	       bench_call(traced, "  the same with a disabled hyp trace point") ?:
	       bench_call(out, "module call, android15-6.6, handler calling the hypervisor") ?:
	       bench_call(out_traced, "  the same with a disabled hyp trace point (non-leaf)") ?:
	       bench_alloc(alloc);
}
module_init(bench66_init);

MODULE_DESCRIPTION("pkvmkit: android15-6.6 module-call, trace-point and heap figures");
MODULE_LICENSE("GPL");
