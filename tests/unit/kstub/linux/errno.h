/* SPDX-License-Identifier: GPL-2.0-only */
/* Stand-in for the kernel's <linux/errno.h> for "make kernel-check" only. */
#include <pkvmkit/errno.h>
