// SPDX-License-Identifier: GPL-2.0-only
/*
 * /sys/kernel/pkvmkit: what the hypervisor is doing, asked of it live.
 *
 *   installed_cpus   CPUs whose hypervisor answers (cpulist)
 *   stage2_cpus      CPUs running the host under the stage-2 (cpulist)
 *   deprivileged     1 once the host is deprivileged
 *   deprivilege_error  0, or the -errno of a deprivilege the hypervisor
 *                    could not do (the host then runs unprotected)
 *   deprivilege      write 1 to deprivilege now (module param deprivilege=0)
 *   memory_bytes     memory given to the hypervisor
 *   page_states      RAM pages in each ownership state
 *   pool_free_pages  free pages left in the hypervisor's pool
 *   pool_reserved_pages  free pages reserved for the host stage-2's tables
 *   secure           1 while protected VMs may run (no protected module failed)
 *   protected_modules  each kvm-arm.protected_modules= entry: loaded,
 *                    failed or not-tried
 *   hyp_alloc        the EL2 heap: "pages N" (held by it), "spare N"
 *                    (donated, not used yet), "bytes N" (in use); write N
 *                    to donate N pages (__pkvm_topup_hyp_alloc)
 */
#include "pkvmkit.h"
#include <linux/cpu.h>
#include <linux/kobject.h>
#include <linux/sysfs.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <pkvmkit/ownership.h>
#include "../sdk/arch/arm64/include/asm/pkvmkit_kvm_pkvm.h"

static ssize_t cpus_with_flag(char *buf, unsigned long flag)
{
	struct arm_smccc_res res;
	cpumask_var_t mask;
	ssize_t len;
	int cpu;

	if (!zalloc_cpumask_var(&mask, GFP_KERNEL))
		return -ENOMEM;
	cpus_read_lock();
	for_each_online_cpu(cpu) {
		if (!pk_hvc_on_cpu(cpu, HC_ID(HC_CPU_STATE), 0, 0, 0, &res) &&
		    res.a0 == SMCCC_RET_SUCCESS && (res.a1 & flag))
			cpumask_set_cpu(cpu, mask);
	}
	cpus_read_unlock();
	len = sysfs_emit(buf, "%*pbl\n", cpumask_pr_args(mask));
	free_cpumask_var(mask);
	return len;
}

static ssize_t installed_cpus_show(struct kobject *k, struct kobj_attribute *a,
				   char *buf)
{
	return cpus_with_flag(buf, HC_CPU_INSTALLED);
}

static ssize_t stage2_cpus_show(struct kobject *k, struct kobj_attribute *a,
				char *buf)
{
	return cpus_with_flag(buf, HC_CPU_STAGE2);
}

static ssize_t deprivileged_show(struct kobject *k, struct kobj_attribute *a,
				 char *buf)
{
	struct arm_smccc_res res = pk_hvc(HC_ID(HC_CPU_STATE), 0, 0, 0);

	return sysfs_emit(buf, "%d\n", !!(res.a1 & HC_CPU_HOST_DEPRIV));
}

static ssize_t deprivilege_error_show(struct kobject *k,
				      struct kobj_attribute *a, char *buf)
{
	return sysfs_emit(buf, "%d\n", READ_ONCE(pk.deprivilege_error));
}

static ssize_t deprivilege_store(struct kobject *k, struct kobj_attribute *a,
				 const char *buf, size_t len)
{
	bool yes;
	int ret;

	ret = kstrtobool(buf, &yes);
	if (ret)
		return ret;
	if (!yes)
		return -EINVAL;
	ret = pk_request_deprivilege();
	return ret ? ret : len;
}

static ssize_t memory_bytes_show(struct kobject *k, struct kobj_attribute *a,
				 char *buf)
{
	return sysfs_emit(buf, "%zu\n", pk.total_bytes);
}

const char *pk_page_state_name(int state)
{
	/* in the enum's order: both come from OWN_PAGE_STATES */
#define STATE_NAME(name, str)	str,
	static const char * const names[] = {
		OWN_PAGE_STATES(STATE_NAME)
	};
#undef STATE_NAME

	BUILD_BUG_ON(ARRAY_SIZE(names) != PAGE_STATE_COUNT);

	return state >= 0 && state < PAGE_STATE_COUNT ? names[state] : "?";
}

