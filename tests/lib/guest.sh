# tests/lib/guest.sh - helpers for guest-side scenario scripts.
#
# Sourced (busybox sh) by tests/scenarios/NAME.sh inside the initramfs, where
# it lives at /lib/pkvmkit/guest.sh. A scenario looks like:
#
#   #@ boot cortex-a72 2 1G
#   . /lib/pkvmkit/guest.sh
#   guest_setup
#   t_check "module loads" insmod /root/pkvmkit.ko
#   t_eq "runs at EL1" 1 "$(cat /sys/kernel/debug/pkvmkit/current_el)"
#   guest_finish
#
# Output is KTAP/TAP on the console, framed by markers that the host runner
# (tests/run-scenarios.sh) looks for:
#   PKVMKIT-SCENARIO-BEGIN
#   ok 1 - ... / not ok 2 - ... / # diagnostics
#   1..N                      (plan printed last: N is not known up front)
#   PKVMKIT-SCENARIO-END
#   PKVMKIT-DMESG-BEGIN ... PKVMKIT-DMESG-END   (kernel log, for the host log)
#
# Test counters live in files, not shell variables, so t_* helpers also
# count correctly when called from a subshell (e.g. `... | while read`).
# Do not print lines starting with "ok"/"not ok" yourself: use the helpers.

PATH=/bin:/sbin:/usr/bin:/usr/sbin
export PATH

PKVMKIT_TAP_DIR=/run/pkvmkit-tap

# _tap_bump COUNTER: increment a counter file, print the new value.
_tap_bump() {
	_tb_n=$(cat "$PKVMKIT_TAP_DIR/$1" 2>/dev/null || echo 0)
	_tb_n=$((_tb_n + 1))
	echo "$_tb_n" >"$PKVMKIT_TAP_DIR/$1"
	echo "$_tb_n"
}

# _tap_diag_lines TEXT: print every line of TEXT as "# line".
_tap_diag_lines() {
	printf '%s\n' "$1" | while IFS= read -r _tdl; do
		printf '# %s\n' "$_tdl"
	done
}

# guest_setup: mount the pseudo filesystems, quieten the console, start TAP.
guest_setup() {
	/bin/busybox mount -t proc proc /proc 2>/dev/null
	# Links for every applet busybox has (existing ones are kept).
	/bin/busybox --install -s 2>/dev/null
	mount -t sysfs sysfs /sys 2>/dev/null
	mount -t devtmpfs devtmpfs /dev 2>/dev/null
	mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
	mkdir -p /run /tmp
	mount -t tmpfs -o mode=755 tmpfs /run 2>/dev/null
	mkdir -p "$PKVMKIT_TAP_DIR"
	echo 0 >"$PKVMKIT_TAP_DIR/n"
	echo 0 >"$PKVMKIT_TAP_DIR/fail"
	# Only emergency messages on the console, so kernel output does not
	# interleave with TAP lines; the full log is dumped by guest_finish.
	dmesg -n 1
	echo "PKVMKIT-SCENARIO-BEGIN"
	t_diag "kernel $(uname -r), $(grep -c '^processor' /proc/cpuinfo) CPUs"
	t_diag "cmdline: $(cat /proc/cmdline)"
}

# t_diag TEXT: diagnostic line(s).
t_diag() {
	_tap_diag_lines "$*"
}

# t_ok DESC
t_ok() {
	printf 'ok %s - %s\n' "$(_tap_bump n)" "$1"
}

# t_fail DESC [REASON]: REASON may span lines; each becomes a "# " line.
t_fail() {
	printf 'not ok %s - %s\n' "$(_tap_bump n)" "$1"
	_tap_bump fail >/dev/null
	[ -z "${2:-}" ] || _tap_diag_lines "$2"
}

# t_skip DESC REASON
t_skip() {
	printf 'ok %s - %s # SKIP %s\n' "$(_tap_bump n)" "$1" "${2:-}"
}

# t_check DESC CMD [ARGS...]: ok iff CMD exits 0. On failure the exit
# status and the last lines of CMD's output become the reason.
t_check() {
	_tc_desc=$1
	shift
	_tc_out=$("$@" 2>&1)
	_tc_rc=$?
	if [ "$_tc_rc" -eq 0 ]; then
		t_ok "$_tc_desc"
	else
		t_fail "$_tc_desc" "command failed (exit $_tc_rc): $*
$(printf '%s\n' "$_tc_out" | tail -n 10)"
	fi
	return "$_tc_rc"
}

# t_eq DESC EXPECTED ACTUAL
t_eq() {
	if [ "$2" = "$3" ]; then
		t_ok "$1"
	else
		t_fail "$1" "expected: '$2'
got:      '$3'"
		return 1
	fi
}

# t_failed: true if any test point failed so far (for early bail-outs).
t_failed() {
	[ "$(cat "$PKVMKIT_TAP_DIR/fail" 2>/dev/null || echo 0)" -gt 0 ]
}

# guest_finish: print the plan, the end marker and the kernel log; power off.
guest_finish() {
	echo "1..$(cat "$PKVMKIT_TAP_DIR/n" 2>/dev/null || echo 0)"
	echo "PKVMKIT-SCENARIO-END"
	echo "PKVMKIT-DMESG-BEGIN"
	dmesg
	echo "PKVMKIT-DMESG-END"
	sync
	poweroff -f
	# Not reached normally; make sure the VM stops anyway.
	sleep 2
	echo o >/proc/sysrq-trigger
}
