// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host accesses the stage-2 refuses: the host tried to touch memory it
 * does not own. The hypervisor does not die for that: it makes the access
 * look, to the kernel, like a synchronous external abort at the faulting
 * instruction, so the kernel reports it for the context that did it (a
 * SIGBUS for a user task, an oops for kernel code) and carries on.
 */
#include <hyp/compiler.h>
#include <hyp/exception.h>
#include <hyp/hooks.h>
#include <hyp/log.h>
#include <hyp/mem_protect.h>
#include <hyp/mm.h>
#include <hyp/module.h>
#include <hyp/trap.h>
#include <hyp/module_ops.h>
#include <hyp/sysreg.h>
#include <hyp/vm.h>

/*
 * Vendor-module hooks:
 * - the host permission-fault handlers (one for android14-6.1 modules, up
 *   to 16 chained from android15-6.6 on), called in registration order
 *   for a host access to a page a module restricted (host_stage2_mod_prot)
 *   that the restriction refuses; the first that returns 0 has dealt with
 *   the access (emulated it or stepped the PC past it); if none does, an
 *   abort is injected;
 * - the illegal-abort notifier, called just before any abort is injected.
 */
static struct hyp_hook_chain perm_fault_hooks;
static hyp_void_hook_t illegal_abt_hook;

int hyp_op_register_host_perm_fault_handler(int (*cb)(struct host_ctxt *,
						      u64, u64))
{
	return hyp_module_add_hook(HC_HOOK_PERM_FAULT, &perm_fault_hooks, cb,
				   true);
}

int hyp_op_add_host_perm_fault_handler(int (*cb)(struct host_ctxt *, u64, u64))
{
	return hyp_module_add_hook(HC_HOOK_PERM_FAULT, &perm_fault_hooks, cb,
				   false);
}

int hyp_op_register_illegal_abt_notifier(void (*cb)(struct host_ctxt *))
{
	return hyp_module_set_hook(HC_HOOK_ILLEGAL_ABT, (void **)&illegal_abt_hook, cb);
}

static bool from_el0(u64 pstate)
{
	return pstate_is_el0(pstate);
}

static void inject_host_exception(struct host_ctxt *ctxt, u64 esr, u64 far)
{
	write_sysreg(esr, esr_el1);
	write_sysreg(far, far_el1);
	write_sysreg(ctxt->pc, elr_el1);
	write_sysreg(ctxt->pstate, spsr_el1);
	ctxt->pc = el1_exception_vector(read_sysreg(vbar_el1), ctxt->pstate);
	ctxt->pstate = el1_exception_pstate(ctxt->pstate);
}

/* DFSC/IFSC 0b0001LL: translation fault at level LL */
static bool is_translation_fault(u64 esr)
{
	return (esr & 0x3c) == 0x04;
}

#define PAR_F			BIT(0)

/* DFSC/IFSC 0b0011LL: permission fault at level LL */
static bool is_permission_fault(u64 esr)
{
	return (esr & 0x3c) == 0x0c;
}

/*
 * The faulting IPA. HPFAR_EL2 holds it for translation and access-flag
 * faults and for faults on a stage-1 walk; for a permission fault it may
 * not be valid (the architecture allows it), so the stage-1 translation
 * of FAR is asked for instead, as KVM does, keeping the host's PAR_EL1.
 */
static u64 fault_ipa(u64 esr, u64 far)
{
	u64 par, host_par;

	if (is_permission_fault(esr) && !(esr & ESR_ISS_S1PTW)) {
		host_par = read_sysreg(par_el1);
		asm volatile("at s1e1r, %0" : : "r" (far));
		isb();
		par = read_sysreg(par_el1);
		write_sysreg(host_par, par_el1);
		if (!(par & PAR_F))
			return (par & GENMASK_ULL(47, 12)) | (far & 0xfff);
	}
	return ((read_sysreg(hpfar_el2) & GENMASK_ULL(47, 4)) << 8) |
	       (far & 0xfff);
}

/* A module's restriction refused the access: its handler may deal with it. */
static bool module_handles_fault(struct host_ctxt *ctxt, u64 esr, u64 ipa)
{
	hyp_perm_fault_hook_t hook;

	hyp_for_each_hook(&perm_fault_hooks, i, hook) {
		u64 pc = hyp_hook_enter(ctxt);
		int ret = hook(ctxt, esr, ipa);

		hyp_hook_exit(ctxt, pc);
		if (!ret)
			return true;
	}
	return false;
}

