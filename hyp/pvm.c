// SPDX-License-Identifier: GPL-2.0-only
/*
 * Protected VMs, and whether any may run: a protected vendor module that
 * failed to load makes the system insecure for good, and no protected VM
 * may start from then on. The VM itself is still a one-page record here.
 */
#include <hyp/bug.h>
#include <hyp/lib.h>
#include <hyp/log.h>
#include <hyp/mem_protect.h>
#include <hyp/pvm.h>

#define MAX_PVMS	16
#define PVM_MAGIC	0x70766d7265636f72UL	/* "pvmrecor" */

struct pvm_record {
	u64 magic;
	u64 handle;
};

static hyp_spinlock_t pvm_lock = HYP_LOCK_INIT(pvm_lock);
static bool insecure;
static u32 nr_pvms;		/* under pvm_lock */

void hyp_mark_insecure(void)
{
	__atomic_store_n(&insecure, true, __ATOMIC_RELEASE);
}

bool hyp_is_secure(void)
{
	return !__atomic_load_n(&insecure, __ATOMIC_ACQUIRE);
}

/*
 * The hypervisor's record of a protected VM, in a page the host donates
 * (and cannot take back). Refused on an insecure system, and before the
 * host is deprivileged (nothing would protect the VM).
 */
int hyp_pvm_create(u64 pfn)
{
	struct pvm_record *rec;
	int ret;

	if (!hyp_is_secure()) {
		hyp_log("pkvmkit: protected VM refused: a protected module failed to load\n");
		return -EPERM;
	}
	if (!hyp_host_stage2_ready())
		return -EPERM;
	hyp_spin_lock(&pvm_lock);
	if (nr_pvms == MAX_PVMS) {
		ret = -ENOSPC;
		goto out;
	}
	ret = hyp_host_donate_hyp_for_good(pfn, 1);
	if (ret)
		goto out;
	rec = (struct pvm_record *)(pfn << PKVMKIT_PAGE_SHIFT);
	memset(rec, 0, PKVMKIT_PAGE_SIZE);
	rec->magic = PVM_MAGIC;
	rec->handle = ++nr_pvms;
	ret = (int)rec->handle;
out:
	hyp_spin_unlock(&pvm_lock);
	return ret;
}
