# Page ownership at EL2: every host-callable transition (donate, reclaim,
# share, unshare) from every state a host can reach (host-owned, shared
# with the hypervisor, donated to it, hypervisor-owned since boot, owned by
# the hypervisor and shared read-only with the host), with its result, the
# state left behind, and what the host stage-2 then lets the host do.
#@ boot cortex-a72 2 1G
#@ boot max 2 1G
. /lib/pkvmkit/guest.sh
guest_setup

TOUCH=/root/hyp-mem-touch
SCRATCH=$PK_DBG/scratch
pk_load
pk_wait_deprivileged

# shellcheck disable=SC2046
set -- $(cat $SCRATCH)
A=$1 B=$2 C=$3
D=$(awk '/^image / { printf "%#x", $2 / 4096 }' $PK_DBG/layout)
E=$(awk '/^log / { printf "%#x", $2 / 4096 }' $PK_DBG/layout)

state() { pk_hvc_x0x1 $HC_PAGE_STATE "$1" | cut -d' ' -f2; }
call() { pk_hvc_x0x1 "$1" "$2" 1 | cut -d' ' -f2; }

# bring B and C into their states
t_eq "share B" 0x0 "$(call $HC_HOST_SHARE_HYP "$B")"
t_eq "donate C" 0x0 "$(call $HC_HOST_DONATE_HYP "$C")"
t_eq "A host-owned" $ST_HOST_OWNED "$(state "$A")"
t_eq "B shared with the hypervisor" $ST_HOST_SHARED "$(state "$B")"
t_eq "C donated to the hypervisor" $ST_HYP_OWNED "$(state "$C")"
t_eq "D (image) hypervisor-owned" $ST_HYP_OWNED "$(state "$D")"
t_eq "E (log) hypervisor-owned, shared with the host" $ST_HYP_SHARED "$(state "$E")"

# expect NAME CALL PAGE RESULT STATE_AFTER: one transition and its outcome
expect() {
	t_eq "$1: result" "$4" "$(call "$2" "$3")"
	t_eq "$1: state after" "$5" "$(state "$3")"
}

expect "donate host-owned A"		$HC_HOST_DONATE_HYP "$A" 0x0 $ST_HYP_OWNED
t_eq "  the host can no longer read A" SIGBUS "$($TOUCH $SCRATCH read 0)"
t_eq "  nor write it" SIGBUS "$($TOUCH $SCRATCH write 0)"
expect "reclaim donated A"		$HC_HOST_RECLAIM "$A" 0x0 $ST_HOST_OWNED
t_check "  the host can write A again" sh -c "$TOUCH $SCRATCH write 0 | grep -q '^ok'"
expect "share host-owned A"		$HC_HOST_SHARE_HYP "$A" 0x0 $ST_HOST_SHARED
t_check "  the host can still write shared A" sh -c "$TOUCH $SCRATCH write 0 | grep -q '^ok'"
expect "unshare shared A"		$HC_HOST_UNSHARE_HYP "$A" 0x0 $ST_HOST_OWNED
expect "reclaim host-owned A"		$HC_HOST_RECLAIM "$A" "$R_EPERM" $ST_HOST_OWNED
expect "unshare host-owned A"		$HC_HOST_UNSHARE_HYP "$A" "$R_EPERM" $ST_HOST_OWNED

expect "donate shared B"		$HC_HOST_DONATE_HYP "$B" "$R_EPERM" $ST_HOST_SHARED
expect "reclaim shared B"		$HC_HOST_RECLAIM "$B" "$R_EPERM" $ST_HOST_SHARED
expect "share shared B again"		$HC_HOST_SHARE_HYP "$B" "$R_EPERM" $ST_HOST_SHARED
t_check "  the host can write shared B" sh -c "$TOUCH $SCRATCH write 1 | grep -q '^ok'"
expect "unshare shared B"		$HC_HOST_UNSHARE_HYP "$B" 0x0 $ST_HOST_OWNED
expect "share B back"			$HC_HOST_SHARE_HYP "$B" 0x0 $ST_HOST_SHARED

expect "donate donated C"		$HC_HOST_DONATE_HYP "$C" "$R_EPERM" $ST_HYP_OWNED
expect "share donated C"		$HC_HOST_SHARE_HYP "$C" "$R_EPERM" $ST_HYP_OWNED
expect "unshare donated C"		$HC_HOST_UNSHARE_HYP "$C" "$R_EPERM" $ST_HYP_OWNED
t_eq "  the host cannot read donated C" SIGBUS "$($TOUCH $SCRATCH read 2)"
expect "reclaim donated C"		$HC_HOST_RECLAIM "$C" 0x0 $ST_HOST_OWNED
t_check "  the host can read C again" sh -c "$TOUCH $SCRATCH read 2 | grep -q '^ok'"

for call in DONATE_HYP RECLAIM SHARE_HYP UNSHARE_HYP; do
	eval id=\$HC_HOST_$call
	expect "$call on image page D" "$id" "$D" "$R_EPERM" $ST_HYP_OWNED
	expect "$call on log page E" "$id" "$E" "$R_EPERM" $ST_HYP_SHARED
done
t_check "the host can still read the log (read-only share)" \
	grep -q deprivileged $PK_DBG/log
t_eq "image still unreadable by the host" SIGBUS "$($TOUCH $PK_DBG/hyp_mem read 0)"
t_eq "still answering" "0x0 $PING_MAGIC" "$(pk_hvc_x0x1 $HC_PING)"

guest_finish
