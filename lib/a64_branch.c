// SPDX-License-Identifier: GPL-2.0-only
/* A64 B and BL (immediate) encoding: see pkvmkit/a64_branch.h. */
#include <pkvmkit/a64_branch.h>

/* Bit 31 tells BL from B; bits 30..26 are 00101; bits 25..0 the offset. */
#define BRANCH_OP_MASK	0x7c000000U
#define BRANCH_OP	0x14000000U
#define BRANCH_IMM26	0x03ffffffU

bool a64_is_branch_imm(u32 insn)
{
	return (insn & BRANCH_OP_MASK) == BRANCH_OP;
}

int a64_branch_retarget(u32 insn, s64 offset, u32 *out)
{
	if (!a64_is_branch_imm(insn) || (offset & 3))
		return -EINVAL;
	if (offset < -A64_BRANCH_RANGE || offset >= A64_BRANCH_RANGE)
		return -ERANGE;
	*out = (insn & ~BRANCH_IMM26) | ((u32)(offset >> 2) & BRANCH_IMM26);
	return 0;
}
