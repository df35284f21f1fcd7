// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests for lib/a64_branch.c: the encodings are checked against what
 * the assembler writes for B and BL (ARM DDI 0487, C6.2.26 and C6.2.34).
 */
#include "tap.h"
#include <pkvmkit/a64_branch.h>

#define B_0	0x14000000U	/* b .   */
#define BL_0	0x94000000U	/* bl .  */

/* The offset a B or BL encodes, sign-extended from 26 bits, in bytes. */
static s64 branch_offset(u32 insn)
{
	return (s64)((s32)(insn << 6) >> 6) * 4;
}

TEST(encodes_like_the_assembler)
{
	u32 out = 0;

	EXPECT_EQ(a64_branch_retarget(BL_0, 8, &out), 0);
	EXPECT_EQ(out, 0x94000002U);			/* bl .+8 */
	EXPECT_EQ(a64_branch_retarget(B_0, -4, &out), 0);
	EXPECT_EQ(out, 0x17ffffffU);			/* b .-4 */
	EXPECT_EQ(a64_branch_retarget(0x97ffffffU, 0, &out), 0);
	EXPECT_EQ(out, BL_0);				/* old offset gone */
}

TEST(range_edges)
{
	u32 out = 0;

	EXPECT_EQ(a64_branch_retarget(BL_0, A64_BRANCH_RANGE - 4, &out), 0);
	EXPECT_EQ(out, 0x95ffffffU);
	EXPECT_EQ(branch_offset(out), A64_BRANCH_RANGE - 4);
	EXPECT_EQ(a64_branch_retarget(BL_0, -A64_BRANCH_RANGE, &out), 0);
	EXPECT_EQ(out, 0x96000000U);
	EXPECT_EQ(branch_offset(out), -A64_BRANCH_RANGE);
}

TEST(out_of_range_leaves_output)
{
	u32 out = 0xdeadbeef;

	EXPECT_EQ(a64_branch_retarget(BL_0, A64_BRANCH_RANGE, &out), -ERANGE);
	EXPECT_EQ(a64_branch_retarget(BL_0, -A64_BRANCH_RANGE - 4, &out),
		  -ERANGE);
	EXPECT_EQ(a64_branch_retarget(BL_0, 1LL << 40, &out), -ERANGE);
	EXPECT_EQ(out, 0xdeadbeefU);
}

TEST(refuses_other_instructions)
{
	static const u32 others[] = {
		0xd503201fU,	/* nop */
		0xd63f0000U,	/* blr x0 */
		0x54000000U,	/* b.eq . */
		0x34000000U,	/* cbz w0, . */
		0x36000000U,	/* tbz w0, #0, . */
		0x90000000U,	/* adrp x0, . */
	};
	u32 out = 0xdeadbeef;
	unsigned int i;

	for (i = 0; i < sizeof(others) / sizeof(others[0]); i++) {
		EXPECT(!a64_is_branch_imm(others[i]));
		EXPECT_EQ(a64_branch_retarget(others[i], 8, &out), -EINVAL);
	}
	EXPECT(a64_is_branch_imm(B_0) && a64_is_branch_imm(BL_0));
	EXPECT_EQ(a64_branch_retarget(BL_0, 6, &out), -EINVAL);	/* unaligned */
	EXPECT_EQ(out, 0xdeadbeefU);
}

/* Every offset the field holds survives encode then decode. */
TEST(round_trip)
{
	s64 off;
	u32 out;

	for (off = -A64_BRANCH_RANGE; off < A64_BRANCH_RANGE; off += 4 * 4099) {
		ASSERT_EQ(a64_branch_retarget(BL_0, off, &out), 0);
		EXPECT_EQ(branch_offset(out), off);
		EXPECT_EQ(out >> 26, BL_0 >> 26);
	}
}

int main(void)
{
	TAP_START();
	RUN(encodes_like_the_assembler);
	RUN(range_edges);
	RUN(out_of_range_leaves_output);
	RUN(refuses_other_instructions);
	RUN(round_trip);
	return TAP_END("test_a64_branch");
}
