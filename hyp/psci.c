// SPDX-License-Identifier: GPL-2.0-only
/*
 * The PSCI relay. Every way the firmware offers to start or resume a CPU
 * is taken over here, so that a CPU only ever enters the kernel through
 * the hypervisor, with its EL2 state and the host stage-2; PSCI calls the
 * relay cannot follow are refused, not forwarded. The host reaches PSCI
 * with SMC (trapped by HCR_EL2.TSC) or HVC; both come here.
 *
 *   relayed   CPU_ON, CPU_SUSPEND (every power state: only the firmware
 *             knows which ones lose the CPU's context), CPU_DEFAULT_SUSPEND,
 *             SYSTEM_SUSPEND: the firmware gets our entry point; the CPU
 *             wakes up in the hypervisor, which then enters the host's
 *             entry point at EL1. CPU_OFF: forwarded, with bookkeeping.
 *   forwarded PSCI_VERSION, AFFINITY_INFO, MIGRATE_INFO_TYPE,
 *             MIGRATE_INFO_UP_CPU, SYSTEM_OFF, SYSTEM_RESET, SYSTEM_RESET2,
 *             SYSTEM_OFF2, PSCI_FEATURES (NOT_SUPPORTED for what is
 *             refused here), NODE_HW_STATE, SET_SUSPEND_MODE,
 *             STAT_RESIDENCY, STAT_COUNT, MEM_PROTECT,
 *             MEM_PROTECT_CHECK_RANGE
 *   refused   MIGRATE (the relay cannot follow the trusted OS), CPU_FREEZE
 *             (only a CPU_ON wakes the CPU, which the relay would refuse
 *             as ALREADY_ON), any other PSCI function number or width
 *
 * Function ids: PSCI 0.2+ (0x84000000 | n, 0xC4000000 | n) and the PSCI
 * 0.1 ids the device tree's /psci node gives (the driver passes them in),
 * which the firmware may accept whatever the kernel uses. Relayed calls go
 * to the firmware as the 64-bit 0.2 function when it has PSCI 0.2, since
 * our entry point may lie above 4 GiB.
 *
 * Other SMCs: smc.c.
 */
#include <pkvmkit/hypercall.h>
#include <hyp/compiler.h>
#include <hyp/entry.h>
#include <hyp/hooks.h>
#include <hyp/psci.h>
#include <hyp/psci_defs.h>
#include <hyp/setup.h>
#include <hyp/module_ops.h>
#include <hyp/sysreg.h>

#define MPIDR_AFF_MASK			0xff00ffffffUL

enum psci_kind {
	PSCI_REFUSE = 0,
	PSCI_FORWARD,
	PSCI_RELAY_ON,
	PSCI_RELAY_OFF,
	PSCI_RELAY_SUSPEND,	/* entry point in x2, context in x3 */
	PSCI_RELAY_SYS_SUSPEND,	/* entry point in x1, context in x2 */
	PSCI_ASK_FEATURES,
};

#define W32	BIT(0)
#define W64	BIT(1)

struct psci_fn {
	u8 kind;
	u8 widths;	/* W32, W64: the variants PSCI defines */
};

