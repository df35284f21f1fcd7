// SPDX-License-Identifier: GPL-2.0-only
/*
 * smc_filter, EL2 half: which SMCs the host may send its firmware.
 *
 * The hypervisor gives this module every host SMC its PSCI relay does not
 * handle. An id on the allow-list goes on to the firmware (return false);
 * anything else is answered NOT_SUPPORTED here (return true) and never
 * reaches EL3, unless `permissive` (written by the EL1 half before
 * loading) asks to log it and let it through. One hypercall returns the
 * counters.
 */
#include <linux/arm-smccc.h>
#include <asm/kvm_pkvm_module.h>

/*
 * The allow-list, as a switch: the compiler turns it into a few compares,
 * which keeps the filter's cost per SMC small (make bench prints it).
 */
static bool smc_allowed(u32 fn)
{
	switch (fn) {
	case 0x80000000:	/* SMCCC_VERSION */
	case 0x80000001:	/* SMCCC_ARCH_FEATURES */
	case 0x80000002:	/* SMCCC_ARCH_SOC_ID */
	case 0x80003fff:	/* SMCCC_ARCH_WORKAROUND_3 */
	case 0x80007fff:	/* SMCCC_ARCH_WORKAROUND_2 */
	case 0x80008000:	/* SMCCC_ARCH_WORKAROUND_1 */
	case 0x84000050:	/* TRNG_VERSION */
	case 0x84000051:	/* TRNG_FEATURES */
	case 0x84000052:	/* TRNG_GET_UUID */
	case 0x84000053:	/* TRNG_RND32 */
	case 0xc4000053:	/* TRNG_RND64 */
		return true;
	default:
		return false;
	}
}

bool permissive;		/* set by EL1 before loading */
static const struct pkvm_module_ops *ops;
static u64 nr_denied, nr_passed, nr_logged;

/* Out of line: keeps the common path free of a stack frame. */
static noinline bool log_let_through(u32 fn)
{
	__atomic_fetch_add(&nr_logged, 1, __ATOMIC_RELAXED);
	ops->puts("smc_filter: permissive, would deny");
	ops->putx64(fn);
	return false;
}

static bool filter_host_smc(struct kvm_cpu_context *ctxt)
{
	u32 fn = cpu_reg(ctxt, 0);

	if (smc_allowed(fn)) {
		__atomic_fetch_add(&nr_passed, 1, __ATOMIC_RELAXED);
		return false;
	}
	if (permissive)
		return log_let_through(fn);
	__atomic_fetch_add(&nr_denied, 1, __ATOMIC_RELAXED);
	cpu_reg(ctxt, 0) = SMCCC_RET_NOT_SUPPORTED;
	return true;
}

/* -> x1 = denied, x2 = passed to the firmware, x3 = let through by permissive */
void smc_filter_counters(struct kvm_cpu_context *ctxt)
{
	cpu_reg(ctxt, 1) = __atomic_load_n(&nr_denied, __ATOMIC_RELAXED);
	cpu_reg(ctxt, 2) = __atomic_load_n(&nr_passed, __ATOMIC_RELAXED);
	cpu_reg(ctxt, 3) = __atomic_load_n(&nr_logged, __ATOMIC_RELAXED);
}

int smc_filter_init(const struct pkvm_module_ops *module_ops)
{
	ops = module_ops;
	return ops->register_host_smc_handler(filter_host_smc);
}
