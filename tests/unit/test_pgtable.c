// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests for lib/pgtable.c. */
#include "tap.h"
#include "fake_mm.h"
#include "pgt_model.h"

#define SZ_4K	0x1000ULL
#define SZ_2M	0x200000ULL
#define SZ_1G	0x40000000ULL

/* Descriptor bits as the architecture defines them (not the library's). */
#define D_TABLE		0x3ULL
#define D_PAGE		0x3ULL
#define D_BLOCK		0x1ULL
#define D_AP1		(1ULL << 6)
#define D_AP2_RO	(1ULL << 7)
#define D_S2AP_R	(1ULL << 6)
#define D_S2AP_W	(1ULL << 7)
#define D_SH_IS		(3ULL << 8)
#define D_AF		(1ULL << 10)
#define D_XN		(1ULL << 54)

static struct fake_mm fm;
static struct pgt pgt;

static int setup(enum pgt_stage stage, u32 ia_bits)
{
	fake_mm_init(&fm);
	fm.pgt = &pgt;
	return pgt_init(&pgt, stage, ia_bits, &fm.ops);
}

/* Destroy and check that every page came back and counts were exact. */
static void teardown(void)
{
	u64 n = raw_count_tables(&pgt, NULL);

	EXPECT_EQ(pgt_nr_tables(&pgt), n);
	EXPECT_EQ(fm.live, n);
	EXPECT_EQ(fm.bbm_violations, 0);
	pgt_destroy(&pgt);
	EXPECT_EQ(fm.live, 0);
	EXPECT(pgt.root == NULL);
}

static bool expect_map(u64 addr, u64 pa, u32 prot, u32 level, int line)
{
	u64 got_pa = 0;
	u32 got_prot = 0, got_level = 0;
	int ret = pgt_lookup(&pgt, addr, &got_pa, &got_prot, &got_level);

	if (ret || got_pa != pa || got_prot != prot || got_level != level) {
		tap_diag(__FILE__, line, "lookup %#llx: ret %d pa %#llx prot "
			 "%#x level %u; want pa %#llx prot %#x level %u",
			 (unsigned long long)addr, ret,
			 (unsigned long long)got_pa, got_prot, got_level,
			 (unsigned long long)pa, prot, level);
		return false;
	}
	return true;
}

#define EXPECT_MAP(addr, pa, prot, level) \
	expect_map(addr, pa, prot, level, __LINE__)
#define EXPECT_UNMAPPED(addr) \
	EXPECT_EQ(pgt_lookup(&pgt, addr, NULL, NULL, NULL), -ENOENT)

TEST(init_rejects_bad_arguments)
{
	struct pgt p;
	struct pgt_mm_ops bad;

	fake_mm_init(&fm);
	EXPECT_EQ(pgt_init(&p, PGT_STAGE2, 31, &fm.ops), -EINVAL);
	EXPECT_EQ(pgt_init(&p, PGT_STAGE2, 49, &fm.ops), -EINVAL);
	EXPECT_EQ(pgt_init(&p, (enum pgt_stage)7, 40, &fm.ops), -EINVAL);
	EXPECT_EQ(pgt_init(&p, PGT_STAGE2, 40, NULL), -EINVAL);
	bad = fm.ops;
	bad.zalloc_page = NULL;
	EXPECT_EQ(pgt_init(&p, PGT_STAGE2, 40, &bad), -EINVAL);
	fm.fail_after = 0;
	EXPECT_EQ(pgt_init(&p, PGT_STAGE2, 40, &fm.ops), -ENOMEM);
	EXPECT_EQ(fm.live, 0);
}

TEST(init_start_levels)
{
	static const u32 ia[] = { 32, 36, 39, 40, 44, 48 };
	static const u32 lvl[] = { 1, 1, 1, 0, 0, 0 };
	unsigned int i;

	for (i = 0; i < 6; i++) {
		ASSERT_EQ(setup(PGT_STAGE2, ia[i]), 0);
		EXPECT_EQ(pgt.start_level, lvl[i]);
		EXPECT_EQ(pgt.ia_bits, ia[i]);
		EXPECT_EQ(pgt_nr_tables(&pgt), 1);
		EXPECT_EQ(pgt.root_pa, (u64)(uintptr_t)pgt.root);
		/* The last page of the input range is mappable, the next not. */
		EXPECT_EQ(pgt_map(&pgt, (1ULL << ia[i]) - SZ_4K, 0x1000, SZ_4K,
				  PGT_PROT_RW), 0);
		EXPECT_MAP((1ULL << ia[i]) - 1, 0x1fff, PGT_PROT_RW, 3);
		EXPECT_EQ(pgt_map(&pgt, 1ULL << ia[i], 0x1000, SZ_4K,
				  PGT_PROT_RW), -EINVAL);
		EXPECT_EQ(pgt_lookup(&pgt, 1ULL << ia[i], NULL, NULL, NULL),
			  -EINVAL);
		teardown();
	}
}

