# EL2 not free because the kernel runs there (VHE: -cpu max with the
# runner's id_aa64mmfr1.vh=0 undone): the driver refuses and says why.
#@ boot max 2 1G
#@ append id_aa64mmfr1.vh=1
. /lib/pkvmkit/guest.sh
guest_setup

t_check "the kernel runs at EL2 (VHE)" sh -c "dmesg | grep -qi 'Virtualization Host Extensions\|VHE'"
t_check "the driver refuses to load" sh -c "! insmod /root/pkvmkit.ko"
t_check "saying the kernel is in VHE mode and how to boot instead" \
	sh -c "dmesg | grep -q 'pkvmkit: the kernel runs at EL2 (VHE mode).*id_aa64mmfr1.vh=0'"
t_check "no pkvmkit state left" test ! -e /sys/kernel/pkvmkit

guest_finish
