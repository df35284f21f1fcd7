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
#ifndef SMCCC_RET_SUCCESS		/* also in <linux/arm-smccc.h> */
#define SMCCC_RET_SUCCESS		0
#define SMCCC_RET_NOT_SUPPORTED		(-1L)
#endif

enum pkvmkit_hc {
	/* set-up calls: only before deprivilege */
	HC_SETUP_PING = 1,		/* -> x1 = HC_PING_MAGIC */
	HC_ALLOC_MODULE_VA,		/* x1 = pages -> x1 = hyp VA or 0 */
	HC_MAP_MODULE_PAGE,		/* x1 = pfn, x2 = hyp VA, x3 = prot -> x1 */
	HC_UNMAP_MODULE_PAGE,		/* x1 = pfn, x2 = hyp VA -> x1 */
	HC_INIT_MODULE,			/* x1 = hyp VA of init -> x1 = its result */
	HC_REGISTER_HCALL,		/* x1 = hyp VA of handler -> x1 = id / -errno */
	HC_TEST_PANIC,			/* x1 = HC_PING_MAGIC: panic the hypervisor */
	HC_PROT_FINALIZE,		/* deprivilege the host (one way) */
	/* always available */
	HC_PING,			/* -> x1 = HC_PING_MAGIC, x2 = hyp cpu slot, x3 = MPIDR */
	HC_CPU_STATE,			/* -> x1 = HC_CPU_* flags */
	HC_HOST_DONATE_HYP,		/* x1 = pfn, x2 = nr -> x1 = 0 / -errno */
	HC_HOST_RECLAIM,		/* x1 = pfn, x2 = nr: take back donated pages */
	HC_HOST_SHARE_HYP,		/* x1 = pfn, x2 = nr */
	HC_HOST_UNSHARE_HYP,		/* x1 = pfn, x2 = nr */
	HC_PAGE_STATE,			/* x1 = pfn -> x1 = state / -errno */
	HC_STATE_COUNT,			/* x1 = enum page_state -> x1 = pages */
	HC_MEM_STATS,			/* -> x1 = pool free pages, x2 = table pages */
	HC_MARK_INSECURE,		/* set-up: a protected module failed to load */
	HC_PVM_CREATE,			/* x1 = pfn of a page to donate -> x1 = handle / -errno */
	HC_SECURITY_STATE,		/* -> x1 = 1 if protected VMs may run */
	HC_NR_STATIC,
};
#endif /* __ASSEMBLER__ */

#define HC_FIRST_DYNAMIC	128
#define HC_MAX_DYNAMIC		128

#define HC_PING_MAGIC		PK_UL(0x706b766d6b6974)	/* "pkvmkit" */

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
