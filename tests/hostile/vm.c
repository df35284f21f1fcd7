// SPDX-License-Identifier: GPL-2.0-only
/*
 * The VM calls (HC_VM_CREATE, HC_VM_TOPUP .. HC_VM_INFO), made as a
 * hostile host makes them: handles that are live, dying, destroyed, that
 * never were, 0 or huge; vCPU indices created, not created, out of range;
 * pfns of every kind (the fuzzer's free pages, pages it donated, shared,
 * gave a VM or a guest, the hypervisor's, MMIO, beyond RAM, physical
 * addresses where a pfn belongs); gfns inside and outside a VM's IPA
 * space, mapped or not. Each thread keeps a model of its VMs (struct
 * fz_vm) beside the shadow of its pages, so that every answer has one
 * right value: the call's result, the pages' states after it
 * (HC_PAGE_STATE), the VM's guest and memcache pages (HC_VM_INFO), and
 * what the pages hold when they come back (zeroed; a protected guest's
 * scrubbed). vcpu.c has the calls on a vCPU and its guest.
 *
 * Handles are global: the hypervisor gives the lowest free one. A
 * registry says which thread's VM each handle is; every creation and
 * destruction holds its lock across the call, and so does every call
 * with a handle that is not the caller's, which names no VM then (but
 * HC_VM_INFO, which changes nothing, may name another thread's VM).
 */
#include "hostile.h"
#include <linux/mm.h>
#include <linux/spinlock.h>
#include <linux/string.h>

#define FZ_NO_HANDLE	0

static DEFINE_SPINLOCK(fz_reg_lock);
static u8 fz_reg_owner[PK_MAX_VMS + 1];	/* a thread's idx + 1; 0: free */
static unsigned int fz_reg_live;

/* The VMs of the handle-table check (fz_fill_handle_table()): one user. */
static struct fz_vm fz_fill_vms[PK_MAX_VMS + 1];

void fz_vm_registry_init(void)
{
	memset(fz_reg_owner, 0, sizeof(fz_reg_owner));
	fz_reg_live = 0;
}

static u64 fz_reg_lowest_free(void)
{
	u64 h;

	lockdep_assert_held(&fz_reg_lock);
	for (h = 1; h <= PK_MAX_VMS; h++)
		if (!fz_reg_owner[h])
			return h;
	return FZ_NO_HANDLE;
}

bool fz_is_vm_call(unsigned int n)
{
	return n == HC_VM_CREATE || (n >= HC_VM_TOPUP && n <= HC_VM_INFO);
}

const u8 fz_vm_calls[FZ_NR_VM_CALLS] = {
	HC_VM_CREATE, HC_VM_TOPUP, HC_VCPU_CREATE, HC_VCPU_RESET, HC_VCPU_RUN,
	HC_VCPU_SYNC, HC_VCPU_MMIO, HC_GUEST_MAP, HC_VM_TEARDOWN,
	HC_VM_RECLAIM, HC_VM_DESTROY, HC_GUEST_ID_REG, HC_VM_INFO,
};

const char *fz_vm_call_name(unsigned int i)
{
	static const char * const names[FZ_NR_VM_CALLS] = {
		"vm_create", "vm_topup", "vcpu_create", "vcpu_reset",
		"vcpu_run", "vcpu_sync", "vcpu_mmio", "guest_map",
		"vm_teardown", "vm_reclaim", "vm_destroy", "guest_id_reg",
		"vm_info",
	};

	return names[i];
}

/* ---- answers ----------------------------------------------------------- */

/* Which of the answers counted in the results @ret is. */
static enum fz_answer fz_answer_of(long ret)
{
#define FZ_ANSWER_ERRNO(name, err)	err,
	static const int errs[] = { FZ_ANSWERS(FZ_ANSWER_ERRNO) };
#undef FZ_ANSWER_ERRNO
	unsigned int a;

	if (ret >= 0)
		return FZ_A_OK;
	for (a = FZ_A_OK + 1; a < FZ_A_OTHER; a++)
		if (ret == -errs[a])
			return a;
	return FZ_A_OTHER;
}

static void fz_vm_count(struct fz_thread *t, const struct fz_call *c)
{
	unsigned int i, n = HC_FUNC_NUM(c->x[0]);
	long ret = n == HC_GUEST_ID_REG ? c->r[2] : c->r[1];

	for (i = 0; i < FZ_NR_VM_CALLS; i++)
		if (fz_vm_calls[i] == n)
			t->vs.answers[i][fz_answer_of(ret)]++;
}

void fz_vm_issue(struct fz_thread *t, struct fz_call *c)
{
	t->vs.calls++;
	if (HC_FUNC_NUM(c->x[0]) == HC_VCPU_RUN)
		fz_vcpu_issue_run(t, c);
	else
		fz_issue(t, c);
	fz_vm_count(t, c);
}

/*
 * @c's x1 must be @want, or -ENOMEM where @nomem_ok (the pool may be
 * short: other threads hold pages in it). False, and a violation of
 * @kind, otherwise.
 */
bool fz_vm_expect(struct fz_thread *t, const struct fz_call *c,
		  enum fz_kind kind, long want, bool nomem_ok)
{
	long ret = c->r[1];

	if (c->r[0] != SMCCC_RET_SUCCESS) {
		fz_violation(FZ_V_BAD_STATUS, c, "x0 of a VM call");
		return false;
	}
	if (ret == want)
		return true;
	if (nomem_ok && ret == -ENOMEM) {
		t->vs.nomem++;
		return true;
	}
	fz_violation(kind, c, "unexpected result");
	return false;
}

/* ---- pages --------------------------------------------------------------- */

static void fz_set_state(struct fz_thread *t, u64 pfn, u8 state)
{
	u8 *st = fz_own_state(t, pfn);

	if (st)
		*st = state;
}

static void fz_add_pin(struct fz_thread *t, u64 pfn, int n)
{
	struct fz_block *b = fz_own_block_of(t, pfn);

	if (b)
		b->pins[pfn - b->pfn] += n;
}

/*
 * HC_PAGE_STATE of one of @t's pages against its shadow, after a VM call
 * that may have moved it; true if it is the host's.
 */
bool fz_vm_verify_page(struct fz_thread *t, u64 pfn)
{
	struct fz_block *b = fz_own_block_of(t, pfn);
	struct fz_call c;
	u8 st;

	if (!b || b->state[pfn - b->pfn] == FZ_LOST)
		return false;
	st = b->state[pfn - b->pfn];
	if ((long)fz_hvc1(t, HC_ID(HC_PAGE_STATE), pfn, 0, &c) !=
	    fz_expected_page_state(st)) {
		fz_violation(FZ_V_VM_PAGE_STATE, &c, "after a VM call");
		fz_resync(t, b, pfn, 1);
		return false;
	}
	return st == FZ_HOST;
}

/*
 * A page back from a VM must hold nothing of it: the hypervisor zeroes
 * its own pages, and scrubs a protected guest's. Read only once the
 * hypervisor says it is the host's (any other would fault).
 */
static void fz_vm_check_zeroed(struct fz_thread *t, u64 pfn, const char *what)
{
	struct fz_call c = { .x = { HC_ID(HC_PAGE_STATE), pfn } };

	if (!fz_vm_verify_page(t, pfn))
		return;
	if (memchr_inv(page_address(pfn_to_page(pfn)), 0, PAGE_SIZE))
		fz_violation(FZ_V_VM_SCRUB, &c, what);
}

