// SPDX-License-Identifier: GPL-2.0-only
/*
 * /sys/kernel/debug/pkvmkit (root only):
 *
 *   log      the hypervisor's log ring
 *   hvc      write "[cpu N] ID [A1 .. A7]" to issue any hypercall (the
 *            hypervisor must survive whatever the host sends, so this gives
 *            tests the host's full reach); read "x0 x1 x2 x3" of the last one
 *   hyp_mem  mmap() offset N maps page N of the hypervisor's image into the
 *            caller: once deprivileged, touching it must fault
 *   module_mem  mmap() offset N maps page N of the last vendor module's
 *            EL2 code and data (now the hypervisor's)
 *   layout   where the hypervisor's memory is (PA and size of each region)
 *   scratch  SCRATCH_PAGES contiguous pages the driver owns and nothing
 *            else uses (so a range of them is a range tests own):
 *            read gives their pfns, mmap() maps them; tests move them
 *            between owners with hypercalls
 */
#include "pkvmkit.h"
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include "hyp-syms.h"
#include <linux/kallsyms.h>

static DEFINE_MUTEX(hvc_lock);
static struct arm_smccc_res last_res;

/* Copy the ring's current content, oldest byte first; returns its length. */
static size_t snapshot_log(char *dst, size_t cap)
{
	const struct hyp_log_header *hdr = pk.log.va;
	const char *text = (const char *)(hdr + 1);
	u64 head, size = hdr->size, start, n, i;

	if (READ_ONCE(hdr->magic) != HYP_LOG_MAGIC)
		return 0;
	/* pairs with hyp_log()'s release: the text before head is there */
	head = smp_load_acquire(&hdr->head);
	n = min3(head, size, (u64)cap);
	start = head - n;
	for (i = 0; i < n; i++)
		dst[i] = text[(start + i) % size];
	return n;
}

static ssize_t log_read(struct file *f, char __user *ubuf, size_t len,
			loff_t *ppos)
{
	size_t cap = pk.log.size, n;
	char *buf = kvmalloc(cap, GFP_KERNEL);
	ssize_t ret;

	if (!buf)
		return -ENOMEM;
	n = snapshot_log(buf, cap);
	ret = simple_read_from_buffer(ubuf, len, ppos, buf, n);
	kvfree(buf);
	return ret;
}

static const struct file_operations log_fops = {
	.owner = THIS_MODULE,
	.read = log_read,
	.llseek = default_llseek,
};

static int parse_hvc(char *s, int *cpu, unsigned long *args)
{
	char *tok;
	int n = 0;

	*cpu = -1;
	s = strim(s);
	if (!strncmp(s, "cpu ", 4)) {
		s += 4;
		tok = strsep(&s, " ");
		if (!s || kstrtoint(tok, 0, cpu))
			return -EINVAL;
	}
	while ((tok = strsep(&s, " ")) && n < 8) {
		if (!*tok)
			continue;
		if (kstrtoul(tok, 0, &args[n++]))
			return -EINVAL;
	}
	return (n == 0 || tok) ? -EINVAL : 0;
}

static ssize_t call_write(const char __user *ubuf, size_t len, bool smc)
{
	unsigned long args[8] = { 0 };
	char buf[128];
	int cpu, ret;

	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';
	ret = parse_hvc(buf, &cpu, args);
	if (ret)
		return ret;

	mutex_lock(&hvc_lock);
	if (cpu >= 0 && (cpu >= nr_cpu_ids || !cpu_online(cpu)))
		ret = -ENODEV;
	else
		ret = (smc ? pk_smc_args : pk_hvc_args)(cpu, args, &last_res);
	mutex_unlock(&hvc_lock);
	return ret ? ret : len;
}

static ssize_t hvc_write(struct file *f, const char __user *ubuf, size_t len,
			 loff_t *ppos)
{
	return call_write(ubuf, len, false);
}

static ssize_t smc_write(struct file *f, const char __user *ubuf, size_t len,
			 loff_t *ppos)
{
	return call_write(ubuf, len, true);
}

static ssize_t hvc_read(struct file *f, char __user *ubuf, size_t len,
			loff_t *ppos)
{
	char buf[96];
	int n;

	mutex_lock(&hvc_lock);
	n = scnprintf(buf, sizeof(buf), "%#lx %#lx %#lx %#lx\n", last_res.a0,
		      last_res.a1, last_res.a2, last_res.a3);
	mutex_unlock(&hvc_lock);
	return simple_read_from_buffer(ubuf, len, ppos, buf, n);
}

static const struct file_operations hvc_fops = {
	.owner = THIS_MODULE,
	.read = hvc_read,
	.write = hvc_write,
	.llseek = default_llseek,
};

static const struct file_operations smc_fops = {
	.owner = THIS_MODULE,
	.read = hvc_read,
	.write = smc_write,
	.llseek = default_llseek,
};

static int hyp_mem_mmap(struct file *f, struct vm_area_struct *vma)
{
	unsigned long pages = vma_pages(vma);

	if (vma->vm_pgoff >= pk.image.size >> PAGE_SHIFT ||
	    pages > (pk.image.size >> PAGE_SHIFT) - vma->vm_pgoff)
		return -EINVAL;
	return remap_pfn_range(vma, vma->vm_start,
			       (pk.image.pa >> PAGE_SHIFT) + vma->vm_pgoff,
			       pages << PAGE_SHIFT, vma->vm_page_prot);
}

static const struct file_operations hyp_mem_fops = {
	.owner = THIS_MODULE,
	.mmap = hyp_mem_mmap,
};

static int module_mem_mmap(struct file *f, struct vm_area_struct *vma)
{
	unsigned long pfn = pk_el2_module_pfn(vma->vm_pgoff);

	if (!pfn || vma_pages(vma) != 1)
		return -EINVAL;
	return remap_pfn_range(vma, vma->vm_start, pfn, PAGE_SIZE,
			       vma->vm_page_prot);
}

static const struct file_operations module_mem_fops = {
	.owner = THIS_MODULE,
	.mmap = module_mem_mmap,
};

static int layout_show(struct seq_file *m, void *v)
{
	const struct { const char *name; const struct pk_region *r; } regs[] = {
		{ "image", &pk.image }, { "params", &pk.params },
		{ "stacks", &pk.stacks }, { "pool", &pk.pool },
		{ "page_array", &pk.page_array }, { "log", &pk.log },
		{ "trace", &pk.trace },
	};
	int i;

	for (i = 0; i < ARRAY_SIZE(regs); i++)
		seq_printf(m, "%s %pa %zu\n", regs[i].name, &regs[i].r->pa,
			   regs[i].r->size);
	seq_printf(m, "image_data_page %lu\n",
		   (unsigned long)(HYP_SYM__hyp_data_start >> PAGE_SHIFT));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(layout);

/* The DMA faults the hypervisor's SMMU recorded, newest first (dma.c). */
static int dma_faults_show(struct seq_file *m, void *v)
{
	pk_dma_show_faults(m);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(dma_faults);

#define SCRATCH_PAGES	4
static struct page *scratch[SCRATCH_PAGES];

static int scratch_show(struct seq_file *m, void *v)
{
	int i;

	for (i = 0; i < SCRATCH_PAGES; i++)
		seq_printf(m, "%#lx%c", page_to_pfn(scratch[i]),
			   i == SCRATCH_PAGES - 1 ? '\n' : ' ');
	return 0;
}

static int scratch_open(struct inode *inode, struct file *f)
{
	return single_open(f, scratch_show, NULL);
}

static int scratch_mmap(struct file *f, struct vm_area_struct *vma)
{
	if (vma->vm_pgoff >= SCRATCH_PAGES || vma_pages(vma) != 1)
		return -EINVAL;
	return remap_pfn_range(vma, vma->vm_start,
			       page_to_pfn(scratch[vma->vm_pgoff]), PAGE_SIZE,
			       vma->vm_page_prot);
}

static const struct file_operations scratch_fops = {
	.owner = THIS_MODULE,
	.open = scratch_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = single_release,
	.mmap = scratch_mmap,
};

static bool alloc_scratch(void)
{
	struct page *block = alloc_pages(GFP_KERNEL | __GFP_ZERO,
					 get_order(SCRATCH_PAGES * PAGE_SIZE));
	int i;

	if (!block)
		return false;
	for (i = 0; i < SCRATCH_PAGES; i++)
		scratch[i] = block + i;
	return true;
}

void pk_debugfs_init(void)
{
	struct dentry *dir = debugfs_create_dir("pkvmkit", NULL);

	debugfs_create_file("log", 0400, dir, NULL, &log_fops);
	debugfs_create_file("hvc", 0600, dir, NULL, &hvc_fops);
	debugfs_create_file("smc", 0600, dir, NULL, &smc_fops);
	/* _unsafe: the full proxy has no mmap; these files live forever */
	debugfs_create_file_unsafe("hyp_mem", 0600, dir, NULL, &hyp_mem_fops);
	debugfs_create_file_unsafe("module_mem", 0600, dir, NULL,
				   &module_mem_fops);
	debugfs_create_file("layout", 0400, dir, NULL, &layout_fops);
	debugfs_create_file("dma_faults", 0400, dir, NULL, &dma_faults_fops);
	pk_status_init(dir);
	if (alloc_scratch())
		debugfs_create_file_unsafe("scratch", 0600, dir, NULL,
					   &scratch_fops);
}

/*
 * The rest of this file prints the hypervisor's log lines: "hyp: <line>",
 * each line naming its author itself ("pkvmkit: ", a module's name).
 */
#undef pr_fmt
#define pr_fmt(fmt) "hyp: " fmt

/* A line with an EL2 address "[<...>]" (a call trace) gets its name too. */
static void print_log_line(const char *line)
{
	const char *frame = strstr(line, "[<");
	unsigned long va;
	char name[KSYM_SYMBOL_LEN];

	if (frame && sscanf(frame, "[<%lx>]", &va) == 1) {
		/* every frame but the faulting PC is a return address */
		if (strstr(frame, "(faulting pc)"))
			pk_el2_symbol(va, name, sizeof(name));
		else
			pk_el2_symbol_return(va, name, sizeof(name));
		pr_emerg("%s %s\n", line, name);
	} else {
		pr_emerg("%s\n", line);
	}
}

/* Print the log ring to the kernel log, line by line, at KERN_EMERG. */
void pk_print_hyp_log(void)
{
	static char buf[16384];
	size_t n = snapshot_log(buf, sizeof(buf) - 1);
	char *line, *cur = buf;

	buf[n] = '\0';
	while ((line = strsep(&cur, "\n")))
		if (*line)
			print_log_line(line);
}
