# Debian's unmodified QEMU 7.2 (bookworm's arm64 qemu-system-aarch64) on
# pkvmkit's /dev/kvm boots Debian's own kernel, as a protected VM and as
# a non-protected one, with the standard line (docs/vmm.md): 1 and 2
# vCPUs, a guest that touches all its RAM (128 MiB) on both vCPUs, a guest holding
# a secret the host reads through /proc/PID/mem (a protected one's comes
# back zeroed, and the guest's next run of QEMU fails with EFAULT; a
# non-protected one's is there), and every page back where it was once
# the VMs are gone. Both kernels: the driver's KVM surface and the guest
# kernel differ between 6.1 and 6.12.
#@ boot cortex-a72 2 1G
#@ vmm
#@ timeout 1200
. /lib/pkvmkit/guest.sh
guest_setup
. /lib/pkvmkit/vm.sh

PARAM=/sys/module/pkvmkit/parameters/vm_protected

# No IOMMU on this machine, so DMA is not protected: protected VMs run
# only with the administrator's say-so (docs/dma-isolation.md).
pk_load allow_unprotected_dma=1
pk_wait_deprivileged

BEFORE=$(pk_vm_pages)
t_diag "before any VM: $BEFORE"

# vm KIND SMP TASK [pk_vm_run options]: a VM to its end, checked.
vm() {
	_kind=$1 _smp=$2 _task=$3
	shift 3
	[ "$_kind" = protected ] && echo 1 >$PARAM || echo 0 >$PARAM
	LOG=/tmp/vm-$_kind-$_smp-$_task.log
	pk_vm_run --smp "$_smp" --task "$_task" --log "$LOG" --timeout 400 "$@"
	_rc=$?
	if ! t_eq "$_kind VM, $_smp vCPU(s), task $_task: QEMU exits 0" 0 "$_rc"; then
		pk_vm_log_diag "$LOG"
		return 1
	fi
	t_check "  the guest did its task" pk_vm_ok "$LOG" || pk_vm_log_diag "$LOG"
}

vm protected 1 marker
t_eq "  its kernel is Debian's, with 1 CPU" "task=marker cpus=1 kernel=$(uname -r)" \
	"$(pk_vm_line marker "$LOG")"
t_diag "  at $(cut -d' ' -f1 /proc/uptime) s of the outer guest's uptime"
vm normal 2 smp
t_eq "  both vCPUs online" "online=0-1 count=2" "$(pk_vm_line smp "$LOG")"
t_diag "  at $(cut -d' ' -f1 /proc/uptime) s"
vm protected 2 memstress --mem 128M
t_eq "  every page it touched held its pattern" 0 \
	"$(pk_vm_field "$(pk_vm_line memstress "$LOG")" bad)"
t_diag "  $(pk_vm_lines memstress "$LOG" | tail -n 1), at $(cut -d' ' -f1 /proc/uptime) s"
t_eq "the VMs gone, every page is back" "$BEFORE" "$(pk_vm_pages)"

# secret KIND: the host reads the guest's secret page through /proc/PID/mem
secret() {
	[ "$1" = protected ] && echo 1 >$PARAM || echo 0 >$PARAM
	LOG=/tmp/vm-$1-secret.log
	pk_vm_start --task secret --append "pkvmkit_guest.secs=300" --log "$LOG" \
		--timeout 600
	if ! pk_vm_wait_line 'secret waiting' 300 >/dev/null; then
		t_fail "$1 VM holds a secret" "$(tail -20 "$LOG")"
		kill -9 "$(pk_vm_qemu_pid)"
		pk_vm_wait
		return
	fi
	token=$(pk_vm_field "$(pk_vm_line secret "$LOG")" token)
	gpa=$(pk_vm_lines secret "$LOG" | sed -n 's/^gpa=//p' | head -n 1)
	t_ok "$1 VM holds a secret ($token at $gpa)"
	t_check "  the host reads QEMU's memory there (/proc/PID/mem)" \
		pk_vm_peek "$gpa" /tmp/page
	if [ "$1" = protected ]; then
		t_check "  /proc/PID/mem: the host does not read it" \
			sh -c "! grep -q '$token' /tmp/page"
		t_eq "  the page came back zeroed" 0 \
			"$(od -An -tx1 -v /tmp/page | tr -d ' \n' | tr -d 0 | wc -c)"
		pk_vm_send stop
		t_check "  the guest's next run needs it: QEMU's KVM_RUN fails (EFAULT)" \
			pk_vm_wait_line 'kvm run failed Bad address' 120
		kill -9 "$(pk_vm_qemu_pid)"
	else
		t_check "  /proc/PID/mem: the host reads it (not protected)" \
			grep -q "$token" /tmp/page
		pk_vm_send stop
	fi
	pk_vm_wait
}
secret normal
secret protected
t_eq "every page is back, QEMU killed mid-run too" "$BEFORE" "$(pk_vm_pages)"
echo 0 >$PARAM
guest_finish
