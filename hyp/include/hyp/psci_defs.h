/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * PSCI, as the Arm specification (DEN 0022) numbers it: function ids and
 * return codes, for the host's relay (psci.c) and guests' PSCI
 * (guest_psci.c).
 */
#ifndef HYP_PSCI_DEFS_H
#define HYP_PSCI_DEFS_H

#define PSCI_FN32(n)			(0x84000000U | (n))
#define PSCI_FN64(n)			(0xC4000000U | (n))
#define PSCI_FN_MASK			0x1fU

#define PSCI_VERSION			0x0
#define PSCI_CPU_SUSPEND		0x1
#define PSCI_CPU_OFF			0x2
#define PSCI_CPU_ON			0x3
#define PSCI_AFFINITY_INFO		0x4
#define PSCI_MIGRATE			0x5
#define PSCI_MIGRATE_INFO_TYPE		0x6
#define PSCI_MIGRATE_INFO_UP_CPU	0x7
#define PSCI_SYSTEM_OFF			0x8
#define PSCI_SYSTEM_RESET		0x9
#define PSCI_FEATURES			0xa
#define PSCI_CPU_DEFAULT_SUSPEND	0xc
#define PSCI_SYSTEM_SUSPEND		0xe
#define PSCI_SYSTEM_RESET2		0x12

#define PSCI_RET_SUCCESS		0L
#define PSCI_RET_NOT_SUPPORTED		(-1L)
#define PSCI_RET_INVALID_PARAMS		(-2L)
#define PSCI_RET_DENIED			(-3L)
#define PSCI_RET_ALREADY_ON		(-4L)
#define PSCI_RET_ON_PENDING		(-5L)
#define PSCI_RET_INTERNAL_FAILURE	(-6L)

/* AFFINITY_INFO's answers */
#define PSCI_AFFINITY_ON		0
#define PSCI_AFFINITY_OFF		1
#define PSCI_AFFINITY_ON_PENDING	2

/* MIGRATE_INFO_TYPE: no trusted OS to migrate */
#define PSCI_TOS_NOT_PRESENT_MP		2

#endif /* HYP_PSCI_DEFS_H */
