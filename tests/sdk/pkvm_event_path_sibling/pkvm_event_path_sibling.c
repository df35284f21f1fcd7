// SPDX-License-Identifier: GPL-2.0-only
/*
 * Must not build: a module naming, by ACK's in-tree path, another
 * module's events header (tests/sdk/pkvm_intree_events'), which it does
 * not have itself. tests/sdk/run.sh builds it next to a copy of that
 * module: the other module's header is there, but no module's view of
 * ACK's tree holds another module's place, so the compiler says it does
 * not exist.
 */
#include <linux/init.h>
#include <linux/module.h>
#include <asm/kvm_pkvm_module.h>

#define HYP_EVENT_FILE ../../../../drivers/misc/pkvm_intree_events/hyp/events.h
#include <asm/kvm_define_hypevents.h>

static int __init sibling_init(void)
{
	return 0;
}
module_init(sibling_init);
MODULE_LICENSE("GPL");
