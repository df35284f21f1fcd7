// SPDX-License-Identifier: GPL-2.0-only
/*
 * A vCPU: its state at EL2 (a donated page), the page it shares with the
 * hypervisor, the kvm_run page its VMM maps; its fd's ioctls:
 * KVM_ARM_VCPU_INIT (a reset, repeatable), ONE_REG and the register list
 * (regs.c), MP state, KVM_RUN (run.c). A protected vCPU's state is the
 * hypervisor's once its VM has started: the host keeps only the boot
 * state it gave.
 */
#include "../pkvmkit.h"
#include "kvm.h"
#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/uaccess.h>

/* KVM_ARM_VCPU_INIT features: the ones there are, and the ones we have */
#define VCPU_FEATURES_KNOWN	(BIT(7) - 1)
#define VCPU_FEATURES_OK	(BIT(KVM_ARM_VCPU_POWER_OFF) | \
				 BIT(KVM_ARM_VCPU_PSCI_0_2))

static void kick_nothing(void *info)
{
}

/*
 * Make the vCPU look at its interrupt lines and wake-ups: out of the
 * guest (an IPI to its CPU makes it exit), out of a wait.
 */
void pk_vcpu_kick(struct pk_vcpu *vcpu)
{
	int cpu;

	WRITE_ONCE(vcpu->kicked, true);
	smp_mb();	/* kicked before mode: pairs with run.c's entry */
	if (READ_ONCE(vcpu->mode) == PK_VCPU_IN_GUEST) {
		cpu = READ_ONCE(vcpu->cpu);
		if (cpu != raw_smp_processor_id())
			smp_call_function_single(cpu, kick_nothing, NULL, 0);
	}
	wake_up_interruptible(&vcpu->wq);
}

/* The boot state to EL2 (the VM's start, or a reset of a non-protected vCPU). */
int pk_vcpu_commit_boot(struct pk_vcpu *vcpu)
{
	long ret;

	if (!vcpu->boot_dirty)
		return 0;
	pk_regs_to_page(vcpu, &vcpu->page->regs);
	vcpu->page->boot_flags = vcpu->power_off ? PK_BOOT_POWER_OFF : 0;
	ret = pk_vm_hvc(HC_VCPU_RESET, vcpu->vm->handle, vcpu->idx, 0, 0);
	/* a protected VM that started takes no boot state: CPU_ON starts it */
	if (ret == -EPERM && vcpu->vm->protected && vcpu->vm->started)
		ret = 0;
	if (!ret) {
		vcpu->boot_dirty = false;
		vcpu->regs_dirty = false;
		vcpu->regs_valid = !vcpu->vm->protected;
	}
	return ret;
}

static int vcpu_init(struct pk_vcpu *vcpu, const struct kvm_vcpu_init *init)
{
	u32 f = init->features[0];
	int i;

	if (init->target != KVM_ARM_TARGET_GENERIC_V8)
		return -EINVAL;
	for (i = 1; i < ARRAY_SIZE(init->features); i++)
		if (init->features[i])
			return -ENOENT;
	if (f & ~VCPU_FEATURES_KNOWN)
		return -ENOENT;
	if (f & ~VCPU_FEATURES_OK)
		return -EINVAL;	/* 32-bit EL1, PMU, SVE, pointer auth: absent */
	if (vcpu->initialized && f != vcpu->features)
		return -EINVAL;
	if (vcpu->vm->protected && vcpu->ran)
		return -EPERM;	/* as mainline: its state is the guest's */
	vcpu->features = f;
	vcpu->power_off = f & BIT(KVM_ARM_VCPU_POWER_OFF);
	pk_regs_reset(vcpu);
	vcpu->initialized = true;
	vcpu->boot_dirty = true;
	vcpu->regs_valid = true;
	vcpu->regs_dirty = false;
	return 0;
}

static int vcpu_get_mp_state(struct pk_vcpu *vcpu, struct kvm_mp_state *mp)
{
	mp->mp_state = READ_ONCE(vcpu->power_off) ? KVM_MP_STATE_STOPPED :
						    KVM_MP_STATE_RUNNABLE;
	return 0;
}

