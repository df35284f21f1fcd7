// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host hypercall dispatch. Set-up calls (marked below) are refused once
 * the host has been deprivileged; every handler validates its arguments
 * itself and reports errors in x1. PSCI function ids that arrive by HVC
 * go to the PSCI relay, as SMCs do.
 */
#include <pkvmkit/hypercall.h>
#include <hyp/deprivilege.h>
#include <hyp/dma.h>
#include <hyp/hcall.h>
#include <hyp/heap.h>
#include <hyp/hooks.h>
#include <hyp/lock_order.h>
#include <hyp/log.h>
#include <hyp/mem_protect.h>
#include <hyp/module.h>
#include <hyp/module_calls.h>
#include <hyp/psci.h>
#include <hyp/guest.h>
#include <hyp/pvm.h>
#include <hyp/setup.h>
#include <hyp/smmu.h>
#include <hyp/spinlock.h>
#include <hyp/sysreg.h>
#include <hyp/trace.h>
#include <hyp/vm.h>

typedef void (*hcall_t)(struct host_ctxt *ctxt);

/* Every handler the list names (a name the list gives twice, twice). */
#define HC_DECLARE_HANDLER(name, n, when, handler)	\
	static void handler(struct host_ctxt *ctxt);
PKVMKIT_HC_LIST(HC_DECLARE_HANDLER)

/*
 * Every set-up call runs under this lock and re-checks that the host is
 * not deprivileged inside it, so none can still be running, or start,
 * once finalize (itself a set-up call) has closed them.
 */
static hyp_spinlock_t setup_lock = HYP_LOCK_INIT(setup_lock);

static void handle_ping(struct host_ctxt *ctxt)
{
	ctxt->regs[1] = HC_PING_MAGIC;
	ctxt->regs[2] = this_cpu()->slot;
	ctxt->regs[3] = read_sysreg(mpidr_el1);
}

static void handle_cpu_state(struct host_ctxt *ctxt)
{
	struct hyp_cpu *cpu = this_cpu();
	u64 flags = 0;

	if (cpu->installed)
		flags |= HC_CPU_INSTALLED;
	if (cpu->stage2_on)
		flags |= HC_CPU_STAGE2;
	if (hyp_host_deprivileged())
		flags |= HC_CPU_HOST_DEPRIV;
	ctxt->regs[1] = flags;
}

static void handle_test_panic(struct host_ctxt *ctxt)
{
	volatile u64 *unmapped = (volatile u64 *)(HYP_LINEAR_END - 8);

	if (ctxt->regs[1] != HC_PING_MAGIC) {
		ctxt->regs[1] = -EINVAL;
		return;
	}
	if (ctxt->regs[2] == HC_TEST_LOCK_ORDER) {
		hyp_log("lock-order violation requested by the host\n");
		ctxt->regs[1] = hyp_test_lock_order();
		return;
	}
	hyp_log("test panic requested by the host\n");
	/* a real EL2 data abort, so the panic path is the genuine one */
	ctxt->regs[1] = *unmapped;
}

static void handle_prot_finalize(struct host_ctxt *ctxt)
{
	ctxt->regs[1] = hyp_prot_finalize();
}

static void handle_host_donate_hyp(struct host_ctxt *ctxt)
{
	ctxt->regs[1] = hyp_host_donate_hyp(ctxt->regs[1], ctxt->regs[2]);
}

static void handle_host_reclaim(struct host_ctxt *ctxt)
{
	ctxt->regs[1] = hyp_host_reclaim(ctxt->regs[1], ctxt->regs[2]);
}

static void handle_host_share_hyp(struct host_ctxt *ctxt)
{
	ctxt->regs[1] = hyp_host_share_hyp(ctxt->regs[1], ctxt->regs[2]);
}

static void handle_host_unshare_hyp(struct host_ctxt *ctxt)
{
	ctxt->regs[1] = hyp_host_unshare_hyp(ctxt->regs[1], ctxt->regs[2]);
}

static void handle_page_state(struct host_ctxt *ctxt)
{
	ctxt->regs[1] = hyp_page_state(ctxt->regs[1]);
}

static void handle_state_count(struct host_ctxt *ctxt)
{
	ctxt->regs[1] = hyp_state_count(ctxt->regs[1]);
}

static void handle_mem_stats(struct host_ctxt *ctxt)
{
	hyp_mem_stats(&ctxt->regs[1], &ctxt->regs[2], &ctxt->regs[3]);
}

static void handle_alloc_module_va(struct host_ctxt *ctxt)
{
	ctxt->regs[1] = hyp_alloc_module_va(ctxt->regs[1], ctxt->regs[2],
					    ctxt->regs[3], ctxt->regs[4]);
}

