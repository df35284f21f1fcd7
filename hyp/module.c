// SPDX-License-Identifier: GPL-2.0-only
/*
 * Vendor modules at EL2: the hypervisor side of ACK's pkvm_load_el2_module.
 * Before deprivilege the host driver reserves a private VA range for a
 * module, has each of its pages donated and mapped there with the
 * section's permissions, and calls its init with the ops table; the module
 * registers its hypercall handlers. After deprivilege only calling the
 * registered handlers is left.
 */
#include <pkvmkit/hypercall.h>
#include <hyp/hyp.h>
#include <hyp/module_ops.h>
#include <hyp/spinlock.h>
#include <hyp/sysreg.h>

#define MAX_MODULES	32

struct module_range {
	u64 start;
	u64 end;
};

static hyp_spinlock_t module_lock;
static struct module_range modules[MAX_MODULES];
static u32 nr_modules;

typedef void (*dyn_hcall_t)(struct host_ctxt *ctxt);

/* A free slot of the dynamic table: the call does not exist. */
static void dyn_not_supported(struct host_ctxt *ctxt)
{
	ctxt->regs[0] = SMCCC_RET_NOT_SUPPORTED;
}

/*
 * Read without a lock by entry.S (and handle_dynamic_hcall): every slot is
 * always a valid handler, a registration replaces the stub with a release
 * store, so a racing call sees one or the other.
 */
dyn_hcall_t dyn_hcalls[HC_MAX_DYNAMIC] = {
	[0 ... HC_MAX_DYNAMIC - 1] = dyn_not_supported,
};
static u32 nr_dyn_hcalls;	/* slots handed out; under module_lock */

static const struct pkvm_module_ops module_ops;

static bool in_module(u64 va, u64 size)
{
	u32 i;

	for (i = 0; i < nr_modules; i++)
		if (va >= modules[i].start && size <= modules[i].end - va)
			return true;
	return false;
}

/* Executable module code: inside a module and mapped X by the loader. */
static bool is_module_text(u64 va)
{
	u32 prot;

	return !(va & 3) && in_module(va, 4) && !hyp_s1_lookup(va, NULL, &prot) &&
	       (prot & PGT_PROT_X);
}

u64 hyp_alloc_module_va(u64 nr_pages)
{
	u64 va = 0;

	hyp_spin_lock(&module_lock);
	if (nr_modules < MAX_MODULES) {
		va = hyp_alloc_private_va(nr_pages);
		if (va) {
			modules[nr_modules].start = va;
			modules[nr_modules].end = va + nr_pages * PKVMKIT_PAGE_SIZE;
			nr_modules++;
		}
	}
	hyp_spin_unlock(&module_lock);
	return va;
}

static int module_prot(u64 kvm_prot, u32 *prot)
{
	switch (kvm_prot) {
	case KVM_PGTABLE_PROT_R | KVM_PGTABLE_PROT_X:
		*prot = PGT_PROT_RX;
		return 0;
	case KVM_PGTABLE_PROT_R:
		*prot = PGT_PROT_R;
		return 0;
	case KVM_PGTABLE_PROT_R | KVM_PGTABLE_PROT_W:
		*prot = PGT_PROT_RW;
		return 0;
	default:		/* W^X: nothing else for module sections */
		return -EINVAL;
	}
}

int hyp_map_module_page(u64 pfn, u64 va, u64 kvm_prot)
{
	u32 prot;
	int ret;

	if ((va & (PKVMKIT_PAGE_SIZE - 1)) || module_prot(kvm_prot, &prot))
		return -EINVAL;
	hyp_spin_lock(&module_lock);
	ret = in_module(va, PKVMKIT_PAGE_SIZE) ? 0 : -EINVAL;
	hyp_spin_unlock(&module_lock);
	return ret ? ret : hyp_donate_and_map(pfn, va, prot);
}

