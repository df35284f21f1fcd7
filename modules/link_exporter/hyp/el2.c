// SPDX-License-Identifier: GPL-2.0-only
/*
 * link_exporter, EL2 half (android14-6.1): EL2 functions that other
 * vendor modules' EL2 code calls directly. link_exporter_mix() is
 * exported (el1.c: EXPORT_SYMBOL(__kvm_nvhe_link_exporter_mix)); a module
 * built against it and loaded after it calls it with a plain BL, which
 * the loader points at this module's code at EL2.
 *
 * The result depends on a value init stored in this module's EL2 data
 * and every call is counted there, so that the host can tell that the
 * importer ran this module's code with this module's data.
 */
#include <asm/kvm_pkvm_module.h>

#define LINK_EXPORTER_SALT	0x6100

static u64 salt;
static u64 nr_calls;

/* For other EL2 modules: a * 3 + b + the salt init stored; counted. */
u64 link_exporter_mix(u64 a, u64 b)
{
	__atomic_add_fetch(&nr_calls, 1, __ATOMIC_RELAXED);
	return a * 3 + b + salt;
}

/* The host's own call: x1 = the calls other modules made so far. */
void link_exporter_count(struct kvm_cpu_context *ctx)
{
	cpu_reg(ctx, 1) = __atomic_load_n(&nr_calls, __ATOMIC_RELAXED);
}

int link_exporter_init(const struct pkvm_module_ops *ops)
{
	salt = LINK_EXPORTER_SALT;
	return 0;
}