/* Before its VM starts (or at a reset of a non-protected one) only. */
static int vcpu_set_mp_state(struct pk_vcpu *vcpu, const struct kvm_mp_state *mp)
{
	bool off;
	int ret;

	if (mp->mp_state != KVM_MP_STATE_RUNNABLE &&
	    mp->mp_state != KVM_MP_STATE_STOPPED)
		return -EINVAL;
	off = mp->mp_state == KVM_MP_STATE_STOPPED;
	if (vcpu->vm->protected && vcpu->vm->started)
		return off == READ_ONCE(vcpu->power_off) ? 0 : -EPERM;
	/* a reset follows, with the registers it has now, not stale ones */
	ret = pk_regs_fetch(vcpu);
	if (ret)
		return ret;
	WRITE_ONCE(vcpu->power_off, off);
	vcpu->boot_dirty = vcpu->initialized;
	return 0;
}

/*
 * Boot-state writers hold the VM's lock too: the first KVM_RUN of any
 * vCPU (pk_vm_start(), under that lock) reads every vCPU's boot state
 * and may start the VM meanwhile.
 */
static long vcpu_boot_change(struct pk_vcpu *vcpu, unsigned int ioctl,
			     const void *arg)
{
	long ret;

	mutex_lock(&vcpu->vm->lock);
	switch (ioctl) {
	case KVM_ARM_VCPU_INIT:
		ret = vcpu_init(vcpu, arg);
		break;
	case KVM_SET_ONE_REG:
		ret = pk_set_one_reg(vcpu, arg);
		break;
	default:	/* KVM_SET_MP_STATE */
		ret = vcpu_set_mp_state(vcpu, arg);
		break;
	}
	mutex_unlock(&vcpu->vm->lock);
	return ret;
}

static long vcpu_ioctl_locked(struct pk_vcpu *vcpu, unsigned int ioctl,
			      void __user *argp)
{
	union {
		struct kvm_vcpu_init init;
		struct kvm_one_reg reg;
		struct kvm_mp_state mp;
	} u;
	long ret;

	switch (ioctl) {
	case KVM_RUN:
		return pk_vcpu_run(vcpu);
	case KVM_ARM_VCPU_INIT:
		if (copy_from_user(&u.init, argp, sizeof(u.init)))
			return -EFAULT;
		return vcpu_boot_change(vcpu, ioctl, &u.init);
	case KVM_GET_ONE_REG:
	case KVM_SET_ONE_REG:
		if (copy_from_user(&u.reg, argp, sizeof(u.reg)))
			return -EFAULT;
		if (!vcpu->initialized)
			return -ENOEXEC;
		return ioctl == KVM_GET_ONE_REG ? pk_get_one_reg(vcpu, &u.reg) :
						  vcpu_boot_change(vcpu, ioctl, &u.reg);
	case KVM_GET_REG_LIST:
		if (!vcpu->initialized)
			return -ENOEXEC;
		return pk_get_reg_list(vcpu, argp);
	case KVM_GET_MP_STATE:
		ret = vcpu_get_mp_state(vcpu, &u.mp);
		return ret ?: copy_to_user(argp, &u.mp, sizeof(u.mp)) ? -EFAULT : 0;
	case KVM_SET_MP_STATE:
		if (copy_from_user(&u.mp, argp, sizeof(u.mp)))
			return -EFAULT;
		return vcpu_boot_change(vcpu, ioctl, &u.mp);
	default:
		return -EINVAL;
	}
}

static long pk_vcpu_ioctl(struct file *f, unsigned int ioctl, unsigned long arg)
{
	struct pk_vcpu *vcpu = f->private_data;
	long ret;

	if (vcpu->vm->mm != current->mm)
		return -EIO;
	if (mutex_lock_killable(&vcpu->lock))
		return -EINTR;
	ret = vcpu_ioctl_locked(vcpu, ioctl, (void __user *)arg);
	mutex_unlock(&vcpu->lock);
	return ret;
}

/* The kvm_run page, at offset 0; nothing else (no coalesced MMIO ring). */
static int pk_vcpu_mmap(struct file *f, struct vm_area_struct *vma)
{
	struct pk_vcpu *vcpu = f->private_data;

	if (vma->vm_pgoff || vma->vm_end - vma->vm_start != PAGE_SIZE)
		return -EINVAL;
	return vm_insert_page(vma, vma->vm_start, vcpu->run_page);
}

static int pk_vcpu_release(struct inode *inode, struct file *f)
{
	struct pk_vcpu *vcpu = f->private_data;

	pk_vm_put(vcpu->vm);
	return 0;
}

static const struct file_operations pk_vcpu_fops = {
	.owner		= THIS_MODULE,
	.unlocked_ioctl	= pk_vcpu_ioctl,
	.mmap		= pk_vcpu_mmap,
	.release	= pk_vcpu_release,
	.llseek		= noop_llseek,
};

