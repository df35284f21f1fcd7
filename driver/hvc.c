// SPDX-License-Identifier: GPL-2.0-only
/* Calling the hypervisor: SMCCC hypercalls, on this or a chosen CPU. */
#include "pkvmkit.h"
#include <linux/smp.h>

struct arm_smccc_res pk_hvc(unsigned long id, unsigned long a1,
			    unsigned long a2, unsigned long a3)
{
	struct arm_smccc_res res;

	arm_smccc_1_1_hvc(id, a1, a2, a3, &res);
	return res;
}

struct hvc_args {
	const unsigned long *a;
	bool smc;
	struct arm_smccc_res res;
};

static void hvc_args_on_this_cpu(void *info)
{
	struct hvc_args *h = info;
	const unsigned long *a = h->a;

	if (h->smc)
		arm_smccc_1_1_smc(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7],
				  &h->res);
	else
		arm_smccc_1_1_hvc(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7],
				  &h->res);
}

static int call_args(int cpu, const unsigned long a[8], bool smc,
		     struct arm_smccc_res *res)
{
	struct hvc_args h = { .a = a, .smc = smc };
	int ret = 0;

	if (cpu < 0)
		hvc_args_on_this_cpu(&h);
	else
		ret = smp_call_function_single(cpu, hvc_args_on_this_cpu, &h, 1);
	if (!ret)
		*res = h.res;
	return ret;
}

/* @a: function id and x1..x7; on @cpu, or here if @cpu < 0. */
int pk_hvc_args(int cpu, const unsigned long a[8], struct arm_smccc_res *res)
{
	return call_args(cpu, a, false, res);
}

/* The same as an SMC: what the host sends its firmware, trapped by EL2. */
int pk_smc_args(int cpu, const unsigned long a[8], struct arm_smccc_res *res)
{
	return call_args(cpu, a, true, res);
}

int pk_hvc_on_cpu(int cpu, unsigned long id, unsigned long a1,
		  unsigned long a2, unsigned long a3, struct arm_smccc_res *res)
{
	const unsigned long a[8] = { id, a1, a2, a3 };

	return pk_hvc_args(cpu, a, res);
}

/*
 * The non-SMCCC calls of the install handshake (Linux's stub ABI and our
 * init vectors): x0, x1 in, x0 out; the init path clobbers x2 and x3.
 */
unsigned long pk_raw_hvc(unsigned long x0, unsigned long x1)
{
	register unsigned long r0 asm("x0") = x0;
	register unsigned long r1 asm("x1") = x1;

	asm volatile("hvc #0"
		     : "+r" (r0), "+r" (r1)
		     :
		     : "x2", "x3", "memory");
	return r0;
}
