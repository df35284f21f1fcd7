/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * pkvmkit: the pKVM vendor-module interface of Android's kernels, for a
 * stock kernel running the pkvmkit hypervisor.
 *
 * EL2 code (built with Makefile.module) gets struct pkvm_module_ops in its
 * init function; EL1 code loads it with pkvm_load_el2_module(), registers
 * EL2 handlers with pkvm_register_el2_mod_call() and calls them with
 * pkvm_el2_mod_call(). Source compatible with one ACK generation per
 * module, chosen at build time (PKVM_MODULE_API=android14-6.1, the
 * default, android15-6.6 or android16-6.12: see Makefile.module); the
 * ops table, the handler type and the call convention are that
 * generation's. pkvmkit's docs/vendor-modules.md gives each member's
 * semantics per generation and where they differ from ACK.
 */
#ifndef __ARM64_KVM_PKVM_MODULE_H__
#define __ARM64_KVM_PKVM_MODULE_H__

#include <linux/arm-smccc.h>
#include <linux/bug.h>
#include <linux/types.h>
#include <linux/version.h>
#include <asm/hyp_image.h>	/* kvm_nvhe_sym() */
#include <asm/kvm_pgtable.h>
#include "pkvmkit_module_ops.h"
#include "pkvmkit_kvm_pkvm.h"	/* __pkvm_topup_hyp_alloc() */

/*
 * is_protected_kvm_enabled(), as vendor modules test it ("if (!...)
 * return 0;"). The kernel's own reads its pKVM capability, which a stock
 * kernel running pkvmkit never has (kvm-arm.mode=none): it is renamed
 * away here, whether asm/virt.h comes now or came before, and the name
 * means "the pkvmkit hypervisor is installed" in whatever this module
 * compiles after this header. EL2 code runs only under it.
 */
#define is_protected_kvm_enabled __kernel_is_protected_kvm_enabled
#include <asm/virt.h>
#undef is_protected_kvm_enabled
#ifdef __KVM_NVHE_HYPERVISOR__
#define is_protected_kvm_enabled()	true
#else
bool __pkvmkit_protected_kvm_enabled(void);
#define is_protected_kvm_enabled()	__pkvmkit_protected_kvm_enabled()
#endif

/*
 * EL2 code: the host's registers as pKVM's own EL2 code reads them
 * (cpu_reg(), DECLARE_REG() on a struct kvm_cpu_context), from the
 * kernel's nvhe/trap_handler.h, on the include path Makefile.module sets,
 * so a module including that header too gets one definition.
 */
#ifdef __KVM_NVHE_HYPERVISOR__
#include <nvhe/trap_handler.h>
#endif

#ifndef PKVM_MODULE_API
#define PKVM_MODULE_API		PKVM_API_ANDROID14_6_1
#endif
#define __PKVM_API_IS(code, name)	|| (PKVM_MODULE_API) == (code)
_Static_assert(0 PKVM_API_GENERATIONS(__PKVM_API_IS),
	       "PKVM_MODULE_API: not a generation pkvmkit knows (PKVM_API_GENERATIONS)");
#undef __PKVM_API_IS

/* What this module's EL2 image and its loader record (pkvm_el2_module.api) */
#ifdef CONFIG_LIST_HARDENED
#define PKVM_MODULE_API_LAYOUT	(PKVM_MODULE_API | PKVM_API_LIST_HARDENED)
#else
#define PKVM_MODULE_API_LAYOUT	PKVM_MODULE_API
#endif

#ifndef __KVM_NVHE_HYPERVISOR__
/*
 * The physical range [*@start, *@end) of the kernel's text (_stext to
 * _etext), for an EL2 module that protects it (ACK's pkvm-text-prot:
 * the EL1 side fills the EL2 code's bounds before loading it). Both 0,
 * with a warning, if the kernel's symbols cannot be looked up.
 */
void kvm_get_kernel_pa(phys_addr_t *start, phys_addr_t *end);
#endif

