// SPDX-License-Identifier: GPL-2.0-only
/*
 * kvm-test TEST [protected|normal] [ARG]: a small VMM on /dev/kvm, for the
 * scenarios. It runs the guest code of kvm-guest.S (its modes) and
 * checks what a VMM relies on; it prints one line per check, "ok - what"
 * or "not ok - what: why", and exits with the number that failed.
 *
 *   api               the system, VM and vCPU ioctls, errors included
 *   basic             MMIO both ways, PSCI/SMCCC calls, trapped sysregs
 *   secret            every way the host could read a guest's page
 *   smp               PSCI CPU_ON / AFFINITY_INFO / CPU_OFF, two vCPUs
 *   timer             the virtual timer through WFI, KVM_IRQ_LINE
 *   touch N           N pages touched once; prints the counter ticks
 *   psci N            N PSCI_VERSION calls; prints the counter ticks
 *   guard N           N MMIO_GUARD_MAPs, each needing new stage-2 tables
 *   hostile N         N random rounds of a hostile guest beside a
 *                     witness VM whose secret must survive
 *   kill              a VM that runs until SIGKILL (the caller kills it)
 *   create            one KVM_CREATE_VM: prints "created" (exit 0) or
 *                     "refused: <why>" (exit 1), nothing else
 *   call hvc|smc X0 [X1 X2 X3]
 *                     one call from a guest (a vendor module's guest
 *                     handler, the TRNG...): prints the guest's x0..x3
 *                     after it ("0x0 0x5 ..."), exit 0; 1 if it did not run
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define RAM_IPA		0x80000000ULL
#define MMIO_BASE	0x10000000ULL
#define IN		0x80
#define IN_SIGNED	0x88
#define SECRET_OFF	0x10000
#define PARAM_OFF	0x30000
#define PROTECTED_TYPE	(1UL << 31)	/* KVM_VM_TYPE_ARM_PROTECTED */
#define MAX_VCPUS	2
#define NR_OUT		9
#define PSCI_VERSION_1_1 0x10001

extern const char kvm_guest_code[], kvm_guest_code_end[];

static int failures;
static volatile int stopping;	/* -EINTR ends a run (a thread is told to stop) */

static void ok(int cond, const char *fmt, ...)
{
	va_list ap;

	printf(cond ? "ok - " : "not ok - ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	failures += !cond;
}

static void die(const char *what)
{
	printf("not ok - %s: %s\n", what, strerror(errno));
	exit(100);
}

/* ---- a VM ------------------------------------------------------------- */

struct vm {
	int kvm, fd;
	int vcpu[MAX_VCPUS];
	struct kvm_run *run[MAX_VCPUS];
	uint8_t *ram;
	size_t ram_size;
	int nr_vcpus;
	bool protected;
	/* what the guest reported (MMIO_BASE + 8 * i), and the VMM's answer */
	uint64_t out[NR_OUT];
	unsigned int nr_out[NR_OUT];
	uint64_t in;
	uint64_t in_signed;
	uint64_t other_mmio;	/* accesses elsewhere (hostile) */
};

static int kvm_open(void)
{
	int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);

	if (fd < 0)
		die("open /dev/kvm");
	return fd;
}

static int one_reg(int fd, unsigned long req, uint64_t id, void *val)
{
	struct kvm_one_reg r = { .id = id, .addr = (uintptr_t)val };

	return ioctl(fd, req, &r);
}

#define CORE_REG(x)	(KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM_CORE | \
			 (offsetof(struct kvm_regs, x) / sizeof(uint32_t)))

static void vcpu_init(struct vm *vm, int i, bool power_off)
{
	struct kvm_vcpu_init init;

	if (ioctl(vm->fd, KVM_ARM_PREFERRED_TARGET, &init))
		die("KVM_ARM_PREFERRED_TARGET");
	init.features[0] = 1 << KVM_ARM_VCPU_PSCI_0_2;
	if (power_off)
		init.features[0] |= 1 << KVM_ARM_VCPU_POWER_OFF;
	if (ioctl(vm->vcpu[i], KVM_ARM_VCPU_INIT, &init))
		die("KVM_ARM_VCPU_INIT");
}

