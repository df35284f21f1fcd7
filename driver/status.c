// SPDX-License-Identifier: GPL-2.0-only
/*
 * /sys/kernel/debug/pkvmkit/status: the hypervisor's state for people.
 * The security state (and why it is insecure), each loaded EL2 module
 * with its address ranges, the vendor-module calls and hooks with the
 * functions behind them, page states and pool use, and each CPU. What
 * the hypervisor knows comes from always-available hypercalls; the
 * function names from symbolize.c.
 */
#include "pkvmkit.h"
#include <linux/cpu.h>
#include <linux/debugfs.h>
#include <linux/kallsyms.h>
#include <linux/seq_file.h>
#include <pkvmkit/hypercall.h>
#include <pkvmkit/ownership.h>

/* Vendor-module calls, as the driver registered them. */
#define MAX_CALLS	HC_MAX_DYNAMIC

static unsigned long call_hyp_va[MAX_CALLS];	/* by id - HC_FIRST_DYNAMIC */
static DEFINE_SPINLOCK(calls_lock);

void pk_status_record_call(int id, unsigned long hfn_hyp_va)
{
	if (id < HC_FIRST_DYNAMIC || id >= HC_FIRST_DYNAMIC + MAX_CALLS)
		return;
	spin_lock(&calls_lock);
	call_hyp_va[id - HC_FIRST_DYNAMIC] = hfn_hyp_va;
	spin_unlock(&calls_lock);
}

static void show_dma(struct seq_file *m)
{
	char dma[256];

	pk_dma_show(dma, sizeof(dma));
	seq_printf(m, "dma: %s", dma);
}

static void show_security(struct seq_file *m)
{
	struct arm_smccc_res res = pk_hvc(HC_ID(HC_SECURITY_STATE), 0, 0, 0);

	seq_printf(m, "security: %s\n", res.a1 ? "secure" :
		   "INSECURE, protected VMs refused");
	if (!res.a1)
		seq_printf(m, "  why: %s\n", pk_insecure_reason());
	show_dma(m);
	seq_printf(m, "host: %s\n", pk.deprivileged ? "deprivileged" :
		   pk.deprivilege_failed ? "deprivilege FAILED" :
		   "not deprivileged yet");
}

static void show_calls(struct seq_file *m)
{
	char name[KSYM_SYMBOL_LEN];
	unsigned long va;
	int i, n = 0;

	seq_puts(m, "vendor-module calls:\n");
	for (i = 0; i < MAX_CALLS; i++) {
		spin_lock(&calls_lock);
		va = call_hyp_va[i];
		spin_unlock(&calls_lock);
		if (!va)
			continue;
		pk_el2_symbol(va, name, sizeof(name));
		seq_printf(m, "  %d  %#lx  %s\n", HC_FIRST_DYNAMIC + i, va, name);
		n++;
	}
	if (!n)
		seq_puts(m, "  none\n");
}

static void show_hooks(struct seq_file *m)
{
#define HOOK_NAME(name, what)	\
	[name] = what,
	static const char *const what[HC_NR_HOOKS] = {
		PKVMKIT_HOOK_LIST(HOOK_NAME)
	};
#undef HOOK_NAME
	char name[KSYM_SYMBOL_LEN];
	struct arm_smccc_res res;
	int i;

	seq_puts(m, "hooks:\n");
	for (i = 0; i < HC_NR_HOOKS; i++) {
		res = pk_hvc(HC_ID(HC_HOOK_INFO), i, 0, 0);
		if (res.a0 != SMCCC_RET_SUCCESS || !res.a1) {
			seq_printf(m, "  %-30s -\n", what[i]);
			continue;
		}
		pk_el2_symbol(res.a1, name, sizeof(name));
		seq_printf(m, "  %-30s %#lx  %s\n", what[i], res.a1, name);
	}
}

static void show_memory(struct seq_file *m)
{
	struct arm_smccc_res res;
	int s;

	res = pk_hvc(HC_ID(HC_MEM_STATS), 0, 0, 0);
	seq_printf(m, "pool: %lu pages free, %lu page-table pages in use\n",
		   res.a1, res.a2);
	seq_puts(m, "pages:");
	for (s = 0; s < PAGE_STATE_COUNT; s++) {
		res = pk_hvc(HC_ID(HC_STATE_COUNT), s, 0, 0);
		seq_printf(m, " %s %lu", pk_page_state_name(s), res.a1);
	}
	seq_puts(m, "\n");
}

static void show_cpus(struct seq_file *m)
{
	struct arm_smccc_res res;
	int cpu;

	seq_puts(m, "CPUs:\n");
	cpus_read_lock();
	for_each_online_cpu(cpu) {
		if (pk_hvc_on_cpu(cpu, HC_ID(HC_CPU_STATE), 0, 0, 0, &res) ||
		    res.a0 != SMCCC_RET_SUCCESS) {
			seq_printf(m, "  cpu%d  no answer\n", cpu);
			continue;
		}
		seq_printf(m, "  cpu%d  %s, %s\n", cpu,
			   (res.a1 & HC_CPU_INSTALLED) ? "under the hypervisor" :
							 "NOT installed",
			   (res.a1 & HC_CPU_STAGE2) ? "host stage-2 on" :
						      "host stage-2 off");
	}
	cpus_read_unlock();
}

static int status_show(struct seq_file *m, void *unused)
{
	if (!pk.installed) {
		seq_puts(m, "hypervisor: not installed\n");
		return 0;
	}
	show_security(m);
	pk_el2_ranges_show(m);
	show_calls(m);
	show_hooks(m);
	show_memory(m);
	show_cpus(m);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(status);

void pk_status_init(struct dentry *dir)
{
	debugfs_create_file("status", 0400, dir, NULL, &status_fops);
}
