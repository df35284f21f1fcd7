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
#include <linux/ioport.h>
#include <linux/kthread.h>
#include <linux/log2.h>
#include <linux/math64.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/of.h>
#include <linux/of_address.h>
#include <linux/random.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/string.h>
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

/* ---- hostile: everything a guest can try, in a loop -------------------- */

/*
 * One round: HST_CALLS random HVCs and as many SMCs, HST_RAW more of each
 * that check x4..x17, HST_IPAS accesses outside its RAM, one cycle of
 * pKVM's page calls on a page of its own, one of the MMIO guard, and
 * every trapped system register the hypervisor emulates. Nothing in a
 * round may end the guest; what must (the undefined instructions) is
 * hostile_undef's, run last by the /init, one per process.
 */
#define HST_MAX_ROUNDS		100000U
#define HST_CALLS		24
#define HST_RAW			4
#define HST_IPAS		6
#define HST_CANARIES		8
#define HST_MAX_REGIONS		96

/* SMCCC function ids: the owners' ranges, and the calls named here */
#define FN_SMC64		BIT(30)
#define FN_ARCH			0x80000000U	/* SMCCC_VERSION, ARCH_FEATURES... */
#define FN_SIP			0x82000000U
#define FN_STD			0x84000000U	/* PSCI at 0..0x1f, SDEI, TRNG, FF-A */
#define FN_KVM			0x86000000U	/* the vendor hypervisor service */
#define FN_TRNG			0x84000050U	/* VERSION, FEATURES, GET_UUID, RND */
#define FN_KVM_UID		0x8600ff01U
#define FN_PSCI(n)		(FN_STD | (n))
#define FN_KVM64(n)		(FN_KVM | FN_SMC64 | (n))
/* pKVM's calls for a protected guest, as mainline and ACK number them */
#define KVM_HYP_MEMINFO		FN_KVM64(2)
#define KVM_MEM_SHARE		FN_KVM64(3)
#define KVM_MEM_UNSHARE		FN_KVM64(4)
#define KVM_GUARD_INFO		FN_KVM64(5)
#define KVM_GUARD_ENROLL	FN_KVM64(6)
#define KVM_GUARD_MAP		FN_KVM64(7)
#define KVM_GUARD_UNMAP		FN_KVM64(8)
#define KVM_MEM_RELINQUISH	FN_KVM64(9)

#define SMCCC_NOT_SUPPORTED	(-1L)

enum hst_range { RG_PSCI, RG_ARCH, RG_KVM, RG_TRNG, RG_STD, RG_SIP, RG_OWNER,
		 RG_ANY, NR_RANGES };
static const char *const hst_range_name[NR_RANGES] = {
	"psci", "arch", "kvm", "trng", "std", "sip", "owner", "any",
};

enum hst_where { AT_LOW, AT_HIGH, AT_BEYOND, NR_WHERE };

struct hst_calls {
	unsigned long n, tamed, success, not_supported, negative, other;
	unsigned long range[NR_RANGES];
};

/* Its guest-physical map, from its device tree: one for every thread */
static struct {
	struct { u64 start, end; bool ram; } reg[HST_MAX_REGIONS];
	unsigned int nr_reg;
	u64 ipa_top;	/* the IPA space that map implies (a power of 2) */
	u64 pa_top;	/* the physical addresses its CPU can name */
} hmap;

/* What a thread did: every member an unsigned long, so they add up */
struct hst_counts {
	struct hst_calls calls[2];		/* by HVC, by SMC */
	unsigned long psci_bad, imm, imm_bad, raw, raw_clobbered;
	unsigned long ipa_rd, ipa_wr, ipa_at[NR_WHERE], ipa_fault, ipa_nomap;
	unsigned long ipa_ones[NR_WHERE], ipa_other[NR_WHERE];
	unsigned long pg_cycles, pg_meminfo, pg_share, pg_share_again,
		      pg_unaligned, pg_unshare, pg_unshare_again, pg_kept,
		      pg_rel_shared, pg_relinquish, pg_zeroed;
	unsigned long gd_info, gd_map, gd_map_refused, gd_unmap, gd_kept,
		      gd_ram_refused, gd_beyond_refused;
	unsigned long sr_id, sr_id_unstable, sr_dbg, sr_dbg_not_raz, sr_mdscr,
		      sr_mdscr_lost, sr_actlr, sr_setway;
};

/* One vCPU's thread of the run, its state kept from batch to batch */
struct hostile {
	u64 rng;
	unsigned int cpu;
	u32 todo;		/* rounds of this batch */
	struct task_struct *task;
	struct completion done;
	struct page *canary[HST_CANARIES];
	u64 canary_seed;
	u64 id_first[56];
	bool id_seen;
	u64 other_ipa, other_val;	/* its first read of neither 0 nor ~0 */
	struct hst_counts c;
};

/* The run in progress (cmd_hostile): a thread per CPU that took part */
static struct {
	struct hostile **cpu;	/* nr_cpu_ids of them */
	u64 seed;
	u32 rounds;
} hrun;

/* xorshift64*: a stream that one seed reproduces */
static u64 rnd(struct hostile *h)
{
	h->rng ^= h->rng >> 12;
	h->rng ^= h->rng << 25;
	h->rng ^= h->rng >> 27;
	return h->rng * 0x2545f4914f6cdd1dULL;
}