/* Believe the hypervisor about @pfn, if it is one of @t's pages. */
static void fz_vm_resync(struct fz_thread *t, u64 pfn, bool lost)
{
	struct fz_block *b = fz_own_block_of(t, pfn);

	if (!b)
		return;
	if (lost)
		b->state[pfn - b->pfn] = FZ_LOST;
	fz_resync(t, b, pfn, 1);
}

/*
 * One of @t's pages the host may give: true and *@pfn, or none found.
 * Mostly from its big block: the single pages are soon all taken.
 */
static bool fz_free_page(struct fz_thread *t, u64 *pfn)
{
	struct fz_block *b;
	int tries;

	for (tries = 0; tries < 16; tries++) {
		if (tries < 12) {
			b = &t->blocks[0];
			*pfn = b->pfn + fz_rand64(t) % b->nr;
		} else {
			*pfn = fz_own_pfn(t, &b);
		}
		if (b->state[*pfn - b->pfn] == FZ_HOST)
			return true;
	}
	return false;
}

/* A pfn that is no RAM at all, of some kind. */
static u64 fz_bad_pfn(struct fz_thread *t)
{
	struct fz_block *b;
	u64 pfn;

	do {
		switch (fz_below(t, 4)) {
		case 0:
			pfn = fz_mmio_pfn(t);
			break;
		case 1:
			pfn = fz_not_ram_pfn(t);
			break;
		case 2:	/* a physical address where the pfn belongs */
			pfn = fz_own_pfn(t, &b) << PAGE_SHIFT;
			break;
		default:
			pfn = fz_edge(t);
			break;
		}
	} while (fz_range_is_ram(pfn, 1));
	return pfn;
}

/* Some page of @vm's: itself, its tables, a vCPU's two, a guest page. */
static bool fz_vm_some_page(struct fz_thread *t, const struct fz_vm *vm,
			    u64 *pfn)
{
	const struct fz_vcpu *v = &vm->vcpu[fz_below(t, PK_MAX_VCPUS)];

	if (!vm->live || vm->broken)
		return false;
	switch (fz_below(t, 5)) {
	case 0:
		*pfn = vm->pfn;
		return true;
	case 1:
		*pfn = vm->mc[fz_below(t, vm->nr_mc)];
		return true;
	case 2:
		*pfn = fz_chance(t, 50) ? v->pfn : v->page_pfn;
		return v->created;
	default:
		if (!vm->nr_g)
			return false;
		*pfn = vm->g[fz_below(t, vm->nr_g)].pfn;
		return true;
	}
}

/* One of @t's pages the host cannot give: donated, shared, a VM's. */
static bool fz_busy_page(struct fz_thread *t, u64 *pfn)
{
	struct fz_block *b;
	int tries;

	for (tries = 0; tries < 4; tries++) {
		const struct fz_vm *vm = &t->vms[fz_below(t, FZ_VMS_PER_THREAD)];

		if (fz_vm_some_page(t, vm, pfn))
			return true;
		*pfn = fz_own_pfn(t, &b);
		if (b->state[*pfn - b->pfn] != FZ_HOST &&
		    b->state[*pfn - b->pfn] != FZ_LOST)
			return true;
	}
	return false;
}

/*
 * A page for a call that takes one (a VM, its root, a top-up, a vCPU, a
 * guest page): often a free one when @free_ok, else one it must refuse.
 * Never a page of the kernel's or another thread's.
 */
static u64 fz_vm_page_arg(struct fz_thread *t, bool free_ok)
{
	u64 pfn;

	switch (fz_below(t, 10)) {
	case 0: case 1: case 2: case 3: case 4: case 5:
		if (free_ok && fz_free_page(t, &pfn))
			return pfn;
		fallthrough;
	case 6: case 7:
		if (fz_busy_page(t, &pfn))
			return pfn;
		fallthrough;
	case 8:
		return fz_hyp_pfn(t);
	default:
		return fz_bad_pfn(t);
	}
}

/* What taking @pfn from the host for good must answer (0: it may). */
static long fz_take_expect(struct fz_thread *t, u64 pfn)
{
	u8 *st;

	if (!fz_range_is_ram(pfn, 1))
		return -EINVAL;
	st = fz_own_state(t, pfn);
	return st && *st == FZ_HOST ? 0 : -EPERM;
}

/* What pinning @pfn as a vCPU's page must answer. */
static long fz_pin_expect(struct fz_thread *t, u64 pfn)
{
	struct fz_block *b;

	if (!fz_range_is_ram(pfn, 1))
		return -EINVAL;
	b = fz_own_block_of(t, pfn);
	if (!b || b->state[pfn - b->pfn] != FZ_SHARED)
		return -EPERM;
	return b->pins[pfn - b->pfn] < OWN_MAX_PINS ? 0 : -EBUSY;
}

/* A page shared with the hypervisor, for a vCPU: one already, or now. */
static bool fz_shared_page(struct fz_thread *t, u64 *pfn)
{
	struct fz_block *b;
	struct fz_call c;
	long ret;
	int tries;

	for (tries = 0; tries < 4; tries++) {
		*pfn = fz_own_pfn(t, &b);
		if (b->state[*pfn - b->pfn] == FZ_SHARED)
			return true;
	}
	if (!fz_free_page(t, pfn))
		return false;
	ret = fz_hvc1(t, HC_ID(HC_HOST_SHARE_HYP), *pfn, 1, &c);
	if (ret == -ENOMEM) {
		t->nomem++;
		return false;
	}
	if (ret) {
		fz_violation(FZ_V_SHARE, &c, "a free page for a vCPU");
		return false;
	}
	t->moved[FZ_OP_SHARE]++;
	fz_set_state(t, *pfn, FZ_SHARED);
	fz_vm_verify_page(t, *pfn);
	return true;
}

/* The page for a vCPU's shared page argument, of every kind. */
static u64 fz_vcpu_page_arg(struct fz_thread *t, u64 pfn)
{
	u64 page;

	switch (fz_below(t, 10)) {
	case 0: case 1: case 2: case 3: case 4: case 5:
		if (fz_shared_page(t, &page))
			return page;
		fallthrough;
	case 6:
		return fz_vm_page_arg(t, true);	/* not shared: refused */
	case 7:
		return pfn;			/* the vCPU's own page */
	case 8:
		return fz_hyp_pfn(t);
	default:
		return fz_bad_pfn(t);
	}
}

/* ---- the model of a VM ------------------------------------------------- */

static u64 fz_vm_gfn_limit(const struct fz_vm *vm)
{
	return 1ULL << (vm->ipa_bits - PAGE_SHIFT);
}

static u32 fz_vm_start_level(const struct fz_vm *vm)
{
	return vm->ipa_bits > 39 ? 0 : 1;
}

/* Table pages one HC_GUEST_MAP may need: the hypervisor asks for them all. */
static u64 fz_vm_map_tables(const struct fz_vm *vm)
{
	return 3 - fz_vm_start_level(vm);
}

int fz_vm_gpage_index(const struct fz_vm *vm, u64 gfn)
{
	u32 i;

	for (i = 0; i < vm->nr_g; i++)
		if (vm->g[i].gfn == gfn)
			return i;
	return -1;
}

