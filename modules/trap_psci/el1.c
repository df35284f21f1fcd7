// SPDX-License-Identifier: GPL-2.0-only
/*
 * trap_psci, EL1 half: load the EL2 code, register its counters call, and
 * give tests a way to write the trapped register on a chosen CPU:
 *
 *   echo "CPU N" > /sys/kernel/debug/trap_psci/contextidr
 *   cat /sys/kernel/debug/trap_psci/contextidr
 *	-> "cpu C writes N mismatches M"
 *
 * writes TRAP_MAGIC << 16 | i for i < N to CONTEXTIDR_EL1 on CPU C,
 * reading each back at once (the EL2 emulation must make it land), then
 * restores the kernel's value.
 */
#include <linux/debugfs.h>
#include <linux/init.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/smp.h>
#include <linux/uaccess.h>
#include <asm/kvm_pkvm_module.h>
#include <asm/sysreg.h>

#define TRAP_MAGIC	0x5a5a

int __kvm_nvhe_trap_psci_init(const struct pkvm_module_ops *ops);
void __kvm_nvhe_trap_psci_counters(struct kvm_cpu_context *ctxt);

struct write_run {
	unsigned int cpu, writes, mismatches;
};

static struct write_run last_run;
static DEFINE_MUTEX(run_lock);

static void write_contextidr(void *arg)
{
	struct write_run *run = arg;
	u64 saved = read_sysreg(contextidr_el1);
	unsigned int i;

	for (i = 0; i < run->writes; i++) {
		u64 val = (TRAP_MAGIC << 16) | (i & 0xffff);

		write_sysreg(val, contextidr_el1);
		isb();
		if (read_sysreg(contextidr_el1) != val)
			run->mismatches++;
	}
	write_sysreg(saved, contextidr_el1);
	isb();
}

static ssize_t contextidr_write(struct file *f, const char __user *ubuf,
				size_t len, loff_t *ppos)
{
	struct write_run run = { 0 };
	char buf[32];
	int ret;

	if (len >= sizeof(buf) || copy_from_user(buf, ubuf, len))
		return -EINVAL;
	buf[len] = '\0';
	if (sscanf(buf, "%u %u", &run.cpu, &run.writes) != 2 || run.writes > 65536)
		return -EINVAL;
	ret = smp_call_function_single(run.cpu, write_contextidr, &run, 1);
	if (ret)
		return ret;
	mutex_lock(&run_lock);
	last_run = run;
	mutex_unlock(&run_lock);
	return len;
}

static ssize_t contextidr_read(struct file *f, char __user *ubuf, size_t len,
			       loff_t *ppos)
{
	char buf[64];
	int n;

	mutex_lock(&run_lock);
	n = scnprintf(buf, sizeof(buf), "cpu %u writes %u mismatches %u\n",
		      last_run.cpu, last_run.writes, last_run.mismatches);
	mutex_unlock(&run_lock);
	return simple_read_from_buffer(ubuf, len, ppos, buf, n);
}

static const struct file_operations contextidr_fops = {
	.owner = THIS_MODULE,
	.read = contextidr_read,
	.write = contextidr_write,
	.llseek = default_llseek,
};

static int __init trap_psci_load(void)
{
	struct dentry *dir;
	unsigned long token;
	int ret, id;

	ret = pkvm_load_el2_module(__kvm_nvhe_trap_psci_init, &token);
	if (ret)
		return ret;
	id = pkvm_register_el2_mod_call(__kvm_nvhe_trap_psci_counters, token);
	if (id < 0)
		return id;
	dir = debugfs_create_dir("trap_psci", NULL);
	debugfs_create_file("contextidr", 0600, dir, NULL, &contextidr_fops);
	pr_info("trap_psci: trapping CONTEXTIDR_EL1 writes, counters on hypercall %d\n",
		id);
	return 0;
}
module_init(trap_psci_load);

MODULE_DESCRIPTION("pkvmkit sample: trap and emulate a system register, follow PSCI");
MODULE_LICENSE("GPL");
