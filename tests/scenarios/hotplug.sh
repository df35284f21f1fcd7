# CPU hotplug under the hypervisor: a CPU taken offline and back online
# five times comes back through the PSCI relay, installed and under the
# host stage-2; faults are still caught on it.
#@ boot cortex-a72 2 1G
#@ boot cortex-a72 4 1G
#@ boot max 4 1G
#@ timeout 240
. /lib/pkvmkit/guest.sh
guest_setup

pk_load
pk_wait_deprivileged
all=$(pk_all_cpus)
ONLINE=/sys/devices/system/cpu/cpu1/online

i=1
while [ $i -le 5 ]; do
	t_check "round $i: cpu1 offline" sh -c "echo 0 > $ONLINE"
	t_check "round $i: cpu1 online" sh -c "echo 1 > $ONLINE"
	t_eq "round $i: cpu1 answers" "0x0 $PING_MAGIC" "$(pk_hvc_x0x1 cpu 1 $HC_PING)"
	# shellcheck disable=SC2046
	set -- $(pk_hvc cpu 1 $HC_CPU_STATE)
	t_eq "round $i: cpu1 installed, stage-2 on, host deprivileged" \
		"$(printf %#x $((HC_CPU_INSTALLED | HC_CPU_STAGE2 | HC_CPU_HOST_DEPRIV)))" "$2"
	i=$((i + 1))
done
t_eq "every CPU installed" "$all" "$(cat $PK_SYS/installed_cpus)"
t_eq "every CPU under the stage-2" "$all" "$(cat $PK_SYS/stage2_cpus)"
t_eq "a fault on cpu1 is still caught" SIGBUS \
	"$(taskset 2 /root/hyp-mem-touch $PK_DBG/hyp_mem read 0)"
t_eq "the set-up calls stay closed on cpu1" "$NOT_SUPPORTED" \
	"$(pk_hvc_x0x1 cpu 1 $HC_SETUP_PING | cut -d' ' -f1)"

guest_finish
