/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The hypervisor's view of struct pkvm_module_ops: the same members, in the
 * same order, as ACK android14-6.1 and the SDK's asm/kvm_pkvm_module.h
 * (tests/unit/check-module-ops.sh compares the two). Kernel types are
 * replaced by their ABI equivalents: enum kvm_pgtable_prot is a u32,
 * struct kvm_cpu_context * is our struct host_ctxt * (same first member).
 */
#ifndef HYP_MODULE_OPS_H
#define HYP_MODULE_OPS_H

#include <hyp/cpu.h>

/* enum kvm_pgtable_prot bits (asm/kvm_pgtable.h, 6.1) */
#define KVM_PGTABLE_PROT_X		BIT(0)
#define KVM_PGTABLE_PROT_W		BIT(1)
#define KVM_PGTABLE_PROT_R		BIT(2)
#define KVM_PGTABLE_PROT_DEVICE		BIT(3)

struct pkvm_module_ops {
	int (*create_private_mapping)(u64 phys, size_t size, u32 prot,
				      unsigned long *haddr);
	void *(*alloc_module_va)(u64 nr_pages);
	int (*map_module_page)(u64 pfn, void *va, u32 prot, bool is_protected);
	int (*register_serial_driver)(void (*hyp_putc_cb)(char));
	void (*puts)(const char *str);
	void (*putx64)(u64 num);
	void *(*fixmap_map)(u64 phys);
	void (*fixmap_unmap)(void);
	void *(*linear_map_early)(u64 phys, size_t size, u32 prot);
	void (*linear_unmap_early)(void *addr, size_t size);
	void (*flush_dcache_to_poc)(void *addr, size_t size);
	void (*update_hcr_el2)(unsigned long set_mask, unsigned long clear_mask);
	void (*update_hfgwtr_el2)(unsigned long set_mask,
				  unsigned long clear_mask);
	int (*register_host_perm_fault_handler)(int (*cb)(struct host_ctxt *ctxt,
							  u64 esr, u64 addr));
	int (*host_stage2_mod_prot)(u64 pfn, u32 prot);
	int (*host_stage2_get_leaf)(u64 phys, u64 *ptep, u32 *level);
	int (*register_host_smc_handler)(bool (*cb)(struct host_ctxt *));
	int (*register_default_trap_handler)(bool (*cb)(struct host_ctxt *));
	int (*register_illegal_abt_notifier)(void (*cb)(struct host_ctxt *));
	int (*register_psci_notifier)(void (*cb)(int, struct host_ctxt *));
	int (*register_hyp_panic_notifier)(void (*cb)(struct host_ctxt *));
	int (*host_donate_hyp)(u64 pfn, u64 nr_pages);
	int (*hyp_donate_host)(u64 pfn, u64 nr_pages);
	int (*host_share_hyp)(u64 pfn);
	int (*host_unshare_hyp)(u64 pfn);
	int (*pin_shared_mem)(void *from, void *to);
	void (*unpin_shared_mem)(void *from, void *to);
	void *(*memcpy)(void *to, const void *from, size_t count);
	void *(*memset)(void *dst, int c, size_t count);
	u64 (*hyp_pa)(void *x);
	void *(*hyp_va)(u64 phys);
	unsigned long (*kern_hyp_va)(unsigned long x);
	/* ANDROID_KABI_USE(1, ...) */
	int (*host_stage2_mod_prot_range)(u64 pfn, u32 prot, u64 nr_pages);
	/* ANDROID_KABI_RESERVE(2) .. (32) */
	u64 android_kabi_reserved[31];
};

_Static_assert(sizeof(struct pkvm_module_ops) == 64 * 8,
	       "pkvm_module_ops: 32 members + 32 KABI slots");

#endif /* HYP_MODULE_OPS_H */
