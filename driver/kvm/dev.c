// SPDX-License-Identifier: GPL-2.0-only
/*
 * /dev/kvm: the misc device KVM itself would register (minor 232), which
 * a kernel booted with kvm-arm.mode=none never has. Its system ioctls and
 * capabilities: what is not implemented is absent (KVM_CHECK_EXTENSION
 * says 0) and its ioctl fails as KVM fails an unknown one (-EINVAL).
 * docs/protected-vms.md lists every ioctl and capability with its status.
 */
#include "../pkvmkit.h"
#include "kvm.h"
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <asm/sysreg.h>

bool pk_vm_protected_default;
module_param_named(vm_protected, pk_vm_protected_default, bool, 0644);
MODULE_PARM_DESC(vm_protected,
		 "make every VM protected, for VMMs that cannot ask (KVM_VM_TYPE_ARM_PROTECTED)");

long pk_vm_hvc(unsigned int nr, unsigned long a1, unsigned long a2,
	       unsigned long a3, unsigned long a4)
{
	struct arm_smccc_res res;

	arm_smccc_1_1_hvc(HC_ID(nr), a1, a2, a3, a4, &res);
	if (res.a0 != SMCCC_RET_SUCCESS)
		return -EOPNOTSUPP;
	return (long)res.a1;
}

/* The IPA size a VM may have: the CPU's PA size, at most the hypervisor's. */
u32 pk_kvm_max_ipa_bits(void)
{
	static const u8 bits[] = { 32, 36, 40, 42, 44, 48, 52 };
	u64 parange = read_sysreg(id_aa64mmfr0_el1) & 0xf;
	u32 pa = parange < ARRAY_SIZE(bits) ? bits[parange] : 48;

	return min_t(u32, pa, PK_VM_MAX_IPA_BITS);
}

long pk_kvm_check_extension(struct pk_vm *vm, long ext)
{
	switch (ext) {
	case KVM_CAP_USER_MEMORY:
	case KVM_CAP_DESTROY_MEMORY_REGION_WORKS:
	case KVM_CAP_JOIN_MEMORY_REGIONS_WORKS:
	case KVM_CAP_IMMEDIATE_EXIT:
	case KVM_CAP_ONE_REG:
	case KVM_CAP_ARM_PSCI:
	case KVM_CAP_ARM_PSCI_0_2:
	case KVM_CAP_ARM_USER_IRQ:
	case KVM_CAP_MP_STATE:
	case KVM_CAP_CHECK_EXTENSION_VM:
	case KVM_CAP_MULTI_ADDRESS_SPACE:
		return 1;
	case KVM_CAP_NR_VCPUS:
		return min_t(int, num_online_cpus(), PK_MAX_VCPUS);
	case KVM_CAP_MAX_VCPUS:
	case KVM_CAP_MAX_VCPU_ID:
		return PK_MAX_VCPUS;
	case KVM_CAP_NR_MEMSLOTS:
		return PK_MAX_MEMSLOTS;
	case KVM_CAP_ARM_VM_IPA_SIZE:
		return pk_kvm_max_ipa_bits();
	default:
		return 0;
	}
}

static long kvm_dev_ioctl(struct file *f, unsigned int ioctl, unsigned long arg)
{
	switch (ioctl) {
	case KVM_GET_API_VERSION:
		return arg ? -EINVAL : PK_KVM_API_VERSION;
	case KVM_CREATE_VM:
		return pk_vm_create(arg);
	case KVM_CHECK_EXTENSION:
		return pk_kvm_check_extension(NULL, arg);
	case KVM_GET_VCPU_MMAP_SIZE:
		return arg ? -EINVAL : PAGE_SIZE;
	default:
		return -EINVAL;
	}
}

static const struct file_operations kvm_dev_fops = {
	.owner		= THIS_MODULE,
	.unlocked_ioctl	= kvm_dev_ioctl,
	.llseek		= noop_llseek,
};

static struct miscdevice kvm_dev = {
	.minor	= KVM_MINOR,
	.name	= "kvm",
	.fops	= &kvm_dev_fops,
};

/* After deprivilege: VMs need the host stage-2 to be protected from it. */
int pk_kvm_init(void)
{
	int ret = pk_guest_id_init() ?: pk_vtimer_init();

	if (ret) {
		pr_err("/dev/kvm: not registered: %d\n", ret);
		return ret;
	}
	ret = misc_register(&kvm_dev);
	if (ret)
		pr_err("/dev/kvm: misc_register: %d (is KVM itself loaded?)\n", ret);
	else
		pr_info("/dev/kvm registered: VMs run at EL2%s\n",
			pk_vm_protected_default ? ", every one protected" : "");
	return ret;
}
