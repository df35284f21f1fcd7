/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Host -> hypervisor calls: SMCCC 1.1 fast calls owned by the vendor
 * hypervisor service, function id 0xC6000000 | n (as pKVM).
 *
 * Return convention: x0 = SMCCC status (0 = SUCCESS, -1 = NOT_SUPPORTED),
 * x1..x3 = results; operations that can fail put 0 or -errno in x1.
 *
 * Set-up calls (ids below HC_PROT_FINALIZE, and HC_MARK_INSECURE) are
 * refused with NOT_SUPPORTED once the host is deprivileged (and so is
 * HC_PROT_FINALIZE itself the second time). Ids from 128 are dynamic
 * (vendor module) calls.
 */
#ifndef PKVMKIT_HYPERCALL_H
#define PKVMKIT_HYPERCALL_H

#ifdef __ASSEMBLER__
#define PK_UL(x)		x
#else
#define PK_UL(x)		x##UL
#endif

#define HC_FUNC_BASE		PK_UL(0xC6000000)
#define HC_ID(n)		(HC_FUNC_BASE | (n))
#define HC_FUNC_NUM(id)		((id) & 0xffff)

#ifndef __ASSEMBLER__
/*
 * Also in <linux/arm-smccc.h>, written here token for token as it has them
 * so that either order of inclusion is a valid redefinition: 6.1 happened
 * to include it first everywhere, 6.12's header chains do not.
 */
#define SMCCC_RET_SUCCESS		0
#define SMCCC_RET_NOT_SUPPORTED		-1

/*
 * The static calls, one X(name, n, when, handler) per call, in order of
 * n: @when is setup (refused once the host is deprivileged), once
 * (HC_PROT_FINALIZE: refused the second time) or always; @handler is the
 * hypervisor's function for it (hyp/hcall.c). One list, so that the
 * enum below, the hypervisor's table with each call's kind and handler,
 * and tools that need the names (tests/guest/hc-ids.c, which writes the
 * ids for the guest scripts) cannot drift apart: a call without its kind
 * or handler does not build. n must count up from 1 without gaps:
 * hyp/hcall.c indexes its table by it, and checks it at build time.
 */
