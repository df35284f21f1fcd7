// SPDX-License-Identifier: GPL-2.0-only
/* What a module finds in asm/kvm_pkvm.h alone, as on ACK. */
#include <asm/kvm_pkvm.h>
#include "helpers.h"

int call_kvm_pkvm_helpers(void)
{
	return __pkvm_topup_hyp_alloc(1);
}
