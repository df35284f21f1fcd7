// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer entry point for the relocation-list generator
 * (sdk/tools/gen-hyprel.c): the input is taken as the vendor module's ELF
 * relocatable object. Whatever it holds, gen_hyprel() must either produce
 * a list (0) or refuse with a message (-1): never crash, hang or read
 * outside the buffer (ASan checks that; the buffer is exactly @size bytes).
 *
 * Seeds: tests/unit/corpus/gen_hyprel/ (small objects from the cross
 * compiler, see seed.c there). Built by "make -C tests/unit fuzz".
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include "../../sdk/tools/gen-hyprel.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Output and messages are not checked here: keep them off the terminal. */
static FILE *sink(void)
{
	static FILE *null;

	if (!null) {
		null = fopen("/dev/null", "w");
		if (!null)
			abort();
	}
	return null;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int ret = gen_hyprel(data, size, "fuzz.o", sink(), sink());

	if (ret != 0 && ret != -1) {
		fprintf(stderr, "gen_hyprel returned %d, not 0 or -1\n", ret);
		abort();
	}
	return 0;
}