/* A random page number in [lo, hi), as an address */
static u64 rnd_page(struct hostile *h, u64 lo, u64 hi)
{
	return lo + ((rnd(h) % ((hi - lo) >> PAGE_SHIFT)) << PAGE_SHIFT);
}

/* ---- its map ---- */

static void hst_add(u64 start, u64 end, bool ram)
{
	if (end <= start)
		return;
	hmap.ipa_top = max(hmap.ipa_top, end);
	if (hmap.nr_reg == HST_MAX_REGIONS)
		return;
	hmap.reg[hmap.nr_reg].start = round_down(start, PAGE_SIZE);
	hmap.reg[hmap.nr_reg].end = round_up(end, PAGE_SIZE);
	hmap.reg[hmap.nr_reg].ram = ram;
	hmap.nr_reg++;
}

/*
 * Every node's registers (its RAM: the memory nodes), and the windows of
 * its buses: QEMU sizes a VM's IPA space to hold all of them (virt's
 * high PCIe window ends at 1 TiB: 40 bits), so beyond their power of
 * two there is nothing, and past the CPU's physical address size the
 * guest's own stage 1 would refuse it (an address size fault at EL1).
 */
static int hst_map(void)
{
	u64 parange = read_sysreg(id_aa64mmfr0_el1) & 0xf;
	static const u8 pa_bits[] = { 32, 36, 40, 42, 44, 48, 52 };
	struct device_node *np = NULL;
	struct of_pci_range_parser parser;
	struct of_pci_range range;
	struct resource r;
	unsigned int i, bits;

	memset(&hmap, 0, sizeof(hmap));
	while ((np = of_find_all_nodes(np))) {
		bool ram = of_node_is_type(np, "memory");

		for (i = 0; !of_address_to_resource(np, i, &r); i++)
			hst_add(r.start, (u64)r.end + 1, ram);
		if (of_range_parser_init(&parser, np))
			continue;
		for_each_of_range(&parser, &range)
			if (range.cpu_addr != OF_BAD_ADDR)
				hmap.ipa_top = max(hmap.ipa_top,
						   range.cpu_addr + range.size);
	}
	hmap.ipa_top = max_t(u64, roundup_pow_of_two(hmap.ipa_top), SZ_4G);
	bits = parange < ARRAY_SIZE(pa_bits) ? pa_bits[parange] : 48;
	hmap.pa_top = 1ULL << min_t(unsigned int, bits, PHYS_MASK_SHIFT);
	if (!hmap.nr_reg) {
		out("error hostile: no device tree registers");
		return -ENODEV;
	}
	return 0;
}

/* Is @ipa in its RAM or a device's registers? */
static bool hst_claimed(u64 ipa)
{
	unsigned int i;

	for (i = 0; i < hmap.nr_reg; i++)
		if (ipa >= hmap.reg[i].start && ipa < hmap.reg[i].end)
			return true;
	return false;
}

/* A page of its RAM */
static u64 hst_ram_page(struct hostile *h)
{
	unsigned int i, n = 0;

	for (i = 0; i < hmap.nr_reg; i++)
		n += hmap.reg[i].ram;
	n = n ? rnd(h) % n : 0;
	for (i = 0; i < hmap.nr_reg; i++)
		if (hmap.reg[i].ram && !n--)
			return rnd_page(h, hmap.reg[i].start, hmap.reg[i].end);
	return 0;
}

/*
 * A page that is neither its RAM nor a device's: among the devices in
 * the first 4 GiB, elsewhere in its IPA space, or beyond it. 0: none
 * found (the guest's device tree names nearly everything, or @where
 * has no room: no IPA space beyond, or none above 4 GiB).
 */
static u64 hst_unclaimed(struct hostile *h, enum hst_where where)
{
	u64 lo = 0, hi = SZ_4G, ipa;
	int tries;

	if (where == AT_HIGH) {
		lo = SZ_4G;
		hi = hmap.ipa_top;
	} else if (where == AT_BEYOND) {
		lo = hmap.ipa_top;
		hi = hmap.pa_top;
	}
	if (hi <= lo)
		return 0;
	for (tries = 0; tries < 64; tries++) {
		ipa = rnd_page(h, lo, hi);
		if (ipa && !hst_claimed(ipa))
			return ipa;
	}
	return 0;
}

/* ---- calls ---- */

static u32 hst_pick_fn(struct hostile *h, enum hst_range *rg)
{
	u64 r = rnd(h);
	u32 n = (r >> 8) & 0xffff, wide = (r & BIT(4)) ? FN_SMC64 : 0;

	*rg = r % NR_RANGES;
	switch (*rg) {
	case RG_PSCI:
		return FN_STD | wide | (n & 0x1f);
	case RG_ARCH:	/* the features, and the three workarounds' ids */
		if (n & 0x100)
			return (0x80003fffU << (n & 1)) | (n & 2 ? 0 : 0x8000);
		return FN_ARCH | (n & 0x3f);
	case RG_KVM:	/* pKVM's 0..15, and KVM's UID at 0xff01 */
		return FN_KVM | wide | (n & 0x100 ? 0xff00 | (n & 3) : n & 0xf);
	case RG_TRNG:
		return FN_TRNG | wide | (n & 3);
	case RG_STD:	/* SDEI, FF-A and what is unallocated between */
		return FN_STD | wide | (0x20 + n % 0xe0);
	case RG_SIP:
		return FN_SIP | wide | n;
	case RG_OWNER:	/* any owner's fast call */
		return BIT(31) | wide | ((u32)(r >> 24) & (0x3f << 24)) | n;
	default:
		return (u32)(r >> 32);
	}
}

