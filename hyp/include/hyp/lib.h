/* SPDX-License-Identifier: GPL-2.0-only */
/* The string functions of lib.c (the compiler may call them too). */
#ifndef HYP_LIB_H
#define HYP_LIB_H

#include <pkvmkit/types.h>

void *memset(void *dst, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);

#endif /* HYP_LIB_H */
