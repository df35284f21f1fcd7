// SPDX-License-Identifier: GPL-2.0-only
/*
 * Source of the seed objects for fuzz_gen_hyprel (committed as .o, each a
 * few KiB; regenerate with "make -C tests/unit fuzz-seeds"):
 *   ok.o       EL2 code as a vendor module has it: .hyp.text calling and
 *              addressing .hyp.* data PC-relatively, .hyp.data holding
 *              64-bit absolute pointers (R_AARCH64_ABS64): accepted.
 *   movw.o     -DSEED_MOVW: plus an absolute MOVW relocation (refused).
 *   undef.o    -DSEED_UNDEF: plus a call to an undefined symbol (refused).
 */
#define __hyp(s)	__attribute__((section(".hyp." s)))

static int counter __hyp("data");

__hyp("text") static int bump(int by)
{
	counter += by;
	return counter;
}

__hyp("text") int handler(int x)
{
	return bump(x) + 1;
}

/* absolute pointers: what the generator lists */
int (*const table[])(int) __hyp("rodata") = { handler, bump };
int *counter_ptr __hyp("data") = &counter;

#ifdef SEED_MOVW
__hyp("text") unsigned long abs_address(void)
{
	unsigned long a;

	asm("movz %0, #:abs_g0_nc:handler" : "=r"(a));
	return a;
}
#endif

#ifdef SEED_UNDEF
extern int not_el2(void);

__hyp("text") int calls_out(void)
{
	return not_el2();
}
#endif