#define PKVMKIT_HC_LIST(X)						\
	/* set-up calls: only before deprivilege */			\
	X(HC_SETUP_PING,	 1, setup, handle_ping)	/* -> x1 = HC_PING_MAGIC */ \
	X(HC_ALLOC_MODULE_VA,	 2, setup, handle_alloc_module_va)	/* x1 = pages, x2..x3 = name, x4 = PKVM_API_* -> x1 = hyp VA or 0 */ \
	X(HC_MAP_MODULE_PAGE,	 3, setup, handle_map_module_page)	/* x1 = pfn, x2 = hyp VA, x3 = prot -> x1 */ \
	X(HC_DROP_MODULE,	 4, setup, handle_drop_module)	/* x1 = hyp VA in a module whose init failed or never ran: all of it goes -> x1 */ \
	X(HC_INIT_MODULE,	 5, setup, handle_init_module)	/* x1 = hyp VA of init, x2 = HC_SECTIONS, x3..x4 = its hyp_event_ids -> x1 = its result */ \
	X(HC_REGISTER_HCALL,	 6, setup, handle_register_hcall)	/* x1 = hyp VA of handler -> x1 = id / -errno */ \
	X(HC_TEST_PANIC,	 7, setup, handle_test_panic)	/* x1 = HC_PING_MAGIC, x2 = HC_TEST_*: panic the hypervisor */ \
	X(HC_PROT_FINALIZE,	 8, once, handle_prot_finalize)	/* deprivilege the host (one way) */ \
	/* always available */						\
	X(HC_PING,		 9, always, handle_ping)	/* -> x1 = magic, x2 = cpu slot, x3 = MPIDR */ \
	X(HC_CPU_STATE,		10, always, handle_cpu_state)	/* -> x1 = HC_CPU_* flags */ \
	X(HC_HOST_DONATE_HYP,	11, always, handle_host_donate_hyp)	/* x1 = pfn, x2 = nr -> x1 = 0 / -errno */ \
	X(HC_HOST_RECLAIM,	12, always, handle_host_reclaim)	/* x1 = pfn, x2 = nr: take back donated pages */ \
	X(HC_HOST_SHARE_HYP,	13, always, handle_host_share_hyp)	/* x1 = pfn, x2 = nr */ \
	X(HC_HOST_UNSHARE_HYP,	14, always, handle_host_unshare_hyp)	/* x1 = pfn, x2 = nr */ \
	X(HC_PAGE_STATE,	15, always, handle_page_state)	/* x1 = pfn -> x1 = state / -errno */ \
	X(HC_STATE_COUNT,	16, always, handle_state_count)	/* x1 = enum page_state -> x1 = pages */ \
	X(HC_MEM_STATS,		17, always, handle_mem_stats)	/* -> x1 = pool free pages, x2 = table pages */ \
	X(HC_MARK_INSECURE,	18, setup, handle_mark_insecure)	/* a protected module failed to load */ \
	X(HC_VM_CREATE,		19, always, handle_vm_create)	/* x1 = pfn (the VM), x2 = pfn (its stage-2 root), x3 = PK_VM_* (vm.h) -> x1 = handle / -errno */ \
	X(HC_SECURITY_STATE,	20, always, handle_security_state)	/* -> x1 = 1 if protected VMs may run */ \
	X(HC_HOOK_INFO,		21, always, handle_hook_info)	/* x1 = HC_HOOK_* -> x1 = handler's hyp VA, 0: none */ \
	X(HC_HEAP_TOPUP,	22, always, handle_heap_topup)	/* x1 = pfn: a page for the EL2 heap, for good -> x1 = 0 / -errno */ \
	X(HC_HEAP_STATS,	23, always, handle_heap_stats)	/* -> x1 = heap pages, x2 = donated unused, x3 = bytes in use */ \
	X(HC_TRACE_EVENT,	24, always, handle_trace_event)	/* x1 = hyp event id, x2 = 1 on / 0 off -> x1 = 0 / -errno */ \
	/* virtual machines (vm.h): x1 = VM handle, x2 = vCPU index */	\
	X(HC_VM_TOPUP,		25, always, handle_vm_topup)	/* x2 = pfn for its stage-2 tables -> x1 */ \
	X(HC_VCPU_CREATE,	26, always, handle_vcpu_create)	/* x3 = pfn (the vCPU), x4 = pfn of its shared page -> x1 */ \
	X(HC_VCPU_RESET,	27, always, handle_vcpu_reset)	/* boot state from its page -> x1 */ \
	X(HC_VCPU_RUN,		28, always, handle_vcpu_run)	/* x3 = PK_RUN_* -> x1 = enum pk_exit / -errno */ \
	X(HC_VCPU_SYNC,		29, always, handle_vcpu_sync)	/* x3 = PK_SYNC_GET / _PUT -> x1 */ \
	X(HC_VCPU_MMIO,		30, always, handle_vcpu_mmio)	/* the fault is not memory: details in its page -> x1 */ \
	X(HC_GUEST_MAP,		31, always, handle_guest_map)	/* x2 = pfn, x3 = gfn -> x1 */ \
	X(HC_VM_TEARDOWN,	32, always, handle_vm_teardown)	/* -> x1 */ \
	X(HC_VM_RECLAIM,	33, always, handle_vm_reclaim)	/* x2 = budget -> x1 = guest pages left / -errno */ \
	X(HC_VM_DESTROY,	34, always, handle_vm_destroy)	/* -> x1 */ \
	X(HC_GUEST_ID_REG,	35, always, handle_guest_id_reg)	/* x1 = PK_SYSREG_ENC -> x1 = value, x2 = 0 / -errno */ \
	X(HC_VM_INFO,		36, always, handle_vm_info)	/* -> x1 = guest pages, x2 = memcache pages, x3 = free in it / -errno in x1 */ \
	/* DMA isolation (dma.h): both read the SMMU's event queue first */ \
	X(HC_DMA_STATE,		37, always, handle_dma_state)	/* -> x1 = enum pkvmkit_dma_state, x2 = faults seen, x3 = times events were lost */ \
	X(HC_DMA_FAULT,		38, always, handle_dma_fault)	/* x1 = n (0: newest) -> x1 = 0 / -ENOENT, x2 = id | DMA_FAULT_* << 8 | stream << 32, x3 = address */

