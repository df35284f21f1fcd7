// SPDX-License-Identifier: GPL-2.0-only
/*
 * Guest memory: memslots as KVM checks them, and a guest page given at
 * its first touch, as pKVM does: the VMM's page is pinned (long term,
 * counted against RLIMIT_MEMLOCK as pinned memory), then donated to a
 * protected VM (the host loses it, reads included) or shared with
 * another (both keep it). A slot whose pages the guest has cannot move
 * or go (-EBUSY), and slots are never read-only or dirty-logged (-EINVAL;
 * those capabilities are absent).
 */
#include "../pkvmkit.h"
#include "kvm.h"
#include <linux/mm.h>
#include <linux/sched/signal.h>
#include <linux/uaccess.h>

#define MAP_RETRIES	4	/* memcache top-ups for one page at most */

static struct pk_memslot *slot_of_gfn(struct pk_vm *vm, u64 gfn)
{
	int i;

	for (i = 0; i < PK_MAX_MEMSLOTS; i++) {
		struct pk_memslot *s = &vm->slots[i];

		if (s->used && gfn >= s->base_gfn && gfn - s->base_gfn < s->npages)
			return s;
	}
	return NULL;
}

static bool slots_overlap(const struct pk_vm *vm, int except, u64 base,
			  u64 npages)
{
	int i;

	for (i = 0; i < PK_MAX_MEMSLOTS; i++) {
		const struct pk_memslot *s = &vm->slots[i];

		if (i != except && s->used && base < s->base_gfn + s->npages &&
		    s->base_gfn < base + npages)
			return true;
	}
	return false;
}

/* KVM's checks of a region, in its order and with its errors. */
static int check_region(const struct pk_vm *vm,
			const struct kvm_userspace_memory_region *mem)
{
	u32 as_id = mem->slot >> 16, id = (u16)mem->slot;

	if (mem->flags & ~(KVM_MEM_LOG_DIRTY_PAGES | KVM_MEM_READONLY))
		return -EINVAL;
	if (mem->flags)
		return -EINVAL;	/* neither is offered (docs/protected-vms.md) */
	if (as_id >= 1 || id >= PK_MAX_MEMSLOTS)
		return -EINVAL;
	if ((mem->memory_size & (PAGE_SIZE - 1)) ||
	    (mem->guest_phys_addr & (PAGE_SIZE - 1)) ||
	    (mem->userspace_addr & (PAGE_SIZE - 1)) ||
	    (mem->memory_size &&
	     !access_ok((void __user *)(unsigned long)mem->userspace_addr,
			mem->memory_size)))
		return -EINVAL;
	if (mem->guest_phys_addr + mem->memory_size < mem->guest_phys_addr)
		return -EINVAL;
	if (mem->guest_phys_addr + mem->memory_size > 1ULL << vm->ipa_bits)
		return -EFAULT;	/* beyond the VM's IPA space, as KVM/arm64 */
	return 0;
}

int pk_set_memory_region(struct pk_vm *vm,
			 const struct kvm_userspace_memory_region *mem)
{
	u32 id = (u16)mem->slot;
	u64 base = mem->guest_phys_addr >> PAGE_SHIFT;
	u64 npages = mem->memory_size >> PAGE_SHIFT;
	struct pk_memslot *s;
	int ret = check_region(vm, mem);

	if (ret)
		return ret;
	mutex_lock(&vm->lock);
	s = &vm->slots[id];
	if (!npages) {				/* delete */
		ret = !s->used ? -EINVAL : s->nr_mapped ? -EBUSY : 0;
		if (!ret)
			memset(s, 0, sizeof(*s));
		goto out;
	}
	if (s->used) {				/* move, or flags */
		ret = -EINVAL;
		if (npages != s->npages || mem->userspace_addr != s->uaddr)
			goto out;
		ret = -EBUSY;
		if (base != s->base_gfn && s->nr_mapped)
			goto out;
	}
	ret = -EEXIST;
	if (slots_overlap(vm, id, base, npages))
		goto out;
	s->used = true;
	s->flags = mem->flags;
	s->base_gfn = base;
	s->npages = npages;
	s->uaddr = mem->userspace_addr;
	ret = 0;
out:
	mutex_unlock(&vm->lock);
	return ret;
}

