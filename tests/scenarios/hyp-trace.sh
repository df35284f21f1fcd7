# Hyp tracing as Android lays it out under /sys/kernel/tracing/hyp/: the
# hypervisor's own events and a vendor module's (smc_chain, android15-6.6:
# one event per SMC its first filter denies), enabled one by one,
# written at EL2 into per-CPU rings the host can only read, read back
# from trace and trace_pipe. Disabled events leave nothing; bad enables
# are refused.
#@ boot cortex-a72 2 1G
#@ append kvm-arm.protected_modules=pkvm_module,smc_chain
. /lib/pkvmkit/guest.sh
guest_setup

DENIED=0x82000f10	# the SiP call smc_chain's first filter denies
T=/sys/kernel/tracing/hyp
E=$T/events/hyp

pk_load
pk_wait_deprivileged
grep -q ' /sys/kernel/tracing ' /proc/mounts ||
	mount -t tracefs nodev /sys/kernel/tracing
# the driver makes hyp/ right after deprivilege
i=0
while [ ! -e $T/trace ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done

# the rings: the hypervisor's, shared read-only with the host, for good
R=$(awk '/^trace / { printf "%#x", $2 / 4096 }' $PK_DBG/layout)
NR=$(awk '/^trace / { print $3 / 4096 }' $PK_DBG/layout)
t_eq "the rings ($NR pages) are hypervisor-owned, shared with the host" \
	"$ST_HYP_SHARED $ST_HYP_SHARED" \
	"$(pk_hvc_x0x1 $HC_PAGE_STATE $R | cut -d' ' -f2) $(pk_hvc_x0x1 $HC_PAGE_STATE $((R + NR - 1)) | cut -d' ' -f2)"
t_eq "  the host cannot reclaim one" "0x0 $R_EPERM" "$(pk_hvc_x0x1 $HC_HOST_RECLAIM $R 1)"
t_eq "  nor unshare one" "0x0 $R_EPERM" "$(pk_hvc_x0x1 $HC_HOST_UNSHARE_HYP $R 1)"

t_check "$T has trace and trace_pipe" test -f $T/trace -a -f $T/trace_pipe
for ev in host_hcall host_hcall_ret host_smc smc_chain_denied; do
	t_check "events/hyp/$ev has enable, id and format" \
		test -f $E/$ev/enable -a -f $E/$ev/id -a -f $E/$ev/format
done
t_eq "the hypervisor's events have ids 1..3, the module's comes next" \
	"1 2 3 4" "$(cat $E/host_hcall/id $E/host_hcall_ret/id $E/host_smc/id \
		$E/smc_chain_denied/id | tr '\n' ' ' | sed 's/ $//')"
t_check "smc_chain_denied's format lists its fields at their offsets" \
	sh -c "grep -q 'field:u64 smc_id;.offset:8;.size:8;' $E/smc_chain_denied/format &&
	       grep -q 'field:u64 x1;.offset:16;.size:8;' $E/smc_chain_denied/format"
t_check "  and how it prints" \
	grep -q 'print fmt: "smc_id=0x%08llx x1=0x%llx", REC->smc_id, REC->x1' \
	$E/smc_chain_denied/format
t_eq "every event starts disabled" "0 0 0 0" \
	"$(cat $E/*/enable | tr '\n' ' ' | sed 's/ $//')"

echo "# disabled: nothing is written"
echo > $T/trace
pk_smc $DENIED 0x11 >/dev/null
pk_hvc $HC_PING >/dev/null
t_eq "a denied SMC and a hypercall leave the trace empty" 0 \
	"$(grep -vc '^#' $T/trace)"

echo "# the module's event"
echo 1 > $E/smc_chain_denied/enable
t_eq "enable reads back 1" 1 "$(cat $E/smc_chain_denied/enable)"
t_eq "the denied SMC is still denied" "$NOT_SUPPORTED" \
	"$(pk_smc $DENIED 0x77 | cut -d' ' -f1)"
t_eq "one record in trace" 1 "$(grep -c smc_chain_denied $T/trace)"
t_check "  printed with its format" \
	grep -q '^\[00[01]\] *[0-9]*\.[0-9]\{6\}: smc_chain_denied: smc_id=0x82000f10 x1=0x77$' $T/trace
pk_smc cpu 1 $DENIED 0x78 >/dev/null
t_check "a denied SMC on cpu1 is in cpu1's ring" \
	grep -q '^\[001\] .*smc_chain_denied: smc_id=0x82000f10 x1=0x78$' $T/trace
t_eq "an allowed SMC writes nothing" 2 \
	"$(pk_smc 0x82000f11 >/dev/null; grep -c smc_chain_denied $T/trace)"
t_eq "trace is not consumed by reading" 2 "$(grep -c smc_chain_denied $T/trace)"
pipe=$(timeout 5 head -n 2 $T/trace_pipe)
t_eq "trace_pipe gives both, oldest first" "x1=0x77 x1=0x78" \
	"$(echo "$pipe" | sed -n 's/.* \(x1=0x[0-9a-f]*\)$/\1/p' | tr '\n' ' ' | sed 's/ $//')"
t_eq "  and consumes them: trace is empty" 0 "$(grep -vc '^#' $T/trace)"
(sleep 1; pk_smc $DENIED 0x79 >/dev/null) &
t_check "trace_pipe waits for the next one" \
	sh -c "timeout 10 head -n 1 $T/trace_pipe | grep -q 'x1=0x79$'"
wait
echo 0 > $E/smc_chain_denied/enable
pk_smc $DENIED 0x7a >/dev/null
t_eq "disabled again: nothing more" 0 "$(grep -vc '^#' $T/trace)"

echo "# the hypervisor's own events"
echo 1 > $E/host_hcall/enable
echo 1 > $E/host_hcall_ret/enable
pk_hvc $HC_PING >/dev/null
t_check "host_hcall: HC_PING taken" \
	grep -q "host_hcall: id=$HC_PING x1=0x0$" $T/trace
t_check "host_hcall_ret: and answered SUCCESS" \
	grep -q "host_hcall_ret: id=$HC_PING x0=0x0 x1=0x706b766d6b6974$" $T/trace
pk_hvc $(pk_hc_id 128) 5 >/dev/null
t_check "a module's call (the fast path) is traced too" \
	grep -q "host_hcall: id=0xc6000080 x1=0x5$" $T/trace
echo 0 > $E/host_hcall/enable
echo 0 > $E/host_hcall_ret/enable
echo > $T/trace
echo 1 > $E/host_smc/enable
pk_smc $DENIED 0x5 >/dev/null
t_check "host_smc: the denied SMC, as the hypervisor took it" \
	grep -q "host_smc: id=0x82000f10 x1=0x5$" $T/trace
echo 0 > $E/host_smc/enable

echo "# bad input"
t_check "enable takes 0 or 1 only" \
	sh -c "! echo 2 > $E/host_smc/enable 2>/dev/null"
t_eq "HC_TRACE_EVENT: id 0 is invalid" "0x0 $R_EINVAL" \
	"$(pk_hvc_x0x1 $HC_TRACE_EVENT 0 1)"
t_eq "HC_TRACE_EVENT: enable 2 is invalid" "0x0 $R_EINVAL" \
	"$(pk_hvc_x0x1 $HC_TRACE_EVENT 1 2)"
t_eq "HC_TRACE_EVENT: an id no event has" "0x0 $R_ENOENT" \
	"$(pk_hvc_x0x1 $HC_TRACE_EVENT 999 1)"
t_eq "HC_TRACE_EVENT: a huge id" "0x0 $R_EINVAL" \
	"$(pk_hvc_x0x1 $HC_TRACE_EVENT 0xffffffffffffffff 1)"
t_eq "the system is secure" 1 "$(cat $PK_SYS/secure)"
guest_finish
