# SPDX-License-Identifier: GPL-2.0-only
#
# pkvmkit: a module naming its hyp-event header the way ACK's own modules
# do, from inside ACK's tree, builds out of tree unmodified:
#
#   #define HYP_EVENT_FILE ../../../../drivers/misc/<module>/hyp/events.h
#
# Included from the headers' arch/arm64/Makefile (scripts/install-sdk.sh
# adds the include), so it applies to the module's EL1 and EL2 objects
# alike, with nothing more on the command line than the usual
# make -C $KDIR M=$PWD. pkvmkit-hyp-event-tree makes the module's view of
# ACK's tree, its own place in it and nothing else (that script says
# how), and the quoted includes of kvm_define_hypevents.h and
# define_events.h search it. A module without such a path gets no view
# and no flag; make clean removes the view.

ifneq ($(KBUILD_EXTMOD),)
pkvmkit-hyp-event-tree := $(CONFIG_SHELL) \
	$(srctree)/arch/arm64/kvm/hyp/nvhe/pkvmkit-hyp-event-tree

ifneq ($(filter clean,$(MAKECMDGOALS)),)
pkvmkit-hyp-event-dir := $(shell $(pkvmkit-hyp-event-tree) --remove $(KBUILD_EXTMOD))
else
pkvmkit-hyp-event-dir := $(shell $(pkvmkit-hyp-event-tree) $(KBUILD_EXTMOD))
endif
ifneq ($(.SHELLSTATUS),0)
$(error pkvmkit: no view of ACK's tree for $(KBUILD_EXTMOD)'s hyp-event paths (the line above says why))
endif
KBUILD_CPPFLAGS += $(addprefix -iquote ,$(pkvmkit-hyp-event-dir))
endif
