/* SPDX-License-Identifier: GPL-2.0-only */
/* Host hypercall dispatch (hcall.c). */
#ifndef HYP_HCALL_H
#define HYP_HCALL_H

#include <hyp/cpu.h>

void handle_host_hcall(struct host_ctxt *ctxt);

#endif /* HYP_HCALL_H */
