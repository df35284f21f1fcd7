/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Virtual machines at EL2: a VM and its vCPUs live in pages the host
 * donated (vm.c), their stage-2 in pages of the VM's memcache
 * (guest_mem.c). vm_lock guards the table of VMs and every VM's state
 * but the running vCPU's own registers, which only the CPU running it
 * touches (vcpu->running says which vCPU is taken).
 */
#ifndef HYP_VM_H
#define HYP_VM_H

#include <pkvmkit/boot.h>
#include <pkvmkit/pgtable.h>
#include <pkvmkit/vm.h>
#include <hyp/cpu.h>
#include <hyp/spinlock.h>

extern hyp_spinlock_t vm_lock;

/*
 * The registers the guest entry and exit code (guest_entry.S) loads and
 * saves: x0..x30 first, then PC and PSTATE (ELR_EL2, SPSR_EL2). Offsets
 * come from asm-offsets.c.
 */
struct guest_ctxt {
	u64 regs[31];
	u64 pc;
	u64 pstate;
};

/* PSCI power state of a vCPU (as pKVM) */
enum vcpu_power {
	VCPU_OFF,
	VCPU_ON,
	VCPU_ON_PENDING,	/* CPU_ON accepted, not entered yet */
};

/* A data abort the host was told of (PK_EXIT_S2_FAULT), waiting */
enum vcpu_abort {
	VCPU_ABORT_NONE,
	VCPU_ABORT_FAULT,	/* reported; the host maps a page or asks HC_VCPU_MMIO */
	VCPU_ABORT_MMIO_READ,	/* the host emulates a read: its value completes it */
	VCPU_ABORT_MMIO_WRITE,	/* the host emulates a write: the next run skips it */
};

/* An exception decided while the guest's registers were not loaded */
enum vcpu_inject {
	VCPU_INJECT_NONE,
	VCPU_INJECT_DABT,
	VCPU_INJECT_PABT,
};

struct hyp_vm;

struct hyp_vcpu {
	struct guest_ctxt ctxt;		/* must stay first: guest_entry.S */
	u64 fp[64];			/* q0..q31 (guest_entry.S) */
	u64 fpsr;
	u64 fpcr;
	u64 sp_el0;
	u64 sp_el1;
	u64 elr_el1;
	u64 spsr_el1;
	u64 sys[PK_NR_SYSREGS];
	u64 timer_ctl;
	u64 timer_cval;
	u64 mpidr;
	u64 hcr;			/* HCR_EL2 while it runs */
	/* the last exit */
	u64 esr;
	u64 far;
	u64 hpfar;
	/* PSCI */
	u32 power;			/* enum vcpu_power, under vm_lock */
	u64 boot_pc;			/* CPU_ON's entry and context id */
	u64 boot_ctx;
	/* the abort the host deals with (enum vcpu_abort) */
	u32 abort;
	u64 abort_ipa;
	/* an exception to inject at the next entry (enum vcpu_inject) */
	u32 inject;
	u64 inject_far;
	/* host interface */
	struct hyp_vm *vm;
	struct pk_vcpu_page *page;	/* shared with the host, pinned */
	u64 self_pfn;
	u32 idx;
	u32 running;			/* 1 while a CPU runs it (atomic) */
	bool reset_done;		/* HC_VCPU_RESET or CPU_ON gave it a state */
	bool in_guest_fp;		/* its FP state is in the registers */
};

#define VM_MEMCACHE_NONE	(~0ULL)

