# Reboot after deprivilege: PSCI SYSTEM_RESET goes through the hypervisor to
# the firmware (QEMU runs with -no-reboot: the reset ends it; a reset that
# does not happen times out). Poweroff is what every other scenario ends with.
#@ boot cortex-a72 2 1G
#@ boot max 2 1G
. /lib/pkvmkit/guest.sh
guest_setup

pk_load
pk_wait_deprivileged
t_ok "rebooting"
guest_finish reboot