bool fz_vm_gfn_lost(const struct fz_vm *vm, u64 gfn)
{
	u32 i;

	for (i = 0; i < vm->nr_lost; i++)
		if (vm->lost[i] == gfn)
			return true;
	return false;
}

/* The @i-th gfn the stage-2 holds an entry for: mapped, then lost. */
static u64 fz_vm_entry_gfn(const struct fz_vm *vm, u32 i)
{
	return i < vm->nr_g ? vm->g[i].gfn : vm->lost[i - vm->nr_g];
}

/*
 * Table pages of the VM's stage-2, its root included: one per distinct
 * level-1, -2, -3 table its entries reach: mapped pages, and the marks
 * where the host took one back (pages only; a table is freed when its
 * last entry goes, and a mark is an entry).
 */
static u64 fz_vm_tables(const struct fz_vm *vm)
{
	u32 level, i, j, n = vm->nr_g + vm->nr_lost;
	u64 tables = 1;

	for (level = fz_vm_start_level(vm) + 1; level <= 3; level++) {
		u32 shift = 9 * (4 - level);

		for (i = 0; i < n; i++) {
			for (j = 0; j < i; j++)
				if (fz_vm_entry_gfn(vm, j) >> shift ==
				    fz_vm_entry_gfn(vm, i) >> shift)
					break;
			tables += j == i;
		}
	}
	return tables;
}

static u64 fz_vm_mc_free(const struct fz_vm *vm)
{
	return vm->nr_mc - fz_vm_tables(vm);
}

/* A guest page, kept in ascending gfn order (the order reclaim takes). */
static void fz_vm_add_gpage(struct fz_vm *vm, u64 gfn, u64 pfn, u64 tag)
{
	u32 i = vm->nr_g;

	while (i && vm->g[i - 1].gfn > gfn) {
		vm->g[i] = vm->g[i - 1];
		i--;
	}
	vm->g[i] = (struct fz_gpage){ .gfn = gfn, .pfn = pfn, .tag = tag };
	vm->nr_g++;
}

/*
 * HC_VM_INFO of one of @t's VMs: its guest pages, memcache pages, and
 * those free, exactly.
 */
static void fz_vm_info_check(struct fz_thread *t, struct fz_vm *vm)
{
	struct fz_call c = { .x = { HC_ID(HC_VM_INFO), vm->handle } };

	fz_vm_issue(t, &c);
	if (c.r[0] != SMCCC_RET_SUCCESS || c.r[1] != vm->nr_g ||
	    c.r[2] != vm->nr_mc || c.r[3] != fz_vm_mc_free(vm)) {
		fz_violation(FZ_V_VM_INFO, &c, "pages, memcache, free in it");
		fz_vm_broke(vm);
	}
}

/* ---- handles -------------------------------------------------------------- */

/* Which VM a call names, and whether the registry lock is held for it. */
struct fz_target {
	struct fz_vm *vm;	/* the caller's VM the handle names, or NULL */
	u64 handle;
	bool locked;
};

static struct fz_vm *fz_some_live_vm(struct fz_thread *t)
{
	u32 i = fz_below(t, FZ_VMS_PER_THREAD), k;

	for (k = 0; k < FZ_VMS_PER_THREAD; k++) {
		struct fz_vm *vm = &t->vms[(i + k) % FZ_VMS_PER_THREAD];

		if (vm->live && !vm->broken)
			return vm;
	}
	return NULL;
}

/*
 * A handle that names no VM: one this thread destroyed, another free one,
 * 0, beyond the table, or a live one's with high bits set. The registry
 * lock is held from here to the call's end, so that it stays so.
 */
static void fz_dead_target(struct fz_thread *t, struct fz_target *tg)
{
	struct fz_vm *vm = fz_some_live_vm(t);
	u64 h;

	spin_lock(&fz_reg_lock);
	tg->locked = true;
	tg->vm = NULL;
	switch (fz_below(t, 6)) {
	case 0:
		h = t->stale_handle;
		break;
	case 1:
		h = 1 + fz_below(t, PK_MAX_VMS);
		break;
	case 2:
		h = FZ_NO_HANDLE;
		break;
	case 3:
		h = PK_MAX_VMS + 1 + fz_below(t, 1024);
		break;
	case 4:
		h = (vm ? vm->handle : 1) | (1ULL << (32 + fz_below(t, 32)));
		break;
	default:
		h = fz_edge(t);
		break;
	}
	if (h >= 1 && h <= PK_MAX_VMS && fz_reg_owner[h])
		h = FZ_NO_HANDLE;
	tg->handle = h;
}

/* Mostly one of the caller's live VMs; else a handle that names none. */
static void fz_pick_target(struct fz_thread *t, struct fz_target *tg)
{
	tg->locked = false;
	tg->vm = fz_chance(t, 85) ? fz_some_live_vm(t) : NULL;
	if (tg->vm)
		tg->handle = tg->vm->handle;
	else
		fz_dead_target(t, tg);
}

static void fz_put_target(struct fz_target *tg)
{
	if (tg->locked)
		spin_unlock(&fz_reg_lock);
	tg->locked = false;
}

/* ---- creation --------------------------------------------------------------- */

static bool fz_ipa_ok(u32 bits)
{
	return bits >= PK_VM_MIN_IPA_BITS && bits <= PK_VM_MAX_IPA_BITS &&
	       bits <= fz_env.pa_bits;
}

/* HC_VM_CREATE's flags: mostly valid ones; IPA sizes in and out of range. */
static u64 fz_vm_flags(struct fz_thread *t, bool protected)
{
	static const u8 valid[] = { 0, 32, 36, 39, 40 };
	static const u8 any[] = { 42, 44, 48, 52, 31, 1, 0xff };
	u64 f = protected ? PK_VM_PROTECTED : 0;

	if (fz_chance(t, 85))
		f |= (u64)valid[fz_below(t, ARRAY_SIZE(valid))] << PK_VM_IPA_SHIFT;
	else
		f |= (u64)any[fz_below(t, ARRAY_SIZE(any))] << PK_VM_IPA_SHIFT;
	if (fz_chance(t, 4))	/* a flag there is not */
		f |= BIT_ULL(1 + fz_below(t, 7)) | (fz_rand64(t) << 16);
	return f;
}

/* What HC_VM_CREATE must answer, in the order the hypervisor checks. */
static long fz_create_expect(struct fz_thread *t, u64 pfn, u64 root, u64 flags)
{
	u32 ipa = PK_VM_IPA_BITS(flags) ?: 40;
	long ret;

	lockdep_assert_held(&fz_reg_lock);
	if (flags & ~(PK_VM_PROTECTED | (0xffULL << PK_VM_IPA_SHIFT)))
		return -EINVAL;
	if ((flags & PK_VM_PROTECTED) && !fz_env.secure)
		return -EPERM;
	if (pfn == root)
		return -EINVAL;
	if (fz_reg_live == PK_MAX_VMS)
		return -ENOSPC;
	ret = fz_take_expect(t, pfn) ?: fz_take_expect(t, root);
	if (ret)
		return ret;
	if (!fz_ipa_ok(ipa))
		return -EINVAL;
	return fz_reg_lowest_free();
}

