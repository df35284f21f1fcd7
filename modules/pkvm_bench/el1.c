// SPDX-License-Identifier: GPL-2.0-only
/*
 * pkvm_bench (make bench): the round trip of a vendor-module call. Under
 * QEMU -icount shift=0 one guest instruction is one virtual nanosecond, so
 * with interrupts off the time of N calls, less that of the same loop
 * without the hvc, is the instructions one call costs (the hvc and eret
 * included). Beside it, the floor: the same path for an id nothing is
 * registered at (vector, save, dispatch, NOT_SUPPORTED stub, restore), and
 * an HVC outside the dynamic range, which goes through the C dispatcher.
 */
#include <linux/init.h>
#include <linux/irqflags.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <asm/kvm_pkvm_module.h>

#define NR_CALLS	100000

int __kvm_nvhe_bench_hyp_init(const struct pkvm_module_ops *ops);
void __kvm_nvhe_bench_hyp_hvc(struct kvm_cpu_context *ctx);

/* @hvc: issue the call, else a nop in its place. Returns virtual ns. */
static u64 run_loop(unsigned long x0, bool hvc, unsigned long *sum)
{
	unsigned long flags, i, acc = 0;
	u64 t0, t1;

	local_irq_save(flags);
	t0 = ktime_get_ns();
	for (i = 0; i < NR_CALLS; i++) {
		register unsigned long r0 asm("x0") = x0;
		register unsigned long r1 asm("x1") = i;

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

static void report(const char *what, u64 ns, u64 base)
{
	u64 net = ns - base;

	pr_info("pkvm_bench: %s: %llu.%02llu instructions per call (%d calls)\n",
		what, net / NR_CALLS, (net % NR_CALLS) * 100 / NR_CALLS, NR_CALLS);
}

static int __init bench_init(void)
{
	unsigned long token, sum_empty, sum_call, sum_floor, sum_slow;
	u64 empty, call, floor, slow;
	int id, ret;

	ret = pkvm_load_el2_module(__kvm_nvhe_bench_hyp_init, &token);
	if (ret)
		return ret;
	id = pkvm_register_el2_mod_call(__kvm_nvhe_bench_hyp_hvc, token);
	if (id < 0 || id == 255)
		return id < 0 ? id : -EBUSY;
	if (pkvm_el2_mod_call(id, 41) != 42)
		return -EIO;

	empty = run_loop(KVM_HOST_SMCCC_ID(id), false, &sum_empty);
	call = run_loop(KVM_HOST_SMCCC_ID(id), true, &sum_call);
	floor = run_loop(KVM_HOST_SMCCC_ID(255), true, &sum_floor);
	slow = run_loop(0xbadc0de, true, &sum_slow);
	/* each call added 1 to x1: the calls really happened */
	if (sum_call != sum_empty + NR_CALLS) {
		pr_err("pkvm_bench: the handler did not run every time\n");
		return -EIO;
	}
	report("module call (handler writes x1)", call, empty);
	report("bare-vector floor (unregistered id 255)", floor, empty);
	report("refused by the C dispatcher (not a vendor-hyp id)", slow, empty);
	return 0;
}
module_init(bench_init);

MODULE_LICENSE("GPL");
