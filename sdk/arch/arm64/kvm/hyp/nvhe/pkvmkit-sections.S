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

/*
 * The generation of the interface this EL2 code was built for, and
 * whether its ops layout has the list-hardening members: the loader
 * gives the module that generation's ops table and call convention, and
 * refuses a module whose EL1 side says otherwise. Also in modinfo. Only
 * EL1 reads it: its section is none of the .hyp.* ones EL2 maps.
 */
#include <asm/pkvmkit_module_ops.h>

#ifndef PKVM_MODULE_API
#define PKVM_MODULE_API		PKVM_API_ANDROID14_6_1
#endif
#ifdef CONFIG_LIST_HARDENED
#define PKVM_API_LAYOUT		(PKVM_MODULE_API | PKVM_API_LIST_HARDENED)
#else
#define PKVM_API_LAYOUT		PKVM_MODULE_API
#endif

	.section .pkvmkit.api, "a", %progbits
	.balign	4
	.global	__hypmod_api
__hypmod_api:
	.long	PKVM_API_LAYOUT

	.section .modinfo, "a", %progbits
#if PKVM_MODULE_API == PKVM_API_ANDROID14_6_1
	.asciz	"pkvm_module_api=android14-6.1"
#elif PKVM_MODULE_API == PKVM_API_ANDROID15_6_6
	.asciz	"pkvm_module_api=android15-6.6"
#elif PKVM_MODULE_API == PKVM_API_ANDROID16_6_12
	.asciz	"pkvm_module_api=android16-6.12"
#else
#error "PKVM_MODULE_API: not a generation pkvmkit knows (601, 606, 612)"
#endif