/* A VM with @ram_mib of RAM at RAM_IPA holding the guest code. */
static void vm_create(struct vm *vm, bool protected, size_t ram_mib, int nr_vcpus)
{
	struct kvm_userspace_memory_region mem = { 0 };
	int i, sz;

	memset(vm, 0, sizeof(*vm));
	vm->protected = protected;
	vm->kvm = kvm_open();
	vm->fd = ioctl(vm->kvm, KVM_CREATE_VM, protected ? PROTECTED_TYPE : 0);
	if (vm->fd < 0)
		die("KVM_CREATE_VM");
	vm->ram_size = ram_mib << 20;
	vm->ram = mmap(NULL, vm->ram_size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (vm->ram == MAP_FAILED)
		die("mmap RAM");
	memcpy(vm->ram, kvm_guest_code, kvm_guest_code_end - kvm_guest_code);
	mem.guest_phys_addr = RAM_IPA;
	mem.memory_size = vm->ram_size;
	mem.userspace_addr = (uintptr_t)vm->ram;
	if (ioctl(vm->fd, KVM_SET_USER_MEMORY_REGION, &mem))
		die("KVM_SET_USER_MEMORY_REGION");
	sz = ioctl(vm->kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	vm->nr_vcpus = nr_vcpus;
	for (i = 0; i < nr_vcpus; i++) {
		vm->vcpu[i] = ioctl(vm->fd, KVM_CREATE_VCPU, i);
		if (vm->vcpu[i] < 0)
			die("KVM_CREATE_VCPU");
		vm->run[i] = mmap(NULL, sz, PROT_READ | PROT_WRITE, MAP_SHARED,
				  vm->vcpu[i], 0);
		if (vm->run[i] == MAP_FAILED)
			die("mmap kvm_run");
		vcpu_init(vm, i, i > 0);
	}
}

/* vCPU 0 enters the guest code with x0 = @mode | @arg << 8. */
static void vm_boot(struct vm *vm, uint64_t mode, uint64_t arg)
{
	uint64_t pc = RAM_IPA, x0 = mode | arg << 8;

	if (one_reg(vm->vcpu[0], KVM_SET_ONE_REG, CORE_REG(regs.pc), &pc) ||
	    one_reg(vm->vcpu[0], KVM_SET_ONE_REG, CORE_REG(regs.regs[0]), &x0))
		die("KVM_SET_ONE_REG pc, x0");
}

static void vm_destroy(struct vm *vm)
{
	int i;

	for (i = 0; i < vm->nr_vcpus; i++) {
		munmap(vm->run[i], getpagesize());
		close(vm->vcpu[i]);
	}
	close(vm->fd);
	close(vm->kvm);
	munmap(vm->ram, vm->ram_size);
}

/* An MMIO exit: a report, or the VMM's value. */
static void mmio(struct vm *vm, struct kvm_run *run)
{
	uint64_t off = run->mmio.phys_addr - MMIO_BASE, v = 0;

	if (run->mmio.phys_addr < MMIO_BASE || off >= 0x100) {
		vm->other_mmio++;
		memset(run->mmio.data, 0, sizeof(run->mmio.data));
		return;
	}
	if (run->mmio.is_write) {
		memcpy(&v, run->mmio.data, run->mmio.len);
		if (off / 8 < NR_OUT) {
			vm->out[off / 8] = v;
			vm->nr_out[off / 8]++;
		}
		return;
	}
	v = off == IN_SIGNED ? vm->in_signed : vm->in;
	memcpy(run->mmio.data, &v, run->mmio.len);
}

enum stop { STOP_OFF, STOP_ERROR, STOP_INTR, STOP_REPORT };

/*
 * Run vCPU @i until the guest powers off (STOP_OFF), KVM_RUN fails
 * (STOP_ERROR, errno kept), or, with @stop_on set, a report at that
 * offset + 1 arrives (STOP_REPORT), or -EINTR with @intr (STOP_INTR).
 */
static enum stop vcpu_run(struct vm *vm, int i, int stop_on, bool intr)
{
	struct kvm_run *run = vm->run[i];

	for (;;) {
		if (ioctl(vm->vcpu[i], KVM_RUN, 0)) {
			if (errno == EINTR && !intr && !stopping)
				continue;
			return errno == EINTR ? STOP_INTR : STOP_ERROR;
		}
		switch (run->exit_reason) {
		case KVM_EXIT_MMIO:
			mmio(vm, run);
			if (stop_on && run->mmio.is_write &&
			    run->mmio.phys_addr == MMIO_BASE + stop_on - 1)
				return STOP_REPORT;
			break;
		case KVM_EXIT_SYSTEM_EVENT:
			return STOP_OFF;
		default:
			errno = EPROTO;
			return STOP_ERROR;
		}
	}
}

static uint64_t reg_get(struct vm *vm, int i, uint64_t id)
{
	uint64_t v = 0xdead;

	if (one_reg(vm->vcpu[i], KVM_GET_ONE_REG, id, &v))
		return ~0ULL;
	return v;
}

/* ---- api ---------------------------------------------------------------- */

static int expect_errno(int ret, int err)
{
	return ret == -1 && errno == err;
}

static void test_caps(int kvm)
{
	static const struct { long cap; int want; const char *name; } caps[] = {
		{ KVM_CAP_USER_MEMORY, 1, "USER_MEMORY" },
		{ KVM_CAP_DESTROY_MEMORY_REGION_WORKS, 1, "DESTROY_MEMORY_REGION_WORKS" },
		{ KVM_CAP_JOIN_MEMORY_REGIONS_WORKS, 1, "JOIN_MEMORY_REGIONS_WORKS" },
		{ KVM_CAP_IMMEDIATE_EXIT, 1, "IMMEDIATE_EXIT" },
		{ KVM_CAP_ARM_USER_IRQ, 1, "ARM_USER_IRQ" },
		{ KVM_CAP_MP_STATE, 1, "MP_STATE" },
		{ KVM_CAP_ARM_PSCI_0_2, 1, "ARM_PSCI_0_2" },
		{ KVM_CAP_ONE_REG, 1, "ONE_REG" },
		{ KVM_CAP_IRQCHIP, 0, "IRQCHIP (no in-kernel GIC)" },
		{ KVM_CAP_ARM_SVE, 0, "ARM_SVE" },
		{ KVM_CAP_ARM_PTRAUTH_ADDRESS, 0, "ARM_PTRAUTH_ADDRESS" },
		{ KVM_CAP_ARM_PMU_V3, 0, "ARM_PMU_V3" },
		{ KVM_CAP_COALESCED_MMIO, 0, "COALESCED_MMIO" },
		{ KVM_CAP_READONLY_MEM, 0, "READONLY_MEM" },
		{ KVM_CAP_VCPU_EVENTS, 0, "VCPU_EVENTS" },
		{ KVM_CAP_IOEVENTFD, 0, "IOEVENTFD" },
		{ 0x7fffffff, 0, "an unknown capability" },
	};
	unsigned int i;
	int ret;

	ok(ioctl(kvm, KVM_GET_API_VERSION, 0) == 12, "KVM_GET_API_VERSION is 12");
	for (i = 0; i < sizeof(caps) / sizeof(caps[0]); i++) {
		ret = ioctl(kvm, KVM_CHECK_EXTENSION, caps[i].cap);
		ok(caps[i].want ? ret > 0 : ret == 0, "capability %s %s (%d)",
		   caps[i].name, caps[i].want ? "offered" : "absent", ret);
	}
	ret = ioctl(kvm, KVM_CHECK_EXTENSION, KVM_CAP_ARM_VM_IPA_SIZE);
	ok(ret >= 40, "ARM_VM_IPA_SIZE at least 40 bits (%d)", ret);
	ok(ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0) == getpagesize(),
	   "KVM_GET_VCPU_MMAP_SIZE: one page");
	ok(expect_errno(ioctl(kvm, _IO(KVMIO, 0x7f), 0), EINVAL),
	   "an unknown system ioctl: EINVAL");
	ok(expect_errno(ioctl(kvm, KVM_CREATE_VM, 0x100), EINVAL),
	   "KVM_CREATE_VM with an unknown type bit: EINVAL");
	ok(expect_errno(ioctl(kvm, KVM_CREATE_VM, 31), EINVAL),
	   "KVM_CREATE_VM with a 31-bit IPA: EINVAL");
	ok(expect_errno(ioctl(kvm, KVM_CREATE_VM, ret + 1), EINVAL),
	   "KVM_CREATE_VM with an IPA beyond the limit: EINVAL");
}

static void test_memslots(struct vm *vm)
{
	struct kvm_userspace_memory_region m = {
		.slot = 1, .guest_phys_addr = 0x40000000, .memory_size = 0x10000,
		.userspace_addr = (uintptr_t)vm->ram,
	};
	struct kvm_userspace_memory_region bad;

	bad = m;
	bad.guest_phys_addr += 0x800;
	ok(expect_errno(ioctl(vm->fd, KVM_SET_USER_MEMORY_REGION, &bad), EINVAL),
	   "memslot at an unaligned IPA: EINVAL");
	bad = m;
	bad.userspace_addr += 8;
	ok(expect_errno(ioctl(vm->fd, KVM_SET_USER_MEMORY_REGION, &bad), EINVAL),
	   "memslot at an unaligned address: EINVAL");
	bad = m;
	bad.memory_size = 0x1800;
	ok(expect_errno(ioctl(vm->fd, KVM_SET_USER_MEMORY_REGION, &bad), EINVAL),
	   "memslot of an unaligned size: EINVAL");
	bad = m;
	bad.userspace_addr = 0xffff000000000000ULL;
	ok(expect_errno(ioctl(vm->fd, KVM_SET_USER_MEMORY_REGION, &bad), EINVAL),
	   "memslot at a kernel address: EINVAL");
	bad = m;
	bad.flags = KVM_MEM_READONLY;
	ok(expect_errno(ioctl(vm->fd, KVM_SET_USER_MEMORY_REGION, &bad), EINVAL),
	   "read-only memslot (capability absent): EINVAL");
	bad = m;
	bad.slot = 1000;
	ok(expect_errno(ioctl(vm->fd, KVM_SET_USER_MEMORY_REGION, &bad), EINVAL),
	   "memslot id beyond KVM_CAP_NR_MEMSLOTS: EINVAL");
	bad = m;
	bad.guest_phys_addr = 1ULL << 40;
	ok(expect_errno(ioctl(vm->fd, KVM_SET_USER_MEMORY_REGION, &bad), EFAULT),
	   "memslot beyond the IPA space: EFAULT");
	bad = m;
	bad.guest_phys_addr = RAM_IPA + 0x1000;
	ok(expect_errno(ioctl(vm->fd, KVM_SET_USER_MEMORY_REGION, &bad), EEXIST),
	   "memslot overlapping another: EEXIST");
	bad = m;
	bad.memory_size = 0;
	ok(expect_errno(ioctl(vm->fd, KVM_SET_USER_MEMORY_REGION, &bad), EINVAL),
	   "deleting a memslot that is not there: EINVAL");
	ok(ioctl(vm->fd, KVM_SET_USER_MEMORY_REGION, &m) == 0, "a second memslot");
	bad = m;
	bad.memory_size = 0x20000;
	ok(expect_errno(ioctl(vm->fd, KVM_SET_USER_MEMORY_REGION, &bad), EINVAL),
	   "resizing a memslot: EINVAL");
	bad = m;
	bad.guest_phys_addr = 0x50000000;
	ok(ioctl(vm->fd, KVM_SET_USER_MEMORY_REGION, &bad) == 0,
	   "moving an unused memslot");
	bad.memory_size = 0;
	ok(ioctl(vm->fd, KVM_SET_USER_MEMORY_REGION, &bad) == 0,
	   "deleting it");
}

static void test_vcpu_api(struct vm *vm)
{
	struct kvm_vcpu_init init = { .target = KVM_ARM_TARGET_GENERIC_V8 };
	struct kvm_irq_level irq = { 0 };
	struct { struct kvm_reg_list l; uint64_t ids[512]; } list;
	uint64_t v, pstate = 0x3c5;
	int fd, ret, unreadable = 0;
	unsigned int i;

	fd = ioctl(vm->fd, KVM_CREATE_VCPU, 1);
	ok(fd >= 0, "KVM_CREATE_VCPU 1");
	ok(expect_errno(ioctl(vm->fd, KVM_CREATE_VCPU, 1), EEXIST),
	   "the same vCPU twice: EEXIST");
	ok(expect_errno(ioctl(vm->fd, KVM_CREATE_VCPU, 4096), EINVAL),
	   "a vCPU id beyond KVM_CAP_MAX_VCPU_ID: EINVAL");
	ok(expect_errno(ioctl(fd, KVM_RUN, 0), ENOEXEC),
	   "KVM_RUN before KVM_ARM_VCPU_INIT: ENOEXEC");
	ok(expect_errno(one_reg(fd, KVM_GET_ONE_REG, CORE_REG(regs.pc), &v), ENOEXEC),
	   "KVM_GET_ONE_REG before KVM_ARM_VCPU_INIT: ENOEXEC");
	init.target = 0;
	ok(expect_errno(ioctl(fd, KVM_ARM_VCPU_INIT, &init), EINVAL),
	   "KVM_ARM_VCPU_INIT, a target not preferred: EINVAL");
	init.target = KVM_ARM_TARGET_GENERIC_V8;
	init.features[0] = 1 << 20;
	ok(expect_errno(ioctl(fd, KVM_ARM_VCPU_INIT, &init), ENOENT),
	   "KVM_ARM_VCPU_INIT, an unknown feature: ENOENT");
	init.features[0] = 1 << KVM_ARM_VCPU_SVE;
	ok(expect_errno(ioctl(fd, KVM_ARM_VCPU_INIT, &init), EINVAL),
	   "KVM_ARM_VCPU_INIT with SVE (absent): EINVAL");
	init.features[0] = 1 << KVM_ARM_VCPU_PSCI_0_2;
	ok(ioctl(fd, KVM_ARM_VCPU_INIT, &init) == 0, "KVM_ARM_VCPU_INIT");
	ok(ioctl(fd, KVM_ARM_VCPU_INIT, &init) == 0, "... again: a reset");
	init.features[0] |= 1 << KVM_ARM_VCPU_POWER_OFF;
	ok(expect_errno(ioctl(fd, KVM_ARM_VCPU_INIT, &init), EINVAL),
	   "... with other features: EINVAL");

	list.l.n = 0;
	ret = ioctl(fd, KVM_GET_REG_LIST, &list.l);
	ok(expect_errno(ret, E2BIG) && list.l.n > 0 && list.l.n < 512,
	   "KVM_GET_REG_LIST with no room: E2BIG and the count (%llu)",
	   (unsigned long long)list.l.n);
	ok(ioctl(fd, KVM_GET_REG_LIST, &list.l) == 0, "KVM_GET_REG_LIST");
	for (i = 0; i < list.l.n; i++) {
		uint64_t buf[2];

		if (one_reg(fd, KVM_GET_ONE_REG, list.ids[i], buf) ||
		    one_reg(fd, KVM_SET_ONE_REG, list.ids[i], buf))
			unreadable++;
	}
	ok(!unreadable, "every listed register reads, and takes its value back (%d did not)",
	   unreadable);
	ok(one_reg(fd, KVM_SET_ONE_REG, CORE_REG(regs.pstate), &pstate) == 0,
	   "PSTATE EL1h");
	pstate = 0x3c0 | 0x10;	/* AArch32 User */
	ok(expect_errno(one_reg(fd, KVM_SET_ONE_REG, CORE_REG(regs.pstate), &pstate), EINVAL),
	   "PSTATE of an AArch32 mode: EINVAL");
	pstate = 0x3c9;		/* EL2h */
	ok(expect_errno(one_reg(fd, KVM_SET_ONE_REG, CORE_REG(regs.pstate), &pstate), EINVAL),
	   "PSTATE EL2: EINVAL");
	v = 0;
	ok(one_reg(fd, KVM_GET_ONE_REG, ARM64_SYS_REG(3, 0, 0, 0, 5), &v) == 0 &&
	   (v & 0xff00ffffffULL) == 1, "MPIDR_EL1 of vCPU 1 (%#llx)",
	   (unsigned long long)v);
	/* every ID register QEMU's -cpu host reads */
	for (i = 0, unreadable = 0; i < 56; i++)
		if (one_reg(fd, KVM_GET_ONE_REG,
			    ARM64_SYS_REG(3, 0, 0, 1 + i / 8, i % 8), &v))
			unreadable++;
	ok(!unreadable, "every ID register reads (%d did not)", unreadable);
	one_reg(fd, KVM_GET_ONE_REG, ARM64_SYS_REG(3, 0, 0, 4, 0), &v);
	ok(((v >> 32) & 0xf) == 0 && ((v >> 24) & 0xf) == 0,
	   "ID_AA64PFR0_EL1: no SVE, no GIC system registers (%#llx)",
	   (unsigned long long)v);
	ok(expect_errno(one_reg(fd, KVM_GET_ONE_REG, ARM64_SYS_REG(3, 7, 15, 15, 7), &v), ENOENT),
	   "an unknown system register: ENOENT");
	ok(one_reg(fd, KVM_GET_ONE_REG, KVM_REG_ARM_TIMER_CNT, &v) == 0 && v,
	   "KVM_REG_ARM_TIMER_CNT reads the counter");
	irq.irq = (KVM_ARM_IRQ_TYPE_CPU << KVM_ARM_IRQ_TYPE_SHIFT) | (7 << 16);
	irq.level = 1;
	ok(expect_errno(ioctl(vm->fd, KVM_IRQ_LINE, &irq), EINVAL),
	   "KVM_IRQ_LINE for a vCPU that is not there: EINVAL");
	irq.irq = (KVM_ARM_IRQ_TYPE_SPI << KVM_ARM_IRQ_TYPE_SHIFT) | 40;
	ok(expect_errno(ioctl(vm->fd, KVM_IRQ_LINE, &irq), ENXIO),
	   "KVM_IRQ_LINE for an SPI, no in-kernel GIC: ENXIO");
	ok(mmap(NULL, getpagesize(), PROT_READ, MAP_SHARED, fd, getpagesize()) ==
	   MAP_FAILED, "mmap of the vCPU past kvm_run: refused");
	ok(expect_errno(ioctl(fd, _IO(KVMIO, 0x7e), 0), EINVAL),
	   "an unknown vCPU ioctl: EINVAL");
	ok(expect_errno(ioctl(vm->fd, KVM_CREATE_IRQCHIP, 0), ENXIO),
	   "KVM_CREATE_IRQCHIP: ENXIO");
	close(fd);
}

/* A VM belongs to the process that made it. */
static void test_other_process(struct vm *vm)
{
	pid_t pid = fork();
	int status;

	if (!pid)
		_exit(ioctl(vm->fd, KVM_CREATE_VCPU, 3) == -1 && errno == EIO ? 0 : 1);
	waitpid(pid, &status, 0);
	ok(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	   "a VM fd used by another process: EIO");
}

static int test_api(bool protected)
{
	struct vm vm;
	int kvm = kvm_open();

	test_caps(kvm);
	close(kvm);
	vm_create(&vm, protected, 2, 1);
	test_memslots(&vm);
	test_vcpu_api(&vm);
	test_other_process(&vm);
	vm_destroy(&vm);
	return failures;
}

/* ---- basic -------------------------------------------------------------- */

static int test_basic(bool protected)
{
	struct vm vm;
	uint64_t v;

	vm_create(&vm, protected, 2, 1);
	vm_boot(&vm, 0, 0);
	vm.in = 0x1122334455667788ULL;
	vm.in_signed = 0x80;
	ok(vcpu_run(&vm, 0, 0, false) == STOP_OFF, "the guest ran to SYSTEM_OFF (%s)",
	   strerror(errno));
	ok(vm.out[0] == 0x1234, "an MMIO write reached the VMM (%#llx)",
	   (unsigned long long)vm.out[0]);
	ok(vm.out[1] == PSCI_VERSION_1_1, "PSCI_VERSION: 1.1 (%#llx)",
	   (unsigned long long)vm.out[1]);
	ok(vm.out[2] == vm.in, "a 64-bit MMIO read got the VMM's value");
	ok(vm.out[3] == (uint32_t)vm.in, "a 32-bit MMIO read, zero-extended");
	ok(vm.out[4] == ~0x7fULL, "a byte MMIO read, sign-extended (%#llx)",
	   (unsigned long long)vm.out[4]);
	ok(((vm.out[5] >> 32) & 0xf) == 0, "ID_AA64PFR0_EL1 in the guest: no SVE");
	v = 0;
	one_reg(vm.vcpu[0], KVM_GET_ONE_REG, ARM64_SYS_REG(3, 0, 0, 4, 0), &v);
	ok(vm.out[5] == v, "... the value ONE_REG gives (%#llx, %#llx)",
	   (unsigned long long)vm.out[5], (unsigned long long)v);
	ok((vm.out[6] & 0xff00ffffffULL) == 0, "MPIDR_EL1 in the guest: vCPU 0");
	ok(vm.out[7] == 0x10001, "SMCCC_VERSION by SMC: 1.1 (%#llx)",
	   (unsigned long long)vm.out[7]);
	ok(vm.out[8] == ~0ULL, "an unknown hypercall: NOT_SUPPORTED");
	v = reg_get(&vm, 0, CORE_REG(regs.pc));
	if (protected)
		ok(v == RAM_IPA, "a protected vCPU's PC after the run: its boot value");
	else
		ok(v > RAM_IPA && v < RAM_IPA + 0x1000,
		   "a vCPU's PC after the run: in its code (%#llx)",
		   (unsigned long long)v);
	v = 1;
	ok(!protected ? one_reg(vm.vcpu[0], KVM_SET_ONE_REG, CORE_REG(regs.regs[5]), &v) == 0 :
	   expect_errno(one_reg(vm.vcpu[0], KVM_SET_ONE_REG, CORE_REG(regs.regs[5]), &v), EPERM),
	   protected ? "a protected vCPU's register after the run: EPERM" :
		       "a vCPU's register after the run: written");
	vm_destroy(&vm);
	return failures;
}

/* ---- secret ------------------------------------------------------------ */

static sigjmp_buf segv_env;
static volatile int segv_code;

static void on_segv(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	segv_code = si->si_code;
	siglongjmp(segv_env, 1);
}

/* The VMM's own load from the page: 0 if it read, the signal otherwise. */
static int own_load(const volatile uint64_t *p, uint64_t *v)
{
	struct sigaction sa = { .sa_sigaction = on_segv, .sa_flags = SA_SIGINFO };
	struct sigaction old;
	int sig = 0;

	sigaction(SIGSEGV, &sa, &old);
	segv_code = 0;
	if (!sigsetjmp(segv_env, 1))
		*v = *p;
	else
		sig = SIGSEGV;
	sigaction(SIGSEGV, &old, NULL);
	return sig;
}

static bool page_has_secret(const uint64_t *p)
{
	uint64_t pattern = 0x5345435245543432ULL;
	int i;

	for (i = 0; i < 512; i++)
		if ((p[i] ^ i) != pattern)
			return false;
	return true;
}

static bool all_zero(const uint64_t *p)
{
	int i;

	for (i = 0; i < 512; i++)
		if (p[i])
			return false;
	return true;
}

/* The guest checks its page once more: 1 intact, 0 not, -1 it could not. */
static int guest_check(struct vm *vm)
{
	vm->in = 1;
	vm->nr_out[1] = 0;
	if (vcpu_run(vm, 0, 0x08 + 1, false) != STOP_REPORT)
		return -1;
	return vm->out[1] == 1;
}

static int test_secret(bool protected)
{
	uint64_t buf[512], v = 0;
	struct iovec local = { buf, sizeof(buf) }, remote;
	uint64_t *page;
	int fd, sig, pipefd[2];
	ssize_t n;

	struct vm vm;

	vm_create(&vm, protected, 2, 1);
	vm_boot(&vm, 1, 0);
	ok(vcpu_run(&vm, 0, 0x00 + 1, false) == STOP_REPORT,
	   "the guest wrote its secret");
	page = (uint64_t *)(vm.ram + SECRET_OFF);
	ok(vm.out[0] == RAM_IPA + SECRET_OFF, "... at the IPA expected");
	ok(guest_check(&vm) == 1, "the guest reads its secret");

	/* 1. the VMM's own load */
	sig = own_load(page, &v);
	if (protected)
		ok(sig == SIGSEGV, "the VMM's own load: SIGSEGV (si_code %d)",
		   segv_code);
	else
		ok(!sig && v == 0x5345435245543432ULL,
		   "the VMM's own load: the guest's data (not protected)");
	ok(guest_check(&vm) == 1, "... and the guest runs on with its secret");

	/* 2. write(2) from guest memory: the kernel's user copy */
	if (pipe(pipefd))
		die("pipe");
	n = write(pipefd[1], page, 4096);
	if (protected)
		ok(n == -1 && errno == EFAULT, "write(2) of the page: EFAULT (%zd)", n);
	else
		ok(n == 4096, "write(2) of the page: written (not protected)");
	close(pipefd[0]);
	close(pipefd[1]);
	ok(guest_check(&vm) == 1, "... and the guest keeps its secret");

	/* 3. process_vm_readv: the kernel through its linear map */
	remote.iov_base = page;
	remote.iov_len = sizeof(buf);
	memset(buf, 0xaa, sizeof(buf));
	n = process_vm_readv(getpid(), &local, 1, &remote, 1, 0);
	if (protected) {
		ok(n == 4096 && !page_has_secret(buf) && all_zero(buf),
		   "process_vm_readv: no secret, the page zeroed (%zd)", n);
		ok(guest_check(&vm) == -1 && errno == EFAULT,
		   "... and the guest's next KVM_RUN that needs it: EFAULT");
		ok(guest_check(&vm) == -1 && errno == EFAULT, "... every time");
		ok(own_load(page, &v) == 0 && v == 0,
		   "the page the host took back is its own again, zeroed");
	} else {
		ok(n == 4096 && page_has_secret(buf),
		   "process_vm_readv: the guest's data (not protected)");
		ok(guest_check(&vm) == 1, "... and the guest runs on");
	}
	vm_destroy(&vm);

	/* 4. /proc/self/mem, on a fresh VM */
	vm_create(&vm, protected, 2, 1);
	vm_boot(&vm, 1, 0);
	vcpu_run(&vm, 0, 0x00 + 1, false);
	page = (uint64_t *)(vm.ram + SECRET_OFF);
	fd = open("/proc/self/mem", O_RDONLY);
	memset(buf, 0xaa, sizeof(buf));
	n = pread(fd, buf, sizeof(buf), (uintptr_t)page);
	close(fd);
	if (protected) {
		ok(n == 4096 && all_zero(buf),
		   "/proc/self/mem: no secret, the page zeroed (%zd)", n);
		ok(guest_check(&vm) == -1 && errno == EFAULT,
		   "... and the guest's next KVM_RUN: EFAULT");
	} else {
		ok(n == 4096 && page_has_secret(buf),
		   "/proc/self/mem: the guest's data (not protected)");
	}
	vm_destroy(&vm);

	/* 5. what the guest had, after teardown */
	vm_create(&vm, protected, 2, 1);
	vm_boot(&vm, 1, 0);
	vcpu_run(&vm, 0, 0x00 + 1, false);
	page = (uint64_t *)(vm.ram + SECRET_OFF);
	{
		struct vm keep = vm;
		int i;

		for (i = 0; i < keep.nr_vcpus; i++) {
			munmap(keep.run[i], getpagesize());
			close(keep.vcpu[i]);
		}
		close(keep.fd);
		close(keep.kvm);
	}
	sig = own_load(page, &v);
	if (protected)
		ok(!sig && all_zero(page),
		   "after teardown the VMM's page reads zero where the guest wrote");
	else
		ok(!sig && page_has_secret(page),
		   "after teardown the VMM's page has what the guest wrote (not protected)");
	munmap(vm.ram, vm.ram_size);
	return failures;
}

/* ---- smp ------------------------------------------------------------- */

struct runner {
	struct vm *vm;
	int idx;
	enum stop stop;
	int err;
};

static void *run_thread(void *arg)
{
	struct runner *r = arg;

	r->stop = vcpu_run(r->vm, r->idx, 0, false);
	r->err = errno;
	return NULL;
}

static void sig_nop(int sig)
{
	(void)sig;
}

static int test_smp(bool protected)
{
	struct runner r[2];
	pthread_t t[2];
	struct kvm_mp_state mp;
	struct vm vm;
	int i;

	signal(SIGUSR1, sig_nop);
	vm_create(&vm, protected, 2, 2);
	vm_boot(&vm, 2, 0);
	ok(ioctl(vm.vcpu[1], KVM_GET_MP_STATE, &mp) == 0 &&
	   mp.mp_state == KVM_MP_STATE_STOPPED, "vCPU 1 starts powered off");
	for (i = 0; i < 2; i++) {
		r[i].vm = &vm;
		r[i].idx = i;
		pthread_create(&t[i], NULL, run_thread, &r[i]);
	}
	pthread_join(t[0], NULL);
	/* vCPU 1 sleeps (off, or stopped by SYSTEM_OFF): a signal ends its run */
	stopping = 1;
	pthread_kill(t[1], SIGUSR1);
	pthread_join(t[1], NULL);
	ok(r[0].stop == STOP_OFF, "vCPU 0 ran to SYSTEM_OFF (%s)", strerror(r[0].err));
	ok(vm.out[0] == 0, "CPU_ON of vCPU 1: SUCCESS (%lld)", (long long)vm.out[0]);
	ok(vm.out[1] == 0x77, "vCPU 1 started where asked, with its context id");
	ok(vm.out[2] == 1, "AFFINITY_INFO after its CPU_OFF: OFF");
	ok(vm.out[3] == 0, "CPU_ON again: SUCCESS");
	ok(vm.out[4] == 0x78, "... with the new context id");
	ok(vm.out[5] == (uint64_t)-4, "CPU_ON of a vCPU that is on: ALREADY_ON");
	ok((vm.out[6] & 0xff00ffffffULL) == 1, "vCPU 1's MPIDR_EL1: 1");
	vm_destroy(&vm);
	return failures;
}

/* ---- timer --------------------------------------------------------------- */

static int test_timer(bool protected)
{
	struct kvm_irq_level irq = { .irq = KVM_ARM_IRQ_TYPE_CPU << KVM_ARM_IRQ_TYPE_SHIFT };
	struct timespec a, b;
	struct vm vm;
	enum stop s;
	double ms;

	vm_create(&vm, protected, 2, 1);
	vm_boot(&vm, 6, 0);
	clock_gettime(CLOCK_MONOTONIC, &a);
	s = vcpu_run(&vm, 0, 0, true);
	clock_gettime(CLOCK_MONOTONIC, &b);
	ms = (b.tv_sec - a.tv_sec) * 1e3 + (b.tv_nsec - a.tv_nsec) / 1e6;
	ok(s == STOP_INTR && (vm.run[0]->s.regs.device_irq_level & KVM_ARM_DEV_EL1_VTIMER),
	   "its timer fired in WFI: KVM_RUN -EINTR, device_irq_level shows it");
	ok(ms >= 50, "... not before its time (%.1f ms of 62.5)", ms);
	irq.level = 1;
	ok(ioctl(vm.fd, KVM_IRQ_LINE, &irq) == 0, "KVM_IRQ_LINE: vCPU 0's IRQ high");
	s = vcpu_run(&vm, 0, 0x10 + 1, true);
	while (s == STOP_INTR)
		s = vcpu_run(&vm, 0, 0x10 + 1, true);
	ok(s == STOP_REPORT, "the guest woke, its VMM's IRQ line up");
	ok(vm.out[0] & 4, "CNTV_CTL_EL0.ISTATUS in the guest");
	ok(vm.out[1] & 0x80, "ISR_EL1.I: the IRQ line reaches the guest");
	ok(!(vm.run[0]->s.regs.device_irq_level & KVM_ARM_DEV_EL1_VTIMER),
	   "masked by the guest: its level drops, shown at the next exit");
	irq.level = 0;
	ioctl(vm.fd, KVM_IRQ_LINE, &irq);
	ok(vcpu_run(&vm, 0, 0, false) == STOP_OFF, "the guest ran to SYSTEM_OFF");
	vm_destroy(&vm);
	return failures;
}

/* ---- touch, psci: figures for the bench ----------------------------------- */

static uint64_t counter(void)
{
	uint64_t v;

	asm volatile("isb; mrs %0, cntvct_el0" : "=r" (v));
	return v;
}

static int test_touch(bool protected, uint64_t n)
{
	struct vm vm;
	uint64_t t0, t1, freq;

	asm volatile("mrs %0, cntfrq_el0" : "=r" (freq));
	vm_create(&vm, protected, (0x40000 + n * 4096 + (1 << 20) - 1) >> 20, 1);
	vm_boot(&vm, 3, n);
	t0 = counter();
	ok(vcpu_run(&vm, 0, 0, false) == STOP_OFF && vm.out[0] == n,
	   "%llu pages touched", (unsigned long long)n);
	t1 = counter();
	printf("# touch %llu pages: %llu ticks at %llu Hz\n", (unsigned long long)n,
	       (unsigned long long)(t1 - t0), (unsigned long long)freq);
	vm_destroy(&vm);
	return failures;
}

static int test_psci(bool protected, uint64_t n)
{
	struct vm vm;
	uint64_t t0, t1, freq;

	asm volatile("mrs %0, cntfrq_el0" : "=r" (freq));
	vm_create(&vm, protected, 2, 1);
	vm_boot(&vm, 5, n);
	ok(vcpu_run(&vm, 0, 0x08 + 1, false) == STOP_REPORT, "the guest started");
	t0 = counter();
	ok(vcpu_run(&vm, 0, 0x00 + 1, false) == STOP_REPORT &&
	   vm.out[0] == PSCI_VERSION_1_1, "%llu PSCI_VERSION calls",
	   (unsigned long long)n);
	t1 = counter();
	printf("# psci %llu calls: %llu ticks at %llu Hz\n", (unsigned long long)n,
	       (unsigned long long)(t1 - t0), (unsigned long long)freq);
	vm_destroy(&vm);
	return failures;
}

/* ---- guard ------------------------------------------------------------------ */

/*
 * A protected guest's MMIO_GUARD_MAPs in fresh parts of its IPA space:
 * each needs stage-2 tables its memory never did, more than the VM's
 * memcache holds after its boot; none may fail for want of them.
 */
static int test_guard(bool protected, uint64_t n)
{
	struct vm vm;

	vm_create(&vm, protected, 2, 1);
	vm_boot(&vm, 8, n);
	ok(vcpu_run(&vm, 0, 0, false) == STOP_OFF, "the guest ran to SYSTEM_OFF (%s)",
	   strerror(errno));
	ok(vm.out[0] == (protected ? n : 0),
	   "MMIO_GUARD_MAP in %llu fresh GiBs: %llu succeeded (%s)",
	   (unsigned long long)n, (unsigned long long)vm.out[0],
	   protected ? "all" : "none: not a protected guest's call");
	vm_destroy(&vm);
	return failures;
}

/* ---- hostile --------------------------------------------------------------- */

static void *witness_thread(void *arg)
{
	struct vm *w = arg;
	int i;

	for (i = 0; i < 200; i++)
		if (guest_check(w) != 1)
			return (void *)1;
	return NULL;
}

static int test_hostile(bool protected, uint64_t rounds)
{
	struct vm vm, witness;
	pthread_t t;
	void *bad;
	enum stop s;

	vm_create(&witness, true, 2, 1);
	vm_boot(&witness, 1, 0);
	ok(vcpu_run(&witness, 0, 0x00 + 1, false) == STOP_REPORT,
	   "a protected witness VM holds a secret");
	pthread_create(&t, NULL, witness_thread, &witness);
	vm_create(&vm, protected, 4, 1);
	vm_boot(&vm, 4, rounds);
	s = vcpu_run(&vm, 0, 0, false);
	ok(s == STOP_OFF, "the hostile guest ran its %llu rounds (%s)",
	   (unsigned long long)rounds, s == STOP_ERROR ? strerror(errno) : "off");
	ok(vm.out[0] == rounds, "... all of them (%llu)",
	   (unsigned long long)vm.out[0]);
	printf("# hostile: %llu exceptions injected into it, %llu accesses outside its RAM\n",
	       (unsigned long long)vm.out[1], (unsigned long long)vm.other_mmio);
	ok(vm.out[1] > 0, "... and the hypervisor refused it things (exceptions)");
	pthread_join(t, &bad);
	ok(!bad, "the witness VM kept its secret throughout");
	vm_destroy(&vm);
	witness.in = 0;
	ok(vcpu_run(&witness, 0, 0, false) == STOP_OFF, "the witness VM powers off");
	vm_destroy(&witness);
	return failures;
}

/* ---- kill ---------------------------------------------------------------- */

static int test_kill(bool protected)
{
	struct vm vm;

	vm_create(&vm, protected, 8, 1);
	vm_boot(&vm, 1, 1024);	/* 1024 pages donated, a secret checked */
	vm.in = 1;
	if (vcpu_run(&vm, 0, 0x00 + 1, false) != STOP_REPORT)
		die("the guest did not start");
	printf("running\n");
	fflush(stdout);
	for (;;)		/* until killed */
		vcpu_run(&vm, 0, 0, false);
	return 0;
}

static int test_create(bool protected)
{
	int kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC), fd;

	if (kvm < 0) {
		printf("refused: /dev/kvm: %s\n", strerror(errno));
		return 1;
	}
	fd = ioctl(kvm, KVM_CREATE_VM, protected ? PROTECTED_TYPE : 0);
	if (fd < 0) {
		printf("refused: %s\n", strerror(errno));
		return 1;
	}
	printf("created\n");
	close(fd);
	close(kvm);
	return 0;
}

