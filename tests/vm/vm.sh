# tests/vm/vm.sh - run a VM from the outer guest (busybox sh, sourced; it
# is /lib/pkvmkit/vm.sh in an initramfs that asked for the VMM, docs/vmm.md).
#
#   . /lib/pkvmkit/vm.sh
#   pk_vm_run --smp 2 --task marker --log /tmp/vm.log; rc=$?
#   pk_vm_line marker /tmp/vm.log        -> "task=marker cpus=2 kernel=..."
#
# The VMM is Debian's qemu-system-aarch64 7.2 on /dev/kvm, with the one
# standard command line (nothing in it, or here, is particular to one
# /dev/kvm: stock KVM and pkvmkit's run the same):
#
#   qemu-system-aarch64 -M virt,gic-version=2,kernel-irqchip=off
#     -accel kvm -cpu host -smp N -m M -nographic -nic none -no-reboot
#     -kernel /boot/guest-vmlinuz -initrd /boot/guest.cpio
#     -append "console=ttyAMA0 quiet panic=-1 pkvmkit_guest.task=T ..."
#
# (kernel-irqchip=off: QEMU emulates a GICv2 in userspace; -nic none: or
# QEMU looks for a virtio-net option ROM it does not have.) The guest's
# /init (tests/vm/guest-init.sh) prints "PKVMKIT-GUEST: ..." lines.
#
# Options of pk_vm_run and pk_vm_start:
#   --smp N              vCPUs (1)
#   --mem SIZE           guest RAM (256M)
#   --task T             pkvmkit_guest.task= (marker)
#   --append TEXT        more guest command line (pkvmkit_guest.iters=...)
#   --extra-qemu ARGS    more QEMU arguments, split into words
#   --log FILE           console log (/tmp/pk-vm.log): what the guest
#                        printed and QEMU's own messages, between the lines
#                        "PKVMKIT-VM: launch" and "PKVMKIT-VM: exit N"
#   --timeout SECONDS    kill QEMU (SIGKILL) after that long (300; 0: never)
#   --stamp              begin each log line with the outer guest's uptime
#                        in seconds when it was read ("12.34 PKVMKIT-..."),
#                        for timings (pk_vm_stamp)
#   --kernel FILE, --initrd FILE, --qemu PROGRAM   instead of the defaults
#
# pk_vm_run OPTIONS     run the VM to its end; QEMU's exit status (0 after
#                       the guest's poweroff, also after a guest panic:
#                       panic=-1 and -no-reboot make it exit; 124 when the
#                       timeout killed it)
# pk_vm_start OPTIONS   the same in the background (PK_VM_PID, PK_VM_LOG);
#                       its console input is the FIFO PK_VM_LOG.in
# pk_vm_send TEXT       a line to the started VM's console
# pk_vm_wait            wait for the started VM; its status as pk_vm_run's
# pk_vm_wait_line ERE [SECONDS] [LOG]
#                       wait (default 300 s) until a line of LOG (the
#                       started VM's) matches ERE; print it. 1 if the time
#                       ran out or the VM ended without it
# pk_vm_line NAME [LOG] the rest of the first "PKVMKIT-GUEST: NAME ..." line
# pk_vm_lines NAME [LOG] the same, every such line
# pk_vm_field LINE KEY  the value of KEY=value in LINE
# pk_vm_stamp ERE [LOG] the stamp of the first line matching ERE (--stamp)
# pk_vm_ok [LOG]        the guest ended with "done ... status=ok" and QEMU
#                       exited with 0
#
# Shell state: variables and functions start with pk_vm_ / _pv_ / PK_VM_.

PK_VM_QEMU=qemu-system-aarch64
PK_VM_KERNEL=/boot/guest-vmlinuz
PK_VM_INITRD=/boot/guest.cpio
PK_VM_LOG=/tmp/pk-vm.log
PK_VM_PID=

