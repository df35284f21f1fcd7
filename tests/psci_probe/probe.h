/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the PSCI probe (probe.S) and the module that starts it
 * (psci_probe_main.c) share: the layout of the result page and the few
 * PSCI function ids the probe itself needs.
 *
 * The probe runs with its MMU off, so it only knows physical addresses:
 * it gets the result page's PA as its context id (x0) and finds the PA to
 * read in that page.
 */
#ifndef PSCI_PROBE_H
#define PSCI_PROBE_H

/* Result page: byte offsets of 64-bit words */
#define PROBE_RAN		0	/* PROBE_RAN_MAGIC: the probe started */
#define PROBE_EL		8	/* CurrentEL.EL the probe ran at */
#define PROBE_TARGET		16	/* in: the PA the probe tries to read */
#define PROBE_READ_OK		24	/* 1: that read completed */
#define PROBE_WORD		32	/* what it read */
#define PROBE_FAULTS		40	/* exceptions taken */
#define PROBE_VECTOR		48	/* vector entry (0..15) of the first */
#define PROBE_ESR		56	/* its ESR_ELx, FAR_ELx, ELR_ELx */
#define PROBE_FAR		64
#define PROBE_ELR		72
#define PROBE_DONE		80	/* PROBE_DONE_MAGIC: about to CPU_OFF */
#define PROBE_OFF_RET		88	/* x0 if CPU_OFF ever returned */
#define PROBE_NR_WORDS		12

#define PROBE_RAN_MAGIC		0x50524f42	/* "PROB" */
#define PROBE_DONE_MAGIC	0x444f4e45	/* "DONE" */

/*
 * The vector table is the first 2 KiB of the probe (VBAR needs 2 KiB
 * alignment; the module copies the probe to the start of a page).
 */
#define PROBE_VECTOR_BYTES	0x80
#define PROBE_NR_VECTORS	16

/* PSCI architectural function ids (PSCI 0.2+, SMC32 and SMC64 forms) */
#define PSCI_FN32(n)		(0x84000000 | (n))
#define PSCI_FN64(n)		(0xC4000000 | (n))
#define PSCI_NR_VERSION		0
#define PSCI_NR_CPU_OFF		2
#define PSCI_NR_AFFINITY_INFO	4

#endif /* PSCI_PROBE_H */
