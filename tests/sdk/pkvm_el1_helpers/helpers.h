/* SPDX-License-Identifier: GPL-2.0-only */
/* The calls of the EL1-helpers build check, one file per ACK header. */
#ifndef PKVM_EL1_HELPERS_H
#define PKVM_EL1_HELPERS_H

int call_kvm_pkvm_module_helpers(void);
int call_kvm_pkvm_helpers(void);
int call_kvm_host_helpers(void);

#endif
