/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * pkvmkit: the members of struct pkvm_module_ops, written once.
 *
 * Both sides build their struct from this list: the SDK's
 * asm/kvm_pkvm_module.h with the kernel's types, the hypervisor's
 * hyp/module_ops.h with its own (and its table of implementations, one
 * hyp_op_<name> per member). One OP(ret, name, args) per member, in ABI
 * order. Types that the two sides spell differently are written as:
 *
 *   pkvm_op_phys_t  phys_addr_t                / u64
 *   pkvm_op_prot_t  enum kvm_pgtable_prot      / u32
 *   pkvm_op_ctxt_t  struct kvm_cpu_context     / struct host_ctxt
 *   pkvm_op_pte_t   kvm_pte_t                  / u64
 *   pkvm_op_psci_t  enum pkvm_psci_notification / int
 *
 * which the includer defines before, and undefines after, expanding it.
 */
#ifndef __ASM_PKVMKIT_MODULE_OPS_H__
#define __ASM_PKVMKIT_MODULE_OPS_H__

/*
 * android14-6.1 (and android14-5.15): 32 members, then ANDROID_KABI_USE(1)
 * host_stage2_mod_prot_range, then ANDROID_KABI_RESERVE(2) .. (32).
 */
#define PKVM_MODULE_OPS_ANDROID14_6_1(OP)				\
	OP(int, create_private_mapping, (pkvm_op_phys_t phys, size_t size,	\
		pkvm_op_prot_t prot, unsigned long *haddr))		\
	OP(void *, alloc_module_va, (u64 nr_pages))			\
	OP(int, map_module_page, (u64 pfn, void *va, pkvm_op_prot_t prot,	\
		bool is_protected))					\
	OP(int, register_serial_driver, (void (*hyp_putc_cb)(char)))	\
	OP(void, puts, (const char *str))				\
	OP(void, putx64, (u64 num))					\
	OP(void *, fixmap_map, (pkvm_op_phys_t phys))			\
	OP(void, fixmap_unmap, (void))					\
	OP(void *, linear_map_early, (pkvm_op_phys_t phys, size_t size,	\
		pkvm_op_prot_t prot))					\
	OP(void, linear_unmap_early, (void *addr, size_t size))	\
	OP(void, flush_dcache_to_poc, (void *addr, size_t size))	\
	OP(void, update_hcr_el2, (unsigned long set_mask,		\
		unsigned long clear_mask))				\
	OP(void, update_hfgwtr_el2, (unsigned long set_mask,		\
		unsigned long clear_mask))				\
	OP(int, register_host_perm_fault_handler,			\
		(int (*cb)(pkvm_op_ctxt_t *ctxt, u64 esr, u64 addr)))	\
	OP(int, host_stage2_mod_prot, (u64 pfn, pkvm_op_prot_t prot))	\
	OP(int, host_stage2_get_leaf, (pkvm_op_phys_t phys,		\
		pkvm_op_pte_t *ptep, u32 *level))			\
	OP(int, register_host_smc_handler, (bool (*cb)(pkvm_op_ctxt_t *)))	\
	OP(int, register_default_trap_handler,				\
		(bool (*cb)(pkvm_op_ctxt_t *)))				\
	OP(int, register_illegal_abt_notifier,				\
		(void (*cb)(pkvm_op_ctxt_t *)))				\
	OP(int, register_psci_notifier,					\
		(void (*cb)(pkvm_op_psci_t, pkvm_op_ctxt_t *)))		\
	OP(int, register_hyp_panic_notifier,				\
		(void (*cb)(pkvm_op_ctxt_t *host_ctxt)))		\
	OP(int, host_donate_hyp, (u64 pfn, u64 nr_pages))		\
	OP(int, hyp_donate_host, (u64 pfn, u64 nr_pages))		\
	OP(int, host_share_hyp, (u64 pfn))				\
	OP(int, host_unshare_hyp, (u64 pfn))				\
	OP(int, pin_shared_mem, (void *from, void *to))		\
	OP(void, unpin_shared_mem, (void *from, void *to))		\
	OP(void *, memcpy, (void *to, const void *from, size_t count))	\
	OP(void *, memset, (void *dst, int c, size_t count))		\
	OP(pkvm_op_phys_t, hyp_pa, (void *x))				\
	OP(void *, hyp_va, (pkvm_op_phys_t phys))			\
	OP(unsigned long, kern_hyp_va, (unsigned long x))		\
	/* ANDROID_KABI_USE(1, ...) */					\
	OP(int, host_stage2_mod_prot_range, (u64 pfn, pkvm_op_prot_t prot,	\
		u64 nr_pages))

/* KABI slots after the last member: RESERVE(2) .. (32), 8 bytes each */
#define PKVM_MODULE_OPS_ANDROID14_6_1_RESERVED	31
#define PKVM_MODULE_OPS_SIZE			(64 * 8)

#endif /* __ASM_PKVMKIT_MODULE_OPS_H__ */
