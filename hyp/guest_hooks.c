// SPDX-License-Identifier: GPL-2.0-only
/*
 * The guest-facing members of pkvm_module_ops: handlers for guests' SMCs
 * (called by guest_hvc.c), the TRNG a guest sees (guest_hvc.c), device
 * reset callbacks, and the translation of a guest address. They register
 * and are checked as every hook is (from a module's init, a function of
 * its text, withdrawn if the init fails). Device reset callbacks are
 * kept but never called: pkvmkit assigns no device to a guest.
 */
#include <hyp/guest.h>
#include <hyp/hooks.h>
#include <hyp/module.h>
#include <hyp/module_ops.h>

/* Guest SMC handlers: up to 16, in registration order. */
static struct hyp_hook_chain guest_smc_hooks;
/* android15-6.6's take the VM they are for (0 in ACK: any) */
static u32 guest_smc_handles[HYP_MAX_CHAINED_HOOKS];

int hyp_op_add_guest_smc_handler_66(bool (*cb)(struct arm_smccc_1_2_regs *,
					       struct arm_smccc_res *, u32),
				    u32 handle)
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
						u32))
{
	return hyp_module_add_hook(HC_HOOK_GUEST_SMC, &guest_smc_hooks, cb, false);
}

/*
 * The handlers for VM @handle (an android15-6.6 handler registered for
 * one VM, 0: every VM), in order, until one takes the call. Each gets
 * its own copy of the arguments; @res starts as they are, so the
 * registers a handler leaves alone come back unchanged.
 */
bool hyp_run_guest_smc_hooks(const struct guest_smccc_regs *args,
			     struct guest_smccc_regs *res, u32 handle)
{
	bool (*hook)(struct guest_smccc_regs *a, struct guest_smccc_regs *r,
		     u32 h);
	struct guest_smccc_regs a;

	hyp_for_each_hook(&guest_smc_hooks, i, hook) {
		if (guest_smc_handles[i] && guest_smc_handles[i] != handle)
			continue;
		a = *args;
		*res = *args;
		if (hook(&a, res, handle))
			return true;
	}
	return false;
}

/* Where VM @handle's page at @ipa is (android15-6.6); -EINVAL if none. */
int hyp_op_guest_stage2_pa(u32 handle, u64 ipa, u64 *phys)
{
	if (!phys)
		return -EINVAL;
	return hyp_guest_stage2_pa(handle, ipa, phys);
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

const struct pkvm_module_trng_ops *hyp_guest_trng_ops(void)
{
	/* the ops count only while their rnd64 hook stands (not withdrawn) */
	return hyp_hook_get(guest_trng_rnd64) ? guest_trng_ops : NULL;
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
