// SPDX-License-Identifier: GPL-2.0-only
/*
 * pkvmkit_guest: what the inner guest (a VM run by QEMU on /dev/kvm, see
 * docs/vmm.md) measures and does in its kernel. Loaded by the guest's
 * /init (tests/vm/guest-init.sh); the same Debian kernel runs outside and
 * inside, so the one build serves.
 *
 * /sys/kernel/debug/pkvmkit_guest/cmd: write a command, read its report
 * (lines of "name key=value ..."; the /init prints each on the console).
 *
 *   empty N       the timed loop with nothing in it (its own cost)
 *   mmio N        N reads of the PL031 RTC's data register: an MMIO exit
 *                 that the VMM emulates in userspace (below)
 *   hvc N         N HVCs of PSCI_VERSION (0x84000000), SMCCC 1.1
 *   secret PAGES  fill PAGES fresh pages with a new random token, print it
 *                 and each page's guest-physical address; the pages stay
 *                 until secret_check (or unload)
 *   secret_check  were those pages left as written? then free them
 *   memstress     on every online CPU at once, take free pages until only
 *                 a reserve is left, write a pattern, verify it, give them
 *                 back
 *
 * A new operation is one function and one line of vg_cmds[].
 *
 * The timed loops read the virtual counter (CNTVCT_EL0, after an isb so
 * the read is not done early) around N iterations, with interrupts off
 * so the guest's timer ticks (each several exits to userspace with QEMU's
 * GIC) are not counted, and report counter ticks per iteration and the
 * counter's frequency (CNTFRQ_EL0).
 *
 * Turning ticks into instructions: under QEMU TCG the guest's counter
 * follows QEMU's virtual clock, and with -icount shift=0 that clock moves
 * 1 ns per instruction the outer machine executes (all its CPUs together,
 * so a busy second CPU counts too). The inner guest's virtual counter is
 * the outer machine's counter minus an offset (CNTVOFF_EL2): same rate.
 * So one tick is 1e9 / CNTFRQ ns, that many instructions of the outer
 * guest, the VM's host (16 at QEMU's 62.5 MHz counter): ns_per_iter is
 * instructions per iteration, counted to the nearest tick over N.
 *
 * Why the PL031's RTCDR (offset 0): QEMU's virt machine has one at a
 * device-tree node of its own; the register is read-only and reading it
 * has no side effect (no FIFO, nothing cleared), so reading it any number
 * of times changes nothing for the RTC driver or anyone else; it is not
 * the console (PL011) or the interrupt controller (also emulated in
 * userspace with kernel-irqchip=off), whose state a stray access would
 * disturb.
 */
#include <linux/arm-smccc.h>
#include <linux/cpu.h>
#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/kthread.h>
#include <linux/math64.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/of.h>
#include <linux/of_address.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vmstat.h>
#include <uapi/linux/psci.h>
#include <asm/barrier.h>
#include <asm/sysreg.h>

#define REPORT_SIZE	4096
#define MAX_ITERS	10000000U
#define MAX_SECRET	64U
#define SECRET_LEN	32	/* one copy: the token, padded with '.' */
#define PL031_DR	0x00	/* RTC data register, read-only */
/* memstress leaves this much free, so the rest of the guest can run */
#define STRESS_RESERVE	(16UL << (20 - PAGE_SHIFT))

static DEFINE_MUTEX(cmd_lock);
static char report[REPORT_SIZE];
static size_t report_len;
static struct dentry *dir;

static struct page *secret_page[MAX_SECRET];
static unsigned int secret_pages;
static char secret[SECRET_LEN + 1];

/* Append one formatted line to the report. */
static __printf(1, 2) void out(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report_len += vscnprintf(report + report_len, REPORT_SIZE - report_len,
				 fmt, ap);
	va_end(ap);
	report_len += scnprintf(report + report_len, REPORT_SIZE - report_len,
				"\n");
}

static inline u64 counter(void)
{
	isb();
	return read_sysreg(cntvct_el0);
}

/* "op=NAME iters=N ticks=T cntfrq=F cycles_per_iter=X.XX ns_per_iter=Y.YY" */
static void report_timing(const char *op, u32 iters, u64 ticks)
{
	u32 frq = read_sysreg(cntfrq_el0);
	u64 c100 = div_u64(ticks * 100, iters);
	u64 ns100 = frq ? div_u64(mul_u64_u32_div(ticks, NSEC_PER_SEC, frq) * 100,
				  iters) : 0;

	out("bench op=%s iters=%u ticks=%llu cntfrq=%u cycles_per_iter=%llu.%02llu ns_per_iter=%llu.%02llu",
	    op, iters, ticks, frq, c100 / 100, c100 % 100, ns100 / 100,
	    ns100 % 100);
}

static int parse_iters(const char *arg, u32 *iters)
{
	if (!arg || kstrtou32(arg, 0, iters) || !*iters || *iters > MAX_ITERS) {
		out("error iterations: want 1..%u", MAX_ITERS);
		return -EINVAL;
	}
	return 0;
}