static void handle_map_module_page(struct host_ctxt *ctxt)
{
	ctxt->regs[1] = hyp_map_module_page(ctxt->regs[1], ctxt->regs[2],
					    ctxt->regs[3]);
}

static void handle_drop_module(struct host_ctxt *ctxt)
{
	ctxt->regs[1] = hyp_drop_module(ctxt->regs[1]);
}

static void handle_init_module(struct host_ctxt *ctxt)
{
	ctxt->regs[1] = hyp_init_module(ctxt->regs[1], ctxt->regs[2],
					ctxt->regs[3], ctxt->regs[4]);
}

static void handle_register_hcall(struct host_ctxt *ctxt)
{
	ctxt->regs[1] = hyp_register_hcall(ctxt->regs[1]);
}

static void handle_mark_insecure(struct host_ctxt *ctxt)
{
	hyp_mark_insecure();
	hyp_log("pkvmkit: marked insecure by the host: protected VMs refused\n");
	ctxt->regs[1] = 0;
}

/* ---- virtual machines (vm.c, vcpu_run.c, guest_mem.c) ---- */

static void handle_vm_create(struct host_ctxt *ctxt)
{
	ctxt->regs[1] = hyp_vm_create(ctxt->regs[1], ctxt->regs[2],
				      ctxt->regs[3]);
}

static void handle_vm_topup(struct host_ctxt *ctxt)
{
	ctxt->regs[1] = hyp_vm_topup(ctxt->regs[1], ctxt->regs[2]);
}

static void handle_vcpu_create(struct host_ctxt *ctxt)
{
	ctxt->regs[1] = hyp_vcpu_create(ctxt->regs[1], ctxt->regs[2],
					ctxt->regs[3], ctxt->regs[4]);
}

static void handle_vcpu_reset(struct host_ctxt *ctxt)
{
	ctxt->regs[1] = hyp_vcpu_reset(ctxt->regs[1], ctxt->regs[2]);
}

static void handle_vcpu_run(struct host_ctxt *ctxt)
{
	ctxt->regs[1] = hyp_vcpu_run(ctxt->regs[1], ctxt->regs[2],
				     ctxt->regs[3]);
}

static void handle_vcpu_sync(struct host_ctxt *ctxt)
{
	ctxt->regs[1] = hyp_vcpu_sync(ctxt->regs[1], ctxt->regs[2],
				      ctxt->regs[3]);
}

static void handle_vcpu_mmio(struct host_ctxt *ctxt)
{
	ctxt->regs[1] = hyp_vcpu_mmio(ctxt->regs[1], ctxt->regs[2]);
}

static void handle_guest_map(struct host_ctxt *ctxt)
{
	ctxt->regs[1] = hyp_guest_map(ctxt->regs[1], ctxt->regs[2],
				      ctxt->regs[3]);
}

static void handle_vm_teardown(struct host_ctxt *ctxt)
{
	ctxt->regs[1] = hyp_vm_teardown(ctxt->regs[1]);
}

static void handle_vm_reclaim(struct host_ctxt *ctxt)
{
	ctxt->regs[1] = hyp_vm_reclaim(ctxt->regs[1], ctxt->regs[2]);
}

static void handle_vm_destroy(struct host_ctxt *ctxt)
{
	ctxt->regs[1] = hyp_vm_destroy(ctxt->regs[1]);
}

/* Only the ID registers' space (op0 3, op1 0, CRn 0, CRm 1..7). */
static void handle_guest_id_reg(struct host_ctxt *ctxt)
{
	u64 enc = ctxt->regs[1];
	u64 base = PK_SYSREG_ENC(3, 0, 0, 1, 0);

	if (enc < base || enc > PK_SYSREG_ENC(3, 0, 0, 7, 7)) {
		ctxt->regs[1] = 0;
		ctxt->regs[2] = -EINVAL;
		return;
	}
	ctxt->regs[1] = guest_id_reg(enc);
	ctxt->regs[2] = 0;
}

static void handle_vm_info(struct host_ctxt *ctxt)
{
	hyp_vm_info(ctxt->regs[1], &ctxt->regs[1], &ctxt->regs[2],
		    &ctxt->regs[3]);
}

static void handle_security_state(struct host_ctxt *ctxt)
{
	ctxt->regs[1] = hyp_is_secure();
}

static void handle_dma_state(struct host_ctxt *ctxt)
{
	hyp_smmu_drain_events();
	ctxt->regs[1] = hyp_dma_state();
	hyp_smmu_counts(&ctxt->regs[2], &ctxt->regs[3]);
}

