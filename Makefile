# SPDX-License-Identifier: GPL-2.0-only
#
# pkvmkit: the commands that do everything on a fresh machine are
#   make demo    boot the system under QEMU, show the hypervisor at work
#   make test-all  make check, then make test on both supported kernels
#                (6.1, 6.12); one "N passed, N failed" line for all
#   make test    on the selected kernel (PKVMKIT_KERNEL=6.1 or 6.12, kept):
#                unit tests, a bounded run of each libFuzzer target (FUZZ_TIME
#                seconds each, default 20), SDK build tests, then every QEMU
#                scenario; ends with "N passed, N failed"
# Also: make check (static checks: docs/checks.md), make bench (figures),
#   make all (build only), make setup, make clean,
#   make run M="DIR..." (vendor modules at EL2 under QEMU: scripts/pkvmkit),
#   make fuzz [CALLS=N FUZZ_CPU=max FUZZ_SMP=4 FUZZ_MEM=1G FUZZ_SEED=N]
#                one long hostile-host run (scripts/fuzz.sh)

ROOT		:= $(CURDIR)
BUILD		:= $(ROOT)/build
KDIR		:= $(ROOT)/.deps/current/kdir
CROSS		:= aarch64-linux-gnu-
# kbuild for the selected kernel with that kernel's compiler (scripts/kbuild)
KBUILD		:= $(ROOT)/scripts/kbuild
KMAKE		:= $(KBUILD) PKVMKIT_ROOT=$(ROOT) PKVMKIT_BUILD=$(BUILD)
GUEST		:= $(BUILD)/guest

.PHONY: all setup hyp driver sdk modules guest vmm unit fuzz-smoke test test-all scenarios demo check \
	run bench \
	fuzz clean

all: guest vmm

# Idempotent: installs packages, fetches and prepares the arm64 kernel.
# PKVMKIT_PREPARED=1 (scripts/pkvmkit run, once .deps/current exists)
# skips the check, which costs more than a warm build of everything else.
# The kernel is PKVMKIT_KERNEL=6.1 (default) or 6.12, kept by setup.sh in
# .deps/kernel; $(BUILD)/kernel.abi changes only when the kernel does, so
# the driver is rebuilt for a new one.
setup:
	@[ "$(PKVMKIT_PREPARED)" = 1 ] || scripts/setup.sh
	@mkdir -p $(BUILD); abi=$$(cat .deps/current/abi); \
	 [ "$$(cat $(BUILD)/kernel.abi 2>/dev/null)" = "$$abi" ] || \
		echo "$$abi" >$(BUILD)/kernel.abi

# HYP_LOCK_CHECKS=0: the hypervisor without the lock order's run-time
# check (make bench builds so; every other target with it).
HYP_LOCK_CHECKS	?= 1
hyp: setup
	@$(MAKE) -s -C hyp O=$(BUILD)/hyp HYP_LOCK_CHECKS=$(HYP_LOCK_CHECKS)

# Kbuild alone takes some 2 s to find an up-to-date driver, which every
# scripts/pkvmkit run pays: skip it when no file the driver can include or
# build from (a superset: whole source trees) is newer than pkvmkit.ko.
DRIVER_INPUTS	= $(shell find driver include sdk lib -type f \( -name '*.[chS]' \
		   -o -name Kbuild -o -name Makefile -o -name '*.lds*' \) \
		   -not -name '*.mod.c') $(BUILD)/hyp/hyp.bin \
		  $(BUILD)/hyp/hyp-syms.h $(BUILD)/hyp/hyp-symtab.h \
		  .deps/current/.stamp $(BUILD)/kernel.abi

driver: hyp driver/pkvmkit.ko

# made by the hyp and setup targets, which run before
$(BUILD)/hyp/hyp.bin $(BUILD)/hyp/hyp-syms.h $(BUILD)/hyp/hyp-symtab.h \
.deps/current/.stamp $(BUILD)/kernel.abi: ;

driver/pkvmkit.ko: $(DRIVER_INPUTS)
	@$(KMAKE) M=$(ROOT)/driver modules
	@touch $@

# The vendor-module SDK, laid over the prepared kernel headers.
sdk: driver
	@scripts/install-sdk.sh