/* The exact descriptors the MMU will see. */
TEST(descriptor_encoding)
{
	const u64 pa = 0x812345000ULL;
	const u64 normal = D_AF | D_SH_IS;

	ASSERT_EQ(setup(PGT_STAGE1_EL2, 40), 0);
	pgt_map(&pgt, 0x1000, pa, SZ_4K, PGT_PROT_RW);
	EXPECT_EQ(raw_entry(&pgt, 0x1000, 3),
		  pa | D_PAGE | (1 << 2) | D_AP1 | normal | D_XN);
	pgt_map(&pgt, 0x1000, pa, SZ_4K, PGT_PROT_R);
	EXPECT_EQ(raw_entry(&pgt, 0x1000, 3),
		  pa | D_PAGE | (1 << 2) | D_AP1 | D_AP2_RO | normal | D_XN);
	pgt_map(&pgt, 0x1000, pa, SZ_4K, PGT_PROT_RX);
	EXPECT_EQ(raw_entry(&pgt, 0x1000, 3),
		  pa | D_PAGE | (1 << 2) | D_AP1 | D_AP2_RO | normal);
	pgt_map(&pgt, 0x1000, pa, SZ_4K, PGT_PROT_RW | PGT_PROT_DEVICE);
	EXPECT_EQ(raw_entry(&pgt, 0x1000, 3),
		  pa | D_PAGE | (0 << 2) | D_AP1 | D_AF | D_XN);
	pgt_map(&pgt, SZ_1G, SZ_1G, SZ_2M, PGT_PROT_RWX);
	EXPECT_EQ(raw_entry(&pgt, SZ_1G, 2),
		  SZ_1G | D_BLOCK | (1 << 2) | D_AP1 | normal);
	/* Table descriptors point at the next table. */
	EXPECT_EQ(raw_entry(&pgt, SZ_1G, 1) & 3, D_TABLE);
	EXPECT_EQ(raw_entry(&pgt, SZ_1G, 0) & 3, D_TABLE);
	teardown();

	ASSERT_EQ(setup(PGT_STAGE2, 40), 0);
	pgt_map(&pgt, 0x1000, pa, SZ_4K, PGT_PROT_RWX);
	EXPECT_EQ(raw_entry(&pgt, 0x1000, 3),
		  pa | D_PAGE | (0xf << 2) | D_S2AP_R | D_S2AP_W | normal);
	pgt_map(&pgt, 0x1000, pa, SZ_4K, PGT_PROT_R);
	EXPECT_EQ(raw_entry(&pgt, 0x1000, 3),
		  pa | D_PAGE | (0xf << 2) | D_S2AP_R | normal | D_XN);
	pgt_map(&pgt, 0x1000, pa, SZ_4K, PGT_PROT_RW | PGT_PROT_DEVICE);
	EXPECT_EQ(raw_entry(&pgt, 0x1000, 3),
		  pa | D_PAGE | (0x1 << 2) | D_S2AP_R | D_S2AP_W | D_AF | D_XN);
	pgt_map(&pgt, SZ_1G, 2 * SZ_1G, SZ_1G, PGT_PROT_X);
	EXPECT_EQ(raw_entry(&pgt, SZ_1G, 1),
		  2 * SZ_1G | D_BLOCK | (0xf << 2) | normal);
	teardown();
}

/* pgt_get_leaf() of @addr is @pte at @level, and agrees with pgt_lookup(). */
static bool expect_leaf(u64 addr, pgt_pte_t pte, u32 level, int line)
{
	pgt_pte_t got = ~0ULL;
	u32 got_level = 9, lookup_level = 9;
	int ret = pgt_get_leaf(&pgt, addr, &got, &got_level);
	int lret = pgt_lookup(&pgt, addr, NULL, NULL, &lookup_level);

	if (!ret && got == pte && got_level == level &&
	    (pte ? !lret && lookup_level == level : lret == -ENOENT))
		return true;
	tap_diag(__FILE__, line, "get_leaf %#llx: ret %d pte %#llx level %u "
		 "(lookup %d level %u); want pte %#llx level %u",
		 (unsigned long long)addr, ret, (unsigned long long)got,
		 got_level, lret, lookup_level, (unsigned long long)pte, level);
	return false;
}

#define EXPECT_LEAF(addr, pte, level) \
	EXPECT(expect_leaf(addr, pte, level, __LINE__))

/*
 * The raw descriptor of a page, a 2 MiB and a 1 GiB block; 0 and the level
 * where the walk stopped when nothing is mapped; -EINVAL outside the range.
 */
TEST(get_leaf_raw_descriptors)
{
	const u64 normal = (0xfULL << 2) | D_AF | D_SH_IS;
	pgt_pte_t pte;
	u32 level;

	ASSERT_EQ(setup(PGT_STAGE2, 40), 0);
	/* nothing at all: the root's entry (level 0) is invalid */
	EXPECT_LEAF(0x5000, 0, 0);
	EXPECT_EQ(pgt_map(&pgt, 0x5000, 0x77000, SZ_4K, PGT_PROT_RWX), 0);
	EXPECT_EQ(pgt_map(&pgt, 3 * SZ_2M, 9 * SZ_2M, SZ_2M, PGT_PROT_R), 0);
	EXPECT_EQ(pgt_map(&pgt, 5 * SZ_1G, 7 * SZ_1G, SZ_1G,
			  PGT_PROT_RW | PGT_PROT_DEVICE), 0);
	EXPECT_LEAF(0x5abc, 0x77000 | D_PAGE | normal | D_S2AP_R | D_S2AP_W, 3);
	EXPECT_LEAF(3 * SZ_2M + 0x12345,
		    9 * SZ_2M | D_BLOCK | normal | D_S2AP_R | D_XN, 2);
	EXPECT_LEAF(6 * SZ_1G - 1, 7 * SZ_1G | D_BLOCK | (0x1ULL << 2) | D_AF |
		    D_S2AP_R | D_S2AP_W | D_XN, 1);
	EXPECT_EQ(raw_entry(&pgt, 5 * SZ_1G, 1),
		  7 * SZ_1G | D_BLOCK | (0x1ULL << 2) | D_AF | D_S2AP_R |
		  D_S2AP_W | D_XN);
	/* unmapped, next to each: invalid entries at levels 3, 2, 1, 0 */
	EXPECT_LEAF(0x6000, 0, 3);
	EXPECT_LEAF(4 * SZ_2M, 0, 2);
	EXPECT_LEAF(2 * SZ_1G, 0, 1);
	EXPECT_LEAF(1ULL << 39, 0, 0);
	/* a hole punched into the 2 MiB block: its table, level 3 */
	EXPECT_EQ(pgt_unmap(&pgt, 3 * SZ_2M + SZ_4K, SZ_4K), 0);
	EXPECT_LEAF(3 * SZ_2M + SZ_4K, 0, 3);
	EXPECT_LEAF(3 * SZ_2M, 9 * SZ_2M | D_PAGE | normal | D_S2AP_R | D_XN,
		    3);
	/* the last address of the range, then one past it */
	EXPECT_LEAF((1ULL << 40) - 1, 0, 0);
	pte = 0x1234;
	level = 7;
	EXPECT_EQ(pgt_get_leaf(&pgt, 1ULL << 40, &pte, &level), -EINVAL);
	EXPECT_EQ(pgt_get_leaf(&pgt, ~0ULL, &pte, &level), -EINVAL);
	EXPECT_EQ(pte, 0x1234);		/* untouched on error */
	EXPECT_EQ(level, 7);
	/* either output may be NULL */
	EXPECT_EQ(pgt_get_leaf(&pgt, 0x5000, NULL, &level), 0);
	EXPECT_EQ(level, 3);
	EXPECT_EQ(pgt_get_leaf(&pgt, 0x5000, &pte, NULL), 0);
	EXPECT_EQ(pte & ~0xfffULL & GENMASK_ULL(47, 0), 0x77000);
	teardown();

	/* a stage-1 table starting at level 1 */
	ASSERT_EQ(setup(PGT_STAGE1_EL2, 39), 0);
	EXPECT_LEAF(SZ_1G, 0, 1);
	EXPECT_EQ(pgt_map(&pgt, SZ_1G, SZ_1G, SZ_2M, PGT_PROT_RX), 0);
	EXPECT_LEAF(SZ_1G + 0x777, SZ_1G | D_BLOCK | (1 << 2) | D_AP1 |
		    D_AP2_RO | D_AF | D_SH_IS, 2);
	EXPECT_LEAF(SZ_1G + SZ_2M, 0, 2);
	EXPECT_EQ(pgt_get_leaf(&pgt, 1ULL << 39, &pte, &level), -EINVAL);
	teardown();
}

