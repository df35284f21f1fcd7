// SPDX-License-Identifier: GPL-2.0-only
/*
 * The hyp-tracing members of pkvm_module_ops (android15-6.6 on). pkvmkit
 * has no hyp ring buffer yet: every event is off, which ACK's modules
 * already handle, because ACK's tracing_reserve_entry returns NULL while
 * no buffer is loaded (and a module then skips its event). So a module
 * that traces loads and runs, and its events go nowhere.
 * docs/vendor-modules.md says so.
 */
#include <hyp/hyp.h>
#include <hyp/module_ops.h>

/* android15-6.6: the module's event ids [start, end); must be its own */
int hyp_op_register_hyp_event_ids(unsigned long start, unsigned long end)
{
	if (end < start || (end > start && !hyp_module_owns(start, end - start)))
		return -EINVAL;
	return 0;
}

void *hyp_op_tracing_reserve_entry(unsigned long length)
{
	(void)length;
	return NULL;
}

void hyp_op_tracing_commit_entry(void)
{
}

void hyp_op_tracing_mod_hyp_printk(u8 fmt_id, u64 a, u64 b, u64 c, u64 d)
{
	(void)fmt_id;
	(void)a;
	(void)b;
	(void)c;
	(void)d;
}