/* The first permission-fault handler there is, or NULL */
static hyp_perm_fault_hook_t first_perm_fault_hook(void)
{
	hyp_perm_fault_hook_t hook;

	hyp_for_each_hook(&perm_fault_hooks, i, hook)
		return hook;
	return NULL;
}

static void notify_illegal_abort(struct host_ctxt *ctxt)
{
	hyp_void_hook_t hook = hyp_hook_get(illegal_abt_hook);
	u64 pc;

	if (!hook)
		return;
	pc = hyp_hook_enter(ctxt);
	hook(ctxt);
	hyp_hook_exit(ctxt, pc);
}

/*
 * For the log line of a refused access: "", or whose restriction refused
 * it, as three strings (before, module name, after).
 */
static void restriction_note(bool restricted, const char *note[3])
{
	hyp_perm_fault_hook_t hook;
	const char *name;

	note[0] = note[1] = note[2] = "";
	if (!restricted)
		return;	/* no hook lookup, no module_lock, for the usual case */
	hook = first_perm_fault_hook();
	name = hook ? hyp_module_name_of((u64)hook) : NULL;
	if (!name) {
		note[0] = " (a module's restriction; no fault handler)";
		return;
	}
	note[0] = " (a module's restriction; the fault handler of ";
	note[1] = name;
	note[2] = " refused it)";
}

/*
 * The access stays refused: tell the notifier, then inject a synchronous
 * external abort at the faulting instruction. Out of line, so that the
 * path of an access a module's handler deals with stays short.
 */
static noinline void refuse_host_access(struct host_ctxt *ctxt, u64 esr,
					u64 ipa, bool restricted)
{
	/*
	 * Read again, not carried: the fault path then keeps one register
	 * less. Nothing since the abort took an exception to EL2.
	 */
	u64 far = read_sysreg(far_el2);
	bool dabt = ESR_EC(esr) == ESR_EC_DABT_LOW;
	const char *note[3];
	u64 ec, iss;

	restriction_note(restricted, note);
	notify_illegal_abort(ctxt);

	if (dabt)
		ec = from_el0(ctxt->pstate) ? ESR_EC_DABT_LOW : ESR_EC_DABT_CUR;
	else
		ec = from_el0(ctxt->pstate) ? ESR_EC_IABT_LOW : ESR_EC_IABT_CUR;
	iss = ESR_FSC_SEA | (dabt ? (esr & ESR_ISS_WNR) : 0);

	hyp_log("pkvmkit: host %s at %lx (ipa %lx) from %s pc %lx: abort injected%s%s%s\n",
		dabt ? ((esr & ESR_ISS_WNR) ? "write" : "read") : "fetch",
		(unsigned long)far, (unsigned long)ipa,
		from_el0(ctxt->pstate) ? "EL0" : "EL1",
		(unsigned long)ctxt->pc, note[0], note[1], note[2]);
	inject_host_exception(ctxt, (ec << ESR_EC_SHIFT) | ESR_IL | iss, far);
}

/* The stage-2 permission the aborted access needed (PGT_PROT_*). */
static u32 access_needs(u64 esr)
{
	if (ESR_EC(esr) != ESR_EC_DABT_LOW)
		return PGT_PROT_X;
	return (esr & ESR_ISS_WNR) ? PGT_PROT_W : PGT_PROT_R;
}

/* ---- a page a protected guest owns ------------------------------------ */

#define ESR_FSC_TAG_CHECK	0x11	/* synchronous tag check fault */

/*
 * Is the host's instruction at @pc an unprivileged load or store (LDTR,
 * STTR and their sizes: how the kernel's uaccess routines touch user
 * memory, with an exception-table fix-up for each)? The instruction is
 * read through this CPU's peek page: host memory is not in the
 * hypervisor's linear map.
 */
