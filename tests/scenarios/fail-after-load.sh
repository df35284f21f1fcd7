# A vendor module whose EL1 init fails after its EL2 code loaded
# (early_map.fail_after_load=1): the kernel frees the module's memory, but
# the pages given to the hypervisor must never return to the host's page
# allocator, or the host would crash on memory it no longer owns once
# deprivileged. The host fills its free memory and survives.
#@ boot cortex-a72 2 1G
#@ append kvm-arm.protected_modules=early_map early_map.fail_after_load=1
. /lib/pkvmkit/guest.sh
guest_setup

pk_load
pk_wait_deprivileged
t_check "early_map's EL2 code loaded, then its EL1 init failed" \
	sh -c "dmesg | grep -q 'early_map: extra page pfn .* copy ok'"
t_eq "the list stopped there: the system is insecure" 0 "$(cat $PK_SYS/secure)"
t_check "early_map is not loaded any more" sh -c "! grep -q '^early_map ' /proc/modules"
free_kb=$(awk '/MemFree/ { print $2 }' /proc/meminfo)
mkdir -p /tmp/fill && mount -t tmpfs -o size=$((free_kb * 9 / 10))k tmpfs /tmp/fill
t_check "the host allocates and clears 90% of its free memory" \
	sh -c "dd if=/dev/zero of=/tmp/fill/f bs=1M count=$((free_kb * 85 / 100 / 1024)) 2>/dev/null"
rm -f /tmp/fill/f; umount /tmp/fill
t_eq "the hypervisor's module pages are still its own" 0 \
	"$(grep -c 'abort injected' $PK_DBG/log)"
t_eq "the host is still deprivileged and answers" "0x0 $(printf '%#x' $HC_PING_MAGIC)" \
	"$(pk_hvc_x0x1 "$(pk_hc_id $HC_PING)")"
guest_finish