static bool prot_valid(enum pgt_stage stage, u32 prot)
{
	if (prot & ~0xfU)
		return false;
	if (stage == PGT_STAGE2)
		return prot & PGT_PROT_RWX;
	return (prot & PGT_PROT_R) &&
	       !((prot & PGT_PROT_DEVICE) && (prot & PGT_PROT_X));
}

TEST(map_lookup_round_trip_every_prot)
{
	int s;
	u32 prot;

	for (s = 0; s < 2; s++) {
		enum pgt_stage stage = s ? PGT_STAGE2 : PGT_STAGE1_EL2;

		for (prot = 0; prot < 32; prot++) {
			bool ok = prot_valid(stage, prot);
			int want = ok ? 0 : -EINVAL;

			ASSERT_EQ(setup(stage, 40), 0);
			/* page, 2 MiB block, 1 GiB block */
			EXPECT_EQ(pgt_map(&pgt, 0x5000, 0x77000, SZ_4K, prot),
				  want);
			EXPECT_EQ(pgt_map(&pgt, 3 * SZ_2M, 9 * SZ_2M, SZ_2M,
					  prot), want);
			EXPECT_EQ(pgt_map(&pgt, 5 * SZ_1G, 7 * SZ_1G, SZ_1G,
					  prot), want);
			if (ok) {
				EXPECT_MAP(0x5abc, 0x77abc, prot, 3);
				EXPECT_MAP(3 * SZ_2M + 0x12345,
					   9 * SZ_2M + 0x12345, prot, 2);
				EXPECT_MAP(6 * SZ_1G - 1, 8 * SZ_1G - 1,
					   prot, 1);
			} else {
				EXPECT_UNMAPPED(0x5000);
				EXPECT_UNMAPPED(3 * SZ_2M);
				EXPECT_UNMAPPED(5 * SZ_1G);
				EXPECT_EQ(pgt_nr_tables(&pgt), 1);
			}
			teardown();
		}
	}
}

TEST(blocks_when_aligned_pages_otherwise)
{
	u64 a;

	ASSERT_EQ(setup(PGT_STAGE2, 40), 0);
	/* VA and PA both 1 GiB aligned: one level-1 block, one L1 table. */
	EXPECT_EQ(pgt_map(&pgt, SZ_1G, 4 * SZ_1G, SZ_1G, PGT_PROT_RW), 0);
	EXPECT_MAP(SZ_1G, 4 * SZ_1G, PGT_PROT_RW, 1);
	EXPECT_EQ(pgt_nr_tables(&pgt), 2);
	/* Range straddling 2 MiB boundaries, PA congruent: mixed. */
	a = 8 * SZ_1G + SZ_2M - SZ_4K;
	EXPECT_EQ(pgt_map(&pgt, a, a + SZ_1G, 2 * SZ_2M + 2 * SZ_4K,
			  PGT_PROT_RX), 0);
	EXPECT_MAP(a, a + SZ_1G, PGT_PROT_RX, 3);
	EXPECT_MAP(a + SZ_4K, a + SZ_4K + SZ_1G, PGT_PROT_RX, 2);
	EXPECT_MAP(a + SZ_4K + SZ_2M, a + SZ_4K + SZ_2M + SZ_1G,
		   PGT_PROT_RX, 2);
	EXPECT_MAP(a + SZ_4K + 2 * SZ_2M, a + SZ_4K + 2 * SZ_2M + SZ_1G,
		   PGT_PROT_RX, 3);
	EXPECT_UNMAPPED(a - SZ_4K);
	EXPECT_UNMAPPED(a + 2 * SZ_4K + 2 * SZ_2M);
	/* PA not 2 MiB aligned: pages only. */
	for (a = 0; a < SZ_2M; a += SZ_4K) {
		if (a == 0)
			EXPECT_EQ(pgt_map(&pgt, 16 * SZ_1G, 0x1000, SZ_2M,
					  PGT_PROT_R), 0);
		if (!EXPECT_MAP(16 * SZ_1G + a, 0x1000 + a, PGT_PROT_R, 3))
			break;
	}
	/* 1 GiB range but PA only 2 MiB aligned: 512 level-2 blocks. */
	EXPECT_EQ(pgt_map(&pgt, 20 * SZ_1G, SZ_2M, SZ_1G, PGT_PROT_R), 0);
	for (a = 0; a < SZ_1G; a += SZ_2M)
		if (!EXPECT_MAP(20 * SZ_1G + a, SZ_2M + a, PGT_PROT_R, 2))
			break;
	teardown();
}

TEST(split_block_keeps_the_rest)
{
	const u64 va = 3 * SZ_1G, pa = 0x80000000ULL;
	const u64 hit = va + 0x12345000ULL;
	const u64 hit2m = hit & ~(SZ_2M - 1);
	u64 a;

	ASSERT_EQ(setup(PGT_STAGE2, 40), 0);
	ASSERT_EQ(pgt_map(&pgt, va, pa, SZ_1G, PGT_PROT_RW), 0);
	EXPECT_EQ(fm.tlb_calls, 0);
	ASSERT_EQ(pgt_map(&pgt, hit, 0x5000, SZ_4K, PGT_PROT_RX), 0);

	for (a = va; a < va + SZ_1G; a += SZ_2M)
		if (a != hit2m && !EXPECT_MAP(a, pa + (a - va), PGT_PROT_RW, 2))
			break;
	for (a = hit2m; a < hit2m + SZ_2M; a += SZ_4K) {
		if (a == hit)
			EXPECT_MAP(a, 0x5000, PGT_PROT_RX, 3);
		else if (!EXPECT_MAP(a, pa + (a - va), PGT_PROT_RW, 3))
			break;
	}
	EXPECT_UNMAPPED(va - SZ_4K);
	EXPECT_UNMAPPED(va + SZ_1G);
	/* Root, L1, and the two tables from the splits. */
	EXPECT_EQ(pgt_nr_tables(&pgt), 4);
	/* 1 GiB block, then 2 MiB block, then the page itself. */
	ASSERT_EQ(fm.tlb_calls, 3);
	EXPECT_EQ(fm.tlb[0].addr, va);
	EXPECT_EQ(fm.tlb[0].level, 1);
	EXPECT_EQ(fm.tlb[1].addr, hit2m);
	EXPECT_EQ(fm.tlb[1].level, 2);
	EXPECT_EQ(fm.tlb[2].addr, hit);
	EXPECT_EQ(fm.tlb[2].level, 3);
	teardown();
}