int hyp_unmap_module_page(u64 pfn, u64 va)
{
	int ret;

	hyp_spin_lock(&module_lock);
	ret = in_module(va, PKVMKIT_PAGE_SIZE) ? 0 : -EINVAL;
	hyp_spin_unlock(&module_lock);
	return ret ? ret : hyp_unmap_and_return(pfn, va);
}

int hyp_init_module(u64 init_va)
{
	int (*init)(const struct pkvm_module_ops *ops);
	int ret;

	hyp_spin_lock(&module_lock);
	ret = is_module_text(init_va) ? 0 : -EINVAL;
	hyp_spin_unlock(&module_lock);
	if (ret)
		return ret;
	/* the host wrote the code through its own mapping */
	asm volatile("ic ialluis" ::: "memory");
	dsb(ish);
	isb();
	init = (void *)init_va;
	ret = init(&module_ops);
	if (ret) {
		hyp_log("pkvmkit: module init at %lx failed: %d\n",
			(unsigned long)init_va, ret);
		hyp_mark_insecure();
	} else {
		hyp_log("pkvmkit: module init at %lx done\n",
			(unsigned long)init_va);
	}
	return ret;
}

int hyp_register_hcall(u64 hfn_va)
{
	int ret;

	hyp_spin_lock(&module_lock);
	if (!is_module_text(hfn_va)) {
		ret = -EINVAL;
	} else if (nr_dyn_hcalls == HC_MAX_DYNAMIC) {
		ret = -ENOMEM;
	} else {
		__atomic_store_n(&dyn_hcalls[nr_dyn_hcalls], (dyn_hcall_t)hfn_va,
				 __ATOMIC_RELEASE);
		ret = HC_FIRST_DYNAMIC + nr_dyn_hcalls;
		nr_dyn_hcalls++;
	}
	hyp_spin_unlock(&module_lock);
	return ret;
}

/*
 * A dynamic id (128 and up), as android14-6.1: x0 = SUCCESS before the
 * handler runs, NOT_SUPPORTED if nothing is registered there. entry.S
 * serves HVC #0 with ids 128..255 itself; this is for the rest (an id
 * beyond the table, or an HVC with another immediate).
 */
void handle_dynamic_hcall(struct host_ctxt *ctxt, u64 nr)
{
	u64 slot = nr - HC_FIRST_DYNAMIC;

	if (slot >= HC_MAX_DYNAMIC) {
		ctxt->regs[0] = SMCCC_RET_NOT_SUPPORTED;
		return;
	}
	ctxt->regs[0] = SMCCC_RET_SUCCESS;
	__atomic_load_n(&dyn_hcalls[slot], __ATOMIC_ACQUIRE)(ctxt);
}

/* ---- the ops -------------------------------------------------------- */

static void (*serial_putc)(char c);

static int op_register_serial_driver(void (*cb)(char))
{
	if (!cb)
		return -EINVAL;
	if (__atomic_exchange_n(&serial_putc, cb, __ATOMIC_ACQ_REL))
		return -EBUSY;
	return 0;
}

/* Everything a module prints goes to the log, and to its UART if any. */
static void op_puts(const char *str)
{
	void (*putc)(char) = __atomic_load_n(&serial_putc, __ATOMIC_ACQUIRE);
	const char *s;

	hyp_log("%s\n", str);
	if (putc) {
		for (s = str; *s; s++)
			putc(*s);
		putc('\n');
	}
}

static void op_putx64(u64 num)
{
	char buf[19];

	hyp_snprintf(buf, sizeof(buf), "0x%lx", (unsigned long)num);
	op_puts(buf);
}

