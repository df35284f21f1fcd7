# Install: the driver takes EL2 on every CPU, the hypervisor answers a null
# hypercall on each, and the host ends up deprivileged behind the stage-2.
#@ boot cortex-a72 1 1G
#@ boot cortex-a72 2 1G
#@ boot cortex-a72 4 1G
#@ boot max 2 1G
#@ boot max 4 1G
. /lib/pkvmkit/guest.sh
guest_setup

ncpus=$(grep -c ^processor /proc/cpuinfo)
all_cpus=$(pk_all_cpus)

pk_load
t_eq "installed on every CPU" "$all_cpus" "$(cat $PK_SYS/installed_cpus)"

cpu=0
while [ "$cpu" -lt "$ncpus" ]; do
	# shellcheck disable=SC2046
	set -- $(pk_hvc cpu $cpu $HC_PING)
	t_eq "cpu$cpu: null hypercall answered (x0 = SUCCESS, x1 = magic, x2 = slot)" \
		"0x0 $PING_MAGIC 0x$(printf %x $cpu)" "$1 $2 $3"
	cpu=$((cpu + 1))
done

pk_wait_deprivileged
t_eq "stage-2 on every CPU" "$all_cpus" "$(cat $PK_SYS/stage2_cpus)"
t_check "kernel log says so" sh -c 'dmesg | grep -q "host deprivileged"'
mem=$(cat $PK_SYS/memory_bytes)
t_check "memory given to the hypervisor reported ($mem bytes)" test "$mem" -gt 0
t_diag "$(tr '\n' ' ' <$PK_SYS/page_states)"
t_check "hypervisor log readable" grep -q "host deprivileged" $PK_DBG/log
t_check "hyp_owned pages counted" sh -c "grep -q 'hyp_owned [1-9]' $PK_SYS/page_states"

guest_finish
