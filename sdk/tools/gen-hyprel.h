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

/* The kernel's exported symbols (Module.symvers), sorted by strcmp(). */
struct gen_hyprel_kernel {
	const char *const *names;
	size_t nr;
};

/*
 * The same, and a call to one of @kernel's symbols fails naming it as the
 * kernel's (instead of becoming an import that modpost then refuses).
 */
int gen_hyprel_for(const void *buf, size_t len, const char *path,
		   const struct gen_hyprel_kernel *kernel, FILE *out, FILE *err);

#endif