TEST(unmap_middle_of_block_then_remap)
{
	const u64 va = 5 * SZ_2M, pa = 11 * SZ_2M, mid = va + 0x7000;
	u64 a;

	ASSERT_EQ(setup(PGT_STAGE1_EL2, 39), 0);
	ASSERT_EQ(pgt_map(&pgt, va, pa, SZ_2M, PGT_PROT_RW), 0);
	EXPECT_EQ(pgt_nr_tables(&pgt), 2);
	ASSERT_EQ(pgt_unmap(&pgt, mid, SZ_4K), 0);
	EXPECT_UNMAPPED(mid);
	for (a = va; a < va + SZ_2M; a += SZ_4K)
		if (a != mid && !EXPECT_MAP(a, pa + (a - va), PGT_PROT_RW, 3))
			break;
	EXPECT_EQ(pgt_nr_tables(&pgt), 3);
	EXPECT_EQ(fm.tlb_calls, 2);	/* the block, then the page */

	/* Putting the page back restores the exact mapping. */
	fm.tlb_calls = 0;
	ASSERT_EQ(pgt_map(&pgt, mid, pa + 0x7000, SZ_4K, PGT_PROT_RW), 0);
	EXPECT_MAP(mid, pa + 0x7000, PGT_PROT_RW, 3);
	EXPECT_EQ(fm.tlb_calls, 0);	/* the entry was invalid */

	/* Mapping the whole 2 MiB again folds it back into a block. */
	ASSERT_EQ(pgt_map(&pgt, va, pa, SZ_2M, PGT_PROT_RW), 0);
	EXPECT_MAP(va + 0x7000, pa + 0x7000, PGT_PROT_RW, 2);
	EXPECT_EQ(pgt_nr_tables(&pgt), 2);
	EXPECT_EQ(fm.tlb_calls, 1);
	EXPECT_EQ(fm.tlb[0].level, 2);

	/* Unmapping everything frees every table but the root. */
	ASSERT_EQ(pgt_unmap(&pgt, 0, 1ULL << 39), 0);
	EXPECT_UNMAPPED(va);
	EXPECT_EQ(pgt_nr_tables(&pgt), 1);
	EXPECT_EQ(fm.live, 1);
	teardown();
}

TEST(tlb_inval_only_for_valid_entries)
{
	const u64 va = 0x40000000ULL;

	ASSERT_EQ(setup(PGT_STAGE2, 40), 0);
	/* Fresh mappings and unmapping nothing need no invalidation. */
	ASSERT_EQ(pgt_map(&pgt, va, va, 16 * SZ_4K, PGT_PROT_RWX), 0);
	ASSERT_EQ(pgt_map(&pgt, va + SZ_1G, va, SZ_2M, PGT_PROT_RWX), 0);
	ASSERT_EQ(pgt_unmap(&pgt, va + 32 * SZ_4K, 64 * SZ_4K), 0);
	ASSERT_EQ(pgt_unmap(&pgt, 100 * SZ_1G, SZ_1G), 0);
	EXPECT_EQ(fm.tlb_calls, 0);
	/* Same mapping again: nothing replaced. */
	ASSERT_EQ(pgt_map(&pgt, va, va, 16 * SZ_4K, PGT_PROT_RWX), 0);
	EXPECT_EQ(fm.tlb_calls, 0);
	/* New prot on 3 pages: 3 replaced entries. */
	ASSERT_EQ(pgt_map(&pgt, va + SZ_4K, va + SZ_4K, 3 * SZ_4K,
			  PGT_PROT_R), 0);
	EXPECT_EQ(fm.tlb_calls, 3);
	EXPECT_EQ(fm.tlb[0].addr, va + SZ_4K);
	EXPECT_EQ(fm.tlb[2].addr, va + 3 * SZ_4K);
	EXPECT_EQ(fm.tlb[2].level, 3);
	/* Unmap 8 pages of which 4 are mapped (+ the emptied table). */
	fm.tlb_calls = 0;
	ASSERT_EQ(pgt_unmap(&pgt, va + 12 * SZ_4K, 8 * SZ_4K), 0);
	EXPECT_EQ(fm.tlb_calls, 4);
	fm.tlb_calls = 0;
	ASSERT_EQ(pgt_unmap(&pgt, va, 12 * SZ_4K), 0);
	/* 12 pages, then the level-2 and level-1 tables that emptied. */
	EXPECT_EQ(fm.tlb_calls, 14);
	EXPECT_EQ(fm.tlb[12].level, 2);
	EXPECT_EQ(fm.tlb[13].level, 1);
	EXPECT_EQ(pgt_nr_tables(&pgt), 3);	/* root, L1, L2 of the block */
	/* Without a tlb_inval callback everything still works. */
	fm.ops.tlb_inval = NULL;
	ASSERT_EQ(pgt_unmap(&pgt, va + SZ_1G + SZ_4K, SZ_4K), 0);
	EXPECT_UNMAPPED(va + SZ_1G + SZ_4K);
	EXPECT_MAP(va + SZ_1G, va, PGT_PROT_RWX, 3);
	teardown();
}

static void build_some_mappings(void)
{
	pgt_map(&pgt, SZ_1G, SZ_1G, SZ_1G, PGT_PROT_RW);
	pgt_map(&pgt, SZ_1G + 0x3000, 0x99000, SZ_4K, PGT_PROT_R);
	pgt_map(&pgt, 7 * SZ_2M, 0x100000000ULL, 3 * SZ_2M, PGT_PROT_RWX);
	pgt_map(&pgt, 0x1000, 0x1000, 0x1000, PGT_PROT_RW);
}