static const struct psci_fn psci_fns[PSCI_FN_MASK + 1] = {
	[PSCI_VERSION]			= { PSCI_FORWARD, W32 },
	[PSCI_CPU_SUSPEND]		= { PSCI_RELAY_SUSPEND, W32 | W64 },
	[PSCI_CPU_OFF]			= { PSCI_RELAY_OFF, W32 },
	[PSCI_CPU_ON]			= { PSCI_RELAY_ON, W32 | W64 },
	[PSCI_AFFINITY_INFO]		= { PSCI_FORWARD, W32 | W64 },
	[PSCI_MIGRATE]			= { PSCI_REFUSE, 0 },
	[PSCI_MIGRATE_INFO_TYPE]	= { PSCI_FORWARD, W32 },
	[PSCI_MIGRATE_INFO_UP_CPU]	= { PSCI_FORWARD, W32 | W64 },
	[PSCI_SYSTEM_OFF]		= { PSCI_FORWARD, W32 },
	[PSCI_SYSTEM_RESET]		= { PSCI_FORWARD, W32 },
	[PSCI_FEATURES]			= { PSCI_ASK_FEATURES, W32 },
	[0xb] /* CPU_FREEZE */		= { PSCI_REFUSE, 0 },
	[PSCI_CPU_DEFAULT_SUSPEND]	= { PSCI_RELAY_SYS_SUSPEND, W32 | W64 },
	[0xd] /* NODE_HW_STATE */	= { PSCI_FORWARD, W32 | W64 },
	[PSCI_SYSTEM_SUSPEND]		= { PSCI_RELAY_SYS_SUSPEND, W32 | W64 },
	[0xf] /* SET_SUSPEND_MODE */	= { PSCI_FORWARD, W32 },
	[0x10] /* STAT_RESIDENCY */	= { PSCI_FORWARD, W32 | W64 },
	[0x11] /* STAT_COUNT */		= { PSCI_FORWARD, W32 | W64 },
	[PSCI_SYSTEM_RESET2]		= { PSCI_FORWARD, W32 | W64 },
	[0x13] /* MEM_PROTECT */	= { PSCI_FORWARD, W32 },
	[0x14] /* MEM_PROTECT_CHECK_RANGE */ = { PSCI_FORWARD, W32 | W64 },
	[0x15] /* SYSTEM_OFF2 */	= { PSCI_FORWARD, W32 | W64 },
};

/* A PSCI call, decoded: which function, as which width. */
struct psci_call {
	u32 nr;			/* PSCI function number */
	bool is64;
	bool v0_1;		/* came in with a PSCI 0.1 id */
};

static bool fw_has_psci_0_2;

/*
 * A vendor module's PSCI notifier (one slot, as android14-6.1): told of
 * CPU_SUSPEND and SYSTEM_SUSPEND before they go to the firmware and of
 * CPU_ENTRY when a CPU enters the host through the relay (after CPU_ON or
 * a resume), on the CPU concerned, with that CPU's host context.
 */
static hyp_psci_hook_t psci_hook;

int hyp_op_register_psci_notifier(void (*cb)(int, struct host_ctxt *))
{
	return hyp_module_set_hook(HC_HOOK_PSCI, (void **)&psci_hook, cb);
}

void hyp_psci_notify(int event, struct host_ctxt *ctxt)
{
	hyp_psci_hook_t hook = hyp_hook_get(psci_hook);
	u64 pc;

	if (!hook)
		return;
	pc = hyp_hook_enter(ctxt);
	hook(event, ctxt);
	hyp_hook_exit(ctxt, pc);
}

extern char __hyp_cpu_on_entry[];

static u64 cpu_entry_pa(void)
{
	/* .idmap.text is part of the image: PA = image PA + offset */
	return hyp_params->image_pa + ((u64)__hyp_cpu_on_entry - HYP_IMAGE_VA);
}

static u64 cpu_boot_pa(const struct hyp_cpu *cpu)
{
	return hyp_params->cpu_boot_pa +
	       (cpu - hyp_cpus) * sizeof(struct hyp_cpu_boot);
}

/* Ask the firmware once, at install, whether it speaks PSCI 0.2 or later. */
void hyp_psci_init(void)
{
	struct host_ctxt c = { .regs = { PSCI_FN32(PSCI_VERSION) } };

	__hyp_forward_smc(&c);
	/* major << 16 | minor; NOT_SUPPORTED is negative */
	fw_has_psci_0_2 = !(c.regs[0] & BIT(31)) && (u32)c.regs[0] >= 0x2;
}

static bool psci_decode(u32 fn, struct psci_call *call)
{
	static const u32 v0_1_nr[HYP_PSCI_0_1_NR] = {
		[HYP_PSCI_0_1_CPU_SUSPEND]	= PSCI_CPU_SUSPEND,
		[HYP_PSCI_0_1_CPU_OFF]		= PSCI_CPU_OFF,
		[HYP_PSCI_0_1_CPU_ON]		= PSCI_CPU_ON,
		[HYP_PSCI_0_1_MIGRATE]		= 0x5,
	};
	u32 i;

	if ((fn & ~(PSCI_FN_MASK | BIT(30))) == PSCI_FN32(0)) {
		call->nr = fn & PSCI_FN_MASK;
		call->is64 = fn & BIT(30);
		call->v0_1 = false;
		return true;
	}
	for (i = 0; i < HYP_PSCI_0_1_NR; i++) {
		if (hyp_params->psci_0_1_ids[i] &&
		    fn == hyp_params->psci_0_1_ids[i]) {
			call->nr = v0_1_nr[i];
			call->is64 = true;	/* 0.1 passes native registers */
			call->v0_1 = true;
			return true;
		}
	}
	return false;
}

