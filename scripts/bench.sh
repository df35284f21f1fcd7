#!/usr/bin/env bash
# scripts/bench.sh - the hypervisor's figures (make bench). Not a test: it
# prints what it measures next to the targets. make bench builds the
# hypervisor without the lock order's run-time check (HYP_LOCK_CHECKS=0),
# as a product would ship it; the tests run with it.
#
# For 1 GiB and 4 GiB of guest RAM (cortex-a72, 2 CPUs, -icount shift=0):
#   - memory the driver gave the hypervisor (/sys/kernel/pkvmkit/memory_bytes)
#   - guest instructions from driver load to deprivileged: the virtual time
#     the driver measures between its init and the end of deprivilege; with
#     -icount shift=0 each instruction is one virtual nanosecond (all CPUs
#     together, idle time included if any CPU idled: an upper bound).
# Then, in a boot of its own (1 GiB), the round trip of a vendor-module
# call whose handler writes x1, net of the same loop without the hvc,
# beside the floor of the same path, and host SMCs (modules/pkvm_bench);
# the same call for an android15-6.6 handler, with and without a disabled
# hyp trace point, and hyp_alloc(64) + hyp_free at EL2
# (modules/pkvm_bench_66);
# and in a boot with modules/smc_filter and modules/page_guard loaded
# first, the same SMCs through the filter (denied, passed) and a host
# write to a page_guard page, skipped by the module.
#
# Then DMA isolation (QEMU 10): a donate + reclaim pair without and with
# the hypervisor's SMMUv3, and the memory its tables take.
#
# Last, VMs on /dev/kvm (vm_bench below, docs/vmm.md): per mode (stock KVM
# nvhe and protected; pkvmkit's column stays empty until its mode is in
# VM_MODES) one boot of the outer guest with the VMM, measuring in
# outer-guest instructions the inner guest's boot (QEMU launched to its
# marker line), an MMIO read the VMM emulates in userspace and an HVC
# (PSCI_VERSION) the kernel answers, per round trip.
# scripts/bench.sh --vm-only: that section alone (make bench runs all).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$ROOT/build/logs"

VM_ONLY=0
case ${1:-} in
"") ;;
--vm-only) VM_ONLY=1 ;;
*) echo "usage: $0 [--vm-only]" >&2; exit 2 ;;
esac

# ---- VMs on /dev/kvm ----------------------------------------------------------
# The modes: "NAME|KERNEL COMMAND LINE|SETUP", SETUP being busybox sh the
# outer guest runs (with tests/lib/guest.sh and tests/vm/vm.sh sourced)
# before its VMs; it fails the mode if it fails. The table has a column
# per VM_COLUMNS entry, empty for a column no mode fills: pkvmkit's /dev/kvm
# is one more line here, e.g.
#   "pkvmkit|kvm-arm.mode=none|pk_load >/dev/null && pk_await_deprivileged"
VM_COLUMNS=(nvhe protected pkvmkit)
VM_MODES=(
	"nvhe|kvm-arm.mode=nvhe|vm_kvm_says 'Hyp (nVHE )?mode initialized successfully'"
	"protected|kvm-arm.mode=protected|vm_kvm_says 'Protected nVHE mode initialized successfully'"
	"pkvmkit|kvm-arm.mode=none|insmod /root/pkvmkit.ko vm_protected=1 allow_unprotected_dma=1 && pk_await_deprivileged && test -c /dev/kvm"
)
# Iterations of each timed loop in the inner guest; inner boots measured
# with 1 vCPU (the median is reported) and with 2.
VM_ITERS=20000
VM_BOOTS=3

