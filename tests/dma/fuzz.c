// SPDX-License-Identifier: GPL-2.0-only
/*
 * The hostile host's devices, at random (tests/scenarios/dma-hostile.sh):
 * edu reads and writes short runs at random offsets of pages picked from
 * all of RAM (mostly among those the host cannot reach: the hypervisor's,
 * guests') and of the hypervisor's device ranges, while pages of its own
 * change hands between host and hypervisor. Each access is checked
 * against the page's state as the hypervisor reports it (HC_PAGE_STATE):
 *
 *   - a page the host may read (write) is read (written) without a fault;
 *   - any other access faults, and the SMMU's newest fault names the page
 *     and the direction.
 *
 * A write only ever goes to a page the host may not write or to a page of
 * its own, so the fuzzer never corrupts the host. What the hypervisor
 * keeps intact is checked by the scenario (secrets at EL2, page counts,
 * the pool, the hypervisor alive).
 */
#include <linux/arm-smccc.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <pkvmkit/dma.h>
#include <pkvmkit/hypercall.h>
#include <pkvmkit/ownership.h>
#include "dma_test.h"

#define FZ_TARGETS	4096	/* pages the host cannot reach, remembered */
#define FZ_FLIPPERS	4	/* own pages that change hands */
#define FZ_LEN		256	/* bytes an access moves */
#define FZ_REPORTED	8	/* violations told in the kernel log */

struct fz {
	u64 rnd;
	unsigned long *targets;
	unsigned long nr_targets;
	struct page *flippers;	/* FZ_FLIPPERS pages */
	bool flipped[FZ_FLIPPERS];
	unsigned long reads, writes, flips, faults, violations;
};

static u64 fz_next(struct fz *f)
{
	f->rnd ^= f->rnd << 13;
	f->rnd ^= f->rnd >> 7;
	f->rnd ^= f->rnd << 17;
	return f->rnd;
}

static long fz_hvc(unsigned long id, unsigned long a1, unsigned long a2,
		   struct arm_smccc_res *res)
{
	arm_smccc_1_1_hvc(HC_ID(id), a1, a2, res);
	return res->a0 ? -EIO : (long)res->a1;
}

static long page_state(unsigned long pfn)
{
	struct arm_smccc_res res;

	return fz_hvc(HC_PAGE_STATE, pfn, 0, &res);
}

static bool host_reads(long state)
{
	return state == PAGE_HOST_OWNED || state == PAGE_HOST_SHARED ||
	       state == PAGE_HYP_SHARED || state == PAGE_HOST_SHARED_GUEST ||
	       state == PAGE_GUEST_SHARED_HOST;
}

static bool host_writes(long state)
{
	return state == PAGE_HOST_OWNED || state == PAGE_HOST_SHARED ||
	       state == PAGE_HOST_SHARED_GUEST || state == PAGE_GUEST_SHARED_HOST;
}

static unsigned long fault_count(void)
{
	struct arm_smccc_res res;

	fz_hvc(HC_DMA_STATE, 0, 0, &res);
	return res.a2;
}

/* The newest fault's page and whether it was a read; false if none. */
static bool newest_fault(unsigned long *pfn, bool *read)
{
	struct arm_smccc_res res;

	if (fz_hvc(HC_DMA_FAULT, 0, 0, &res))
		return false;
	*pfn = res.a3 >> PAGE_SHIFT;
	*read = (res.a2 >> 8) & DMA_FAULT_READ;
	return true;
}

static void violation(struct fz *f, const char *what, unsigned long pfn,
		      long state)
{
	if (f->violations++ < FZ_REPORTED)
		pr_err("pkvm_dma_test: fuzz: %s at pfn %#lx (state %ld)\n", what,
		       pfn, state);
}