# _pv_parse OPTIONS: set the _pv_* settings; 2 on a bad option.
_pv_parse() {
	_pv_smp=1 _pv_mem=256M _pv_task=marker _pv_append='' _pv_extra=''
	_pv_log=/tmp/pk-vm.log _pv_timeout=300 _pv_stamp=0
	_pv_kernel=$PK_VM_KERNEL _pv_initrd=$PK_VM_INITRD _pv_qemu=$PK_VM_QEMU
	while [ $# -gt 0 ]; do
		case $1 in
		--smp) _pv_smp=$2 ;;
		--mem) _pv_mem=$2 ;;
		--task) _pv_task=$2 ;;
		--append) _pv_append=$2 ;;
		--extra-qemu) _pv_extra=$2 ;;
		--log) _pv_log=$2 ;;
		--timeout) _pv_timeout=$2 ;;
		--kernel) _pv_kernel=$2 ;;
		--initrd) _pv_initrd=$2 ;;
		--qemu) _pv_qemu=$2 ;;
		--stamp) _pv_stamp=1; shift; continue ;;
		*)
			echo "pk_vm: unknown option '$1'" >&2
			return 2
			;;
		esac
		[ $# -ge 2 ] || {
			echo "pk_vm: $1 needs a value" >&2
			return 2
		}
		shift 2
	done
	for _pv_f in "$_pv_kernel" "$_pv_initrd"; do
		[ -f "$_pv_f" ] || {
			echo "pk_vm: $_pv_f not found (an initramfs without the VMM? '#@ vmm')" >&2
			return 2
		}
	done
	command -v "$_pv_qemu" >/dev/null || {
		echo "pk_vm: $_pv_qemu not found (an initramfs without the VMM? '#@ vmm')" >&2
		return 2
	}
}

# _pv_exec: run QEMU as parsed, stdin already set; the log gets the
# launch line, QEMU's output and the exit line, stamped or not; the exit
# status also goes to LOG.rc (a pipeline's status is its last command's).
_pv_exec() {
	rm -f "$_pv_log.rc"
	if [ "$_pv_timeout" -gt 0 ]; then
		set -- timeout -s KILL "$_pv_timeout"
	else
		set --
	fi
	set -- "$@" "$_pv_qemu" -M virt,gic-version=2,kernel-irqchip=off \
		-accel kvm -cpu host -smp "$_pv_smp" -m "$_pv_mem" \
		-nographic -nic none -no-reboot \
		-kernel "$_pv_kernel" -initrd "$_pv_initrd" \
		-append "console=ttyAMA0 quiet panic=-1 pkvmkit_guest.task=$_pv_task${_pv_append:+ $_pv_append}" \
		$_pv_extra
	{
		echo "PKVMKIT-VM: launch smp=$_pv_smp mem=$_pv_mem task=$_pv_task"
		"$@" 2>&1
		_pv_rc=$?
		# SIGKILL from timeout(1): say so the way qemu-run.sh does.
		[ "$_pv_rc" -ne 137 ] || [ "$_pv_timeout" -eq 0 ] || _pv_rc=124
		echo "PKVMKIT-VM: exit $_pv_rc"
		echo "$_pv_rc" >"$_pv_log.rc"
	} | if [ "$_pv_stamp" -eq 1 ]; then
		# /proc/uptime: 10 ms steps (with -icount shift=0, 10 M
		# instructions). One read per line, no process started.
		awk '{ getline up < "/proc/uptime"; close("/proc/uptime")
			split(up, u, " "); print u[1], $0; fflush() }'
	else
		cat
	fi >"$_pv_log"
	_pv_rc=$(cat "$_pv_log.rc" 2>/dev/null)
	return "${_pv_rc:-1}"
}

pk_vm_run() {
	_pv_parse "$@" || return
	_pv_exec </dev/null
}

pk_vm_start() {
	_pv_parse "$@" || return
	PK_VM_LOG=$_pv_log
	rm -f "$PK_VM_LOG.in" "$PK_VM_LOG.rc"
	: >"$PK_VM_LOG"
	mkfifo "$PK_VM_LOG.in" || return
	# Opened read-write: neither this open nor pk_vm_send's waits for
	# the other end, and QEMU never sees the end of its input.
	_pv_exec <>"$PK_VM_LOG.in" &
	PK_VM_PID=$!
}

pk_vm_send() {
	[ -p "$PK_VM_LOG.in" ] || {
		echo "pk_vm_send: no VM started (pk_vm_start)" >&2
		return 2
	}
	printf '%s\n' "$*" >"$PK_VM_LOG.in"
}