struct kvm_cpu_context;
struct user_pt_regs;
/*
 * A VM's handle in the guest-facing members, as ACK types it. Later
 * kernels declare it in asm/kvm_host.h (6.12 does, and its
 * asm/kvm_pgtable.h pulls that in); 6.1 does not. Only those two kernels
 * are supported: the version test between them is not pinned closer.
 */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 2, 0)
typedef unsigned int pkvm_handle_t;
#endif

#ifndef KVM_HOST_SMCCC_ID
#define KVM_HOST_SMCCC_ID(id)						\
	ARM_SMCCC_CALL_VAL(ARM_SMCCC_FAST_CALL, ARM_SMCCC_SMC_64,	\
			   ARM_SMCCC_OWNER_VENDOR_HYP, (id))
#endif

enum pkvm_psci_notification {
	PKVM_PSCI_CPU_SUSPEND,
	PKVM_PSCI_SYSTEM_SUSPEND,
	PKVM_PSCI_CPU_ENTRY,
};

#if PKVM_MODULE_API == PKVM_API_ANDROID14_6_1
/* x0 is SMCCC_RET_SUCCESS when the handler runs; it writes x1..x3 */
typedef void (*dyn_hcall_t)(struct kvm_cpu_context *);
#else
/* x0 still holds the function id: the handler sets it (and x1..x3) */
typedef void (*dyn_hcall_t)(struct user_pt_regs *);
#endif

#if PKVM_MODULE_API == PKVM_API_ANDROID16_6_12
#include <linux/uuid.h>

struct pkvm_module_trng_ops {
	const uuid_t *trng_uuid;
	/* @bits of entropy: the words go in x3, x2, x1 */
	int (*trng_rnd64)(u64 *entropy, int bits);
	u64 android_kabi_reserved1;
	u64 android_kabi_reserved2;
};
#endif

/*
 * The members come from asm/pkvmkit_module_ops.h, the list the hypervisor
 * builds its table from: one OP(ret, name, args) per member, in order.
 */
#define pkvm_op_phys_t	phys_addr_t
#define pkvm_op_prot_t	enum kvm_pgtable_prot
#define pkvm_op_ctxt_t	struct kvm_cpu_context
#define pkvm_op_pte_t	kvm_pte_t
#define pkvm_op_psci_t	enum pkvm_psci_notification
#define pkvm_op_regs_t	struct user_pt_regs
#define pkvm_op_handle_t	pkvm_handle_t
#define __PKVM_OP_MEMBER(ret, name, args)	ret (*name) args;
#define __PKVM_OPV_MEMBER(ret, name, args, impl) ret (*name) args;
#ifdef CONFIG_LIST_HARDENED
#define __PKVM_OPL_MEMBER(ret, name, args, impl) ret (*name) args;
#else
#define __PKVM_OPL_MEMBER(ret, name, args, impl)
#endif

struct pkvm_module_ops {
#if PKVM_MODULE_API == PKVM_API_ANDROID14_6_1
	PKVM_MODULE_OPS_ANDROID14_6_1(__PKVM_OP_MEMBER)
	u64 android_kabi_reserved[PKVM_MODULE_OPS_ANDROID14_6_1_RESERVED];
#elif PKVM_MODULE_API == PKVM_API_ANDROID15_6_6
	PKVM_MODULE_OPS_ANDROID15_6_6(__PKVM_OP_MEMBER, __PKVM_OPV_MEMBER,
				      __PKVM_OPL_MEMBER)
	u64 android_kabi_reserved[PKVM_MODULE_OPS_ANDROID15_6_6_RESERVED];
#else
	PKVM_MODULE_OPS_ANDROID16_6_12(__PKVM_OP_MEMBER, __PKVM_OPV_MEMBER,
				       __PKVM_OPL_MEMBER)
	u64 android_kabi_reserved[PKVM_MODULE_OPS_ANDROID16_6_12_RESERVED];
#endif
};

