// SPDX-License-Identifier: GPL-2.0-only
/*
 * guest_services, EL2 half: an android16-6.12 vendor module offering
 * protected guests two services, the way a vendor's would:
 *  - a guest SMC handler for one SiP call, GS_SMC_ADD: x0 = SUCCESS,
 *    x1 = x1 + x2, x2 = the VM's handle, x3 = GS_MAGIC; every other call
 *    is left to the hypervisor (the handler returns false);
 *  - the SMCCC TRNG a guest sees: its UUID, and rnd64 from an xorshift
 *    generator the EL1 half seeds (a test's stand-in for real entropy).
 * Each counts its calls; a module call reads the counts back.
 */
#include <asm/kvm_pkvm_module.h>
#include <linux/arm-smccc.h>

#define GS_SMC_ADD	0xc2000f00	/* SiP, 64-bit, a number nothing else uses */
#define GS_MAGIC	0x6775657374	/* "guest" */

u64 seed;			/* set by EL1 before loading */
static u64 nr_smc, nr_rnd;

static bool gs_smc(struct arm_smccc_1_2_regs *regs,
		   struct arm_smccc_1_2_regs *res, pkvm_handle_t handle)
{
	if (regs->a0 != GS_SMC_ADD)
		return false;
	res->a0 = SMCCC_RET_SUCCESS;
	res->a1 = regs->a1 + regs->a2;
	res->a2 = handle;
	res->a3 = GS_MAGIC;
	nr_smc++;
	return true;
}

/* 8a6c4b1e-0f3c-4d5e-9b2a-67c1d0e4f8a3 */
static const uuid_t gs_uuid = UUID_INIT(0x8a6c4b1e, 0x0f3c, 0x4d5e, 0x9b, 0x2a,
					0x67, 0xc1, 0xd0, 0xe4, 0xf8, 0xa3);

static u64 next(void)
{
	seed ^= seed << 13;
	seed ^= seed >> 7;
	seed ^= seed << 17;
	return seed;
}

/* @bits of entropy in entropy[0..2], the low ones first */
static int gs_rnd64(u64 *entropy, int bits)
{
	int i;

	for (i = 0; i < 3; i++)
		entropy[i] = i * 64 < bits ? next() : 0;
	if (bits % 64)
		entropy[bits / 64] &= (1ULL << (bits % 64)) - 1;
	nr_rnd++;
	return 0;
}

static const struct pkvm_module_trng_ops gs_trng = {
	.trng_uuid = &gs_uuid,
	.trng_rnd64 = gs_rnd64,
};

/* The module call: x1 = 0 -> SMC calls answered, 1 -> rnd64 calls */
void guest_services_counts(struct user_pt_regs *regs)
{
	regs->regs[1] = regs->regs[1] ? nr_rnd : nr_smc;
}

int guest_services_init(const struct pkvm_module_ops *ops)
{
	int ret = ops->register_guest_smc_handler(gs_smc);

	return ret ?: ops->register_guest_trng_ops(&gs_trng);
}
