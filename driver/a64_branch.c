// SPDX-License-Identifier: GPL-2.0-only
/* The portable A64 branch encoder, built into the driver. */
#include "../lib/a64_branch.c"