#undef __PKVM_OPL_MEMBER
#undef __PKVM_OPV_MEMBER
#undef __PKVM_OP_MEMBER
#undef pkvm_op_handle_t
#undef pkvm_op_regs_t
#undef pkvm_op_psci_t
#undef pkvm_op_pte_t
#undef pkvm_op_ctxt_t
#undef pkvm_op_prot_t
#undef pkvm_op_phys_t

#if PKVM_MODULE_API == PKVM_API_ANDROID14_6_1
_Static_assert(sizeof(struct pkvm_module_ops) == PKVM_MODULE_OPS_SIZE,
	       "pkvm_module_ops: 33 members and 31 KABI slots, as android14-6.1");
#elif defined(CONFIG_LIST_HARDENED)
_Static_assert(sizeof(struct pkvm_module_ops) ==
	       8 * (PKVM_MODULE_API == PKVM_API_ANDROID15_6_6 ? 54 : 61) + 8 * 32,
	       "pkvm_module_ops: ACK's named members and 32 KABI slots");
#else
_Static_assert(sizeof(struct pkvm_module_ops) ==
	       8 * (PKVM_MODULE_API == PKVM_API_ANDROID15_6_6 ? 52 : 59) + 8 * 32,
	       "pkvm_module_ops: ACK's named members and 32 KABI slots");
#endif

#ifdef MODULE
/*
 * Where the module's EL2 code is: the partial link (pkvmkit-module.lds)
 * defines these around each section, the build prefixes them.
 */
typedef s32 kvm_nvhe_reloc_t;

struct pkvm_module_section {
	void *start;
	void *end;
};

/*
 * A call from this module's EL2 text to another EL2 module's function
 * (pkvmkit-gen-hyprel lists them in .hyp.import): the branch at @place
 * calls @target, the kernel address of that function's EL1 copy, named
 * @name. Both offsets are from the member that holds them.
 */
struct pkvm_el2_import {
	s32 place;
	s32 name;
	u64 target;
};

struct pkvm_el2_module {
	struct pkvm_module_section text;
	struct pkvm_module_section bss;
	struct pkvm_module_section rodata;
	struct pkvm_module_section data;
	kvm_nvhe_reloc_t *relocs;
	unsigned int nr_relocs;
	int (*init)(const struct pkvm_module_ops *ops);
	/* PKVM_MODULE_API_LAYOUT as the EL1 side was built */
	unsigned int api;
	/* ... and as the EL2 side was (pkvmkit-sections.S), to compare */
	const unsigned int *el2_api;
	/* the EL2 events' ids (in .hyp.data), and their host side */
	struct pkvm_module_section event_ids;
	struct hyp_event *const *hyp_events;
	/* its calls to other EL2 modules' functions */
	const struct pkvm_el2_import *imports;
	unsigned int nr_imports;
};

extern char __kvm_nvhe___hypmod_text_start[], __kvm_nvhe___hypmod_text_end[];
extern char __kvm_nvhe___hypmod_bss_start[], __kvm_nvhe___hypmod_bss_end[];
extern char __kvm_nvhe___hypmod_rodata_start[], __kvm_nvhe___hypmod_rodata_end[];
extern char __kvm_nvhe___hypmod_data_start[], __kvm_nvhe___hypmod_data_end[];
extern kvm_nvhe_reloc_t __kvm_nvhe___hyprel_start[], __kvm_nvhe___hyprel_end[];
extern const unsigned int __kvm_nvhe___hypmod_api;
extern char __kvm_nvhe___hyp_event_ids_start[], __kvm_nvhe___hyp_event_ids_end[];
extern const struct pkvm_el2_import __kvm_nvhe___hypimport_start[],
	__kvm_nvhe___hypimport_end[];

/*
 * The host side of the module's hyp events: asm/kvm_define_hypevents.h,
 * included before pkvm_load_el2_module() is called, defines the table.
 */
struct hyp_event;
#ifndef __pkvm_module_hyp_events
#define __pkvm_module_hyp_events	NULL
#endif

struct module;
int __pkvm_load_el2_module(const struct pkvm_el2_module *mod,
			   struct module *this, unsigned long *token);
