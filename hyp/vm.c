// SPDX-License-Identifier: GPL-2.0-only
/*
 * The table of VMs and their life: creation in pages the host donates
 * (the VM, its stage-2 root, one per vCPU, its memcache), vCPUs, and the
 * teardown pKVM has: marked dying (no vCPU runs, ever again), its guest
 * pages back to the host scrubbed, in batches the host asks for, then
 * everything else back, zeroed. A VM's handle is its VMID.
 */
#include <hyp/bug.h>
#include <hyp/dma.h>
#include <hyp/lib.h>
#include <hyp/log.h>
#include <hyp/mem_protect.h>
#include <hyp/mm.h>
#include <hyp/pvm.h>
#include <hyp/vm.h>

hyp_spinlock_t vm_lock = HYP_LOCK_INIT(vm_lock);

static struct hyp_vm *vms[PK_MAX_VMS + 1];	/* by handle, 0 unused */

#define DEFAULT_IPA_BITS	40	/* KVM_CREATE_VM type 0 */
#define MAX_RECLAIM_BATCH	512	/* pages one HC_VM_RECLAIM returns at most */

struct hyp_vm *hyp_vm_get_locked(u64 handle)
{
	hyp_assert_lock_held(&vm_lock);
	if (!handle || handle > PK_MAX_VMS)
		return NULL;
	return vms[handle];
}

struct hyp_vcpu *hyp_vcpu_get_locked(struct hyp_vm *vm, u64 idx)
{
	hyp_assert_lock_held(&vm_lock);
	return idx < PK_MAX_VCPUS ? vm->vcpus[idx] : NULL;
}

struct hyp_vcpu *hyp_vcpu_by_mpidr_locked(struct hyp_vm *vm, u64 mpidr)
{
	u32 i;

	hyp_assert_lock_held(&vm_lock);
	for (i = 0; i < PK_MAX_VCPUS; i++)
		if (vm->vcpus[i] && ((vm->vcpus[i]->mpidr ^ mpidr) &
				     PK_MPIDR_AFF_MASK) == 0)
			return vm->vcpus[i];
	return NULL;
}

static int take_page_locked(u64 pfn)
{
	int ret;

	hyp_spin_lock(&mem_lock);
	ret = hyp_vm_take_pages_locked(pfn, 1);
	hyp_spin_unlock(&mem_lock);
	return ret;
}

/* A page of the VM's back to the host, with nothing of the VM's in it. */
static void give_page_locked(u64 pfn)
{
	int ret;

	memset((void *)(pfn << PKVMKIT_PAGE_SHIFT), 0, PKVMKIT_PAGE_SIZE);
	hyp_spin_lock(&mem_lock);
	ret = hyp_vm_give_pages_locked(pfn, 1);
	hyp_spin_unlock(&mem_lock);
	HYP_BUG_ON(ret, "giving VM page %lx back: %d", (unsigned long)pfn, ret);
}

static u32 free_handle_locked(void)
{
	u32 h;

	for (h = 1; h <= PK_MAX_VMS; h++)
		if (!vms[h])
			return h;
	return 0;
}

/*
 * Why a VM may not be created now, or 0. A protected VM needs the host
 * deprivileged (nothing would protect it otherwise) and a secure system
 * (every protected module loaded).
 */
static int vm_create_refused(u64 flags)
{
	if (flags & ~((u64)PK_VM_PROTECTED | (0xffULL << PK_VM_IPA_SHIFT)))
		return -EINVAL;
	if (!hyp_host_stage2_ready())
		return -EPERM;
	if ((flags & PK_VM_PROTECTED) && !hyp_is_secure()) {
		hyp_log("pkvmkit: protected VM refused: a protected module failed to load\n");
		return -EPERM;
	}
	if ((flags & PK_VM_PROTECTED) && !hyp_dma_allows_pvm()) {
		hyp_log("pkvmkit: protected VM refused: DMA is not protected: %s\n",
			hyp_dma_state_text(hyp_dma_state()));
		return -EPERM;
	}
	return 0;
}

