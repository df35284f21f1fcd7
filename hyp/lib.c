// SPDX-License-Identifier: GPL-2.0-only
/* The two C library routines the compiler may call in a freestanding build. */
#include <pkvmkit/types.h>
#include <hyp/lib.h>
#include <hyp/module_ops.h>

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

/* The members of pkvm_module_ops that modules use instead of these. */
void *hyp_op_memcpy(void *to, const void *from, size_t count)
{
	return memcpy(to, from, count);
}

void *hyp_op_memset(void *dst, int c, size_t count)
{
	return memset(dst, c, count);
}
