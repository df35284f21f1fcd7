/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * pkvmkit: the members of struct pkvm_module_ops, written once.
 *
 * Both sides build their struct from this list: the SDK's
 * asm/kvm_pkvm_module.h with the kernel's types, the hypervisor's
 * hyp/module_ops.h with its own (and its tables of implementations). One
 * entry per member, in ABI order, one list per generation of ACK's
 * interface:
 *
 *   OP(ret, name, args)        implemented by hyp_op_<name>
 *   OPV(ret, name, args, impl) implemented by impl: a member whose
 *                              signature or meaning changed since 6.1
 *   OPL(ret, name, args, impl) likewise, but only in the layout of a
 *                              kernel with CONFIG_LIST_HARDENED (the
 *                              list-hardening members; the members after
 *                              them move by 16 bytes)
 *
 * Types that the two sides spell differently are written as:
 *
 *   pkvm_op_phys_t  phys_addr_t                / u64
 *   pkvm_op_prot_t  enum kvm_pgtable_prot      / u32
 *   pkvm_op_ctxt_t  struct kvm_cpu_context     / struct host_ctxt
 *   pkvm_op_regs_t  struct user_pt_regs        / struct host_ctxt
 *   pkvm_op_pte_t   kvm_pte_t                  / u64
 *   pkvm_op_psci_t  enum pkvm_psci_notification / int
 *   pkvm_op_handle_t pkvm_handle_t             / u32
 *
 * which the includer defines before, and undefines after, expanding it.
 * (struct host_ctxt begins with the host's x0..x30, sp, pc, pstate: the
 * layout of user_pt_regs, which is the first member of kvm_cpu_context.)
 * Structs only pointed to are the same tag on both sides, declared below.
 */
#ifndef __ASM_PKVMKIT_MODULE_OPS_H__
#define __ASM_PKVMKIT_MODULE_OPS_H__

/*
 * The generations, as PKVM_MODULE_API (set by the build from
 * PKVM_MODULE_API=android15-6.6 etc., see Makefile.module) spells them,
 * and as a module's EL2 image and its loader record them: the kernel
 * version of the ACK branch. PKVM_API_LIST_HARDENED is or'ed in when the
 * layout has the list-hardening members.
 */
#define PKVM_API_ANDROID14_6_1		601
#define PKVM_API_ANDROID15_6_6		606
#define PKVM_API_ANDROID16_6_12		612
#define PKVM_API_LIST_HARDENED		0x10000
#define PKVM_API_GENERATION(api)	((api) & 0xffff)

/*
 * Every generation, once, by its code and its name as PKVM_MODULE_API=
 * spells it, the default first: the build's names (pkvmkit-api.mk, which
 * scripts/install-sdk.sh writes from this list), the modinfo line
 * (pkvmkit-sections.S), the check of PKVM_MODULE_API (kvm_pkvm_module.h)
 * and the driver's messages all come from here.
 */
#define PKVM_API_GENERATIONS(X)				\
	X(PKVM_API_ANDROID14_6_1, android14-6.1)	\
	X(PKVM_API_ANDROID15_6_6, android15-6.6)	\
	X(PKVM_API_ANDROID16_6_12, android16-6.12)

#ifndef __ASSEMBLER__
#ifdef PKVMKIT_HYP
#include <pkvmkit/types.h>	/* the hypervisor's own build */
#else
#include <linux/types.h>	/* a module's EL1 or EL2 code */
#endif

struct arm_smccc_1_2_regs;
struct arm_smccc_res;
struct iommu_iotlb_gather;
struct kvm_hyp_iommu;
struct kvm_hyp_iommu_domain;
struct kvm_hyp_req;
struct kvm_iommu_paddr_cache;
struct list_head;
struct pkvm_module_trng_ops;

/* android16-6.12: one run of 2^order pages for host_donate_sglist_hyp */
struct pkvm_sglist_page {
	u64 pfn : 40;
	u8 order;
} __attribute__((packed));
#endif

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

/*
 * android15-6.6: 52 members (54 with CONFIG_LIST_HARDENED), then
 * ANDROID_KABI_USE(1) .. (5), then RESERVE(6) .. (32). Hooks take the
 * host's user_pt_regs; the host SMC, host permission-fault and guest SMC
 * hooks (and 6.12's device_register_reset) chain, up to 16 each.
 */
