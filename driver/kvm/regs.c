// SPDX-License-Identifier: GPL-2.0-only
/*
 * ONE_REG and KVM_GET_REG_LIST: the core registers (struct kvm_regs, as
 * KVM indexes them), the EL1 system registers of PK_VCPU_SYSREGS, the
 * virtual timer, MPIDR/MIDR and the ID registers (the view every guest
 * reads, from the hypervisor), and PSCI's version.
 *
 * The host keeps a copy. Before its VM starts, it is the boot state the
 * VMM builds. After: a non-protected vCPU's registers are fetched from
 * EL2 when asked (HC_VCPU_SYNC) and written back before it runs again; a
 * protected vCPU's are the guest's alone: reads give the boot state, and
 * a write is refused (-EPERM) unless it writes back what a read gave
 * (QEMU writes its whole list back now and then). KVM_REG_ARM_TIMER_CNT
 * reads the counter and cannot be written (-EINVAL): CNTVOFF_EL2 is 0
 * for every guest.
 */
#include "../pkvmkit.h"
#include "kvm.h"
#include <linux/uaccess.h>
#include <asm/cputype.h>

#define CORE_SIZE_WORDS		(sizeof(struct kvm_regs) / sizeof(u32))
#define SCTLR_EL1_RESET		0x30d00800ULL
#define PSCI_VERSION_1_1	0x10001
#define ENC_MASK		0xffffULL
#define ENC_MIDR		PK_SYSREG_ENC(3, 0, 0, 0, 0)
#define ENC_MPIDR		PK_SYSREG_ENC(3, 0, 0, 0, 5)
#define ID_FIRST		PK_SYSREG_ENC(3, 0, 0, 1, 0)
#define ID_LAST			PK_SYSREG_ENC(3, 0, 0, 7, 7)

static u64 guest_id[ID_LAST - ID_FIRST + 1];

#define PK_SR_ID(name, reg, how, op0, op1, crn, crm, op2)	\
	ARM64_SYS_REG(op0, op1, crn, crm, op2),
static const u64 sysreg_ids[PK_NR_SYSREGS] = {
	PK_VCPU_SYSREGS(PK_SR_ID)
};

/* The ID registers' view, once: the same for every VM (guest_sysreg.c) */
int pk_guest_id_init(void)
{
	struct arm_smccc_res res;
	u32 enc;

	for (enc = ID_FIRST; enc <= ID_LAST; enc++) {
		arm_smccc_1_1_hvc(HC_ID(HC_GUEST_ID_REG), enc, 0, 0, &res);
		if (res.a0 != SMCCC_RET_SUCCESS || res.a2)
			return -EIO;
		guest_id[enc - ID_FIRST] = res.a1;
	}
	return 0;
}

/* Out of KVM_ARM_VCPU_INIT: EL1h, interrupts masked, MMU off. */
void pk_regs_reset(struct pk_vcpu *vcpu)
{
	memset(&vcpu->core, 0, sizeof(vcpu->core));
	memset(vcpu->sys, 0, sizeof(vcpu->sys));
	vcpu->core.regs.pstate = PSR_MODE_EL1h | PSR_A_BIT | PSR_I_BIT |
				 PSR_F_BIT | PSR_D_BIT;
	vcpu->sys[PK_SR_SCTLR_EL1] = SCTLR_EL1_RESET;
	vcpu->timer_ctl = vcpu->timer_cval = 0;
}

void pk_regs_to_page(const struct pk_vcpu *vcpu, struct pk_vcpu_regs *r)
{
	const struct kvm_regs *c = &vcpu->core;

	memcpy(r->x, c->regs.regs, sizeof(r->x));
	r->sp_el0 = c->regs.sp;
	r->pc = c->regs.pc;
	r->pstate = c->regs.pstate;
	r->sp_el1 = c->sp_el1;
	r->elr_el1 = c->elr_el1;
	r->spsr_el1 = c->spsr[KVM_SPSR_EL1];
	memcpy(r->vregs, c->fp_regs.vregs, sizeof(r->vregs));
	r->fpsr = c->fp_regs.fpsr;
	r->fpcr = c->fp_regs.fpcr;
	memcpy(r->sys, vcpu->sys, sizeof(r->sys));
	r->timer_ctl = vcpu->timer_ctl;
	r->timer_cval = vcpu->timer_cval;
}