static void fz_vm_init_model(struct fz_thread *t, struct fz_vm *vm, u64 handle,
			     u64 pfn, u64 root, u64 flags)
{
	memset(vm, 0, sizeof(*vm));
	vm->live = true;
	vm->handle = handle;
	vm->protected = flags & PK_VM_PROTECTED;
	vm->ipa_bits = PK_VM_IPA_BITS(flags) ?: 40;
	vm->pfn = pfn;
	vm->mc[0] = root;
	vm->nr_mc = 1;
	/* in the first 2 MiB of IPA, with the code: one level-3 table */
	vm->rd_gfn = 16 + fz_below(t, 240);
	vm->wr_gfn = 256 + fz_below(t, 240);
	fz_set_state(t, pfn, FZ_VM_HYP);
	fz_set_state(t, root, FZ_VM_HYP);
	t->vs.created++;
}

/*
 * HC_VM_CREATE with @pfn, @root and @flags into @vm (a free slot); true
 * if the VM exists now. The registry lock makes the answer exact: the
 * lowest free handle, or -ENOSPC.
 */
static bool fz_vm_create_call(struct fz_thread *t, struct fz_vm *vm, u64 pfn,
			      u64 root, u64 flags, long *got)
{
	struct fz_call c = { .x = { HC_ID(HC_VM_CREATE), pfn, root, flags } };
	long want, ret;
	bool ok;

	spin_lock(&fz_reg_lock);
	want = fz_create_expect(t, pfn, root, flags);
	fz_vm_issue(t, &c);
	ret = c.r[1];
	ok = fz_vm_expect(t, &c, FZ_V_PVM_CREATE, want, want > 0);
	/* a VM the model did not foresee is still one: keep it, broken */
	if (ret > 0 && ret <= PK_MAX_VMS && !fz_reg_owner[ret]) {
		fz_reg_owner[ret] = t->idx + 1;
		fz_reg_live++;
	}
	spin_unlock(&fz_reg_lock);
	if (got)
		*got = ret;
	if (ret > 0 && ret <= PK_MAX_VMS) {
		fz_vm_init_model(t, vm, ret, pfn, root, flags);
		if (!ok)
			fz_vm_broke(vm);
	}
	fz_vm_verify_page(t, pfn);
	fz_vm_verify_page(t, root);
	if (vm->live && !vm->broken)
		fz_vm_info_check(t, vm);
	return vm->live;
}

/* A VM made as a VMM would (in @vm, a free slot): NULL if it was not. */
struct fz_vm *fz_vm_new(struct fz_thread *t, struct fz_vm *vm, bool protected)
{
	static const u8 ipa[] = { 0, 32, 36, 39, 40 };
	u64 pfn, root, flags;

	if (!fz_free_page(t, &pfn) || !fz_free_page(t, &root) || pfn == root)
		return NULL;
	flags = (u64)ipa[fz_below(t, ARRAY_SIZE(ipa))] << PK_VM_IPA_SHIFT;
	if (protected && fz_env.secure)
		flags |= PK_VM_PROTECTED;
	return fz_vm_create_call(t, vm, pfn, root, flags, NULL) ? vm : NULL;
}

/*
 * HC_VM_CREATE with arguments of every kind, into a free slot; with none
 * free, only with pages it must refuse (a VM made all the same goes to
 * the stray slot, which the next checkpoint empties).
 */
static void fz_vm_create_any(struct fz_thread *t)
{
	struct fz_vm *vm = NULL;
	u64 pfn, root;
	u32 i;

	for (i = 0; i < FZ_VMS_PER_THREAD; i++)
		if (!t->vms[i].live)
			vm = &t->vms[i];
	pfn = fz_vm_page_arg(t, vm != NULL);
	root = fz_chance(t, 5) ? pfn : fz_vm_page_arg(t, vm != NULL);
	if (!vm) {
		if (t->stray_vm.live)
			return;
		vm = &t->stray_vm;
	}
	fz_vm_create_call(t, vm, pfn, root, fz_vm_flags(t, fz_chance(t, 50)),
			  NULL);
}

/* ---- top-ups ------------------------------------------------------------------ */

static void fz_vm_topup_call(struct fz_thread *t, struct fz_target *tg, u64 pfn)
{
	struct fz_call c = { .x = { HC_ID(HC_VM_TOPUP), tg->handle, pfn } };
	struct fz_vm *vm = tg->vm;
	long want;

	if (!vm)
		want = -ENOENT;
	else if (vm->dying)
		want = -EBUSY;
	else
		want = fz_take_expect(t, pfn);
	fz_vm_issue(t, &c);
	fz_put_target(tg);
	if (!fz_vm_expect(t, &c, FZ_V_VM_TOPUP, want, !want)) {
		if (vm)
			fz_vm_broke(vm);
	} else if (vm && !want && !c.r[1]) {
		vm->mc[vm->nr_mc++] = pfn;
		fz_set_state(t, pfn, FZ_VM_HYP);
	}
	fz_vm_verify_page(t, pfn);
	if (vm && !vm->broken)
		fz_vm_info_check(t, vm);
}

/* One more memcache page for @vm, as a VMM would give it. */
bool fz_vm_topup_new(struct fz_thread *t, struct fz_vm *vm)
{
	struct fz_target tg = { .vm = vm, .handle = vm->handle };
	u32 had = vm->nr_mc;
	u64 pfn;

	if (vm->nr_mc == FZ_VM_MAX_MC || !fz_free_page(t, &pfn))
		return false;
	fz_vm_topup_call(t, &tg, pfn);
	return vm->nr_mc > had;
}

static void fz_vm_topup_any(struct fz_thread *t)
{
	struct fz_target tg;

	fz_pick_target(t, &tg);
	fz_vm_topup_call(t, &tg, fz_vm_page_arg(t, tg.vm &&
					       tg.vm->nr_mc < FZ_VM_MAX_MC));
}

/* ---- vCPUs ------------------------------------------------------------------ */

/* A vCPU index: created, not created, out of range, with high bits set. */
u64 fz_vcpu_idx_arg(struct fz_thread *t, const struct fz_vm *vm)
{
	u32 i = fz_below(t, PK_MAX_VCPUS), k;

	switch (fz_below(t, 10)) {
	case 0: case 1: case 2: case 3: case 4: case 5: case 6:
		for (k = 0; vm && k < PK_MAX_VCPUS; k++)
			if (vm->vcpu[(i + k) % PK_MAX_VCPUS].created)
				return (i + k) % PK_MAX_VCPUS;
		return i;
	case 7:
		return i;
	case 8:
		return PK_MAX_VCPUS + fz_below(t, 3);
	default:
		return fz_chance(t, 50) ? fz_edge(t) :
					  i | (1ULL << (32 + fz_below(t, 32)));
	}
}

static long fz_vcpu_create_expect(struct fz_thread *t, const struct fz_vm *vm,
				  u64 idx, u64 pfn, u64 page)
{
	if (!vm)
		return -ENOENT;
	if (idx >= PK_MAX_VCPUS || pfn == page)
		return -EINVAL;
	if (vm->vcpu[idx].created)
		return -EEXIST;
	if (vm->dying)
		return -EBUSY;
	return fz_take_expect(t, pfn) ?: fz_pin_expect(t, page);
}

static void fz_vcpu_init_model(struct fz_thread *t, struct fz_vm *vm, u64 idx,
			       u64 pfn, u64 page)
{
	struct fz_vcpu *v = &vm->vcpu[idx];

	memset(v, 0, sizeof(*v));
	v->created = true;
	v->pfn = pfn;
	v->page_pfn = page;
	v->page = page_address(pfn_to_page(page));
	fz_set_state(t, pfn, FZ_VM_HYP);
	fz_add_pin(t, page, 1);
}

