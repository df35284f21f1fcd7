// SPDX-License-Identifier: GPL-2.0-only
/*
 * pkvm_fail_init: a protected module whose EL2 init fails. Its load must
 * fail cleanly (pages back to the host, error returned) and mark the
 * system insecure.
 *
 * hook_in_flight=1: meanwhile a thread on another CPU issues the SMC the
 * EL2 init's handler takes, so that the init fails while that CPU runs
 * the module's EL2 code. The load must still fail cleanly: the loader
 * waits for the call to end before it takes the pages back.
 *
 * crash_at_el2=1: the EL2 init reads an unmapped address (a hypervisor
 * panic, before deprivilege), for the symbolized call trace.
 */
#include <linux/arm-smccc.h>
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/init.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/preempt.h>
#include <asm/kvm_pkvm_module.h>

#define FAIL_INIT_SMC		0x82000ff0
#define FAIL_INIT_ANSWER	0x5afe

int __kvm_nvhe_fail_hyp_init(const struct pkvm_module_ops *ops);
extern bool __kvm_nvhe_hook_in_flight;
extern bool __kvm_nvhe_crash_at_el2;

static bool hook_in_flight;
module_param(hook_in_flight, bool, 0444);
MODULE_PARM_DESC(hook_in_flight, "fail while another CPU runs the module's SMC handler");

static bool crash_at_el2;
module_param(crash_at_el2, bool, 0444);
MODULE_PARM_DESC(crash_at_el2, "panic the hypervisor in the EL2 init (a test of the call trace)");

static atomic_t nr_answered;
static atomic_t smc_thread_running;

static int issue_smcs(void *unused)
{
	struct arm_smccc_res res;

	atomic_set(&smc_thread_running, 1);
	while (!kthread_should_stop()) {
		arm_smccc_smc(FAIL_INIT_SMC, 0, 0, 0, 0, 0, 0, 0, &res);
		if (res.a0 == FAIL_INIT_ANSWER)
			atomic_inc(&nr_answered);
		cond_resched();
	}
	return 0;
}

/*
 * A thread issuing FAIL_INIT_SMC on a CPU other than this one, running by
 * the time this returns, or NULL. (Not waiting for it to run let a slow
 * boot, 4 emulated CPUs on 2 host cores, start the EL2 init first: the
 * init then found no CPU in its handler.) The caller keeps itself on
 * this CPU: moved to the thread's, the EL2 init would spin there while
 * the thread cannot run.
 */
static struct task_struct *start_smc_thread(void)
{
	struct task_struct *t;
	unsigned int cpu = cpumask_any_but(cpu_online_mask, raw_smp_processor_id());
	int i;

	if (cpu >= nr_cpu_ids)
		return NULL;
	t = kthread_create(issue_smcs, NULL, "pkvm_fail_init_smc");
	if (IS_ERR(t))
		return NULL;
	kthread_bind(t, cpu);
	wake_up_process(t);
	for (i = 0; i < 1000 && !atomic_read(&smc_thread_running); i++)
		usleep_range(1000, 2000);
	return t;
}

static int __init fail_init_init(void)
{
	struct task_struct *t = NULL;
	unsigned long token;
	int ret;

	__kvm_nvhe_crash_at_el2 = crash_at_el2;
	migrate_disable();
	if (hook_in_flight) {
		__kvm_nvhe_hook_in_flight = true;
		t = start_smc_thread();
		if (!t)
			pr_err("pkvm_fail_init: no thread on another CPU\n");
	}
	ret = pkvm_load_el2_module(__kvm_nvhe_fail_hyp_init, &token);
	migrate_enable();
	if (t) {
		kthread_stop(t);
		pr_info("pkvm_fail_init: the SMC handler answered %d times\n",
			atomic_read(&nr_answered));
	}
	return ret;
}
module_init(fail_init_init);
MODULE_LICENSE("GPL");