# Vendor modules (modules/*/), built as a vendor would: make -C KDIR M=dir
# (through scripts/kbuild, for the kernel's compiler and the .ko checks).
# Each with the generation of ACK's module interface its own Makefile
# names (PKVM_MODULE_API=: scripts/module-api; the SDK's default if none).
MODULE_DIRS	:= $(wildcard modules/*/)
modules: sdk
	@for d in $(MODULE_DIRS); do \
		api=$$($(ROOT)/scripts/module-api $$d); \
		(cd $$d && $(KBUILD) -s M=$$PWD \
		 $${api:+PKVM_MODULE_API=$$api} modules) || exit 1; \
	done

# Test kernel modules scenarios insmod from /root (not vendor modules):
# the PSCI, pool and top-up probes, the hostile-host fuzzer, and the
# devices of a hostile host (tests/dma).
TEST_KMODS	:= tests/psci_probe tests/pool_probe tests/topup_probe tests/hostile \
		   tests/dma

# Everything the guest scenarios put in /root, and a /lib/modules tree
# (with modules.dep, for modprobe) in $(GUEST)/modules.
guest: modules
	@mkdir -p $(GUEST)
	@cp driver/pkvmkit.ko $(GUEST)/
	@for d in $(TEST_KMODS); do \
		$(KMAKE) M=$(ROOT)/$$d modules && cp $$d/*.ko $(GUEST)/ || exit 1; \
	done
	@$(MAKE) -s -C tests/guest O=$(GUEST) CROSS_COMPILE=$(CROSS)
	@scripts/guest-modules.sh $(GUEST)

# The inner VMM and the inner guest, for the scenarios that ask for them
# ("#@ vmm") and make bench (docs/vmm.md): build/vmm/vmm.cpio (QEMU 7.2
# and its libraries from .deps/vmm, scripts/get-vmm.sh), the guest module
# tests/vm_guest for the selected kernel, build/vmm/guest.cpio (the guest's
# initramfs) and build/vmm/vm-guest.cpio (the kernel, that and vm.sh).
VMM		:= $(BUILD)/vmm
vmm: setup
	@$(KMAKE) -s M=$(ROOT)/tests/vm_guest modules
	@$(MAKE) -s $(VMM)/vmm.cpio $(VMM)/vm-guest.cpio

$(VMM)/vmm.cpio: .deps/vmm/.stamp scripts/mkvmm-cpio.sh
	@scripts/mkvmm-cpio.sh $@

$(VMM)/vm-guest.cpio: tests/vm_guest/pkvmkit_guest.ko tests/vm/guest-init.sh \
		tests/vm/vm.sh $(BUILD)/kernel.abi scripts/mkvm-guest.sh \
		scripts/mkinitramfs.sh
	@scripts/mkvm-guest.sh $(VMM)

unit:
	@$(MAKE) -s -C tests/unit run

# Each libFuzzer target for FUZZ_TIME seconds; one TAP point per target.
FUZZ_TIME	?= 20
fuzz-smoke: setup
	@$(MAKE) -s -C tests/unit fuzz-smoke FUZZ_TIME=$(FUZZ_TIME)

scenarios: guest vmm
	@tests/run-scenarios.sh

# The suite on the selected kernel. TAP_DIR: where each stage's output
# goes; HOST_TESTS=0 leaves out the stages that do not depend on the kernel
# (unit tests, fuzzers): scripts/test-all.sh runs those once.
TAP_DIR		?= $(BUILD)/tap
HOST_TESTS	?= 1
test: guest vmm
	@mkdir -p $(TAP_DIR) && rm -f $(TAP_DIR)/*.tap
	@echo "# kernel $$(cat .deps/current/kernel) ($$(cat .deps/current/abi))"
	@if [ "$(HOST_TESTS)" = 1 ]; then \
		$(MAKE) -s -C tests/unit run 2>&1 | tee $(TAP_DIR)/unit.tap; \
		$(MAKE) -s -C tests/unit fuzz-smoke FUZZ_TIME=$(FUZZ_TIME) 2>&1 | \
			tee $(TAP_DIR)/fuzz.tap; \
	fi; true
	@tests/sdk/run.sh 2>&1 | tee $(TAP_DIR)/sdk.tap || true
	@tests/run/run.sh 2>&1 | tee $(TAP_DIR)/run.tap || true
	@tests/run-scenarios.sh | tee $(TAP_DIR)/scenarios.tap || true
	@scripts/tap-summary.sh $(TAP_DIR)/*.tap

# The suite on every supported kernel (6.1 and 6.12), after the static
# checks; the selected kernel is run last and stays selected. One summary
# line counts all.
test-all:
	@scripts/test-all.sh

# Static checks (docs/checks.md): warnings, headers, shellcheck,
# checkpatch, docs, ABI experiments. TAP, ends with "N passed, N failed".
check: setup
	@scripts/check.sh

demo: guest vmm
	@scripts/demo.sh

# Run vendor module directories at EL2: make run M="DIR..." [RUN_ARGS=...]
# (scripts/pkvmkit run --help has the options).
run:
	@[ -n "$(M)" ] || { echo "make run: give M=DIR (one or more)" >&2; exit 2; }
	@scripts/pkvmkit run $(RUN_ARGS) $(M)

# The figures are those of the build a product would ship: without the
# lock order's run-time check, which the tests run with (the next make
# test rebuilds with it).
bench:
	@$(MAKE) -s guest vmm HYP_LOCK_CHECKS=0
	@scripts/bench.sh

CALLS		?= 1000000
FUZZ_CPU	?= cortex-a72
FUZZ_SMP	?= 2
FUZZ_MEM	?= 1G
FUZZ_SEED	?= 0
fuzz: guest
	@CALLS=$(CALLS) FUZZ_CPU=$(FUZZ_CPU) FUZZ_SMP=$(FUZZ_SMP) \
		FUZZ_MEM=$(FUZZ_MEM) FUZZ_SEED=$(FUZZ_SEED) scripts/fuzz.sh

clean:
	rm -rf $(BUILD)
	-$(KMAKE) M=$(ROOT)/driver clean >/dev/null 2>&1
	-for d in $(MODULE_DIRS); do (cd $$d && $(KMAKE) M=$$PWD clean) >/dev/null 2>&1; done
	-for d in $(TEST_KMODS) tests/vm_guest; do $(KMAKE) M=$(ROOT)/$$d clean >/dev/null 2>&1; done
