/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Differential checker for lib/pgtable.c: a flat array model (one entry per
 * "unit" of 4 KiB or 2 MiB) of what every address of a window should map
 * to. After every operation the whole window is compared through
 * pgt_walk_leaves() and pgt_lookup(), nr_tables is recounted by walking,
 * allocations are checked against pgt_max_tables(), and every tlb_inval()
 * must concern an entry that mapped something before the operation.
 * Shared by test_pgtable.c (fixed seeds) and fuzz_pgtable.c (libFuzzer).
 */
#ifndef PKVMKIT_TESTS_PGT_MODEL_H
#define PKVMKIT_TESTS_PGT_MODEL_H

#include <stdarg.h>
#include <stdio.h>
#include "fake_mm.h"

struct pgt_model {
	struct pgt pgt;
	struct fake_mm fm;
	u64 base;		/* window start (VA/IPA) */
	u32 unit_shift;		/* 12 or 21 */
	u64 nr_units;
	u64 *pa;		/* expected pa of each unit */
	u32 *prot;		/* expected prot, 0 = unmapped */
	u32 *old_prot;		/* state before the current operation */
	long errors;
	char first_error[256];
};

static const u32 model_s1_prots[] = {
	PGT_PROT_R, PGT_PROT_RW, PGT_PROT_RX, PGT_PROT_RWX,
	PGT_PROT_R | PGT_PROT_DEVICE, PGT_PROT_RW | PGT_PROT_DEVICE,
};

