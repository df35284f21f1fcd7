#!/usr/bin/env bash
# tests/run-scenarios.sh [NAME|PATH ...] - boot guest scenarios, report KTAP.
#
# A scenario is a busybox-sh script, tests/scenarios/NAME.sh (or any PATH to
# such a file), run as the guest's workload. It sources /lib/pkvmkit/guest.sh
# (tests/lib/guest.sh), calls guest_setup, runs checks with the t_* helpers
# and ends with guest_finish. Header lines declare how it is booted:
#   #@ boot CPU SMP MEM     one boot per line, e.g. "#@ boot max 4 1G";
#                           none means one "cortex-a72 2 1G" boot
#   #@ append TEXT          extra kernel command line (every boot)
#   #@ timeout SECONDS      per boot, default 120
#   #@ kernel K             run only on kernel K (6.1 or 6.12): elsewhere the
#                           scenario is one skipped point; the header says
#                           why one kernel is enough (default: every kernel)
#   #@ vmm                  the initramfs also holds the inner VMM and guest
#                           (docs/vmm.md; make vmm builds them): QEMU 7.2's
#                           /usr/bin/qemu-system-aarch64 and its libraries
#                           (build/vmm/vmm.cpio), /boot/guest-vmlinuz,
#                           /boot/guest.cpio and /lib/pkvmkit/vm.sh
#                           (build/vmm/vm-guest.cpio), appended uncompressed:
#                           some 90 MB, so only scenarios that run VMs ask
#                           (give them a #@ timeout and 1G or more)
#   #@ expect-console ERE   the console log must match ERE (grep -E); one
#                           test point each, added after the guest's. A
#                           scenario with such lines is expected to end
#                           without guest_finish (e.g. in a panic): the END
#                           marker and plan are then not required, but QEMU
#                           must still exit by itself.
#   #@ qemu 10              boot under Debian 13's QEMU 10.0 (scripts/qemu10,
#                           .deps/host-qemu, scripts/get-host-qemu.sh)
#                           instead of the host's 7.2
#   #@ machine OPTS         appended to -M virt,... (e.g. iommu=smmuv3: on
#                           QEMU 10.0 a nested stage-1 + stage-2 SMMUv3);
#                           several lines are joined with commas
#   #@ qemu-args ARGS...    extra QEMU arguments, split at white space (no
#                           quoting); several lines add up, in order. The
#                           token @DISK@ in them becomes the path of a fresh
#                           16 MiB raw disk image made for that boot,
#                           build/disks/<log name>.img: sector S (512
#                           bytes) holds "PKVMKIT-DISK " and S as 8 decimal
#                           digits, padded with spaces to 511 bytes, then a
#                           newline, so sector S is line S+1 of the file
# With no arguments every tests/scenarios/*.sh is run.
#
# The initramfs of a scenario holds /scenario.sh, /lib/pkvmkit/guest.sh, an
# /init that runs the scenario, every file under build/guest/ (except
# build/guest/modules/) flat in /root/, and build/guest/modules/ as
# /lib/modules/<abi>/ (structure kept). All but /scenario.sh is the same
# for every scenario: it is built and compressed once
# (build/initramfs/base.cpio.gz), and each scenario's initramfs is that
# base followed by an uncompressed archive of its script alone (the kernel
# unpacks archive after archive; scripts/cpio-cat.sh). Compressing the
# whole image per scenario cost some 10 s each, minutes per kernel.
#
# Output: "TAP version 13", "1..M" (M = number of boots), then per boot the
# guest's test points as an indented subtest and one top-level ok/not ok
# line. A boot that timed out, or whose console lacks PKVMKIT-SCENARIO-END,
# fails and counts as one failed test point; its last console lines are
# shown. Last line: "N passed, N failed[, N skipped]" over the guest's test
# points. Exit status 0 iff nothing failed (2 on usage errors).
#
# Console logs: build/logs/NAME-CPU-SMPcpu-MEM.log. Environment:
#   PKVMKIT_JOBS=N      boots run in parallel (default 1)
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=$ROOT/build
LOGDIR=$BUILD/logs
IMGDIR=$BUILD/initramfs
GUEST_DIR=$BUILD/guest
VMM_FILES=("$BUILD/vmm/vmm.cpio" "$BUILD/vmm/vm-guest.cpio")
DISKDIR=$BUILD/disks
DISK_SECTORS=32768	# 16 MiB
JOBS=${PKVMKIT_JOBS:-1}
DEFAULT_TIMEOUT=120
TAIL_LINES=30

