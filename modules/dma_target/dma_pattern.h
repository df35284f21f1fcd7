/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The page pattern of the DMA tests, written once for both sides: this
 * module's EL2 half fills a hypervisor page with it, the host's test
 * module tests/dma looks for it in what a device read (it includes this
 * file from here, so the module stays whole when copied elsewhere).
 */
#ifndef PKVM_DMA_PATTERN_H
#define PKVM_DMA_PATTERN_H

#define DMA_PATTERN_PAGE	4096

static inline unsigned char dma_pattern_byte(unsigned long seed,
					     unsigned long i)
{
	return (unsigned char)(seed * 131 + i * 7 + (i >> 8));
}

/* How many bytes of @page hold the pattern of @seed (4096: all). */
static inline unsigned long dma_pattern_matches(const unsigned char *page,
						unsigned long seed)
{
	unsigned long i, n = 0;

	for (i = 0; i < DMA_PATTERN_PAGE; i++)
		n += page[i] == dma_pattern_byte(seed, i);
	return n;
}

static inline void dma_pattern_fill(unsigned char *page, unsigned long seed)
{
	unsigned long i;

	for (i = 0; i < DMA_PATTERN_PAGE; i++)
		page[i] = dma_pattern_byte(seed, i);
}

#endif /* PKVM_DMA_PATTERN_H */
