// SPDX-License-Identifier: GPL-2.0-only
/*
 * pool_probe: what a host can make the hypervisor's page pool do. It holds
 * 2 MiB-aligned blocks of its own memory (order-9 allocations, so each
 * block is one host stage-2 block) and runs, on request, the sequences a
 * hostile host found:
 *
 *   pairs OFF      donate and reclaim page OFF of every block: each pair
 *                  splits a stage-2 block, and must leave the pool as it
 *                  was
 *   exhaust OFF    donate page OFF of one block after the other until the
 *                  hypervisor says -ENOMEM (the failing call must change
 *                  nothing), then reclaim them all
 *   share_exhaust  share half the blocks whole, donate pages of the others
 *                  until -ENOMEM, then unshare every shared block (an
 *                  unshare must never lack memory), and reclaim
 *
 * /sys/kernel/debug/pool_probe/cmd: write a command, read its report, one
 * "name value" per line (pool figures from HC_MEM_STATS before and
 * after). Only pages of this module are ever donated or shared.
 */
#include <linux/arm-smccc.h>
#include <linux/debugfs.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <pkvmkit/hypercall.h>

#define BLOCK_ORDER	9
#define BLOCK_PAGES	(1UL << BLOCK_ORDER)
#define REPORT_SIZE	1024

static unsigned int blocks = 96;
module_param(blocks, uint, 0444);
MODULE_PARM_DESC(blocks, "2 MiB blocks to hold (fewer if memory is short)");

static struct page **block;
static unsigned int nr_blocks;
static DEFINE_MUTEX(cmd_lock);
static char report[REPORT_SIZE];
static size_t report_len;

static long hc(unsigned long id, unsigned long a1, unsigned long a2)
{
	struct arm_smccc_res res;

	arm_smccc_1_1_hvc(HC_ID(id), a1, a2, &res);
	return res.a0 == SMCCC_RET_SUCCESS ? (long)res.a1 : -ENOSYS;
}

static unsigned long pool_free_pages(void)
{
	struct arm_smccc_res res;

	arm_smccc_1_1_hvc(HC_ID(HC_MEM_STATS), &res);
	return res.a1;
}

static unsigned long block_pfn(unsigned int i)
{
	return page_to_pfn(block[i]);
}

static void say(const char *name, long value)
{
	report_len += scnprintf(report + report_len, REPORT_SIZE - report_len,
				"%s %ld\n", name, value);
}

static void run_pairs(unsigned long off)
{
	long first_err = 0, ok = 0;
	unsigned int i;

	for (i = 0; i < nr_blocks; i++) {
		long d = hc(HC_HOST_DONATE_HYP, block_pfn(i) + off, 1);
		long r = d ? 0 : hc(HC_HOST_RECLAIM, block_pfn(i) + off, 1);

		if (d || r)
			first_err = first_err ?: (d ?: r);
		else
			ok++;
	}
	say("pairs_ok", ok);
	say("first_error", first_err);
}

static void run_exhaust(unsigned long off)
{
	long err = 0, state_after = -1, back = 0;
	unsigned int i, n;

	for (n = 0; n < nr_blocks && !err; n++) {
		err = hc(HC_HOST_DONATE_HYP, block_pfn(n) + off, 1);
		if (err)
			state_after = hc(HC_PAGE_STATE, block_pfn(n) + off, 0);
	}
	if (err)
		n--;	/* the last one was refused */
	say("donated", n);
	say("error", err);
	say("refused_page_state", state_after);	/* 0: still the host's */
	for (i = 0; i < n; i++)
		back += !hc(HC_HOST_RECLAIM, block_pfn(i) + off, 1);
	say("reclaimed", back);
}

/*
 * Share the first half of the blocks whole, exhaust the pool with
 * donations from the other half, then unshare: an unshare must never
 * lack memory, however little is left.
 */
static void run_share_exhaust(void)
{
	unsigned int i, n, half = nr_blocks / 2, donated = 0;
	long err = 0, back = 0;

	for (n = 0; n < half && !err; n++)
		err = hc(HC_HOST_SHARE_HYP, block_pfn(n), BLOCK_PAGES);
	if (err)
		n--;
	say("shared_blocks", n);
	say("share_error", err);
	for (i = half, err = 0; i < nr_blocks && !err; i++)
		if (!(err = hc(HC_HOST_DONATE_HYP, block_pfn(i) + 7, 1)))
			donated++;
	say("donate_error", err);
	say("free_when_exhausted", pool_free_pages());
	for (i = 0; i < n; i++) {
		long r = hc(HC_HOST_UNSHARE_HYP, block_pfn(i), BLOCK_PAGES);

		if (r)
			say("unshare_error", r);
		else
			back++;
	}
	say("unshared_blocks", back);
	for (i = 0; i < donated; i++)
		hc(HC_HOST_RECLAIM, block_pfn(half + i) + 7, 1);
}

static ssize_t cmd_write(struct file *f, const char __user *ubuf, size_t len,
			 loff_t *pos)
{
	char buf[32], what[16];
	unsigned long arg = 0;
	int n;

	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = 0;
	n = sscanf(buf, "%15s %lu", what, &arg);
	if (n < 1 || arg >= BLOCK_PAGES)
		return -EINVAL;

	mutex_lock(&cmd_lock);
	report_len = 0;
	say("blocks", nr_blocks);
	say("free_before", pool_free_pages());
	if (!strcmp(what, "pairs"))
		run_pairs(arg);
	else if (!strcmp(what, "exhaust"))
		run_exhaust(arg);
	else if (!strcmp(what, "share_exhaust"))
		run_share_exhaust();
	else
		len = -EINVAL;
	say("free_after", pool_free_pages());
	mutex_unlock(&cmd_lock);
	return len;
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
	.read = cmd_read,
	.write = cmd_write,
};

static struct dentry *dir;

static int __init pool_probe_init(void)
{
	block = kcalloc(blocks, sizeof(*block), GFP_KERNEL);
	if (!block)
		return -ENOMEM;
	for (nr_blocks = 0; nr_blocks < blocks; nr_blocks++) {
		block[nr_blocks] = alloc_pages(GFP_KERNEL | __GFP_NOWARN,
					       BLOCK_ORDER);
		if (!block[nr_blocks])
			break;
	}
	pr_info("pool_probe: holding %u blocks of 2 MiB\n", nr_blocks);
	dir = debugfs_create_dir("pool_probe", NULL);
	debugfs_create_file("cmd", 0600, dir, NULL, &cmd_fops);
	return 0;
}

/*
 * No exit: a block the hypervisor still held (after a failed reclaim)
 * must never go back to the kernel's allocator.
 */
module_init(pool_probe_init);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("pkvmkit test: host stage-2 splits and the hypervisor's pool");