static void fz_vcpu_create_call(struct fz_thread *t, struct fz_target *tg,
				u64 idx, u64 pfn, u64 page)
{
	struct fz_call c = { .x = { HC_ID(HC_VCPU_CREATE), tg->handle, idx,
				    pfn, page } };
	struct fz_vm *vm = tg->vm;
	long want = fz_vcpu_create_expect(t, vm, idx, pfn, page);

	fz_vm_issue(t, &c);
	fz_put_target(tg);
	if (!fz_vm_expect(t, &c, FZ_V_VCPU_CREATE, want, !want)) {
		if (vm)
			fz_vm_broke(vm);
	} else if (!want && !c.r[1]) {
		fz_vcpu_init_model(t, vm, idx, pfn, page);
	}
	fz_vm_verify_page(t, pfn);
	fz_vm_verify_page(t, page);
}

/* vCPU @idx of @vm, as a VMM would make it; true if it exists now. */
bool fz_vm_add_vcpu(struct fz_thread *t, struct fz_vm *vm, u32 idx)
{
	struct fz_target tg = { .vm = vm, .handle = vm->handle };
	u64 pfn, page;

	if (!fz_free_page(t, &pfn) || !fz_shared_page(t, &page))
		return false;
	fz_vcpu_create_call(t, &tg, idx, pfn, page);
	return vm->vcpu[idx].created;
}

static void fz_vcpu_create_any(struct fz_thread *t)
{
	struct fz_target tg;
	u64 idx, pfn;

	fz_pick_target(t, &tg);
	idx = fz_chance(t, 70) ? fz_below(t, PK_MAX_VCPUS) :
				 fz_vcpu_idx_arg(t, tg.vm);
	pfn = fz_vm_page_arg(t, true);
	fz_vcpu_create_call(t, &tg, idx, pfn, fz_vcpu_page_arg(t, pfn));
}

/* ---- guest pages ------------------------------------------------------------ */

/*
 * A gfn for HC_GUEST_MAP: the code's (0), where the guest loads, one
 * mapped already, one near the code, the last one and the first beyond
 * the VM's IPA size, anything. Never where it stores: that stays MMIO.
 */
static u64 fz_gfn_arg(struct fz_thread *t, const struct fz_vm *vm)
{
	u64 limit = vm ? fz_vm_gfn_limit(vm) : 1ULL << 28, gfn;

	switch (fz_below(t, 10)) {
	case 0:
		gfn = 0;
		break;
	case 1:
		gfn = vm ? vm->rd_gfn : 1;
		break;
	case 2:	/* mapped, or lost */
		gfn = vm && vm->nr_g + vm->nr_lost ?
		      fz_vm_entry_gfn(vm, fz_below(t, vm->nr_g + vm->nr_lost)) : 0;
		break;
	case 3: case 4: case 5:
		gfn = 1 + fz_below(t, 511);
		break;
	case 6:
		gfn = limit - 1 - fz_below(t, 2);
		break;
	case 7:
		gfn = limit + fz_below(t, 2);
		break;
	case 8:	/* an IPA where the gfn belongs */
		gfn = (vm ? vm->rd_gfn : 1) << PAGE_SHIFT;
		break;
	default:
		gfn = fz_chance(t, 50) ? fz_edge(t) : fz_rand64(t) % (limit << 1);
		break;
	}
	if (vm && gfn == vm->wr_gfn)
		gfn = limit;
	return gfn;
}

static long fz_map_expect(struct fz_thread *t, const struct fz_vm *vm, u64 pfn,
			  u64 gfn)
{
	if (!vm)
		return -ENOENT;
	if (vm->dying)
		return -EBUSY;
	if (gfn >= fz_vm_gfn_limit(vm))
		return -EINVAL;
	if (fz_vm_gfn_lost(vm, gfn))	/* the guest must learn it lost it */
		return -EPERM;
	if (!fz_range_is_ram(pfn, 1))
		return -EINVAL;
	if (fz_take_expect(t, pfn))
		return -EPERM;
	if (fz_vm_gpage_index(vm, gfn) >= 0)
		return -EEXIST;
	if (fz_vm_mc_free(vm) < fz_vm_map_tables(vm))
		return -ENOMEM;
	return 0;
}

/*
 * What a page about to become the guest's at @gfn must hold: the code
 * at gfn 0, a value for its load where it loads (returned as the tag),
 * zeroes elsewhere.
 */
static u64 fz_prepare_guest_page(struct fz_thread *t, const struct fz_vm *vm,
				 u64 pfn, u64 gfn)
{
	u8 *va = page_address(pfn_to_page(pfn));
	u64 tag = fz_rand64(t);

	/* QEMU's TCG keeps no caches: nothing to clean for the guest */
	memset(va, 0, PAGE_SIZE);
	if (gfn == 0)
		memcpy(va, fz_guest_code, fz_guest_code_end - fz_guest_code);
	else if (gfn == vm->rd_gfn)
		*(u64 *)(va + FZ_GUEST_TAG_OFF) = tag;
	return tag;
}

static void fz_guest_map_call(struct fz_thread *t, struct fz_target *tg,
			      u64 pfn, u64 gfn)
{
	struct fz_call c = { .x = { HC_ID(HC_GUEST_MAP), tg->handle, pfn, gfn } };
	struct fz_vm *vm = tg->vm;
	long want = fz_map_expect(t, vm, pfn, gfn);
	u64 tag = 0;

	if (!want)
		tag = fz_prepare_guest_page(t, vm, pfn, gfn);
	fz_vm_issue(t, &c);
	fz_put_target(tg);
	/* a protected guest's page may need a host stage-2 table */
	if (!fz_vm_expect(t, &c, FZ_V_GUEST_MAP, want, !want && vm->protected)) {
		if (vm)
			fz_vm_broke(vm);
	} else if (!want && !c.r[1]) {
		fz_vm_add_gpage(vm, gfn, pfn, tag);
		fz_set_state(t, pfn, vm->protected ? FZ_GUEST_OWNED :
						     FZ_GUEST_SHARED);
	}
	fz_vm_verify_page(t, pfn);
	if (vm && !vm->broken)
		fz_vm_info_check(t, vm);
}

/*
 * The host kernel reads a page a protected guest owns (as /proc/PID/mem
 * would): the hypervisor gives it back to the host, scrubbed, and the
 * guest loses it: its next access there is PK_EXIT_LOST_PAGE, and
 * nothing may be mapped there again.
 */
void fz_vm_touch(struct fz_thread *t, struct fz_vm *vm, u64 gfn)
{
	int i = fz_vm_gpage_index(vm, gfn);

	if (!vm->protected || i < 0 || vm->nr_lost == FZ_VM_MAX_GFNS)
		return;
	fz_vm_took_back(t, vm, gfn, fz_touch_page(vm->g[i].pfn));
}

/* A read of @pfn by the host kernel, through its linear map. */
u64 fz_touch_page(u64 pfn)
{
	return READ_ONCE(*(u64 *)page_address(pfn_to_page(pfn)));
}

