/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Vendor modules at EL2 (module_loader.c): their VA ranges, the loading
 * set-up calls, the module whose init is running, and what may still be
 * registered. module_lock guards every vendor-module structure: ranges,
 * hooks (module_hooks.c) and calls (module_calls.c).
 */
#ifndef HYP_MODULE_H
#define HYP_MODULE_H

#include <pkvmkit/types.h>
#include <hyp/spinlock.h>

#define HYP_MODULE_NAME_LEN	16	/* as HC_ALLOC_MODULE_VA passes it */
#define HYP_NO_MODULE		(-1)

extern hyp_spinlock_t module_lock;

/* The set-up calls of loading (HC_ALLOC_MODULE_VA .. HC_DROP_MODULE). */
u64 hyp_alloc_module_va(u64 nr_pages, u64 name_lo, u64 name_hi, u64 api);
int hyp_map_module_page(u64 pfn, u64 va, u64 kvm_prot);
int hyp_init_module(u64 init_va, u64 sections, u64 ids_start, u64 ids_end);
int hyp_drop_module(u64 va);

/* Deprivilege: no more registrations; early mappings left are removed. */
void hyp_close_module_registration(void);

/* [@va, @va + @size) lies in the image of a live module, or the running one. */
bool hyp_module_owns(u64 va, u64 size);
/* The (live or running) module whose range holds it, or HYP_NO_MODULE. */
s32 hyp_module_owner_of(u64 va, u64 size);
/* The name of the (live or running) module whose range holds @va, or NULL. */
const char *hyp_module_name_of(u64 va);

/* Under module_lock: */
s32 hyp_module_of_locked(u64 va, u64 size);
s32 hyp_running_module_locked(void);
bool hyp_running_module_owns_locked(u64 va, u64 size);
bool hyp_registration_open_locked(void);
bool hyp_is_module_text_locked(u64 va);
u32 hyp_module_api_locked(s32 module);
u64 hyp_add_module_range_locked(u64 nr_pages);
const char *hyp_module_name_locked(s32 module);

/* enum kvm_pgtable_prot of a module page -> PGT_PROT_* (W^X): 0 / -EINVAL */
int hyp_module_prot(u64 kvm_prot, u32 *prot);

/* Mappings a module's init makes (module_mem_ops.c) */
void hyp_drop_early_maps_locked(void);
void hyp_drop_module_maps_locked(s32 module);
void hyp_keep_module_maps_locked(s32 module);

#endif /* HYP_MODULE_H */