pk_vm_wait() {
	[ -n "$PK_VM_PID" ] || {
		echo "pk_vm_wait: no VM started (pk_vm_start)" >&2
		return 2
	}
	wait "$PK_VM_PID"
	PK_VM_PID=
	_pv_rc=$(cat "$PK_VM_LOG.rc" 2>/dev/null)
	rm -f "$PK_VM_LOG.in"
	return "${_pv_rc:-1}"
}

pk_vm_wait_line() {
	_pv_ere=$1 _pv_secs=${2:-300} _pv_l=${3:-$PK_VM_LOG}
	_pv_i=0
	while [ "$_pv_i" -lt $((_pv_secs * 5)) ]; do
		if tr -d '\r' <"$_pv_l" | grep -m1 -E -- "$_pv_ere"; then
			return 0
		fi
		# The VM is over (its exit line is written last): no more lines.
		grep -q '^\([0-9.]* \)\{0,1\}PKVMKIT-VM: exit' "$_pv_l" && break
		usleep 200000
		_pv_i=$((_pv_i + 1))
	done
	return 1
}

pk_vm_lines() {
	tr -d '\r' <"${2:-$PK_VM_LOG}" |
		sed -n "s/.*PKVMKIT-GUEST: $1\( \(.*\)\)\{0,1\}\$/\2/p"
}

pk_vm_line() {
	pk_vm_lines "$@" | head -n1
}

pk_vm_field() {
	printf '%s\n' "$1" | tr ' ' '\n' | sed -n "s/^$2=//p" | head -n1
}

pk_vm_stamp() {
	tr -d '\r' <"${2:-$PK_VM_LOG}" | grep -m1 -E -- "$1" | cut -d' ' -f1
}

pk_vm_ok() {
	_pv_l=${1:-$PK_VM_LOG}
	# the guest kernel's last words may land on the same console line
	tr -d '\r' <"$_pv_l" | grep -Eq 'PKVMKIT-GUEST: done .*status=ok([^a-z]|$)' &&
		tr -d '\r' <"$_pv_l" | grep -q 'PKVMKIT-VM: exit 0$'
}

# pk_vm_log_diag [LOG]: the log's last lines as TAP diagnostics.
pk_vm_log_diag() {
	tr -d '\r' <"${1:-$PK_VM_LOG}" | tail -n 20 | sed 's/^/# vm: /'
}

# pk_vm_qemu_pid: the pid of the running QEMU (one VM at a time).
pk_vm_qemu_pid() {
	pidof qemu-system-aarch64 | cut -d' ' -f1
}

# pk_vm_ram_hva [PID]: where QEMU keeps the guest's RAM: its anonymous,
# writable mapping of at least 128 MiB (QEMU's -m). 1 if there is none.
pk_vm_ram_hva() {
	_pv_pid=${1:-$(pk_vm_qemu_pid)}
	while read -r _pv_range _pv_perms _pv_off _pv_dev _pv_ino _pv_path; do
		if [ -n "$_pv_path" ] || [ "${_pv_perms#rw}" = "$_pv_perms" ]; then
			continue
		fi
		_pv_lo=${_pv_range%-*} _pv_hi=${_pv_range#*-}
		if [ $((0x$_pv_hi - 0x$_pv_lo)) -ge $((128 << 20)) ]; then
			printf '0x%s\n' "$_pv_lo"
			return 0
		fi
	done <"/proc/$_pv_pid/maps"
	return 1
}

# pk_vm_peek GPA FILE: the host reads the guest page at GPA (virt's RAM
# starts at 0x40000000) through QEMU's memory, /proc/PID/mem, into FILE.
# What a protected guest's page gives there: docs/protected-vms.md.
pk_vm_peek() {
	_pv_pid=$(pk_vm_qemu_pid)
	_pv_hva=$(pk_vm_ram_hva "$_pv_pid") || return 1
	dd if="/proc/$_pv_pid/mem" of="$2" bs=4096 count=1 \
		skip=$(((_pv_hva + $1 - 0x40000000) / 4096)) 2>/dev/null
}