TEST(invalid_arguments_change_nothing)
{
	const u64 top = 1ULL << 40;
	struct leaves before, after;
	struct { u64 addr, pa, size; u32 prot; bool unmap; } bad[] = {
		{ 0x1800, 0x1000, SZ_4K, PGT_PROT_RW, false },	/* addr */
		{ 0x1000, 0x1800, SZ_4K, PGT_PROT_RW, false },	/* pa */
		{ 0x1000, 0x1000, 0x800, PGT_PROT_RW, false },	/* size */
		{ 0x1000, 0x1000, 0, PGT_PROT_RW, false },	/* empty */
		{ ~0xfffULL, 0x1000, 0x2000, PGT_PROT_RW, false },/* wraps */
		{ top - SZ_4K, 0x1000, 0x2000, PGT_PROT_RW, false },
		{ top, 0x1000, SZ_4K, PGT_PROT_RW, false },
		{ 0, 1ULL << 48, SZ_4K, PGT_PROT_RW, false },	/* pa > 48b */
		{ 0, (1ULL << 48) - SZ_4K, 0x2000, PGT_PROT_RW, false },
		{ 0, 0x1000, SZ_4K, 0, false },			/* prot */
		{ 0, 0x1000, SZ_4K, PGT_PROT_DEVICE, false },
		{ 0, 0x1000, SZ_4K, 1U << 4, false },
		{ SZ_1G, SZ_1G, SZ_1G, PGT_PROT_R | 1U << 7, false },
		{ 0x1800, 0, SZ_4K, 0, true },
		{ 0x1000, 0, 0x10, 0, true },
		{ 0x1000, 0, 0, 0, true },
		{ ~0xfffULL, 0, 0x2000, 0, true },
		{ top - SZ_4K, 0, 0x2000, 0, true },
		{ 0, 0, top + SZ_4K, 0, true },
	};
	unsigned int i;
	int s;

	for (s = 0; s < 2; s++) {
		ASSERT_EQ(setup(s ? PGT_STAGE2 : PGT_STAGE1_EL2, 40), 0);
		build_some_mappings();
		before = leaves_of(&pgt);
		EXPECT(before.n > 4);
		fm.tlb_calls = 0;
		fm.allocs = 0;
		for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			int ret = bad[i].unmap ?
				pgt_unmap(&pgt, bad[i].addr, bad[i].size) :
				pgt_map(&pgt, bad[i].addr, bad[i].pa,
					bad[i].size, bad[i].prot);

			if (!EXPECT_EQ(ret, -EINVAL))
				FAIL("case %u", i);
			after = leaves_of(&pgt);
			if (!EXPECT(leaves_equal(&before, &after)))
				FAIL("case %u changed the tables", i);
			leaves_free(&after);
		}
		/* Stage-1 specific: no W-only, no executable device. */
		if (!s) {
			EXPECT_EQ(pgt_map(&pgt, 0, 0, SZ_4K, PGT_PROT_W),
				  -EINVAL);
			EXPECT_EQ(pgt_map(&pgt, 0, 0, SZ_4K, PGT_PROT_RX |
					  PGT_PROT_DEVICE), -EINVAL);
		}
		EXPECT_EQ(pgt_lookup(&pgt, top, NULL, NULL, NULL), -EINVAL);
		EXPECT_EQ(pgt_walk_leaves(&pgt, 0, 0, leaves_add, &after),
			  -EINVAL);
		EXPECT_EQ(pgt_walk_leaves(&pgt, top - SZ_4K, 2 * SZ_4K,
					  leaves_add, &after), -EINVAL);
		after = leaves_of(&pgt);
		EXPECT(leaves_equal(&before, &after));
		leaves_free(&after);
		leaves_free(&before);
		EXPECT_EQ(fm.tlb_calls, 0);
		EXPECT_EQ(fm.allocs, 0);
		teardown();
	}
}

/*
 * Allocation fails after k pages: every page must map either what it did
 * before or what was asked, and the bookkeeping stays exact.
 */
TEST(enomem_leaves_consistent_tables)
{
	const u64 old_va = 3 * SZ_1G, old_pa = 0x80000000ULL;
	const u64 new_va = old_va + SZ_2M - 2 * SZ_4K;
	const u64 new_size = 3 * SZ_2M + 4 * SZ_4K;
	const u64 new_pa = 0x900001000ULL;	/* not block aligned */
	int k, ret, done = 0;
	u64 a;

	for (k = 0; k < 12 && !done; k++) {
		ASSERT_EQ(setup(PGT_STAGE2, 40), 0);
		ASSERT_EQ(pgt_map(&pgt, old_va, old_pa, SZ_1G, PGT_PROT_RW), 0);
		ASSERT_EQ(pgt_map(&pgt, 9 * SZ_1G, 0, 5 * SZ_4K,
				  PGT_PROT_RW), 0);
		fm.fail_after = k;
		ret = pgt_map(&pgt, new_va, new_pa, new_size, PGT_PROT_RX);
		fm.fail_after = -1;
		if (ret == 0)
			done = 1;
		else
			EXPECT_EQ(ret, -ENOMEM);
		for (a = old_va; a < old_va + 8 * SZ_2M; a += SZ_4K) {
			u64 pa = 0;
			u32 prot = 0;
			bool in_new = a >= new_va && a < new_va + new_size;
			bool is_old, is_new;

			ret = pgt_lookup(&pgt, a, &pa, &prot, NULL);
			is_old = !ret && pa == old_pa + (a - old_va) &&
				 prot == PGT_PROT_RW;
			is_new = !ret && in_new &&
				 pa == new_pa + (a - new_va) &&
				 prot == PGT_PROT_RX;
			if (!EXPECT(is_old || is_new) ||
			    !EXPECT(!done || !in_new || is_new)) {
				FAIL("k=%d addr %#llx", k,
				     (unsigned long long)a);
				break;
			}
		}
		for (a = old_va + 8 * SZ_2M; a < old_va + SZ_1G; a += SZ_2M) {
			u64 pa = 0;
			u32 prot = 0, level = 0;

			/* Still the block, or the same as 2 MiB blocks. */
			ret = pgt_lookup(&pgt, a, &pa, &prot, &level);
			if (!EXPECT(!ret && pa == old_pa + (a - old_va) &&
				    prot == PGT_PROT_RW &&
				    (level == 1 || level == 2)))
				break;
		}
		EXPECT_MAP(9 * SZ_1G + 4 * SZ_4K, 4 * SZ_4K, PGT_PROT_RW, 3);
		teardown();
	}
	EXPECT(done);
	EXPECT(k > 3);	/* needed several tables: the failures were real */

	/* Unmap that needs a split fails cleanly with no memory at all. */
	ASSERT_EQ(setup(PGT_STAGE2, 40), 0);
	ASSERT_EQ(pgt_map(&pgt, old_va, old_pa, SZ_1G, PGT_PROT_RW), 0);
	fm.fail_after = 0;
	EXPECT_EQ(pgt_unmap(&pgt, old_va + SZ_4K, SZ_4K), -ENOMEM);
	EXPECT_MAP(old_va + SZ_4K, old_pa + SZ_4K, PGT_PROT_RW, 1);
	EXPECT_EQ(pgt_map(&pgt, 0, 0, SZ_4K, PGT_PROT_RW), -ENOMEM);
	EXPECT_UNMAPPED(0);
	EXPECT_EQ(pgt_nr_tables(&pgt), 2);
	fm.fail_after = -1;
	teardown();
}

