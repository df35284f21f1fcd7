# SPDX-License-Identifier: GPL-2.0-only
#
# pkvmkit: the two commands that do everything on a fresh machine are
#   make demo    boot the system under QEMU, show the hypervisor at work
#   make test    unit tests, then every QEMU scenario; ends "N passed, N failed"
# Also: make bench (figures), make all (build only), make setup, make clean.

ROOT		:= $(CURDIR)
BUILD		:= $(ROOT)/build
KDIR		:= $(ROOT)/.deps/current/kdir
CROSS		:= aarch64-linux-gnu-
KMAKE		:= $(MAKE) -C $(KDIR) ARCH=arm64 CROSS_COMPILE=$(CROSS) \
		   PKVMKIT_ROOT=$(ROOT) PKVMKIT_BUILD=$(BUILD)
GUEST		:= $(BUILD)/guest

.PHONY: all setup hyp driver guest unit test scenarios demo bench clean

all: guest

# Idempotent: installs packages, fetches and prepares the arm64 kernel.
setup:
	@scripts/setup.sh

hyp: setup
	@$(MAKE) -s -C hyp O=$(BUILD)/hyp

driver: hyp
	@$(KMAKE) M=$(ROOT)/driver modules

# Everything the guest scenarios put in /root.
guest: driver
	@mkdir -p $(GUEST)
	@cp driver/pkvmkit.ko $(GUEST)/
	@$(MAKE) -s -C tests/guest O=$(GUEST) CROSS_COMPILE=$(CROSS)

unit:
	@$(MAKE) -s -C tests/unit run

scenarios: guest
	@tests/run-scenarios.sh

test: guest
	@mkdir -p $(BUILD)
	@$(MAKE) -s -C tests/unit run 2>&1 | tee $(BUILD)/unit.tap || true
	@tests/run-scenarios.sh | tee $(BUILD)/scenarios.tap || true
	@scripts/tap-summary.sh $(BUILD)/unit.tap $(BUILD)/scenarios.tap

demo: guest
	@scripts/demo.sh

bench: guest
	@scripts/bench.sh

clean:
	rm -rf $(BUILD)
	-$(KMAKE) M=$(ROOT)/driver clean >/dev/null 2>&1