#define PKVM_MODULE_OPS_ANDROID15_6_6(OP, OPV, OPL)			\
	PKVM_MODULE_OPS_COMMON_FIRST(OP)				\
	PKVM_MODULE_OPS_COMMON_EARLY(OP)				\
	OPV(int, register_host_perm_fault_handler,			\
		(int (*cb)(pkvm_op_regs_t *regs, u64 esr, u64 addr)),	\
		hyp_op_add_host_perm_fault_handler)			\
	OPV(int, host_stage2_mod_prot, (u64 pfn, pkvm_op_prot_t prot,	\
		u64 nr_pages, bool update_iommu), hyp_op_host_stage2_mod_prot_iommu) \
	OP(int, host_stage2_get_leaf, (pkvm_op_phys_t phys,		\
		pkvm_op_pte_t *ptep, u32 *level))			\
	OPV(int, register_host_smc_handler, (bool (*cb)(pkvm_op_regs_t *)),	\
		hyp_op_add_host_smc_handler)				\
	PKVM_MODULE_OPS_COMMON_NOTIFIERS(OP)				\
	OP(int, register_unmask_serror, (bool (*unmask)(void),		\
		void (*mask)(void)))					\
	OPV(int, host_donate_hyp, (u64 pfn, u64 nr_pages, bool accept_mmio),	\
		hyp_op_host_donate_hyp_mmio)				\
	OP(int, host_donate_hyp_prot, (u64 pfn, u64 nr_pages,		\
		bool accept_mmio, pkvm_op_prot_t prot))			\
	PKVM_MODULE_OPS_COMMON_MEMORY(OP)				\
	OP(void *, hyp_alloc, (size_t size))				\
	OP(int, hyp_alloc_errno, (void))				\
	OP(void, hyp_free, (void *addr))				\
	OPV(void *, iommu_donate_pages, (u8 order, bool request),	\
		hyp_op_iommu_donate_pages_66)				\
	OP(void, iommu_reclaim_pages, (void *p, u8 order))		\
	OP(int, iommu_request, (struct kvm_hyp_req *req))		\
	OP(int, iommu_init_device, (struct kvm_hyp_iommu *iommu))	\
	OP(void, udelay, (unsigned long usecs))				\
	OP(u8, hyp_alloc_missing_donations, (void))			\
	PKVM_MODULE_OPS_LIST_HARDENING(OPL)				\
	OP(void, iommu_iotlb_gather_add_page,				\
		(struct kvm_hyp_iommu_domain *domain,			\
		 struct iommu_iotlb_gather *gather, unsigned long iova,	\
		 size_t size))						\
	OP(int, register_hyp_event_ids, (unsigned long start,		\
		unsigned long end))					\
	OP(void *, tracing_reserve_entry, (unsigned long length))	\
	OP(void, tracing_commit_entry, (void))				\
	OP(void *, iommu_donate_pages_atomic, (u8 order))		\
	OP(void, iommu_reclaim_pages_atomic, (void *p, u8 order))	\
	OP(int, iommu_snapshot_host_stage2,				\
		(struct kvm_hyp_iommu_domain *domain))			\
	OP(int, hyp_smp_processor_id, (void))				\
	/* ANDROID_KABI_USE(1) .. (5) */				\
	OP(void, iommu_flush_unmap_cache,				\
		(struct kvm_iommu_paddr_cache *cache))			\
	OPV(int, host_stage2_enable_lazy_pte, (u64 addr, u64 nr_pages),	\
		hyp_op_lazy_pte_iommu)					\
	OPV(int, host_stage2_disable_lazy_pte, (u64 addr, u64 nr_pages),	\
		hyp_op_lazy_pte_iommu)					\
	OPV(int, register_guest_smc_handler,				\
		(bool (*cb)(struct arm_smccc_1_2_regs *regs,		\
			    struct arm_smccc_res *res,			\
			    pkvm_op_handle_t handle),			\
		 pkvm_op_handle_t handle), hyp_op_add_guest_smc_handler_66) \
	OP(int, guest_stage2_pa, (pkvm_op_handle_t handle, u64 ipa,	\
		pkvm_op_phys_t *phys))

#define PKVM_MODULE_OPS_ANDROID15_6_6_RESERVED	27

/*
 * android16-6.12: 59 members (61 with CONFIG_LIST_HARDENED), then
 * ANDROID_KABI_USE(1) .. (4), then RESERVE(5) .. (32). Members were
 * inserted mid-struct: not compatible with android15-6.6.
 */
