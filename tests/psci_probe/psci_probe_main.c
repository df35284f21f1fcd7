// SPDX-License-Identifier: GPL-2.0-only
/*
 * psci_probe: lets a scenario check what the host can reach through PSCI
 * once the hypervisor has deprivileged it. It starts an offline CPU (or
 * suspends an online one) with the probe (probe.S) as entry point and
 * reports where the probe ran and whether it could read the hypervisor's
 * memory.
 *
 * /sys/kernel/debug/psci_probe/ (root only):
 *
 *   target       the PA the probe tries to read (the scenario writes the
 *                hypervisor image's PA there)
 *   call         write "[cpu N] CONDUIT FN [A1 [A2 [A3]]]" to issue one
 *                SMCCC call, CONDUIT = smc, hvc or smc1 ("smc #1");
 *                read "x0 x1 x2 x3"
 *   cpu_on       write "CONDUIT FN CPU": FN (a CPU_ON id) for the offline
 *                CPU's MPIDR with the probe as entry point; waits for the
 *                probe and for the CPU to be off again
 *   cpu_suspend  write "CONDUIT FN POWER_STATE CPU": FN (a CPU_SUSPEND
 *                id) on CPU, the probe as entry point; then HC_PING and
 *                HC_CPU_STATE on the same CPU
 *
 * cpu_on and cpu_suspend read back a report, one "name value" per line.
 * The ids to test come from the scenario (the PSCI 0.1 ones from the
 * device tree); this module only knows the architectural ones it needs.
 */
#include <linux/arm-smccc.h>
#include <linux/cpumask.h>
#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/fs.h>
#include <linux/gfp.h>
#include <linux/jiffies.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <asm/barrier.h>
#include <asm/cputype.h>
#include <pkvmkit/hypercall.h>
#include "probe.h"

extern const char psci_probe_start[], psci_probe_entry[], psci_probe_end[];

#define PROBE_WAIT_MS		3000	/* a probe that ran is done in far less */
#define CPU_OFF_WAIT_MS		1000
#define PSCI_AFFINITY_OFF	1

enum conduit { CONDUIT_SMC, CONDUIT_HVC, CONDUIT_SMC_IMM1 };

static struct page *code_page;		/* the probe, vectors first */
static struct page *result_page;	/* written by the probe, MMU off */
static u64 target_pa;
static u64 cpu_mpidr[NR_CPUS];
static cpumask_t mpidr_known;
static DEFINE_MUTEX(probe_lock);	/* one probe, one report at a time */

struct probe_report {
	bool valid;
	unsigned long x0;		/* what the PSCI call returned */
	u64 words[PROBE_NR_WORDS];	/* the result page */
	long affinity;			/* AFFINITY_INFO of the CPU after */
	struct arm_smccc_res ping;	/* cpu_suspend: HC_PING after it */
	unsigned long cpu_state;	/* cpu_suspend: HC_CPU_STATE x1 */
};

static struct probe_report on_report, suspend_report;
static struct arm_smccc_res call_result;

/* ---- cache maintenance: the probe runs with its MMU and caches off ---- */

static unsigned long dcache_line_bytes(void)
{
	/* CTR_EL0.DminLine: log2 of the smallest line, in words */
	return 4UL << ((read_cpuid_cachetype() >> 16) & 0xf);
}

/* Clean and invalidate [va, va + len) to the point of coherency. */
static void dcache_clean_inval_poc_range(const void *va, size_t len)
{
	unsigned long line = dcache_line_bytes();
	unsigned long p = (unsigned long)va & ~(line - 1);
	unsigned long end = (unsigned long)va + len;

	for (; p < end; p += line)
		asm volatile("dc civac, %0" : : "r" (p) : "memory");
	dsb(sy);
}

static void *result_va(void)
{
	return page_address(result_page);
}

static u64 result_word(unsigned int offset)
{
	return READ_ONCE(((u64 *)result_va())[offset / 8]);
}

/*
 * Zero the result page and give the probe its target, all the way to
 * memory: no dirty line of ours may later overwrite what the probe wrote.
 */
static void reset_result_page(void)
{
	memset(result_va(), 0, PAGE_SIZE);
	((u64 *)result_va())[PROBE_TARGET / 8] = target_pa;
	dcache_clean_inval_poc_range(result_va(), PAGE_SIZE);
}

/* Drop our cached copy so the next read sees what the probe wrote. */
static void refresh_result_page(void)
{
	dcache_clean_inval_poc_range(result_va(), PAGE_SIZE);
}

/*
 * The probe's vectors must be 2 KiB aligned: it goes at the start of its
 * page. The CPU that runs it fetches it with its MMU off, from memory, and
 * is not the one writing it: clean to the PoC and invalidate every CPU's
 * instruction cache (inner shareable).
 */
