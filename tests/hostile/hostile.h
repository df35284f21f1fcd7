/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * pkvm_hostile: a hostile host. Once pkvmkit has deprivileged the host,
 * one kthread per CPU throws random and crafted HVCs and SMCs at the
 * hypervisor and checks every answer against what it must be.
 */
#ifndef PKVM_HOSTILE_H
#define PKVM_HOSTILE_H

#define pr_fmt(fmt) "pkvm_hostile: " fmt

#include <linux/types.h>
#include <linux/prandom.h>
#include <linux/sched.h>
#include <pkvmkit/hypercall.h>
#include <pkvmkit/ownership.h>
#include <pkvmkit/vm.h>

#define FZ_MAX_RAM		16
#define FZ_MAX_HYP		8
#define FZ_NR_BLOCKS		6

/* SMCCC function id fields */
#define FZ_SMCCC_FAST		BIT(31)
#define FZ_SMCCC_64		BIT(30)
#define FZ_SMCCC_OWNER_SHIFT	24
#define FZ_VENDOR_HYP_32	0x86000000UL	/* SMC32 twin of HC_FUNC_BASE */
#define FZ_VENDOR_IDS		0x10000UL	/* function numbers per range */

#define FZ_PSCI_32		0x84000000UL
#define FZ_PSCI_64		0xC4000000UL
#define FZ_PSCI_NR_FNS		0x20
#define FZ_PSCI_VERSION		0x0
#define FZ_PSCI_CPU_ON		0x3

#define FZ_PSCI_RET_INVALID_PARAMS	(-2L)
#define FZ_PSCI_RET_ALREADY_ON		(-4L)
#define FZ_PSCI_RET_INTERNAL_FAILURE	(-6L)

/* Linux's own mask of the affinity fields, as the hypervisor's relay */
#define FZ_MPIDR_AFF_MASK	0xff00ffffffUL

/* The shadow of one of the fuzzer's own pages. */
enum fz_own_state {
	FZ_HOST,	/* PAGE_HOST_OWNED */
	FZ_DONATED,	/* PAGE_HYP_OWNED, reclaimable */
	FZ_SHARED,	/* PAGE_HOST_SHARED (fz_block.pins: vCPUs that pin it) */
	FZ_LOST,	/* state unknown after a wrong answer: never touched again */
	FZ_VM_HYP,	/* PAGE_HYP_OWNED for good: a VM, its tables or a vCPU */
	FZ_GUEST_OWNED,	/* PAGE_GUEST_OWNED: donated to a protected VM */
	FZ_GUEST_SHARED, /* PAGE_HOST_SHARED_GUEST: shared with a VM */
};

/* The ownership calls a host may make, in the order of their ids. */
enum fz_op { FZ_OP_DONATE, FZ_OP_RECLAIM, FZ_OP_SHARE, FZ_OP_UNSHARE, FZ_NR_OPS };

/* Physically contiguous pages one thread owns. */
struct fz_block {
	struct page *page;
	unsigned int order;
	u64 pfn;
	u64 nr;
	u8 *state;		/* enum fz_own_state, one per page */
	u8 *pins;		/* FZ_SHARED: vCPUs whose page it is */
};

/* ---- virtual machines (vm.c, vcpu.c, duel.c) ---- */

#define FZ_VMS_PER_THREAD	2
#define FZ_VM_MAX_GFNS		16	/* guest pages a VM holds at most */
#define FZ_VM_MAX_MC		12	/* its memcache: the root and top-ups */

/* The abort a vCPU's host must deal with (as the hypervisor's enum vcpu_abort) */
enum fz_abort { FZ_AB_NONE, FZ_AB_FAULT, FZ_AB_MMIO_READ, FZ_AB_MMIO_WRITE };

