// SPDX-License-Identifier: GPL-2.0-only
/*
 * pkvm_dma_test: a hostile host's devices, for tests/scenarios/dma-*.sh.
 *
 * Drives QEMU's edu device (PCI 1234:11e8, docs/specs/edu.rst in QEMU)
 * to copy a page by DMA between any physical address and its 4 KiB
 * buffer, and a virtio-blk disk to read a sector into any page, with
 * physical addresses programmed directly (no DMA API: what a host that
 * wants the hypervisor's memory would do). Owns NR_PAGES pages of its
 * own the scenario fills, inspects and hands to the hypervisor. Commands
 * are written to /sys/kernel/debug/pkvm_dma_test/cmd, the answer read
 * back from it (numbers in hex):
 *
 *   pages                   -> its pages' pfns
 *   fill PFN SEED           one of its own pages with dma_pattern(SEED)
 *   zero PFN
 *   match PFN SEED          -> bytes of its own page that hold the pattern
 *   head PFN                -> its first 21 bytes, as text
 *   to_dev PFN              edu: page -> buffer   -> "ok" / "timeout"
 *   from_dev PFN            edu: buffer -> page
 *   blk_read PFN SECTOR [DEV] virtio-blk (default /dev/vda): one page
 *                           -> "ok" / "error N" / "timeout"
 *   edu_sid                 -> the edu's PCI requester id (its stream)
 *   fuzz OPS SEED FIRST NR  the DMA fuzzer (fuzz.c) -> "ops ... violations N"
 *   pair_bench N            -> virtual ns per donate + reclaim pair of a
 *                           page (HC_HOST_DONATE_HYP, HC_HOST_RECLAIM),
 *                           interrupts off, net of the same loop without
 *                           the calls: make bench's figure under -icount
 *                           shift=0 (one instruction a virtual ns). N pairs
 *                           on each of PAIR_PAGES pages, the median and
 *                           the extremes (the cost depends a little on
 *                           where a page lies in its tables). Each page's
 *                           neighbour stays donated meanwhile, so the host
 *                           stage-2 keeps the page table of their 2 MiB
 *                           (no block split and coalesced each time)
 *
 * A DMA the SMMU refuses does not fail at the device: edu carries on
 * with whatever its bus returned, so the scenario judges by content and
 * by the faults the hypervisor recorded.
 */
#include <linux/blkdev.h>
#include <linux/bio.h>
#include <linux/completion.h>
#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/fs.h>
#include <linux/io.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/uaccess.h>
#include <linux/version.h>
#include <linux/arm-smccc.h>
#include <linux/ktime.h>
#include <pkvmkit/hypercall.h>
#include "dma_pattern.h"
#include "dma_test.h"

#define EDU_VENDOR		0x1234
#define EDU_DEVICE		0x11e8
#define EDU_DMA_SRC		0x80
#define EDU_DMA_DST		0x88
#define EDU_DMA_CNT		0x90
#define EDU_DMA_CMD		0x98
#define  EDU_CMD_START		BIT(0)
#define  EDU_CMD_TO_RAM		BIT(1)
#define DMA_WAIT_MS		3000
#define NR_PAGES		10

static struct pci_dev *edu;
static void __iomem *edu_regs;
static struct page *pages[NR_PAGES];
static struct dentry *dir;
static DEFINE_MUTEX(cmd_lock);
static char answer[256];

static bool own_pfn(unsigned long pfn)
{
	int i;

	for (i = 0; i < NR_PAGES; i++)
		if (page_to_pfn(pages[i]) == pfn)
			return true;
	return false;
}

/* One edu transfer; the device works from a timer. */
int dma_test_edu(u64 src, u64 dst, u64 len, bool to_ram)
{
	unsigned long waited;

	if (!edu_regs)
		return -ENODEV;
	writeq(src, edu_regs + EDU_DMA_SRC);
	writeq(dst, edu_regs + EDU_DMA_DST);
	writeq(len, edu_regs + EDU_DMA_CNT);
	writeq(EDU_CMD_START | (to_ram ? EDU_CMD_TO_RAM : 0),
	       edu_regs + EDU_DMA_CMD);
	for (waited = 0; waited < DMA_WAIT_MS; waited += 5) {
		if (!(readq(edu_regs + EDU_DMA_CMD) & EDU_CMD_START))
			return 0;
		msleep(5);
	}
	return -ETIMEDOUT;
}

/*
 * A read the device may never finish (QEMU stops a virtio device whose
 * buffer it cannot map): the completion is static, so a late end_io
 * finds it still there.
 */
static DECLARE_COMPLETION(blk_done);
static int blk_status;

static void blk_end_io(struct bio *bio)
{
	blk_status = blk_status_to_errno(bio->bi_status);
	complete(&blk_done);
	bio_put(bio);
}

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 9, 0)
static struct block_device *open_disk(const char *path, void **handle)
{
	struct file *f = bdev_file_open_by_path(path, BLK_OPEN_READ, NULL, NULL);

	if (IS_ERR(f))
		return ERR_CAST(f);
	*handle = f;
	return file_bdev(f);
}