/*
 * Calls that would end it (power off, reset, a CPU going off or to
 * sleep), or with a random argument hurt it rather than the hypervisor
 * (a page of its own given away, untouched RAM made MMIO so it cannot
 * be given, its devices cut off by the MMIO guard): not made here.
 * hst_pages() and hst_guard() make the last three properly.
 */
static bool hst_tame(u32 fn)
{
	switch (fn & ~FN_SMC64) {
	case FN_PSCI(0x01):	/* CPU_SUSPEND */
	case FN_PSCI(0x02):	/* CPU_OFF */
	case FN_PSCI(0x08):	/* SYSTEM_OFF */
	case FN_PSCI(0x09):	/* SYSTEM_RESET */
	case FN_PSCI(0x0b):	/* CPU_FREEZE */
	case FN_PSCI(0x0c):	/* CPU_DEFAULT_SUSPEND */
	case FN_PSCI(0x0e):	/* SYSTEM_SUSPEND */
	case FN_PSCI(0x12):	/* SYSTEM_RESET2 */
	case KVM_GUARD_ENROLL & ~FN_SMC64:
	case KVM_GUARD_MAP & ~FN_SMC64:
	case KVM_MEM_RELINQUISH & ~FN_SMC64:
		return true;
	default:
		return false;
	}
}

/* An argument: anything, a small number, or an address worth naming */
static u64 hst_arg(struct hostile *h)
{
	u64 r = rnd(h);

	switch (r & 7) {
	case 0:
	case 1:
		return rnd(h);
	case 2:
		return (r >> 3) & 0xff;		/* an index, a level, an MPIDR */
	case 3:
		return hst_ram_page(h);
	case 4:					/* a page it watches */
		return page_to_phys(h->canary[(r >> 3) % HST_CANARIES]);
	case 5:
		return hst_unclaimed(h, (r >> 3) % NR_WHERE);
	case 6:					/* a function id (FEATURES) */
		return FN_STD | ((r >> 3) & 0x1f);
	default:
		return rnd_page(h, 0, hmap.pa_top) + (r & 0xff0 ? 0 : 8);
	}
}

static void hst_count(struct hst_calls *c, unsigned long a0)
{
	if (!a0)
		c->success++;
	else if ((long)a0 == SMCCC_NOT_SUPPORTED)
		c->not_supported++;
	else if ((long)a0 < 0 && (long)a0 > -64)
		c->negative++;
	else
		c->other++;
}

/* One random call by HVC or SMC, through the kernel's SMCCC 1.1 helpers */
static void hst_call(struct hostile *h, bool smc)
{
	struct hst_calls *c = &h->c.calls[smc];
	struct arm_smccc_res res;
	enum hst_range rg;
	u32 fn = hst_pick_fn(h, &rg);
	u64 a[7], x0 = fn;
	int i;

	if (hst_tame(fn)) {
		c->tamed++;
		return;
	}
	if (!(rnd(h) & 7))	/* w0 is the id: the rest must not matter */
		x0 |= rnd(h) << 32;
	for (i = 0; i < 7; i++)
		a[i] = hst_arg(h);
	if (smc)
		arm_smccc_1_1_smc(x0, a[0], a[1], a[2], a[3], a[4], a[5], a[6], &res);
	else
		arm_smccc_1_1_hvc(x0, a[0], a[1], a[2], a[3], a[4], a[5], a[6], &res);
	c->n++;
	c->range[rg]++;
	hst_count(c, res.a0);
}

/*
 * The same with every argument register: SMCCC 1.1 (the version the
 * hypervisor says) keeps x4..x17 across a call, whatever it is; a
 * hypervisor that left its own values there would show them. x0..x17
 * from @r, and back into it after the call.
 */
#define HST_RAW_CALL(insn)						\
	asm volatile("ldp x0, x1, [%0]\n ldp x2, x3, [%0, #16]\n"	\
		     "ldp x4, x5, [%0, #32]\n ldp x6, x7, [%0, #48]\n"	\
		     "ldp x8, x9, [%0, #64]\n ldp x10, x11, [%0, #80]\n"	\
		     "ldp x12, x13, [%0, #96]\n ldp x14, x15, [%0, #112]\n" \
		     "ldp x16, x17, [%0, #128]\n"				\
		     insn "\n"						\
		     "stp x0, x1, [%0]\n stp x2, x3, [%0, #16]\n"	\
		     "stp x4, x5, [%0, #32]\n stp x6, x7, [%0, #48]\n"	\
		     "stp x8, x9, [%0, #64]\n stp x10, x11, [%0, #80]\n"	\
		     "stp x12, x13, [%0, #96]\n stp x14, x15, [%0, #112]\n" \
		     "stp x16, x17, [%0, #128]\n"				\
		     : : "r" (r)						\
		     : "x0", "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8",	\
		       "x9", "x10", "x11", "x12", "x13", "x14", "x15", "x16",	\
		       "x17", "memory")

