# SPDX-License-Identifier: GPL-2.0-only
#
# pkvmkit: which generation of ACK's pKVM module interface an external
# module is built for. Included from the headers' arch/arm64/Makefile
# (scripts/install-sdk.sh adds the include), so it applies to the
# module's EL1 and EL2 objects alike:
#
#   make -C $KDIR M=$PWD PKVM_MODULE_API=android15-6.6
#
# android14-6.1 (the default: the layout the Android page's sample is
# written for), android15-6.6 or android16-6.12: the names and codes of
# PKVM_API_GENERATIONS in asm/pkvmkit_module_ops.h; the header refuses
# any other.

ifneq ($(KBUILD_EXTMOD),)
# pkvm-api-<name> := <code> for each generation, and pkvm-api-known, the
# names, the default first: written by scripts/install-sdk.sh from
# PKVM_API_GENERATIONS in asm/pkvmkit_module_ops.h.
include $(srctree)/arch/arm64/kvm/hyp/nvhe/pkvmkit-api-list.mk

PKVM_MODULE_API ?= $(firstword $(pkvm-api-known))
ifneq ($(words $(PKVM_MODULE_API)),1)
$(error PKVM_MODULE_API='$(PKVM_MODULE_API)': give one of: $(pkvm-api-known))
endif
ifeq ($(pkvm-api-$(PKVM_MODULE_API)),)
$(error PKVM_MODULE_API=$(PKVM_MODULE_API): unknown generation; known: $(pkvm-api-known))
endif
KBUILD_CPPFLAGS += -DPKVM_MODULE_API=$(pkvm-api-$(PKVM_MODULE_API))
endif
