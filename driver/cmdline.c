// SPDX-License-Identifier: GPL-2.0-only
/* The kernel command line as the bootloader passed it (/chosen/bootargs). */
#include "pkvmkit.h"
#include <linux/of.h>
#include <linux/slab.h>
#include <linux/string.h>

/*
 * The value of the last "@param" (e.g. "kvm-arm.mode=") on the command
 * line, as the kernel takes the last one too; kmalloc'ed (kfree it), or
 * NULL if absent or out of memory.
 */
char *pk_cmdline_value(const char *param)
{
	const char *bootargs = NULL, *p = NULL, *next;

	if (!of_chosen || of_property_read_string(of_chosen, "bootargs",
						  &bootargs))
		return NULL;
	for (next = bootargs; (next = strstr(next, param)); next++)
		if (next == bootargs || next[-1] == ' ')
			p = next;
	if (!p)
		return NULL;
	p += strlen(param);
	return kstrndup(p, strchrnul(p, ' ') - p, GFP_KERNEL);
}