TEST(max_tables_bound)
{
	long before;

	ASSERT_EQ(setup(PGT_STAGE2, 40), 0);
	/* One page somewhere: one table at each of levels 1, 2 and 3. */
	EXPECT_EQ(pgt_max_tables(&pgt, 0x5000, SZ_4K), 3);
	/* Crossing a 2 MiB boundary: two level-3 tables. */
	EXPECT_EQ(pgt_max_tables(&pgt, SZ_2M - SZ_4K, 2 * SZ_4K), 4);
	/* Worst case for 1 GiB: unaligned PA forces 512 page tables. */
	before = fm.allocs;
	ASSERT_EQ(pgt_map(&pgt, SZ_1G, 0x1000, SZ_1G, PGT_PROT_RW), 0);
	EXPECT_EQ(fm.allocs - before, 514);
	EXPECT(pgt_max_tables(&pgt, SZ_1G, SZ_1G) >= 514);
	teardown();

	ASSERT_EQ(setup(PGT_STAGE2, 32), 0);
	EXPECT_EQ(pgt_max_tables(&pgt, 0x5000, SZ_4K), 2);
	teardown();
}

TEST(nr_tables_exact_and_destroy_frees_all)
{
	u64 s = 42;
	int i;

	ASSERT_EQ(setup(PGT_STAGE1_EL2, 48), 0);
	for (i = 0; i < 300; i++) {
		u64 a = (model_rand(&s) % (1ULL << 36)) & ~(SZ_4K - 1);
		u64 n = 1 + model_rand(&s) % 700;

		if (i % 3 == 2)
			ASSERT_EQ(pgt_unmap(&pgt, a, n * SZ_4K), 0);
		else
			ASSERT_EQ(pgt_map(&pgt, a, a, n * SZ_4K,
					  PGT_PROT_RW), 0);
		if (!EXPECT_EQ(pgt_nr_tables(&pgt), raw_count_tables(&pgt, NULL)))
			break;
	}
	EXPECT(pgt_nr_tables(&pgt) > 10);
	teardown();
}

struct stop_arg {
	int calls;
	u64 addr, pa, size;
	u32 level;
};

static int stop_after_first(u64 addr, u64 pa, u64 size, u32 prot, u32 level,
			    void *arg)
{
	struct stop_arg *s = arg;

	(void)prot;
	s->calls++;
	s->addr = addr;
	s->pa = pa;
	s->size = size;
	s->level = level;
	return 77;
}

TEST(walk_leaves_clips_and_stops)
{
	struct stop_arg s = { 0 };
	struct leaves l;

	ASSERT_EQ(setup(PGT_STAGE2, 40), 0);
	ASSERT_EQ(pgt_map(&pgt, SZ_1G, 2 * SZ_1G, SZ_1G, PGT_PROT_R), 0);
	ASSERT_EQ(pgt_map(&pgt, 3 * SZ_1G, 0, SZ_4K, PGT_PROT_R), 0);
	/* A range starting inside the block reports the part inside. */
	EXPECT_EQ(pgt_walk_leaves(&pgt, SZ_1G + 0x5000, 0x3000,
				  stop_after_first, &s), 77);
	EXPECT_EQ(s.calls, 1);
	EXPECT_EQ(s.addr, SZ_1G + 0x5000);
	EXPECT_EQ(s.pa, 2 * SZ_1G + 0x5000);
	EXPECT_EQ(s.size, 0x3000);
	EXPECT_EQ(s.level, 1);
	l = leaves_of(&pgt);
	ASSERT_EQ(l.n, 2);
	EXPECT_EQ(l.v[0].addr, SZ_1G);
	EXPECT_EQ(l.v[0].size, SZ_1G);
	EXPECT_EQ(l.v[1].addr, 3 * SZ_1G);
	EXPECT_EQ(l.v[1].level, 3);
	leaves_free(&l);
	teardown();
}

/*
 * The fuzz test: thousands of random map/unmap operations against a flat
 * model, the whole window checked after every one.
 */
static void differential(enum pgt_stage stage, u32 ia_bits, u64 base,
			 u32 unit_shift, u64 nr_units, u64 seed, int ops)
{
	struct pgt_model m;
	u64 s = seed, r[4];
	int i;

	ASSERT_EQ(model_init(&m, stage, ia_bits, base, unit_shift, nr_units),
		  0);
	for (i = 0; i < ops && !m.errors; i++) {
		r[0] = model_rand(&s);
		r[1] = model_rand(&s);
		r[2] = model_rand(&s);
		r[3] = model_rand(&s);
		model_random_op(&m, r);
	}
	model_destroy(&m);
	if (!EXPECT_EQ(m.errors, 0))
		FAIL("seed %#llx op %d: %s", (unsigned long long)seed, i,
		     m.first_error);
}

