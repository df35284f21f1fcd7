# SPDX-License-Identifier: GPL-2.0-only
#
# pkvmkit: the two commands that do everything on a fresh machine are
#   make demo    boot the system under QEMU, show the hypervisor at work
#   make test    unit tests, SDK build tests, then every QEMU scenario;
#                ends with "N passed, N failed"
# Also: make bench (figures), make all (build only), make setup, make clean,
#   make fuzz [CALLS=N FUZZ_CPU=max FUZZ_SMP=4 FUZZ_MEM=1G FUZZ_SEED=N]
#                one long hostile-host run (scripts/fuzz.sh)

ROOT		:= $(CURDIR)
BUILD		:= $(ROOT)/build
KDIR		:= $(ROOT)/.deps/current/kdir
CROSS		:= aarch64-linux-gnu-
KMAKE		:= $(MAKE) -C $(KDIR) ARCH=arm64 CROSS_COMPILE=$(CROSS) \
		   PKVMKIT_ROOT=$(ROOT) PKVMKIT_BUILD=$(BUILD)
GUEST		:= $(BUILD)/guest

.PHONY: all setup hyp driver sdk modules hostile guest unit test scenarios demo bench \
	fuzz clean

all: guest

# Idempotent: installs packages, fetches and prepares the arm64 kernel.
setup:
	@scripts/setup.sh

hyp: setup
	@$(MAKE) -s -C hyp O=$(BUILD)/hyp

driver: hyp
	@$(KMAKE) M=$(ROOT)/driver modules

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

# The hostile-host fuzzer (tests/hostile/), a plain guest kernel module.
hostile: driver
	@$(KMAKE) M=$(ROOT)/tests/hostile modules

# Everything the guest scenarios put in /root, and a /lib/modules tree
# (with modules.dep, for modprobe) in $(GUEST)/modules.
guest: modules hostile
	@mkdir -p $(GUEST)
	@cp driver/pkvmkit.ko tests/hostile/pkvm_hostile.ko $(GUEST)/
	@$(MAKE) -s -C tests/guest O=$(GUEST) CROSS_COMPILE=$(CROSS)
	@scripts/guest-modules.sh $(GUEST)

unit:
	@$(MAKE) -s -C tests/unit run

scenarios: guest
	@tests/run-scenarios.sh

test: guest
	@mkdir -p $(BUILD)
	@$(MAKE) -s -C tests/unit run 2>&1 | tee $(BUILD)/unit.tap || true
	@tests/sdk/run.sh 2>&1 | tee $(BUILD)/sdk.tap || true
	@tests/run-scenarios.sh | tee $(BUILD)/scenarios.tap || true
	@scripts/tap-summary.sh $(BUILD)/unit.tap $(BUILD)/sdk.tap \
		$(BUILD)/scenarios.tap

demo: guest
	@scripts/demo.sh

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
	-$(KMAKE) M=$(ROOT)/tests/hostile clean >/dev/null 2>&1
