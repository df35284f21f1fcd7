/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * pkvmkit: empty input sections with the right flags, linked first into
 * every vendor module's EL2 object, so that each .hyp.* output section is
 * allocatable (and loaded) even when the module has nothing in it.
 */
	.section .text, "ax", %progbits
	.section .rodata, "a", %progbits
	.section .data, "aw", %progbits
	.section .bss, "aw", %nobits
