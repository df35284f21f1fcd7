#!/usr/bin/env bash
# tests/run/run.sh - scripts/pkvmkit run as a vendor engineer uses it, on
# the host: the page's sample with a guest script that checks its call,
# the script's exit status passed through, a directory that is not a
# module, a module that does not compile, and a module whose EL2 init
# fails, --gdb with gdb in batch mode, and the developer guide as written.
# KTAP output, ends with "N passed, N failed". Needs `make sdk`.
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
RUN=$ROOT/scripts/pkvmkit
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
# shellcheck source=tests/lib/host-tap.sh
. "$ROOT/tests/lib/host-tap.sh"

# expect DESC WANT_RC GOT_RC OUTPUT [ERE]: the status, and ERE in OUTPUT
expect() {
	if [ "$3" != "$2" ]; then
		not_ok "$1 (exit $3, want $2)" "$4"
	elif [ -n "${5:-}" ] && ! grep -Eq -- "$5" <<<"$4"; then
		not_ok "$1 (no /$5/ in the output)" "$4"
	else
		ok "$1"
	fi
}
# has DESC ERE TEXT: a test point, ERE found in TEXT
has() {
	if grep -Eq -- "$2" <<<"$3"; then ok "$1"; else not_ok "$1" "$3"; fi
}
# run_cmd ARGS...: scripts/pkvmkit with stdin not a terminal; sets OUT, RC
run_cmd() {
	RC=0
	OUT=$("$RUN" "$@" </dev/null 2>&1) || RC=$?
}

echo "TAP version 13"

# the page's sample: its EL2 handler answers the call and clears x1
cat >"$WORK/sample.sh" <<'SCRIPT'
. /lib/pkvmkit/guest.sh
ID=$(dmesg | sed -n 's/.*pkvm_module: EL2 call \([0-9]*\) returned 0.*/\1/p')
[ -n "$ID" ] || exit 10
set -- $(pk_hvc "$(printf '%#x' $((0xc6000000 | ID)))" 0x1234)
echo "sample call $ID: x0 $1 x1 $2"
[ "$1" = 0x0 ] && [ "$2" = 0x0 ] || exit 11
exit 0
SCRIPT
t0=$(date +%s.%N)
run_cmd run --script "$WORK/sample.sh" "$ROOT/modules/pkvm_module"
secs=$(awk -v a="$(date +%s.%N)" -v b="$t0" 'BEGIN { printf "%.1f", a - b }')
expect "run the page's sample: its EL2 call answers the script" 0 "$RC" "$OUT" \
	"sample call [0-9]+: x0 0x0 x1 0x0"
echo "# pkvmkit run, build to poweroff: $secs s"

# --vm: a protected VM beside a module with guest-facing hooks, in one
# command: a guest's SMC reaches the module's handler; Debian's QEMU boots
cat >"$WORK/vm.sh" <<'SCRIPT'
set -- $(/root/kvm-test call protected smc 0xc2000f00 2 3)
echo "guest call: x0 $1 x1 $2"
. /lib/pkvmkit/vm.sh
pk_vm_run --task marker --log /tmp/vm.log && pk_vm_ok /tmp/vm.log || exit 12
echo "vm: $(pk_vm_line marker /tmp/vm.log)"
SCRIPT
run_cmd run --vm --timeout 400 --script "$WORK/vm.sh" "$ROOT/modules/guest_services"
expect "run --vm: a protected guest's SMC reaches the module's guest handler" 0 \
	"$RC" "$OUT" "guest call: x0 0x0 x1 0x5"
has "  and Debian's QEMU boots a protected VM beside it" "^vm: task=marker" "$OUT"

echo 'exit 7' >"$WORK/seven.sh"
run_cmd run --script "$WORK/seven.sh" "$ROOT/modules/pkvm_module"
expect "the script's exit status is the command's" 7 "$RC" "$OUT"

mkdir -p "$WORK/empty"
run_cmd run "$WORK/empty"
expect "a directory that is not a module is refused" 2 "$RC" "$OUT" \
	"not a kernel module directory"