static int install_probe_code(void)
{
	size_t size = psci_probe_end - psci_probe_start;
	void *va = page_address(code_page);

	if (size > PAGE_SIZE ||
	    psci_probe_entry - psci_probe_start !=
	    PROBE_NR_VECTORS * PROBE_VECTOR_BYTES)
		return -EINVAL;
	memcpy(va, psci_probe_start, size);
	dcache_clean_inval_poc_range(va, PAGE_SIZE);
	asm volatile("ic ialluis" : : : "memory");
	dsb(ish);
	isb();
	return 0;
}

static u64 probe_entry_pa(void)
{
	return page_to_phys(code_page) + (psci_probe_entry - psci_probe_start);
}

/* ---- SMCCC calls through a chosen conduit, here or on a chosen CPU ---- */

/* SMCCC 1.2 lets the callee use x4..x17 for results: all clobbered. */
static void smc_imm1(const unsigned long a[4], struct arm_smccc_res *res)
{
	register unsigned long x0 asm("x0") = a[0];
	register unsigned long x1 asm("x1") = a[1];
	register unsigned long x2 asm("x2") = a[2];
	register unsigned long x3 asm("x3") = a[3];

	asm volatile("smc #1"
		     : "+r" (x0), "+r" (x1), "+r" (x2), "+r" (x3)
		     :
		     : "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11",
		       "x12", "x13", "x14", "x15", "x16", "x17", "memory");
	res->a0 = x0;
	res->a1 = x1;
	res->a2 = x2;
	res->a3 = x3;
}

static void smccc_call(enum conduit c, const unsigned long a[4],
		       struct arm_smccc_res *res)
{
	switch (c) {
	case CONDUIT_HVC:
		arm_smccc_1_1_hvc(a[0], a[1], a[2], a[3], res);
		break;
	case CONDUIT_SMC_IMM1:
		smc_imm1(a, res);
		break;
	default:
		arm_smccc_1_1_smc(a[0], a[1], a[2], a[3], res);
		break;
	}
}

struct remote_call {
	enum conduit conduit;
	unsigned long a[4];
	struct arm_smccc_res res;
};

static void remote_call_here(void *info)
{
	struct remote_call *rc = info;

	smccc_call(rc->conduit, rc->a, &rc->res);
}

/* On @cpu, or here if @cpu < 0. */
static int smccc_call_on(int cpu, struct remote_call *rc)
{
	if (cpu < 0) {
		remote_call_here(rc);
		return 0;
	}
	if (cpu >= nr_cpu_ids || !cpu_online(cpu))
		return -ENODEV;
	return smp_call_function_single(cpu, remote_call_here, rc, 1);
}

static void hvc_here(unsigned long id, struct arm_smccc_res *res)
{
	arm_smccc_1_1_hvc(id, res);
}

/* ---- CPU_ON: start an offline CPU in the probe ---- */

static void record_mpidr(void *unused)
{
	unsigned int cpu = smp_processor_id();

	cpu_mpidr[cpu] = read_cpuid_mpidr() & MPIDR_HWID_BITMASK;
	cpumask_set_cpu(cpu, &mpidr_known);
}

static bool wait_probe_done(void)
{
	unsigned long deadline = jiffies + msecs_to_jiffies(PROBE_WAIT_MS);

	do {
		refresh_result_page();
		if (result_word(PROBE_DONE) == PROBE_DONE_MAGIC)
			return true;
		msleep(10);
	} while (time_before(jiffies, deadline));
	return false;
}

static long affinity_info(u64 mpidr)
{
	const unsigned long a[4] = { PSCI_FN64(PSCI_NR_AFFINITY_INFO), mpidr };
	struct arm_smccc_res res;

	smccc_call(CONDUIT_SMC, a, &res);
	return res.a0;
}

/*
 * The probe's CPU_OFF is its last act, but the CPU is only off a little
 * later: wait for it, so Linux can bring the CPU online again.
 */
static long wait_cpu_off(u64 mpidr)
{
	unsigned long deadline = jiffies + msecs_to_jiffies(CPU_OFF_WAIT_MS);
	long state;

	while ((state = affinity_info(mpidr)) != PSCI_AFFINITY_OFF &&
	       time_before(jiffies, deadline))
		msleep(10);
	return state;
}

static void snapshot_result_page(struct probe_report *r)
{
	unsigned int i;

	refresh_result_page();
	for (i = 0; i < PROBE_NR_WORDS; i++)
		r->words[i] = result_word(i * 8);
}

