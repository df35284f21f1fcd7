# EL2 not free because KVM owns it (kvm-arm.mode=nvhe after the runner's
# kvm-arm.mode=none: the last one counts): the driver refuses to load and
# says why and how to boot instead; nothing else changes.
# Kernels differ in KVM's line: 6.1 prints "kvm [1]: Hyp mode initialized
# successfully", 6.12 "kvm [1]: Hyp nVHE mode initialized successfully"
# (it names the mode); both are accepted, nothing looser.
#@ boot cortex-a72 2 1G
#@ append kvm-arm.mode=nvhe
. /lib/pkvmkit/guest.sh
guest_setup

t_check "KVM took EL2" sh -c \
	"dmesg | grep -qE 'kvm \[1\]: Hyp (nVHE )?mode initialized successfully'"
t_check "the driver refuses to load" sh -c "! insmod /root/pkvmkit.ko"
t_check "saying KVM owns EL2 and to boot with kvm-arm.mode=none" \
	sh -c "dmesg | grep -q 'pkvmkit: KVM owns EL2 (kvm-arm.mode=nvhe): boot with kvm-arm.mode=none'"
t_check "no pkvmkit state left" test ! -e /sys/kernel/pkvmkit

guest_finish