/* What the fuzzer knows of one of its vCPUs. */
struct fz_vcpu {
	bool created;
	u64 pfn;		/* the hypervisor's struct hyp_vcpu */
	u64 page_pfn;		/* shared with the hypervisor, pinned */
	struct pk_vcpu_page *page;
	bool reset_done;
	bool on;		/* HC_VCPU_RESET without PK_BOOT_POWER_OFF */
	u64 pc;			/* where the guest is, from its code's start */
	bool pc_exact;		/* false after an interrupt exit: on its path */
	bool wfi_passed;	/* ... maybe past a WFI the interrupt woke */
	u64 x1, x2, x3;		/* its boot arguments (guest.S) */
	u64 x4;			/* the value its last load gave */
	enum fz_abort abort;
	u64 abort_ipa;
	u64 abort_flags;	/* PK_FAULT_* */
	bool inject_pabt;	/* an abort the next entry makes it take */
};

/* A page the host mapped into a VM. */
struct fz_gpage {
	u64 gfn;
	u64 pfn;
	u64 tag;		/* at FZ_GUEST_TAG_OFF: what a guest load reads */
};

/* What the fuzzer knows of one of its VMs. */
struct fz_vm {
	bool live;
	bool broken;		/* a wrong answer: the model is lost */
	bool protected;
	bool dying;
	bool started;		/* a vCPU entered: a protected boot is fixed */
	u64 handle;
	u32 ipa_bits;
	u64 pfn;		/* struct hyp_vm */
	u64 mc[FZ_VM_MAX_MC];	/* its stage-2 root first, then top-ups */
	u32 nr_mc;
	struct fz_gpage g[FZ_VM_MAX_GFNS];	/* by ascending gfn */
	u32 nr_g;
	u64 lost[FZ_VM_MAX_GFNS];	/* gfns whose page the host took back */
	u32 nr_lost;
	u64 rd_gfn, wr_gfn;	/* where its guest loads and stores */
	struct fz_vcpu vcpu[PK_MAX_VCPUS];
};

/* After a wrong answer about @vm: its model is lost, it is left alone. */
static inline void fz_vm_broke(struct fz_vm *vm)
{
	vm->broken = true;
}

/* The answers a VM call can give, for the results: success, then -errno. */
#define FZ_ANSWERS(X)	X(OK, 0) X(ENOENT, ENOENT) X(EINVAL, EINVAL) \
			X(EPERM, EPERM) X(EBUSY, EBUSY) X(EEXIST, EEXIST) \
			X(ENOMEM, ENOMEM) X(ENOSPC, ENOSPC) X(OTHER, 0)
#define FZ_ANSWER_ENUM(name, err)	FZ_A_##name,
enum fz_answer { FZ_ANSWERS(FZ_ANSWER_ENUM) FZ_NR_ANSWERS };
#undef FZ_ANSWER_ENUM

#define FZ_NR_VM_CALLS	13

/* What the VM calls did, for the results. */
struct fz_vm_stats {
	u64 created;
	u64 destroyed;
	u64 calls;		/* VM hypercalls, checks not counted */
	u64 entries;		/* runs that entered a guest */
	u64 exits[PK_NR_EXITS];
	u64 nomem;
	u64 duels;
	u64 duel_busy;		/* a call refused: the vCPU ran elsewhere */
	u64 duel_teardowns;	/* teardowns that went through meanwhile */
	u64 full_tables;	/* handle tables filled up to -ENOSPC */
	u64 taken_back;		/* guest pages the host's touch took back */
	u64 answers[FZ_NR_VM_CALLS][FZ_NR_ANSWERS];
};

struct fz_thread {
	unsigned int idx;
	int home_cpu;
	struct task_struct *task;
	struct rnd_state rnd;
	struct fz_block blocks[FZ_NR_BLOCKS];
	unsigned int nr_blocks;
	u64 issued;		/* HVCs and SMCs, checks included */
	u64 moved[FZ_NR_OPS];	/* own-page transitions that went through */
	u64 nomem;		/* and that the pool could not hold */
	struct fz_vm vms[FZ_VMS_PER_THREAD];
	struct fz_vm duel_vm;	/* the one other threads attack (duel.c) */
	struct fz_vm stray_vm;	/* one created where none should have been */
	u64 stale_handle;	/* the last handle it destroyed */
	struct fz_vm_stats vs;
};

