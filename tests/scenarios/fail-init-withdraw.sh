# A protected module whose EL2 init registers one of everything a module
# can leave behind (hyp event ids, a host SMC handler, more module VA, an
# early mapping, a private mapping) and then fails (modules/
# fail_registers, android15-6.6). The failed init withdraws all of it
# before the host gets the module's pages back:
#  - its event ids: afterwards the host (untrusted once deprivileged)
#    enables every id the module could have had, and the hypervisor
#    answers -ENOENT instead of reading the module's unmapped memory;
#  - its hook: HC_HOOK_INFO reports none;
#  - its early mapping: removed at once, not found left over at
#    deprivilege;
#  - its VA: the next module loaded gets the same hypervisor VA.
# 6.1 only: the path is the hypervisor's, the same on
# both.
#@ boot cortex-a72 2 1G
#@ kernel 6.1
#@ append kvm-arm.protected_modules=fail_registers
. /lib/pkvmkit/guest.sh
guest_setup

pk_load deprivilege=0
i=0
while ! grep -q fail_registers $PK_SYS/protected_modules 2>/dev/null ||
	grep -q not-tried $PK_SYS/protected_modules; do
	[ $i -lt 50 ] || break
	sleep 0.1; i=$((i + 1))
done
t_eq "fail_registers failed" "fail_registers failed" "$(cat $PK_SYS/protected_modules)"
t_check "its EL2 init registered everything, then failed" \
	grep -q "fail_registers: registered everything, EL2 init failing on purpose" $PK_DBG/log
t_eq "its host SMC handler is gone" "0x0 0x0" "$(pk_hvc_x0x1 $HC_HOOK_INFO $HC_HOOK_HOST_SMC)"
failed_va=$(sed -n 's/.*module init at \([0-9a-f]*\) failed.*fail_registers.*/\1/p' $PK_DBG/log | tail -n1)
t_check "a later module loads" modprobe pkvm_module
loaded_va=$(dmesg | sed -n 's/.*pkvm_module: EL2 code loaded at 0x\([0-9a-f]*\).*/\1/p' | tail -n1)
t_eq "and gets the VA the failed module had" \
	"$(printf '%x' $((0x$failed_va & ~0xfff)))" "$loaded_va"
echo 1 >$PK_SYS/deprivilege
pk_wait_deprivileged
t_check "no early mapping of the failed module was left at deprivilege" \
	sh -c "! grep -q 'left an early mapping' $PK_DBG/log"
t_eq "the system is insecure (a protected module failed)" 0 "$(cat $PK_SYS/secure)"
grep -q ' /sys/kernel/tracing ' /proc/mounts ||
	mount -t tracefs nodev /sys/kernel/tracing
t_check "tracefs shows no event of the failed module" \
	sh -c "! test -e /sys/kernel/tracing/hyp/events/hyp/fail_registers_init"

# The hypervisor's own events are 1..3; the module's id was the next.
for id in 4 5 6 7 8; do
	t_eq "HC_TRACE_EVENT $id on: no such event (not a read of the module's pages)" \
		"0x0 $R_ENOENT" "$(pk_hvc_x0x1 $HC_TRACE_EVENT $id 1)"
done
t_eq "the hypervisor answers after that" "0x0 $PING_MAGIC" "$(pk_hvc_x0x1 $HC_PING)"
t_eq "the core events still switch" "0x0 0x0" "$(pk_hvc_x0x1 $HC_TRACE_EVENT 1 1)"
pk_hvc $HC_TRACE_EVENT 1 0 >/dev/null
t_check "no hypervisor panic was logged" sh -c "! grep -q 'HYP PANIC' $PK_DBG/log"

guest_finish
