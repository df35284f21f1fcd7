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

/* "pkvm_module_api=<name>", the name from PKVM_API_GENERATIONS */
#define PKVM_API_MODINFO(code, name)					\
	.if PKVM_MODULE_API == code ;					\
	.ascii "pkvm_module_api=" ; .asciz #name ;			\
	.set __pkvmkit_api_known, 1 ;					\
	.endif ;

	.section .modinfo, "a", %progbits
	PKVM_API_GENERATIONS(PKVM_API_MODINFO)
	.ifndef __pkvmkit_api_known
	.error "PKVM_MODULE_API: not a generation pkvmkit knows (PKVM_API_GENERATIONS)"
	.endif
