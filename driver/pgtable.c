// SPDX-License-Identifier: GPL-2.0-only
/* The portable page-table library, built into the driver. */
#include "../lib/pgtable.c"