static void hst_raw_call(struct hostile *h, bool smc)
{
	enum hst_range rg;
	u32 fn = hst_pick_fn(h, &rg);
	u64 in[18], r[18];
	int i;

	if (hst_tame(fn))
		return;
	in[0] = fn;
	for (i = 1; i < 18; i++)
		in[i] = hst_arg(h);
	memcpy(r, in, sizeof(r));
	if (smc)
		HST_RAW_CALL("smc #0");
	else
		HST_RAW_CALL("hvc #0");
	h->c.raw++;
	h->c.raw_clobbered += !!memcmp(&r[4], &in[4], 14 * sizeof(u64));
}

/* HVCs with an immediate: not SMCCC's (it uses #0), NOT_SUPPORTED */
static void hst_hvc_imm(struct hostile *h)
{
	register u64 x0 asm("x0") = FN_PSCI(0);	/* PSCI_VERSION */

	if (rnd(h) & 1)
		asm volatile("hvc #1" : "+r" (x0) : : "x1", "x2", "x3", "memory");
	else
		asm volatile("hvc #0xffff" : "+r" (x0) : : "x1", "x2", "x3", "memory");
	h->c.imm++;
	h->c.imm_bad += (long)x0 != SMCCC_NOT_SUPPORTED;
}

/* Still PSCI 1.1 after all that? */
static void hst_psci_check(struct hostile *h)
{
	struct arm_smccc_res res;

	arm_smccc_1_1_hvc(FN_PSCI(0), &res);
	h->c.psci_bad += res.a0 != 0x10001;
}

/* ---- outside its RAM ---- */

/*
 * One access of @size bytes at @p, a load or (@write) a store of *@v, with
 * the kernel's exception-table-protected accessors: -EFAULT for an abort
 * the kernel can fix up. An injected external abort is not one of those
 * on arm64 (do_sea() has no fix-up): it would still oops.
 */
#define HST_ACCESS(type)						\
	do {								\
		type __v = (type)*v;					\
									\
		if (write) {						\
			__put_kernel_nofault(p, &__v, type, fault);	\
		} else {						\
			__get_kernel_nofault(&__v, p, type, fault);	\
			*v = __v;					\
		}							\
	} while (0)

static long hst_access(void *p, u64 *v, unsigned int size, bool write)
{
	long ret = 0;

	pagefault_disable();
	switch (size) {
	case 1:
		HST_ACCESS(u8);
		break;
	case 2:
		HST_ACCESS(u16);
		break;
	case 4:
		HST_ACCESS(u32);
		break;
	default:
		HST_ACCESS(u64);
		break;
	}
	goto out;
fault:
	ret = -EFAULT;
out:
	pagefault_enable();
	return ret;
}

/*
 * A page nobody backs, mapped as a device's, and four accesses in it,
 * each aligned to its size (1, 2, 4 or 8 bytes) as a device's must be,
 * each a single LDR or STR, which the hypervisor can describe to the VMM
 * (ESR_EL2.ISV). QEMU reads nothing there as 0 and drops writes.
 */
static void hst_ipa(struct hostile *h)
{
	enum hst_where where = rnd(h) % NR_WHERE;
	u64 ipa = hst_unclaimed(h, where), v;
	void __iomem *va;
	unsigned int size, off;
	bool write;
	int i;

	if (!ipa)
		return;
	va = ioremap(ipa, PAGE_SIZE);
	if (!va) {
		h->c.ipa_nomap++;
		return;
	}
	h->c.ipa_at[where]++;
	for (i = 0; i < 4; i++) {
		size = 1U << (rnd(h) & 3);
		off = rnd(h) & (PAGE_SIZE - size);
		write = rnd(h) & 1;
		v = write ? rnd(h) : 0;
		if (hst_access((void __force *)va + off, &v, size, write))
			h->c.ipa_fault++;
		else if (!write && v == GENMASK_ULL(8 * size - 1, 0))
			h->c.ipa_ones[where]++;
		else if (!write && v && !h->c.ipa_other[where]++ && !h->other_ipa) {
			h->other_ipa = ipa + off;
			h->other_val = v;
		}
		if (write)
			h->c.ipa_wr++;
		else
			h->c.ipa_rd++;
	}
	iounmap(va);
}

/* ---- pKVM's page calls, on its own pages ---- */

static long kvm_call(u32 fn, u64 arg)
{
	struct arm_smccc_res res;

	arm_smccc_1_1_hvc(fn, arg, 0, 0, &res);
	return (long)res.a0;
}

static void fill(u64 *w, u64 seed)
{
	unsigned int i;

	for (i = 0; i < PAGE_SIZE / sizeof(*w); i++)
		w[i] = seed ^ i;
}

static bool filled(const u64 *w, u64 seed)
{
	unsigned int i;

	for (i = 0; i < PAGE_SIZE / sizeof(*w); i++)
		if (w[i] != (seed ^ i))
			return false;
	return true;
}

/*
 * A fresh page: shared with the host and back (twice each: the second
 * refused), an unaligned share refused, its data kept throughout; then,
 * every other time, given back while shared (the hypervisor may refuse:
 * counted), and given back (MEM_RELINQUISH): the page the guest then
 * reads there is a new one, zeroed, as the hypervisor scrubs what it
 * gives the host.
 */