static void regs_from_page(struct pk_vcpu *vcpu, const struct pk_vcpu_regs *r)
{
	struct kvm_regs *c = &vcpu->core;

	memcpy(c->regs.regs, r->x, sizeof(r->x));
	c->regs.sp = r->sp_el0;
	c->regs.pc = r->pc;
	c->regs.pstate = r->pstate;
	c->sp_el1 = r->sp_el1;
	c->elr_el1 = r->elr_el1;
	c->spsr[KVM_SPSR_EL1] = r->spsr_el1;
	memcpy(c->fp_regs.vregs, r->vregs, sizeof(r->vregs));
	c->fp_regs.fpsr = r->fpsr;
	c->fp_regs.fpcr = r->fpcr;
	memcpy(vcpu->sys, r->sys, sizeof(vcpu->sys));
	vcpu->timer_ctl = r->timer_ctl;
	vcpu->timer_cval = r->timer_cval;
}

/* A non-protected vCPU that ran: its live registers, fetched once. */
int pk_regs_fetch(struct pk_vcpu *vcpu)
{
	long ret;

	if (vcpu->regs_valid || vcpu->vm->protected || !vcpu->vm->started ||
	    vcpu->boot_dirty)
		return 0;
	ret = pk_vm_hvc(HC_VCPU_SYNC, vcpu->vm->handle, vcpu->idx,
			PK_SYNC_GET, 0);
	if (ret)
		return ret;
	regs_from_page(vcpu, &vcpu->page->regs);
	vcpu->regs_valid = true;
	return 0;
}

/* ... and written back before it runs (run.c). */
int pk_regs_sync_put(struct pk_vcpu *vcpu)
{
	long ret;

	if (!vcpu->regs_dirty)
		return 0;
	pk_regs_to_page(vcpu, &vcpu->page->regs);
	ret = pk_vm_hvc(HC_VCPU_SYNC, vcpu->vm->handle, vcpu->idx,
			PK_SYNC_PUT, 0);
	if (!ret)
		vcpu->regs_dirty = false;
	return ret;
}

/* ---- where a register is ------------------------------------------- */

/* A core register's size, by its offset in 32-bit words (as KVM's). */
static int core_reg_size(u64 off)
{
	int size;

	switch (off) {
	case KVM_REG_ARM_CORE_REG(regs.regs[0]) ...
	     KVM_REG_ARM_CORE_REG(regs.regs[30]):
	case KVM_REG_ARM_CORE_REG(regs.sp):
	case KVM_REG_ARM_CORE_REG(regs.pc):
	case KVM_REG_ARM_CORE_REG(regs.pstate):
	case KVM_REG_ARM_CORE_REG(sp_el1):
	case KVM_REG_ARM_CORE_REG(elr_el1):
	case KVM_REG_ARM_CORE_REG(spsr[0]) ...
	     KVM_REG_ARM_CORE_REG(spsr[KVM_NR_SPSR - 1]):
		size = sizeof(u64);
		break;
	case KVM_REG_ARM_CORE_REG(fp_regs.vregs[0]) ...
	     KVM_REG_ARM_CORE_REG(fp_regs.vregs[31]):
		size = sizeof(__uint128_t);
		break;
	case KVM_REG_ARM_CORE_REG(fp_regs.fpsr):
	case KVM_REG_ARM_CORE_REG(fp_regs.fpcr):
		size = sizeof(u32);
		break;
	default:
		return -EINVAL;
	}
	return IS_ALIGNED(off, size / sizeof(u32)) ? size : -EINVAL;
}

static u64 size_bits(int size)
{
	return size == 4 ? KVM_REG_SIZE_U32 : size == 8 ? KVM_REG_SIZE_U64 :
							 KVM_REG_SIZE_U128;
}

static u64 core_reg_off(u64 id)
{
	return id & ~(KVM_REG_ARCH_MASK | KVM_REG_SIZE_MASK | KVM_REG_ARM_CORE);
}

