// SPDX-License-Identifier: GPL-2.0-only
/*
 * The struct pkvm_module_ops a module's init gets: one table per
 * generation of ACK's interface and per layout (with or without the
 * CONFIG_LIST_HARDENED members), each built from the one member list
 * (sdk/.../asm/pkvmkit_module_ops.h) with the hyp_op_ bodies of every
 * concern.
 */
#include <hyp/module_ops.h>

#define HYP_OP_INIT(ret, name, args)		.name = hyp_op_##name,
#define HYP_OPV_INIT(ret, name, args, impl)	.name = impl,
#define HYP_OPL_SKIP(ret, name, args, impl)

static const struct pkvm_module_ops ops_601 = {
	PKVM_MODULE_OPS_ANDROID14_6_1(HYP_OP_INIT)
};

static const struct pkvm_module_ops_606 ops_606 = {
	PKVM_MODULE_OPS_ANDROID15_6_6(HYP_OP_INIT, HYP_OPV_INIT, HYP_OPL_SKIP)
};

static const struct pkvm_module_ops_606_lh ops_606_lh = {
	PKVM_MODULE_OPS_ANDROID15_6_6(HYP_OP_INIT, HYP_OPV_INIT, HYP_OPV_INIT)
};

static const struct pkvm_module_ops_612 ops_612 = {
	PKVM_MODULE_OPS_ANDROID16_6_12(HYP_OP_INIT, HYP_OPV_INIT, HYP_OPL_SKIP)
};

static const struct pkvm_module_ops_612_lh ops_612_lh = {
	PKVM_MODULE_OPS_ANDROID16_6_12(HYP_OP_INIT, HYP_OPV_INIT, HYP_OPV_INIT)
};

/* The table for @api (PKVM_API_*), or NULL for one this hypervisor lacks. */
const void *hyp_ops_table_of(u32 api)
{
	switch (api) {
	case PKVM_API_ANDROID14_6_1:
	case PKVM_API_ANDROID14_6_1 | PKVM_API_LIST_HARDENED:	/* same layout */
		return &ops_601;
	case PKVM_API_ANDROID15_6_6:
		return &ops_606;
	case PKVM_API_ANDROID15_6_6 | PKVM_API_LIST_HARDENED:
		return &ops_606_lh;
	case PKVM_API_ANDROID16_6_12:
		return &ops_612;
	case PKVM_API_ANDROID16_6_12 | PKVM_API_LIST_HARDENED:
		return &ops_612_lh;
	default:
		return NULL;
	}
}
