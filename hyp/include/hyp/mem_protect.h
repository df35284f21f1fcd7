/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Page ownership and the host stage-2 (mem_protect.c): every transition
 * of a page between the host and the hypervisor, the stage-2 that follows
 * them, module restrictions of it, and the host's faults on it. Under
 * mem_lock (hyp/mm.h).
 */
#ifndef HYP_MEM_PROTECT_H
#define HYP_MEM_PROTECT_H

#include <pkvmkit/boot.h>
#include <pkvmkit/ownership.h>

int hyp_mem_protect_init(const struct hyp_params *p);

/*
 * Deprivilege in two steps: build the host stage-2 from the ownership
 * state (-errno: nothing changed, nothing kept), then publish it and
 * enter it on this CPU (cannot fail).
 */
int hyp_host_s2_build(void);
void hyp_host_s2_publish(void);
u32 hyp_host_s2_ia_bits(void);
int hyp_build_dma_mirror(struct pgt *s2, u32 ia_bits,
			 const struct pgt_mm_ops *mm, void (*sync)(void *arg),
			 void *arg);
bool hyp_host_stage2_ready(void);
void hyp_enable_host_stage2(void);
int hyp_host_s2_fault(u64 ipa);
enum own_access hyp_host_access(u64 ipa, u32 need);

/* The host's calls on its pages (HC_HOST_*), each all or nothing. */
int hyp_host_donate_hyp(u64 pfn, u64 nr);
int hyp_host_donate_hyp_for_good(u64 pfn, u64 nr);
int hyp_host_reclaim(u64 pfn, u64 nr);
int hyp_host_share_hyp(u64 pfn, u64 nr);
int hyp_host_unshare_hyp(u64 pfn, u64 nr);
int hyp_page_state(u64 pfn);
u64 hyp_state_count(u64 state);
void hyp_mem_stats(u64 *pool_free, u64 *tables, u64 *reserved);

/*
 * Module pages: pages taken from the host and mapped at @va only (no
 * alias), all or none; pages the hypervisor owns already, mapped once
 * more (never executable), all or none; a module page unmapped, and
 * given back to the host if it was taken from it.
 */
int hyp_donate_and_map_pages(u64 pfn, u64 va, u64 nr, u32 prot);
int hyp_donate_and_map(u64 pfn, u64 va, u32 prot);
int hyp_map_hyp_pages(u64 pfn, u64 va, u64 nr, u32 prot);
int hyp_unmap_module_page(u64 pfn, u64 va);

/*
 * Pages of VMs, under mem_lock: a VM's own (donated, given back zeroed),
 * its vCPU pages shared with the host (pinned), and its guest memory.
 */
int hyp_vm_take_pages_locked(u64 pfn, u64 nr);
int hyp_vm_give_pages_locked(u64 pfn, u64 nr);
int hyp_vm_pin_shared_locked(u64 pfn);
void hyp_vm_unpin_shared_locked(u64 pfn);
int hyp_guest_transition_locked(enum own_guest_op op, const struct own_guest *g,
				u64 pfn, u64 gfn);
int hyp_guest_owner_locked(u64 pfn, u16 *id, u64 *gfn);
int hyp_page_state_locked(u64 pfn, enum page_state *state);

#endif /* HYP_MEM_PROTECT_H */