/* @nr more pages for the VM's stage-2 tables at EL2. */
int pk_vm_topup(struct pk_vm *vm, unsigned int nr)
{
	struct page *p;
	long ret;

	lockdep_assert_held(&vm->lock);
	while (nr--) {
		p = alloc_page(GFP_KERNEL_ACCOUNT | __GFP_ZERO);
		if (!p)
			return -ENOMEM;
		ret = pk_vm_hvc(HC_VM_TOPUP, vm->handle, page_to_pfn(p), 0, 0);
		if (ret) {
			__free_page(p);
			return ret;
		}
		list_add(&p->lru, &vm->mc_pages);
	}
	return 0;
}

/* Pinned memory is counted against RLIMIT_MEMLOCK, as KVM's pins are. */
static int account_pinned(struct pk_vm *vm, long nr)
{
	unsigned long limit = rlimit(RLIMIT_MEMLOCK) >> PAGE_SHIFT;
	s64 now = atomic64_add_return(nr, &vm->mm->pinned_vm);

	if (nr > 0 && now > limit && !capable(CAP_IPC_LOCK)) {
		atomic64_sub(nr, &vm->mm->pinned_vm);
		return -ENOMEM;
	}
	return 0;
}

static int map_page_locked(struct pk_vm *vm, struct pk_memslot *s, u64 gfn)
{
	unsigned long hva = s->uaddr + ((gfn - s->base_gfn) << PAGE_SHIFT);
	struct page *page;
	long ret;
	int tries;

	/*
	 * The xarray's slot first: once EL2 maps the page, storing it must
	 * not fail (the page would stay pinned with nothing to unpin it).
	 */
	ret = xa_reserve(&vm->pages, gfn, GFP_KERNEL_ACCOUNT);
	if (ret)
		return ret;
	ret = pin_user_pages_fast(hva, 1, FOLL_WRITE | FOLL_LONGTERM, &page);
	if (ret != 1) {
		ret = ret < 0 ? ret : -EFAULT;
		goto release;
	}
	ret = account_pinned(vm, 1);
	if (ret)
		goto unpin;
	for (tries = 0; tries <= MAP_RETRIES; tries++) {
		ret = pk_vm_hvc(HC_GUEST_MAP, vm->handle, page_to_pfn(page), gfn,
				0);
		if (ret != -ENOMEM)
			break;
		ret = pk_vm_topup(vm, PK_TOPUP_PAGES);
		if (ret)
			break;
		ret = -ENOMEM;
	}
	if (ret)
		goto unaccount;
	xa_store(&vm->pages, gfn, page, 0);	/* reserved: no allocation */
	vm->nr_pinned++;
	s->nr_mapped++;
	return 0;
unaccount:
	account_pinned(vm, -1);
unpin:
	unpin_user_page(page);
release:
	xa_release(&vm->pages, gfn);
	return ret == -EPERM || ret == -EEXIST ? -EFAULT : ret;
}

/*
 * A stage-2 fault at @ipa: 0 when the guest can retry (its page is there
 * now), 1 when no memslot holds it (MMIO for the VMM), or -errno for
 * KVM_RUN (-EFAULT: the VMM's memory could not be given).
 */
int pk_vm_map_fault(struct pk_vm *vm, u64 ipa)
{
	u64 gfn = ipa >> PAGE_SHIFT;
	struct pk_memslot *s;
	int ret;

	mutex_lock(&vm->lock);
	s = slot_of_gfn(vm, gfn);
	if (!s)
		ret = 1;
	else if (xa_load(&vm->pages, gfn))
		ret = 0;	/* another vCPU gave it meanwhile */
	else
		ret = map_page_locked(vm, s, gfn);
	mutex_unlock(&vm->lock);
	return ret;
}

/* The guest gave @gfn back (MEM_RELINQUISH): the host's again, unpinned. */
void pk_vm_unpin_gfn(struct pk_vm *vm, u64 gfn)
{
	struct pk_memslot *s;
	struct page *page;

	mutex_lock(&vm->lock);
	page = xa_erase(&vm->pages, gfn);
	if (page) {
		unpin_user_pages_dirty_lock(&page, 1, true);
		account_pinned(vm, -1);
		vm->nr_pinned--;
		s = slot_of_gfn(vm, gfn);
		if (s)
			s->nr_mapped--;
	}
	mutex_unlock(&vm->lock);
}

/* After teardown at EL2 gave every guest page back: unpin them all. */
void pk_vm_release_pages(struct pk_vm *vm)
{
	unsigned long gfn;
	struct page *page;
	long n = 0;

	xa_for_each(&vm->pages, gfn, page) {
		unpin_user_pages_dirty_lock(&page, 1, true);
		n++;
	}
	account_pinned(vm, -n);
	vm->nr_pinned -= n;
	xa_destroy(&vm->pages);
}