struct hyp_vm {
	u16 handle;			/* also its VMID, 1..PK_MAX_VMS */
	bool protected;
	bool dying;			/* HC_VM_TEARDOWN: never runs again */
	bool started;			/* a vCPU ran: protected boot state is fixed */
	bool mmio_guard;		/* the guest enrolled (KVM MMIO guard) */
	u32 nr_running;			/* vCPUs running now */
	u32 nr_vcpus;
	struct hyp_vcpu *vcpus[PK_MAX_VCPUS];
	u64 self_pfn;
	/* stage-2 and its memcache: pages donated by the host, a free list */
	struct pgt s2;
	struct pgt_mm_ops s2_ops;	/* guest_mem.c's, with this VM as arg */
	u64 vtcr;
	u64 vttbr;
	u64 mc_head;			/* pfn of the first free page, or NONE */
	u64 mc_free;			/* pages on the free list */
	u64 mc_pages;			/* pages donated to the memcache, in all */
	u64 nr_pages;			/* guest pages mapped (owned or shared) */
	u64 nr_lost;			/* pages the host took back */
	/* the vCPU that last ran on each CPU, for its local TLB (idx + 1) */
	u8 last_vcpu[HYP_MAX_CPUS];
};

_Static_assert(sizeof(struct hyp_vm) <= PKVMKIT_PAGE_SIZE, "a VM in a page");
_Static_assert(sizeof(struct hyp_vcpu) <= PKVMKIT_PAGE_SIZE, "a vCPU in a page");

/* vm.c: the table, creation, teardown */
int hyp_vm_create(u64 pfn, u64 root_pfn, u64 flags);
int hyp_vm_topup(u64 handle, u64 pfn);
int hyp_vcpu_create(u64 handle, u64 idx, u64 pfn, u64 page_pfn);
int hyp_vm_teardown(u64 handle);
s64 hyp_vm_reclaim(u64 handle, u64 budget);
int hyp_vm_destroy(u64 handle);
void hyp_vm_info(u64 handle, u64 *pages, u64 *mc_pages, u64 *mc_free);
struct hyp_vm *hyp_vm_get_locked(u64 handle);
struct hyp_vcpu *hyp_vcpu_get_locked(struct hyp_vm *vm, u64 idx);
struct hyp_vcpu *hyp_vcpu_by_mpidr_locked(struct hyp_vm *vm, u64 mpidr);

/* vcpu_run.c: the host's calls on a vCPU */
s64 hyp_vcpu_run(u64 handle, u64 idx, u64 flags);
int hyp_vcpu_reset(u64 handle, u64 idx);
int hyp_vcpu_sync(u64 handle, u64 idx, u64 dir);
int hyp_vcpu_mmio(u64 handle, u64 idx);
void hyp_vcpu_reset_state(struct hyp_vcpu *vcpu, u64 pc, u64 x0);

/* guest_mem.c: the VM's stage-2 and its pages */
int hyp_guest_s2_init_locked(struct hyp_vm *vm, u32 ipa_bits);
void hyp_guest_s2_destroy_locked(struct hyp_vm *vm);
int hyp_guest_map(u64 handle, u64 pfn, u64 gfn);
s64 hyp_guest_reclaim_locked(struct hyp_vm *vm, u64 budget);
u64 hyp_memcache_pop_locked(struct hyp_vm *vm);
void hyp_memcache_push_locked(struct hyp_vm *vm, u64 pfn);
void hyp_guest_tlb_flush_vmid(struct hyp_vm *vm);
int hyp_guest_share_host(struct hyp_vcpu *vcpu, u64 ipa);
int hyp_guest_unshare_host(struct hyp_vcpu *vcpu, u64 ipa);
int hyp_guest_relinquish(struct hyp_vcpu *vcpu, u64 ipa);
int hyp_guest_mmio_guard(struct hyp_vcpu *vcpu, u64 ipa, bool map);
bool hyp_guest_mmio_allowed(struct hyp_vcpu *vcpu, u64 ipa);
bool hyp_guest_page_lost(struct hyp_vcpu *vcpu, u64 ipa);
int hyp_guest_stage2_pa(u64 handle, u64 ipa, u64 *phys);
/* A host access to a page a guest owns (fault.c): take it back, scrubbed. */
int hyp_guest_take_back_page(u64 pfn);

#endif /* HYP_VM_H */