die() {
	echo "run-scenarios: $*" >&2
	exit 2
}
[[ $JOBS =~ ^[1-9][0-9]*$ ]] || die "PKVMKIT_JOBS must be a positive number"

rel() { printf '%s\n' "${1#"$ROOT"/}"; }

# --- which scenarios --------------------------------------------------------
SCEN_FILES=()
if [ $# -eq 0 ]; then
	for f in "$ROOT"/tests/scenarios/*.sh; do
		[ -f "$f" ] && SCEN_FILES+=("$f")
	done
else
	for a in "$@"; do
		if [ -f "$a" ]; then
			SCEN_FILES+=("$(cd "$(dirname "$a")" && pwd)/$(basename "$a")")
		elif [ -f "$ROOT/tests/scenarios/$a.sh" ]; then
			SCEN_FILES+=("$ROOT/tests/scenarios/$a.sh")
		else
			die "no scenario '$a' (neither a file nor tests/scenarios/$a.sh)"
		fi
	done
fi

# --- kernel, busybox --------------------------------------------------------
if [ ! -f "$ROOT/.deps/current/.stamp" ] || [ ! -e "$ROOT/.deps/current/vmlinuz" ]; then
	echo "# .deps/current missing: running scripts/setup.sh" >&2
	"$ROOT/scripts/setup.sh" >&2 || die "scripts/setup.sh failed"
fi
ABI=$(cat "$ROOT/.deps/current/abi")

mkdir -p "$LOGDIR" "$IMGDIR"
WORK=$(mktemp -d)
cleanup() {
	# Stop boots still running if we are interrupted.
	local p
	for p in $(jobs -p); do kill "$p" 2>/dev/null; done
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- extra guest files (same for every scenario) ---------------------------
GUEST_FILES=()
if [ -d "$GUEST_DIR" ]; then
	while IFS= read -r -d '' f; do
		GUEST_FILES+=("$f:/root/$(basename "$f")")
	done < <(find "$GUEST_DIR" -path "$GUEST_DIR/modules" -prune -o -type f -print0 | sort -z)
	if [ -d "$GUEST_DIR/modules" ]; then
		while IFS= read -r -d '' f; do
			GUEST_FILES+=("$f:/lib/modules/$ABI/${f#"$GUEST_DIR/modules/"}")
		done < <(find "$GUEST_DIR/modules" -type f -print0 | sort -z)
	fi
fi

cat >"$WORK/init" <<'EOF'
#!/bin/sh
# Generated by tests/run-scenarios.sh.
PATH=/bin:/sbin:/usr/bin:/usr/sbin
export PATH
/bin/sh /scenario.sh
echo "PKVMKIT: /scenario.sh exited (status $?) without calling guest_finish"
/bin/busybox poweroff -f
EOF

# --- the initramfs all scenarios share ---------------------------------------
BASE_IMG=$IMGDIR/base.cpio.gz
"$ROOT/scripts/mkinitramfs.sh" "$BASE_IMG" "$WORK/init" \
	"$ROOT/tests/lib/guest.sh:/lib/pkvmkit/guest.sh" "${GUEST_FILES[@]}" ||
	die "building the shared initramfs failed"

# script_cpio SCRIPT OUT: an uncompressed newc archive of SCRIPT alone, as
# /scenario.sh (root's, mode 644, time 0: the same script, the same bytes).
script_cpio() {
	local stage=$WORK/script-stage
	rm -rf "$stage"
	mkdir -p "$stage"
	cp "$1" "$stage/scenario.sh"
	chmod 644 "$stage/scenario.sh"
	touch -d @0 "$stage/scenario.sh"
	(cd "$stage" && echo scenario.sh |
		cpio --quiet -o -H newc -R 0:0 --reproducible) >"$2"
}

# --- collect the boots --------------------------------------------------------
B_NAME=() B_CPU=() B_SMP=() B_MEM=() B_APPEND=() B_TIMEOUT=() B_INITRD=() B_LOG=()
B_QEMU=() B_MACHINE=() B_QARGS=() B_DISK=()
S_NAME=() S_WHY=()	# scenarios for another kernel only
KERNEL=$(cat "$ROOT/.deps/current/kernel")
B_EXPECT=()
for f in "${SCEN_FILES[@]}"; do
	name=$(basename "$f" .sh)
	append=$(sed -n 's/^#@[[:space:]]*append[[:space:]]\{1,\}//p' "$f" | tr '\n' ' ' | sed 's/ *$//')
	tmo=$(sed -n 's/^#@[[:space:]]*timeout[[:space:]]\{1,\}\([0-9]\{1,\}\).*/\1/p' "$f" | tail -n1)
	tmo=${tmo:-$DEFAULT_TIMEOUT}
	expect=$(sed -n 's/^#@[[:space:]]*expect-console[[:space:]]\{1,\}//p' "$f")
	only=$(sed -n 's/^#@[[:space:]]*kernel[[:space:]]\{1,\}\([0-9.]*\).*/\1/p' "$f" | tail -n1)
	qemu=$(sed -n 's/^#@[[:space:]]*qemu[[:space:]]\{1,\}\([^[:space:]]*\).*/\1/p' "$f" | tail -n1)
	case $qemu in
	"" | 10) ;;
	*) die "$(rel "$f"): bad '#@ qemu $qemu' (want: #@ qemu 10)" ;;
	esac
	machine=$(sed -n 's/^#@[[:space:]]*machine[[:space:]]\{1,\}//p' "$f" | sed 's/[[:space:]]*$//' | paste -sd, -)
	qargs=$(sed -n 's/^#@[[:space:]]*qemu-args[[:space:]]\{1,\}//p' "$f" | tr '\n' ' ' | sed 's/ *$//')
	if [ -n "$only" ] && [ "$only" != "$KERNEL" ]; then
		S_NAME+=("$name") S_WHY+=("runs on kernel $only only")
		continue
	fi
	[ "$qemu" != 10 ] || [ -x "$ROOT/.deps/host-qemu/root/usr/bin/qemu-system-aarch64" ] ||
		die "$(rel "$f") asks for QEMU 10 (#@ qemu 10): no .deps/host-qemu, run scripts/setup.sh"
	boots=$(sed -n 's/^#@[[:space:]]*boot[[:space:]]\{1,\}//p' "$f")
	[ -n "$boots" ] || boots="cortex-a72 2 1G"

	img=$IMGDIR/$name.cpio
	parts=("$BASE_IMG")
	if grep -q '^#@[[:space:]]*vmm[[:space:]]*$' "$f"; then
		for v in "${VMM_FILES[@]}"; do
			[ -f "$v" ] || die "$(rel "$f") asks for the VMM (#@ vmm): no $(rel "$v"), run make vmm"
		done
		parts+=("${VMM_FILES[@]}")
	fi
	if ! script_cpio "$f" "$WORK/$name.script.cpio" ||
		! "$ROOT/scripts/cpio-cat.sh" "$img" "${parts[@]}" "$WORK/$name.script.cpio"; then
		die "building the initramfs for $name failed"
	fi

	while read -r cpu smp mem extra; do
		[ -n "$cpu" ] || continue
		{ [ -n "$smp" ] && [ -n "$mem" ] && [ -z "$extra" ]; } ||
			die "$(rel "$f"): bad '#@ boot $cpu $smp $mem $extra' (want: #@ boot CPU SMP MEM)"
		B_NAME+=("$name") B_CPU+=("$cpu") B_SMP+=("$smp") B_MEM+=("$mem")
		B_APPEND+=("$append") B_TIMEOUT+=("$tmo") B_INITRD+=("$img")
		B_EXPECT+=("$expect")
		B_QEMU+=("$qemu") B_MACHINE+=("$machine") B_QARGS+=("$qargs")
		# CPU may carry options (max,pauth-impdef=on): keep file names tame.
		base=$name-$(tr ',=' '__' <<<"$cpu")-${smp}cpu-$mem
		B_LOG+=("$LOGDIR/$base.log")
		case $qargs in
		*@DISK@*) B_DISK+=("$DISKDIR/$base.img") ;;
		*) B_DISK+=("") ;;
		esac
	done <<<"$boots"
