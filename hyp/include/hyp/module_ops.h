/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The hypervisor's struct pkvm_module_ops, built from the one member list
 * the SDK header also uses (sdk/.../asm/pkvmkit_module_ops.h), with the
 * hypervisor's spelling of the kernel types. Each member is implemented
 * by hyp_op_<name>, declared here from the same list and defined with the
 * code of its concern (the SMC hook beside the host SMC path, the stage-2
 * members with the host stage-2, ...); module.c builds the table. Adding
 * a member is an OP() line in the list and its hyp_op_ function.
 */
#ifndef HYP_MODULE_OPS_H
#define HYP_MODULE_OPS_H

#include <hyp/cpu.h>
#include <asm/pkvmkit_module_ops.h>

/* enum kvm_pgtable_prot bits (asm/kvm_pgtable.h, 6.1) */
#define KVM_PGTABLE_PROT_X		BIT(0)
#define KVM_PGTABLE_PROT_W		BIT(1)
#define KVM_PGTABLE_PROT_R		BIT(2)
#define KVM_PGTABLE_PROT_DEVICE		BIT(3)
#define KVM_PGTABLE_PROT_RWX		(KVM_PGTABLE_PROT_R | KVM_PGTABLE_PROT_W | \
					 KVM_PGTABLE_PROT_X)

/* enum pkvm_psci_notification */
#define PKVM_PSCI_CPU_SUSPEND		0
#define PKVM_PSCI_SYSTEM_SUSPEND	1
#define PKVM_PSCI_CPU_ENTRY		2

#define pkvm_op_phys_t	u64
#define pkvm_op_prot_t	u32
#define pkvm_op_ctxt_t	struct host_ctxt
#define pkvm_op_pte_t	u64
#define pkvm_op_psci_t	int

#define pkvm_op_regs_t	struct host_ctxt
#define pkvm_op_handle_t	u32

#define HYP_OP_MEMBER(ret, name, args)	ret (*name) args;
#define HYP_OPV_MEMBER(ret, name, args, impl)	ret (*name) args;
#define HYP_OPL_NONE(ret, name, args, impl)
#define HYP_OP_DECLARE(ret, name, args)	ret hyp_op_##name args;
#define HYP_OPV_DECLARE(ret, name, args, impl)	ret impl args;
#define HYP_OP_INDEX(ret, name, args)	HYP_OP_IDX_##name,

struct pkvm_module_ops {
	PKVM_MODULE_OPS_ANDROID14_6_1(HYP_OP_MEMBER)
	u64 android_kabi_reserved[PKVM_MODULE_OPS_ANDROID14_6_1_RESERVED];
};

PKVM_MODULE_OPS_ANDROID14_6_1(HYP_OP_DECLARE)

/* Every member at 8 * its position in the list, as the SDK's struct. */
enum hyp_op_index {
	PKVM_MODULE_OPS_ANDROID14_6_1(HYP_OP_INDEX)
	HYP_OP_NR
};

_Static_assert(sizeof(struct pkvm_module_ops) == PKVM_MODULE_OPS_SIZE,
	       "pkvm_module_ops: 33 members + 31 KABI slots");
_Static_assert(HYP_OP_NR + PKVM_MODULE_OPS_ANDROID14_6_1_RESERVED == 64,
	       "pkvm_module_ops: 64 slots of 8 bytes");

/*
 * The later generations' tables, each in the layout without and with the
 * list-hardening members: which one a module gets is what its EL2 image
 * records (PKVM_API_*), whatever the kernel the hypervisor runs under.
 */
struct pkvm_module_ops_606 {
	PKVM_MODULE_OPS_ANDROID15_6_6(HYP_OP_MEMBER, HYP_OPV_MEMBER, HYP_OPL_NONE)
	u64 android_kabi_reserved[PKVM_MODULE_OPS_ANDROID15_6_6_RESERVED];
};

struct pkvm_module_ops_606_lh {
	PKVM_MODULE_OPS_ANDROID15_6_6(HYP_OP_MEMBER, HYP_OPV_MEMBER, HYP_OPV_MEMBER)
	u64 android_kabi_reserved[PKVM_MODULE_OPS_ANDROID15_6_6_RESERVED];
};

struct pkvm_module_ops_612 {
	PKVM_MODULE_OPS_ANDROID16_6_12(HYP_OP_MEMBER, HYP_OPV_MEMBER, HYP_OPL_NONE)
	u64 android_kabi_reserved[PKVM_MODULE_OPS_ANDROID16_6_12_RESERVED];
};

struct pkvm_module_ops_612_lh {
	PKVM_MODULE_OPS_ANDROID16_6_12(HYP_OP_MEMBER, HYP_OPV_MEMBER, HYP_OPV_MEMBER)
	u64 android_kabi_reserved[PKVM_MODULE_OPS_ANDROID16_6_12_RESERVED];
};

_Static_assert(sizeof(struct pkvm_module_ops_606) == 8 * (52 + 32) &&
	       sizeof(struct pkvm_module_ops_606_lh) == 8 * (54 + 32),
	       "android15-6.6: 52 (54) named members and 32 KABI slots");
_Static_assert(sizeof(struct pkvm_module_ops_612) == 8 * (59 + 32) &&
	       sizeof(struct pkvm_module_ops_612_lh) == 8 * (61 + 32),
	       "android16-6.12: 59 (61) named members and 32 KABI slots");

/*
 * Every implementation, declared once from the lists (a member in two
 * generations with one signature is one function; a signature that
 * differs is a different impl, named in the list).
 */
PKVM_MODULE_OPS_ANDROID15_6_6(HYP_OP_DECLARE, HYP_OPV_DECLARE, HYP_OPV_DECLARE)
PKVM_MODULE_OPS_ANDROID16_6_12(HYP_OP_DECLARE, HYP_OPV_DECLARE, HYP_OPV_DECLARE)

/* android16-6.12's struct pkvm_module_trng_ops, as the module passes it */
struct pkvm_module_trng_ops {
	const void *trng_uuid;
	int (*trng_rnd64)(u64 *entropy, int bits);
	u64 android_kabi_reserved[2];
};

/* The table for generation and layout @api (PKVM_API_*), or NULL. */
const void *hyp_ops_table_of(u32 api);

/* Hook types, as the list gives them */
typedef bool (*hyp_bool_hook_t)(struct host_ctxt *ctxt);
typedef void (*hyp_void_hook_t)(struct host_ctxt *ctxt);
typedef int (*hyp_perm_fault_hook_t)(struct host_ctxt *ctxt, u64 esr, u64 addr);
typedef void (*hyp_psci_hook_t)(int event, struct host_ctxt *ctxt);

#endif /* HYP_MODULE_OPS_H */