static int probe_cpu_on(enum conduit c, unsigned long fn, unsigned int cpu)
{
	struct remote_call rc = { .conduit = c };
	struct probe_report *r = &on_report;
	u64 mpidr;

	if (cpu >= nr_cpu_ids || cpu_online(cpu) ||
	    !cpumask_test_cpu(cpu, &mpidr_known))
		return -ENODEV;
	mpidr = cpu_mpidr[cpu];
	memset(r, 0, sizeof(*r));
	reset_result_page();

	rc.a[0] = fn;
	rc.a[1] = mpidr;
	rc.a[2] = probe_entry_pa();
	rc.a[3] = page_to_phys(result_page);
	smccc_call_on(-1, &rc);
	r->x0 = rc.res.a0;
	if (r->x0 == 0)
		wait_probe_done();
	snapshot_result_page(r);
	r->affinity = wait_cpu_off(mpidr);
	r->valid = true;
	return 0;
}

/* ---- CPU_SUSPEND: suspend an online CPU, the probe as resume entry ---- */

struct suspend_call {
	struct remote_call rc;
	struct arm_smccc_res ping, state;
};

static void suspend_here(void *info)
{
	struct suspend_call *sc = info;

	remote_call_here(&sc->rc);
	/* is this CPU still ours, right where the call returned? */
	hvc_here(HC_ID(HC_PING), &sc->ping);
	hvc_here(HC_ID(HC_CPU_STATE), &sc->state);
}

static int probe_cpu_suspend(enum conduit c, unsigned long fn,
			     unsigned long power_state, unsigned int cpu)
{
	struct suspend_call sc = { .rc.conduit = c };
	struct probe_report *r = &suspend_report;
	int ret;

	if (cpu >= nr_cpu_ids || !cpu_online(cpu))
		return -ENODEV;
	memset(r, 0, sizeof(*r));
	reset_result_page();

	sc.rc.a[0] = fn;
	sc.rc.a[1] = power_state;
	sc.rc.a[2] = probe_entry_pa();
	sc.rc.a[3] = page_to_phys(result_page);
	ret = smp_call_function_single(cpu, suspend_here, &sc, 1);
	if (ret)
		return ret;
	r->x0 = sc.rc.res.a0;
	r->ping = sc.ping;
	r->cpu_state = sc.state.a1;
	snapshot_result_page(r);
	r->affinity = affinity_info(cpu_mpidr[cpu]);
	r->valid = true;
	return 0;
}

/* ---- debugfs ---- */

static int parse_conduit(const char *s, enum conduit *c)
{
	if (!strcmp(s, "smc"))
		*c = CONDUIT_SMC;
	else if (!strcmp(s, "hvc"))
		*c = CONDUIT_HVC;
	else if (!strcmp(s, "smc1"))
		*c = CONDUIT_SMC_IMM1;
	else
		return -EINVAL;
	return 0;
}

/*
 * Split @s into at most @max words; returns how many, or -EINVAL if there
 * are more.
 */
static int split_words(char *s, char **words, int max)
{
	char *tok;
	int n = 0;

	s = strim(s);
	while ((tok = strsep(&s, " \t"))) {
		if (!*tok)
			continue;
		if (n == max)
			return -EINVAL;
		words[n++] = tok;
	}
	return n;
}

static int parse_ulongs(char **words, int n, unsigned long *vals)
{
	int i;

	for (i = 0; i < n; i++)
		if (kstrtoul(words[i], 0, &vals[i]))
			return -EINVAL;
	return 0;
}

/* Copy a short command from user space, NUL terminated. */
static int copy_command(char *buf, size_t cap, const char __user *ubuf,
			size_t len)
{
	if (len >= cap)
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';
	return 0;
}

#define CMD_MAX		160
#define MAX_WORDS	8

/* "[cpu N] CONDUIT FN [A1 [A2 [A3]]]" */
static int run_call_command(char *cmd)
{
	struct remote_call rc = { };
	char *w[MAX_WORDS];
	int n, ret, cpu = -1;

	n = split_words(cmd, w, MAX_WORDS);
	if (n >= 2 && !strcmp(w[0], "cpu")) {
		if (kstrtoint(w[1], 0, &cpu) || cpu < 0)
			return -EINVAL;
		n -= 2;
		memmove(w, w + 2, n * sizeof(*w));
	}
	if (n < 2 || n > 5 || parse_conduit(w[0], &rc.conduit) ||
	    parse_ulongs(w + 1, n - 1, rc.a))
		return -EINVAL;
	ret = smccc_call_on(cpu, &rc);
	if (!ret)
		call_result = rc.res;
	return ret;
}

/* "CONDUIT FN CPU" */
static int run_cpu_on_command(char *cmd)
{
	unsigned long v[2];
	enum conduit c;
	char *w[MAX_WORDS];

	if (split_words(cmd, w, MAX_WORDS) != 3 || parse_conduit(w[0], &c) ||
	    parse_ulongs(w + 1, 2, v))
		return -EINVAL;
	return probe_cpu_on(c, v[0], v[1]);
}

