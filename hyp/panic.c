// SPDX-License-Identifier: GPL-2.0-only
/*
 * A hypervisor bug: log what happened (syndrome, addresses, a frame-pointer
 * backtrace) where the host can read it, then leave EL2 for the host
 * driver's panic entry, which prints the log and panics the kernel.
 */
#include <hyp/entry.h>
#include <hyp/hooks.h>
#include <hyp/log.h>
#include <hyp/panic.h>
#include <hyp/setup.h>
#include <hyp/module_ops.h>
#include <hyp/sysreg.h>

#define MAX_FRAMES	16

static bool on_stack(const struct hyp_cpu *cpu, u64 fp)
{
	return fp >= cpu->stack_lo && fp + 16 <= cpu->stack_hi && !(fp & 7);
}

static void log_backtrace(const struct hyp_cpu *cpu, u64 elr, u64 fp)
{
	const u64 *frame;
	int i;

	hyp_log("pkvmkit: call trace:\n");
	hyp_log("pkvmkit:  [<%lx>] (faulting pc)\n", (unsigned long)elr);
	for (i = 0; i < MAX_FRAMES && on_stack(cpu, fp); i++) {
		frame = (const u64 *)fp;
		if (!frame[1])
			break;
		hyp_log("pkvmkit:  [<%lx>]\n", (unsigned long)frame[1]);
		/* callers' records lie higher: anything else is a loop */
		if (frame[0] <= fp)
			break;
		fp = frame[0];
	}
}

/* A vendor module's panic notifier (register_hyp_panic_notifier). */
static hyp_void_hook_t panic_hook;

int hyp_op_register_hyp_panic_notifier(void (*cb)(struct host_ctxt *))
{
	return hyp_module_set_hook(HC_HOOK_PANIC, (void **)&panic_hook, cb);
}

/* Once per CPU: a notifier that panics itself is not called again. */
static void notify_module(struct hyp_cpu *cpu)
{
	hyp_void_hook_t hook = hyp_hook_get(panic_hook);

	if (!hook || __atomic_exchange_n(&cpu->in_panic, 1, __ATOMIC_RELAXED))
		return;
	/* no lock here: the panic may have come with one held */
	hyp_log("pkvmkit: calling the module panic notifier at %lx\n",
		(unsigned long)hook);
	hook(&cpu->ctxt);
}

void __noreturn hyp_panic(u64 esr, u64 elr, u64 far, u64 fp)
{
	struct hyp_cpu *cpu = this_cpu();

	hyp_log("pkvmkit: HYP PANIC on cpu slot %lu: ESR %lx ELR %lx FAR %lx\n",
		(unsigned long)cpu->slot, (unsigned long)esr,
		(unsigned long)elr, (unsigned long)far);
	log_backtrace(cpu, elr, fp);
	/* the locks held stay held: a notifier's own are checked alone */
	cpu->locks_held = 0;
	notify_module(cpu);
	if (!hyp_params || !hyp_params->host_panic_entry)
		for (;;)
			asm volatile("wfe");
	__hyp_return_to_host(hyp_params->host_panic_entry,
			     PSR_MODE_EL1h | PSR_DAIF, esr, elr, far);
}