vm_bench() {
	local m name cmdline setup vmlog figures=() k v
	local -A fig=()
	for v in "$ROOT/build/vmm/vmm.cpio" "$ROOT/build/vmm/vm-guest.cpio"; do
		[ -f "$v" ] || { echo "bench: no $v: make vmm" >&2; exit 1; }
	done
	cat >"$WORK/init-vm" <<'INIT'
#!/bin/sh
PATH=/bin:/sbin:/usr/bin:/usr/sbin
. /lib/pkvmkit/guest.sh
. /lib/pkvmkit/vm.sh
guest_setup --without-pkvmkit >/dev/null
b() { echo "BENCH vm $*"; }
arg() { tr ' ' '\n' </proc/cmdline | sed -n "s/^pkvmkit_bench\.$1=//p"; }
vm_kvm_says() { dmesg | grep -qE "kvm \[[0-9]+\]: $1"; }
# ns (= outer instructions, -icount shift=0) from QEMU's launch line to the
# first line matching ERE: span LOG ERE
span() {
	awk -v a="$(pk_vm_stamp 'PKVMKIT-VM: launch' "$1")" \
		-v z="$(pk_vm_stamp "$2" "$1")" 'BEGIN { printf "%.0f", (z - a) * 1e9 }'
}
boot() { # NAME SMP
	pk_vm_run --stamp --smp "$2" --log "/tmp/$1.log"
	if pk_vm_ok "/tmp/$1.log"; then
		b "$1" "$(span "/tmp/$1.log" 'PKVMKIT-GUEST: marker')"
	else
		b error "inner boot $1 failed:"
		pk_vm_log_diag "/tmp/$1.log"
	fi
}
# pkvmkit's own figures, with its minimal VMM (tests/guest/kvm-test.c):
# a page's first touch (stage-2 fault to the guest resumed, the page
# donated), a hypercall the hypervisor answers without the host, and the
# hypervisor's memory for a VM and for a vCPU (pages it holds while one
# runs, from its page states).
ticks_per() { # "N things: T ticks at F Hz" -> instructions per thing
	sed -n 's/^# [a-z]* \([0-9]*\) [a-z]*: \([0-9]*\) ticks at \([0-9]*\) Hz$/\1 \2 \3/p' |
		awk '{ printf "%.0f", $2 * 1e9 / $3 / $1 }'
}
pkvmkit_figures() {
	b touch "$(/root/kvm-test touch protected 4096 | ticks_per)"
	b psci_el2 "$(/root/kvm-test psci protected 20000 | ticks_per)"
	before=$(pk_pages_in "$ST_HYP_OWNED")
	pk_vm_start --smp 1 --log /tmp/mem1.log --append "pkvmkit_guest.secs=600" --task secret
	pk_vm_wait_line 'secret waiting' 300 >/dev/null
	one=$(pk_pages_in "$ST_HYP_OWNED")
	kill -9 "$(pk_vm_qemu_pid)"; pk_vm_wait
	pk_vm_start --smp 2 --log /tmp/mem2.log --append "pkvmkit_guest.secs=600" --task secret
	pk_vm_wait_line 'secret waiting' 300 >/dev/null
	two=$(pk_pages_in "$ST_HYP_OWNED")
	kill -9 "$(pk_vm_qemu_pid)"; pk_vm_wait
	b vcpu_kib $(((two - one) * 4))
	b vm_kib $(((one - before) * 4 - (two - one) * 4))
}
mode=$(arg mode)
if . "/bench/setup-$mode.sh"; then
	i=1
	while [ $i -le "$(arg boots)" ]; do
		boot boot1-$i 1
		i=$((i + 1))
	done
	boot boot2 2
	pk_vm_run --task bench --append "pkvmkit_guest.iters=$(arg iters)" --log /tmp/ops.log
	pk_vm_ok /tmp/ops.log || { b error "the bench VM failed:"; pk_vm_log_diag /tmp/ops.log; }
	pk_vm_lines bench /tmp/ops.log | while read -r l; do
		b "$(pk_vm_field "$l" op)" "$(pk_vm_field "$l" ns_per_iter)"
	done
	[ "$mode" != pkvmkit ] || pkvmkit_figures
else
	b error "the setup of mode $mode failed"
fi
poweroff -f
INIT
	local files=("$ROOT/tests/lib/guest.sh:/lib/pkvmkit/guest.sh")
	# for a mode that loads the driver (its hypercall ids too)
	for v in pkvmkit.ko hc-ids.sh kvm-test; do
		[ ! -f "$ROOT/build/guest/$v" ] || files+=("$ROOT/build/guest/$v:/root/$v")
	done
	for m in "${VM_MODES[@]}"; do
		IFS='|' read -r name cmdline setup <<<"$m"
		printf '%s\n' "$setup" >"$WORK/setup-$name.sh"
		files+=("$WORK/setup-$name.sh:/bench/setup-$name.sh")
	done
	"$ROOT/scripts/mkinitramfs.sh" "$WORK/vm.cpio.gz" "$WORK/init-vm" "${files[@]}"
	"$ROOT/scripts/cpio-cat.sh" "$WORK/vm.cpio" "$WORK/vm.cpio.gz" \
		"$ROOT/build/vmm/vmm.cpio" "$ROOT/build/vmm/vm-guest.cpio"

	for m in "${VM_MODES[@]}"; do
		IFS='|' read -r name cmdline setup <<<"$m"
		vmlog=$ROOT/build/logs/bench-vm-$name.log
		"$ROOT/scripts/qemu-run.sh" --cpu cortex-a72 --smp 2 --mem 1G --icount \
			--timeout 1800 --initrd "$WORK/vm.cpio" \
			--append "$cmdline pkvmkit_bench.mode=$name pkvmkit_bench.boots=$VM_BOOTS pkvmkit_bench.iters=$VM_ITERS" \
			--log "$vmlog" \
			>/dev/null </dev/null || true
		if tr -d '\r' <"$vmlog" | grep -q '^BENCH vm error'; then
			echo "bench: mode $name:" >&2
			tr -d '\r' <"$vmlog" | sed -n '/^BENCH vm error/,/^BENCH vm [^e]/p' | sed 's/^/  /' >&2
		fi
		while read -r k v; do
			[ "$k" = error ] || fig[$name:$k]=$v
		done < <(tr -d '\r' <"$vmlog" | sed -n 's/^BENCH vm //p')
		# the median of the 1-vCPU boots
		v=$(for k in "${!fig[@]}"; do
			case $k in "$name:boot1-"*) echo "${fig[$k]}" ;; esac
		done | sort -n | awk '{ a[NR] = $1 } END { if (NR) print a[int((NR + 1) / 2)] }')
		[ -z "$v" ] || fig[$name:boot1]=$v
	done

	echo
	echo "VMs on /dev/kvm: QEMU 7.2 (-accel kvm -cpu host, GICv2 in userspace),"
	echo "the outer guest cortex-a72 x2, 1 GiB, -icount shift=0; outer-guest instructions"
	echo "(all its CPUs, idle time counted as time), '-' where a mode has no figure:"
	printf '  %-58s' figure
	for k in "${VM_COLUMNS[@]}"; do printf ' %14s' "$k"; done
	echo
	figures=(
		"boot1|inner boot, QEMU launch to marker, 1 vCPU (median of $VM_BOOTS)"
		"boot2|inner boot, QEMU launch to marker, 2 vCPUs"
		"mmio|MMIO read (PL031, VMM in userspace), per round trip"
		"hvc|HVC PSCI_VERSION (KVM: at EL1; pkvmkit: at EL2), per call"
		"empty|the timed loop alone, per iteration"
		"psci_el2|HVC PSCI_VERSION, kvm-test's guest (no kernel), per call"
		"touch|first touch of a guest page (fault, donation, resume)"
		"vm_kib|hypervisor memory per VM, 256 MiB guest after boot (KiB)"
		"vcpu_kib|hypervisor memory per vCPU (KiB)"
	)
	for m in "${figures[@]}"; do
		printf '  %-58s' "${m#*|}"
		for k in "${VM_COLUMNS[@]}"; do
			v=${fig[$k:${m%%|*}]:--}
			case ${m%%|*}:$v in
			*:-) ;;
			boot*) v=$(awk -v n="$v" 'BEGIN { printf "%.3f G", n / 1e9 }') ;;
			esac
			printf ' %14s' "$v"
		done
		echo
	done
	echo "  (boots to 10 M instructions: /proc/uptime's steps; console logs build/logs/bench-vm-*.log)"
}