/*
 * HC_VM_CREATE: @pfn for the VM, @root_pfn for its stage-2 root; the VM's
 * handle, or -errno with both pages still the host's.
 */
int hyp_vm_create(u64 pfn, u64 root_pfn, u64 flags)
{
	u32 ipa_bits = PK_VM_IPA_BITS(flags) ?: DEFAULT_IPA_BITS;
	struct hyp_vm *vm;
	u32 handle;
	int ret;

	ret = vm_create_refused(flags);
	if (ret)
		return ret;
	if (pfn == root_pfn)
		return -EINVAL;
	hyp_spin_lock(&vm_lock);
	handle = free_handle_locked();
	ret = -ENOSPC;
	if (!handle)
		goto out;
	ret = take_page_locked(pfn);
	if (ret)
		goto out;
	ret = take_page_locked(root_pfn);
	if (ret) {
		give_page_locked(pfn);
		goto out;
	}
	vm = (struct hyp_vm *)(pfn << PKVMKIT_PAGE_SHIFT);
	memset(vm, 0, sizeof(*vm));
	vm->handle = handle;
	vm->protected = flags & PK_VM_PROTECTED;
	vm->self_pfn = pfn;
	vm->mc_head = VM_MEMCACHE_NONE;
	hyp_memcache_push_locked(vm, root_pfn);
	vm->mc_pages = 1;
	ret = hyp_guest_s2_init_locked(vm, ipa_bits);
	if (ret) {
		give_page_locked(hyp_memcache_pop_locked(vm));
		give_page_locked(pfn);
		goto out;
	}
	vms[handle] = vm;
	ret = handle;
out:
	hyp_spin_unlock(&vm_lock);
	return ret;
}

/* HC_VM_TOPUP: one more page for the VM's stage-2 tables. */
int hyp_vm_topup(u64 handle, u64 pfn)
{
	struct hyp_vm *vm;
	int ret;

	hyp_spin_lock(&vm_lock);
	vm = hyp_vm_get_locked(handle);
	ret = !vm ? -ENOENT : vm->dying ? -EBUSY : take_page_locked(pfn);
	if (!ret) {
		hyp_memcache_push_locked(vm, pfn);
		vm->mc_pages++;
	}
	hyp_spin_unlock(&vm_lock);
	return ret;
}

static int vcpu_create_locked(struct hyp_vm *vm, u64 idx, u64 pfn,
			      u64 page_pfn)
{
	struct hyp_vcpu *vcpu;
	int ret;

	if (idx >= PK_MAX_VCPUS || pfn == page_pfn)
		return -EINVAL;
	if (vm->vcpus[idx])
		return -EEXIST;
	if (vm->dying)
		return -EBUSY;
	ret = take_page_locked(pfn);
	if (ret)
		return ret;
	hyp_spin_lock(&mem_lock);
	ret = hyp_vm_pin_shared_locked(page_pfn);
	hyp_spin_unlock(&mem_lock);
	if (ret) {
		give_page_locked(pfn);
		return ret;
	}
	vcpu = (struct hyp_vcpu *)(pfn << PKVMKIT_PAGE_SHIFT);
	memset(vcpu, 0, sizeof(*vcpu));
	vcpu->vm = vm;
	vcpu->idx = idx;
	vcpu->self_pfn = pfn;
	vcpu->page = (struct pk_vcpu_page *)(page_pfn << PKVMKIT_PAGE_SHIFT);
	vcpu->mpidr = pk_vcpu_mpidr(idx);
	vcpu->power = VCPU_OFF;
	vm->vcpus[idx] = vcpu;
	vm->nr_vcpus++;
	return 0;
}

/*
 * HC_VCPU_CREATE: vCPU @idx in page @pfn, talking to the host through
 * @page_pfn (shared with the hypervisor beforehand: HC_HOST_SHARE_HYP;
 * pinned here, so the host cannot take it back while the vCPU lives).
 */
