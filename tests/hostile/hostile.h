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
	FZ_SHARED,	/* PAGE_HOST_SHARED */
	FZ_LOST,	/* state unknown after a wrong answer: never touched again */
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
	X(CKPT_RESTORE,		"checkpoint-restore")

#define FZ_KIND_ENUM(name, str)	FZ_V_##name,
enum fz_kind { FZ_KINDS(FZ_KIND_ENUM) FZ_NR_KINDS };
#undef FZ_KIND_ENUM

/* main.c */
void fz_violation(enum fz_kind kind, const struct fz_call *c, const char *why);
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
void fz_issue(struct fz_thread *t, struct fz_call *c);
unsigned long fz_hvc1(struct fz_thread *t, unsigned long id, unsigned long a1,
		      unsigned long a2, struct fz_call *c);
void fz_one_call(struct fz_thread *t);
void fz_walk_call(struct fz_thread *t, u64 id);
void fz_restore_own_pages(struct fz_thread *t);

#endif /* PKVM_HOSTILE_H */