static enum psci_kind psci_kind_of(const struct psci_call *call)
{
	const struct psci_fn *f = &psci_fns[call->nr];

	if (call->v0_1)
		return f->kind;
	return (f->widths & (call->is64 ? W64 : W32)) ? f->kind : PSCI_REFUSE;
}

/*
 * Send a relayed call to the firmware as the 64-bit 0.2 function (or with
 * the firmware's 0.1 id if that is all it has), with the host's arguments
 * already replaced where needed.
 */
static void psci_forward_relayed(struct host_ctxt *ctxt, u32 nr)
{
	static const u32 v0_1_index[PSCI_CPU_ON + 1] = {
		[PSCI_CPU_SUSPEND]	= HYP_PSCI_0_1_CPU_SUSPEND,
		[PSCI_CPU_OFF]		= HYP_PSCI_0_1_CPU_OFF,
		[PSCI_CPU_ON]		= HYP_PSCI_0_1_CPU_ON,
	};

	if (fw_has_psci_0_2)
		ctxt->regs[0] = nr == PSCI_CPU_OFF ? PSCI_FN32(nr) : PSCI_FN64(nr);
	else if (nr <= PSCI_CPU_ON && hyp_params->psci_0_1_ids[v0_1_index[nr]])
		ctxt->regs[0] = hyp_params->psci_0_1_ids[v0_1_index[nr]];
	else {
		ctxt->regs[0] = PSCI_RET_NOT_SUPPORTED;
		return;
	}
	__hyp_forward_smc(ctxt);
}

static u64 psci_arg(const struct host_ctxt *ctxt, const struct psci_call *call,
		    unsigned int i)
{
	return call->is64 ? ctxt->regs[i] : (u32)ctxt->regs[i];
}

/* The slot of @mpidr, claiming a free one for a CPU never seen before. */
static struct hyp_cpu *slot_for_mpidr(u64 mpidr, bool *claimed)
{
	u64 i, n = hyp_params->nr_slots;
	u32 expected;

	*claimed = false;
	for (i = 0; i < n; i++) {
		if (__atomic_load_n(&hyp_cpus[i].power, __ATOMIC_ACQUIRE) !=
		    CPU_SLOT_FREE &&
		    (READ_ONCE(hyp_cpus[i].mpidr) & MPIDR_AFF_MASK) == mpidr)
			return &hyp_cpus[i];
	}
	for (i = 0; i < n; i++) {
		expected = CPU_SLOT_FREE;
		if (__atomic_compare_exchange_n(&hyp_cpus[i].power, &expected,
						CPU_OFF, false, __ATOMIC_ACQ_REL,
						__ATOMIC_ACQUIRE)) {
			WRITE_ONCE(hyp_cpus[i].mpidr, mpidr);
			*claimed = true;
			return &hyp_cpus[i];
		}
	}
	return NULL;
}

