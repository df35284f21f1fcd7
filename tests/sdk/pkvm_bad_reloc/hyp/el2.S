/* SPDX-License-Identifier: GPL-2.0-only */
/* A 32-bit absolute pointer in EL2 data: cannot be moved, must not build. */
	.text
	.global bad_reloc_hyp_init
bad_reloc_hyp_init:
	mov	w0, #0
	ret

	.section .rodata, "a"
	.global bad_reloc_target32
bad_reloc_target32:
	.long	bad_reloc_hyp_init
