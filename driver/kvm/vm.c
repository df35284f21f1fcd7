// SPDX-License-Identifier: GPL-2.0-only
/*
 * A VM: created at EL2 in pages the host gives for as long as it lives,
 * reached through its fd (KVM_CREATE_VM's answer), gone when the last of
 * its fds (the VM's and its vCPUs') is closed, also when its VMM is
 * killed: torn down at EL2, its guest pages back scrubbed, then every
 * page of it.
 */
#include "../pkvmkit.h"
#include "kvm.h"
#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/mm.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#define VM_TYPE_IPA_MASK	0xffUL

static const struct file_operations pk_vm_fops;

/*
 * Start a VM: every vCPU's boot state goes to EL2 before the first runs
 * (a protected VM's cannot change after).
 */
int pk_vm_start(struct pk_vm *vm)
{
	int i, ret = 0;

	lockdep_assert_held(&vm->lock);
	if (vm->started)
		return 0;
	for (i = 0; i < PK_MAX_VCPUS && !ret; i++)
		if (vm->vcpus[i] && vm->vcpus[i]->initialized)
			ret = pk_vcpu_commit_boot(vm->vcpus[i]);
	if (!ret)
		vm->started = true;
	return ret;
}

/* KVM_IRQ_LINE with a userspace irqchip: a vCPU's IRQ or FIQ line. */
static int vm_irq_line(struct pk_vm *vm, const struct kvm_irq_level *irq)
{
	u32 type = (irq->irq >> KVM_ARM_IRQ_TYPE_SHIFT) & KVM_ARM_IRQ_TYPE_MASK;
	u32 idx = ((irq->irq >> KVM_ARM_IRQ_VCPU_SHIFT) & KVM_ARM_IRQ_VCPU_MASK) +
		  ((irq->irq >> KVM_ARM_IRQ_VCPU2_SHIFT) & KVM_ARM_IRQ_VCPU2_MASK) *
		  (KVM_ARM_IRQ_VCPU_MASK + 1);
	u32 num = (irq->irq >> KVM_ARM_IRQ_NUM_SHIFT) & KVM_ARM_IRQ_NUM_MASK;
	unsigned long bit;
	struct pk_vcpu *vcpu;
	bool changed;

	if (type == KVM_ARM_IRQ_TYPE_SPI || type == KVM_ARM_IRQ_TYPE_PPI)
		return -ENXIO;	/* no in-kernel irqchip */
	if (type != KVM_ARM_IRQ_TYPE_CPU || num > KVM_ARM_IRQ_CPU_FIQ)
		return -EINVAL;
	mutex_lock(&vm->lock);
	vcpu = idx < PK_MAX_VCPUS ? vm->vcpus[idx] : NULL;
	mutex_unlock(&vm->lock);	/* vCPUs are freed with the VM only */
	if (!vcpu)
		return -EINVAL;
	bit = num == KVM_ARM_IRQ_CPU_IRQ ? PK_IRQ_LINE_IRQ : PK_IRQ_LINE_FIQ;
	if (irq->level)
		changed = !test_and_set_bit(__ffs(bit), &vcpu->irq_lines);
	else
		changed = test_and_clear_bit(__ffs(bit), &vcpu->irq_lines);
	if (changed)
		pk_vcpu_kick(vcpu);
	return 0;
}

static long pk_vm_ioctl(struct file *f, unsigned int ioctl, unsigned long arg)
{
	struct pk_vm *vm = f->private_data;
	void __user *argp = (void __user *)arg;
	union {
		struct kvm_userspace_memory_region mem;
		struct kvm_irq_level irq;
		struct kvm_vcpu_init init;
	} u;

	if (vm->mm != current->mm)
		return -EIO;	/* as KVM: a VM belongs to its creator's mm */
	switch (ioctl) {
	case KVM_CREATE_VCPU:
		return pk_vcpu_create(vm, arg);
	case KVM_SET_USER_MEMORY_REGION:
		if (copy_from_user(&u.mem, argp, sizeof(u.mem)))
			return -EFAULT;
		return pk_set_memory_region(vm, &u.mem);
	case KVM_IRQ_LINE:
		if (copy_from_user(&u.irq, argp, sizeof(u.irq)))
			return -EFAULT;
		return vm_irq_line(vm, &u.irq);
	case KVM_ARM_PREFERRED_TARGET:
		memset(&u.init, 0, sizeof(u.init));
		u.init.target = KVM_ARM_TARGET_GENERIC_V8;
		return copy_to_user(argp, &u.init, sizeof(u.init)) ? -EFAULT : 0;
	case KVM_CHECK_EXTENSION:
		return pk_kvm_check_extension(vm, arg);
	case KVM_CREATE_IRQCHIP:
		return -ENXIO;	/* no vGIC: QEMU's kernel-irqchip=off */
	case KVM_CREATE_DEVICE:
		return -ENODEV;
	default:
		return -EINVAL;
	}
}

/*
 * Tear the VM down at EL2 and take every page back. A step that fails
 * leaves the pages the hypervisor still holds where they are (leaked,
 * never reused by the host) and says so.
 */
static void vm_teardown(struct pk_vm *vm)
{
	long left;
	int ret;

	ret = pk_vm_hvc(HC_VM_TEARDOWN, vm->handle, 0, 0, 0);
	do {
		left = ret ?: pk_vm_hvc(HC_VM_RECLAIM, vm->handle, 512, 0, 0);
		cond_resched();
	} while (left > 0);
	if (left < 0) {
		ret = left;
		goto leak;
	}
	pk_vm_release_pages(vm);
	ret = pk_vm_hvc(HC_VM_DESTROY, vm->handle, 0, 0, 0);
	if (ret)
		goto leak;
	return;
leak:
	vm->leaked = true;
	pr_err("VM %u: teardown failed (%d): its pages stay with the hypervisor\n",
	       vm->handle, ret);
}

static void vm_free(struct kref *ref)
{
	struct pk_vm *vm = container_of(ref, struct pk_vm, ref);
	struct page *p, *n;
	int i;

	if (vm->handle)
		vm_teardown(vm);
	for (i = 0; i < PK_MAX_VCPUS; i++)
		if (vm->vcpus[i])
			pk_vcpu_free(vm->vcpus[i]);
	if (!vm->leaked) {
		list_for_each_entry_safe(p, n, &vm->mc_pages, lru) {
			list_del(&p->lru);
			__free_page(p);
		}
		if (vm->vm_page)
			__free_page(vm->vm_page);
		if (vm->root_page)
			__free_page(vm->root_page);
	}
	xa_destroy(&vm->pages);
	if (vm->mm)
		mmdrop(vm->mm);
	kfree(vm);
}

void pk_vm_put(struct pk_vm *vm)
{
	kref_put(&vm->ref, vm_free);
}

static int pk_vm_release(struct inode *inode, struct file *f)
{
	pk_vm_put(f->private_data);
	return 0;
}

static const struct file_operations pk_vm_fops = {
	.owner		= THIS_MODULE,
	.unlocked_ioctl	= pk_vm_ioctl,
	.release	= pk_vm_release,
	.llseek		= noop_llseek,
};

/*
 * KVM_CREATE_VM's type: the IPA size in bits 7:0 (0: 40 bits), and bit
 * 31, KVM_VM_TYPE_ARM_PROTECTED (mainline's; vm_protected makes every VM
 * protected for a VMM that cannot set it).
 */
#define PK_VM_TYPE_PROTECTED	(1UL << 31)

static int vm_type_flags(unsigned long type, u64 *flags)
{
	u32 ipa = type & VM_TYPE_IPA_MASK;

	if (type & ~(VM_TYPE_IPA_MASK | PK_VM_TYPE_PROTECTED))
		return -EINVAL;
	if (!ipa)
		ipa = 40;
	if (ipa < PK_VM_MIN_IPA_BITS || ipa > pk_kvm_max_ipa_bits())
		return -EINVAL;
	*flags = (u64)ipa << PK_VM_IPA_SHIFT;
	if ((type & PK_VM_TYPE_PROTECTED) || pk_vm_protected_default)
		*flags |= PK_VM_PROTECTED;
	return 0;
}

static int vm_create_at_el2(struct pk_vm *vm, u64 flags)
{
	long ret;

	vm->vm_page = alloc_page(GFP_KERNEL_ACCOUNT | __GFP_ZERO);
	vm->root_page = alloc_page(GFP_KERNEL_ACCOUNT | __GFP_ZERO);
	if (!vm->vm_page || !vm->root_page)
		return -ENOMEM;
	ret = pk_vm_hvc(HC_VM_CREATE, page_to_pfn(vm->vm_page),
			page_to_pfn(vm->root_page), flags, 0);
	if (ret == -EPERM && (flags & PK_VM_PROTECTED) && pk.insecure)
		pr_err("protected VM refused: the system is insecure: %s\n",
		       pk_insecure_reason());
	else if (ret == -EPERM && (flags & PK_VM_PROTECTED) && pk.deprivileged &&
		 !pk_dma_unprotected_allowed())
		pr_err("protected VM refused: DMA is not protected (see /sys/kernel/pkvmkit/dma; allow_unprotected_dma=1 overrides)\n");
	else if (ret == -EPERM)
		pr_err("VM refused: the host is not deprivileged\n");
	if (ret < 0)
		return ret;
	vm->handle = ret;
	return 0;
}

int pk_vm_create(unsigned long type)
{
	struct pk_vm *vm;
	u64 flags;
	int ret;

	ret = vm_type_flags(type, &flags);
	if (ret)
		return ret;
	vm = kzalloc(sizeof(*vm), GFP_KERNEL_ACCOUNT);
	if (!vm)
		return -ENOMEM;
	kref_init(&vm->ref);
	mutex_init(&vm->lock);
	xa_init(&vm->pages);
	INIT_LIST_HEAD(&vm->mc_pages);
	vm->protected = flags & PK_VM_PROTECTED;
	vm->ipa_bits = flags >> PK_VM_IPA_SHIFT;
	vm->mm = current->mm;
	mmgrab(vm->mm);
	ret = vm_create_at_el2(vm, flags);
	if (!ret)
		ret = anon_inode_getfd("kvm-vm", &pk_vm_fops, vm, O_RDWR | O_CLOEXEC);
	if (ret < 0)
		pk_vm_put(vm);
	return ret;
}
