// SPDX-License-Identifier: GPL-2.0-only
/*
 * The EL1 helpers ACK exports to vendor modules, each called from a file
 * that includes only the header ACK declares it in: a build check (the
 * module is never loaded), that each is declared there and that modpost
 * finds each among pkvmkit.ko's exports.
 */
#include <linux/init.h>
#include <linux/module.h>
#include "helpers.h"

static int __init el1_helpers_init(void)
{
	return call_kvm_pkvm_module_helpers() ?: call_kvm_pkvm_helpers() ?:
	       call_kvm_host_helpers();
}
module_init(el1_helpers_init);
MODULE_LICENSE("GPL");
