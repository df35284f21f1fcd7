# Host accesses to hypervisor memory: allowed before deprivilege, refused
# after it with an abort the kernel reports (SIGBUS for a user task); the
# hypervisor and the kernel carry on and later hypercalls are answered.
#@ boot cortex-a72 2 1G
#@ boot max 2 1G
. /lib/pkvmkit/guest.sh
guest_setup

TOUCH=/root/hyp-mem-touch
pk_load deprivilege=0
data_page=$(awk '/^image_data_page/ { print $2 }' $PK_DBG/layout)

out=$($TOUCH $PK_DBG/hyp_mem read 0)
t_check "before deprivilege the host can read hypervisor text ($out)" \
	sh -c "echo '$out' | grep -q '^ok '"

t_check "deprivilege on request" sh -c "echo 1 > $PK_SYS/deprivilege"
t_eq "host deprivileged" 1 "$(cat $PK_SYS/deprivileged)"

t_eq "host read of hypervisor text faults" SIGBUS "$($TOUCH $PK_DBG/hyp_mem read 0)"
t_eq "host write of hypervisor data faults" SIGBUS \
	"$($TOUCH $PK_DBG/hyp_mem write "$data_page")"
t_eq "host read of hypervisor data faults" SIGBUS \
	"$($TOUCH $PK_DBG/hyp_mem read "$data_page")"
t_check "the hypervisor logged the injected aborts" \
	sh -c "grep -c 'abort injected' $PK_DBG/log | grep -q '^[3-9]'"
echo 1 >/proc/sys/debug/exception-trace	# log unhandled user faults
$TOUCH $PK_DBG/hyp_mem read 0 unhandled
t_eq "a task not prepared for it is killed by SIGBUS" 135 "$?"
t_check "and the kernel logs the abort for it" \
	sh -c "dmesg | grep -q 'hyp-mem-touch.*unhandled.*abort'"
t_eq "a later hypercall is still answered" "0x0 $PING_MAGIC" "$(pk_hvc_x0x1 $HC_PING)"
t_eq "the stage-2 is still on everywhere" "$(pk_all_cpus)" "$(cat $PK_SYS/stage2_cpus)"
t_check "the kernel still runs tasks" sh -c 'echo alive | grep -q alive'

guest_finish
