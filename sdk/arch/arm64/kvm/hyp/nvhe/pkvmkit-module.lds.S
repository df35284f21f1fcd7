/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * pkvmkit: partial link of a vendor module's EL2 objects. Gathers them in
 * .hyp.text/.rodata/.data/.bss, each starting on a page and padded to a
 * page, so each can be mapped at EL2 with its own permissions, and defines
 * the symbols the loader and pkvmkit-gen-hyprel use.
 */
#include <asm/page-def.h>

#define HYP_SECTION(name, input)				\
	.hyp.name : ALIGN(PAGE_SIZE) {				\
		__hyp_section_.hyp.name = .;			\
		__hypmod_##name##_start = .;			\
		*(input)					\
		. = ALIGN(PAGE_SIZE);				\
		__hypmod_##name##_end = .;			\
	}

SECTIONS {
	HYP_SECTION(text, .text .text.*)
	HYP_SECTION(bss, .bss .bss.*)
	HYP_SECTION(rodata, .rodata .rodata.*)
	HYP_SECTION(data, .data .data.*)
}
