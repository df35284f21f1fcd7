# SPDX-License-Identifier: GPL-2.0-only
#
# pkvmkit: the two commands that do everything on a fresh machine are
#   make demo    boot the system under QEMU, show the hypervisor at work
#   make test    unit tests, a bounded run of each libFuzzer target (FUZZ_TIME
#                seconds each, default 20), SDK build tests, then every QEMU
#                scenario; ends with "N passed, N failed"
# Also: make bench (figures), make all (build only), make setup, make clean,
#   make run M="DIR..." (vendor modules at EL2 under QEMU: scripts/pkvmkit),
#   make fuzz [CALLS=N FUZZ_CPU=max FUZZ_SMP=4 FUZZ_MEM=1G FUZZ_SEED=N]
#                one long hostile-host run (scripts/fuzz.sh)

ROOT		:= $(CURDIR)
BUILD		:= $(ROOT)/build
KDIR		:= $(ROOT)/.deps/current/kdir
CROSS		:= aarch64-linux-gnu-
KMAKE		:= $(MAKE) -C $(KDIR) ARCH=arm64 CROSS_COMPILE=$(CROSS) \
		   PKVMKIT_ROOT=$(ROOT) PKVMKIT_BUILD=$(BUILD)
GUEST		:= $(BUILD)/guest

.PHONY: all setup hyp driver sdk modules guest unit fuzz-smoke test scenarios demo run bench \
	fuzz clean

all: guest

# Idempotent: installs packages, fetches and prepares the arm64 kernel.
# PKVMKIT_PREPARED=1 (scripts/pkvmkit run, once .deps/current exists)
# skips the check, which costs more than a warm build of everything else.
setup:
	@[ "$(PKVMKIT_PREPARED)" = 1 ] || scripts/setup.sh

hyp: setup
	@$(MAKE) -s -C hyp O=$(BUILD)/hyp

# Kbuild alone takes some 2 s to find an up-to-date driver, which every
# scripts/pkvmkit run pays: skip it when no file the driver can include or
# build from (a superset: whole source trees) is newer than pkvmkit.ko.
DRIVER_INPUTS	= $(shell find driver include sdk lib -type f \( -name '*.[chS]' \
		   -o -name Kbuild -o -name Makefile -o -name '*.lds*' \) \
		   -not -name '*.mod.c') $(BUILD)/hyp/hyp.bin \
		  $(BUILD)/hyp/hyp-syms.h $(BUILD)/hyp/hyp-symtab.h \
		  .deps/current/.stamp

driver: hyp driver/pkvmkit.ko

# made by the hyp and setup targets, which run before
$(BUILD)/hyp/hyp.bin $(BUILD)/hyp/hyp-syms.h $(BUILD)/hyp/hyp-symtab.h \
.deps/current/.stamp: ;

driver/pkvmkit.ko: $(DRIVER_INPUTS)
	@$(KMAKE) M=$(ROOT)/driver modules
	@touch $@

# The vendor-module SDK, laid over the prepared kernel headers.
sdk: driver
	@scripts/install-sdk.sh

# Vendor modules (modules/*/), built as a vendor would: make -C KDIR M=dir.
MODULE_DIRS	:= $(wildcard modules/*/)
modules: sdk
	@for d in $(MODULE_DIRS); do \
		(cd $$d && $(MAKE) -s -C $(KDIR) M=$$PWD ARCH=arm64 \
			CROSS_COMPILE=$(CROSS) modules) || exit 1; \
	done

# Test kernel modules scenarios insmod from /root (not vendor modules):
# the PSCI and pool probes, and the hostile-host fuzzer.
TEST_KMODS	:= tests/psci_probe tests/pool_probe tests/hostile

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

unit:
	@$(MAKE) -s -C tests/unit run

# Each libFuzzer target for FUZZ_TIME seconds; one TAP point per target.
FUZZ_TIME	?= 20
fuzz-smoke: setup
	@$(MAKE) -s -C tests/unit fuzz-smoke FUZZ_TIME=$(FUZZ_TIME)

scenarios: guest
	@tests/run-scenarios.sh

test: guest
	@mkdir -p $(BUILD)
	@$(MAKE) -s -C tests/unit run 2>&1 | tee $(BUILD)/unit.tap || true
	@$(MAKE) -s -C tests/unit fuzz-smoke FUZZ_TIME=$(FUZZ_TIME) 2>&1 | \
		tee $(BUILD)/fuzz.tap || true
	@tests/sdk/run.sh 2>&1 | tee $(BUILD)/sdk.tap || true
	@tests/run/run.sh 2>&1 | tee $(BUILD)/run.tap || true
	@tests/run-scenarios.sh | tee $(BUILD)/scenarios.tap || true
	@scripts/tap-summary.sh $(BUILD)/unit.tap $(BUILD)/fuzz.tap \
		$(BUILD)/sdk.tap $(BUILD)/run.tap $(BUILD)/scenarios.tap

demo: guest
	@scripts/demo.sh

# Run vendor module directories at EL2: make run M="DIR..." [RUN_ARGS=...]
# (scripts/pkvmkit run --help has the options).
run:
	@[ -n "$(M)" ] || { echo "make run: give M=DIR (one or more)" >&2; exit 2; }
	@scripts/pkvmkit run $(RUN_ARGS) $(M)

bench: guest
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
	-for d in $(TEST_KMODS); do $(KMAKE) M=$(ROOT)/$$d clean >/dev/null 2>&1; done
