// SPDX-License-Identifier: GPL-2.0-only
/*
 * Putting the hypervisor under the running kernel, CPU by CPU, through
 * Linux's hyp stub; and the one-way deprivilege that follows.
 */
#include "pkvmkit.h"
#include <linux/cpu.h>
#include <linux/smp.h>
#include "hyp-syms.h"

struct install_result {
	unsigned long stub;	/* x0 of HVC_SET_VECTORS */
	unsigned long init;	/* x0 of the init call */
};

static void install_this_cpu(void *info)
{
	struct install_result *res = info;
	int slot = smp_processor_id();

	res->stub = pk_raw_hvc(LINUX_HVC_SET_VECTORS,
			       pk.image.pa + HYP_SYM__hyp_init_vectors);
	if (res->stub)
		return;
	res->init = pk_raw_hvc(HYP_INIT_MAGIC,
			       pk.hp->cpu_boot_pa +
			       slot * sizeof(struct hyp_cpu_boot));
}

static int install_cpu(int cpu)
{
	struct install_result res = { -1, -1 };
	struct arm_smccc_res ping;
	int ret;

	ret = smp_call_function_single(cpu, install_this_cpu, &res, 1);
	if (ret)
		return ret;
	if (res.stub) {
		pr_err("cpu%d: the hyp stub refused our vectors (%#lx): is EL2 really free?\n",
		       cpu, res.stub);
		return -EIO;
	}
	/* VBAR_EL2 points into our memory from now on: it must never be freed */
	pk.el2_taken = true;
	if (res.init) {
		pr_err("cpu%d: hypervisor init failed (x0 %#lx)\n", cpu, res.init);
		return -EIO;
	}
	ret = pk_hvc_on_cpu(cpu, HC_ID(HC_PING), 0, 0, 0, &ping);
	if (ret || ping.a0 != SMCCC_RET_SUCCESS || ping.a1 != HC_PING_MAGIC ||
	    ping.a2 != cpu) {
		pr_err("cpu%d: no answer from the hypervisor after install\n", cpu);
		return -EIO;
	}
	return 0;
}

/*
 * Install on every online CPU, the current one first (it does the
 * hypervisor's global set-up). CPUs that come online later are started
 * through the hypervisor's PSCI relay. A failure part-way cannot be
 * undone (the installed CPUs now run under the hypervisor): report it.
 */
int pk_install(void)
{
	int cpu, first, ret = 0;

	pk_clean_to_poc(&pk.image);
	pk_clean_to_poc(&pk.params);
	pk_clean_to_poc(&pk.pool);
	pk_clean_to_poc(&pk.page_array);
	pk_clean_to_poc(&pk.log);
	pk_clean_to_poc(&pk.trace);

	cpus_read_lock();
	first = get_cpu();
	put_cpu();
	ret = install_cpu(first);
	if (!ret) {
		pk.installed = true;
		for_each_online_cpu(cpu) {
			if (cpu == first)
				continue;
			ret = install_cpu(cpu);
			if (ret)
				break;
		}
	}
	cpus_read_unlock();
	if (!ret)
		pr_info("hypervisor installed on CPUs %*pbl, %zu KiB of memory\n",
			cpumask_pr_args(cpu_online_mask), pk.total_bytes >> 10);
	return ret;
}

static void trap_once(void *unused)
{
	pk_hvc(HC_ID(HC_PING), 0, 0, 0);
}

/*
 * Deprivilege the host: the hypervisor builds the host stage-2 and stops
 * taking set-up calls. Each CPU enters the stage-2 on its next trap, so
 * make every CPU trap once, then check they all did.
 */
int pk_deprivilege(void)
{
	struct arm_smccc_res res;
	int cpu, ret = 0;

	res = pk_hvc(HC_ID(HC_PROT_FINALIZE), 0, 0, 0);
	if (res.a0 != SMCCC_RET_SUCCESS) {
		pr_err("deprivilege refused by the hypervisor (already done?)\n");
		return -EPERM;
	}
	if (res.a1) {
		/* the hypervisor changed nothing: set-up calls are still open */
		pk.deprivilege_failed = true;
		WRITE_ONCE(pk.deprivilege_error, (long)res.a1);
		pr_err("deprivilege failed: %ld: the system is NOT protected\n",
		       (long)res.a1);
		return (long)res.a1;
	}
	WRITE_ONCE(pk.deprivilege_error, 0);
	cpus_read_lock();
	on_each_cpu(trap_once, NULL, 1);
	for_each_online_cpu(cpu) {
		if (pk_hvc_on_cpu(cpu, HC_ID(HC_CPU_STATE), 0, 0, 0, &res) ||
		    !(res.a1 & HC_CPU_STAGE2)) {
			pr_err("cpu%d did not enter the host stage-2\n", cpu);
			ret = -EIO;
		}
	}
	cpus_read_unlock();
	pk.deprivileged = true;
	if (!ret)
		pr_info("host deprivileged: stage-2 active on CPUs %*pbl\n",
			cpumask_pr_args(cpu_online_mask));
	return ret;
}
