// SPDX-License-Identifier: GPL-2.0-only
/*
 * EL2 half of pkvm_reloc_test: code whose data is full of absolute
 * pointers (function and string tables in .rodata and .data, a pointer to
 * .bss state), so it only works if every one was moved to its hypervisor
 * address. No calls outside the module: EL2 code has no C library.
 */
#include <asm/kvm_pkvm_module.h>

static u64 op_add(u64 a, u64 b) { return a + b; }
static u64 op_sub(u64 a, u64 b) { return a - b; }
static u64 op_mul(u64 a, u64 b) { return a * b; }
static u64 op_xor(u64 a, u64 b) { return a ^ b; }

/* .rodata: function and string pointers */
static u64 (*const ops_table[])(u64, u64) = { op_add, op_sub, op_mul, op_xor };
static const char *const names[] = { "alpha", "beta", "gamma", "delta" };

/*
 * .data: a table of pointers, and a pointer to .bss state (volatile, or
 * the compiler folds them into .rodata and constants)
 */
static volatile struct {
	const char *name;
	u64 (*fn)(u64 a, u64 b);
} data_table[] = {
	{ "add", op_add }, { "sub", op_sub }, { "mul", op_mul }, { "xor", op_xor },
};

static u64 calls;			/* .bss */
static u64 *volatile calls_ptr = &calls;	/* .data -> .bss */
static const struct pkvm_module_ops *hyp_ops;	/* .bss */

#define NR(a)	(sizeof(a) / sizeof((a)[0]))

/* x1 = op, x2, x3 -> x1 = ops_table[op](x2, x3), x2 = data_table[op] result, x3 = calls */
void reloc_hyp_op(struct kvm_cpu_context *ctx)
{
	u64 op = cpu_reg(ctx, 1), a = cpu_reg(ctx, 2), b = cpu_reg(ctx, 3);

	(*calls_ptr)++;
	if (op >= NR(ops_table)) {
		cpu_reg(ctx, 0) = SMCCC_RET_INVALID_PARAMETER;
		return;
	}
	cpu_reg(ctx, 1) = ops_table[op](a, b);
	cpu_reg(ctx, 2) = data_table[op].fn(a, b);
	cpu_reg(ctx, 3) = *calls_ptr;
}

/* x1..x7 -> x1 = sum, x2 = xor, x3 = x7 - x1 */
void reloc_hyp_args(struct kvm_cpu_context *ctx)
{
	u64 sum = 0, x = 0;
	int i;

	for (i = 1; i <= 7; i++) {
		sum += cpu_reg(ctx, i);
		x ^= cpu_reg(ctx, i);
	}
	cpu_reg(ctx, 3) = cpu_reg(ctx, 7) - cpu_reg(ctx, 1);
	cpu_reg(ctx, 1) = sum;
	cpu_reg(ctx, 2) = x;
	(*calls_ptr)++;
}

/* x1 = i -> x1 = first 8 bytes of names[i], x2 = its length, x3 = data_table[i].name[0] */
void reloc_hyp_name(struct kvm_cpu_context *ctx)
{
	u64 i = cpu_reg(ctx, 1), packed = 0, len = 0;
	const char *s;

	(*calls_ptr)++;
	if (i >= NR(names)) {
		cpu_reg(ctx, 0) = SMCCC_RET_INVALID_PARAMETER;
		return;
	}
	for (s = names[i]; *s; s++, len++)
		if (len < 8)
			packed |= (u64)(unsigned char)*s << (8 * len);
	cpu_reg(ctx, 1) = packed;
	cpu_reg(ctx, 2) = len;
	cpu_reg(ctx, 3) = (unsigned char)data_table[i].name[0];
}

/* -> x1 = calls so far (this one included), x2 = 1 if init kept the ops */
void reloc_hyp_state(struct kvm_cpu_context *ctx)
{
	cpu_reg(ctx, 1) = ++(*calls_ptr);
	cpu_reg(ctx, 2) = hyp_ops != NULL && hyp_ops->puts != NULL;
}

int reloc_hyp_init(const struct pkvm_module_ops *ops)
{
	hyp_ops = ops;
	ops->puts("pkvm_reloc_test: EL2 init");
	ops->putx64((u64)ops_table[0]);
	return 0;
}