/* The immediate of the HVC or SMC: only #0 is an SMCCC call. */
enum fz_imm { FZ_IMM_0, FZ_IMM_1, FZ_IMM_MAX };

struct fz_call {
	unsigned long x[8];	/* x0..x7 in */
	unsigned long r[4];	/* x0..x3 out */
	bool smc;
	enum fz_imm imm;	/* FZ_IMM_0 unless set */
	int cpu;		/* where it ran */
};

/* HC_GUEST_ID_REG's range: op0 3, op1 0, CRn 0, CRm 1..7, any op2 */
#define FZ_ID_REG_FIRST		PK_SYSREG_ENC(3, 0, 0, 1, 0)
#define FZ_ID_REG_LAST		PK_SYSREG_ENC(3, 0, 0, 7, 7)
#define FZ_NR_ID_REGS		(FZ_ID_REG_LAST - FZ_ID_REG_FIRST + 1)

/* [start, end) in pfns */
struct fz_range {
	u64 start;
	u64 end;
};

struct fz_hyp_region {
	char name[16];
	u64 pfn;
	u64 nr;
};

/* The system as found at load time; read-only once the threads run. */
struct fz_env {
	struct fz_range ram[FZ_MAX_RAM];
	unsigned int nr_ram;
	struct fz_hyp_region hyp[FZ_MAX_HYP];
	unsigned int nr_hyp;
	u64 image_pa;
	u64 params_pa;
	/* PSCI 0.1 ids from /psci: cpu_on, cpu_off, cpu_suspend, migrate */
	u32 psci01[4];
	bool has_psci01[4];
	/* per logical CPU, for the CPUs online at load time */
	u64 *mpidr;
	u64 *slot;
	bool *known;
	/* every page any thread owns, over [bitmap_base, +bitmap_len) */
	unsigned long *fuzz_pfns;
	u64 bitmap_base;
	u64 bitmap_len;
	/* baselines */
	unsigned long psci_version;
	unsigned long secure;
	u64 state_count[PAGE_STATE_COUNT];
	u64 page_total;
	u64 pool_free;
	u64 tables;
	u64 heap[3];		/* HC_HEAP_STATS x1..x3 */
	/* for the VMs: the CPU's PA size, the guest's view of ID registers */
	u32 pa_bits;
	u64 id_regs[FZ_NR_ID_REGS];
};

enum fz_psci01 { FZ_P01_CPU_ON, FZ_P01_CPU_OFF, FZ_P01_CPU_SUSPEND, FZ_P01_MIGRATE };

extern struct fz_env fz_env;