static ssize_t page_states_show(struct kobject *k, struct kobj_attribute *a,
				char *buf)
{
	struct arm_smccc_res res;
	ssize_t len = 0;
	int s;

	for (s = 0; s < PAGE_STATE_COUNT; s++) {
		res = pk_hvc(HC_ID(HC_STATE_COUNT), s, 0, 0);
		len += sysfs_emit_at(buf, len, "%s %lu\n", pk_page_state_name(s),
				     res.a1);
	}
	return len;
}

static ssize_t pool_free_pages_show(struct kobject *k, struct kobj_attribute *a,
				    char *buf)
{
	struct arm_smccc_res res = pk_hvc(HC_ID(HC_MEM_STATS), 0, 0, 0);

	return sysfs_emit(buf, "%lu\n", res.a1);
}

static ssize_t pool_reserved_pages_show(struct kobject *k,
					struct kobj_attribute *a, char *buf)
{
	struct arm_smccc_res res = pk_hvc(HC_ID(HC_MEM_STATS), 0, 0, 0);

	return sysfs_emit(buf, "%lu\n", res.a3);
}

static ssize_t secure_show(struct kobject *k, struct kobj_attribute *a,
			   char *buf)
{
	struct arm_smccc_res res = pk_hvc(HC_ID(HC_SECURITY_STATE), 0, 0, 0);

	return sysfs_emit(buf, "%lu\n", res.a1);
}

static ssize_t dma_show(struct kobject *k, struct kobj_attribute *a,
			char *buf)
{
	return pk_dma_show(buf, PAGE_SIZE);
}

static ssize_t protected_modules_show(struct kobject *k,
				      struct kobj_attribute *a, char *buf)
{
	return pk_show_protected_modules(buf);
}

static ssize_t hyp_alloc_show(struct kobject *k, struct kobj_attribute *a,
			      char *buf)
{
	struct arm_smccc_res res = pk_hvc(HC_ID(HC_HEAP_STATS), 0, 0, 0);

	if (res.a0 != SMCCC_RET_SUCCESS)
		return -EIO;
	return sysfs_emit(buf, "pages %lu\nspare %lu\nbytes %lu\n", res.a1,
			  res.a2, res.a3);
}

static ssize_t hyp_alloc_store(struct kobject *k, struct kobj_attribute *a,
			       const char *buf, size_t len)
{
	unsigned long nr;
	int ret = kstrtoul(buf, 0, &nr);

	if (!ret)
		ret = __pkvm_topup_hyp_alloc(nr);
	return ret ? ret : len;
}

static struct kobj_attribute attrs[] = {
	__ATTR_RW_MODE(hyp_alloc, 0600),
	__ATTR_RO(secure),
	__ATTR_RO(dma),
	__ATTR_RO(protected_modules),
	__ATTR_RO(installed_cpus),
	__ATTR_RO(stage2_cpus),
	__ATTR_RO(deprivileged),
	__ATTR_RO(deprivilege_error),
	__ATTR_RO(pool_reserved_pages),
	__ATTR_WO(deprivilege),
	__ATTR_RO(memory_bytes),
	__ATTR_RO(page_states),
	__ATTR_RO(pool_free_pages),
};

static struct attribute *attr_ptrs[ARRAY_SIZE(attrs) + 1];
static const struct attribute_group group = { .attrs = attr_ptrs };

int pk_sysfs_init(void)
{
	struct kobject *kobj;
	int i, ret;

	for (i = 0; i < ARRAY_SIZE(attrs); i++)
		attr_ptrs[i] = &attrs[i].attr;
	kobj = kobject_create_and_add("pkvmkit", kernel_kobj);
	if (!kobj)
		return -ENOMEM;
	ret = sysfs_create_group(kobj, &group);
	if (ret)
		pr_err("sysfs: %d\n", ret);
	return ret;
}