/*
 * A ONE_REG id for a core register: where it is, or NULL; then
 * core_reg_error() says why, as KVM does: ENOENT beyond struct kvm_regs,
 * EINVAL for a size or an offset inside a register.
 */
static void *core_reg(struct pk_vcpu *vcpu, u64 id, int *size)
{
	u64 off = core_reg_off(id);

	if (off >= CORE_SIZE_WORDS)
		return NULL;
	*size = core_reg_size(off);
	if (*size < 0 || KVM_REG_SIZE(id) != *size)
		return NULL;
	return (u32 *)&vcpu->core + off;
}

static int core_reg_error(u64 id)
{
	return core_reg_off(id) >= CORE_SIZE_WORDS ? -ENOENT : -EINVAL;
}

/* AArch64 EL0t, EL1t or EL1h: the only PSTATE a vCPU here can have. */
static bool pstate_valid(u64 pstate)
{
	u64 mode = pstate & PSR_MODE_MASK;

	return !(pstate & PSR_MODE32_BIT) &&
	       (mode == PSR_MODE_EL0t || mode == PSR_MODE_EL1t ||
		mode == PSR_MODE_EL1h);
}

/* A system register of ours (sys[], the timer): where it is, or NULL. */
static u64 *vcpu_sysreg(struct pk_vcpu *vcpu, u64 id)
{
	int i;

	if (id == KVM_REG_ARM_TIMER_CTL)
		return &vcpu->timer_ctl;
	if (id == KVM_REG_ARM_TIMER_CVAL)
		return &vcpu->timer_cval;
	for (i = 0; i < PK_NR_SYSREGS; i++)
		if (sysreg_ids[i] == id)
			return &vcpu->sys[i];
	return NULL;
}

/* Registers with a fixed value (ID registers, MPIDR, MIDR, PSCI, the counter) */
static int fixed_reg(struct pk_vcpu *vcpu, u64 id, u64 *val)
{
	u64 enc = id & ENC_MASK;

	if (id == KVM_REG_ARM_PSCI_VERSION) {
		*val = PSCI_VERSION_1_1;
		return 0;
	}
	if (id == KVM_REG_ARM_TIMER_CNT) {
		*val = read_sysreg(cntvct_el0);	/* CNTVOFF_EL2 is 0 */
		return 0;
	}
	if ((id & ~ENC_MASK) != ARM64_SYS_REG(0, 0, 0, 0, 0))
		return -ENOENT;
	if (enc == ENC_MPIDR)
		*val = pk_vcpu_mpidr(vcpu->idx);
	else if (enc == ENC_MIDR)
		*val = read_cpuid_id();
	else if (enc >= ID_FIRST && enc <= ID_LAST)
		*val = guest_id[enc - ID_FIRST];
	else
		return -ENOENT;
	return 0;
}

/* ---- the ioctls ---------------------------------------------------- */

int pk_get_one_reg(struct pk_vcpu *vcpu, const struct kvm_one_reg *reg)
{
	void __user *uaddr = (void __user *)(unsigned long)reg->addr;
	void *where;
	int size, ret;
	u64 val;

	if ((reg->id & KVM_REG_ARCH_MASK) != KVM_REG_ARM64)
		return -EINVAL;
	ret = pk_regs_fetch(vcpu);
	if (ret)
		return ret;
	if ((reg->id & KVM_REG_ARM_COPROC_MASK) == KVM_REG_ARM_CORE) {
		where = core_reg(vcpu, reg->id, &size);
		if (!where)
			return core_reg_error(reg->id);
		return copy_to_user(uaddr, where, size) ? -EFAULT : 0;
	}
	if (KVM_REG_SIZE(reg->id) != sizeof(u64))
		return -ENOENT;
	where = vcpu_sysreg(vcpu, reg->id);
	if (where) {
		val = *(u64 *)where;
	} else {
		ret = fixed_reg(vcpu, reg->id, &val);
		if (ret)
			return ret;
	}
	return put_user(val, (u64 __user *)uaddr);
}

/*
 * May @vcpu's copy change? A protected vCPU's only before its VM
 * started; after, only to what it is (-EPERM otherwise).
 */
