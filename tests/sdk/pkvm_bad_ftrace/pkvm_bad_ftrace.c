// SPDX-License-Identifier: GPL-2.0-only
/*
 * A module with one ftrace patch site at offset 4 of a 4-byte aligned
 * section: what gcc 12 leaves for __cold functions when it builds modules
 * for trixie's gcc-14 kernel, and what makes that kernel BUG in
 * ftrace_init_nop() at load (CONFIG_DYNAMIC_FTRACE_WITH_CALL_OPS wants
 * every site 8-byte aligned). scripts/kbuild must refuse it there. Built,
 * never loaded.
 */
#include <linux/module.h>

asm(".pushsection .text.pkvmkit_misaligned, \"ax\", %progbits\n"
    "	.balign 4\n"
    "	nop\n"
    "misaligned_site:\n"
    "	nop\n"
    "	nop\n"
    "	ret\n"
    ".popsection\n"
    ".pushsection __patchable_function_entries, \"aw\", %progbits\n"
    "	.balign 8\n"
    "	.8byte misaligned_site\n"
    ".popsection\n");

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("pkvmkit test: a misaligned ftrace patch site");