done
NB=${#B_NAME[@]}

# --- run ----------------------------------------------------------------------
# The @DISK@ pattern (see the header), made once; each boot gets a copy.
DISK_TEMPLATE=$WORK/disk.img
for d in "${B_DISK[@]}"; do
	[ -n "$d" ] || continue
	mkdir -p "$DISKDIR"
	awk -v n="$DISK_SECTORS" 'BEGIN {
		for (s = 0; s < n; s++) printf "PKVMKIT-DISK %08d%490s\n", s, ""
	}' >"$DISK_TEMPLATE" || die "making the scratch disk image failed"
	[ "$(stat -c %s "$DISK_TEMPLATE")" -eq $((DISK_SECTORS * 512)) ] ||
		die "the scratch disk image is not $((DISK_SECTORS * 512)) bytes"
	break
done

# run_boot I: boot I in the background; leaves "RC SECONDS" in $WORK/I.rc.
run_boot() {
	local i=$1 t0 t1 rc=0 opts=() qargs=()
	if [ -n "${B_QEMU[$i]}" ]; then opts+=(--qemu "${B_QEMU[$i]}"); fi
	if [ -n "${B_MACHINE[$i]}" ]; then opts+=(--machine-opts "${B_MACHINE[$i]}"); fi
	read -ra qargs <<<"${B_QARGS[$i]}"
	if [ -n "${B_DISK[$i]}" ]; then
		cp "$DISK_TEMPLATE" "${B_DISK[$i]}"
		qargs=("${qargs[@]//@DISK@/${B_DISK[$i]}}")
	fi
	t0=$(date +%s.%N)
	"$ROOT/scripts/qemu-run.sh" --cpu "${B_CPU[$i]}" --smp "${B_SMP[$i]}" \
		--mem "${B_MEM[$i]}" --initrd "${B_INITRD[$i]}" \
		--append "${B_APPEND[$i]}" --timeout "${B_TIMEOUT[$i]}" \
		--log "${B_LOG[$i]}" "${opts[@]}" -- "${qargs[@]}" \
		</dev/null >/dev/null 2>"$WORK/$i.err" || rc=$?
	t1=$(date +%s.%N)
	# Write then rename: the reporter polls for the file.
	printf '%s %s\n' "$rc" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')" \
		>"$WORK/$i.rc.tmp"
	mv "$WORK/$i.rc.tmp" "$WORK/$i.rc"
}

