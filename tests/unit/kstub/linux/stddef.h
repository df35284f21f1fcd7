/* SPDX-License-Identifier: GPL-2.0-only */
/* Stand-in for the kernel's <linux/stddef.h> for "make kernel-check" only. */