if [ "$VM_ONLY" -eq 1 ]; then
	echo "kernel $(cat "$ROOT/.deps/current/kernel") ($(cat "$ROOT/.deps/current/abi")), QEMU $(qemu-system-aarch64 --version | sed -n '1s/.*version \([^ ]*\).*/\1/p')"
	vm_bench
	exit 0
fi

cat >"$WORK/init" <<'INIT'
#!/bin/sh
PATH=/bin:/sbin:/usr/bin:/usr/sbin
. /lib/pkvmkit/guest.sh
guest_setup >/dev/null
insmod /root/pkvmkit.ko
i=0
while [ "$(cat $PK_SYS/deprivileged)" != 1 ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
echo "BENCH memory_bytes $(cat $PK_SYS/memory_bytes)"
echo "BENCH load_ns $(dmesg | sed -n 's/.*load to deprivileged: \([0-9]*\) ns.*/\1/p')"
echo "BENCH pool_free $(cat $PK_SYS/pool_free_pages)"
poweroff -f
INIT

"$ROOT/scripts/mkinitramfs.sh" "$WORK/bench.cpio.gz" "$WORK/init" \
	"$ROOT/tests/lib/guest.sh:/lib/pkvmkit/guest.sh" \
	"$ROOT/build/guest/pkvmkit.ko:/root/pkvmkit.ko" \
	"$ROOT/build/guest/hc-ids.sh:/root/hc-ids.sh" >/dev/null

value() { tr -d '\r' <"$1" | sed -n "s/^BENCH $2 //p"; }

# the module-call boot: the bench module from /lib/modules, by command line
cat >"$WORK/init-call" <<'INIT'
#!/bin/sh
PATH=/bin:/sbin:/usr/bin:/usr/sbin
. /lib/pkvmkit/guest.sh
guest_setup >/dev/null
insmod /root/pkvmkit.ko
i=0
while [ "$(cat $PK_SYS/deprivileged)" != 1 ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
[ -e /sys/module/page_guard ] && cat /sys/kernel/debug/pkvm_bench/guarded_write
dmesg | sed -n 's/.*pkvm_bench: \(.*\): \([0-9.]*\) instructions per \([a-zA-Z]*\) .*/BENCH call \2 \1/p'
poweroff -f
INIT
mapfile -t mods < <("$ROOT/scripts/guest-modules-list.sh")
"$ROOT/scripts/mkinitramfs.sh" "$WORK/call.cpio.gz" "$WORK/init-call" \
	"$ROOT/tests/lib/guest.sh:/lib/pkvmkit/guest.sh" \
	"$ROOT/build/guest/pkvmkit.ko:/root/pkvmkit.ko" \
	"$ROOT/build/guest/hc-ids.sh:/root/hc-ids.sh" "${mods[@]}" >/dev/null

echo "hypervisor built with $(cat "$ROOT/build/hyp/config") (the lock-order check: 1 on, 0 off)"
echo "kernel $(cat "$ROOT/.deps/current/kernel") ($(cat "$ROOT/.deps/current/abi")), QEMU $(qemu-system-aarch64 --version | sed -n '1s/.*version \([^ ]*\).*/\1/p')"
printf '%-8s %18s %12s %26s %10s\n' RAM "hyp memory (KiB)" target \
	"load->deprivileged (insn)" target
for mem in 1G 4G; do
	log=$ROOT/build/logs/bench-$mem.log
	"$ROOT/scripts/qemu-run.sh" --cpu cortex-a72 --smp 2 --mem "$mem" \
		--icount --timeout 300 --initrd "$WORK/bench.cpio.gz" \
		--log "$log" >/dev/null </dev/null
	bytes=$(value "$log" memory_bytes)
	ns=$(value "$log" load_ns)
	if [ -z "$bytes" ] || [ -z "$ns" ]; then
		echo "bench: no figures for $mem (see $log)" >&2
		exit 1
	fi
	case $mem in
	1G) mtarget="<= 4096" itarget="<= 5000000" ;;
	4G) mtarget="<= 6144" itarget="-" ;;
	esac
	printf '%-8s %18d %12s %26d %10s\n' "$mem" $((bytes / 1024)) "$mtarget" \
		"$ns" "$itarget"
