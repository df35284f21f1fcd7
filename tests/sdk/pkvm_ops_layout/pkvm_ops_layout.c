// SPDX-License-Identifier: GPL-2.0-only
/*
 * Build-time check of the SDK's struct pkvm_module_ops for the generation
 * this is built for (PKVM_MODULE_API=): every member at ACK's place, in
 * ACK's order as written here from the public headers (by name, not
 * from pkvmkit's own member list), and the size with the 32 KABI slots.
 * It only has to build; tests/sdk/run.sh builds it once per generation.
 */
#include <linux/module.h>
#include <linux/stddef.h>
#include <asm/kvm_pkvm_module.h>

#ifdef CONFIG_LIST_HARDENED
#define LH(X) X(list_add_valid_or_report) X(list_del_entry_valid_or_report)
#else
#define LH(X)
#endif

#if PKVM_MODULE_API == PKVM_API_ANDROID14_6_1
#define NR_KABI_USED	1
#define EXPECTED(X)							\
	X(create_private_mapping) X(alloc_module_va) X(map_module_page)	\
	X(register_serial_driver) X(puts) X(putx64) X(fixmap_map)	\
	X(fixmap_unmap) X(linear_map_early) X(linear_unmap_early)	\
	X(flush_dcache_to_poc) X(update_hcr_el2) X(update_hfgwtr_el2)	\
	X(register_host_perm_fault_handler) X(host_stage2_mod_prot)	\
	X(host_stage2_get_leaf) X(register_host_smc_handler)		\
	X(register_default_trap_handler) X(register_illegal_abt_notifier) \
	X(register_psci_notifier) X(register_hyp_panic_notifier)	\
	X(host_donate_hyp) X(hyp_donate_host) X(host_share_hyp)		\
	X(host_unshare_hyp) X(pin_shared_mem) X(unpin_shared_mem)	\
	X(memcpy) X(memset) X(hyp_pa) X(hyp_va) X(kern_hyp_va)		\
	X(host_stage2_mod_prot_range)
#elif PKVM_MODULE_API == PKVM_API_ANDROID15_6_6
#define NR_KABI_USED	5
#define EXPECTED(X)							\
	X(create_private_mapping) X(alloc_module_va) X(map_module_page)	\
	X(register_serial_driver) X(putc) X(puts) X(putx64)		\
	X(fixmap_map) X(fixmap_unmap) X(linear_map_early)		\
	X(linear_unmap_early) X(flush_dcache_to_poc) X(update_hcr_el2)	\
	X(update_hfgwtr_el2) X(register_host_perm_fault_handler)	\
	X(host_stage2_mod_prot) X(host_stage2_get_leaf)			\
	X(register_host_smc_handler) X(register_default_trap_handler)	\
	X(register_illegal_abt_notifier) X(register_psci_notifier)	\
	X(register_hyp_panic_notifier) X(register_unmask_serror)	\
	X(host_donate_hyp) X(host_donate_hyp_prot) X(hyp_donate_host)	\
	X(host_share_hyp) X(host_unshare_hyp) X(pin_shared_mem)		\
	X(unpin_shared_mem) X(memcpy) X(memset) X(hyp_pa) X(hyp_va)	\
	X(kern_hyp_va) X(hyp_alloc) X(hyp_alloc_errno) X(hyp_free)	\
	X(iommu_donate_pages) X(iommu_reclaim_pages) X(iommu_request)	\
	X(iommu_init_device) X(udelay) X(hyp_alloc_missing_donations)	\
	LH(X)								\
	X(iommu_iotlb_gather_add_page) X(register_hyp_event_ids)	\
	X(tracing_reserve_entry) X(tracing_commit_entry)		\
	X(iommu_donate_pages_atomic) X(iommu_reclaim_pages_atomic)	\
	X(iommu_snapshot_host_stage2) X(hyp_smp_processor_id)		\
	X(iommu_flush_unmap_cache) X(host_stage2_enable_lazy_pte)	\
	X(host_stage2_disable_lazy_pte) X(register_guest_smc_handler)	\
	X(guest_stage2_pa)
#else
#define NR_KABI_USED	4
#define EXPECTED(X)							\
	X(create_private_mapping) X(alloc_module_va) X(map_module_page)	\
	X(register_serial_driver) X(putc) X(puts) X(putx64)		\
	X(fixmap_map) X(fixmap_unmap) X(fixblock_map) X(fixblock_unmap)	\
	X(linear_map_early) X(linear_unmap_early) X(flush_dcache_to_poc) \
	X(update_hcr_el2) X(update_hfgwtr_el2)				\
	X(register_host_perm_fault_handler) X(host_stage2_mod_prot)	\
	X(host_stage2_get_leaf) X(host_stage2_enable_lazy_pte)		\
	X(host_stage2_disable_lazy_pte) X(register_host_smc_handler)	\
	X(register_guest_smc_handler) X(register_default_trap_handler)	\
	X(register_illegal_abt_notifier) X(register_psci_notifier)	\
	X(register_hyp_panic_notifier) X(register_unmask_serror)	\
	X(host_donate_hyp) X(host_donate_hyp_prot)			\
	X(host_donate_sglist_hyp) X(hyp_donate_host) X(host_share_hyp)	\
	X(host_unshare_hyp) X(pin_shared_mem) X(unpin_shared_mem)	\
	X(memcpy) X(memset) X(hyp_pa) X(hyp_va) X(kern_hyp_va)		\
	X(tracing_reserve_entry) X(tracing_commit_entry)		\
	X(tracing_mod_hyp_printk) X(hyp_alloc) X(hyp_alloc_errno)	\
	X(hyp_free) X(hyp_alloc_missing_donations) X(iommu_donate_pages) \
	X(iommu_reclaim_pages) X(iommu_init_device) X(udelay)		\
	X(iommu_iotlb_gather_add_page) X(pkvm_unuse_dma)		\
	LH(X)								\
	X(iommu_snapshot_host_stage2) X(iommu_donate_pages_atomic)	\
	X(iommu_reclaim_pages_atomic) X(hyp_smp_processor_id)		\
	X(device_register_reset) X(register_guest_trng_ops)		\
	X(map_module_pages) X(unmap_module_pages) X(request_hyp_alloc)
#endif

#define EXPECTED_INDEX(name)	EXPECTED_##name,
enum { EXPECTED(EXPECTED_INDEX) NR_EXPECTED };

#define CHECK_MEMBER(name)						\
	static_assert(offsetof(struct pkvm_module_ops, name) ==		\
		      8 * EXPECTED_##name, "pkvm_module_ops." #name	\
		      " is not at ACK's place");
EXPECTED(CHECK_MEMBER)

static_assert(sizeof(struct pkvm_module_ops) ==
	      8 * (NR_EXPECTED - NR_KABI_USED + 32),
	      "pkvm_module_ops: ACK's named members and 32 KABI slots");

MODULE_LICENSE("GPL");