static void psci_cpu_on(struct host_ctxt *ctxt, const struct psci_call *call)
{
	u64 mpidr = psci_arg(ctxt, call, 1) & MPIDR_AFF_MASK;
	u64 entry = psci_arg(ctxt, call, 2), context = psci_arg(ctxt, call, 3);
	u32 expected = CPU_OFF;
	struct hyp_cpu *cpu;
	bool claimed;

	if (call->v0_1)
		context = 0;	/* PSCI 0.1 CPU_ON has no context id */
	cpu = slot_for_mpidr(mpidr, &claimed);
	if (!cpu) {
		ctxt->regs[0] = PSCI_RET_INTERNAL_FAILURE;
		return;
	}
	if (!__atomic_compare_exchange_n(&cpu->power, &expected, CPU_ON_PENDING,
					 false, __ATOMIC_ACQ_REL,
					 __ATOMIC_ACQUIRE)) {
		ctxt->regs[0] = expected == CPU_ON_PENDING ?
				PSCI_RET_ON_PENDING : PSCI_RET_ALREADY_ON;
		return;
	}
	cpu->boot_entry = entry;
	cpu->boot_ctx = context;
	/* the firmware starts the CPU in our entry, with its boot slot */
	ctxt->regs[1] = mpidr;
	ctxt->regs[2] = cpu_entry_pa();
	ctxt->regs[3] = cpu_boot_pa(cpu);
	psci_forward_relayed(ctxt, PSCI_CPU_ON);
	if (ctxt->regs[0] != 0)
		/* a slot claimed for an MPIDR the firmware refused is freed */
		__atomic_store_n(&cpu->power, claimed ? CPU_SLOT_FREE : CPU_OFF,
				 __ATOMIC_RELEASE);
}

static void psci_cpu_off(struct host_ctxt *ctxt)
{
	struct hyp_cpu *cpu = this_cpu();

	__atomic_store_n(&cpu->power, CPU_OFF, __ATOMIC_RELEASE);
	psci_forward_relayed(ctxt, PSCI_CPU_OFF);
	/* only returns on failure */
	__atomic_store_n(&cpu->power, CPU_ON, __ATOMIC_RELEASE);
}

/*
 * A suspend may lose the CPU's context and resume from reset: it then
 * resumes in our entry, like CPU_ON. @ep is the index of the entry-point
 * argument, the context id follows it.
 */
static void psci_suspend(struct host_ctxt *ctxt, const struct psci_call *call,
			 unsigned int ep)
{
	struct hyp_cpu *cpu = this_cpu();

	hyp_psci_notify(call->nr == PSCI_SYSTEM_SUSPEND ?
			PKVM_PSCI_SYSTEM_SUSPEND : PKVM_PSCI_CPU_SUSPEND, ctxt);
	cpu->boot_entry = psci_arg(ctxt, call, ep);
	cpu->boot_ctx = call->v0_1 ? 0 : psci_arg(ctxt, call, ep + 1);
	if (!call->is64)
		ctxt->regs[1] = (u32)ctxt->regs[1];
	ctxt->regs[ep] = cpu_entry_pa();
	ctxt->regs[ep + 1] = cpu_boot_pa(cpu);
	psci_forward_relayed(ctxt, call->nr);
}

/* PSCI_FEATURES: nothing the relay refuses is reported as there. */
static void psci_features(struct host_ctxt *ctxt)
{
	struct psci_call asked;

	if (!psci_decode((u32)ctxt->regs[1], &asked) || asked.v0_1 ||
	    psci_kind_of(&asked) == PSCI_REFUSE) {
		ctxt->regs[0] = PSCI_RET_NOT_SUPPORTED;
		return;
	}
	ctxt->regs[0] = PSCI_FN32(PSCI_FEATURES);
	__hyp_forward_smc(ctxt);
}

static void psci_handle(struct host_ctxt *ctxt, const struct psci_call *call)
{
	switch (psci_kind_of(call)) {
	case PSCI_RELAY_ON:
		psci_cpu_on(ctxt, call);
		break;
	case PSCI_RELAY_OFF:
		psci_cpu_off(ctxt);
		break;
	case PSCI_RELAY_SUSPEND:
		psci_suspend(ctxt, call, 2);
		break;
	case PSCI_RELAY_SYS_SUSPEND:
		psci_suspend(ctxt, call, 1);
		break;
	case PSCI_ASK_FEATURES:
		psci_features(ctxt);
		break;
	case PSCI_FORWARD:
		ctxt->regs[0] = (u32)ctxt->regs[0];
		__hyp_forward_smc(ctxt);
		break;
	default:
		ctxt->regs[0] = PSCI_RET_NOT_SUPPORTED;
		break;
	}
}

bool hyp_psci_relay(struct host_ctxt *ctxt)
{
	struct psci_call call;

	if (!psci_decode((u32)ctxt->regs[0], &call))
		return false;
	psci_handle(ctxt, &call);
	return true;
}