static int op_create_private_mapping(u64 phys, size_t size, u32 kvm_prot,
				     unsigned long *haddr)
{
	u64 off = phys & (PKVMKIT_PAGE_SIZE - 1);
	u64 pages = (off + size + PKVMKIT_PAGE_SIZE - 1) >> PKVMKIT_PAGE_SHIFT;
	u32 prot = 0;
	u64 va;
	int ret;

	if (!size || !haddr || size > (1UL << 40))
		return -EINVAL;
	if (kvm_prot & KVM_PGTABLE_PROT_R)
		prot |= PGT_PROT_R;
	if (kvm_prot & KVM_PGTABLE_PROT_W)
		prot |= PGT_PROT_W;
	if (kvm_prot & KVM_PGTABLE_PROT_X)
		prot |= PGT_PROT_X;
	if (kvm_prot & KVM_PGTABLE_PROT_DEVICE)
		prot |= PGT_PROT_DEVICE;
	if ((prot & PGT_PROT_W) && (prot & PGT_PROT_X))
		return -EINVAL;
	va = hyp_alloc_private_va(pages);
	if (!va)
		return -ENOMEM;
	ret = hyp_s1_map(va, phys - off, pages << PKVMKIT_PAGE_SHIFT, prot);
	if (!ret)
		*haddr = va + off;
	return ret;
}

static void *op_fixmap_map(u64 phys)
{
	u64 va = HYP_FIXMAP_VA + this_cpu()->slot * PKVMKIT_PAGE_SIZE;

	if (hyp_s1_map(va, phys & ~(PKVMKIT_PAGE_SIZE - 1), PKVMKIT_PAGE_SIZE,
		       PGT_PROT_RW))
		return NULL;
	return (void *)(va + (phys & (PKVMKIT_PAGE_SIZE - 1)));
}

static void op_fixmap_unmap(void)
{
	hyp_s1_unmap(HYP_FIXMAP_VA + this_cpu()->slot * PKVMKIT_PAGE_SIZE,
		     PKVMKIT_PAGE_SIZE);
}

static void op_flush_dcache_to_poc(void *addr, size_t size)
{
	u64 line = 4 << (read_sysreg(ctr_el0) >> 16 & 0xf);
	u64 va = (u64)addr & ~(line - 1), end = (u64)addr + size;

	for (; va < end; va += line)
		asm volatile("dc civac, %0" : : "r" (va) : "memory");
	dsb(ish);
}

static int op_host_donate_hyp(u64 pfn, u64 nr)
{
	return hyp_module_donate(pfn, nr);
}

static int op_hyp_donate_host(u64 pfn, u64 nr)
{
	return hyp_module_return(pfn, nr);
}

static int op_host_share_hyp(u64 pfn)
{
	return hyp_host_share_hyp(pfn, 1);
}

static int op_host_unshare_hyp(u64 pfn)
{
	return hyp_host_unshare_hyp(pfn, 1);
}

/* [from, to): hyp VAs of shared pages (the linear map: VA == PA) */
static int op_pin_shared_mem(void *from, void *to)
{
	u64 first = (u64)from >> PKVMKIT_PAGE_SHIFT;
	u64 last = ((u64)to - 1) >> PKVMKIT_PAGE_SHIFT;

	if ((u64)to <= (u64)from || (u64)to > HYP_LINEAR_END)
		return -EINVAL;
	return hyp_pin_shared(first, last - first + 1);
}

static void op_unpin_shared_mem(void *from, void *to)
{
	u64 first = (u64)from >> PKVMKIT_PAGE_SHIFT;
	u64 last = ((u64)to - 1) >> PKVMKIT_PAGE_SHIFT;

	if ((u64)to > (u64)from && (u64)to <= HYP_LINEAR_END)
		hyp_unpin_shared(first, last - first + 1);
}

static void *op_memcpy(void *to, const void *from, size_t count)
{
	return memcpy(to, from, count);
}

static void *op_memset(void *dst, int c, size_t count)
{
	return memset(dst, c, count);
}

static u64 op_hyp_pa(void *x)
{
	u64 pa;

	if ((u64)x < HYP_LINEAR_END)
		return (u64)x;
	return hyp_s1_lookup((u64)x, &pa, NULL) ? 0 : pa;
}

static void *op_hyp_va(u64 phys)
{
	return (void *)phys;
}

static unsigned long op_kern_hyp_va(unsigned long x)
{
	return (x & ~hyp_params->kern_page_offset) + hyp_params->kern_phys_offset;
}

