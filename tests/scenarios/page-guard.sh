# modules/page_guard at EL2: a host page made read-only in the host
# stage-2 by a module; a host write faults to the module's permission-fault
# handler, which counts it and steps over the store (ELR_EL2, as ACK
# modules do), so the page keeps its content; lifted, the write lands.
# get_leaf shows the permissions before and after. A page made
# inaccessible is refused by the handler: the host gets an abort (SIGBUS
# for a user task) and the illegal-abort notifier sees it.
#@ boot cortex-a72 2 1G
#@ boot max 2 1G
#@ append kvm-arm.protected_modules=page_guard
. /lib/pkvmkit/guest.sh
guest_setup

TOUCH=/root/hyp-mem-touch
SCRATCH=$PK_DBG/scratch
pk_load
pk_wait_deprivileged
ID=$(dmesg | sed -n 's/.*page_guard: guarding host pages on hypercall \([0-9]*\)$/\1/p')
t_check "page_guard loaded with its hypercall" test -n "$ID"
guard() { pk_hvc "$(pk_hc_id "$ID")" "$@" | cut -d' ' -f2-4; }
s2ap() { set -- $(guard 4 "$1"); echo "$(( ($2 >> 6) & 3 ))"; }
# shellcheck disable=SC2046
set -- $(cat $SCRATCH)
A=$1 B=$2

t_eq "A cleared by the host" "ok 0" "$($TOUCH $SCRATCH clear 0)"
t_eq "get_leaf before: read-write (S2AP 3)" 3 "$(s2ap "$A")"
t_eq "guard A read-only" 0x0 "$(guard 1 "$A" | cut -d' ' -f1)"
t_eq "get_leaf after: read-only (S2AP 1), a page entry (level 3)" "1 3" \
	"$(set -- $(guard 4 "$A"); echo "$(( ($2 >> 6) & 3 )) $(( $3 ))")"
t_eq "a host write to A goes on, the store skipped: A still reads 0" "ok 0" \
	"$($TOUCH $SCRATCH write 0)"
t_eq "  the module counted one skipped write, nothing refused" "0x1 0x0" \
	"$(guard 5 | cut -d' ' -f1-2)"
for _ in 1 2 3 4; do $TOUCH $SCRATCH write 0 >/dev/null; done
t_eq "  five writes, five skipped" 0x5 "$(guard 5 | cut -d' ' -f1)"
t_eq "the hypervisor's own abort path did not run" 0x0 "$(guard 5 | cut -d' ' -f3)"

t_eq "lift A" 0x0 "$(guard 3 "$A" | cut -d' ' -f1)"
t_eq "  get_leaf: read-write again" 3 "$(s2ap "$A")"
t_eq "  the write lands" "ok 0x5a5a5a5a5a5a5a5a" "$($TOUCH $SCRATCH write 0)"

t_eq "guard B inaccessible" 0x0 "$(guard 2 "$B" | cut -d' ' -f1)"
t_eq "  a host read of B: SIGBUS" SIGBUS "$($TOUCH $SCRATCH read 1)"
t_eq "  refused by the module and seen by the illegal-abort notifier" "0x1 0x1" \
	"$(guard 5 | cut -d' ' -f2-3)"
t_check "  the hypervisor logged the injected abort, naming the module" grep -q \
	"abort injected (a module's restriction; the fault handler of page_guard refused it)" $PK_DBG/log
t_eq "lift B: the host reads it again" "0x0 ok" \
	"$(guard 3 "$B" | cut -d' ' -f1) $($TOUCH $SCRATCH read 1 | cut -d' ' -f1)"
t_eq "the host is still deprivileged and answers" "0x0 $(printf '%#x' $HC_PING_MAGIC)" \
	"$(pk_hvc_x0x1 "$(pk_hc_id $HC_PING)")"
guest_finish