/* What went wrong, one counter each; the first of each kind is logged. */
#define FZ_KINDS(X)							\
	X(SETUP_ACCEPTED,	"setup-call-accepted")			\
	X(UNKNOWN_ACCEPTED,	"unknown-id-accepted")			\
	X(DYNAMIC_ACCEPTED,	"unregistered-dynamic-accepted")	\
	X(STUB_ACCEPTED,	"stub-hvc-accepted")			\
	X(IMM_ACCEPTED,		"nonzero-imm-accepted")			\
	X(REFUSED_REGS,		"refused-call-changed-x1-x3")		\
	X(BAD_STATUS,		"static-call-status")			\
	X(PING,			"ping")					\
	X(CPU_STATE,		"cpu-state")				\
	X(DONATE,		"donate-result")			\
	X(RECLAIM,		"reclaim-result")			\
	X(SHARE,		"share-result")				\
	X(UNSHARE,		"unshare-result")			\
	X(PAGE_STATE,		"page-state")				\
	X(STATE_COUNT,		"state-count")				\
	X(PVM_CREATE,		"vm-create-result")			\
	X(VM_TOPUP,		"vm-topup-result")			\
	X(VCPU_CREATE,		"vcpu-create-result")			\
	X(VCPU_RESET,		"vcpu-reset-result")			\
	X(VCPU_RUN,		"vcpu-run-result")			\
	X(VCPU_EXIT,		"vcpu-exit-details")			\
	X(VCPU_SYNC,		"vcpu-sync-result")			\
	X(VCPU_MMIO,		"vcpu-mmio-result")			\
	X(GUEST_MAP,		"guest-map-result")			\
	X(VM_TEARDOWN,		"vm-teardown-result")			\
	X(VM_RECLAIM,		"vm-reclaim-result")			\
	X(VM_DESTROY,		"vm-destroy-result")			\
	X(VM_INFO,		"vm-info")				\
	X(GUEST_ID_REG,		"guest-id-reg")				\
	X(VM_PAGE_STATE,	"vm-page-state")			\
	X(VM_SCRUB,		"vm-page-not-zeroed")			\
	X(DUEL_BOTH,		"vcpu-ran-on-two-cpus")			\
	X(DUEL_DYING_RAN,	"dying-vm-ran")				\
	X(HEAP_TOPUP,		"heap-topup-result")			\
	X(TRACE_EVENT,		"trace-event-result")			\
	X(SECURITY,		"security-state")			\
	X(HOOK_INFO,		"hook-without-module")			\
	X(PSCI_VERSION,		"psci-version")				\
	X(CPU_ON,		"psci-cpu-on")				\
	X(SMC_ANSWER,		"smc-firmware-answer")			\
	X(CKPT_PING,		"checkpoint-ping")			\
	X(CKPT_CPU_STATE,	"checkpoint-cpu-state")			\
	X(CKPT_PAGE_TOTAL,	"checkpoint-page-total")		\
	X(CKPT_STATE_COUNTS,	"checkpoint-state-counts")		\
	X(CKPT_HEAP,		"checkpoint-heap-stats")		\
	X(CKPT_VMS,		"checkpoint-vm-left")			\
	X(CKPT_HANDLES,		"checkpoint-handle-table")		\
	X(CKPT_RESTORE,		"checkpoint-restore")

#define FZ_KIND_ENUM(name, str)	FZ_V_##name,
enum fz_kind { FZ_KINDS(FZ_KIND_ENUM) FZ_NR_KINDS };
#undef FZ_KIND_ENUM

/* main.c */
void fz_violation(enum fz_kind kind, const struct fz_call *c, const char *why);
bool fz_sync_all(void);		/* all threads meet; true for the last */
bool fz_aborting(void);
u64 fz_walk_next(void);		/* next id of the walk, or 0 when done */

/* env.c */
int fz_env_init(const char *hyp_regions);
void fz_env_exit(void);
int fz_alloc_blocks(struct fz_thread *t);
void fz_free_blocks(struct fz_thread *t);
bool fz_range_is_ram(u64 pfn, u64 nr);
const struct fz_hyp_region *fz_hyp_region_of(u64 pfn);
bool fz_is_fuzzer_pfn(u64 pfn);

/* calls.c */
u32 fz_rand32(struct fz_thread *t);
u64 fz_rand64(struct fz_thread *t);
u32 fz_below(struct fz_thread *t, u32 n);
bool fz_chance(struct fz_thread *t, u32 percent);
u64 fz_edge(struct fz_thread *t);
u64 fz_mmio_pfn(struct fz_thread *t);
u64 fz_not_ram_pfn(struct fz_thread *t);
u64 fz_hyp_pfn(struct fz_thread *t);
u64 fz_own_pfn(struct fz_thread *t, struct fz_block **blk);
struct fz_block *fz_own_block_of(struct fz_thread *t, u64 pfn);
u8 *fz_own_state(struct fz_thread *t, u64 pfn);
long fz_expected_page_state(u8 own);
void fz_resync(struct fz_thread *t, struct fz_block *b, u64 pfn, u64 nr);
void fz_issue(struct fz_thread *t, struct fz_call *c);
unsigned long fz_hvc1(struct fz_thread *t, unsigned long id, unsigned long a1,
		      unsigned long a2, struct fz_call *c);