#define PKVMKIT_HC_ENUM(name, n, when, handler)	name = n,

enum pkvmkit_hc {
	PKVMKIT_HC_LIST(PKVMKIT_HC_ENUM)
	HC_NR_STATIC,			/* one past the last static call */
};
#endif /* __ASSEMBLER__ */

#define HC_FIRST_DYNAMIC	128
#define HC_MAX_DYNAMIC		128

#define HC_PING_MAGIC		PK_UL(0x706b766d6b6974)	/* "pkvmkit" */

/* HC_TEST_PANIC x2: how (a data abort at EL2, a lock taken out of order) */
#define HC_TEST_DATA_ABORT	0
#define HC_TEST_LOCK_ORDER	1

/*
 * The vendor-module hooks, one slot each (HC_HOOK_INFO reports them):
 * X(name, what it is).
 */
#define PKVMKIT_HOOK_LIST(X)						\
	X(HC_HOOK_HOST_SMC,	"host SMC handler")			\
	X(HC_HOOK_DEFAULT_TRAP,	"default trap handler")			\
	X(HC_HOOK_PERM_FAULT,	"host permission-fault handler")	\
	X(HC_HOOK_ILLEGAL_ABT,	"illegal-abort notifier")		\
	X(HC_HOOK_PSCI,		"PSCI notifier")			\
	X(HC_HOOK_PANIC,	"hypervisor panic notifier")		\
	X(HC_HOOK_SERIAL,	"serial driver")			\
	X(HC_HOOK_UNMASK_SERROR, "SError unmask/mask pair")		\
	X(HC_HOOK_GUEST_SMC,	"guest SMC handler")			\
	X(HC_HOOK_GUEST_TRNG,	"guest TRNG ops")			\
	X(HC_HOOK_DEVICE_RESET,	"device reset callback")

#ifndef __ASSEMBLER__
#define PKVMKIT_HOOK_ENUM(name, what)	name,
enum pkvmkit_hook {
	PKVMKIT_HOOK_LIST(PKVMKIT_HOOK_ENUM)
	HC_NR_HOOKS
};
#endif

/*
 * HC_INIT_MODULE x2: where each EL2 section of the module lies, in pages
 * from its hyp VA, 16 bits each (HC_SECTION_NONE: no such section). For
 * a debugger only: scripts/pkvmkit-gdb.py reads it at the entry of the
 * hypervisor's hyp_init_module(), which ignores it.
 */
#define HC_SECTION_TEXT		0
#define HC_SECTION_RODATA	1
#define HC_SECTION_DATA		2
#define HC_SECTION_BSS		3
#define HC_NR_SECTIONS		4
#define HC_SECTION_NONE		PK_UL(0xffff)
#define HC_SECTIONS_PACK(sec, pages)	((u64)(pages) << ((sec) * 16))
#define HC_SECTIONS_PAGES(x2, sec)	(((x2) >> ((sec) * 16)) & 0xffff)

/* HC_CPU_STATE flags */
#define HC_CPU_INSTALLED	(PK_UL(1) << 0)
#define HC_CPU_STAGE2		(PK_UL(1) << 1)
#define HC_CPU_HOST_DEPRIV	(PK_UL(1) << 2)	/* global: host deprivileged */

/*
 * Install handshake with the hyp stub and our init vectors (not SMCCC):
 * hvc #0 with x0 = HVC_SET_VECTORS (Linux stub ABI), x1 = PA of the init
 * vectors; then hvc #0 with x0 = HYP_INIT_MAGIC, x1 = PA of the CPU's
 * struct hyp_cpu_boot. x0 = 0 on success.
 */
#define LINUX_HVC_SET_VECTORS	0
#define HYP_INIT_MAGIC		PK_UL(0x70696e6974)	/* "pinit" */

#endif /* PKVMKIT_HYPERCALL_H */