int __pkvm_register_el2_call(unsigned long hfn_hyp_va);

#define __pkvm_this_el2_module(init_fn) ((struct pkvm_el2_module) {	\
	.text	= { __kvm_nvhe___hypmod_text_start,			\
		    __kvm_nvhe___hypmod_text_end },			\
	.bss	= { __kvm_nvhe___hypmod_bss_start,			\
		    __kvm_nvhe___hypmod_bss_end },			\
	.rodata	= { __kvm_nvhe___hypmod_rodata_start,			\
		    __kvm_nvhe___hypmod_rodata_end },			\
	.data	= { __kvm_nvhe___hypmod_data_start,			\
		    __kvm_nvhe___hypmod_data_end },			\
	.relocs	= __kvm_nvhe___hyprel_start,				\
	.nr_relocs = __kvm_nvhe___hyprel_end - __kvm_nvhe___hyprel_start, \
	.init	= (init_fn),						\
	.api	= PKVM_MODULE_API_LAYOUT,				\
	.el2_api = &__kvm_nvhe___hypmod_api,				\
	.event_ids = { __kvm_nvhe___hyp_event_ids_start,		\
		       __kvm_nvhe___hyp_event_ids_end },		\
	.hyp_events = __pkvm_module_hyp_events,				\
	.imports = __kvm_nvhe___hypimport_start,			\
	.nr_imports = __kvm_nvhe___hypimport_end -			\
		      __kvm_nvhe___hypimport_start,			\
})

/*
 * Load this module's EL2 code and run @init_fn (its __kvm_nvhe_ name) at
 * EL2. On success *@token (if @token is not NULL) holds the hypervisor
 * address of the lowest EL2 section. Only before the host is deprivileged.
 */
#define pkvm_load_el2_module(init_fn, token) ({				\
	struct pkvm_el2_module __pkvm_mod = __pkvm_this_el2_module(init_fn); \
	__pkvm_load_el2_module(&__pkvm_mod, THIS_MODULE, token);	\
})

/* The lowest non-empty EL2 section: what the token is the address of. */
static inline unsigned long __pkvm_el2_mod_base(void)
{
	const struct pkvm_el2_module m = __pkvm_this_el2_module(NULL);
	const struct pkvm_module_section *s[] = {
		&m.text, &m.bss, &m.rodata, &m.data,
	};
	unsigned long base = ~0UL;
	int i;

	for (i = 0; i < 4; i++)
		if (s[i]->start != s[i]->end &&
		    (unsigned long)s[i]->start < base)
			base = (unsigned long)s[i]->start;
	return base;
}

/* Hypervisor address of @kern_va, a kernel address in this module's EL2 code. */
#define pkvm_el2_mod_va(kern_va, token)					\
	((token) + ((unsigned long)(kern_va) - __pkvm_el2_mod_base()))

/* Register an EL2 handler; returns its call id (128 and up) or -errno. */
#define pkvm_register_el2_mod_call(hfn, token)				\
	__pkvm_register_el2_call(pkvm_el2_mod_va(hfn, token))

/* Call a registered EL2 handler with up to 7 arguments; yields its x1. */
#define pkvm_el2_mod_call(id, ...) ({					\
	struct arm_smccc_res __res;					\
	arm_smccc_1_1_hvc(KVM_HOST_SMCCC_ID(id), ##__VA_ARGS__, &__res); \
	WARN_ON(__res.a0 != SMCCC_RET_SUCCESS);				\
	__res.a1;							\
})

#if PKVM_MODULE_API != PKVM_API_ANDROID14_6_1
/* The same, yielding the whole answer, x0..x3 (android15-6.6 and later) */
#define pkvm_el2_mod_call_smccc(id, ...) ({				\
	struct arm_smccc_res __res;					\
	arm_smccc_1_1_hvc(KVM_HOST_SMCCC_ID(id), ##__VA_ARGS__, &__res); \
	__res;								\
})
#endif
#endif /* MODULE */

#endif /* __ARM64_KVM_PKVM_MODULE_H__ */
