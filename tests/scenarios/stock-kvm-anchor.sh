# The anchor for pkvmkit's /dev/kvm: stock KVM (kvm-arm.mode=nvhe after
# the runner's kvm-arm.mode=none: the last one counts), not pkvmkit, runs
# Debian's unmodified QEMU 7.2 with the standard command line of
# tests/vm/vm.sh (-accel kvm -cpu host, GICv2 emulated in userspace): the
# inner guest boots to its /init and prints its marker with 1 and 2 vCPUs,
# sees them all, and powers off, QEMU exiting 0. The same helper, unchanged,
# runs later on pkvmkit's /dev/kvm (docs/vmm.md). It costs 40 to 80 s
# (two inner boots; measured on cortex-a72, a loaded 2-core host), under
# the two minutes that would make one kernel enough: both kernels run it.
#@ boot cortex-a72 2 1G
#@ append kvm-arm.mode=nvhe
#@ vmm
#@ timeout 300
. /lib/pkvmkit/guest.sh
. /lib/pkvmkit/vm.sh
guest_setup --without-pkvmkit

t_check "KVM took EL2" sh -c \
	"dmesg | grep -qE 'kvm \[1\]: Hyp (nVHE )?mode initialized successfully'"
t_check "/dev/kvm is there" test -c /dev/kvm

for smp in 1 2; do
	log=/tmp/vm-smp$smp.log
	t0=$(cut -d' ' -f1 /proc/uptime)
	pk_vm_run --smp $smp --task marker --timeout 200 --log $log
	rc=$?
	t1=$(cut -d' ' -f1 /proc/uptime)
	t_diag "$smp vCPU: QEMU ran $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') s (outer guest's clock)"
	marker=$(pk_vm_line marker $log)
	if [ -n "$marker" ]; then
		t_ok "$smp vCPU: the inner guest's /init printed its marker"
	else
		t_fail "$smp vCPU: the inner guest's /init printed its marker" \
			"$(pk_vm_log_diag $log)"
	fi
	t_eq "$smp vCPU: the guest sees $smp CPUs" "$smp" "$(pk_vm_field "$marker" cpus)"
	t_eq "$smp vCPU: the guest runs the outer kernel" "$(uname -r)" \
		"$(pk_vm_field "$marker" kernel)"
	t_eq "$smp vCPU: QEMU exited with 0 after the guest's poweroff" 0 "$rc"
	t_check "$smp vCPU: the guest ended its task with status=ok" pk_vm_ok $log
done

guest_finish