/* The model once the host's touch took @gfn back (it read @seen there). */
void fz_vm_took_back(struct fz_thread *t, struct fz_vm *vm, u64 gfn, u64 seen)
{
	struct fz_call c = { .x = { HC_ID(HC_PAGE_STATE) } };
	int i = fz_vm_gpage_index(vm, gfn);

	c.x[1] = vm->g[i].pfn;
	c.r[1] = seen;
	vm->lost[vm->nr_lost++] = vm->g[i].gfn;
	memmove(&vm->g[i], &vm->g[i + 1], (vm->nr_g - i - 1) * sizeof(vm->g[0]));
	vm->nr_g--;
	t->vs.taken_back++;
	fz_set_state(t, c.x[1], FZ_HOST);
	if (c.r[1])
		fz_violation(FZ_V_VM_SCRUB, &c, "the host read a guest's data");
	fz_vm_check_zeroed(t, c.x[1], "a page taken back from a guest");
	fz_vm_info_check(t, vm);
}

/* A free page at @gfn of @vm, as a VMM maps one; true if it is there now. */
bool fz_vm_map_new(struct fz_thread *t, struct fz_vm *vm, u64 gfn)
{
	struct fz_target tg = { .vm = vm, .handle = vm->handle };
	u64 pfn;

	if (vm->nr_g == FZ_VM_MAX_GFNS || !fz_free_page(t, &pfn))
		return false;
	while (fz_vm_mc_free(vm) < fz_vm_map_tables(vm))
		if (!fz_vm_topup_new(t, vm))
			return false;
	fz_guest_map_call(t, &tg, pfn, gfn);
	return fz_vm_gpage_index(vm, gfn) >= 0;
}

/*
 * HC_GUEST_MAP of every kind: free pages, pages the guest or another of
 * ours has already (the same pfn at two gfns, in two VMs), the VM's own
 * pages, the hypervisor's, no RAM.
 */
static void fz_guest_map_any(struct fz_thread *t)
{
	struct fz_target tg;
	u64 pfn;

	fz_pick_target(t, &tg);
	if (tg.vm && tg.vm->nr_g && fz_chance(t, 20))
		pfn = tg.vm->g[fz_below(t, tg.vm->nr_g)].pfn;
	else
		pfn = fz_vm_page_arg(t, !tg.vm ||
				     tg.vm->nr_g < FZ_VM_MAX_GFNS);
	fz_guest_map_call(t, &tg, pfn, fz_gfn_arg(t, tg.vm));
}

/* ---- the end of a VM ------------------------------------------------------ */

static void fz_vm_teardown_call(struct fz_thread *t, struct fz_target *tg)
{
	struct fz_call c = { .x = { HC_ID(HC_VM_TEARDOWN), tg->handle } };
	struct fz_vm *vm = tg->vm;

	fz_vm_issue(t, &c);
	fz_put_target(tg);
	if (!fz_vm_expect(t, &c, FZ_V_VM_TEARDOWN, vm ? 0 : -ENOENT, false)) {
		if (vm)
			fz_vm_broke(vm);
	} else if (vm) {
		vm->dying = true;
	}
}

bool fz_vm_teardown(struct fz_thread *t, struct fz_vm *vm)
{
	struct fz_target tg = { .vm = vm, .handle = vm->handle };

	fz_vm_teardown_call(t, &tg);
	return vm->dying && !vm->broken;
}

/* The guest pages one HC_VM_RECLAIM gives back: from the lowest gfn. */
static void fz_vm_reclaimed(struct fz_thread *t, struct fz_vm *vm, u32 n)
{
	u32 i;

	for (i = 0; i < n; i++) {
		fz_set_state(t, vm->g[i].pfn, FZ_HOST);
		if (vm->protected)
			fz_vm_check_zeroed(t, vm->g[i].pfn,
					   "a protected guest's page unscrubbed");
		else
			fz_vm_verify_page(t, vm->g[i].pfn);
	}
	memmove(vm->g, vm->g + n, (vm->nr_g - n) * sizeof(vm->g[0]));
	vm->nr_g -= n;
}

static void fz_vm_reclaim_call(struct fz_thread *t, struct fz_target *tg,
			       u64 budget)
{
	struct fz_call c = { .x = { HC_ID(HC_VM_RECLAIM), tg->handle, budget } };
	struct fz_vm *vm = tg->vm;
	u32 n = 0;
	long want;

	if (!vm) {
		want = -ENOENT;
	} else if (!vm->dying) {
		want = -EPERM;
	} else {
		n = min_t(u64, min_t(u64, budget, 512), vm->nr_g);
		want = vm->nr_g - n;
	}
	fz_vm_issue(t, &c);
	fz_put_target(tg);
	if (!fz_vm_expect(t, &c, FZ_V_VM_RECLAIM, want, false)) {
		if (vm)
			fz_vm_broke(vm);
		return;
	}
	if (vm && vm->dying) {
		fz_vm_reclaimed(t, vm, n);
		fz_vm_info_check(t, vm);
	}
}

static u64 fz_budget_arg(struct fz_thread *t)
{
	switch (fz_below(t, 6)) {
	case 0:
		return 0;
	case 1:
		return 1;
	case 2:
		return 1 + fz_below(t, 8);
	case 3:
		return 511 + fz_below(t, 3);
	default:
		return fz_edge(t);
	}
}

/* Every page of a destroyed VM is the host's again, zeroed. */
static void fz_vm_destroyed(struct fz_thread *t, struct fz_vm *vm)
{
	u32 i;

	for (i = 0; i < vm->nr_g; i++)	/* only if it was wrongly destroyed */
		fz_vm_resync(t, vm->g[i].pfn, true);
	vm->nr_g = 0;
	fz_set_state(t, vm->pfn, FZ_HOST);
	fz_vm_check_zeroed(t, vm->pfn, "a VM's page");
	for (i = 0; i < vm->nr_mc; i++) {
		fz_set_state(t, vm->mc[i], FZ_HOST);
		fz_vm_check_zeroed(t, vm->mc[i], "a VM's table page");
	}
	for (i = 0; i < PK_MAX_VCPUS; i++) {
		struct fz_vcpu *v = &vm->vcpu[i];

		if (!v->created)
			continue;
		fz_set_state(t, v->pfn, FZ_HOST);
		fz_vm_check_zeroed(t, v->pfn, "a vCPU's page");
		fz_add_pin(t, v->page_pfn, -1);
		fz_vm_verify_page(t, v->page_pfn);
	}
	t->stale_handle = vm->handle;
	vm->live = false;
	t->vs.destroyed++;
}

static void fz_vm_destroy_call(struct fz_thread *t, struct fz_target *tg)
{
	struct fz_call c = { .x = { HC_ID(HC_VM_DESTROY), tg->handle } };
	struct fz_vm *vm = tg->vm;
	long want = !vm ? -ENOENT : !vm->dying ? -EPERM :
		    vm->nr_g ? -EBUSY : 0;
	bool ok;

	if (!tg->locked)
		spin_lock(&fz_reg_lock);
	tg->locked = true;
	fz_vm_issue(t, &c);
	ok = fz_vm_expect(t, &c, FZ_V_VM_DESTROY, want, false);
	if (vm && !c.r[1] && fz_reg_owner[vm->handle] == t->idx + 1) {
		fz_reg_owner[vm->handle] = 0;
		fz_reg_live--;
	}
	fz_put_target(tg);
	if (!ok && vm)
		fz_vm_broke(vm);
	if (vm && !c.r[1])
		fz_vm_destroyed(t, vm);
}

