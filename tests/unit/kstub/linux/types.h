/* SPDX-License-Identifier: GPL-2.0-only */
/* Stand-in for the kernel's <linux/types.h> for "make kernel-check" only. */
#ifndef _LINUX_TYPES_H
#define _LINUX_TYPES_H
typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;
typedef signed char s8;
typedef short s16;
typedef int s32;
typedef long long s64;
typedef _Bool bool;
typedef unsigned long uintptr_t;
enum { false = 0, true = 1 };
#define NULL ((void *)0)
#endif
