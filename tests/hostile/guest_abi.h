/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the fuzzer's guest (guest.S) and its host side (vcpu.c, duel.c)
 * agree on, for C and assembly alike.
 */
#ifndef PKVM_HOSTILE_GUEST_ABI_H
#define PKVM_HOSTILE_GUEST_ABI_H

#define FZ_GUEST_TAG_OFF	0x80	/* where a guest's load reads */
#define FZ_GUEST_STORE_OFF	0x88	/* ... and its store writes */
#define FZ_FP_MARK		0x504650534d494421	/* the spin's v0, v31 */

#endif /* PKVM_HOSTILE_GUEST_ABI_H */
