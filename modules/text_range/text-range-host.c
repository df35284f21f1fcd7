// SPDX-License-Identifier: GPL-2.0-only
/*
 * text_range, EL1 half (android15-6.6: build with
 * PKVM_MODULE_API=android15-6.6), written as ACK's own modules in
 * drivers/misc are: its events header named by its path in ACK's tree,
 * and an EL1 helper ACK exports to vendor modules, kvm_get_kernel_pa(),
 * filling the EL2 code's text_start and text_end before loading it (as
 * ACK's pkvm-text-prot does).
 *
 * /sys/kernel/debug/text_range: a write asks the EL2 code to report the
 * range in its hyp event (text_range, under /sys/kernel/tracing/hyp/);
 * a read gives the range and first instruction as EL1 sees them, through
 * the linear map's read-only alias of the kernel text.
 */
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <asm/kvm_pkvm_module.h>

#define HYP_EVENT_FILE ../../../../drivers/misc/text_range/hyp/events.h
#include <asm/kvm_define_hypevents.h>

int kvm_nvhe_sym(text_range_hyp_init)(const struct pkvm_module_ops *ops);
void kvm_nvhe_sym(text_range_report)(struct user_pt_regs *regs);
extern phys_addr_t kvm_nvhe_sym(text_start), kvm_nvhe_sym(text_end);

/* EL1's copy: the EL2 code's own data is the hypervisor's once loaded */
static phys_addr_t text_start, text_end;
static int report_call;

static ssize_t report_write(struct file *f, const char __user *buf,
			    size_t size, loff_t *pos)
{
	return pkvm_el2_mod_call(report_call) ? -EIO : size;
}

static ssize_t report_read(struct file *f, char __user *buf, size_t size,
			   loff_t *pos)
{
	u32 insn = *(const u32 *)phys_to_virt(text_start);
	char line[64];
	int len;

	/* as the event prints them */
	len = scnprintf(line, sizeof(line), "start=0x%llx end=0x%llx insn=0x%08x\n",
			(u64)text_start, (u64)text_end, insn);
	return simple_read_from_buffer(buf, size, pos, line, len);
}

static const struct file_operations report_fops = {
	.write	= report_write,
	.read	= report_read,
	.llseek	= default_llseek,
};

static int __init text_range_init(void)
{
	unsigned long token;
	int ret;

	kvm_get_kernel_pa(&text_start, &text_end);
	kvm_nvhe_sym(text_start) = text_start;
	kvm_nvhe_sym(text_end) = text_end;
	ret = pkvm_load_el2_module(kvm_nvhe_sym(text_range_hyp_init), &token);
	if (ret) {
		pr_err("text_range: loading the EL2 code failed: %d\n", ret);
		return ret;
	}
	ret = pkvm_register_el2_mod_call(kvm_nvhe_sym(text_range_report), token);
	if (ret < 0)
		return ret;
	report_call = ret;
	debugfs_create_file("text_range", 0600, NULL, NULL, &report_fops);
	pr_info("text_range: the kernel text is at %pa..%pa\n", &text_start,
		&text_end);
	return 0;
}
module_init(text_range_init);

MODULE_DESCRIPTION("pkvmkit sample (android15-6.6): an ACK-style module reporting the kernel text's physical range from EL2");
MODULE_LICENSE("GPL");