/* With its VM (after HC_VM_DESTROY gave its pages back, or leaked). */
void pk_vcpu_free(struct pk_vcpu *vcpu)
{
	long ret;

	if (vcpu->vm->leaked) {
		pr_err("VM %u vCPU %u: its pages stay with the hypervisor\n",
		       vcpu->vm->handle, vcpu->idx);
	} else {
		ret = pk_vm_hvc(HC_HOST_UNSHARE_HYP,
				page_to_pfn(vcpu->shared_page), 1, 0, 0);
		if (!ret)
			__free_page(vcpu->shared_page);
		else
			pr_err("VM %u vCPU %u: its page stays shared: %ld\n",
			       vcpu->vm->handle, vcpu->idx, ret);
		__free_page(vcpu->hyp_page);
	}
	if (vcpu->run_page)
		__free_page(vcpu->run_page);
	kfree(vcpu);
}

static int vcpu_alloc_pages(struct pk_vcpu *vcpu)
{
	vcpu->run_page = alloc_page(GFP_KERNEL_ACCOUNT | __GFP_ZERO);
	vcpu->shared_page = alloc_page(GFP_KERNEL_ACCOUNT | __GFP_ZERO);
	vcpu->hyp_page = alloc_page(GFP_KERNEL_ACCOUNT | __GFP_ZERO);
	if (!vcpu->run_page || !vcpu->shared_page || !vcpu->hyp_page)
		return -ENOMEM;
	vcpu->run = page_address(vcpu->run_page);
	vcpu->page = page_address(vcpu->shared_page);
	return 0;
}

/* At EL2: its page shared, then the vCPU (which pins it). */
static int vcpu_create_at_el2(struct pk_vcpu *vcpu)
{
	struct pk_vm *vm = vcpu->vm;
	long ret;

	ret = pk_vm_hvc(HC_HOST_SHARE_HYP, page_to_pfn(vcpu->shared_page), 1,
			0, 0);
	if (ret)
		return ret;
	ret = pk_vm_hvc(HC_VCPU_CREATE, vm->handle, vcpu->idx,
			page_to_pfn(vcpu->hyp_page),
			page_to_pfn(vcpu->shared_page));
	if (ret) {
		pk_vm_hvc(HC_HOST_UNSHARE_HYP, page_to_pfn(vcpu->shared_page),
			  1, 0, 0);
		return ret;
	}
	return 0;
}

int pk_vcpu_create(struct pk_vm *vm, unsigned long id)
{
	struct pk_vcpu *vcpu;
	struct file *file;
	int ret, fd;

	if (id >= PK_MAX_VCPUS)
		return -EINVAL;
	/* the fd first: once at EL2, a vCPU cannot be taken back alone */
	fd = get_unused_fd_flags(O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return fd;
	vcpu = kzalloc(sizeof(*vcpu), GFP_KERNEL_ACCOUNT);
	if (!vcpu) {
		put_unused_fd(fd);
		return -ENOMEM;
	}
	vcpu->vm = vm;
	vcpu->idx = id;
	mutex_init(&vcpu->lock);
	init_waitqueue_head(&vcpu->wq);
	mutex_lock(&vm->lock);
	ret = -EEXIST;
	if (vm->vcpus[id])
		goto fail;
	ret = vcpu_alloc_pages(vcpu) ?: vcpu_create_at_el2(vcpu);
	if (ret)
		goto fail;
	kref_get(&vm->ref);
	vm->vcpus[id] = vcpu;
	mutex_unlock(&vm->lock);
	file = anon_inode_getfile("kvm-vcpu", &pk_vcpu_fops, vcpu,
				  O_RDWR | O_CLOEXEC);
	if (IS_ERR(file)) {
		/* at EL2 already: it goes with the VM */
		put_unused_fd(fd);
		pk_vm_put(vm);
		return PTR_ERR(file);
	}
	fd_install(fd, file);
	return fd;
fail:
	mutex_unlock(&vm->lock);
	put_unused_fd(fd);
	/* nothing at EL2: every page is the host's */
	if (vcpu->run_page)
		__free_page(vcpu->run_page);
	if (vcpu->shared_page)
		__free_page(vcpu->shared_page);
	if (vcpu->hyp_page)
		__free_page(vcpu->hyp_page);
	kfree(vcpu);
	return ret;
}
