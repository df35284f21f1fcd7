/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * pkvmkit: partial link of a vendor module's EL2 objects. Gathers them in
 * .hyp.text/.rodata/.data/.bss, each starting on a page and padded to a
 * page, so each can be mapped at EL2 with its own permissions, and defines
 * the symbols the loader and pkvmkit-gen-hyprel use.
 */
#include <asm/page-def.h>

#define HYP_SECTION(name, input, more)				\
	.hyp.name : ALIGN(PAGE_SIZE) {				\
		__hyp_section_.hyp.name = .;			\
		__hypmod_##name##_start = .;			\
		*(input)					\
		more						\
		. = ALIGN(PAGE_SIZE);				\
		__hypmod_##name##_end = .;			\
	}

/*
 * The hyp events' ids and enabled flags (nvhe/define_events.h): written
 * by the host's loader before the module goes to EL2, by the hypervisor
 * after, so data, where both can.
 */
#define HYP_EVENT_IDS						\
		. = ALIGN(8);					\
		__hyp_event_ids_start = .;			\
		KEEP(*(.hyp.event_ids))				\
		__hyp_event_ids_end = .;

SECTIONS {
	HYP_SECTION(text, .text .text.*, )
	HYP_SECTION(bss, .bss .bss.*, )
	HYP_SECTION(rodata, .rodata .rodata.*, )
	HYP_SECTION(data, .data .data.*, HYP_EVENT_IDS)
}