static bool host_insn_is_unprivileged(u64 pc)
{
	u64 par, host_par = read_sysreg(par_el1);
	u32 insn;
	u8 *page;

	asm volatile("at s1e1r, %0" : : "r" (pc));
	isb();
	par = read_sysreg(par_el1);
	write_sysreg(host_par, par_el1);
	if (par & PAR_F)
		return false;
	if (hyp_page_state((par & GENMASK_ULL(47, 12)) >> PKVMKIT_PAGE_SHIFT) !=
	    PAGE_HOST_OWNED)
		return false;	/* not the host's own code: decide nothing on it */
	hyp_spin_lock(&mem_lock);
	page = hyp_cpu_slot_map_locked(HYP_PEEK_VA,
				       (par & GENMASK_ULL(47, 12)) >> PKVMKIT_PAGE_SHIFT,
				       PGT_PROT_R);
	insn = *(volatile u32 *)(page + (pc & (PKVMKIT_PAGE_SIZE - 1)));
	hyp_cpu_slot_unmap_locked(HYP_PEEK_VA);
	hyp_spin_unlock(&mem_lock);
	/* size:111000:opc:0:imm9:10:Rn:Rt */
	return (insn & 0x3f200c00) == 0x38000800;
}

/*
 * The host touched a page a protected guest owns. The VMM's own access
 * (EL0), and the kernel's unprivileged accesses on a task's behalf (a
 * syscall whose buffer is guest memory), see a synchronous tag-check
 * fault: Linux handles that code as a bad access whatever the CPU has
 * (do_tag_check_fault): SIGSEGV for the task, EFAULT through the
 * exception table for uaccess, and the guest keeps its page. Any other
 * kernel access (through the linear map: /proc/PID/mem, process_vm_readv,
 * a core dump) has no fix-up and would kill the host: the page goes back
 * to the host instead, scrubbed, and the guest loses it (its next access
 * stops the VM with EFAULT).
 */
static void host_touched_guest_page(struct host_ctxt *ctxt, u64 esr, u64 ipa)
{
	u64 far = read_sysreg(far_el2);
	bool dabt = ESR_EC(esr) == ESR_EC_DABT_LOW;
	bool el0 = from_el0(ctxt->pstate);
	u64 ec;

	if (el0 || (dabt && host_insn_is_unprivileged(ctxt->pc))) {
		if (dabt)
			ec = el0 ? ESR_EC_DABT_LOW : ESR_EC_DABT_CUR;
		else
			ec = ESR_EC_IABT_LOW;
		hyp_log("pkvmkit: host %s of a protected guest's page (ipa %lx) from %s pc %lx: refused\n",
			dabt ? ((esr & ESR_ISS_WNR) ? "write" : "read") : "fetch",
			(unsigned long)ipa, el0 ? "EL0" : "EL1 uaccess",
			(unsigned long)ctxt->pc);
		inject_host_exception(ctxt, (ec << ESR_EC_SHIFT) | ESR_IL |
				      ESR_FSC_TAG_CHECK |
				      (dabt ? (esr & ESR_ISS_WNR) : 0), far);
		return;
	}
	if (hyp_guest_take_back_page(ipa >> PKVMKIT_PAGE_SHIFT))
		refuse_host_access(ctxt, esr, ipa, false);
	/* else: the host retries, on its own page now */
}

void handle_host_abort(struct host_ctxt *ctxt, u64 esr)
{
	u64 far = read_sysreg(far_el2);
	u64 ipa = fault_ipa(esr, far);

	/*
	 * A translation fault: device space touched the first time (mapped
	 * now), or an entry another CPU was rebuilding: let the host retry.
	 */
	if (is_translation_fault(esr) && !hyp_host_s2_fault(ipa))
		return;
	switch (hyp_host_access(ipa, access_needs(esr))) {
	case OWN_ACCESS_ALLOWED:
		return;
	case OWN_ACCESS_RESTRICTED:
		if (module_handles_fault(ctxt, esr, ipa))
			return;
		refuse_host_access(ctxt, esr, ipa, true);
		return;
	case OWN_ACCESS_GUEST:
		host_touched_guest_page(ctxt, esr, ipa);
		return;
	case OWN_ACCESS_REFUSED:
		break;
	}
	refuse_host_access(ctxt, esr, ipa, false);
}

void inject_host_undef(struct host_ctxt *ctxt)
{
	hyp_log("pkvmkit: unexpected host trap, esr %lx pc %lx: undef injected\n",
		(unsigned long)read_sysreg(esr_el2), (unsigned long)ctxt->pc);
	inject_host_exception(ctxt, (ESR_EC_UNKNOWN << ESR_EC_SHIFT) | ESR_IL,
			      0);
}
