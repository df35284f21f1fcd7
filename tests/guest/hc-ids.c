// SPDX-License-Identifier: GPL-2.0-only
/*
 * hc-ids: print the hypercall ABI of include/pkvmkit/hypercall.h as shell
 * variable assignments, for the guest scripts (tests/lib/guest.sh sources
 * the output from /root/hc-ids.sh). A host program, built against the
 * header, so the scripts never carry a hand-copied id that can go stale.
 *
 * Conventions of the output: HC_<call> is the full SMCCC function id
 * (HC_ID(n)), as the debugfs hvc file takes it; HC_NR_STATIC,
 * HC_FIRST_DYNAMIC and HC_MAX_DYNAMIC are call numbers n, as in the header;
 * HC_{SETUP,ONCE,ALWAYS}_{NAMES,IDS} list the calls of each kind; HC_HOOK_<kind>
 * is a hook kind, as HC_HOOK_INFO takes it.
 *
 * Exits 1 (and prints nothing useful) if the list breaks the header's
 * rule that n counts up from 1 without gaps, since hyp/hcall.c relies on it.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <pkvmkit/hypercall.h>
#include <pkvmkit/ownership.h>

struct hc_desc {
	const char *name;
	unsigned long n;
	const char *when;
};

#define HC_DESC(name, n, when, handler)	{ #name, n, #when },

static const struct hc_desc hcalls[] = {
	PKVMKIT_HC_LIST(HC_DESC)
};

#define NR_HCALLS	(sizeof(hcalls) / sizeof(hcalls[0]))

struct named_value {
	const char *name;
	unsigned int value;
};

#define NAMED(x)	{ #x, x }

/* the errors the hypervisor's calls return (Linux numbers on both sides) */
static const struct named_value errnos[] = {
	NAMED(EPERM), NAMED(ENOENT), NAMED(ENOMEM), NAMED(EFAULT),
	NAMED(EBUSY), NAMED(EEXIST), NAMED(ENODEV), NAMED(EINVAL),
	NAMED(ENOSPC), NAMED(ERANGE), NAMED(ENOSYS), NAMED(EOPNOTSUPP),
};

#define PAGE_STATE(name, str)	{ #name, PAGE_##name },

static const struct named_value page_states[] = {
	OWN_PAGE_STATES(PAGE_STATE)
};

#define HOOK_NAME(name, what)	#name,

static const char *const hooks[] = {
	PKVMKIT_HOOK_LIST(HOOK_NAME)
};

static int check_numbering(void)
{
	unsigned int i;

	for (i = 0; i < NR_HCALLS; i++) {
		if (hcalls[i].n != i + 1) {
			fprintf(stderr, "hc-ids: %s is %lu, expected %u: PKVMKIT_HC_LIST must count up from 1\n",
				hcalls[i].name, hcalls[i].n, i + 1);
			return -1;
		}
	}
	if (HC_NR_STATIC != NR_HCALLS + 1 || HC_NR_STATIC > HC_FIRST_DYNAMIC) {
		fprintf(stderr, "hc-ids: HC_NR_STATIC %d does not fit the list\n",
			HC_NR_STATIC);
		return -1;
	}
	return 0;
}

/*
 * Two variables for the calls of kind @when: their names (HC_<KIND>_NAMES,
 * so a test can say which call failed) and their ids (HC_<KIND>_IDS).
 */
static void print_kind(const char *kind, const char *when)
{
	const char *sep;
	unsigned int i;

	printf("HC_%s_NAMES=\"", kind);
	for (i = 0, sep = ""; i < NR_HCALLS; i++) {
		if (!strcmp(hcalls[i].when, when)) {
			printf("%s%s", sep, hcalls[i].name);
			sep = " ";
		}
	}
	printf("\"\nHC_%s_IDS=\"", kind);
	for (i = 0, sep = ""; i < NR_HCALLS; i++) {
		if (!strcmp(hcalls[i].when, when)) {
			printf("%s%#lx", sep, HC_ID(hcalls[i].n));
			sep = " ";
		}
	}
	printf("\"\n");
}

int main(void)
{
	unsigned int i;

	if (check_numbering())
		return 1;
	printf("# Generated from include/pkvmkit/hypercall.h by tests/guest/hc-ids.c; do not edit.\n");
	printf("HC_FUNC_BASE=%#lx\n", HC_FUNC_BASE);
	for (i = 0; i < NR_HCALLS; i++)
		printf("%s=%#lx\n", hcalls[i].name, HC_ID(hcalls[i].n));
	printf("HC_NR_STATIC=%d\n", HC_NR_STATIC);
	printf("HC_FIRST_DYNAMIC=%d\n", HC_FIRST_DYNAMIC);
	printf("HC_MAX_DYNAMIC=%d\n", HC_MAX_DYNAMIC);
	print_kind("SETUP", "setup");
	print_kind("ONCE", "once");
	print_kind("ALWAYS", "always");
	/* the scripts have always called it PING_MAGIC; keep both names */
	printf("HC_PING_MAGIC=%#lx\n", HC_PING_MAGIC);
	printf("PING_MAGIC=%#lx\n", HC_PING_MAGIC);
	printf("HC_CPU_INSTALLED=%#lx\n", HC_CPU_INSTALLED);
	printf("HC_CPU_STAGE2=%#lx\n", HC_CPU_STAGE2);
	printf("HC_CPU_HOST_DEPRIV=%#lx\n", HC_CPU_HOST_DEPRIV);
	printf("HC_TEST_DATA_ABORT=%d\nHC_TEST_LOCK_ORDER=%d\n", HC_TEST_DATA_ABORT,
	       HC_TEST_LOCK_ORDER);
	printf("HYP_INIT_MAGIC=%#lx\n", HYP_INIT_MAGIC);
	/* SMCCC's NOT_SUPPORTED and -errno results, as x0..x3 print (%#lx) */
	printf("NOT_SUPPORTED=%#lx\n", (unsigned long)SMCCC_RET_NOT_SUPPORTED);
	for (i = 0; i < sizeof(errnos) / sizeof(errnos[0]); i++)
		printf("R_%s=%#lx\n", errnos[i].name, -(unsigned long)errnos[i].value);
	/* enum page_state, as HC_PAGE_STATE answers */
	for (i = 0; i < sizeof(page_states) / sizeof(page_states[0]); i++)
		printf("ST_%s=0x%x\n", page_states[i].name, page_states[i].value);
	printf("ST_COUNT=0x%x\n", PAGE_STATE_COUNT);
	/* the hook kinds HC_HOOK_INFO takes, by their place in the list */
	for (i = 0; i < sizeof(hooks) / sizeof(hooks[0]); i++)
		printf("%s=%u\n", hooks[i], i);
	return 0;
}