static inline void model_error(struct pgt_model *m, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static inline void model_error(struct pgt_model *m, const char *fmt, ...)
{
	va_list ap;

	if (!m->errors++) {
		va_start(ap, fmt);
		vsnprintf(m->first_error, sizeof(m->first_error), fmt, ap);
		va_end(ap);
	}
}

/* Every tlb_inval() must be for an entry that mapped something. */
static void model_on_tlb(struct fake_mm *fm, u64 addr, u32 level)
{
	struct pgt_model *m = fm->hook_arg;
	u64 size = 1ULL << raw_shift(level);
	u64 lo = addr, hi = addr + size, u;
	u64 wend = m->base + (m->nr_units << m->unit_shift);

	if (lo < m->base)
		lo = m->base;
	if (hi > wend)
		hi = wend;
	for (u = lo; u < hi; u += 1ULL << m->unit_shift)
		if (m->old_prot[(u - m->base) >> m->unit_shift])
			return;
	model_error(m, "tlb_inval(%#llx, level %u) for an entry that mapped "
		    "nothing", (unsigned long long)addr, level);
}

static inline int model_init(struct pgt_model *m, enum pgt_stage stage,
			     u32 ia_bits, u64 base, u32 unit_shift,
			     u64 nr_units)
{
	memset(m, 0, sizeof(*m));
	fake_mm_init(&m->fm);
	m->fm.pgt = &m->pgt;
	m->fm.on_tlb = model_on_tlb;
	m->fm.hook_arg = m;
	m->base = base;
	m->unit_shift = unit_shift;
	m->nr_units = nr_units;
	m->pa = calloc(nr_units, sizeof(*m->pa));
	m->prot = calloc(nr_units, sizeof(*m->prot));
	m->old_prot = calloc(nr_units, sizeof(*m->old_prot));
	if (!m->pa || !m->prot || !m->old_prot)
		abort();
	return pgt_init(&m->pgt, stage, ia_bits, &m->fm.ops);
}

static inline void model_destroy(struct pgt_model *m)
{
	pgt_destroy(&m->pgt);
	if (m->fm.live)
		model_error(m, "%ld pages still allocated after destroy",
			    m->fm.live);
	free(m->pa);
	free(m->prot);
	free(m->old_prot);
}

struct model_walk {
	struct pgt_model *m;
	u64 next;		/* expected: leaves strictly increasing */
	u64 covered;
};

static int model_leaf(u64 addr, u64 pa, u64 size, u32 prot, u32 level,
		      void *arg)
{
	struct model_walk *w = arg;
	struct pgt_model *m = w->m;
	u64 usz = 1ULL << m->unit_shift;
	u64 off;

	if (addr < w->next || (size & (usz - 1)) || (addr & (usz - 1)) ||
	    level > 3 || size > (1ULL << raw_shift(level))) {
		model_error(m, "bad leaf %#llx size %#llx level %u",
			    (unsigned long long)addr,
			    (unsigned long long)size, level);
		return 1;
	}
	w->next = addr + size;
	for (off = 0; off < size; off += usz) {
		u64 u = (addr + off - m->base) >> m->unit_shift;

		if (m->prot[u] != prot || m->pa[u] != pa + off) {
			model_error(m, "at %#llx: mapped pa %#llx prot %#x, "
				    "model pa %#llx prot %#x",
				    (unsigned long long)(addr + off),
				    (unsigned long long)(pa + off), prot,
				    (unsigned long long)m->pa[u], m->prot[u]);
			return 1;
		}
		w->covered++;
	}
	if ((m->pgt.flags & PGT_F_PAGES_ONLY) && level != 3) {
		model_error(m, "level %u leaf at %#llx in a pages-only table",
			    level, (unsigned long long)addr);
		return 1;
	}
	return 0;
}

static inline void model_check_all(struct pgt_model *m)
{
	struct model_walk w = { .m = m, .next = 0 };
	u64 mapped = 0, u, empty = 0, nr;

	if (pgt_walk_leaves(&m->pgt, m->base, m->nr_units << m->unit_shift,
			    model_leaf, &w) && !m->errors)
		model_error(m, "pgt_walk_leaves failed");
	for (u = 0; u < m->nr_units; u++)
		mapped += m->prot[u] != 0;
	if (w.covered != mapped)
		model_error(m, "walk covered %llu units, model has %llu",
			    (unsigned long long)w.covered,
			    (unsigned long long)mapped);
	nr = raw_count_tables(&m->pgt, &empty);
	if (nr != pgt_nr_tables(&m->pgt) || nr != m->pgt.nr_tables)
		model_error(m, "nr_tables %llu, counted %llu",
			    (unsigned long long)pgt_nr_tables(&m->pgt),
			    (unsigned long long)nr);
	if ((long)nr != m->fm.live)
		model_error(m, "%llu tables but %ld pages allocated",
			    (unsigned long long)nr, m->fm.live);
	if (empty)
		model_error(m, "%llu empty tables left behind",
			    (unsigned long long)empty);
	if (m->fm.bbm_violations)
		model_error(m, "break-before-make violated");
}

/* Spot check with pgt_lookup (independent of the walker). */
static inline void model_check_lookup(struct pgt_model *m, u64 u)
{
	u64 pa = 0, addr = m->base + (u << m->unit_shift) + 0x123;
	u32 prot = 0, level = 9;
	int ret = pgt_lookup(&m->pgt, addr, &pa, &prot, &level);

	if (!m->prot[u]) {
		if (ret != -ENOENT)
			model_error(m, "lookup %#llx: %d, want -ENOENT",
				    (unsigned long long)addr, ret);
		return;
	}
	if (ret || pa != m->pa[u] + 0x123 || prot != m->prot[u] || level > 3 ||
	    level < (m->pgt.start_level ? m->pgt.start_level : 1))
		model_error(m, "lookup %#llx: ret %d pa %#llx prot %#x",
			    (unsigned long long)addr, ret,
			    (unsigned long long)pa, prot);
}

/* Apply one operation to both; unit range [first, first + n). */
static inline void model_op(struct pgt_model *m, bool unmap, u64 first, u64 n,
			    u64 pa, u32 prot)
{
	u64 addr = m->base + (first << m->unit_shift);
	u64 size = n << m->unit_shift;
	u64 max = pgt_max_tables(&m->pgt, addr, size);
	long allocs = m->fm.allocs;
	u64 u;
	int ret;

	memcpy(m->old_prot, m->prot, m->nr_units * sizeof(*m->prot));
	if (unmap)
		ret = pgt_unmap(&m->pgt, addr, size);
	else
		ret = pgt_map(&m->pgt, addr, pa, size, prot);
	if (ret)
		model_error(m, "%s(%#llx, %#llx, %#llx, %#x) = %d",
			    unmap ? "unmap" : "map", (unsigned long long)addr,
			    (unsigned long long)pa, (unsigned long long)size,
			    prot, ret);
	if ((u64)(m->fm.allocs - allocs) > max)
		model_error(m, "op allocated %ld tables, pgt_max_tables %llu",
			    m->fm.allocs - allocs, (unsigned long long)max);
	for (u = 0; u < n; u++) {
		m->prot[first + u] = unmap ? 0 : prot;
		m->pa[first + u] = unmap ? 0 : pa + (u << m->unit_shift);
	}
	model_check_all(m);
	model_check_lookup(m, first);
	model_check_lookup(m, first + n - 1);
	if (first)
		model_check_lookup(m, first - 1);
	if (first + n < m->nr_units)
		model_check_lookup(m, first + n);
}

/* xorshift64*: deterministic and cheap. */
static inline u64 model_rand(u64 *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ULL;
}

static inline u32 model_rand_prot(enum pgt_stage stage, u64 r)
{
	u32 p;

	if (stage == PGT_STAGE1_EL2)
		return model_s1_prots[r % 6];
	p = 1 + r % 7;			/* some of R, W, X */
	return (r >> 8) & 1 ? p | PGT_PROT_DEVICE : p;
}

/*
 * One random operation from @r[0..3] (callers supply the random words, so
 * the fuzzer can drive it with its input bytes).
 */
static inline void model_random_op(struct pgt_model *m, const u64 r[4])
{
	/* 512 units: a 2 MiB block in pages, a 1 GiB block in 2 MiB units */
	const u64 per_block = 512;
	u64 first, n, pa, align_units;
	bool unmap = r[0] % 10 < 3;

	/* Sizes: one unit, a few, block sized and aligned, or large. */
	switch ((r[0] >> 8) % 5) {
	case 0:
		n = 1;
		first = r[1] % m->nr_units;
		break;
	case 1:
		n = 1 + r[1] % 64;
		first = (r[1] >> 16) % m->nr_units;
		break;
	case 2:
		n = per_block * (1 + r[1] % 2);
		first = ((r[1] >> 16) % m->nr_units) & ~(per_block - 1);
		break;
	case 3:
		n = 1 + r[1] % (2 * per_block);
		first = (r[1] >> 16) % m->nr_units;
		break;
	default:
		n = 1 + r[1] % m->nr_units;
		first = (r[1] >> 24) % m->nr_units;
		break;
	}
	if (first + n > m->nr_units)
		n = m->nr_units - first;

	/* PA congruent with the VA modulo 1 GiB (blocks possible) or not. */
	align_units = (r[2] & 1) ? 0 : 1 + (r[2] >> 8) % 3;
	pa = 0x8000000000ULL + ((r[2] >> 16) % 8) * (1ULL << 30) +
	     ((m->base + (first << m->unit_shift)) & ((1ULL << 30) - 1)) +
	     (align_units << m->unit_shift);
	model_op(m, unmap, first, n, pa, model_rand_prot(m->pgt.stage, r[3]));
}

#endif /* PKVMKIT_TESTS_PGT_MODEL_H */