void fz_one_call(struct fz_thread *t);
void fz_walk_call(struct fz_thread *t, u64 id);
void fz_restore_own_pages(struct fz_thread *t);

/* vm.c: the VM calls, their model and checks */
extern const u8 fz_vm_calls[FZ_NR_VM_CALLS];
bool fz_is_vm_call(unsigned int n);
const char *fz_vm_call_name(unsigned int i);
void fz_vm_issue(struct fz_thread *t, struct fz_call *c);
bool fz_vm_verify_page(struct fz_thread *t, u64 pfn);
int fz_vm_gpage_index(const struct fz_vm *vm, u64 gfn);
bool fz_vm_gfn_lost(const struct fz_vm *vm, u64 gfn);
u64 fz_vcpu_idx_arg(struct fz_thread *t, const struct fz_vm *vm);
void fz_vm_call(struct fz_thread *t, unsigned int n);
void fz_vm_step(struct fz_thread *t);
void fz_vm_harmless_args(struct fz_thread *t, struct fz_call *c);
struct fz_vm *fz_vm_new(struct fz_thread *t, struct fz_vm *vm, bool protected);
bool fz_vm_add_vcpu(struct fz_thread *t, struct fz_vm *vm, u32 idx);
bool fz_vm_map_new(struct fz_thread *t, struct fz_vm *vm, u64 gfn);
bool fz_vm_topup_new(struct fz_thread *t, struct fz_vm *vm);
bool fz_vm_teardown(struct fz_thread *t, struct fz_vm *vm);
void fz_vm_touch(struct fz_thread *t, struct fz_vm *vm, u64 gfn);
u64 fz_touch_page(u64 pfn);
void fz_vm_took_back(struct fz_thread *t, struct fz_vm *vm, u64 gfn, u64 seen);
void fz_vm_dispose(struct fz_thread *t, struct fz_vm *vm);
void fz_vm_dispose_all(struct fz_thread *t);
bool fz_vm_expect(struct fz_thread *t, const struct fz_call *c,
		  enum fz_kind kind, long want, bool nomem_ok);
void fz_vm_registry_init(void);
void fz_check_no_vms(struct fz_thread *t);
void fz_fill_handle_table(struct fz_thread *t);

/* vcpu.c: a vCPU and its guest (guest.S) */
#include "guest_abi.h"	/* the guest's offsets, FZ_FP_MARK */
u64 fz_guest_off(const char *sym);
extern const char fz_guest_code[], fz_guest_code_end[], fz_guest_wfi[],
		  fz_guest_load[], fz_guest_store[], fz_guest_spin[],
		  fz_guest_spin_end[], fz_guest_vector[];
void fz_vcpu_boot_regs(struct fz_vm *vm, struct fz_vcpu *v, u64 pc);
void fz_vcpu_issue_run(struct fz_thread *t, struct fz_call *c);
void fz_vcpu_reset_call(struct fz_thread *t, struct fz_vm *vm, u64 idx);
void fz_vcpu_run_call(struct fz_thread *t, struct fz_vm *vm, u64 idx);
void fz_vcpu_sync_call(struct fz_thread *t, struct fz_vm *vm, u64 idx);
void fz_vcpu_mmio_call(struct fz_thread *t, struct fz_vm *vm, u64 idx);
void fz_vcpu_dead_call(struct fz_thread *t, unsigned int n, u64 handle);
bool fz_vcpu_reset_to(struct fz_thread *t, struct fz_vm *vm, u32 idx, u64 pc);

/* duel.c: one vCPU run on one CPU while the others attack it */
void fz_duel_init(void);
void fz_duel(struct fz_thread *t);

#endif /* PKVM_HOSTILE_H */
