// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer entry point for lib/pgtable.c: the input drives a sequence of
 * map/unmap operations that are checked against the flat model of
 * pgt_model.h after each one (any mismatch aborts), with and without the
 * PGT_F_PAGES_ONLY and PGT_F_COALESCE policies.
 *
 * Built by "make -C tests/unit fuzz" with clang -fsanitize=fuzzer.
 */
#include <stdint.h>
#include <stddef.h>
#include "pgt_model.h"

static u64 take_u64(const uint8_t **data, size_t *size)
{
	u64 v = 0;
	int i;

	for (i = 0; i < 8 && *size; i++, (*data)++, (*size)--)
		v |= (u64)**data << (8 * i);
	return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pgt_model m;
	u64 r[4];
	u8 cfg;
	int ops = 0;

	if (size < 1)
		return 0;
	cfg = data[0];
	data++;
	size--;

	/* Three window shapes, as in test_pgtable.c, and both stages. */
	switch (cfg % 3) {
	case 0:
		model_init(&m, cfg & 4 ? PGT_STAGE2 : PGT_STAGE1_EL2, 32,
			   0xc0000000ULL - 0x1000000ULL, 12, 8192);
		break;
	case 1:
		model_init(&m, cfg & 4 ? PGT_STAGE2 : PGT_STAGE1_EL2, 40,
			   (512ULL << 30) - 0x1000000ULL, 12, 8192);
		break;
	default:
		model_init(&m, cfg & 4 ? PGT_STAGE2 : PGT_STAGE1_EL2, 40,
			   2ULL << 30, 21, 2048);
		break;
	}

	/*
	 * And the policies: pages only, coalescing, both, neither (pages
	 * only where the model's unit is a page: its 2 MiB-unit window
	 * takes every leaf to be whole units).
	 */
	m.pgt.flags = (cfg & 8 && m.unit_shift == 12 ? PGT_F_PAGES_ONLY : 0) |
		      (cfg & 16 ? PGT_F_COALESCE : 0);

	while (size && ops++ < 256 && !m.errors) {
		r[0] = take_u64(&data, &size);
		r[1] = take_u64(&data, &size);
		r[2] = take_u64(&data, &size);
		r[3] = take_u64(&data, &size);
		model_random_op(&m, r);
	}
	model_destroy(&m);
	if (m.errors) {
		fprintf(stderr, "pgtable model mismatch: %s\n", m.first_error);
		abort();
	}
	return 0;
}
