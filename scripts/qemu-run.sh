#!/usr/bin/env bash
# scripts/qemu-run.sh - boot the stock Debian arm64 kernel under QEMU.
#
# usage: scripts/qemu-run.sh [--cpu cortex-a72|max|...] [--smp N] [--mem SIZE]
#          [--initrd FILE] [--append "EXTRA CMDLINE"] [--timeout SECONDS]
#          [--icount] [--log FILE] [--kernel IMAGE] [--qemu 10]
#          [--machine-opts OPTS] [--dry-run] [-- EXTRA QEMU ARGS...]
#
# --qemu 10: Debian 13's QEMU 10.0 (scripts/qemu10, from .deps/host-qemu,
# scripts/get-host-qemu.sh) instead of the host's qemu-system-aarch64
# (Debian 12's 7.2, the default). --machine-opts: appended to the -M value
# (e.g. iommu=smmuv3: on QEMU 10.0 a nested stage-1 + stage-2 SMMUv3).
#
# The guest console (PL011, ttyAMA0) goes to stdout and, with --log, also to
# FILE. Works without a terminal: when stdin is not a tty it is replaced by
# /dev/null, and nothing else (monitor, display) touches stdio.
#
# Exit status: QEMU's own on a normal exit (0 after `poweroff -f`, and also
# 0 after a panic, since panic=-1 + -no-reboot end QEMU: callers must look at
# the output), 124 if the timeout expired (QEMU is then killed), 2 on usage
# errors.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

CPU=cortex-a72
SMP=2
MEM=1G
INITRD=
APPEND=
TIMEOUT=120
ICOUNT=0
LOG=
KERNEL=$ROOT/.deps/current/vmlinuz
DRY=0
QEMU_VER=
MACHINE_OPTS=
EXTRA=()

usage() {
	sed -n '3,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
	exit 2
}

while [ $# -gt 0 ]; do
	case $1 in
	--cpu) CPU=${2:?}; shift 2 ;;
	--smp) SMP=${2:?}; shift 2 ;;
	--mem) MEM=${2:?}; shift 2 ;;
	--initrd) INITRD=${2:?}; shift 2 ;;
	--append) APPEND=${2-}; shift 2 ;;
	--timeout) TIMEOUT=${2:?}; shift 2 ;;
	--icount) ICOUNT=1; shift ;;
	--log) LOG=${2:?}; shift 2 ;;
	--kernel) KERNEL=${2:?}; shift 2 ;;
	--qemu) QEMU_VER=${2:?}; shift 2 ;;
	--machine-opts) MACHINE_OPTS=${2-}; shift 2 ;;
	--dry-run) DRY=1; shift ;;
	--) shift; EXTRA=("$@"); break ;;
	-h | --help) usage ;;
	*) echo "qemu-run: unknown option '$1'" >&2; usage ;;
	esac
done

[[ $SMP =~ ^[1-9][0-9]*$ ]] || { echo "qemu-run: bad --smp '$SMP'" >&2; exit 2; }
[[ $TIMEOUT =~ ^[1-9][0-9]*$ ]] || { echo "qemu-run: bad --timeout '$TIMEOUT'" >&2; exit 2; }
[ -f "$KERNEL" ] || {
	echo "qemu-run: kernel image $KERNEL not found (run scripts/setup.sh)" >&2
	exit 2
}
[ -z "$INITRD" ] || [ -f "$INITRD" ] || {
	echo "qemu-run: initrd $INITRD not found" >&2
	exit 2
}
case $QEMU_VER in
"") QEMU_BIN=qemu-system-aarch64 ;;
10) QEMU_BIN=$ROOT/scripts/qemu10 ;;
*) echo "qemu-run: bad --qemu '$QEMU_VER' (the host's is the default; 10 is the other)" >&2; exit 2 ;;
esac

# kvm-arm.mode=none: KVM leaves EL2 alone, so the kernel runs at EL1 with
# Linux's hyp stub at EL2, which is what pkvmkit takes over.
CMDLINE="console=ttyAMA0 kvm-arm.mode=none panic=-1"
case $CPU in
max | max,*)
	# -cpu max has VHE; without this the kernel would run itself at EL2.
	CMDLINE+=" id_aa64mmfr1.vh=0"
	;;
esac
[ -z "$APPEND" ] || CMDLINE+=" $APPEND"

# The serial port is a stdio chardev (with an optional logfile), and the
# monitor is off: with -nographic alone QEMU would multiplex the monitor onto
# stdio and interpret Ctrl-A sequences in the console stream.
CON=stdio,id=con0,signal=on
if [ -n "$LOG" ]; then
	mkdir -p "$(dirname "$LOG")"
	: >"$LOG"
	CON+=",logfile=$LOG"
fi

# shellcheck disable=SC2054 # the commas are QEMU option syntax
MACHINE=virt,virtualization=on,gic-version=3
[ -z "$MACHINE_OPTS" ] || MACHINE+=",$MACHINE_OPTS"
QEMU=("$QEMU_BIN"
	-M "$MACHINE"
	-cpu "$CPU" -smp "$SMP" -m "$MEM"
	-nographic -monitor none -serial chardev:con0 -chardev "$CON"
	-nic none -no-reboot
	-kernel "$KERNEL" -append "$CMDLINE")
[ -z "$INITRD" ] || QEMU+=(-initrd "$INITRD")
[ "$ICOUNT" -eq 0 ] || QEMU+=(-icount shift=0)
QEMU+=("${EXTRA[@]}")

if [ "$DRY" -eq 1 ]; then
	printf '%q ' "${QEMU[@]}"
	echo
	exit 0
fi

# No terminal (CI, scripts): give QEMU /dev/null rather than a closed or
# foreign stdin. With a terminal, keep it so the console is interactive.
[ -t 0 ] || exec </dev/null

# --foreground: keep QEMU in our process group so that, on a terminal, it can
# read the tty instead of being stopped by SIGTTIN/SIGTTOU. QEMU has no
# children, so not signalling a process group loses nothing. -k: SIGKILL if
# SIGTERM did not end it within 5 s.
rc=0
timeout --foreground -k 5 "$TIMEOUT" "${QEMU[@]}" || rc=$?
if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
	msg="qemu-run: timeout after ${TIMEOUT}s, QEMU killed"
	echo "$msg" >&2
	[ -z "$LOG" ] || printf '\n%s\n' "$msg" >>"$LOG"
	exit 124
fi
exit "$rc"
