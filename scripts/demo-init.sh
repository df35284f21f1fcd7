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
say "Devices are confined too: the hypervisor owns the SMMUv3, its stage 2 mirrors what the host may reach"
run "cat $PK_SYS/dma"

say "The page's sample module (kvm-arm.protected_modules=pkvm_module): its EL2 init ran at EL2"
run "cat $PK_SYS/protected_modules"
run "grep 'module init' $PK_DBG/log"
say "Its handler, id 128, called from the host (x1 = 5 in, the handler sets x1 = 0)"
run "echo '$(pk_hc_id "$HC_FIRST_DYNAMIC") 5' > $PK_DBG/hvc; cat $PK_DBG/hvc"
say "Protected VMs may run: the system is secure, and there is a /dev/kvm"
run "cat $PK_SYS/secure; ls -l /dev/kvm"

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

say "A protected VM: Debian's own QEMU 7.2 boots this same kernel on pkvmkit's /dev/kvm"
run "echo 1 > /sys/module/pkvmkit/parameters/vm_protected   # QEMU cannot ask for protection: every VM is protected"
# shellcheck source=tests/vm/vm.sh
. /lib/pkvmkit/vm.sh
echo '$ qemu-system-aarch64 -M virt,gic-version=2,kernel-irqchip=off -accel kvm -cpu host -m 256M ... (task: a secret)'
pk_vm_start --task secret --append "pkvmkit_guest.secs=300" --log /tmp/vm.log
pk_vm_wait_line 'secret waiting' 300 >/dev/null
run "grep -E 'PKVMKIT-GUEST: (marker|secret)' /tmp/vm.log | head -n 3"
gpa=$(pk_vm_lines secret /tmp/vm.log | sed -n 's/^gpa=//p' | head -n 1)
token=$(pk_vm_field "$(pk_vm_line secret /tmp/vm.log)" token)

say "The host reads that page of the guest through QEMU's memory (/proc/PID/mem): no secret, only zeros"
pk_vm_peek "$gpa" /tmp/page
run "hexdump -C /tmp/page | head -n 3; grep -c '$token' /tmp/page || echo 'secret not found'"
run "grep 'page taken back' $PK_DBG/log   # the hypervisor's log"

say "The page came back to the host scrubbed; the guest's next run that needs it fails"
pk_vm_send stop
pk_vm_wait_line 'kvm run failed' 120 >/dev/null
run "grep 'kvm run failed' /tmp/vm.log"
kill -9 "$(pk_vm_qemu_pid)"
pk_vm_wait
run "cat $PK_SYS/page_states   # every guest page is back with the host"

say "Power off through the hypervisor's PSCI relay"
poweroff -f
