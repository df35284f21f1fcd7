// SPDX-License-Identifier: GPL-2.0-only
/*
 * The address of a kernel symbol Linux does not export to modules (6.1
 * and 6.12 alike), found through a kprobe registered on it by name: the
 * only way a module has to look one up. The kprobe is registered
 * disabled and dropped at once: looked up, never armed, no text patched.
 * NULL without CONFIG_KPROBES or for a name the kernel does not know;
 * each caller says what it then lacks.
 */
#include "pkvmkit.h"
#include <linux/kprobes.h>

void *pk_kernel_symbol(const char *name)
{
	struct kprobe kp = { .symbol_name = name, .flags = KPROBE_FLAG_DISABLED };
	void *addr;

	if (register_kprobe(&kp) < 0)
		return NULL;
	addr = kp.addr;
	unregister_kprobe(&kp);
	return addr;
}
