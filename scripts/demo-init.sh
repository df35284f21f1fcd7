#!/bin/sh
# /init of the demo guest (scripts/demo.sh): shows the hypervisor at work.
PATH=/bin:/sbin:/usr/bin:/usr/sbin
# shellcheck source=tests/lib/guest.sh
. /lib/pkvmkit/guest.sh
guest_setup >/dev/null

say() { printf '\n== %s\n' "$*"; }
run() { printf '$ %s\n' "$*"; sh -c "$*"; }

say "Kernel $(uname -r), booted with: $(cat /proc/cmdline)"
run "dmesg | grep -m1 'CPU(s) started at EL2'"

say "Load the pkvmkit driver: it takes EL2 on every CPU, loads the protected modules, deprivileges the host"
run "insmod /root/pkvmkit.ko"
i=0
while [ "$(cat "$PK_SYS/deprivileged")" != 1 ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
run "dmesg | grep 'pkvm' | grep -v taints | grep -v verification"
run "cat $PK_SYS/installed_cpus $PK_SYS/stage2_cpus $PK_SYS/deprivileged"

say "The page's sample module (kvm-arm.protected_modules=pkvm_module): its EL2 init ran at EL2"
run "cat $PK_SYS/protected_modules"
run "grep 'module init' $PK_DBG/log"
say "Its handler, id 128, called from the host (x1 = 5 in, the handler sets x1 = 0)"
run "echo '$(pk_hc_id "$HC_FIRST_DYNAMIC") 5' > $PK_DBG/hvc; cat $PK_DBG/hvc"
say "Protected VMs may run: the system is secure, a VM's hypervisor record can be created"
run "cat $PK_SYS/secure; echo 1 > $PK_SYS/create_pvm && dmesg | tail -n 1"

say "After deprivilege no EL2 code gets in: a late modprobe is refused"
run "modprobe pkvm_reloc_test; dmesg | tail -n 2"

say "A null hypercall ($HC_PING) on each CPU: x0 = SUCCESS, x1 = magic, x2 = CPU slot"
for cpu in $(seq 0 $(($(grep -c ^processor /proc/cpuinfo) - 1))); do
	run "echo 'cpu $cpu $HC_PING' > $PK_DBG/hvc; cat $PK_DBG/hvc"
done

say "Memory: what the hypervisor got, and every RAM page's owner"
run "cat $PK_SYS/memory_bytes; cat $PK_SYS/page_states"

say "The host is deprivileged: set-up calls and a second deprivilege are refused"
run "echo $HC_PROT_FINALIZE > $PK_DBG/hvc; cat $PK_DBG/hvc"

say "The host reads hypervisor memory: the stage-2 stops it, the task gets SIGBUS"
run "/root/hyp-mem-touch $PK_DBG/hyp_mem read 0"
run "echo $HC_PING > $PK_DBG/hvc; cat $PK_DBG/hvc"

say "The hypervisor's own log (shared read-only with the host)"
run "cat $PK_DBG/log"

say "Power off through the hypervisor's PSCI relay"
poweroff -f
