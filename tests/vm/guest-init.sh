#!/bin/sh
# tests/vm/guest-init.sh - /init of the inner guest (/boot/guest.cpio in
# the outer initramfs, made by scripts/mkvm-guest.sh; docs/vmm.md), busybox
# sh. It reads its task from the kernel command line and reports on the
# console (PL011, console=ttyAMA0) in lines the outer guest parses
# (tests/vm/vm.sh):
#
#   PKVMKIT-GUEST: marker task=T cpus=N kernel=R   first, for every task
#   PKVMKIT-GUEST: <name> key=value ...            the task's results
#   PKVMKIT-GUEST: error <text>                    what went wrong
#   PKVMKIT-GUEST: done task=T status=ok|fail      last, then poweroff -f
#
# Command line (pkvmkit_guest.KEY=VALUE; the kernel leaves dotted words to
# userspace):
#   task=marker     the marker, then power off (the default)
#   task=smp        "smp online=LIST count=N"
#   task=bench      pkvmkit_guest.ko's timed loops: empty, mmio (PL031
#                   data register), hvc (PSCI_VERSION), iters=N each
#                   (default 2000): "bench op=... cycles_per_iter=... ..."
#   task=secret     pages=N (default 8) pages of a fresh random token:
#                   "secret token=PKVMKIT-SECRET-<16 hex> ..." and one
#                   "secret gpa=0x..." per page; then it waits secs=N
#                   seconds (default 60) or until the console reads a line
#                   "stop", and checks the pages: "secret_check pages=N
#                   changed=K" (status=fail if K > 0)
#   task=memstress  every vCPU takes free memory, writes and verifies a
#                   pattern: "memstress cpus=N pages=P bad=B touched_mib=..."
#   task=hostile    pkvmkit_guest.ko's hostile command: rounds=N (default
#                   300) on every vCPU at once of random HVCs and SMCs,
#                   accesses outside its RAM, pKVM's page and MMIO-guard
#                   calls, trapped system registers, seed=S (default: a
#                   new one), in 6 batches, each followed by "hostile ..."
#                   lines that count the run so far; then each access that must be an
#                   undefined instruction (hostile_undef pmu, ptimer, gic,
#                   pauth) in a child process the kernel's oops kills:
#                   "hostile_undef kind=K" before, "... rc=139" after
#                   (status=fail if one returns)
#   dmesg=1         (any task) the guest's kernel log before "done", each
#                   line as "PKVMKIT-GUEST: dmesg <line>" (slow: every
#                   character is an exit to the VMM)
PATH=/bin:/sbin:/usr/bin:/usr/sbin
export PATH

/bin/busybox mount -t proc proc /proc
/bin/busybox --install -s
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null

MOD=/lib/pkvmkit_guest.ko
CMD=/sys/kernel/debug/pkvmkit_guest/cmd
status=ok

say() { echo "PKVMKIT-GUEST: $*"; }
fail() {
	say "error $*"
	status=fail
}

# arg KEY DEFAULT: the value of pkvmkit_guest.KEY= on the command line.
arg() {
	_v=$(tr ' ' '\n' </proc/cmdline | sed -n "s/^pkvmkit_guest\.$1=//p" | tail -n1)
	echo "${_v:-$2}"
}

# load: the module and its debugfs file.
load() {
	mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
	[ -e "$CMD" ] && return 0
	_out=$(insmod "$MOD" 2>&1) || {
		fail "insmod $MOD: $_out"
		return 1
	}
}

# run CMD...: one module command; its report lines on the console.
run() {
	echo "$*" >"$CMD" 2>/dev/null
	# shellcheck disable=SC2320 # echo's status: the write's, the command's
	_rc=$?
	sed 's/^/PKVMKIT-GUEST: /' "$CMD"
	[ "$_rc" -eq 0 ] || fail "'$*' failed"
	return "$_rc"
}

task=$(arg task marker)
say "marker task=$task cpus=$(nproc) kernel=$(uname -r)"

case $task in
marker) ;;
smp)
	say "smp online=$(cat /sys/devices/system/cpu/online) count=$(grep -c '^processor' /proc/cpuinfo)"
	;;
bench)
	iters=$(arg iters 2000)
	if load; then
		run empty "$iters"
		run mmio "$iters"
		run hvc "$iters"
	fi
	;;
secret)
	pages=$(arg pages 8)
	secs=$(arg secs 60)
	if load && run secret "$pages"; then
		say "secret waiting secs=$secs"
		# Until "stop" on the console or the time is up.
		end=$(($(cut -d. -f1 /proc/uptime) + secs))
		while :; do
			left=$((end - $(cut -d. -f1 /proc/uptime)))
			[ "$left" -gt 0 ] || break
			# shellcheck disable=SC3045 # busybox sh has read -t
			if read -r -t "$left" line; then
				[ "$line" = stop ] && break
			elif [ $? -le 128 ]; then
				sleep 1	# end of input, not the timeout: do not spin
			fi
		done
		run secret_check
		grep -q ' changed=0$' "$CMD" || fail "the secret pages changed"
	fi
	;;
memstress)
	load && run memstress
	;;
hostile)
	# In batches, each in a child process: an oops there kills the
	# child, not /init (whose death is a panic), and the last report
	# printed counts the whole run up to it.
	rounds=$(arg rounds 300)
	batch=$(((rounds + 5) / 6))
	seed=$(arg seed 0)
	done_rounds=0
	if load; then
		while [ "$done_rounds" -lt "$rounds" ]; do
			[ $((rounds - done_rounds)) -ge "$batch" ] ||
				batch=$((rounds - done_rounds))
			(run hostile "$batch" "$seed") || break
			seed=''
			done_rounds=$((done_rounds + batch))
		done
		[ "$done_rounds" -eq "$rounds" ] ||
			fail "hostile stopped after $done_rounds of $rounds rounds"
		# Last, what must be an undefined instruction at EL1: an oops,
		# each in a child the kernel kills (SIGSEGV, 139), not /init.
		for kind in pmu ptimer gic pauth; do
			say "hostile_undef kind=$kind"
			(echo "hostile_undef $kind" >"$CMD") 2>/dev/null
			rc=$?
			say "hostile_undef kind=$kind rc=$rc"
			[ "$rc" -gt 128 ] || fail "hostile_undef $kind was not undefined"
		done
	fi
	;;
*)
	fail "unknown task '$task' (marker, smp, bench, secret, memstress, hostile)"
	;;
esac

[ "$(arg dmesg 0)" = 0 ] || dmesg | sed 's/^/PKVMKIT-GUEST: dmesg /'
say "done task=$task status=$status"
poweroff -f
# Not reached: a guest that cannot power off must time out, to be seen.
sleep 3600