static void close_disk(struct block_device *bdev, void *handle)
{
	fput(handle);
}
#else
static struct block_device *open_disk(const char *path, void **handle)
{
	*handle = NULL;
	return blkdev_get_by_path(path, FMODE_READ, NULL);
}

static void close_disk(struct block_device *bdev, void *handle)
{
	blkdev_put(bdev, FMODE_READ);
}
#endif

static int blk_read(unsigned long pfn, u64 sector, const char *path)
{
	struct block_device *bdev;
	void *handle;
	struct bio *bio;
	int ret;

	bdev = open_disk(path, &handle);
	if (IS_ERR(bdev))
		return PTR_ERR(bdev);
	bio = bio_alloc(bdev, 1, REQ_OP_READ, GFP_KERNEL);
	bio->bi_iter.bi_sector = sector;
	bio->bi_end_io = blk_end_io;
	if (bio_add_page(bio, pfn_to_page(pfn), PAGE_SIZE, 0) != PAGE_SIZE) {
		bio_put(bio);
		close_disk(bdev, handle);
		return -EIO;
	}
	reinit_completion(&blk_done);
	submit_bio(bio);
	if (!wait_for_completion_timeout(&blk_done,
					 msecs_to_jiffies(DMA_WAIT_MS)))
		return -ETIMEDOUT;	/* the disk stays open: the bio is its */
	ret = blk_status;
	close_disk(bdev, handle);
	return ret;
}

/* N donate + reclaim pairs of @pfn, or N empty rounds: virtual ns. */
static u64 pair_loop(unsigned long pfn, unsigned long n, bool call,
		     unsigned long *failed)
{
	struct arm_smccc_res res;
	unsigned long flags, i;
	u64 t0, t1;

	*failed = 0;
	local_irq_save(flags);
	t0 = ktime_get_ns();
	for (i = 0; i < n; i++) {
		if (!call)
			continue;
		arm_smccc_1_1_hvc(HC_ID(HC_HOST_DONATE_HYP), pfn, 1, &res);
		*failed += res.a0 || res.a1;
		arm_smccc_1_1_hvc(HC_ID(HC_HOST_RECLAIM), pfn, 1, &res);
		*failed += res.a0 || res.a1;
	}
	t1 = ktime_get_ns();
	local_irq_restore(flags);
	return t1 - t0;
}

/* Centi-instructions per pair on one page (its neighbour donated). */
static int pair_bench_one(unsigned long n, u64 *cost)
{
	struct page *two = alloc_pages(GFP_KERNEL, 1);
	unsigned long pfn, failed = 0;
	struct arm_smccc_res res;
	u64 empty = 0, pairs = 0;

	if (!two)
		return -ENOMEM;
	pfn = page_to_pfn(two);
	arm_smccc_1_1_hvc(HC_ID(HC_HOST_DONATE_HYP), pfn, 1, &res);
	if (!res.a0 && !res.a1) {
		empty = pair_loop(pfn + 1, n, false, &failed);
		pairs = pair_loop(pfn + 1, n, true, &failed);
		arm_smccc_1_1_hvc(HC_ID(HC_HOST_RECLAIM), pfn, 1, &res);
	}
	if (res.a0 || res.a1) {
		/* a page the hypervisor kept must not go back to the kernel */
		pr_err("pkvm_dma_test: pair_bench: page %#lx not given back\n", pfn);
		return -EIO;
	}
	__free_pages(two, 1);
	*cost = (pairs - empty) * 100 / n;
	return failed ? -EIO : 0;
}

#define PAIR_PAGES	9

static int pair_bench(unsigned long n)
{
	u64 cost[PAIR_PAGES], t;
	int i, j, ret;

	if (!n || n > 100000)
		return -EINVAL;
	for (i = 0; i < PAIR_PAGES; i++) {
		ret = pair_bench_one(n, &cost[i]);
		if (ret)
			return ret;
		for (j = i; j > 0 && cost[j - 1] > cost[j]; j--) {
			t = cost[j];
			cost[j] = cost[j - 1];
			cost[j - 1] = t;
		}
	}
	snprintf(answer, sizeof(answer),
		 "%llu.%02llu instructions per pair (median of %d pages, %lu pairs each; %llu.%02llu to %llu.%02llu)\n",
		 cost[PAIR_PAGES / 2] / 100, cost[PAIR_PAGES / 2] % 100,
		 PAIR_PAGES, n, cost[0] / 100, cost[0] % 100,
		 cost[PAIR_PAGES - 1] / 100, cost[PAIR_PAGES - 1] % 100);
	return 0;
}

static void say_result(int ret)
{
	if (ret == -ETIMEDOUT)
		snprintf(answer, sizeof(answer), "timeout\n");
	else if (ret)
		snprintf(answer, sizeof(answer), "error %d\n", ret);
	else
		snprintf(answer, sizeof(answer), "ok\n");
}

