/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A64 B and BL (immediate): what linking one EL2 module's calls to
 * another's functions needs. The instruction holds the target's offset
 * from the instruction itself, in words, as a signed 26-bit field, so it
 * reaches +-128 MiB.
 */
#ifndef PKVMKIT_A64_BRANCH_H
#define PKVMKIT_A64_BRANCH_H

#include <pkvmkit/types.h>

#define A64_BRANCH_RANGE	(1LL << 27)	/* bytes, either way */

/* Is @insn a B or a BL with an immediate offset? */
bool a64_is_branch_imm(u32 insn);

/*
 * @insn (a B or BL) re-encoded to branch @offset bytes from its own
 * address, in *@out. -EINVAL if @insn is not a B or BL or @offset is not
 * a multiple of 4, -ERANGE if @offset is outside [-128 MiB, 128 MiB);
 * *@out is then unchanged.
 */
int a64_branch_retarget(u32 insn, s64 offset, u32 *out);

#endif /* PKVMKIT_A64_BRANCH_H */
