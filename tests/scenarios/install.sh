# Install: the driver takes EL2 on every CPU, the hypervisor answers a null
# hypercall on each, and the host ends up deprivileged behind the stage-2.
#@ boot cortex-a72 1 1G
#@ boot cortex-a72 2 1G
#@ boot cortex-a72 4 1G
#@ boot max 2 1G
#@ boot max 4 1G
. /lib/pkvmkit/guest.sh
guest_setup

PK=/sys/kernel/pkvmkit
HVC=/sys/kernel/debug/pkvmkit/hvc
ncpus=$(grep -c ^processor /proc/cpuinfo)
all_cpus=0
[ "$ncpus" -gt 1 ] && all_cpus="0-$((ncpus - 1))"

t_check "driver loads" insmod /root/pkvmkit.ko
t_eq "installed on every CPU" "$all_cpus" "$(cat $PK/installed_cpus)"

cpu=0
while [ "$cpu" -lt "$ncpus" ]; do
	echo "cpu $cpu 0xc6000009" > $HVC
	set -- $(cat $HVC)
	t_eq "cpu$cpu: null hypercall answered (x0 = SUCCESS, x1 = magic, x2 = slot)" \
		"0x0 0x706b766d6b6974 0x$(printf %x $cpu)" "$1 $2 $3"
	cpu=$((cpu + 1))
done

# deprivilege runs from a work item right after load
i=0
while [ "$(cat $PK/deprivileged)" != 1 ] && [ $i -lt 50 ]; do
	sleep 0.1; i=$((i + 1))
done
t_eq "host deprivileged" 1 "$(cat $PK/deprivileged)"
t_eq "stage-2 on every CPU" "$all_cpus" "$(cat $PK/stage2_cpus)"
t_check "kernel log says so" sh -c 'dmesg | grep -q "host deprivileged"'
mem=$(cat $PK/memory_bytes)
t_check "memory given to the hypervisor reported ($mem bytes)" test "$mem" -gt 0
t_diag "$(cat $PK/page_states | tr '\n' ' ')"
t_check "hypervisor log readable" grep -q "host deprivileged" /sys/kernel/debug/pkvmkit/log

guest_finish