/* 32 MiB of pages across a 1 GiB boundary, 32-bit IPA (start level 1). */
/* PGT_F_COALESCE: undoing a split rebuilds the blocks and frees the tables. */
TEST(coalesce_rebuilds_blocks)
{
	u64 base = 3 * SZ_1G, t0;

	ASSERT_EQ(setup(PGT_STAGE2, 40), 0);
	pgt.flags = PGT_F_COALESCE;
	ASSERT_EQ(pgt_map(&pgt, base, base, SZ_1G, PGT_PROT_RWX), 0);
	t0 = pgt_nr_tables(&pgt);
	EXPECT(EXPECT_MAP(base, base, PGT_PROT_RWX, 1));
	/* a page unmapped in the middle splits the 1G and one 2M block */
	ASSERT_EQ(pgt_unmap(&pgt, base + 5 * SZ_2M + 7 * SZ_4K, SZ_4K), 0);
	EXPECT_EQ(pgt_nr_tables(&pgt), t0 + 2);
	/* a different permission on one page keeps them split */
	ASSERT_EQ(pgt_map(&pgt, base + 5 * SZ_2M + 7 * SZ_4K,
			  base + 5 * SZ_2M + 7 * SZ_4K, SZ_4K, PGT_PROT_R), 0);
	EXPECT_EQ(pgt_nr_tables(&pgt), t0 + 2);
	/* the same mapping back: both levels coalesce */
	ASSERT_EQ(pgt_map(&pgt, base + 5 * SZ_2M + 7 * SZ_4K,
			  base + 5 * SZ_2M + 7 * SZ_4K, SZ_4K, PGT_PROT_RWX), 0);
	EXPECT_EQ(pgt_nr_tables(&pgt), t0);
	EXPECT(EXPECT_MAP(base + 5 * SZ_2M + 7 * SZ_4K,
			  base + 5 * SZ_2M + 7 * SZ_4K, PGT_PROT_RWX, 1));
	/* a non-contiguous output range never coalesces */
	ASSERT_EQ(pgt_map(&pgt, base, base + SZ_4K, SZ_4K, PGT_PROT_RWX), 0);
	ASSERT_EQ(pgt_map(&pgt, base, base, SZ_4K, PGT_PROT_RWX), 0);
	EXPECT_EQ(pgt_nr_tables(&pgt), t0);
	ASSERT_EQ(pgt_map(&pgt, base + SZ_4K, base, SZ_4K, PGT_PROT_RWX), 0);
	EXPECT_EQ(pgt_nr_tables(&pgt), t0 + 2);
	teardown();

	/* without the flag, a split stays */
	ASSERT_EQ(setup(PGT_STAGE2, 40), 0);
	ASSERT_EQ(pgt_map(&pgt, base, base, SZ_2M, PGT_PROT_RWX), 0);
	t0 = pgt_nr_tables(&pgt);
	ASSERT_EQ(pgt_unmap(&pgt, base, SZ_4K), 0);
	ASSERT_EQ(pgt_map(&pgt, base, base, SZ_4K, PGT_PROT_RWX), 0);
	EXPECT_EQ(pgt_nr_tables(&pgt), t0 + 1);
	teardown();
}

/*
 * Annotations: invalid page entries the library keeps. One inside a block
 * splits it as an unmap would, the walker sees nothing there, the table
 * holding it stays when everything else goes, and a map or an unmap of
 * the page replaces it; coalescing never swallows it.
 */
TEST(annotations_are_kept_until_replaced)
{
	const u64 base = 3 * SZ_1G, page = base + 5 * SZ_2M + 7 * SZ_4K;
	const u64 note = 0xabcd00000001230ULL;	/* bit 0 clear, not zero */
	u64 got = 0, t0;
	pgt_pte_t pte;
	u32 level;

	ASSERT_EQ(setup(PGT_STAGE2, 40), 0);
	pgt.flags = PGT_F_COALESCE;
	ASSERT_EQ(pgt_map(&pgt, base, base, SZ_1G, PGT_PROT_RWX), 0);
	t0 = pgt_nr_tables(&pgt);
	EXPECT_EQ(pgt_annotate(&pgt, page, SZ_4K, 0), -EINVAL);
	EXPECT_EQ(pgt_annotate(&pgt, page, SZ_4K, note | 1), -EINVAL);
	EXPECT_EQ(pgt_annotate(&pgt, page + 1, SZ_4K, note), -EINVAL);
	EXPECT_EQ(pgt_nr_tables(&pgt), t0);
	ASSERT_EQ(pgt_annotate(&pgt, page, SZ_4K, note), 0);
	EXPECT_EQ(pgt_nr_tables(&pgt), t0 + 2);		/* 1G and 2M split */
	EXPECT_UNMAPPED(page);
	EXPECT_MAP(page + SZ_4K, page + SZ_4K, PGT_PROT_RWX, 3);
	EXPECT_EQ(pgt_get_annotation(&pgt, page, &got), 0);
	EXPECT_EQ(got, note);
	EXPECT_EQ(pgt_get_annotation(&pgt, page + SZ_4K, &got), -ENOENT);
	EXPECT_EQ(pgt_get_leaf(&pgt, page, &pte, &level), 0);
	EXPECT_EQ(pte, 0ULL);	/* a module's get_leaf sees nothing mapped */
	/* everything else unmapped: the table holding the note stays */
	ASSERT_EQ(pgt_unmap(&pgt, base, page - base), 0);
	ASSERT_EQ(pgt_unmap(&pgt, page + SZ_4K, base + SZ_1G - page - SZ_4K), 0);
	EXPECT_EQ(pgt_get_annotation(&pgt, page, &got), 0);
	EXPECT_EQ(got, note);
	/* mapping everything back around it does not coalesce it away */
	ASSERT_EQ(pgt_map(&pgt, base, base, page - base, PGT_PROT_RWX), 0);
	ASSERT_EQ(pgt_map(&pgt, page + SZ_4K, page + SZ_4K,
			  base + SZ_1G - page - SZ_4K, PGT_PROT_RWX), 0);
	EXPECT_EQ(pgt_nr_tables(&pgt), t0 + 2);
	EXPECT_EQ(pgt_get_annotation(&pgt, page, &got), 0);
	/* a map replaces it, and the tables coalesce back */
	ASSERT_EQ(pgt_map(&pgt, page, page, SZ_4K, PGT_PROT_RWX), 0);
	EXPECT_EQ(pgt_nr_tables(&pgt), t0);
	EXPECT_MAP(page, page, PGT_PROT_RWX, 1);
	/* an unmap replaces it too, and frees the table */
	ASSERT_EQ(pgt_annotate(&pgt, page, SZ_4K, note), 0);
	ASSERT_EQ(pgt_unmap(&pgt, base, SZ_1G), 0);
	EXPECT_EQ(pgt_get_annotation(&pgt, page, &got), -ENOENT);
	EXPECT_EQ(pgt_nr_tables(&pgt), 1);		/* the root alone */
	teardown();
}

/*
 * An unmap of just the annotated page replaces the annotation (as the
 * header says), not only an unmap of a whole table above it: afterwards
 * the tables that held only it are gone.
 */