done
echo "reference (Linux's own pKVM on the same QEMU machine): 10 MiB at 1G," \
	"22 MiB at 4G; about 13.3 million instructions added to boot at 1G"

call_boot() {	# LOG APPEND: boot the call initramfs, print its BENCH call lines
	"$ROOT/scripts/qemu-run.sh" --cpu cortex-a72 --smp 2 --mem 1G --icount \
		--timeout 300 --initrd "$WORK/call.cpio.gz" --append "$2" \
		--log "$1" >/dev/null </dev/null
	tr -d '\r' <"$1" | sed -n 's/^BENCH call \([0-9.]*\) \(.*\)/\1 \2/p'
}
figure() { grep -F " $2" <<<"$1" | head -1 | cut -d' ' -f1; }

plain=$(call_boot "$ROOT/build/logs/bench-call.log" \
	kvm-arm.protected_modules=pkvm_bench,pkvm_bench_66)
hooked=$(call_boot "$ROOT/build/logs/bench-hooks.log" \
	"kvm-arm.protected_modules=smc_filter,page_guard,pkvm_bench pkvm_bench.guard_call=129")
if [ -z "$plain" ] || [ -z "$hooked" ]; then
	echo "bench: no module-call figures (see build/logs/bench-call.log, bench-hooks.log)" >&2
	exit 1