/* Members not implemented yet (docs/vendor-modules.md lists them). */
static void *op_alloc_module_va(u64 nr_pages)
{
	(void)nr_pages;
	return NULL;
}

static int op_map_module_page(u64 pfn, void *va, u32 prot, bool is_protected)
{
	(void)pfn; (void)va; (void)prot; (void)is_protected;
	return -EOPNOTSUPP;
}

static void *op_linear_map_early(u64 phys, size_t size, u32 prot)
{
	(void)phys; (void)size; (void)prot;
	return NULL;
}

static void op_linear_unmap_early(void *addr, size_t size)
{
	(void)addr; (void)size;
}

static void op_update_sysreg_unsupported(unsigned long set, unsigned long clear)
{
	(void)set; (void)clear;
	hyp_log("pkvmkit: module: update_hcr_el2/update_hfgwtr_el2 not implemented\n");
}

static int op_register_perm_fault(int (*cb)(struct host_ctxt *, u64, u64))
{
	(void)cb;
	return -EOPNOTSUPP;
}

static int op_host_stage2_mod_prot(u64 pfn, u32 prot)
{
	(void)pfn; (void)prot;
	return -EOPNOTSUPP;
}

static int op_host_stage2_get_leaf(u64 phys, u64 *ptep, u32 *level)
{
	(void)phys; (void)ptep; (void)level;
	return -EOPNOTSUPP;
}

static int op_register_bool_hook(bool (*cb)(struct host_ctxt *))
{
	(void)cb;
	return -EOPNOTSUPP;
}

static int op_register_void_hook(void (*cb)(struct host_ctxt *))
{
	(void)cb;
	return -EOPNOTSUPP;
}

static int op_register_psci_notifier(void (*cb)(int, struct host_ctxt *))
{
	(void)cb;
	return -EOPNOTSUPP;
}

static int op_host_stage2_mod_prot_range(u64 pfn, u32 prot, u64 nr)
{
	(void)pfn; (void)prot; (void)nr;
	return -EOPNOTSUPP;
}

static const struct pkvm_module_ops module_ops = {
	.create_private_mapping		= op_create_private_mapping,
	.alloc_module_va		= op_alloc_module_va,
	.map_module_page		= op_map_module_page,
	.register_serial_driver		= op_register_serial_driver,
	.puts				= op_puts,
	.putx64				= op_putx64,
	.fixmap_map			= op_fixmap_map,
	.fixmap_unmap			= op_fixmap_unmap,
	.linear_map_early		= op_linear_map_early,
	.linear_unmap_early		= op_linear_unmap_early,
	.flush_dcache_to_poc		= op_flush_dcache_to_poc,
	.update_hcr_el2			= op_update_sysreg_unsupported,
	.update_hfgwtr_el2		= op_update_sysreg_unsupported,
	.register_host_perm_fault_handler = op_register_perm_fault,
	.host_stage2_mod_prot		= op_host_stage2_mod_prot,
	.host_stage2_get_leaf		= op_host_stage2_get_leaf,
	.register_host_smc_handler	= op_register_bool_hook,
	.register_default_trap_handler	= op_register_bool_hook,
	.register_illegal_abt_notifier	= op_register_void_hook,
	.register_psci_notifier		= op_register_psci_notifier,
	.register_hyp_panic_notifier	= op_register_void_hook,
	.host_donate_hyp		= op_host_donate_hyp,
	.hyp_donate_host		= op_hyp_donate_host,
	.host_share_hyp			= op_host_share_hyp,
	.host_unshare_hyp		= op_host_unshare_hyp,
	.pin_shared_mem			= op_pin_shared_mem,
	.unpin_shared_mem		= op_unpin_shared_mem,
	.memcpy				= op_memcpy,
	.memset				= op_memset,
	.hyp_pa				= op_hyp_pa,
	.hyp_va				= op_hyp_va,
	.kern_hyp_va			= op_kern_hyp_va,
	.host_stage2_mod_prot_range	= op_host_stage2_mod_prot_range,
};
