// SPDX-License-Identifier: GPL-2.0-only
/*
 * EL2 code calling an EL2 function no module exports: the build keeps the
 * call as an import, and modpost must then fail, naming it.
 */
#include <asm/kvm_pkvm_module.h>

int no_module_exports_this(int x);

int bad_import_hyp_init(const struct pkvm_module_ops *ops)
{
	return no_module_exports_this(1);
}