PASS=0 FAIL=0 SKIP=0

# report I: print boot I's subtest and result line, update the totals.
report() {
	local i=$1 rc secs log title counts p f s pts plan has_end ok=1
	local why=()
	read -r rc secs <"$WORK/$i.rc"
	log=${B_LOG[$i]}
	title="${B_NAME[$i]} (${B_CPU[$i]}, ${B_SMP[$i]} CPUs, ${B_MEM[$i]}${B_QEMU[$i]:+, QEMU ${B_QEMU[$i]}})"

	echo "    # Subtest: $title"
	# Console lines between the markers (CRs from the serial tty removed)
	# become the subtest, indented. Top-level test points are counted; lines
	# that are not TAP (stray program output) are turned into diagnostics;
	# already-indented TAP (nested subtests) is kept as it is.
	# with console expectations the plan is printed after them, once
	counts=$(tr -d '\r' <"$log" | awk -v out="$WORK/$i.sub" \
		-v own_plan="$([ -n "${B_EXPECT[$i]}" ] && echo 0 || echo 1)" '
		/^PKVMKIT-SCENARIO-BEGIN$/ { inside = 1; next }
		/^PKVMKIT-SCENARIO-END$/   { if (inside) end = 1; inside = 0; next }
		!inside { next }
		/^[ \t]*$/ { next }
		/^ok / {
			if (tolower($0) ~ /# *skip/) s++; else p++
			print "    " $0 > out; next
		}
		/^not ok / {
			if (tolower($0) ~ /# *(todo|skip)/) s++; else f++
			print "    " $0 > out; next
		}
		/^1\.\.[0-9]+/ { plan = substr($1, 4); if (own_plan) print "    " $0 > out; next }
		/^#/ { print "    " $0 > out; next }
		/^[ \t]+(ok |not ok |1\.\.|#)/ { print "    " $0 > out; next }
		{ print "    # " $0 > out }
		END { printf "%d %d %d %s %d\n", p, f, s, (plan == "" ? "-" : plan), end }
	')
	read -r p f s plan has_end <<<"$counts"
	[ -f "$WORK/$i.sub" ] && cat "$WORK/$i.sub"
	pts=$((p + f + s))
	if [ -n "${B_EXPECT[$i]}" ]; then
		# console expectations, numbered after the guest's points
		while IFS= read -r re; do
			pts=$((pts + 1))
			if tr -d '\r' <"$log" | grep -qE -- "$re"; then
				echo "    ok $pts - console shows: $re"
				p=$((p + 1))
			else
				echo "    not ok $pts - console shows: $re"
				f=$((f + 1))
			fi
		done <<<"${B_EXPECT[$i]}"
		echo "    1..$pts"
		has_end=1 plan=$pts
	fi
	echo "    # boot took ${secs}s, console log: $(rel "$log")"

	if [ "$rc" -eq 124 ]; then
		why+=("boot timed out after ${B_TIMEOUT[$i]}s (QEMU killed)")
	elif [ "$has_end" -ne 1 ]; then
		why+=("PKVMKIT-SCENARIO-END marker missing (QEMU exit status $rc): guest crashed, panicked or the scenario did not call guest_finish")
	elif [ "$rc" -ne 0 ]; then
		why+=("QEMU exited with status $rc")
	elif [ "$plan" != "$pts" ]; then
		why+=("plan says 1..$plan but $pts test points ran")
	fi
	[ "${#why[@]}" -eq 0 ] && [ "$f" -eq 0 ] || ok=0
	PASS=$((PASS + p))
	FAIL=$((FAIL + f))
	SKIP=$((SKIP + s))

	if [ "$ok" -eq 1 ]; then
		echo "ok $((i + 1)) - $title"
		return
	fi
	echo "not ok $((i + 1)) - $title"
	if [ "${#why[@]}" -gt 0 ]; then
		FAIL=$((FAIL + 1)) # the broken boot itself counts as one failure
		printf '# %s\n' "${why[@]}"
		if [ -s "$WORK/$i.err" ]; then
			echo "# qemu-run stderr:"
			sed 's/^/#   /' "$WORK/$i.err"
		fi
		echo "# last $TAIL_LINES console lines ($(rel "$log")):"
		tr -d '\r' <"$log" | tail -n "$TAIL_LINES" | sed 's/^/#   /'
	fi
}

echo "TAP version 13"
echo "1..$((NB + ${#S_NAME[@]}))"

started=0 reported=0
# Print every finished boot, in order, as soon as all earlier ones are done.
flush() {
	while [ "$reported" -lt "$started" ] && [ -f "$WORK/$reported.rc" ]; do
		report "$reported"
		reported=$((reported + 1))
	done
}
finished() {
	local n=0 k
	for ((k = 0; k < started; k++)); do
		[ -f "$WORK/$k.rc" ] && n=$((n + 1))
	done
	echo "$n"
}

while [ "$started" -lt "$NB" ]; do
	if [ $((started - $(finished))) -ge "$JOBS" ]; then
		sleep 0.2
		flush
		continue
	fi
	run_boot "$started" &
	started=$((started + 1))
done
while [ "$reported" -lt "$NB" ]; do
	flush
	[ "$reported" -lt "$NB" ] && sleep 0.2
done
wait
for ((k = 0; k < ${#S_NAME[@]}; k++)); do
	echo "ok $((NB + k + 1)) - ${S_NAME[$k]} # SKIP ${S_WHY[$k]}"
	SKIP=$((SKIP + 1))
done

summary="$PASS passed, $FAIL failed"
[ "$SKIP" -eq 0 ] || summary+=", $SKIP skipped"
echo "$summary"
[ "$FAIL" -eq 0 ]
