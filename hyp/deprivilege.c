// SPDX-License-Identifier: GPL-2.0-only
/*
 * Deprivilege: the one-way switch after which the host is untrusted. The
 * host stage-2 is built from the ownership state, vendor-module
 * registration closes, the calling CPU enters the stage-2 and set-up
 * calls close for good; every other CPU enters the stage-2 at its next
 * trap, told by a new trap generation (hyp_reapply_host_traps()).
 */
#include <hyp/deprivilege.h>
#include <hyp/dma.h>
#include <hyp/mem_protect.h>
#include <hyp/module.h>
#include <hyp/trap.h>

/* One way: set by hyp_prot_finalize() under setup_lock. */
static bool host_deprivileged;

bool hyp_host_deprivileged(void)
{
	return __atomic_load_n(&host_deprivileged, __ATOMIC_ACQUIRE);
}

/*
 * HC_PROT_FINALIZE, under setup_lock (hcall.c). What can fail comes
 * first: building the host stage-2, which leaves everything as it was if
 * it fails (no stage-2, module registration and set-up calls still open,
 * the error reported to the driver). Every step after it cannot fail.
 */
int hyp_prot_finalize(void)
{
	int ret;

	if (hyp_host_deprivileged())
		return -EPERM;
	ret = hyp_host_s2_build();
	if (ret)
		return ret;
	/* devices lose what the host loses: cannot fail deprivilege */
	hyp_dma_deprivilege(hyp_host_s2_ia_bits());
	hyp_close_module_registration();
	hyp_host_s2_publish();
	hyp_bump_host_traps_gen();	/* the other CPUs, on their next trap */
	__atomic_store_n(&host_deprivileged, true, __ATOMIC_RELEASE);
	return 0;
}
