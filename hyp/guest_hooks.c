// SPDX-License-Identifier: GPL-2.0-only
/*
 * The guest-facing members of pkvm_module_ops: handlers for protected
 * guests' SMCs, the TRNG a guest sees, device reset callbacks, and the
 * translation of a guest address. pkvmkit runs no protected VM yet, so
 * these register and are checked as every hook is (from a module's init,
 * a function of its text, withdrawn if the init fails) and are called by
 * nothing until protected VMs run; guest_stage2_pa finds no guest.
 */
#include <hyp/hooks.h>
#include <hyp/module.h>
#include <hyp/module_ops.h>

/* Guest SMC handlers: up to 16, in registration order. */
static struct hyp_hook_chain guest_smc_hooks;
/* android15-6.6's take the VM they are for (0 in ACK: any) */
static u16 guest_smc_handles[HYP_MAX_CHAINED_HOOKS];

int hyp_op_add_guest_smc_handler_66(bool (*cb)(struct arm_smccc_1_2_regs *,
					       struct arm_smccc_res *, u16),
				    u16 handle)
{
	u32 place = __atomic_load_n(&guest_smc_hooks.nr, __ATOMIC_ACQUIRE);
	int ret;

	ret = hyp_module_add_hook(HC_HOOK_GUEST_SMC, &guest_smc_hooks, cb, false);
	if (!ret && place < HYP_MAX_CHAINED_HOOKS)
		guest_smc_handles[place] = handle;	/* module inits run one at a time */
	return ret;
}

int hyp_op_add_guest_smc_handler_612(bool (*cb)(struct arm_smccc_1_2_regs *,
						struct arm_smccc_1_2_regs *,
						u16))
{
	return hyp_module_add_hook(HC_HOOK_GUEST_SMC, &guest_smc_hooks, cb, false);
}

/* No protected VM has @handle: nothing is mapped at any IPA. */
int hyp_op_guest_stage2_pa(u16 handle, u64 ipa, u64 *phys)
{
	(void)handle;
	(void)ipa;
	(void)phys;
	return -EINVAL;
}

/*
 * android16-6.12: the TRNG protected guests get, once (-EBUSY after);
 * the ops must be the module's own and have both members. The hook slot
 * is rnd64: a failed init withdraws it, and whoever calls it checks it
 * first, as every hook.
 */
static int (*guest_trng_rnd64)(u64 *entropy, int bits);
static const struct pkvm_module_trng_ops *guest_trng_ops;

int hyp_op_register_guest_trng_ops(const struct pkvm_module_trng_ops *ops)
{
	int ret;

	if (!ops || !hyp_module_owns((u64)ops, sizeof(*ops)) ||
	    !ops->trng_uuid || !ops->trng_rnd64)
		return -EINVAL;
	ret = hyp_module_set_hook(HC_HOOK_GUEST_TRNG, (void **)&guest_trng_rnd64,
				  ops->trng_rnd64);
	if (!ret)
		guest_trng_ops = ops;
	return ret;
}

/* android16-6.12: one reset callback per device MMIO base. */
#define MAX_DEVICE_RESETS	HYP_MAX_CHAINED_HOOKS

struct device_reset {	/* beside the callback in device_reset_hooks */
	u64 phys;
	void *cookie;
};

static struct device_reset device_resets[MAX_DEVICE_RESETS];
static struct hyp_hook_chain device_reset_hooks;

int hyp_op_device_register_reset(u64 phys, void *cookie,
				 int (*cb)(void *cookie, bool host_to_guest))
{
	u32 i, place = __atomic_load_n(&device_reset_hooks.nr, __ATOMIC_ACQUIRE);
	int ret;

	if (phys & (PKVMKIT_PAGE_SIZE - 1))
		return -EINVAL;
	for (i = 0; i < place; i++)
		if (device_reset_hooks.fn[i] && device_resets[i].phys == phys)
			return -EBUSY;
	ret = hyp_module_add_hook(HC_HOOK_DEVICE_RESET, &device_reset_hooks, cb,
				  false);
	if (!ret) {
		device_resets[place].phys = phys;
		device_resets[place].cookie = cookie;
	}
	return ret;
}