static void hst_pages(struct hostile *h)
{
	struct page *pg = alloc_page(GFP_KERNEL | __GFP_NOWARN);
	u64 seed = rnd(h), ipa;
	u64 *w;

	if (!pg)
		return;
	ipa = page_to_phys(pg);
	w = page_address(pg);
	fill(w, seed);
	h->c.pg_cycles++;
	h->c.pg_meminfo += kvm_call(KVM_HYP_MEMINFO, 0) == PAGE_SIZE;
	h->c.pg_share += !kvm_call(KVM_MEM_SHARE, ipa);
	h->c.pg_share_again += !!kvm_call(KVM_MEM_SHARE, ipa);
	h->c.pg_unaligned += !!kvm_call(KVM_MEM_SHARE, ipa + 8 * (1 + rnd(h) % 511));
	h->c.pg_unshare += !kvm_call(KVM_MEM_UNSHARE, ipa);
	h->c.pg_unshare_again += !!kvm_call(KVM_MEM_UNSHARE, ipa);
	h->c.pg_kept += filled(w, seed);
	if (rnd(h) & 1) {
		if (!kvm_call(KVM_MEM_SHARE, ipa)) {
			if (!kvm_call(KVM_MEM_RELINQUISH, ipa))
				h->c.pg_rel_shared++;
			else
				kvm_call(KVM_MEM_UNSHARE, ipa);
		}
	}
	if (!kvm_call(KVM_MEM_RELINQUISH, ipa)) {
		h->c.pg_relinquish++;
		h->c.pg_zeroed += !memchr_inv(w, 0, PAGE_SIZE);
	}
	__free_page(pg);
}

/*
 * The MMIO guard, never enrolled (its own devices would then need
 * mapping first): a free page mapped, accessed (it stays MMIO, as
 * before) and, mostly, unmapped; its own RAM, an unaligned address and
 * a page beyond its IPA space refused.
 */
static void hst_guard(struct hostile *h)
{
	u64 ipa = hst_unclaimed(h, rnd(h) & 1 ? AT_LOW : AT_HIGH), v;
	void __iomem *va;

	h->c.gd_info += kvm_call(KVM_GUARD_INFO, 0) == PAGE_SIZE;
	if (ipa) {
		if (!kvm_call(KVM_GUARD_MAP, ipa)) {
			h->c.gd_map++;
			va = ioremap(ipa, PAGE_SIZE);
			if (va) {
				hst_access((void __force *)va, &v, 4, false);
				iounmap(va);
			}
			if (rnd(h) & 7)
				h->c.gd_unmap += !kvm_call(KVM_GUARD_UNMAP, ipa);
			else
				h->c.gd_kept++;	/* left for the teardown */
		} else {
			h->c.gd_map_refused++;
		}
	}
	h->c.gd_ram_refused += !!kvm_call(KVM_GUARD_MAP,
					page_to_phys(h->canary[rnd(h) % HST_CANARIES]));
	ipa = hst_unclaimed(h, AT_BEYOND);
	h->c.gd_beyond_refused += ipa && kvm_call(KVM_GUARD_MAP, ipa);
	kvm_call(KVM_GUARD_MAP, (hst_unclaimed(h, AT_LOW) ?: SZ_4K) + 0x10);
}

/* ---- trapped system registers ---- */

/* The 56 ID registers of op0 3, op1 0, CRn 0, CRm 1..7 (HCR_EL2.TID3) */
#define ID_CASE(crm, op2)						\
	case ((crm) - 1) * 8 + (op2):					\
		v = read_sysreg_s(sys_reg(3, 0, 0, crm, op2));		\
		break;
#define ID_ROW(crm)							\
	ID_CASE(crm, 0) ID_CASE(crm, 1) ID_CASE(crm, 2) ID_CASE(crm, 3)	\
	ID_CASE(crm, 4) ID_CASE(crm, 5) ID_CASE(crm, 6) ID_CASE(crm, 7)

static u64 hst_id_reg(unsigned int i)
{
	u64 v = 0;

	switch (i) {
	ID_ROW(1) ID_ROW(2) ID_ROW(3) ID_ROW(4) ID_ROW(5) ID_ROW(6) ID_ROW(7)
	}
	return v;
}

/*
 * Debug registers (MDCR_EL2.TDA, TDOSA, TDRA): the breakpoints and
 * watchpoints the guest sees (2 each), the OS lock and double lock, the
 * comms channel's interrupt enable: read as zero, and writes ignored, as
 * the hypervisor documents (docs/protected-vms.md). Written with a random
 * value, then read. Not the claim tags: QEMU 7.2's CPUs do not have them
 * (an undefined instruction at EL1, before any trap to EL2).
 */
#define DBG_CASE(n, op0, op1, crn, crm, op2)				\
	case n:								\
		write_sysreg_s(val, sys_reg(op0, op1, crn, crm, op2));	\
		v = read_sysreg_s(sys_reg(op0, op1, crn, crm, op2));	\
		break;
#define NR_DBG	10

