/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * pkvmkit: what Android's asm/kvm_pkvm.h declares for vendor modules,
 * implemented by pkvmkit.ko. scripts/install-sdk.sh makes the stock
 * kernel's asm/kvm_pkvm.h include this, so a module finds it where it
 * finds it on ACK; asm/kvm_pkvm_module.h includes it too.
 */
#ifndef __ARM64_PKVMKIT_KVM_PKVM_H__
#define __ARM64_PKVMKIT_KVM_PKVM_H__

#if !defined(__ASSEMBLY__) && !defined(__KVM_NVHE_HYPERVISOR__)
/*
 * Give the EL2 heap (hyp_alloc) @nr_pages more pages, for good, for a
 * module whose EL2 call failed with hyp_alloc_errno() -ENOMEM: 0, or
 * -EINVAL (0 or more than 1024 pages), -ENOMEM, -EOPNOTSUPP (no
 * hypervisor), -EPERM (a page refused: those before it stay donated).
 */
int __pkvm_topup_hyp_alloc(unsigned long nr_pages);
#endif

#endif /* __ARM64_PKVMKIT_KVM_PKVM_H__ */