/* "CONDUIT FN POWER_STATE CPU" */
static int run_cpu_suspend_command(char *cmd)
{
	unsigned long v[3];
	enum conduit c;
	char *w[MAX_WORDS];

	if (split_words(cmd, w, MAX_WORDS) != 4 || parse_conduit(w[0], &c) ||
	    parse_ulongs(w + 1, 3, v))
		return -EINVAL;
	return probe_cpu_suspend(c, v[0], v[1], v[2]);
}

static ssize_t command_write(struct file *f, const char __user *ubuf,
			     size_t len, loff_t *ppos)
{
	int (*run)(char *cmd) = file_inode(f)->i_private;
	char buf[CMD_MAX];
	int ret;

	ret = copy_command(buf, sizeof(buf), ubuf, len);
	if (ret)
		return ret;
	mutex_lock(&probe_lock);
	ret = run(buf);
	mutex_unlock(&probe_lock);
	return ret ? ret : len;
}

static const char *const result_names[PROBE_NR_WORDS] = {
	"ran", "el", "target", "read_ok", "word", "faults", "vector", "esr",
	"far", "elr", "done", "off_ret",
};

static size_t format_report(char *buf, size_t cap,
			    const struct probe_report *r)
{
	size_t n;
	int i;

	if (!r->valid)
		return scnprintf(buf, cap, "none\n");
	n = scnprintf(buf, cap, "x0 %#lx\naffinity %ld\n", r->x0,
		      r->affinity);
	for (i = 0; i < PROBE_NR_WORDS; i++)
		n += scnprintf(buf + n, cap - n, "%s %#llx\n", result_names[i],
			       r->words[i]);
	if (r == &suspend_report)
		n += scnprintf(buf + n, cap - n,
			       "ping_x0 %#lx\nping_x1 %#lx\ncpu_state %#lx\n",
			       r->ping.a0, r->ping.a1, r->cpu_state);
	return n;
}

static ssize_t report_read(struct file *f, char __user *ubuf, size_t len,
			   loff_t *ppos)
{
	int (*run)(char *cmd) = file_inode(f)->i_private;
	char buf[512];
	size_t n;

	mutex_lock(&probe_lock);
	if (run == run_call_command)
		n = scnprintf(buf, sizeof(buf), "%#lx %#lx %#lx %#lx\n",
			      call_result.a0, call_result.a1, call_result.a2,
			      call_result.a3);
	else
		n = format_report(buf, sizeof(buf),
				  run == run_cpu_on_command ? &on_report :
							      &suspend_report);
	mutex_unlock(&probe_lock);
	return simple_read_from_buffer(ubuf, len, ppos, buf, n);
}

static const struct file_operations command_fops = {
	.owner = THIS_MODULE,
	.read = report_read,
	.write = command_write,
	.llseek = default_llseek,
};

static void create_files(void)
{
	struct dentry *dir = debugfs_create_dir("psci_probe", NULL);

	debugfs_create_x64("target", 0600, dir, &target_pa);
	debugfs_create_file("call", 0600, dir, run_call_command,
			    &command_fops);
	debugfs_create_file("cpu_on", 0600, dir, run_cpu_on_command,
			    &command_fops);
	debugfs_create_file("cpu_suspend", 0600, dir, run_cpu_suspend_command,
			    &command_fops);
}

static void free_pages_of_probe(void)
{
	if (code_page)
		__free_page(code_page);
	if (result_page)
		__free_page(result_page);
}

/*
 * No exit: a probe that never reached CPU_OFF stays parked in these pages,
 * so they must outlive the module; like pkvmkit.ko, it cannot be unloaded.
 */
static int __init psci_probe_init(void)
{
	int ret;

	/* below 4 GiB: the SMC32 CPU_ON passes 32-bit addresses */
	code_page = alloc_page(GFP_KERNEL | GFP_DMA32 | __GFP_ZERO);
	result_page = alloc_page(GFP_KERNEL | GFP_DMA32 | __GFP_ZERO);
	if (!code_page || !result_page) {
		free_pages_of_probe();
		return -ENOMEM;
	}
	ret = install_probe_code();
	if (ret) {
		free_pages_of_probe();
		return ret;
	}
	/* a CPU's MPIDR can only be read on it: now, while all are online */
	on_each_cpu(record_mpidr, NULL, 1);
	create_files();
	return 0;
}

module_init(psci_probe_init);
MODULE_DESCRIPTION("pkvmkit test: what a CPU started through PSCI can reach");
MODULE_LICENSE("GPL");