TEST(unmap_of_an_annotated_page_clears_it)
{
	const u64 page = 3 * SZ_1G + 5 * SZ_2M + 7 * SZ_4K;
	const u64 note = 0xabcd00000001230ULL;
	u64 got = 0;

	ASSERT_EQ(setup(PGT_STAGE2, 40), 0);
	ASSERT_EQ(pgt_annotate(&pgt, page, SZ_4K, note), 0);
	EXPECT_EQ(pgt_nr_tables(&pgt), 4);	/* root, level 1, 2, 3 */
	ASSERT_EQ(pgt_unmap(&pgt, page, SZ_4K), 0);
	EXPECT_EQ(pgt_get_annotation(&pgt, page, &got), -ENOENT);
	EXPECT_EQ(pgt_nr_tables(&pgt), 1);
	teardown();
}

/* PGT_F_PAGES_ONLY: no blocks, so an unmap never splits or allocates. */
TEST(pages_only_never_splits)
{
	u64 base = SZ_1G, allocs;

	ASSERT_EQ(setup(PGT_STAGE1_EL2, 40), 0);
	pgt.flags = PGT_F_PAGES_ONLY;
	ASSERT_EQ(pgt_map(&pgt, base, base, SZ_2M + SZ_4K, PGT_PROT_RW), 0);
	EXPECT(EXPECT_MAP(base, base, PGT_PROT_RW, 3));
	EXPECT(EXPECT_MAP(base + SZ_2M, base + SZ_2M, PGT_PROT_RW, 3));
	EXPECT_EQ(pgt_unmap_split_tables(&pgt, base + 3 * SZ_4K, SZ_4K), 0);
	allocs = fm.allocs;
	fm.fail_after = 0;
	EXPECT_EQ(pgt_unmap(&pgt, base + 3 * SZ_4K, 100 * SZ_4K), 0);
	EXPECT_EQ(fm.allocs, allocs);
	fm.fail_after = -1;
	EXPECT_UNMAPPED(base + 3 * SZ_4K);
	EXPECT(EXPECT_MAP(base + 103 * SZ_4K, base + 103 * SZ_4K,
			  PGT_PROT_RW, 3));
	teardown();
}

/* PGT_F_PAGES_ONLY wins over PGT_F_COALESCE: a full 2 MiB stays pages. */
TEST(pages_only_never_coalesces)
{
	u64 base = SZ_1G;

	ASSERT_EQ(setup(PGT_STAGE1_EL2, 40), 0);
	pgt.flags = PGT_F_PAGES_ONLY | PGT_F_COALESCE;
	ASSERT_EQ(pgt_map(&pgt, base, base, SZ_2M - SZ_4K, PGT_PROT_RW), 0);
	ASSERT_EQ(pgt_map(&pgt, base + SZ_2M - SZ_4K, base + SZ_2M - SZ_4K,
			  SZ_4K, PGT_PROT_RW), 0);
	EXPECT(EXPECT_MAP(base, base, PGT_PROT_RW, 3));
	EXPECT(EXPECT_MAP(base + SZ_2M - SZ_4K, base + SZ_2M - SZ_4K,
			  PGT_PROT_RW, 3));
	teardown();
}

/* pgt_unmap_split_tables() is exactly what pgt_unmap() then allocates. */
TEST(unmap_split_count_is_exact)
{
	u64 seed = 0x5917ULL;
	int i;

	ASSERT_EQ(setup(PGT_STAGE2, 40), 0);
	ASSERT_EQ(pgt_map(&pgt, 0, 0, 8 * SZ_1G, PGT_PROT_RWX), 0);
	for (i = 0; i < 4000; i++) {
		u64 addr, size, want, before;

		seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
		addr = ((seed >> 20) % (8 * SZ_1G / SZ_4K)) * SZ_4K;
		size = (1 + (seed >> 52) % 1100) * SZ_4K;
		if ((seed >> 8) & 1)
			size *= 512;
		if (addr + size > 8 * SZ_1G)
			size = 8 * SZ_1G - addr;
		want = pgt_unmap_split_tables(&pgt, addr, size);
		before = fm.allocs;
		ASSERT_EQ(pgt_unmap(&pgt, addr, size), 0);
		if (!EXPECT_EQ(fm.allocs - before, want))
			break;
		/* map some of it back as blocks and pages, for the next round */
		if ((seed >> 60) & 1)
			ASSERT_EQ(pgt_map(&pgt, addr & ~(SZ_1G - 1),
					  addr & ~(SZ_1G - 1), SZ_1G,
					  PGT_PROT_RWX), 0);
	}
	EXPECT_EQ(pgt_unmap_split_tables(&pgt, 0, 0), 0);
	teardown();
}

TEST(differential_s2_pages_ia32)
{
	differential(PGT_STAGE2, 32, 3 * SZ_1G - 16 * 0x100000ULL, 12, 8192,
		     0x9e3779b97f4a7c15ULL, 20000);
}

/* Same, stage 1, across a 512 GiB boundary (start level 0). */
TEST(differential_s1_pages_ia40)
{
	differential(PGT_STAGE1_EL2, 40, 512 * SZ_1G - 16 * 0x100000ULL, 12,
		     8192, 0x1234567ULL, 20000);
}

/* 4 GiB in 2 MiB units: exercises 1 GiB blocks and their splits. */
TEST(differential_s2_blocks_ia40)
{
	differential(PGT_STAGE2, 40, 2 * SZ_1G, 21, 2048, 0xabcdefULL, 20000);
}

int main(void)
{
	TAP_START();
	RUN(init_rejects_bad_arguments);
	RUN(init_start_levels);
	RUN(descriptor_encoding);
	RUN(get_leaf_raw_descriptors);
	RUN(map_lookup_round_trip_every_prot);
	RUN(blocks_when_aligned_pages_otherwise);
	RUN(split_block_keeps_the_rest);
	RUN(unmap_middle_of_block_then_remap);
	RUN(tlb_inval_only_for_valid_entries);
	RUN(invalid_arguments_change_nothing);
	RUN(enomem_leaves_consistent_tables);
	RUN(max_tables_bound);
	RUN(nr_tables_exact_and_destroy_frees_all);
	RUN(walk_leaves_clips_and_stops);
	RUN(coalesce_rebuilds_blocks);
	RUN(annotations_are_kept_until_replaced);
	RUN(unmap_of_an_annotated_page_clears_it);
	RUN(pages_only_never_splits);
	RUN(pages_only_never_coalesces);
	RUN(unmap_split_count_is_exact);
	RUN(differential_s2_pages_ia32);
	RUN(differential_s1_pages_ia40);
	RUN(differential_s2_blocks_ia40);
	return TAP_END("test_pgtable");
}
