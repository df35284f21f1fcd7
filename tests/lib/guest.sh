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

# guest_setup [--without-pkvmkit]: mount the pseudo filesystems, quieten
# the console, start TAP. --without-pkvmkit: the scenario never uses the
# driver (stock KVM, tests/scenarios/stock-kvm-anchor.sh), so the
# hypercall ids need not be there.
# shellcheck disable=SC2120 # most scenarios give no argument
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
	[ -n "${HC_PING:-}" ] || [ "${1:-}" = --without-pkvmkit ] ||
		t_fail "hypercall ids loaded" "$PK_HC_IDS missing: run make guest"
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
	# "reboot": leave through PSCI SYSTEM_RESET (QEMU runs with -no-reboot,
	# so a reset ends it too); default: PSCI SYSTEM_OFF.
	if [ "${1:-}" = reboot ]; then
		reboot -f
	else
		poweroff -f
	fi
	# Not reached normally. Do not fall back to another way out: a VM that
	# does not stop must time out, so a broken power path is seen.
	sleep 3600
}

# ---- pkvmkit helpers -------------------------------------------------------

PK_SYS=/sys/kernel/pkvmkit
PK_DBG=/sys/kernel/debug/pkvmkit
# Hypercall ids and constants (HC_*, PING_MAGIC, HC_SETUP_IDS, ...):
# generated from include/pkvmkit/hypercall.h by `make guest` (tests/guest/
# hc-ids.c) and copied to /root with the rest of build/guest. Without it
# every hypercall test would run with empty ids: guest_setup fails a test
# point for that, so it cannot go unnoticed.
PK_HC_IDS=/root/hc-ids.sh
# shellcheck source=/dev/null
[ -r "$PK_HC_IDS" ] && . "$PK_HC_IDS"
# Results as debugfs prints them (x0..x3 in %#lx) come from there too:
# NOT_SUPPORTED, R_<errno> (R_EPERM, R_EINVAL, ...) and ST_<page state>.

# pk_load [MODULE PARAMS]: insmod the driver; ok/not ok test point.
pk_load() {
	t_check "driver loads${1:+ ($*)}" insmod /root/pkvmkit.ko "$@"
}

# pk_await_deprivileged: wait up to 5 s for the deprivilege work item,
# printing nothing.
pk_await_deprivileged() {
	_i=0
	while [ "$(cat $PK_SYS/deprivileged 2>/dev/null)" != 1 ] && [ $_i -lt 50 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
}

# pk_wait_deprivileged: the same, then a test point.
pk_wait_deprivileged() {
	pk_await_deprivileged
	t_eq "host deprivileged" 1 "$(cat $PK_SYS/deprivileged)"
}

# pk_hvc [cpu N] ID [A1 [A2 [A3]]]: issue a hypercall, print "x0 x1 x2 x3".
pk_hvc() {
	echo "$*" >$PK_DBG/hvc && cat $PK_DBG/hvc
}

# pk_smc [cpu N] ID [A1 [A2 [A3]]]: issue an SMC, print "x0 x1 x2 x3".
pk_smc() {
	echo "$*" >$PK_DBG/smc && cat $PK_DBG/smc
}

# pk_hc_id N: the function id of call number N, as in HC_ID(n).
pk_hc_id() {
	printf '%#x\n' $((HC_FUNC_BASE | $1))
}

# pk_hvc_x0x1 ...: like pk_hvc, but only "x0 x1".
pk_hvc_x0x1() {
	# shellcheck disable=SC2046
	set -- $(pk_hvc "$@")
	echo "$1 $2"
}

# pk_pages_in STATE: how many pages are in page state STATE (ST_* of
# hc-ids.sh), from the hypervisor's own count.
pk_pages_in() {
	set -- $(pk_hvc "$HC_STATE_COUNT" "$1")
	printf '%d\n' "$2"
}

# pk_pool_free: the hypervisor's free pool pages.
pk_pool_free() {
	set -- $(pk_hvc "$HC_MEM_STATS")
	printf '%d\n' "$2"
}

# pk_vm_pages: the page states VMs change, and the pool, on one line: the
# same before a VM is made and after it is gone.
pk_vm_pages() {
	echo "guest $(pk_pages_in "$ST_GUEST_OWNED") shared $(pk_pages_in "$ST_HOST_SHARED_GUEST") back $(pk_pages_in "$ST_GUEST_SHARED_HOST") hyp $(pk_pages_in "$ST_HYP_OWNED") host-shared $(pk_pages_in "$ST_HOST_SHARED") pool $(pk_pool_free)"
}

# pk_all_cpus: the cpulist of every CPU, e.g. "0-3" or "0".
pk_all_cpus() {
	_n=$(grep -c ^processor /proc/cpuinfo)
	if [ "$_n" -gt 1 ]; then echo "0-$((_n - 1))"; else echo 0; fi
}

# pk_prog PREFIX CMD [ARGS...]: run a test program that prints its checks
# as "ok - what" / "not ok - what: why" lines (tests/guest/kvm-test.c);
# each becomes a test point "PREFIX: what", other lines diagnostics. A
# program that dies (exit 100 and up, or a signal) fails one more point.
pk_prog() {
	_pp_prefix=$1
	shift
	"$@" >/tmp/pk_prog.out 2>&1
	_pp_rc=$?
	while IFS= read -r _pp_line; do
		case $_pp_line in
		"ok - "*) t_ok "$_pp_prefix: ${_pp_line#ok - }" ;;
		"not ok - "*) t_fail "$_pp_prefix: ${_pp_line#not ok - }" ;;
		*) t_diag "$_pp_line" ;;
		esac
	done </tmp/pk_prog.out
	[ "$_pp_rc" -lt 100 ] ||
		t_fail "$_pp_prefix: the program ran to its end" "exit status $_pp_rc"
	return "$_pp_rc"
}