fi
echo
echo "vendor-module call round trip, guest instructions per call (1G, cortex-a72, 100000 calls):"
grep -v 'host SMC\|hyp_alloc' <<<"$plain" | sed 's/^/  /'
echo "  target: module call <= 50; Linux's own pKVM: 99 for its cheapest handled host hypercall, 80 to reject one"
c61=$(figure "$plain" "module call (handler writes x1)")
c66=$(figure "$plain" "module call, android15-6.6")
ctr=$(figure "$plain" "the same with a disabled hyp trace point")
echo "  android15-6.6 beside android14-6.1: $(awk -v a="$c66" -v b="$c61" 'BEGIN { printf "%+.2f", a - b }') (target: within 3)"
cout=$(figure "$plain" "handler calling the hypervisor")
couttr=$(figure "$plain" "disabled hyp trace point (non-leaf)")
echo "  a disabled hyp trace point adds $(awk -v a="$ctr" -v b="$c66" 'BEGIN { printf "%.2f", a - b }') to a leaf handler (target: at most 3),"
echo "    $(awk -v a="$couttr" -v b="$cout" 'BEGIN { printf "%.2f", a - b }') to a handler that calls the hypervisor anyway (the event's argument is loaded before the check, as C evaluates it);"
echo "  the hypervisor's own host_hcall events add nothing while off: enabling them swaps the handlers (hyp/module_calls.c)"
echo
echo "EL2 heap, guest instructions per hyp_alloc(64) + hyp_free (200000 pairs, one page donated):"
echo "  $(figure "$plain" "hyp_alloc(64) + hyp_free") per pair; target <= 150"
echo
echo "host SMCs, guest instructions per SMC (20000 each), without and with modules/smc_filter:"
for what in "a SiP id" SMCCC_VERSION; do
	without=$(figure "$plain" "host SMC, $what")
	with=$(figure "$hooked" "host SMC, $what")
	verdict=$([ "$what" = SMCCC_VERSION ] && echo "passed to EL3" || echo denied)
	printf '  %-16s %10s without  %10s with the filter (%s)  added %s\n' "$what" \
		"$without" "$with" "$verdict" \
		"$(awk -v a="$with" -v b="$without" 'BEGIN { printf "%.2f", a - b }')"
