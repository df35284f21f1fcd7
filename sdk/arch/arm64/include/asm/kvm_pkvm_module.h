/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * pkvmkit: the pKVM vendor-module interface of Android's android14-6.1
 * kernels, for a stock kernel running the pkvmkit hypervisor.
 *
 * EL2 code (built with Makefile.module) gets struct pkvm_module_ops in its
 * init function; EL1 code loads it with pkvm_load_el2_module(), registers
 * EL2 handlers with pkvm_register_el2_mod_call() and calls them with
 * pkvm_el2_mod_call(). Source compatible with ACK android14-6.1; members of
 * pkvm_module_ops that pkvmkit does not implement yet return an error (or
 * NULL): see pkvmkit's docs/vendor-modules.md.
 */
#ifndef __ARM64_KVM_PKVM_MODULE_H__
#define __ARM64_KVM_PKVM_MODULE_H__

#include <linux/arm-smccc.h>
#include <linux/bug.h>
#include <linux/types.h>
#include <asm/kvm_pgtable.h>

struct kvm_cpu_context;

#ifndef ANDROID_KABI_RESERVE
#define ANDROID_KABI_RESERVE(n)		u64 android_kabi_reserved##n
#endif

/* The host's registers in a handler: x0..x30 first, as user_pt_regs. */
#ifndef cpu_reg
#define cpu_reg(ctxt, r)	(((struct user_pt_regs *)(ctxt))->regs[r])
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

typedef void (*dyn_hcall_t)(struct kvm_cpu_context *);

struct pkvm_module_ops {
	int (*create_private_mapping)(phys_addr_t phys, size_t size,
				      enum kvm_pgtable_prot prot,
				      unsigned long *haddr);
	void *(*alloc_module_va)(u64 nr_pages);
	int (*map_module_page)(u64 pfn, void *va, enum kvm_pgtable_prot prot,
			       bool is_protected);
	int (*register_serial_driver)(void (*hyp_putc_cb)(char));
	void (*puts)(const char *str);
	void (*putx64)(u64 num);
	void *(*fixmap_map)(phys_addr_t phys);
	void (*fixmap_unmap)(void);
	void *(*linear_map_early)(phys_addr_t phys, size_t size,
				  enum kvm_pgtable_prot prot);
	void (*linear_unmap_early)(void *addr, size_t size);
	void (*flush_dcache_to_poc)(void *addr, size_t size);
	void (*update_hcr_el2)(unsigned long set_mask, unsigned long clear_mask);
	void (*update_hfgwtr_el2)(unsigned long set_mask,
				  unsigned long clear_mask);
	int (*register_host_perm_fault_handler)(int (*cb)(struct kvm_cpu_context *ctxt,
							  u64 esr, u64 addr));
	int (*host_stage2_mod_prot)(u64 pfn, enum kvm_pgtable_prot prot);
	int (*host_stage2_get_leaf)(phys_addr_t phys, kvm_pte_t *ptep,
				    u32 *level);
	int (*register_host_smc_handler)(bool (*cb)(struct kvm_cpu_context *));
	int (*register_default_trap_handler)(bool (*cb)(struct kvm_cpu_context *));
	int (*register_illegal_abt_notifier)(void (*cb)(struct kvm_cpu_context *));
	int (*register_psci_notifier)(void (*cb)(enum pkvm_psci_notification,
						 struct kvm_cpu_context *));
	int (*register_hyp_panic_notifier)(void (*cb)(struct kvm_cpu_context *host_ctxt));
	int (*host_donate_hyp)(u64 pfn, u64 nr_pages);
	int (*hyp_donate_host)(u64 pfn, u64 nr_pages);
	int (*host_share_hyp)(u64 pfn);
	int (*host_unshare_hyp)(u64 pfn);
	int (*pin_shared_mem)(void *from, void *to);
	void (*unpin_shared_mem)(void *from, void *to);
	void *(*memcpy)(void *to, const void *from, size_t count);
	void *(*memset)(void *dst, int c, size_t count);
	phys_addr_t (*hyp_pa)(void *x);
	void *(*hyp_va)(phys_addr_t phys);
	unsigned long (*kern_hyp_va)(unsigned long x);
	/* ANDROID_KABI_USE(1, ...) */
	int (*host_stage2_mod_prot_range)(u64 pfn, enum kvm_pgtable_prot prot,
					  u64 nr_pages);
	ANDROID_KABI_RESERVE(2);
	ANDROID_KABI_RESERVE(3);
	ANDROID_KABI_RESERVE(4);
	ANDROID_KABI_RESERVE(5);
	ANDROID_KABI_RESERVE(6);
	ANDROID_KABI_RESERVE(7);
	ANDROID_KABI_RESERVE(8);
	ANDROID_KABI_RESERVE(9);
	ANDROID_KABI_RESERVE(10);
	ANDROID_KABI_RESERVE(11);
	ANDROID_KABI_RESERVE(12);
	ANDROID_KABI_RESERVE(13);
	ANDROID_KABI_RESERVE(14);
	ANDROID_KABI_RESERVE(15);
	ANDROID_KABI_RESERVE(16);
	ANDROID_KABI_RESERVE(17);
	ANDROID_KABI_RESERVE(18);
	ANDROID_KABI_RESERVE(19);
	ANDROID_KABI_RESERVE(20);
	ANDROID_KABI_RESERVE(21);
	ANDROID_KABI_RESERVE(22);
	ANDROID_KABI_RESERVE(23);
	ANDROID_KABI_RESERVE(24);
	ANDROID_KABI_RESERVE(25);
	ANDROID_KABI_RESERVE(26);
	ANDROID_KABI_RESERVE(27);
	ANDROID_KABI_RESERVE(28);
	ANDROID_KABI_RESERVE(29);
	ANDROID_KABI_RESERVE(30);
	ANDROID_KABI_RESERVE(31);
	ANDROID_KABI_RESERVE(32);
};

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

struct pkvm_el2_module {
	struct pkvm_module_section text;
	struct pkvm_module_section bss;
	struct pkvm_module_section rodata;
	struct pkvm_module_section data;
	kvm_nvhe_reloc_t *relocs;
	unsigned int nr_relocs;
	int (*init)(const struct pkvm_module_ops *ops);
};

extern char __kvm_nvhe___hypmod_text_start[], __kvm_nvhe___hypmod_text_end[];
extern char __kvm_nvhe___hypmod_bss_start[], __kvm_nvhe___hypmod_bss_end[];
extern char __kvm_nvhe___hypmod_rodata_start[], __kvm_nvhe___hypmod_rodata_end[];
extern char __kvm_nvhe___hypmod_data_start[], __kvm_nvhe___hypmod_data_end[];
extern kvm_nvhe_reloc_t __kvm_nvhe___hyprel_start[], __kvm_nvhe___hyprel_end[];

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
#endif /* MODULE */

#endif /* __ARM64_KVM_PKVM_MODULE_H__ */