static int cmd_empty(const char *arg)
{
	unsigned long flags;
	u64 t0, t1;
	u32 i, n;

	if (parse_iters(arg, &n))
		return -EINVAL;
	local_irq_save(flags);
	t0 = counter();
	for (i = 0; i < n; i++)
		barrier();	/* keeps the loop, as the others have it */
	t1 = counter();
	local_irq_restore(flags);
	report_timing("empty", n, t1 - t0);
	return 0;
}

static int cmd_mmio(const char *arg)
{
	struct device_node *np;
	void __iomem *base;
	unsigned long flags;
	u64 t0, t1;
	u32 i, n, v = 0;

	if (parse_iters(arg, &n))
		return -EINVAL;
	np = of_find_compatible_node(NULL, NULL, "arm,pl031");
	if (!np) {
		out("error mmio: no arm,pl031 node in the device tree");
		return -ENODEV;
	}
	base = of_iomap(np, 0);
	of_node_put(np);
	if (!base) {
		out("error mmio: cannot map the PL031");
		return -ENOMEM;
	}
	local_irq_save(flags);
	t0 = counter();
	for (i = 0; i < n; i++)
		v = readl_relaxed(base + PL031_DR);
	t1 = counter();
	local_irq_restore(flags);
	iounmap(base);
	report_timing("mmio", n, t1 - t0);
	out("mmio rtc_dr=%u", v);
	return 0;
}

static int cmd_hvc(const char *arg)
{
	struct arm_smccc_res res = {};
	unsigned long flags;
	u64 t0, t1;
	u32 i, n;

	if (parse_iters(arg, &n))
		return -EINVAL;
	local_irq_save(flags);
	t0 = counter();
	for (i = 0; i < n; i++)
		arm_smccc_1_1_hvc(PSCI_0_2_FN_PSCI_VERSION, &res);
	t1 = counter();
	local_irq_restore(flags);
	if ((long)res.a0 < 0) {
		out("error hvc: PSCI_VERSION answered %ld", (long)res.a0);
		return -EIO;
	}
	report_timing("hvc", n, t1 - t0);
	out("hvc psci_version=%lu.%lu", PSCI_VERSION_MAJOR(res.a0),
	    PSCI_VERSION_MINOR(res.a0));
	return 0;
}

static void secret_free(void)
{
	unsigned int i;

	for (i = 0; i < secret_pages; i++)
		__free_page(secret_page[i]);
	secret_pages = 0;
}

static int cmd_secret(const char *arg)
{
	unsigned int i, n;
	char *p;
	int off;

	if (!arg || kstrtouint(arg, 0, &n) || !n || n > MAX_SECRET) {
		out("error secret: want 1..%u pages", MAX_SECRET);
		return -EINVAL;
	}
	secret_free();
	/* A new token each time: found elsewhere, it is this run's. */
	snprintf(secret, sizeof(secret), "PKVMKIT-SECRET-%016llx",
		 get_random_u64());
	memset(secret + strlen(secret), '.', SECRET_LEN - strlen(secret));
	secret[SECRET_LEN] = '\0';
	out("secret token=%.31s pages=%u copies_per_page=%lu", secret, n,
	    PAGE_SIZE / SECRET_LEN);
	for (i = 0; i < n; i++) {
		struct page *pg = alloc_page(GFP_KERNEL);

		if (!pg) {
			out("error secret: out of memory at page %u", i);
			secret_free();
			return -ENOMEM;
		}
		p = page_address(pg);
		for (off = 0; off < PAGE_SIZE; off += SECRET_LEN)
			memcpy(p + off, secret, SECRET_LEN);
		secret_page[secret_pages++] = pg;
		out("secret gpa=%#llx", (u64)page_to_phys(pg));
	}
	return 0;
}

static int cmd_secret_check(const char *arg)
{
	unsigned int i, changed = 0, n = secret_pages;
	int off;

	if (!n) {
		out("error secret_check: no secret pages (run secret first)");
		return -ENOENT;
	}
	for (i = 0; i < n; i++) {
		const char *p = page_address(secret_page[i]);

		for (off = 0; off < PAGE_SIZE; off += SECRET_LEN)
			if (memcmp(p + off, secret, SECRET_LEN)) {
				changed++;
				break;
			}
	}
	secret_free();
	out("secret_check pages=%u changed=%u", n, changed);
	return 0;
}

struct stress {
	unsigned int cpu;
	u64 seed;
	unsigned long pages, bad;
	struct completion done;
};

/* The pattern: each word names its guest-physical address and the run. */
static inline u64 stress_word(phys_addr_t pa, u64 seed)
{
	return (u64)pa ^ seed;
}