done
echo "  target: the filter adds <= 40"
echo
echo "host write to a page_guard page (read-only), the store skipped by the module:"
echo "  $(figure "$hooked" "host write to a page_guard page") instructions per fault round trip (20000 faults, net of a plain store); target <= 200"

# DMA isolation (docs/dma-isolation.md), under QEMU 10 (scripts/qemu10):
# a donate + reclaim pair of one page (tests/dma pair_bench: the mirror's
# update and the SMMU's TLB invalidation + CMD_SYNC are on this path)
# without an IOMMU and with the hypervisor's SMMUv3, and the memory the
# SMMU's and the mirror's tables take at 1 GiB and 4 GiB.
cat >"$WORK/init-dma" <<'INIT'
#!/bin/sh
PATH=/bin:/sbin:/usr/bin:/usr/sbin
. /lib/pkvmkit/guest.sh
guest_setup >/dev/null
insmod /root/pkvmkit.ko
i=0
while [ "$(cat $PK_SYS/deprivileged)" != 1 ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
insmod /root/pkvm_dma_test.ko
echo "pair_bench 0x200" >/sys/kernel/debug/pkvm_dma_test/cmd
echo "BENCH pair $(cat /sys/kernel/debug/pkvm_dma_test/cmd)"
echo "BENCH dma $(head -n1 $PK_SYS/dma)"
echo "BENCH memory_bytes $(cat $PK_SYS/memory_bytes)"
echo "BENCH tables_kib $(dmesg | sed -n 's/.*DMA: SMMUv3 at .* for the hypervisor, \([0-9]*\) KiB of tables.*/\1/p')"
poweroff -f
INIT
"$ROOT/scripts/mkinitramfs.sh" "$WORK/dma.cpio.gz" "$WORK/init-dma" \
	"$ROOT/tests/lib/guest.sh:/lib/pkvmkit/guest.sh" \
	"$ROOT/build/guest/pkvmkit.ko:/root/pkvmkit.ko" \
	"$ROOT/build/guest/pkvm_dma_test.ko:/root/pkvm_dma_test.ko" \
	"$ROOT/build/guest/hc-ids.sh:/root/hc-ids.sh" >/dev/null
dma_boot() {	# LOG MEM [MACHINE-OPTS]: boot it under QEMU 10
	local opts=()
	[ -z "${3:-}" ] || opts=(--machine-opts "$3" --append \
		"initcall_blacklist=arm_smmu_driver_init deferred_probe_timeout=0")
	"$ROOT/scripts/qemu-run.sh" --qemu 10 --cpu cortex-a72 --smp 2 --mem "$2" \
		--icount --timeout 300 --initrd "$WORK/dma.cpio.gz" --log "$1" \
		"${opts[@]}" >/dev/null </dev/null
}
dma_boot "$ROOT/build/logs/bench-dma-none.log" 1G
dma_boot "$ROOT/build/logs/bench-dma-1G.log" 1G iommu=smmuv3
dma_boot "$ROOT/build/logs/bench-dma-4G.log" 4G iommu=smmuv3
echo
echo "DMA isolation (QEMU 10, cortex-a72 x2, -icount shift=0):"
p0=$(value "$ROOT/build/logs/bench-dma-none.log" pair | cut -d' ' -f1)
p1=$(value "$ROOT/build/logs/bench-dma-1G.log" pair | cut -d' ' -f1)
for f in none 1G 4G; do
	d=$(value "$ROOT/build/logs/bench-dma-$f.log" dma)
	[ -n "$d" ] || { echo "bench: no DMA figures (see build/logs/bench-dma-$f.log)" >&2; exit 1; }
done
echo "  donate + reclaim of one page, instructions per pair (the median of 9 pages):"
echo "    without an IOMMU:  $(value "$ROOT/build/logs/bench-dma-none.log" pair)"
echo "    with the SMMUv3:   $(value "$ROOT/build/logs/bench-dma-1G.log" pair)"
echo "    ($(value "$ROOT/build/logs/bench-dma-1G.log" dma)): added $(awk -v a="$p1" -v b="$p0" 'BEGIN { printf "%.2f", a - b }')"
for mem in 1G 4G; do
	log=$ROOT/build/logs/bench-dma-$mem.log
	kib=$(value "$log" tables_kib)
	ram=$(( ${mem%G} * 1024 * 1024 ))
	echo "  $mem: the SMMU's and the mirror's tables $kib KiB ($(awk -v a="$kib" -v b="$ram" \
		'BEGIN { printf "%.3f", 100 * a / b }')% of RAM; target <= 0.3%), hypervisor memory in all $(( $(value "$log" memory_bytes) / 1024 )) KiB"
done

# scripts/pkvmkit run on the page's sample: wall time from the command to
# the point where the guest runs the script or gives the shell (the line
# "PKVMKIT-RUN: deprivileged" on the console), warm build, median of 3.
run_to_prompt() {
	local log=$ROOT/build/logs/run.log t0 i=0
	rm -f "$log"
	t0=$(date +%s.%N)
	"$ROOT/scripts/pkvmkit" run --script "$WORK/noop.sh" \
		"$ROOT/modules/pkvm_module" </dev/null >/dev/null 2>&1 &
	while ! grep -q "PKVMKIT-RUN: deprivileged" "$log" 2>/dev/null; do
		[ $i -lt 600 ] || { echo timeout; wait; return; }
		sleep 0.05
		i=$((i + 1))
	done
	awk -v a="$(date +%s.%N)" -v b="$t0" 'BEGIN { printf "%.1f\n", a - b }'
	wait
}
echo 'exit 0' >"$WORK/noop.sh"
run_to_prompt >/dev/null	# warm the build
times=$(for i in 1 2 3; do run_to_prompt; done | sort -n | tr '\n' ' ')
echo
echo "scripts/pkvmkit run (page's sample, cortex-a72 x2, warm build), command to guest prompt:"
echo "  $(echo "$times" | awk '{ print $2 }') s median of 3 (${times% }); target < 10 s"

# ... and to the first instruction of the module's EL2 init: a hardware
# breakpoint there (pkvmkit run --gdb), the wall time at the hit; median
# of 3. gdb attaches as soon as the command says QEMU waits for it.
run_to_el2_init() {
	local out=$WORK/gdb-run.out t0 i=0 port=$((20000 + $$ % 20000))
	: >"$out"
	t0=$(date +%s.%N)
	"$ROOT/scripts/pkvmkit" run --gdb-port "$port" --timeout 120 \
		--script "$WORK/noop.sh" "$ROOT/modules/pkvm_module" \
		</dev/null >"$out" 2>&1 &
	until grep -q "QEMU waits for gdb" "$out"; do
		[ $i -lt 1200 ] || { echo timeout; wait; return; }
		sleep 0.05
		i=$((i + 1))
	done
	rm -f "$WORK/hit"
	gdb-multiarch -batch -x "$ROOT/build/run/gdb.init" \
		-ex 'hbreak pkvm_driver_hyp_init' -ex continue \
		-ex "shell date +%s.%N >$WORK/hit" -ex detach >/dev/null 2>&1
	wait
	if [ -s "$WORK/hit" ]; then
		awk -v a="$(cat "$WORK/hit")" -v b="$t0" 'BEGIN { printf "%.1f\n", a - b }'
	else
		echo none
	fi
}
times=$(for i in 1 2 3; do run_to_el2_init; done | sort -n | tr '\n' ' ')
echo "  $(echo "$times" | awk '{ print $2 }') s median of 3 (${times% }) to the first instruction of the module's EL2 init (breakpoint, gdb attached)"

vm_bench