static int run_cmd(char *line)
{
	char op[16], dev[64] = "/dev/vda";
	unsigned long pfn = 0, arg = 0, first, nr;
	int n = sscanf(line, "%15s %lx %lx %63s", op, &pfn, &arg, dev);

	if (n < 1)
		return -EINVAL;
	if (!strcmp(op, "fuzz")) {
		if (sscanf(line, "%15s %lx %lx %lx %lx", op, &pfn, &arg, &first,
			   &nr) != 5)
			return -EINVAL;
		return dma_test_fuzz(pfn, arg, first, nr, answer, sizeof(answer));
	}
	if (!strcmp(op, "pages")) {
		int i, at = 0;

		for (i = 0; i < NR_PAGES; i++)
			at += scnprintf(answer + at, sizeof(answer) - at, "%#lx%s",
					page_to_pfn(pages[i]),
					i + 1 < NR_PAGES ? " " : "\n");
	} else if (!strcmp(op, "edu_sid")) {
		if (!edu)
			return -ENODEV;
		snprintf(answer, sizeof(answer), "%#x\n", pci_dev_id(edu));
	} else if (n >= 2 && !strcmp(op, "pair_bench")) {
		return pair_bench(pfn);
	} else if (n >= 2 && !strcmp(op, "to_dev")) {
		say_result(dma_test_edu((u64)pfn << PAGE_SHIFT, EDU_BUFFER,
					DMA_PATTERN_PAGE, false));
	} else if (n >= 2 && !strcmp(op, "from_dev")) {
		say_result(dma_test_edu(EDU_BUFFER, (u64)pfn << PAGE_SHIFT,
					DMA_PATTERN_PAGE, true));
	} else if (n >= 3 && !strcmp(op, "blk_read")) {
		say_result(blk_read(pfn, arg, dev));
	} else if (n >= 2 && own_pfn(pfn)) {
		void *va = page_address(pfn_to_page(pfn));

		if (!strcmp(op, "zero"))
			memset(va, 0, PAGE_SIZE);
		else if (n >= 3 && !strcmp(op, "fill"))
			dma_pattern_fill(va, arg);
		else if (!strcmp(op, "head"))
			snprintf(answer, sizeof(answer), "%.21s\n", (char *)va);
		else if (n >= 3 && !strcmp(op, "match"))
			snprintf(answer, sizeof(answer), "%lu\n",
				 dma_pattern_matches(va, arg));
		else
			return -EINVAL;
	} else {
		return -EINVAL;
	}
	return 0;
}

static ssize_t cmd_write(struct file *f, const char __user *ubuf, size_t len,
			 loff_t *pos)
{
	char line[128];
	int ret;

	if (len >= sizeof(line))
		return -EINVAL;
	if (copy_from_user(line, ubuf, len))
		return -EFAULT;
	line[len] = 0;
	mutex_lock(&cmd_lock);
	answer[0] = 0;
	ret = run_cmd(line);
	mutex_unlock(&cmd_lock);
	return ret ? ret : len;
}

static ssize_t cmd_read(struct file *f, char __user *ubuf, size_t len,
			loff_t *pos)
{
	ssize_t ret;

	mutex_lock(&cmd_lock);
	ret = simple_read_from_buffer(ubuf, len, pos, answer, strlen(answer));
	mutex_unlock(&cmd_lock);
	return ret;
}

static const struct file_operations cmd_fops = {
	.owner = THIS_MODULE,
	.write = cmd_write,
	.read = cmd_read,
};

static int edu_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	int ret = pcim_enable_device(pdev);

	if (ret)
		return ret;
	pci_set_master(pdev);
	edu_regs = pcim_iomap(pdev, 0, 0);
	if (!edu_regs)
		return -ENOMEM;
	edu = pdev;
	return 0;
}

static void edu_remove(struct pci_dev *pdev)
{
	edu = NULL;
	edu_regs = NULL;
}

static const struct pci_device_id edu_ids[] = {
	{ PCI_DEVICE(EDU_VENDOR, EDU_DEVICE) },
	{ }
};

static struct pci_driver edu_driver = {
	.name = "pkvm_dma_test_edu",
	.id_table = edu_ids,
	.probe = edu_probe,
	.remove = edu_remove,
};

static void free_own_pages(void)
{
	int i;

	for (i = 0; i < NR_PAGES; i++)
		if (pages[i])
			__free_page(pages[i]);
}

static int __init dma_test_init(void)
{
	int i, ret;

	for (i = 0; i < NR_PAGES; i++) {
		pages[i] = alloc_page(GFP_KERNEL | __GFP_ZERO);
		if (!pages[i]) {
			free_own_pages();
			return -ENOMEM;
		}
	}
	ret = pci_register_driver(&edu_driver);
	if (ret) {
		free_own_pages();
		return ret;
	}
	dir = debugfs_create_dir("pkvm_dma_test", NULL);
	debugfs_create_file("cmd", 0600, dir, NULL, &cmd_fops);
	pr_info("pkvm_dma_test: edu %s\n", edu ? pci_name(edu) : "absent");
	return 0;
}
module_init(dma_test_init);

static void __exit dma_test_exit(void)
{
	debugfs_remove_recursive(dir);
	pci_unregister_driver(&edu_driver);
	free_own_pages();
}
module_exit(dma_test_exit);

MODULE_DESCRIPTION("pkvmkit test: DMA by a hostile host's devices");
MODULE_LICENSE("GPL");