static int stress_thread(void *data)
{
	struct stress *s = data;
	struct page *pg, *tmp;
	LIST_HEAD(held);
	unsigned int i;

	/* No OOM killer for us: stop at the reserve or the first refusal. */
	while (global_zone_page_state(NR_FREE_PAGES) > STRESS_RESERVE) {
		u64 *w;
		phys_addr_t pa;

		pg = alloc_page(GFP_KERNEL | __GFP_NORETRY | __GFP_NOWARN);
		if (!pg)
			break;
		w = page_address(pg);
		pa = page_to_phys(pg);
		for (i = 0; i < PAGE_SIZE / sizeof(*w); i++)
			w[i] = stress_word(pa + i * sizeof(*w), s->seed);
		list_add(&pg->lru, &held);
		s->pages++;
		cond_resched();
	}
	list_for_each_entry_safe(pg, tmp, &held, lru) {
		const u64 *w = page_address(pg);
		phys_addr_t pa = page_to_phys(pg);

		for (i = 0; i < PAGE_SIZE / sizeof(*w); i++)
			if (w[i] != stress_word(pa + i * sizeof(*w), s->seed)) {
				s->bad++;
				break;
			}
		list_del(&pg->lru);
		__free_page(pg);
		cond_resched();
	}
	complete(&s->done);
	return 0;
}

static int cmd_memstress(const char *arg)
{
	unsigned long total = totalram_pages(), pages = 0, bad = 0;
	unsigned int cpu, n = 0, started = 0;
	struct stress *s;
	int ret = 0;

	cpus_read_lock();
	s = kcalloc(nr_cpu_ids, sizeof(*s), GFP_KERNEL);
	if (!s) {
		cpus_read_unlock();
		return -ENOMEM;
	}
	for_each_online_cpu(cpu) {
		struct task_struct *t;

		s[n].cpu = cpu;
		s[n].seed = get_random_u64();
		init_completion(&s[n].done);
		t = kthread_create(stress_thread, &s[n], "pkvmkit_guest/%u", cpu);
		if (IS_ERR(t)) {
			out("error memstress: no thread for CPU %u", cpu);
			ret = PTR_ERR(t);
			break;
		}
		kthread_bind(t, cpu);
		wake_up_process(t);
		n++;
	}
	started = n;
	for (n = 0; n < started; n++) {
		wait_for_completion(&s[n].done);
		pages += s[n].pages;
		bad += s[n].bad;
		out("memstress cpu=%u pages=%lu bad=%lu", s[n].cpu, s[n].pages,
		    s[n].bad);
	}
	cpus_read_unlock();
	kfree(s);
	out("memstress cpus=%u pages=%lu bad=%lu touched_mib=%lu total_mib=%lu",
	    started, pages, bad, pages >> (20 - PAGE_SHIFT),
	    total >> (20 - PAGE_SHIFT));
	if (!ret && (bad || !pages))
		ret = -EIO;
	return ret;
}

static const struct {
	const char *name;
	int (*run)(const char *arg);
} vg_cmds[] = {
	{ "empty", cmd_empty },
	{ "mmio", cmd_mmio },
	{ "hvc", cmd_hvc },
	{ "secret", cmd_secret },
	{ "secret_check", cmd_secret_check },
	{ "memstress", cmd_memstress },
};

static ssize_t cmd_write(struct file *f, const char __user *ubuf, size_t len,
			 loff_t *pos)
{
	char buf[64], *arg, *name;
	unsigned int i;
	int ret = -EINVAL;

	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';
	arg = strim(buf);
	name = strsep(&arg, " \t");
	if (arg)
		arg = skip_spaces(arg);

	mutex_lock(&cmd_lock);
	report_len = 0;
	report[0] = '\0';
	for (i = 0; i < ARRAY_SIZE(vg_cmds); i++)
		if (!strcmp(name, vg_cmds[i].name)) {
			ret = vg_cmds[i].run(arg);
			break;
		}
	if (i == ARRAY_SIZE(vg_cmds))
		out("error unknown command '%s'", name);
	mutex_unlock(&cmd_lock);
	return ret ? ret : len;
}

static ssize_t cmd_read(struct file *f, char __user *ubuf, size_t len,
			loff_t *pos)
{
	ssize_t ret;

	mutex_lock(&cmd_lock);
	ret = simple_read_from_buffer(ubuf, len, pos, report, report_len);
	mutex_unlock(&cmd_lock);
	return ret;
}

static const struct file_operations cmd_fops = {
	.owner = THIS_MODULE,
	.write = cmd_write,
	.read = cmd_read,
	.llseek = default_llseek,
};

static int __init pkvmkit_guest_init(void)
{
	dir = debugfs_create_dir("pkvmkit_guest", NULL);
	debugfs_create_file("cmd", 0600, dir, NULL, &cmd_fops);
	return 0;
}

static void __exit pkvmkit_guest_exit(void)
{
	debugfs_remove_recursive(dir);
	secret_free();
}

module_init(pkvmkit_guest_init);
module_exit(pkvmkit_guest_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("pkvmkit inner guest: exit timings, secret pages, memory stress");
