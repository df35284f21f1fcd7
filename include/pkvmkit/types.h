/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Basic types for code that is built in three places: the EL2 hypervisor
 * (freestanding, PKVMKIT_HYP), the host driver (Kbuild, __KERNEL__) and the
 * native unit tests (hosted libc).
 */
#ifndef PKVMKIT_TYPES_H
#define PKVMKIT_TYPES_H

#if defined(__KERNEL__)
#include <linux/types.h>
#include <linux/errno.h>
#include <linux/bits.h>
#include <linux/stddef.h>
#else
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int8_t s8;
typedef int16_t s16;
typedef int32_t s32;
typedef int64_t s64;

#ifndef BIT
#define BIT(n)		(1UL << (n))
#endif
#define GENMASK_ULL(h, l) \
	(((~0ULL) << (l)) & (~0ULL >> (63 - (h))))

#if defined(PKVMKIT_HYP)
#include <pkvmkit/errno.h>
#else
#include <errno.h>
#endif
#endif /* __KERNEL__ */

#define PKVMKIT_PAGE_SHIFT	12
#define PKVMKIT_PAGE_SIZE	(1UL << PKVMKIT_PAGE_SHIFT)

#endif /* PKVMKIT_TYPES_H */