static int may_write(struct pk_vcpu *vcpu, const void *where, const void *val,
		     int size)
{
	if (!vcpu->vm->protected || !vcpu->vm->started)
		return 1;
	return memcmp(where, val, size) ? -EPERM : 0;
}

static int set_core(struct pk_vcpu *vcpu, u64 id, void __user *uaddr)
{
	u8 val[sizeof(__uint128_t)];
	void *where;
	int size, ret;

	where = core_reg(vcpu, id, &size);
	if (!where)
		return core_reg_error(id);
	if (copy_from_user(val, uaddr, size))
		return -EFAULT;
	if (where == &vcpu->core.regs.pstate && !pstate_valid(*(u64 *)val))
		return -EINVAL;
	ret = may_write(vcpu, where, val, size);
	if (ret <= 0)
		return ret;
	memcpy(where, val, size);
	return 1;
}

int pk_set_one_reg(struct pk_vcpu *vcpu, const struct kvm_one_reg *reg)
{
	void __user *uaddr = (void __user *)(unsigned long)reg->addr;
	u64 val, fixed;
	u64 *where;
	int ret;

	if ((reg->id & KVM_REG_ARCH_MASK) != KVM_REG_ARM64)
		return -EINVAL;
	ret = pk_regs_fetch(vcpu);
	if (ret)
		return ret;
	if ((reg->id & KVM_REG_ARM_COPROC_MASK) == KVM_REG_ARM_CORE) {
		ret = set_core(vcpu, reg->id, uaddr);
	} else {
		if (KVM_REG_SIZE(reg->id) != sizeof(u64))
			return -ENOENT;
		if (get_user(val, (u64 __user *)uaddr))
			return -EFAULT;
		where = vcpu_sysreg(vcpu, reg->id);
		if (!where) {
			/* fixed: writable only with the value it has */
			ret = fixed_reg(vcpu, reg->id, &fixed);
			return ret ?: val == fixed ? 0 : -EINVAL;
		}
		ret = may_write(vcpu, where, &val, sizeof(val));
		if (ret > 0)
			*where = val;
	}
	if (ret <= 0)
		return ret;
	/* a boot state, or a non-protected vCPU's registers to write back */
	if (vcpu->vm->started)
		vcpu->regs_dirty = true;
	else
		vcpu->boot_dirty = true;
	return 0;
}

/* Every register ONE_REG has (bar the fixed ones but PSCI's version). */
static u64 reg_list_count(void)
{
	u64 n = 0, off;

	for (off = 0; off < CORE_SIZE_WORDS; off++)
		n += core_reg_size(off) > 0;
	return n + PK_NR_SYSREGS + 2 + 1;
}

static int put_reg_ids(u64 __user *uids)
{
	u64 off, id;
	int i, size;

	for (off = 0; off < CORE_SIZE_WORDS; off++) {
		size = core_reg_size(off);
		if (size < 0)
			continue;
		id = KVM_REG_ARM64 | KVM_REG_ARM_CORE | size_bits(size) | off;
		if (put_user(id, uids++))
			return -EFAULT;
	}
	for (i = 0; i < PK_NR_SYSREGS; i++)
		if (put_user(sysreg_ids[i], uids++))
			return -EFAULT;
	if (put_user((u64)KVM_REG_ARM_TIMER_CTL, uids++) ||
	    put_user((u64)KVM_REG_ARM_TIMER_CVAL, uids++) ||
	    put_user((u64)KVM_REG_ARM_PSCI_VERSION, uids++))
		return -EFAULT;
	return 0;
}

/* KVM_GET_REG_LIST: -E2BIG with the count when the array is too small. */
int pk_get_reg_list(struct pk_vcpu *vcpu, struct kvm_reg_list __user *ulist)
{
	struct kvm_reg_list list;
	u64 n = reg_list_count(), room;

	if (copy_from_user(&list, ulist, sizeof(list)))
		return -EFAULT;
	room = list.n;
	list.n = n;
	if (copy_to_user(ulist, &list, sizeof(list)))
		return -EFAULT;
	if (room < n)
		return -E2BIG;
	return put_reg_ids(ulist->reg);
}
