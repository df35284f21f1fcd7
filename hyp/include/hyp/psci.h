/* SPDX-License-Identifier: GPL-2.0-only */
/* The host's PSCI relay (psci.c) and its vendor-module notifier. */
#ifndef HYP_PSCI_H
#define HYP_PSCI_H

#include <hyp/cpu.h>

void hyp_psci_init(void);
void hyp_psci_notify(int event, struct host_ctxt *ctxt);
/* True if @ctxt's x0 was a PSCI call, which it then handled. */
bool hyp_psci_relay(struct host_ctxt *ctxt);

#endif /* HYP_PSCI_H */
