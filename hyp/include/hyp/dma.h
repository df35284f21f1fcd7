/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * DMA isolation (dma.c): the SMMU checked at install, the DMA mirror
 * built and the SMMU enabled at deprivilege, and the state the host and
 * the protected-VM rule read.
 */
#ifndef HYP_DMA_H
#define HYP_DMA_H

#include <pkvmkit/boot.h>
#include <pkvmkit/types.h>

int hyp_dma_init(const struct hyp_params *p);
void hyp_dma_deprivilege(u32 host_ia_bits);
int hyp_dma_state(void);		/* enum pkvmkit_dma_state */
const char *hyp_dma_state_text(int state);
bool hyp_dma_allows_pvm(void);

#endif /* HYP_DMA_H */
