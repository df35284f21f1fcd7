// SPDX-License-Identifier: GPL-2.0-only
/*
 * EL2 half of pkvm_ops_test: uses the pkvm_module_ops callbacks for real.
 * Init maps the PL011 (address set by EL1) with create_private_mapping and
 * registers a putc with register_serial_driver; one handler runs any other
 * op on demand: x1 = test, x2 = argument -> x1 = result, x2 (and x3) values.
 */
#include <linux/errno.h>
#include <asm/kvm_pkvm_module.h>
#include <asm/page-def.h>

#define PL011_DR	0x00
#define PL011_FR	0x18
#define PL011_FR_TXFF	(1U << 5)

enum {
	T_DONATE = 1, T_RETURN, T_SHARE, T_UNSHARE, T_PIN, T_UNPIN,
	T_FIXMAP_READ, T_MEMOPS, T_HYP_PA, T_KERN_HYP_VA, T_FLUSH, T_PUTS,
	T_UNIMPLEMENTED,
};

u64 ops_uart_pa;		/* set by EL1 before loading */
u64 ops_static = 0x5a5a;	/* its PA is what hyp_pa must find */
static const struct pkvm_module_ops *ops;
static unsigned long uart;

static void uart_putc(char c)
{
	volatile u32 *fr = (volatile u32 *)(uart + PL011_FR);
	volatile u32 *dr = (volatile u32 *)(uart + PL011_DR);

	while (*fr & PL011_FR_TXFF)
		;
	*dr = c;
}

static void *page_va(u64 pfn)
{
	return ops->hyp_va(pfn << PAGE_SHIFT);
}

/* The ops this module expects to fail: not implemented by pkvmkit yet. */
static u64 unimplemented_ok(void)
{
	return ops->alloc_module_va(1) == NULL &&
	       ops->host_stage2_mod_prot(0, 0) == -EOPNOTSUPP &&
	       ops->register_host_smc_handler(NULL) == -EOPNOTSUPP &&
	       ops->linear_map_early(0, PAGE_SIZE, 0) == NULL;
}

void ops_hyp_call(struct kvm_cpu_context *ctx)
{
	u64 arg = cpu_reg(ctx, 2), val = 0;
	s64 ret = 0;
	u64 *p;
	u8 *va;

	switch (cpu_reg(ctx, 1)) {
	case T_DONATE:
		ret = ops->host_donate_hyp(arg, 1);
		break;
	case T_RETURN:
		ret = ops->hyp_donate_host(arg, 1);
		break;
	case T_SHARE:
		ret = ops->host_share_hyp(arg);
		break;
	case T_UNSHARE:
		ret = ops->host_unshare_hyp(arg);
		break;
	case T_PIN:
		va = page_va(arg);
		ret = ops->pin_shared_mem(va, va + PAGE_SIZE);
		break;
	case T_UNPIN:
		va = page_va(arg);
		ops->unpin_shared_mem(va, va + PAGE_SIZE);
		break;
	case T_FIXMAP_READ:
		p = ops->fixmap_map(arg);
		if (!p) {
			ret = -ENOMEM;
			break;
		}
		val = *p;
		ops->fixmap_unmap();
		break;
	case T_MEMOPS:		/* on a page shared with the hypervisor */
		va = page_va(arg);
		/* parenthesised: <linux/string.h> makes memset/memcpy macros */
		(ops->memset)(va, 0xab, 64);
		(ops->memcpy)(va + 64, va, 64);
		val = *(u64 *)(va + 64);
		break;
	case T_HYP_PA:
		val = ops->hyp_pa(ops->hyp_va(arg));
		cpu_reg(ctx, 3) = ops->hyp_pa(&ops_static);
		break;
	case T_KERN_HYP_VA:
		val = ops->kern_hyp_va(arg);
		break;
	case T_FLUSH:
		ops->flush_dcache_to_poc(page_va(arg), PAGE_SIZE);
		break;
	case T_PUTS:
		ops->puts("pkvm_ops_test: hello from EL2 through the UART");
		ops->putx64(0x1234abcd);
		break;
	case T_UNIMPLEMENTED:
		val = unimplemented_ok();
		break;
	default:
		ret = -EINVAL;
		break;
	}
	cpu_reg(ctx, 1) = ret;
	cpu_reg(ctx, 2) = val;
}

int ops_hyp_init(const struct pkvm_module_ops *module_ops)
{
	int ret;

	ops = module_ops;
	ret = ops->create_private_mapping(ops_uart_pa, PAGE_SIZE,
					  KVM_PGTABLE_PROT_R | KVM_PGTABLE_PROT_W |
					  KVM_PGTABLE_PROT_DEVICE, &uart);
	if (ret)
		return ret;
	ret = ops->register_serial_driver(uart_putc);
	if (ret)
		return ret;
	ops->puts("pkvm_ops_test: EL2 console registered");
	return 0;
}
