// SPDX-License-Identifier: GPL-2.0-only
/* The two C library routines the compiler may call in a freestanding build. */
#include <pkvmkit/types.h>

void *memset(void *dst, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);

void *memset(void *dst, int c, size_t n)
{
	volatile u8 *d = dst;	/* volatile: keep gcc from calling memset */

	while (n--)
		*d++ = (u8)c;
	return dst;
}

void *memcpy(void *dst, const void *src, size_t n)
{
	volatile u8 *d = dst;
	const u8 *s = src;

	while (n--)
		*d++ = *s++;
	return dst;
}