#define PKVM_MODULE_OPS_ANDROID16_6_12(OP, OPV, OPL)			\
	PKVM_MODULE_OPS_COMMON_FIRST(OP)				\
	OP(void *, fixblock_map, (pkvm_op_phys_t phys))			\
	OP(void, fixblock_unmap, (void))				\
	PKVM_MODULE_OPS_COMMON_EARLY(OP)				\
	OPV(int, register_host_perm_fault_handler,			\
		(int (*cb)(pkvm_op_regs_t *regs, u64 esr, u64 addr)),	\
		hyp_op_add_host_perm_fault_handler)			\
	OPV(int, host_stage2_mod_prot, (u64 pfn, pkvm_op_prot_t prot,	\
		u64 nr_pages, bool update_iommu), hyp_op_host_stage2_mod_prot_iommu) \
	OPV(int, host_stage2_get_leaf, (pkvm_op_phys_t phys,		\
		pkvm_op_pte_t *ptep, s8 *level), hyp_op_host_stage2_get_leaf_s8) \
	OPV(int, host_stage2_enable_lazy_pte, (u64 addr, u64 nr_pages),	\
		hyp_op_lazy_pte_deprecated)				\
	OPV(int, host_stage2_disable_lazy_pte, (u64 addr, u64 nr_pages),	\
		hyp_op_lazy_pte_deprecated)				\
	OPV(int, register_host_smc_handler, (bool (*cb)(pkvm_op_regs_t *)),	\
		hyp_op_add_host_smc_handler)				\
	OPV(int, register_guest_smc_handler,				\
		(bool (*cb)(struct arm_smccc_1_2_regs *regs,		\
			    struct arm_smccc_1_2_regs *res,		\
			    pkvm_op_handle_t handle)),			\
		hyp_op_add_guest_smc_handler_612)			\
	PKVM_MODULE_OPS_COMMON_NOTIFIERS(OP)				\
	OP(int, register_unmask_serror, (bool (*unmask)(void),		\
		void (*mask)(void)))					\
	OPV(int, host_donate_hyp, (u64 pfn, u64 nr_pages, bool accept_mmio),	\
		hyp_op_host_donate_hyp_mmio)				\
	OP(int, host_donate_hyp_prot, (u64 pfn, u64 nr_pages,		\
		bool accept_mmio, pkvm_op_prot_t prot))			\
	OP(int, host_donate_sglist_hyp, (struct pkvm_sglist_page *sglist,	\
		size_t nr_pages))					\
	PKVM_MODULE_OPS_COMMON_MEMORY(OP)				\
	OP(void *, tracing_reserve_entry, (unsigned long length))	\
	OP(void, tracing_commit_entry, (void))				\
	OP(void, tracing_mod_hyp_printk, (u8 fmt_id, u64 a, u64 b,	\
		u64 c, u64 d))						\
	OP(void *, hyp_alloc, (size_t size))				\
	OP(int, hyp_alloc_errno, (void))				\
	OP(void, hyp_free, (void *addr))				\
	OP(u8, hyp_alloc_missing_donations, (void))			\
	OPV(void *, iommu_donate_pages, (u8 order, int flags),		\
		hyp_op_iommu_donate_pages_612)				\
	OP(void, iommu_reclaim_pages, (void *p, u8 order))		\
	OP(int, iommu_init_device, (struct kvm_hyp_iommu *iommu))	\
	OP(void, udelay, (unsigned long usecs))				\
	OP(void, iommu_iotlb_gather_add_page,				\
		(struct kvm_hyp_iommu_domain *domain,			\
		 struct iommu_iotlb_gather *gather, unsigned long iova,	\
		 size_t size))						\
	OP(int, pkvm_unuse_dma, (pkvm_op_phys_t phys_addr, size_t size))	\
	PKVM_MODULE_OPS_LIST_HARDENING(OPL)				\
	OP(int, iommu_snapshot_host_stage2,				\
		(struct kvm_hyp_iommu_domain *domain))			\
	OP(void *, iommu_donate_pages_atomic, (u8 order))		\
	OP(void, iommu_reclaim_pages_atomic, (void *p, u8 order))	\
	OP(int, hyp_smp_processor_id, (void))				\
	OP(int, device_register_reset, (u64 phys, void *cookie,		\
		int (*cb)(void *cookie, bool host_to_guest)))		\
	/* ANDROID_KABI_USE(1) .. (4) */				\
	OP(int, register_guest_trng_ops,				\
		(const struct pkvm_module_trng_ops *ops))		\
	OP(int, map_module_pages, (u64 pfn, void *va, u64 nr_pages,	\
		pkvm_op_prot_t prot, bool is_protected))		\
	OP(int, unmap_module_pages, (u64 pfn, void *va, u64 nr_pages))	\
	OP(int, request_hyp_alloc, (void))

