// SPDX-License-Identifier: GPL-2.0-only
/*
 * EL2 half of pkvm_ops_test: uses the pkvm_module_ops callbacks for real.
 * Init maps the PL011 (address set by EL1) with create_private_mapping and
 * registers a putc with register_serial_driver, and tries the hook
 * registrations the hypervisor must refuse; one handler runs any other op
 * on demand: x1 = test, x2.. = arguments -> x1 = result, x2 (and x3) values.
 */
#include <linux/errno.h>
#include <asm/io.h>
#include <asm/kvm_arm.h>
#include <asm/kvm_pkvm_module.h>
#include <asm/page-def.h>

#define PL011_DR	0x00
#define PL011_FR	0x18
#define PL011_FR_TXFF	(1U << 5)

enum {
	T_DONATE = 1, T_RETURN, T_SHARE, T_UNSHARE, T_PIN, T_UNPIN,
	T_FIXMAP_READ, T_MEMOPS, T_HYP_PA, T_KERN_HYP_VA, T_FLUSH, T_PUTS,
	T_INIT_RESULTS,	/* -> x1 = register_host_smc_handler's, x2 = refusals */
	T_LATE,		/* -> x1 = registrations refused after init (of 5) */
	T_MOD_PROT,	/* x2 = pfn, x3 = prot, x4 = nr -> x1 */
	T_GET_LEAF,	/* x2 = phys -> x1, x2 = pte, x3 = level */
	T_HFGWTR,	/* update_hfgwtr_el2(0, 0) -> x2 = ID_AA64MMFR0_EL1.FGT */
	T_HCR_FIXED,	/* update_hcr_el2(0, HCR_EL2.VM): must be ignored */
};



u64 ops_uart_pa;		/* set by EL1 before loading */
u64 ops_static = 0x5a5a;	/* its PA is what hyp_pa must find */
static const struct pkvm_module_ops *ops;
static unsigned long uart;

static void uart_putc(char c)
{
	void __iomem *base = (void __iomem *)uart;

	while (readl_relaxed(base + PL011_FR) & PL011_FR_TXFF)
		;
	writel_relaxed(c, base + PL011_DR);
}

static void *page_va(u64 pfn)
{
	return ops->hyp_va(pfn << PAGE_SHIFT);
}

static bool ops_smc_hook(struct kvm_cpu_context *ctxt)
{
	return false;	/* never handles anything: only its registration counts */
}

static void ops_psci_hook(enum pkvm_psci_notification n,
			  struct kvm_cpu_context *ctxt)
{
}

/* Called by the hypervisor's panic path before it hands over to the host. */
static void ops_panic_hook(struct kvm_cpu_context *host_ctxt)
{
	ops->puts("pkvm_ops_test: panic notifier ran");
}

static int smc_hook_result;
static int nr_refused_at_init;

/*
 * Every hook must point into a module's EL2 text: a pointer to data is
 * refused (-EINVAL) by each registration, busy slot or not.
 */
static void try_bad_hooks(void)
{
	void *data = &ops_static;

	nr_refused_at_init =
		(ops->register_host_smc_handler(data) == -EINVAL) +
		(ops->register_default_trap_handler(data) == -EINVAL) +
		(ops->register_illegal_abt_notifier(data) == -EINVAL) +
		(ops->register_psci_notifier(data) == -EINVAL) +
		(ops->register_hyp_panic_notifier(data) == -EINVAL) +
		(ops->register_host_perm_fault_handler(data) == -EINVAL) +
		(ops->register_serial_driver(data) == -EINVAL) +
		(ops->register_host_smc_handler(NULL) == -EINVAL);
}

/* After init (the host is deprivileged by now): all refused. */
static u64 late_refusals(void)
{
	return (ops->register_psci_notifier(ops_psci_hook) == -EPERM) +
	       (ops->register_host_smc_handler(ops_smc_hook) == -EPERM) +
	       (ops->alloc_module_va(1) == NULL) +
	       (ops->map_module_page(0, (void *)PAGE_SIZE, KVM_PGTABLE_PROT_R,
				     false) == -EPERM) +
	       (ops->linear_map_early(0x40000000, PAGE_SIZE,
				      KVM_PGTABLE_PROT_R) == NULL);
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
	case T_INIT_RESULTS:
		ret = smc_hook_result;
		val = nr_refused_at_init;
		break;
	case T_LATE:
		ret = late_refusals();
		break;
	case T_MOD_PROT:
		ret = ops->host_stage2_mod_prot_range(arg, cpu_reg(ctx, 3),
						      cpu_reg(ctx, 4));
		break;
	case T_GET_LEAF: {
		kvm_pte_t pte = 0;
		u32 level = 0;

		ret = ops->host_stage2_get_leaf(arg, &pte, &level);
		val = pte;
		cpu_reg(ctx, 3) = level;
		break;
	}
	case T_HFGWTR:
		ops->update_hfgwtr_el2(0, 0);
		val = (read_sysreg(id_aa64mmfr0_el1) >> 56) & 0xf;
		break;
	case T_HCR_FIXED:
		ops->update_hcr_el2(0, HCR_VM);
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
	try_bad_hooks();
	/* EBUSY when another module (smc_filter) has the one slot */
	smc_hook_result = ops->register_host_smc_handler(ops_smc_hook);
	ret = ops->register_hyp_panic_notifier(ops_panic_hook);
	if (ret)
		return ret;
	ops->puts("pkvm_ops_test: EL2 console registered");
	return 0;
}