static u64 hst_dbg_reg(unsigned int i, u64 val)
{
	u64 v = 0;

	switch (i) {
	DBG_CASE(0, 2, 0, 0, 0, 4)	/* DBGBVR0_EL1 */
	DBG_CASE(1, 2, 0, 0, 0, 5)	/* DBGBCR0_EL1 */
	DBG_CASE(2, 2, 0, 0, 1, 4)	/* DBGBVR1_EL1 */
	DBG_CASE(3, 2, 0, 0, 1, 5)	/* DBGBCR1_EL1 */
	DBG_CASE(4, 2, 0, 0, 0, 6)	/* DBGWVR0_EL1 */
	DBG_CASE(5, 2, 0, 0, 0, 7)	/* DBGWCR0_EL1 */
	DBG_CASE(6, 2, 0, 0, 1, 6)	/* DBGWVR1_EL1 */
	DBG_CASE(7, 2, 0, 0, 1, 7)	/* DBGWCR1_EL1 */
	DBG_CASE(8, 2, 0, 1, 3, 4)	/* OSDLR_EL1 */
	DBG_CASE(9, 2, 0, 0, 2, 0)	/* MDCCINT_EL1 */
	}
	return v;
}

static void hst_sysregs(struct hostile *h)
{
	unsigned long flags;
	u64 v, old;
	unsigned int i;

	for (i = 0; i < 56; i++) {
		v = hst_id_reg(i);
		if (!h->id_seen)
			h->id_first[i] = v;
		h->c.sr_id_unstable += v != h->id_first[i];
		h->c.sr_id++;
	}
	h->id_seen = true;
	for (i = 0; i < NR_DBG; i++) {
		h->c.sr_dbg_not_raz += !!hst_dbg_reg(i, rnd(h));
		h->c.sr_dbg++;
	}
	/* the OS lock: set (it would stop self-hosted debug), and its status */
	write_sysreg_s(1, sys_reg(2, 0, 1, 0, 4));	/* OSLAR_EL1 */
	h->c.sr_dbg_not_raz += !!(read_sysreg_s(sys_reg(2, 0, 1, 1, 4)) & BIT(1));
	write_sysreg_s(0, sys_reg(2, 0, 1, 0, 4));
	h->c.sr_dbg += 3;
	/*
	 * MDSCR_EL1 keeps what is written: a value without the bits that
	 * would turn on debug exceptions or single-step here, then its own
	 * again, with interrupts off so no exception sees the other.
	 */
	local_irq_save(flags);
	old = read_sysreg(mdscr_el1);
	v = rnd(h) & ~(u64)(BIT(0) | BIT(12) | BIT(13) | BIT(15));
	write_sysreg(v, mdscr_el1);
	h->c.sr_mdscr_lost += read_sysreg(mdscr_el1) != v;
	write_sysreg(old, mdscr_el1);
	local_irq_restore(flags);
	h->c.sr_mdscr++;
	/* ACTLR_EL1 (HCR_EL2.TACR): read, write, read */
	v = read_sysreg(actlr_el1);
	write_sysreg(rnd(h), actlr_el1);
	v |= read_sysreg(actlr_el1);
	h->c.sr_actlr += 3;
	/* set/way maintenance (HCR_EL2.TSW), on whatever set, way and level */
	asm volatile("dc isw, %0" : : "r" (rnd(h) & 0xffffffffe) : "memory");
	asm volatile("dc csw, %0" : : "r" (rnd(h) & 0xffffffffe) : "memory");
	asm volatile("dc cisw, %0" : : "r" (rnd(h) & 0xffffffffe) : "memory");
	h->c.sr_setway += 3;
}

/* ---- the command ---- */

static void hst_round(struct hostile *h)
{
	int i;

	for (i = 0; i < HST_CALLS; i++) {
		hst_call(h, false);
		hst_call(h, true);
	}
	for (i = 0; i < HST_RAW; i++)
		hst_raw_call(h, i & 1);
	hst_hvc_imm(h);
	for (i = 0; i < HST_IPAS; i++)
		hst_ipa(h);
	hst_pages(h);
	hst_guard(h);
	hst_sysregs(h);
	hst_psci_check(h);
}

static int hst_thread(void *data)
{
	struct hostile *h = data;
	u32 r;

	for (r = 0; r < h->todo; r++) {
		hst_round(h);
		cond_resched();
	}
	complete(&h->done);
	return 0;
}

static void hst_free(struct hostile *h)
{
	int i;

	for (i = 0; i < HST_CANARIES; i++)
		if (h->canary[i])
			__free_page(h->canary[i]);
	kfree(h);
}

static void hst_end(void)
{
	unsigned int cpu;

	if (!hrun.cpu)
		return;
	for (cpu = 0; cpu < nr_cpu_ids; cpu++)
		if (hrun.cpu[cpu])
			hst_free(hrun.cpu[cpu]);
	kfree(hrun.cpu);
	hrun.cpu = NULL;
}

/* CPU @cpu's thread state: its own stream of the run's seed, canaries */
static struct hostile *hst_new(unsigned int cpu)
{
	struct hostile *h = kzalloc(sizeof(*h), GFP_KERNEL);
	int i;

	if (!h)
		return NULL;
	h->cpu = cpu;
	h->rng = hrun.seed ^ (0x9e3779b97f4a7c15ULL * (cpu + 1));
	h->canary_seed = rnd(h);
	for (i = 0; i < HST_CANARIES; i++) {
		h->canary[i] = alloc_page(GFP_KERNEL);
		if (!h->canary[i]) {
			hst_free(h);
			return NULL;
		}
		fill(page_address(h->canary[i]),
		     h->canary_seed ^ page_to_phys(h->canary[i]));
	}
	return h;
}