# a copy of the sample with a syntax error in its EL2 code
mkdir -p "$WORK/broken"
for f in $(git -C "$ROOT" ls-files -- modules/pkvm_module); do
	mkdir -p "$WORK/broken/$(dirname "${f#modules/pkvm_module/}")"
	cp "$ROOT/$f" "$WORK/broken/${f#modules/pkvm_module/}"
done
sed -i 's/cpu_reg(ctx, 1) = 0;/cpu_reg(ctx, 1) = 0/' "$WORK/broken/hyp/el2.c"
run_cmd run --script "$WORK/seven.sh" "$WORK/broken"
expect "a module that does not compile: the compiler's error, exit 1" 1 "$RC" \
	"$OUT" "el2\.c:[0-9]+:[0-9]+: error: "
has "  and which directory failed" "building .*broken failed" "$OUT"

# pkvm_fail_init's EL2 init fails: the reason is shown, the script sees it
echo '! grep -q "^pkvm_fail_init " /proc/modules' >"$WORK/failed.sh"
echo 'grep -q "^pkvm_fail_init " /proc/modules' >"$WORK/loaded.sh"
run_cmd run --script "$WORK/loaded.sh" "$ROOT/modules/pkvm_fail_init"
expect "a module whose EL2 init fails: the reason shown, the script's check fails" \
	1 "$RC" "$OUT" "pkvm_fail_init FAILED to load.*|failed to init EL2 module: -5"
has "  the driver's reason is on the console" "failed to init EL2 module: -5" "$OUT"

# with a terminal and no script: a shell on the console (script(1) gives
# the command a pseudo-terminal; the input waits for the prompt)
wait_for() {	# FILE ERE SECONDS
	local i=0
	while ! tr -d '\r' <"$1" | grep -Eq -- "$2"; do
		[ $i -lt $(($3 * 10)) ] || return 1
		sleep 0.1
		i=$((i + 1))
	done
}
if command -v script >/dev/null; then
	mkfifo "$WORK/tty.in"
	: >"$WORK/tty.out"
	t0=$(date +%s.%N)
	script -qec "$RUN run $ROOT/modules/pkvm_module" /dev/null \
		<"$WORK/tty.in" >"$WORK/tty.out" 2>&1 &
	pid=$!
	exec 3>"$WORK/tty.in"
	if wait_for "$WORK/tty.out" "PKVMKIT-RUN: shell" 60; then
		secs=$(awk -v a="$(date +%s.%N)" -v b="$t0" 'BEGIN { printf "%.1f", a - b }')
		# shellcheck disable=SC2016 # expanded by the guest's shell
		echo 'echo SHELL-OK-$((6 * 7)); cat /sys/kernel/pkvmkit/deprivileged' >&3
		wait_for "$WORK/tty.out" "^SHELL-OK-42" 30
		echo 'poweroff -f' >&3
	fi
	exec 3>&-
	wait $pid
	out=$(tr -d '\r' <"$WORK/tty.out")
	# the command's answer, then the guest's /sys/kernel/pkvmkit/deprivileged
	has "on a terminal: a shell in the deprivileged guest" "^SHELL-OK-42 1 " \
		"$(grep -A1 '^SHELL-OK-42' <<<"$out" | tr '\n' ' ')"
	echo "# pkvmkit run, command to shell prompt (warm build): ${secs:-none} s"
else
	not_ok "on a terminal: script(1) (bsdutils) is missing"
fi

# --gdb: gdb-multiarch in batch mode, breaking in the sample's EL2 handler
# (its source line), at EL2, with the host's x1 in the saved context
# (struct kvm_cpu_context starts with x0..x30); a step; detach; the guest
# finishes its script.
if command -v gdb-multiarch >/dev/null; then
	port=$((20000 + $$ % 20000))
	cat >"$WORK/call.sh" <<'SCRIPT'
. /lib/pkvmkit/guest.sh
ID=$(dmesg | sed -n 's/.*pkvm_module: EL2 call \([0-9]*\) returned 0.*/\1/p')
set -- $(pk_hvc "$(printf '%#x' $((0xc6000000 | ID)))" 0x1234)
[ "$1 $2" = "0x0 0x0" ]
SCRIPT
	: >"$WORK/gdb-run.out"	# wait_for reads it before the command writes
	"$RUN" run --gdb-port "$port" --timeout 120 --script "$WORK/call.sh" \
		"$ROOT/modules/pkvm_module" </dev/null >"$WORK/gdb-run.out" 2>&1 &
	pid=$!
	wait_for "$WORK/gdb-run.out" "QEMU waits for gdb" 60
	sleep 1	# QEMU's gdb server comes up with QEMU
	# shellcheck disable=SC2016 # $x0, $cpsr, $pc are gdb's
	gdb_out=$(timeout 120 gdb-multiarch -batch -x "$ROOT/build/run/gdb.init" \
		-ex 'hbreak pkvm_driver_hyp_hvc if *(unsigned long *)($x0 + 8) == 0x1234' \
		-ex continue -ex 'printf "EL %d\n", ($cpsr >> 2) & 3' \
		-ex 'printf "host x1 %#lx\n", *(unsigned long *)($x0 + 8)' \
		-ex 'printf "pc %#lx\n", $pc' -ex stepi -ex 'printf "pc %#lx\n", $pc' \
		-ex bt -ex detach 2>&1)
	RC=0
	wait $pid || RC=$?
	has "gdb: the breakpoint in the sample's EL2 handler hit, in its source" \
		"hit Breakpoint 1, pkvm_driver_hyp_hvc .* at .*pkvm_module/hyp/el2\.c:[0-9]+" "$gdb_out"
	has "  at EL2" "^EL 2$" "$gdb_out"
	has "  with the host's x1 in the context" "^host x1 0x1234$" "$gdb_out"
	pcs=$(sed -n 's/^pc \(0x[0-9a-f]*\)$/\1/p' <<<"$gdb_out" | tr '\n' ' ')
	# shellcheck disable=SC2086 # two words, on purpose
	set -- $pcs
	if [ $# = 2 ] && [ $(($2)) -gt $(($1)) ]; then
		ok "  a step moves the PC ($pcs)"
	else
		not_ok "  a step moves the PC" "$gdb_out"
	fi
	has "  the backtrace ends at the trap from the host" \
		"^#1 .* __host_trap_entry \(\)" "$(grep '^#' <<<"$gdb_out" | tail -1)"
	expect "  detached, the guest finishes its script" 0 "$RC" \
		"$(cat "$WORK/gdb-run.out")" "PKVMKIT-RUN-STATUS 0"
else
	not_ok "gdb: gdb-multiarch is missing (scripts/setup.sh installs it)"
fi

# docs/developing-a-module.md, done as written (tests/run/guide.sh)
RC=0
OUT=$("$ROOT/tests/run/guide.sh" "$WORK/guide" </dev/null 2>&1) || RC=$?
OUT=$(tr -d '\r' <<<"$OUT")	# the guest console's line ends
expect "docs/developing-a-module.md: every file and command of the guide" 0 \
	"$RC" "$OUT" "^counter: 0x2a$"
has "  its gdb session stops in the guide's EL2 function, in its source" \
	"hit Breakpoint 1, counter_add .* at .*my_counter/hyp/el2\.c:[0-9]+" "$OUT"

tap_end