static void handle_dma_fault(struct host_ctxt *ctxt)
{
	struct smmu_fault f;
	int ret;

	hyp_smmu_drain_events();
	ret = hyp_smmu_fault(ctxt->regs[1], &f);
	ctxt->regs[1] = ret;
	ctxt->regs[2] = ret ? 0 : f.id | f.flags << 8 | (u64)f.sid << 32;
	ctxt->regs[3] = ret ? 0 : f.addr;
}

static void handle_hook_info(struct host_ctxt *ctxt)
{
	ctxt->regs[1] = hyp_hook_info(ctxt->regs[1]);
}

static void handle_heap_topup(struct host_ctxt *ctxt)
{
	ctxt->regs[1] = hyp_heap_topup(ctxt->regs[1]);
}

static void handle_heap_stats(struct host_ctxt *ctxt)
{
	hyp_heap_stats(&ctxt->regs[1], &ctxt->regs[2], &ctxt->regs[3]);
}

static void handle_trace_event(struct host_ctxt *ctxt)
{
	ctxt->regs[1] = hyp_trace_enable_event(ctxt->regs[1], ctxt->regs[2]);
}

/* When a call is taken: the kinds PKVMKIT_HC_LIST names. */
enum hc_when {
	HC_WHEN_always,
	HC_WHEN_setup,	/* only before deprivilege */
	HC_WHEN_once,	/* HC_PROT_FINALIZE: only before deprivilege, too */
};

struct hcall {
	hcall_t fn;
	enum hc_when when;
};

/* The table, from the one list: n indexes it, each call's kind and handler. */
#define HC_TABLE_ENTRY(name, n, when, handler)			\
	[name] = { handler, HC_WHEN_##when },
#define HC_COUNT(name, n, when, handler)	+ 1

static const struct hcall host_hcalls[HC_NR_STATIC] = {
	PKVMKIT_HC_LIST(HC_TABLE_ENTRY)
};

/*
 * n counts up from 1 without gaps: as many calls as numbers (a number
 * given twice is an overwritten initializer, an error with -Wextra).
 */
_Static_assert(HC_NR_STATIC == 1 PKVMKIT_HC_LIST(HC_COUNT),
	       "PKVMKIT_HC_LIST: n must count up from 1 without gaps");
_Static_assert(HC_FIRST_DYNAMIC >= HC_NR_STATIC,
	       "dynamic ids follow the static calls");
_Static_assert(HC_MAX_DYNAMIC <= 0x10000 - HC_FIRST_DYNAMIC,
	       "dynamic ids fit SMCCC's 16-bit function number");

/* Set-up calls, and finalize itself, only until the host is deprivileged. */
static void run_setup_hcall(hcall_t fn, struct host_ctxt *ctxt)
{
	hyp_spin_lock(&setup_lock);
	if (hyp_host_deprivileged()) {
		ctxt->regs[0] = SMCCC_RET_NOT_SUPPORTED;
	} else {
		ctxt->regs[0] = SMCCC_RET_SUCCESS;
		fn(ctxt);
	}
	hyp_spin_unlock(&setup_lock);
}

static void dispatch_host_hcall(struct host_ctxt *ctxt)
{
	hcall_t fn;
	u64 nr;

	if (hyp_psci_relay(ctxt))
		return;
	/* exactly 0xC6000000 | n: fast call, SMC64, vendor-hyp owner */
	if ((ctxt->regs[0] & ~0xffffUL) != HC_FUNC_BASE) {
		ctxt->regs[0] = SMCCC_RET_NOT_SUPPORTED;
		return;
	}
	nr = HC_FUNC_NUM(ctxt->regs[0]);
	if (nr >= HC_FIRST_DYNAMIC) {
		handle_dynamic_hcall(ctxt, nr);
		return;
	}
	fn = nr < HC_NR_STATIC ? host_hcalls[nr].fn : NULL;
	if (!fn) {
		ctxt->regs[0] = SMCCC_RET_NOT_SUPPORTED;
		return;
	}
	if (host_hcalls[nr].when != HC_WHEN_always) {
		run_setup_hcall(fn, ctxt);
		return;
	}
	ctxt->regs[0] = SMCCC_RET_SUCCESS;
	fn(ctxt);
}

void handle_host_hcall(struct host_ctxt *ctxt)
{
	u64 id = ctxt->regs[0];

	/* the init stub hands over the CPU's first HVC (see init.S) */
	if (!this_cpu()->installed) {
		if (id == HYP_INIT_MAGIC)
			hyp_cpu_init(ctxt);
		else	/* its set-up failed: nothing here is initialised */
			ctxt->regs[0] = SMCCC_RET_NOT_SUPPORTED;
		return;
	}
	trace_host_hcall(id, ctxt->regs[1]);
	dispatch_host_hcall(ctxt);
	trace_host_hcall_ret(id, ctxt->regs[0], ctxt->regs[1]);
}
