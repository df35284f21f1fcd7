// SPDX-License-Identifier: GPL-2.0-only
/*
 * topup_probe: one call of ACK's allocator-management top-up, from a
 * module that knows it only from <asm/kvm_host.h>, as a vendor module
 * does; the heap-topup scenario loads it once per case:
 *
 *   insmod topup_probe.ko [call=mgt_gfp|mgt] id=ID nr_pages=N sz_alloc=BYTES
 *
 * calls __pkvm_topup_hyp_alloc_mgt_gfp(ID, N, BYTES, GFP_KERNEL) or
 * __pkvm_topup_hyp_alloc_mgt(ID, N, BYTES), and its init returns what the
 * call did: loaded for 0, else insmod says the error. rmmod for the next.
 */
#include <linux/gfp.h>
#include <linux/module.h>
#include <linux/string.h>
#include <asm/kvm_host.h>

static char *call = "mgt_gfp";
module_param(call, charp, 0444);
MODULE_PARM_DESC(call, "mgt_gfp (__pkvm_topup_hyp_alloc_mgt_gfp) or mgt (__pkvm_topup_hyp_alloc_mgt)");
static unsigned long id = HYP_ALLOC_MGT_HEAP_ID;
module_param(id, ulong, 0444);
MODULE_PARM_DESC(id, "the allocator (HYP_ALLOC_MGT_*_ID)");
static unsigned long nr_pages = 1;
module_param(nr_pages, ulong, 0444);
MODULE_PARM_DESC(nr_pages, "how many chunks");
static unsigned long sz_alloc = PAGE_SIZE;
module_param(sz_alloc, ulong, 0444);
MODULE_PARM_DESC(sz_alloc, "the size of a chunk, in bytes");

static int __init topup_probe_init(void)
{
	if (!strcmp(call, "mgt_gfp"))
		return __pkvm_topup_hyp_alloc_mgt_gfp(id, nr_pages, sz_alloc,
						      GFP_KERNEL);
	if (!strcmp(call, "mgt"))
		return __pkvm_topup_hyp_alloc_mgt(id, nr_pages, sz_alloc);
	pr_err("topup_probe: call=%s: mgt_gfp or mgt\n", call);
	return -EINVAL;
}
module_init(topup_probe_init);

static void __exit topup_probe_exit(void)
{
}
module_exit(topup_probe_exit);

MODULE_DESCRIPTION("pkvmkit test: ACK's allocator-management top-ups");
MODULE_LICENSE("GPL");
