// SPDX-License-Identifier: GPL-2.0-only
/*
 * pkvm_bench (make bench): the round trip of a vendor-module call. Under
 * QEMU -icount shift=0 one guest instruction is one virtual nanosecond, so
 * with interrupts off the time of N calls, less that of the same loop
 * without the hvc, is the instructions one call costs (the hvc and eret
 * included). Beside it, the floor: the same path for an id nothing is
 * registered at (vector, save, dispatch, NOT_SUPPORTED stub, restore), and
 * an HVC outside the dynamic range, which goes through the C dispatcher.
 *
 * Also the host SMC path (a SiP id, SMCCC_VERSION), which scripts/bench.sh
 * measures with and without modules/smc_filter loaded, and, given
 * guard_call (the hypercall id of modules/page_guard), a host write to a
 * page page_guard made read-only: the fault, the module's handler skipping
 * the store, and the way back, net of the same store to a writable page.
 * That one needs the host stage-2, so it runs once the host is
 * deprivileged, when /sys/kernel/debug/pkvm_bench/guarded_write is read.
 */
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/gfp.h>
#include <linux/init.h>
#include <linux/irqflags.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <asm/kvm_pkvm_module.h>

#define NR_CALLS	100000
#define NR_SMCS		20000
#define NR_FAULTS	20000
#define SIP_SMC		0x82000010UL
#define SMCCC_VERSION	0x80000000UL
#define GUARD_RO	1
#define GUARD_LIFT	3

static int guard_call;
module_param(guard_call, int, 0444);
MODULE_PARM_DESC(guard_call, "hypercall id of page_guard (0: no fault figure)");

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

/* @smc: issue SMC #0 with x0 = @fn, else a nop. Returns virtual ns. */
static u64 run_smc_loop(unsigned long fn, bool smc)
{
	unsigned long flags, i;
	u64 t0, t1;

	local_irq_save(flags);
	t0 = ktime_get_ns();
	for (i = 0; i < NR_SMCS; i++) {
		register unsigned long r0 asm("x0") = fn;

		if (smc)
			asm volatile("smc #0" : "+r" (r0) : :
				     "x1", "x2", "x3", "x4", "x5", "x6", "x7",
				     "x8", "x9", "x10", "x11", "x12", "x13",
				     "x14", "x15", "x16", "x17", "memory");
		else
			asm volatile("nop" : "+r" (r0) : :
				     "x1", "x2", "x3", "x4", "x5", "x6", "x7",
				     "x8", "x9", "x10", "x11", "x12", "x13",
				     "x14", "x15", "x16", "x17", "memory");
	}
	t1 = ktime_get_ns();
	local_irq_restore(flags);
	return t1 - t0;
}

/* NR_FAULTS stores of 0 to @p. Returns virtual ns. */
static u64 run_store_loop(unsigned long *p)
{
	unsigned long flags, i;
	u64 t0, t1;

	local_irq_save(flags);
	t0 = ktime_get_ns();
	for (i = 0; i < NR_FAULTS; i++)
		asm volatile("str xzr, [%0]" : : "r" (p) : "memory");
	t1 = ktime_get_ns();
	local_irq_restore(flags);
	return t1 - t0;
}

static void report_n(const char *what, const char *unit, u64 ns, u64 base,
		     u64 n)
{
	u64 net = ns - base;

	pr_info("pkvm_bench: %s: %llu.%02llu instructions per %s (%llu)\n",
		what, net / n, (net % n) * 100 / n, unit, n);
}

static void report(const char *what, u64 ns, u64 base)
{
	report_n(what, "call", ns, base, NR_CALLS);
}

static void bench_smcs(void)
{
	u64 empty = run_smc_loop(SIP_SMC, false);

	report_n("host SMC, a SiP id", "SMC", run_smc_loop(SIP_SMC, true),
		 empty, NR_SMCS);
	report_n("host SMC, SMCCC_VERSION", "SMC",
		 run_smc_loop(SMCCC_VERSION, true), empty, NR_SMCS);
}

/* A write to a page page_guard made read-only, skipped by its handler. */
static int bench_guarded_write(void)
{
	unsigned long *p = (unsigned long *)__get_free_page(GFP_KERNEL | __GFP_ZERO);
	u64 writable, guarded;
	int ret = 0;

	if (!p)
		return -ENOMEM;
	writable = run_store_loop(p);
	*p = 0x5a;
	if (pkvm_el2_mod_call(guard_call, GUARD_RO, virt_to_pfn(p))) {
		ret = -EIO;
		goto out;
	}
	guarded = run_store_loop(p);
	pkvm_el2_mod_call(guard_call, GUARD_LIFT, virt_to_pfn(p));
	if (*p != 0x5a) {	/* the stores were skipped, not done */
		pr_err("pkvm_bench: a store to the guarded page landed\n");
		ret = -EIO;
		goto out;
	}
	report_n("host write to a page_guard page, skipped by the module",
		 "fault", guarded, writable, NR_FAULTS);
out:
	free_page((unsigned long)p);
	return ret;
}

static ssize_t guarded_write_read(struct file *f, char __user *ubuf,
				  size_t len, loff_t *ppos)
{
	int ret;

	if (*ppos)
		return 0;
	ret = guard_call ? bench_guarded_write() : -ENODEV;
	return ret ? ret : 0;
}

static const struct file_operations guarded_write_fops = {
	.owner = THIS_MODULE,
	.read = guarded_write_read,
};

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
	bench_smcs();
	debugfs_create_file("guarded_write", 0400,
			    debugfs_create_dir("pkvm_bench", NULL), NULL,
			    &guarded_write_fops);
	return 0;
}
module_init(bench_init);

MODULE_LICENSE("GPL");