/* How many of @h's canaries lost their data */
static unsigned int hst_canaries_bad(const struct hostile *h)
{
	unsigned int i, bad = 0;

	for (i = 0; i < HST_CANARIES; i++)
		bad += !filled(page_address(h->canary[i]),
			       h->canary_seed ^ page_to_phys(h->canary[i]));
	return bad;
}

/* The run's counts: every thread's, added up */
static void hst_report(void)
{
	struct hst_counts sum = { };
	unsigned long *s = (unsigned long *)&sum;
	const struct hostile *first = NULL;
	unsigned int cpu, cpus = 0, canaries = 0, bad = 0, i, c;

	BUILD_BUG_ON(sizeof(sum) % sizeof(*s));
	for (cpu = 0; cpu < nr_cpu_ids; cpu++) {
		const struct hostile *h = hrun.cpu[cpu];
		const unsigned long *n;

		if (!h)
			continue;
		n = (const unsigned long *)&h->c;
		for (i = 0; i < sizeof(sum) / sizeof(*s); i++)
			s[i] += n[i];
		cpus++;
		canaries += HST_CANARIES;
		bad += hst_canaries_bad(h);
		if (!first && h->other_ipa)
			first = h;
	}
	out("hostile rounds=%u cpus=%u seed=%llu ipa_top=%#llx pa_top=%#llx regions=%u",
	    hrun.rounds, cpus, hrun.seed, hmap.ipa_top, hmap.pa_top,
	    hmap.nr_reg);
	for (c = 0; c < 2; c++) {
		struct hst_calls *k = &sum.calls[c];
		char ranges[160];
		int len = 0;

		for (i = 0; i < NR_RANGES; i++)
			len += scnprintf(ranges + len, sizeof(ranges) - len, " %s=%lu",
					 hst_range_name[i], k->range[i]);
		out("hostile calls conduit=%s n=%lu success=%lu not_supported=%lu negative=%lu other=%lu tamed=%lu%s",
		    c ? "smc" : "hvc", k->n, k->success, k->not_supported,
		    k->negative, k->other, k->tamed, ranges);
	}
	out("hostile regs raw=%lu clobbered=%lu hvc_imm=%lu imm_bad=%lu psci_bad=%lu",
	    sum.raw, sum.raw_clobbered, sum.imm, sum.imm_bad, sum.psci_bad);
	out("hostile ipa reads=%lu writes=%lu low=%lu high=%lu beyond=%lu faults=%lu nomap=%lu",
	    sum.ipa_rd, sum.ipa_wr, sum.ipa_at[AT_LOW], sum.ipa_at[AT_HIGH],
	    sum.ipa_at[AT_BEYOND], sum.ipa_fault, sum.ipa_nomap);
	out("hostile ipa_reads ones=%lu,%lu,%lu other=%lu,%lu,%lu first_other=%#llx:%#llx",
	    sum.ipa_ones[AT_LOW], sum.ipa_ones[AT_HIGH], sum.ipa_ones[AT_BEYOND],
	    sum.ipa_other[AT_LOW], sum.ipa_other[AT_HIGH],
	    sum.ipa_other[AT_BEYOND], first ? first->other_ipa : 0,
	    first ? first->other_val : 0);
	out("hostile pages cycles=%lu meminfo=%lu share=%lu share_again_refused=%lu unaligned_refused=%lu unshare=%lu unshare_again_refused=%lu kept=%lu relinquish_shared=%lu relinquish=%lu zeroed=%lu",
	    sum.pg_cycles, sum.pg_meminfo, sum.pg_share, sum.pg_share_again,
	    sum.pg_unaligned, sum.pg_unshare, sum.pg_unshare_again, sum.pg_kept,
	    sum.pg_rel_shared, sum.pg_relinquish, sum.pg_zeroed);
	out("hostile guard info=%lu map=%lu map_refused=%lu unmap=%lu kept=%lu ram_refused=%lu beyond_refused=%lu",
	    sum.gd_info, sum.gd_map, sum.gd_map_refused, sum.gd_unmap,
	    sum.gd_kept, sum.gd_ram_refused, sum.gd_beyond_refused);
	out("hostile sysregs id=%lu id_unstable=%lu debug=%lu debug_not_raz=%lu mdscr=%lu mdscr_lost=%lu actlr=%lu setway=%lu",
	    sum.sr_id, sum.sr_id_unstable, sum.sr_dbg, sum.sr_dbg_not_raz,
	    sum.sr_mdscr, sum.sr_mdscr_lost, sum.sr_actlr, sum.sr_setway);
	out("hostile canaries pages=%u bad=%u", canaries, bad);
}

/*
 * One batch: @rounds on every online CPU at once, each in a thread bound
 * to it. A thread the kernel killed (an oops: an abort or an undefined
 * instruction the guest did not expect) never completes; the wait sees
 * it exit and gives up.
 */
