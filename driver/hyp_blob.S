/* SPDX-License-Identifier: GPL-2.0-only */
/* The EL2 image (build/hyp/hyp.bin), embedded in the driver. */
	.section .rodata, "a"
	.balign	4096
	.global	pkvmkit_hyp_blob_start
pkvmkit_hyp_blob_start:
	.incbin	HYP_BIN
	.global	pkvmkit_hyp_blob_end
pkvmkit_hyp_blob_end:
