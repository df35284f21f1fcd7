/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Test doubles for struct pgt_mm_ops: a malloc-backed page allocator that
 * counts pages and can be told to fail, VA == PA translation, and a
 * tlb_inval() that checks break-before-make and counts calls. Plus raw
 * helpers that read descriptors directly (independent of pgt_lookup).
 */
#ifndef PKVMKIT_TESTS_FAKE_MM_H
#define PKVMKIT_TESTS_FAKE_MM_H

#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <pkvmkit/pgtable.h>

struct fake_tlb_rec {
	u64 addr;
	u32 level;
};

struct fake_mm {
	struct pgt_mm_ops ops;
	struct pgt *pgt;	/* for the break-before-make check */
	long allocs;		/* successful allocations, ever */
	long frees;
	long live;		/* pages currently allocated */
	long fail_after;	/* allocations left before failing; < 0: never */
	long tlb_calls;
	long bbm_violations;	/* tlb_inval while the entry was still valid */
	struct fake_tlb_rec tlb[64];	/* first calls, for exact checks */
	/* optional hook run on each tlb_inval */
	void (*on_tlb)(struct fake_mm *fm, u64 addr, u32 level);
	void *hook_arg;
};

static inline u32 raw_shift(u32 level)
{
	return 12 + 9 * (3 - level);
}

/* Raw entry for @addr at @level, or ~0 if the walk stops above it. */
static inline pgt_pte_t raw_entry(const struct pgt *pgt, u64 addr, u32 level)
{
	pgt_pte_t *table = pgt->root;
	u32 l;

	for (l = pgt->start_level; ; l++) {
		pgt_pte_t pte = table[(addr >> raw_shift(l)) & 511];

		if (l == level)
			return pte;
		if ((pte & 3) != 3)
			return ~0ULL;
		table = (pgt_pte_t *)(uintptr_t)(pte & GENMASK_ULL(47, 12));
	}
}

static void *fake_zalloc(void *arg)
{
	struct fake_mm *fm = arg;
	void *p;

	if (fm->fail_after == 0)
		return NULL;
	if (fm->fail_after > 0)
		fm->fail_after--;
	p = aligned_alloc(4096, 4096);
	if (!p)
		abort();
	memset(p, 0, 4096);
	fm->allocs++;
	fm->live++;
	return p;
}

static void fake_free(void *arg, void *va)
{
	struct fake_mm *fm = arg;

	/* Poison first: a use after free then shows up as garbage PTEs. */
	memset(va, 0xa5, 4096);
	free(va);
	fm->frees++;
	fm->live--;
}

static u64 fake_v2p(void *va)
{
	return (u64)(uintptr_t)va;
}

static void *fake_p2v(u64 pa)
{
	return (void *)(uintptr_t)pa;
}

static void fake_tlb_inval(void *arg, enum pgt_stage stage, u64 addr,
			   u32 level)
{
	struct fake_mm *fm = arg;

	(void)stage;
	if (fm->tlb_calls < 64) {
		fm->tlb[fm->tlb_calls].addr = addr;
		fm->tlb[fm->tlb_calls].level = level;
	}
	fm->tlb_calls++;
	if (fm->pgt && fm->pgt->root) {
		pgt_pte_t pte = raw_entry(fm->pgt, addr, level);

		/* The entry must have been cleared (or its path is gone). */
		if (pte != 0 && pte != ~0ULL)
			fm->bbm_violations++;
		if (addr & ((1ULL << raw_shift(level)) - 1))
			fm->bbm_violations++;
	}
	if (fm->on_tlb)
		fm->on_tlb(fm, addr, level);
}

static inline void fake_mm_init(struct fake_mm *fm)
{
	memset(fm, 0, sizeof(*fm));
	fm->ops.zalloc_page = fake_zalloc;
	fm->ops.free_page = fake_free;
	fm->ops.virt_to_phys = fake_v2p;
	fm->ops.phys_to_virt = fake_p2v;
	fm->ops.tlb_inval = fake_tlb_inval;
	fm->ops.arg = fm;
	fm->fail_after = -1;
}

/* Count table pages by walking, root included; also count empty ones. */
static inline u64 raw_count_tables_at(const pgt_pte_t *table, u32 level,
				      u64 *empty)
{
	u64 n = 1;
	int i, valid = 0;

	for (i = 0; i < 512; i++) {
		pgt_pte_t pte = table[i];

		if (pte & 1)
			valid++;
		if (level < 3 && (pte & 3) == 3)
			n += raw_count_tables_at(
				(pgt_pte_t *)(uintptr_t)(pte & GENMASK_ULL(47, 12)),
				level + 1, empty);
	}
	if (!valid && empty)
		(*empty)++;
	return n;
}

static inline u64 raw_count_tables(const struct pgt *pgt, u64 *empty_nonroot)
{
	u64 empty = 0;
	u64 n = raw_count_tables_at(pgt->root, pgt->start_level, &empty);
	int i, root_valid = 0;

	for (i = 0; i < 512; i++)
		if (pgt->root[i] & 1)
			root_valid++;
	if (!root_valid)
		empty--;
	if (empty_nonroot)
		*empty_nonroot = empty;
	return n;
}

/* A snapshot of every leaf, for before/after comparisons. */
struct leaf {
	u64 addr, pa, size;
	u32 prot, level;
};

struct leaves {
	struct leaf *v;
	size_t n, cap;
};

static int leaves_add(u64 addr, u64 pa, u64 size, u32 prot, u32 level,
		      void *arg)
{
	struct leaves *l = arg;

	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 64;
		l->v = realloc(l->v, l->cap * sizeof(*l->v));
		if (!l->v)
			abort();
	}
	l->v[l->n].addr = addr;
	l->v[l->n].pa = pa;
	l->v[l->n].size = size;
	l->v[l->n].prot = prot;
	l->v[l->n].level = level;
	l->n++;
	return 0;
}

static inline struct leaves leaves_of(const struct pgt *pgt)
{
	struct leaves l = { 0 };

	if (pgt_walk_leaves(pgt, 0, 1ULL << pgt->ia_bits, leaves_add, &l))
		abort();
	return l;
}

static inline int leaves_equal(const struct leaves *a, const struct leaves *b)
{
	return a->n == b->n &&
	       (a->n == 0 || !memcmp(a->v, b->v, a->n * sizeof(*a->v)));
}

static inline void leaves_free(struct leaves *l)
{
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
}

#endif /* PKVMKIT_TESTS_FAKE_MM_H */
