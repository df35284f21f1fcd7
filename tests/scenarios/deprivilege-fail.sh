# A deprivilege the hypervisor cannot do (its pool cannot hold the host
# stage-2's reservation) is reported and changes nothing: the host is not
# deprivileged, set-up calls still work, no table is left allocated or
# reserved, protected VMs are refused, and the driver says why.
#@ boot cortex-a72 2 1G
. /lib/pkvmkit/guest.sh
guest_setup

pk_load pool_pages=20 deprivilege=0
free0=$(cat $PK_SYS/pool_free_pages)
t_diag "pool before: $free0 free, $(cat $PK_SYS/pool_reserved_pages) reserved"
t_check "deprivilege refused" sh -c "! echo 1 > $PK_SYS/deprivilege"
t_eq "deprivileged reads 0" 0 "$(cat $PK_SYS/deprivileged)"
t_eq "deprivilege_error reads -ENOMEM" -12 "$(cat $PK_SYS/deprivilege_error)"
t_check "the kernel log says the system is not protected" \
	sh -c "dmesg | grep -q 'deprivilege failed: -12: the system is NOT protected'"
t_check "the hypervisor log says the host stays privileged" \
	sh -c "grep -q 'host not deprivileged' $PK_DBG/log"
t_eq "no CPU runs under a stage-2" "" "$(cat $PK_SYS/stage2_cpus)"
t_eq "pool as before" "$free0" "$(cat $PK_SYS/pool_free_pages)"
t_eq "nothing left reserved" 0 "$(cat $PK_SYS/pool_reserved_pages)"
t_eq "set-up calls still answered" "0x0 $PING_MAGIC" \
	"$(pk_hvc_x0x1 $HC_SETUP_PING)"
t_eq "no VM at all: no /dev/kvm without a deprivileged host" \
	"refused: /dev/kvm: No such file or directory" \
	"$(/root/kvm-test create protected)"
t_eq "still answering" "0x0 $PING_MAGIC" "$(pk_hvc_x0x1 $HC_PING)"

guest_finish
