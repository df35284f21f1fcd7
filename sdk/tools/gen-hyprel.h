/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef PKVMKIT_GEN_HYPREL_H
#define PKVMKIT_GEN_HYPREL_H
#include <stddef.h>
#include <stdio.h>

/*
 * Write the .hyp.reloc assembly for the object in @buf to @out; 0, or -1
 * after printing why to @err. @path only names the object in messages.
 */
int gen_hyprel(const void *buf, size_t len, const char *path, FILE *out,
	       FILE *err);

#endif
