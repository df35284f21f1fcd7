/* SPDX-License-Identifier: GPL-2.0-only */
/* pkvm_dma_test's parts (main.c: the devices and commands; fuzz.c). */
#ifndef PKVM_DMA_TEST_H
#define PKVM_DMA_TEST_H

#include <linux/types.h>

#define EDU_BUFFER		0x40000	/* edu's 4 KiB buffer, as the device sees it */

/* One edu transfer of @len bytes; 0 or -ETIMEDOUT/-ENODEV. */
int dma_test_edu(u64 src, u64 dst, u64 len, bool to_ram);

/*
 * fuzz.c: @ops random DMA accesses by edu against pfns of [first, first
 * + nr) and the hypervisor's device ranges, with ownership changes in
 * between; each checked against the page's state. Writes "..." into
 * @answer.
 */
int dma_test_fuzz(unsigned long ops, unsigned long seed, unsigned long first,
		  unsigned long nr, char *answer, size_t size);

#endif /* PKVM_DMA_TEST_H */
