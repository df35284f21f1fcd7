/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * /dev/kvm for VMs that run at EL2 (driver/kvm/): the KVM API an
 * unmodified VMM uses (Documentation/virt/kvm/api.rst), served by the
 * pkvmkit hypervisor's VM hypercalls (include/pkvmkit/vm.h).
 *
 *   dev.c   the misc device, system ioctls, capabilities
 *   vm.c    a VM: creation, its fd, interrupt lines, teardown
 *   mmu.c   memslots, guest pages (pinned, then donated or shared)
 *   vcpu.c  a vCPU: creation, its fd, init, MP state, mmap of kvm_run
 *   regs.c  ONE_REG and the register list
 *   run.c   KVM_RUN: entering the guest, the exits
 *   timer.c the guest's virtual timer: its PPI and its level
 */
#ifndef PKVMKIT_KVM_H
#define PKVMKIT_KVM_H

#include <linux/kref.h>
#include <linux/kvm.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/wait.h>
#include <linux/xarray.h>
#include <pkvmkit/vm.h>

#define PK_KVM_API_VERSION	12

/*
 * struct kvm_run's fields the VMM writes while KVM may read them: 6.12's
 * uapi header renames them inside the kernel (immediate_exit becomes
 * immediate_exit__unsafe) so that each read is seen to be read once;
 * 6.1's has no such macro.
 */
#ifndef HINT_UNSAFE_IN_KVM
#define HINT_UNSAFE_IN_KVM(field)	field
#endif
#define PK_MAX_MEMSLOTS		32

struct pk_memslot {
	bool used;
	u32 flags;
	u64 base_gfn;
	u64 npages;
	unsigned long uaddr;
	u64 nr_mapped;		/* guest pages of it at EL2 */
};

struct pk_vcpu;

struct pk_vm {
	struct kref ref;		/* the VM fd and each vCPU fd */
	struct mutex lock;		/* memslots, vCPUs, guest pages, start */
	u16 handle;
	bool protected;
	bool started;			/* boot states given to EL2 */
	bool ran;			/* a vCPU entered the guest */
	u32 ipa_bits;
	struct mm_struct *mm;		/* the creator's: pins, accounting */
	struct pk_memslot slots[PK_MAX_MEMSLOTS];
	struct pk_vcpu *vcpus[PK_MAX_VCPUS];
	struct xarray pages;		/* gfn -> pinned struct page */
	unsigned long nr_pinned;
	struct list_head mc_pages;	/* donated to its memcache at EL2 */
	struct page *vm_page, *root_page;
	bool leaked;			/* teardown failed: its pages stay */
};

enum pk_vcpu_mode {
	PK_VCPU_OUTSIDE,
	PK_VCPU_IN_GUEST,
};

struct pk_vcpu {
	struct pk_vm *vm;
	u32 idx;
	struct kvm_run *run;		/* mmap'ed by the VMM */
	struct pk_vcpu_page *page;	/* shared with EL2 */
	struct page *run_page, *shared_page, *hyp_page;
	struct mutex lock;		/* ioctls on this vCPU */

	/* KVM_ARM_VCPU_INIT */
	bool initialized;
	u32 features;
	bool boot_dirty;		/* its boot state must go to EL2 */
	bool ran;			/* it entered the guest */

	/* the host's copy of its registers (boot state; non-protected: live) */
	struct kvm_regs core;
	u64 sys[PK_NR_SYSREGS];
	u64 timer_ctl, timer_cval;
	bool regs_valid;		/* non-protected, run: the copy is current */
	bool regs_dirty;		/* ... and must go back before it runs */
	bool power_off;			/* as the host knows it (PSCI, MP_STATE) */

	/* interrupts and waking */
	unsigned long irq_lines;	/* PK_IRQ_LINE_* */
	int mode;			/* enum pk_vcpu_mode */
	int cpu;			/* where it runs, in the guest */
	bool kicked;
	wait_queue_head_t wq;

	/* an MMIO read the VMM completes at the next KVM_RUN */
	bool mmio_read_pending;
	u32 mmio_len;
};

/* dev.c */
extern bool pk_vm_protected_default;
long pk_kvm_check_extension(struct pk_vm *vm, long ext);
u32 pk_kvm_max_ipa_bits(void);
int pk_kvm_init(void);

/* vm.c */
int pk_vm_create(unsigned long type);
void pk_vm_put(struct pk_vm *vm);
int pk_vm_start(struct pk_vm *vm);

/* mmu.c */
int pk_set_memory_region(struct pk_vm *vm,
			 const struct kvm_userspace_memory_region *mem);
int pk_vm_map_fault(struct pk_vm *vm, u64 ipa);
void pk_vm_unpin_gfn(struct pk_vm *vm, u64 gfn);
int pk_vm_topup(struct pk_vm *vm, unsigned int nr);
/* a top-up's pages: the stage-2 tables below the root one page may need */
#define PK_TOPUP_PAGES	4
void pk_vm_release_pages(struct pk_vm *vm);

/* vcpu.c */
int pk_vcpu_create(struct pk_vm *vm, unsigned long id);
void pk_vcpu_kick(struct pk_vcpu *vcpu);
int pk_vcpu_commit_boot(struct pk_vcpu *vcpu);
void pk_vcpu_free(struct pk_vcpu *vcpu);

/* regs.c */
void pk_regs_reset(struct pk_vcpu *vcpu);
int pk_get_one_reg(struct pk_vcpu *vcpu, const struct kvm_one_reg *reg);
int pk_set_one_reg(struct pk_vcpu *vcpu, const struct kvm_one_reg *reg);
int pk_regs_fetch(struct pk_vcpu *vcpu);
int pk_get_reg_list(struct pk_vcpu *vcpu, struct kvm_reg_list __user *ulist);
void pk_regs_to_page(const struct pk_vcpu *vcpu, struct pk_vcpu_regs *r);
int pk_regs_sync_put(struct pk_vcpu *vcpu);
int pk_guest_id_init(void);

/* run.c */
long pk_vcpu_run(struct pk_vcpu *vcpu);

/* timer.c */
int pk_vtimer_init(void);
bool pk_vtimer_level(u64 ctl, u64 cval);
void pk_vtimer_ppi_for_guest(bool level);
ktime_t pk_vtimer_expiry(u64 ctl, u64 cval);

/* the hypervisor's VM calls: x1 as a signed result */
long pk_vm_hvc(unsigned int nr, unsigned long a1, unsigned long a2,
	       unsigned long a3, unsigned long a4);

#endif /* PKVMKIT_KVM_H */