int hyp_vcpu_create(u64 handle, u64 idx, u64 pfn, u64 page_pfn)
{
	struct hyp_vm *vm;
	int ret;

	hyp_spin_lock(&vm_lock);
	vm = hyp_vm_get_locked(handle);
	ret = vm ? vcpu_create_locked(vm, idx, pfn, page_pfn) : -ENOENT;
	hyp_spin_unlock(&vm_lock);
	return ret;
}

/* HC_VM_TEARDOWN: no vCPU of it runs now, and none ever will again. */
int hyp_vm_teardown(u64 handle)
{
	struct hyp_vm *vm;
	int ret = 0;

	hyp_spin_lock(&vm_lock);
	vm = hyp_vm_get_locked(handle);
	if (!vm)
		ret = -ENOENT;
	else if (vm->nr_running)
		ret = -EBUSY;
	else
		vm->dying = true;
	hyp_spin_unlock(&vm_lock);
	return ret;
}

/* HC_VM_RECLAIM: guest pages of a dying VM back to the host; how many remain. */
s64 hyp_vm_reclaim(u64 handle, u64 budget)
{
	struct hyp_vm *vm;
	s64 ret;

	if (budget > MAX_RECLAIM_BATCH)
		budget = MAX_RECLAIM_BATCH;
	hyp_spin_lock(&vm_lock);
	vm = hyp_vm_get_locked(handle);
	if (!vm)
		ret = -ENOENT;
	else if (!vm->dying)
		ret = -EPERM;
	else
		ret = hyp_guest_reclaim_locked(vm, budget);
	hyp_spin_unlock(&vm_lock);
	return ret;
}

static void vcpu_destroy_locked(struct hyp_vcpu *vcpu)
{
	u64 page_pfn = (u64)vcpu->page >> PKVMKIT_PAGE_SHIFT;

	hyp_spin_lock(&mem_lock);
	hyp_vm_unpin_shared_locked(page_pfn);
	hyp_spin_unlock(&mem_lock);
	give_page_locked(vcpu->self_pfn);
}

/* Every page of the memcache (the stage-2's tables are back in it). */
static void memcache_give_back_locked(struct hyp_vm *vm)
{
	u64 pfn, n = 0;

	while ((pfn = hyp_memcache_pop_locked(vm)) != VM_MEMCACHE_NONE) {
		give_page_locked(pfn);
		n++;
	}
	HYP_BUG_ON(n != vm->mc_pages, "VM %u: %lu memcache pages of %lu came back",
		   vm->handle, (unsigned long)n, (unsigned long)vm->mc_pages);
}

/*
 * HC_VM_DESTROY: a dying VM whose guest pages are all back: its vCPUs,
 * tables, memcache and itself go back to the host, zeroed; its handle and
 * VMID are free again.
 */
int hyp_vm_destroy(u64 handle)
{
	struct hyp_vm *vm;
	u32 i;
	int ret = 0;

	hyp_spin_lock(&vm_lock);
	vm = hyp_vm_get_locked(handle);
	if (!vm)
		ret = -ENOENT;
	else if (!vm->dying)
		ret = -EPERM;
	else if (vm->nr_pages)
		ret = -EBUSY;
	if (ret)
		goto out;
	vms[handle] = NULL;
	for (i = 0; i < PK_MAX_VCPUS; i++)
		if (vm->vcpus[i])
			vcpu_destroy_locked(vm->vcpus[i]);
	hyp_guest_s2_destroy_locked(vm);
	memcache_give_back_locked(vm);
	give_page_locked(vm->self_pfn);
out:
	hyp_spin_unlock(&vm_lock);
	return ret;
}

/* HC_VM_INFO: its guest pages, memcache pages and free ones (-errno in @pages) */
void hyp_vm_info(u64 handle, u64 *pages, u64 *mc_pages, u64 *mc_free)
{
	struct hyp_vm *vm;

	hyp_spin_lock(&vm_lock);
	vm = hyp_vm_get_locked(handle);
	if (vm) {
		*pages = vm->nr_pages;
		*mc_pages = vm->mc_pages;
		*mc_free = vm->mc_free;
	} else {
		*pages = (u64)-ENOENT;
		*mc_pages = *mc_free = 0;
	}
	hyp_spin_unlock(&vm_lock);
}
