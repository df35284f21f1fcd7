// SPDX-License-Identifier: GPL-2.0-only
/* What a module finds in asm/kvm_pkvm_module.h alone, as on ACK. */
#include <asm/kvm_pkvm_module.h>
#include "helpers.h"

int call_kvm_pkvm_module_helpers(void)
{
	phys_addr_t start, end;

	kvm_get_kernel_pa(&start, &end);
	return start < end ? 0 : -ENOENT;
}