/*
 * After a wrong answer the model of @vm is lost: take down what can be
 * taken down, then believe the hypervisor about every page it had.
 */
static void fz_vm_salvage(struct fz_thread *t, struct fz_vm *vm)
{
	struct fz_call c;
	long left = 1;
	u32 i, tries;

	fz_hvc1(t, HC_ID(HC_VM_TEARDOWN), vm->handle, 0, &c);
	for (tries = 0; tries < 64 && left > 0; tries++)
		left = fz_hvc1(t, HC_ID(HC_VM_RECLAIM), vm->handle, 512, &c);
	spin_lock(&fz_reg_lock);
	if (!fz_hvc1(t, HC_ID(HC_VM_DESTROY), vm->handle, 0, &c) &&
	    fz_reg_owner[vm->handle] == t->idx + 1) {
		fz_reg_owner[vm->handle] = 0;
		fz_reg_live--;
		vm->live = false;
	}
	spin_unlock(&fz_reg_lock);
	for (i = 0; i < vm->nr_g; i++)
		fz_vm_resync(t, vm->g[i].pfn, true);
	vm->nr_g = 0;
	if (vm->live)
		return;		/* the rest stays the hypervisor's: leaked */
	fz_vm_resync(t, vm->pfn, true);
	for (i = 0; i < vm->nr_mc; i++)
		fz_vm_resync(t, vm->mc[i], true);
	for (i = 0; i < PK_MAX_VCPUS; i++) {
		if (!vm->vcpu[i].created)
			continue;
		fz_add_pin(t, vm->vcpu[i].page_pfn, -1);
		fz_vm_resync(t, vm->vcpu[i].pfn, true);
	}
}

/* Tear down, reclaim and destroy @vm as a VMM does, each answer checked. */
void fz_vm_dispose(struct fz_thread *t, struct fz_vm *vm)
{
	struct fz_target tg = { .vm = vm, .handle = vm->handle };

	if (!vm->live)
		return;
	if (!vm->broken && !vm->dying)
		fz_vm_teardown(t, vm);
	while (!vm->broken && vm->nr_g) {
		tg.handle = vm->handle;
		fz_vm_reclaim_call(t, &tg, 1 + fz_below(t, 8));
	}
	if (!vm->broken) {
		tg.handle = vm->handle;
		fz_vm_destroy_call(t, &tg);
	}
	if (vm->live)
		fz_vm_salvage(t, vm);
}

void fz_vm_dispose_all(struct fz_thread *t)
{
	u32 i;

	for (i = 0; i < FZ_VMS_PER_THREAD; i++)
		fz_vm_dispose(t, &t->vms[i]);
	fz_vm_dispose(t, &t->duel_vm);
	fz_vm_dispose(t, &t->stray_vm);
}

/* ---- read-only calls ----------------------------------------------------- */

/*
 * HC_VM_INFO with a handle of any kind: exact for ours and for none; for
 * another thread's VM, numbers such a VM can have.
 */
static void fz_vm_info_any(struct fz_thread *t)
{
	struct fz_call c = { .x = { HC_ID(HC_VM_INFO) } };
	struct fz_target tg;
	u8 owner;

	if (fz_chance(t, 50)) {
		fz_pick_target(t, &tg);
		if (tg.vm) {
			fz_vm_info_check(t, tg.vm);
			return;
		}
		c.x[1] = tg.handle;
	} else {	/* any handle in the table: maybe another thread's */
		spin_lock(&fz_reg_lock);
		tg.locked = true;
		c.x[1] = 1 + fz_below(t, PK_MAX_VMS);
	}
	owner = c.x[1] <= PK_MAX_VMS ? fz_reg_owner[c.x[1]] : 0;
	fz_vm_issue(t, &c);
	fz_put_target(&tg);
	if (owner == t->idx + 1)
		return;		/* ours: checked exactly elsewhere */
	if (c.r[0] != SMCCC_RET_SUCCESS ||
	    (!owner && (c.r[1] != (u64)-ENOENT || c.r[2] || c.r[3])) ||
	    (owner && (c.r[1] > FZ_VM_MAX_GFNS || !c.r[2] ||
		       c.r[2] > FZ_VM_MAX_MC || c.r[3] > c.r[2])))
		fz_violation(FZ_V_VM_INFO, &c, owner ? "another's VM" : "no VM");
}

/* HC_GUEST_ID_REG: the same view every time, -EINVAL outside the range. */
static void fz_guest_id_reg_any(struct fz_thread *t)
{
	struct fz_call c = { .x = { HC_ID(HC_GUEST_ID_REG) } };
	u64 enc;
	bool in;

	enc = fz_chance(t, 70) ? FZ_ID_REG_FIRST + fz_below(t, FZ_NR_ID_REGS) :
	      fz_chance(t, 50) ? FZ_ID_REG_FIRST - 1 - fz_below(t, 8) :
				 fz_chance(t, 50) ? FZ_ID_REG_LAST + 1 : fz_edge(t);
	c.x[1] = enc;
	fz_vm_issue(t, &c);
	in = enc >= FZ_ID_REG_FIRST && enc <= FZ_ID_REG_LAST;
	if (c.r[0] != SMCCC_RET_SUCCESS ||
	    (in && (c.r[2] || c.r[1] != fz_env.id_regs[enc - FZ_ID_REG_FIRST])) ||
	    (!in && (c.r[1] || c.r[2] != (u64)-EINVAL)))
		fz_violation(FZ_V_GUEST_ID_REG, &c, in ? "changed" : "not an ID register");
}

/* ---- the calls, one of each kind ----------------------------------------- */

static void fz_vm_teardown_any(struct fz_thread *t)
{
	struct fz_target tg;

	fz_pick_target(t, &tg);
	/* ours mostly live on: a teardown ends one now and then */
	if (tg.vm && !tg.vm->dying && fz_chance(t, 80)) {
		tg.vm = NULL;
		fz_dead_target(t, &tg);
	}
	fz_vm_teardown_call(t, &tg);
}

static void fz_vm_reclaim_any(struct fz_thread *t)
{
	struct fz_target tg;

	fz_pick_target(t, &tg);
	fz_vm_reclaim_call(t, &tg, fz_budget_arg(t));
}

static void fz_vm_destroy_any(struct fz_thread *t)
{
	struct fz_target tg;

	fz_pick_target(t, &tg);
	fz_vm_destroy_call(t, &tg);
}

/* A vCPU call (vcpu.c) on a VM of ours, or with a handle naming none. */
static void fz_vcpu_call_any(struct fz_thread *t, unsigned int n)
{
	struct fz_target tg;

	fz_pick_target(t, &tg);
	if (tg.vm) {
		u64 idx = fz_vcpu_idx_arg(t, tg.vm);

		switch (n) {
		case HC_VCPU_RESET:
			fz_vcpu_reset_call(t, tg.vm, idx);
			break;
		case HC_VCPU_RUN:
			fz_vcpu_run_call(t, tg.vm, idx);
			break;
		case HC_VCPU_SYNC:
			fz_vcpu_sync_call(t, tg.vm, idx);
			break;
		default:
			fz_vcpu_mmio_call(t, tg.vm, idx);
			break;
		}
		return;
	}
	fz_vcpu_dead_call(t, n, tg.handle);
	fz_put_target(&tg);
}