static int test_call(bool protected, int argc, char **argv)
{
	uint64_t *param;
	struct vm vm;
	int i;

	if (argc < 5 || (strcmp(argv[3], "hvc") && strcmp(argv[3], "smc"))) {
		fprintf(stderr, "usage: kvm-test call KIND hvc|smc X0 [X1 X2 X3]\n");
		return 2;
	}
	vm_create(&vm, protected, 2, 1);
	param = (uint64_t *)(vm.ram + PARAM_OFF);	/* before the guest owns it */
	param[0] = !strcmp(argv[3], "smc");
	for (i = 0; i < 4; i++)
		param[1 + i] = 4 + i < argc ? strtoull(argv[4 + i], NULL, 0) : 0;
	vm_boot(&vm, 7, 0);
	if (vcpu_run(&vm, 0, 0, false) != STOP_OFF) {
		printf("the guest did not run: %s\n", strerror(errno));
		return 1;
	}
	printf("0x%llx 0x%llx 0x%llx 0x%llx\n", (unsigned long long)vm.out[0],
	       (unsigned long long)vm.out[1], (unsigned long long)vm.out[2],
	       (unsigned long long)vm.out[3]);
	vm_destroy(&vm);
	return 0;
}

int main(int argc, char **argv)
{
	bool protected = argc > 2 && !strcmp(argv[2], "protected");
	uint64_t arg = argc > 3 ? strtoull(argv[3], NULL, 0) : 0;

	if (argc < 2) {
		fprintf(stderr, "usage: kvm-test TEST [protected|normal] [ARG]\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(argv[1], "api"))
		return test_api(protected);
	if (!strcmp(argv[1], "basic"))
		return test_basic(protected);
	if (!strcmp(argv[1], "secret"))
		return test_secret(protected);
	if (!strcmp(argv[1], "smp"))
		return test_smp(protected);
	if (!strcmp(argv[1], "timer"))
		return test_timer(protected);
	if (!strcmp(argv[1], "touch"))
		return test_touch(protected, arg ?: 256);
	if (!strcmp(argv[1], "psci"))
		return test_psci(protected, arg ?: 1000);
	if (!strcmp(argv[1], "guard"))
		return test_guard(protected, arg ?: 16);
	if (!strcmp(argv[1], "hostile"))
		return test_hostile(protected, arg ?: 10000);
	if (!strcmp(argv[1], "kill"))
		return test_kill(protected);
	if (!strcmp(argv[1], "create"))
		return test_create(protected);
	if (!strcmp(argv[1], "call"))
		return test_call(protected, argc, argv);
	fprintf(stderr, "kvm-test: unknown test %s\n", argv[1]);
	return 2;
}
