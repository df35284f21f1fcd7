/* SPDX-License-Identifier: GPL-2.0-only */
/* Stand-in for the kernel's <linux/bits.h> for "make kernel-check" only. */
#ifndef _LINUX_BITS_H
#define _LINUX_BITS_H
#define BIT(nr)			(1UL << (nr))
#define GENMASK_ULL(h, l) \
	(((~0ULL) << (l)) & (~0ULL >> (63 - (h))))
#endif