/* HC_@n with arguments of every kind (the walk, the vendor calls). */
void fz_vm_call(struct fz_thread *t, unsigned int n)
{
	switch (n) {
	case HC_VM_CREATE:
		fz_vm_create_any(t);
		break;
	case HC_VM_TOPUP:
		fz_vm_topup_any(t);
		break;
	case HC_VCPU_CREATE:
		fz_vcpu_create_any(t);
		break;
	case HC_GUEST_MAP:
		fz_guest_map_any(t);
		break;
	case HC_VM_TEARDOWN:
		fz_vm_teardown_any(t);
		break;
	case HC_VM_RECLAIM:
		fz_vm_reclaim_any(t);
		break;
	case HC_VM_DESTROY:
		fz_vm_destroy_any(t);
		break;
	case HC_GUEST_ID_REG:
		fz_guest_id_reg_any(t);
		break;
	case HC_VM_INFO:
		fz_vm_info_any(t);
		break;
	default:
		fz_vcpu_call_any(t, n);
		break;
	}
}

/*
 * Arguments for a VM call made any other way (by SMC, or with an x0 that
 * is not exactly its id): a handle that names no VM (below, so never
 * another thread's) and pages that are no RAM, so that a call the
 * hypervisor should not have taken still moves nothing of anyone's.
 */
void fz_vm_harmless_args(struct fz_thread *t, struct fz_call *c)
{
	c->x[1] = fz_chance(t, 50) ? FZ_NO_HANDLE : PK_MAX_VMS + 1 + fz_rand32(t);
	if (HC_FUNC_NUM(c->x[0]) == HC_VM_CREATE)
		c->x[1] = fz_bad_pfn(t);
	c->x[2] = fz_bad_pfn(t);
	c->x[3] = fz_bad_pfn(t);
	c->x[4] = fz_bad_pfn(t);
}

/* ---- a VM's life, as a VMM leads it --------------------------------------- */

/* The next step of a live VM's life: mostly its vCPUs' runs. */
static void fz_vm_progress(struct fz_thread *t, struct fz_vm *vm)
{
	u32 idx = fz_below(t, PK_MAX_VCPUS), k;
	struct fz_vcpu *v = NULL;

	if (fz_vm_mc_free(vm) < fz_vm_map_tables(vm) &&
	    vm->nr_mc < FZ_VM_MAX_MC) {
		fz_vm_topup_new(t, vm);
		return;
	}
	for (k = 0; k < PK_MAX_VCPUS && !v; k++)
		if (vm->vcpu[(idx + k) % PK_MAX_VCPUS].created)
			v = &vm->vcpu[(idx + k) % PK_MAX_VCPUS];
	if (!v || fz_chance(t, 2)) {
		fz_vm_add_vcpu(t, vm, fz_below(t, PK_MAX_VCPUS));
		return;
	}
	if (fz_vm_gpage_index(vm, 0) < 0 && fz_chance(t, 80)) {
		fz_vm_map_new(t, vm, 0);
		return;
	}
	idx = v - vm->vcpu;
	if (!v->reset_done || fz_chance(t, 3)) {
		fz_vcpu_reset_to(t, vm, idx, 0);
		return;
	}
	switch (fz_below(t, 20)) {
	case 0:
		fz_vm_map_new(t, vm, fz_gfn_arg(t, vm));
		break;
	case 1:
		fz_vcpu_sync_call(t, vm, idx);
		break;
	case 2:
		if (fz_chance(t, 20))
			fz_vm_teardown(t, vm);
		else if (fz_chance(t, 10) && vm->nr_g)
			fz_vm_touch(t, vm, vm->g[fz_below(t, vm->nr_g)].gfn);
		break;
	case 3: case 4: case 5: case 6:
		if (v->abort == FZ_AB_FAULT && v->abort_ipa >> PAGE_SHIFT ==
					       vm->rd_gfn && fz_chance(t, 50))
			fz_vm_map_new(t, vm, vm->rd_gfn);
		else
			fz_vcpu_mmio_call(t, vm, idx);
		break;
	default:
		fz_vcpu_run_call(t, vm, idx);
		break;
	}
}

/* After a teardown: its pages back in batches, then it goes. */
static void fz_vm_end_step(struct fz_thread *t, struct fz_vm *vm)
{
	struct fz_target tg = { .vm = vm, .handle = vm->handle };

	if (vm->nr_g && fz_chance(t, 5))	/* dying, not yet reclaimed */
		fz_vm_touch(t, vm, vm->g[fz_below(t, vm->nr_g)].gfn);
	else if (vm->nr_g && fz_chance(t, 80))
		fz_vm_reclaim_call(t, &tg, fz_budget_arg(t));
	else
		fz_vm_destroy_call(t, &tg);
}

void fz_vm_step(struct fz_thread *t)
{
	struct fz_vm *vm = &t->vms[fz_below(t, FZ_VMS_PER_THREAD)];

	if (fz_chance(t, 25) || vm->broken) {
		fz_vm_call(t, fz_vm_calls[fz_below(t, FZ_NR_VM_CALLS)]);
		return;
	}
	if (!vm->live)
		fz_vm_new(t, vm, fz_chance(t, 50));
	else if (vm->dying)
		fz_vm_end_step(t, vm);
	else
		fz_vm_progress(t, vm);
}

/* ---- checkpoints ------------------------------------------------------------ */

/* Every VM of every thread is gone: no handle names one. */
void fz_check_no_vms(struct fz_thread *t)
{
	struct fz_call c;
	u64 h;

	for (h = 1; h <= PK_MAX_VMS; h++)
		if (fz_hvc1(t, HC_ID(HC_VM_INFO), h, 0, &c) != (u64)-ENOENT)
			fz_violation(FZ_V_CKPT_VMS, &c, "a VM outlived its thread's");
	if (fz_reg_live) {
		c = (struct fz_call){ .x = { HC_ID(HC_VM_INFO) } };
		fz_violation(FZ_V_CKPT_VMS, &c, "the registry holds VMs");
	}
}

/*
 * With no VM alive (a checkpoint, the other threads waiting): as many VMs
 * as there are handles, 1 to PK_MAX_VMS in turn (each creation's answer
 * is exact), then -ENOSPC; then every one gone again.
 */
void fz_fill_handle_table(struct fz_thread *t)
{
	struct fz_call c = { .x = { HC_ID(HC_VM_CREATE) } };
	long last = 0;
	u32 i, made = 0;

	for (i = 0; i <= PK_MAX_VMS; i++) {
		struct fz_vm *vm = &fz_fill_vms[i];
		u64 pfn, root;

		memset(vm, 0, sizeof(*vm));
		if (!fz_free_page(t, &pfn) || !fz_free_page(t, &root) ||
		    pfn == root)
			break;
		if (!fz_vm_create_call(t, vm, pfn, root, 0, &last))
			break;
		made++;
	}
	if (made == PK_MAX_VMS && last == -ENOSPC)
		t->vs.full_tables++;
	else if (made > PK_MAX_VMS)
		fz_violation(FZ_V_CKPT_HANDLES, &c, "more VMs than handles");
	for (i = 0; i <= PK_MAX_VMS; i++)
		fz_vm_dispose(t, &fz_fill_vms[i]);
}
