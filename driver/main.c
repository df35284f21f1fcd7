// SPDX-License-Identifier: GPL-2.0-only
/*
 * pkvmkit host driver: installs the pkvmkit hypervisor at EL2 under a stock
 * arm64 kernel through Linux's hyp stub, then deprivileges the host.
 *
 * Load it from the initramfs, before anything that must not be seen by an
 * untrusted host, on a kernel booted with kvm-arm.mode=none.
 */
#include "pkvmkit.h"
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/workqueue.h>

struct pk_state pk;

static bool deprivilege = true;
module_param(deprivilege, bool, 0444);
MODULE_PARM_DESC(deprivilege,
		 "deprivilege the host right after install (default 1); 0: wait for a write to /sys/kernel/pkvmkit/deprivilege");

static DEFINE_MUTEX(deprivilege_lock);

/*
 * Virtual time from the start of module init to the end of deprivilege.
 * Under QEMU -icount shift=0 one guest instruction takes one virtual
 * nanosecond, so this counts the instructions all CPUs ran meanwhile
 * (make bench reads it).
 */
static u64 load_start_ns;

int pk_request_deprivilege(void)
{
	int ret;

	mutex_lock(&deprivilege_lock);
	pk_close_el2_loading();
	ret = pk.deprivileged ? -EALREADY : pk_deprivilege();
	if (!ret) {
		pr_info("load to deprivileged: %llu ns of guest time\n",
			ktime_get_ns() - load_start_ns);
		/* VMs need the host deprivileged: only now is there a /dev/kvm */
		pk_kvm_init();
	} else if (!pk.deprivileged) {
		pk_reopen_el2_loading();
	}
	mutex_unlock(&deprivilege_lock);
	return ret;
}

bool pk_deprivilege_started(void)
{
	return READ_ONCE(pk.deprivilege_started);
}

static int live_notify(struct notifier_block *nb, unsigned long state,
		       void *data);
static struct notifier_block live_nb = { .notifier_call = live_notify };

/*
 * Once this module is live: load the protected modules (they need its
 * exports, so it must be live first), then deprivilege.
 */
static void late_init_fn(struct work_struct *work)
{
	unregister_module_notifier(&live_nb);
	pk_load_protected_modules();
	if (deprivilege)
		pk_request_deprivilege();
	/* after deprivilege: finding tracefs's calls waits for RCU */
	pk_trace_start_tracefs();
}
static DECLARE_WORK(late_init_work, late_init_fn);

static int live_notify(struct notifier_block *nb, unsigned long state,
		       void *data)
{
	if (data == THIS_MODULE && state == MODULE_STATE_LIVE)
		schedule_work(&late_init_work);
	return NOTIFY_DONE;
}

static int __init pkvmkit_init(void)
{
	int ret;

	load_start_ns = ktime_get_ns();
	ret = pk_check_el2();
	if (ret)
		return ret;
	ret = pk_alloc_memory() ?: pk_build_el2_stage1();
	if (ret)
		goto free;
	ret = pk_install();
	if (ret && !pk.el2_taken)
		goto free;
	/*
	 * From here EL2 runs our code on at least one CPU, in our memory: the
	 * module and its memory stay, even if a CPU failed.
	 */
	pk_sysfs_init();
	pk_debugfs_init();
	if (ret) {
		pr_err("install incomplete: the host stays privileged\n");
		pk_mark_insecure("install incomplete");
		return 0;
	}
	pk_trace_init();
	ret = register_module_notifier(&live_nb);
	if (ret) {
		pr_err("cannot watch for module init to finish: %d: not deprivileging\n",
		       ret);
		pk_mark_insecure("no late init");
	}
	return 0;
free:
	pk_free_memory();
	return ret;
}
module_init(pkvmkit_init);
/* No module_exit: the hypervisor cannot be taken out from under the kernel. */

MODULE_DESCRIPTION("pkvmkit: a pKVM-compatible EL2 hypervisor for stock arm64 kernels");
MODULE_LICENSE("GPL");