static int hst_batch(u32 rounds)
{
	struct hostile *h;
	unsigned int cpu;
	int ret = 0;

	for (cpu = 0; cpu < nr_cpu_ids; cpu++)
		if (hrun.cpu[cpu])
			hrun.cpu[cpu]->task = NULL;
	cpus_read_lock();
	for_each_online_cpu(cpu) {
		h = hrun.cpu[cpu];
		if (!h)
			h = hrun.cpu[cpu] = hst_new(cpu);
		if (!h) {
			ret = -ENOMEM;
			break;
		}
		h->todo = rounds;
		init_completion(&h->done);
		h->task = kthread_create(hst_thread, h, "pkvmkit_hostile/%u", cpu);
		if (IS_ERR(h->task)) {
			ret = PTR_ERR(h->task);
			h->task = NULL;
			break;
		}
		get_task_struct(h->task);
		kthread_bind(h->task, cpu);
		wake_up_process(h->task);
	}
	for_each_online_cpu(cpu) {
		h = hrun.cpu[cpu];
		if (!h || !h->task)
			continue;
		while (!wait_for_completion_timeout(&h->done, HZ))
			if (h->task->flags & PF_EXITING) {
				out("error hostile: the thread on CPU %u died", cpu);
				ret = -EIO;
				break;
			}
		put_task_struct(h->task);
		h->task = NULL;
	}
	cpus_read_unlock();
	return ret;
}

/*
 * hostile ROUNDS [SEED]: ROUNDS more rounds of the run in progress, or of
 * a new one with SEED (a new seed if there is no run yet), on every CPU;
 * the report counts the whole run, so what a guest killed midway did is
 * what its last report says.
 */
static int cmd_hostile(const char *arg)
{
	char buf[48], *s = buf, *tok;
	u32 rounds = 0;
	u64 seed = 0;
	int ret;

	strscpy(buf, arg ?: "", sizeof(buf));
	tok = strsep(&s, " \t");
	if (!tok || kstrtou32(tok, 0, &rounds) || !rounds ||
	    rounds > HST_MAX_ROUNDS || (s && kstrtou64(skip_spaces(s), 0, &seed))) {
		out("error hostile: want ROUNDS (1..%u) [SEED]", HST_MAX_ROUNDS);
		return -EINVAL;
	}
	if (seed || !hrun.cpu) {
		hst_end();
		ret = hst_map();
		if (ret)
			return ret;
		hrun.cpu = kcalloc(nr_cpu_ids, sizeof(*hrun.cpu), GFP_KERNEL);
		if (!hrun.cpu)
			return -ENOMEM;
		hrun.seed = seed ?: get_random_u64() >> 1;
		hrun.rounds = 0;
	}
	ret = hst_batch(rounds);
	if (ret)
		return ret;
	hrun.rounds += rounds;
	hst_report();
	return 0;
}

/*
 * hostile_undef KIND: an access that must be an undefined instruction
 * in a guest (docs/protected-vms.md), at EL1 in this process's write:
 * the kernel's oops kills the process (or the kernel, with
 * panic_on_oops). Run without cmd_lock, which the dying process would
 * otherwise keep: the /init runs each in a child of its own. Returns
 * only if the access worked, which it must not. The GIC's register is
 * ICC_PMR_EL1, trapped with the rest of the CPU interface: ICC_SRE_EL1
 * traps with ICC_SRE_EL2.Enable clear, but QEMU's TCG holds that bit at
 * 1 (its ICC_SRE_EL2 is a constant), so under it SRE_EL1 reads 7.
 */
static int cmd_hostile_undef(const char *arg)
{
	u64 v;

	if (!arg)
		return -EINVAL;
	if (!strcmp(arg, "pmu"))		/* PMCR_EL0: MDCR_EL2.TPMCR */
		v = read_sysreg_s(sys_reg(3, 3, 9, 12, 0));
	else if (!strcmp(arg, "ptimer"))	/* CNTP_CTL_EL0: CNTHCTL_EL2.EL1PCEN */
		v = read_sysreg_s(sys_reg(3, 3, 14, 2, 1));
	else if (!strcmp(arg, "gic"))		/* ICC_PMR_EL1: ICH_HCR_EL2.TC */
		v = read_sysreg_s(sys_reg(3, 0, 4, 6, 0));
	else if (!strcmp(arg, "pauth"))		/* APIAKeyLo_EL1: HCR_EL2.APK */
		v = read_sysreg_s(sys_reg(3, 0, 2, 1, 0));
	else
		return -EINVAL;
	pr_err("pkvmkit_guest: hostile_undef %s read %#llx: not undefined\n",
	       arg, v);
	return -EIO;
}

/* unlocked: run without cmd_lock, and no report (hostile_undef's) */
static const struct {
	const char *name;
	int (*run)(const char *arg);
	bool unlocked;
} vg_cmds[] = {
	{ "empty", cmd_empty },
	{ "mmio", cmd_mmio },
	{ "hvc", cmd_hvc },
	{ "secret", cmd_secret },
	{ "secret_check", cmd_secret_check },
	{ "memstress", cmd_memstress },
	{ "hostile", cmd_hostile },
	{ "hostile_undef", cmd_hostile_undef, true },
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

	for (i = 0; i < ARRAY_SIZE(vg_cmds); i++)
		if (!strcmp(name, vg_cmds[i].name) && vg_cmds[i].unlocked)
			return vg_cmds[i].run(arg) ?: len;
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
	hst_end();
}

module_init(pkvmkit_guest_init);
module_exit(pkvmkit_guest_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("pkvmkit inner guest: exit timings, secret pages, memory stress");