#define PKVM_MODULE_OPS_ANDROID16_6_12_RESERVED	28

/* The first 9 members of android15-6.6 and later (6.12 adds fixblock_* after) */
#define PKVM_MODULE_OPS_COMMON_FIRST(OP)				\
	OP(int, create_private_mapping, (pkvm_op_phys_t phys, size_t size,	\
		pkvm_op_prot_t prot, unsigned long *haddr))		\
	OP(void *, alloc_module_va, (u64 nr_pages))			\
	OP(int, map_module_page, (u64 pfn, void *va, pkvm_op_prot_t prot,	\
		bool is_protected))					\
	OP(int, register_serial_driver, (void (*hyp_putc_cb)(char)))	\
	OP(void, putc, (char c))					\
	OP(void, puts, (const char *str))				\
	OP(void, putx64, (u64 num))					\
	OP(void *, fixmap_map, (pkvm_op_phys_t phys))			\
	OP(void, fixmap_unmap, (void))

/* linear_map_early .. update_hfgwtr_el2, the same from 6.6 on */
#define PKVM_MODULE_OPS_COMMON_EARLY(OP)				\
	OP(void *, linear_map_early, (pkvm_op_phys_t phys, size_t size,	\
		pkvm_op_prot_t prot))					\
	OP(void, linear_unmap_early, (void *addr, size_t size))	\
	OP(void, flush_dcache_to_poc, (void *addr, size_t size))	\
	OP(void, update_hcr_el2, (unsigned long set_mask,		\
		unsigned long clear_mask))				\
	OP(void, update_hfgwtr_el2, (unsigned long set_mask,		\
		unsigned long clear_mask))

/* Single-slot hooks, as in 6.1 but given the host's user_pt_regs */
#define PKVM_MODULE_OPS_COMMON_NOTIFIERS(OP)				\
	OP(int, register_default_trap_handler,				\
		(bool (*cb)(pkvm_op_regs_t *)))				\
	OP(int, register_illegal_abt_notifier,				\
		(void (*cb)(pkvm_op_regs_t *)))				\
	OP(int, register_psci_notifier,					\
		(void (*cb)(pkvm_op_psci_t, pkvm_op_regs_t *)))		\
	OP(int, register_hyp_panic_notifier,				\
		(void (*cb)(pkvm_op_regs_t *host_ctxt)))

/* hyp_donate_host .. kern_hyp_va, unchanged since 6.1 */
#define PKVM_MODULE_OPS_COMMON_MEMORY(OP)				\
	OP(int, hyp_donate_host, (u64 pfn, u64 nr_pages))		\
	OP(int, host_share_hyp, (u64 pfn))				\
	OP(int, host_unshare_hyp, (u64 pfn))				\
	OP(int, pin_shared_mem, (void *from, void *to))		\
	OP(void, unpin_shared_mem, (void *from, void *to))		\
	OP(void *, memcpy, (void *to, const void *from, size_t count))	\
	OP(void *, memset, (void *dst, int c, size_t count))		\
	OP(pkvm_op_phys_t, hyp_pa, (void *x))				\
	OP(void *, hyp_va, (pkvm_op_phys_t phys))			\
	OP(unsigned long, kern_hyp_va, (unsigned long x))

/* The kernel's __list_add_valid_or_report / __list_del_entry_valid_or_report */
#define PKVM_MODULE_OPS_LIST_HARDENING(OPL)				\
	OPL(bool, list_add_valid_or_report, (struct list_head *new,	\
		struct list_head *prev, struct list_head *next),	\
		hyp_op_list_add_valid_or_report)			\
	OPL(bool, list_del_entry_valid_or_report,			\
		(struct list_head *entry),				\
		hyp_op_list_del_entry_valid_or_report)

#endif /* __ASM_PKVMKIT_MODULE_OPS_H__ */