/* One access by edu to @pfn, checked. @state < 0: a hypervisor device. */
static void fz_access(struct fz *f, unsigned long pfn, long state, bool write)
{
	u64 at = ((u64)pfn << PAGE_SHIFT) + (fz_next(f) % (PAGE_SIZE / FZ_LEN)) * FZ_LEN;
	bool allowed = state >= 0 && (write ? host_writes(state) : host_reads(state));
	unsigned long before = fault_count(), fpfn;
	bool fread;
	int ret;

	if (write)
		ret = dma_test_edu(EDU_BUFFER, at, FZ_LEN, true);
	else
		ret = dma_test_edu(at, EDU_BUFFER, FZ_LEN, false);
	if (ret) {
		violation(f, "edu did not finish", pfn, state);
		return;
	}
	write ? f->writes++ : f->reads++;
	if (fault_count() == before) {
		if (!allowed)
			violation(f, write ? "a write went through" :
				  "a read went through", pfn, state);
		return;
	}
	f->faults++;
	if (allowed)
		violation(f, "an allowed access faulted", pfn, state);
	else if (!newest_fault(&fpfn, &fread) || fpfn != pfn || fread == write)
		violation(f, "the fault names another page or direction", pfn,
			  state);
}

/* An own page changes hands: the mirror must follow at once. */
static void fz_flip(struct fz *f)
{
	unsigned long i = fz_next(f) % FZ_FLIPPERS;
	unsigned long pfn = page_to_pfn(f->flippers) + i;
	struct arm_smccc_res res;

	if (fz_hvc(f->flipped[i] ? HC_HOST_RECLAIM : HC_HOST_DONATE_HYP, pfn, 1,
		   &res)) {
		violation(f, "an own page did not change hands", pfn, -1);
		return;
	}
	f->flipped[i] = !f->flipped[i];
	f->flips++;
	fz_access(f, pfn, page_state(pfn), false);
}

static void fz_collect(struct fz *f, unsigned long first, unsigned long nr)
{
	unsigned long pfn;

	for (pfn = first; pfn < first + nr && f->nr_targets < FZ_TARGETS; pfn++) {
		long state = page_state(pfn);

		if (state >= 0 && !host_writes(state))
			f->targets[f->nr_targets++] = pfn;
	}
}

/* The hypervisor's device pages (what the host cannot touch either). */
static const unsigned long fz_dev_pfns[] = { 0x9020, 0x9050, 0x9051, 0x905f };

static void fz_one(struct fz *f, unsigned long first, unsigned long nr)
{
	u64 r = fz_next(f);
	unsigned long pfn;
	long state;

	switch (r % 16) {
	case 0:
		fz_flip(f);
		return;
	case 1:
		pfn = fz_dev_pfns[(r >> 8) % ARRAY_SIZE(fz_dev_pfns)];
		fz_access(f, pfn, -1, (r >> 16) & 1);
		return;
	case 2 ... 9:
		if (f->nr_targets) {
			pfn = f->targets[(r >> 8) % f->nr_targets];
			break;
		}
		fallthrough;
	default:
		pfn = first + (r >> 8) % nr;
		break;
	}
	state = page_state(pfn);
	if (state < 0)
		return;		/* a hole in RAM */
	/* never write where the host itself could: that would be its memory */
	fz_access(f, pfn, state, !host_writes(state) && ((r >> 32) & 1));
}

int dma_test_fuzz(unsigned long ops, unsigned long seed, unsigned long first,
		  unsigned long nr, char *answer, size_t size)
{
	struct fz f = { .rnd = seed | 1 };
	struct arm_smccc_res res;
	unsigned long i;
	int ret = 0;

	if (!ops || !nr)
		return -EINVAL;
	f.targets = kvmalloc_array(FZ_TARGETS, sizeof(*f.targets), GFP_KERNEL);
	f.flippers = alloc_pages(GFP_KERNEL | __GFP_ZERO, 2);
	if (!f.targets || !f.flippers) {
		ret = -ENOMEM;
		goto out;
	}
	fz_collect(&f, first, nr);
	for (i = 0; i < ops; i++)
		fz_one(&f, first, nr);
	/* every own page back before it goes back to the kernel */
	for (i = 0; i < FZ_FLIPPERS; i++) {
		if (f.flipped[i] &&
		    fz_hvc(HC_HOST_RECLAIM, page_to_pfn(f.flippers) + i, 1, &res)) {
			pr_err("pkvm_dma_test: fuzz: an own page stays donated: leaked\n");
			f.flippers = NULL;
			ret = -EIO;
			break;
		}
	}
	snprintf(answer, size,
		 "ops %lu reads %lu writes %lu flips %lu faults %lu targets %lu violations %lu\n",
		 ops, f.reads, f.writes, f.flips, f.faults, f.nr_targets,
		 f.violations);
out:
	if (f.flippers)
		__free_pages(f.flippers, 2);
	kvfree(f.targets);
	return ret;
}
